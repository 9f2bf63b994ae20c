-- Policies as data (SQLite): pack versions, green cards, entitlements found without
-- application, and the notifications that tell talents about them. Keep the stem identical
-- to the PostgreSQL twin.

-- Every version of a policy pack ever drafted or published. A published row is never
-- changed again: stored entitlements and cards name the version they were computed with.
create table policy_version (
    policy_version_id integer primary key,
    pack_id text not null,
    version text not null,
    status text not null,                  -- draft, published
    effective_date text not null,          -- YYYY-MM-DD; the pack's own [pack].effective
    file_name text not null,
    source text not null,                  -- the TOML text, exactly as published
    created_by bigint references account (account_id),
    created_at bigint not null,
    updated_at bigint not null,
    published_by bigint references account (account_id),
    published_at bigint
);
create unique index policy_version_published_idx on policy_version (pack_id, version) where status = 'published';

create table card (
    card_id integer primary key,
    number text not null unique,           -- SJZ-YYYY-NNNNNN-C, ISO 7064 check character
    talent_id bigint not null references talent (talent_id),
    tier text not null,
    valid_from text not null,
    valid_until text not null,             -- inclusive
    status text not null,                  -- active, revoked (expiry is read from valid_until)
    revoked_reason text,
    revoked_at bigint,
    revoked_by bigint references account (account_id),
    policy_version_id bigint not null references policy_version (policy_version_id),
    issued_by bigint references account (account_id),
    issued_at bigint not null
);
-- At most one card in force per talent; a revoked card stays for /verify to report.
create unique index card_active_idx on card (talent_id) where status = 'active';

-- What the engine found a talent entitled to, one row per (talent, benefit).
create table entitlement (
    entitlement_id integer primary key,
    talent_id bigint not null references talent (talent_id),
    benefit text not null,
    status text not null,                  -- proposed, confirmed, ended
    from_month text not null,              -- YYYY-MM, first month with an amount
    schedule text not null,                -- JSON [{"from":"YYYY-MM","to":"YYYY-MM","amount_fen":n}]
    total_fen bigint not null,
    policy_version_id bigint not null references policy_version (policy_version_id),
    computed_at bigint not null,
    confirmed_at bigint,
    confirmed_bank_masked text,            -- the account the talent confirmed, masked
    ended_at bigint,
    ended_reason text,
    unique (talent_id, benefit)
);
create index entitlement_status_idx on entitlement (status, benefit);

create table notification (
    notification_id integer primary key,
    talent_id bigint not null references talent (talent_id),
    kind text not null,                    -- entitlement-found, card-issued, card-revoked
    subject_id bigint,                     -- the entitlement or card
    payload text not null,                 -- JSON, for the message's arguments
    created_at bigint not null,
    read_at bigint
);
create index notification_talent_idx on notification (talent_id, read_at);

-- Which published version the population's entitlements were last recomputed under: the
-- daily job recomputes once when a newer version comes into force.
create table policy_state (
    policy_state_id bigint primary key,
    recomputed_version_id bigint,
    recomputed_at bigint
);
insert into policy_state (policy_state_id, recomputed_version_id, recomputed_at) values (1, null, null);
