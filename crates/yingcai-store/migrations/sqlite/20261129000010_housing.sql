-- Talent apartments (SQLite): inventory, application rounds, offers and leases.
-- Keep the stem identical to the PostgreSQL twin.
--
-- A unit's status is the one fact every step reads: free units of a round's unit types
-- are its capacity; an offer holds its unit ('offered') until answered; a lease lets it.
-- The partial unique indexes make a double offer or a double lease of one unit, or two
-- live offers for one applicant, impossible whatever runs concurrently.

create table complex (
    complex_id integer primary key,
    code text not null unique,             -- public id: what ballots and instances name
    name text not null,
    district text not null,
    address text not null,
    operator text not null,
    created_at bigint not null,
    updated_at bigint not null
);

create table unit_type (
    unit_type_id integer primary key,
    complex_id bigint not null references complex (complex_id),
    name text not null,
    area_centi_m2 bigint not null,         -- hundredths of a square metre
    bedrooms bigint not null,
    rent_fen bigint not null,              -- monthly rent
    unique (complex_id, name)
);

create table unit (
    unit_id integer primary key,
    complex_id bigint not null references complex (complex_id),
    unit_type_id bigint not null references unit_type (unit_type_id),
    number text not null,
    status text not null,                  -- free, offered, let, maintenance
    updated_at bigint not null,
    unique (complex_id, number)
);
create index unit_type_status_idx on unit (unit_type_id, status);

create table housing_round (
    round_id integer primary key,
    name text not null,
    status text not null,                  -- open, allocated
    deadline_at bigint not null,           -- ballots close at this instant
    seed text not null,                    -- the lottery seed, published when the round opens
    requirements text not null,            -- comma-separated eligibility checks
    priority_rules text not null,          -- TOML (yingcai-housing)
    offer_rules text not null,             -- TOML
    lease_rules text not null,             -- TOML
    opened_by bigint references account (account_id),
    opened_at bigint not null,
    allocated_by bigint references account (account_id),
    allocated_at bigint,
    instance_json text,                    -- the published instance (pseudonymised)
    result_csv text,                       -- applicant,complex
    ranking_csv text,                      -- each pseudonym's priority values and lottery ticket
    figures_json text                      -- the published aggregate figures
);

create table round_unit_type (
    round_id bigint not null references housing_round (round_id),
    unit_type_id bigint not null references unit_type (unit_type_id),
    primary key (round_id, unit_type_id)
);

create table application (
    application_id integer primary key,
    round_id bigint not null references housing_round (round_id),
    talent_id bigint not null references talent (talent_id),
    pseudonym text not null,
    ranking text not null,                 -- complex codes, most preferred first, comma-separated
    assigned_complex_id bigint references complex (complex_id),
    outcome_json text,                     -- after allocation: positions and cut-offs
    created_at bigint not null,
    updated_at bigint not null,
    unique (round_id, talent_id),
    unique (round_id, pseudonym)
);

create table offer (
    offer_id integer primary key,
    round_id bigint not null references housing_round (round_id),
    application_id bigint not null references application (application_id),
    talent_id bigint not null references talent (talent_id),
    unit_id bigint not null references unit (unit_id),
    source text not null,                  -- allocation, waiting_list
    status text not null,                  -- pending, accepted, declined, expired
    offered_at bigint not null,
    respond_by bigint not null,
    responded_at bigint
);
create unique index offer_live_unit_idx on offer (unit_id) where status in ('pending', 'accepted');
create unique index offer_live_application_idx on offer (application_id) where status in ('pending', 'accepted');
create index offer_talent_idx on offer (talent_id, status);
create index offer_status_idx on offer (status, respond_by);

create table lease (
    lease_id integer primary key,
    offer_id bigint not null unique references offer (offer_id),
    talent_id bigint not null references talent (talent_id),
    unit_id bigint not null references unit (unit_id),
    start_date text not null,
    end_date text not null,                -- inclusive: the maximum term's last day
    rent_fen bigint not null,
    status text not null,                  -- active, ending, ended
    end_reason text,                       -- bought_home, left_employment, max_term, officer
    ends_on text,                          -- the last day, once notice is given
    noticed_at bigint,
    ended_at bigint
);
create unique index lease_live_unit_idx on lease (unit_id) where status in ('active', 'ending');
create unique index lease_live_talent_idx on lease (talent_id) where status in ('active', 'ending');
