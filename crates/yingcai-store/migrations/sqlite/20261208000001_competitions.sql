-- Open competitions (揭榜挂帅): needs, their indicators and rubric, and the numbered lists
-- (榜单) they are published on (SQLite). Keep the stem identical to the PostgreSQL twin.
-- Instants are Unix milliseconds; dates are YYYY-MM-DD; money is integer fen.

-- A published list: numbered per Beijing year ("2026-1", "2026-2"…). Bids open when it is
-- published; each need closes on its own deadline, at least min_window_days later.
create table competition_list (
    list_id integer primary key,
    number text not null unique,
    year bigint not null,
    seq bigint not null,
    title text not null,
    published_at bigint not null,
    published_by bigint references account (account_id),
    min_window_days bigint not null,
    unique (year, seq)
);

-- A need. The issuer is an enterprise (enterprise_id set, issuer its name when drafted) or
-- a government unit an officer drafts for (enterprise_id null, issuer the unit's name).
-- A need is on at most one list (list_id), set when the list is published.
create table competition_need (
    need_id integer primary key,
    owner_account_id bigint not null references account (account_id),
    enterprise_id bigint references enterprise (enterprise_id),
    issuer text not null,
    title text not null,
    field text not null,                   -- a code of the industry catalogue
    description text not null,
    budget_fen bigint not null,
    duration_months bigint not null,
    bid_deadline text not null,            -- bids close at the end of this day, Beijing time
    ip_terms text not null,                -- issuer, team, shared, other
    ip_note text not null,
    confidentiality text not null,         -- none, nda_on_bid, nda_on_award, other
    confidentiality_note text not null,
    stages bigint not null,                -- 1 or 2
    winners bigint not null,               -- 1 (揭榜) or 2-3 (赛马)
    status text not null,                  -- draft, submitted, returned, accepted, published
    return_reason text,                    -- the officer's latest reason, while returned
    list_id bigint references competition_list (list_id),
    list_position bigint,
    created_at bigint not null,
    updated_at bigint not null,
    submitted_at bigint,
    accepted_at bigint,
    published_at bigint
);
create index competition_need_owner_idx on competition_need (owner_account_id, need_id);
create index competition_need_status_idx on competition_need (status, need_id);
create index competition_need_list_idx on competition_need (list_id, list_position);

-- Child rows rather than a JSON column: bids will state what they reach per indicator and
-- reviewers will score per criterion, both by these ids. Rows are replaced while the need
-- is a draft or returned, and frozen from acceptance on.
create table competition_indicator (
    indicator_id integer primary key,
    need_id bigint not null references competition_need (need_id),
    position bigint not null,
    name text not null,
    target text not null,
    unit text not null
);
create index competition_indicator_need_idx on competition_indicator (need_id, position);

create table competition_criterion (
    criterion_id integer primary key,
    need_id bigint not null references competition_need (need_id),
    position bigint not null,
    name text not null,
    weight bigint not null                 -- the weights of a need sum to 100
);
create index competition_criterion_need_idx on competition_criterion (need_id, position);

-- A need's history: every status it entered, who moved it, and the reason of a return.
create table competition_need_event (
    event_id integer primary key,
    need_id bigint not null references competition_need (need_id),
    at bigint not null,
    actor_account_id bigint references account (account_id),
    status text not null,
    note text not null
);
create index competition_need_event_need_idx on competition_need_event (need_id, event_id);
