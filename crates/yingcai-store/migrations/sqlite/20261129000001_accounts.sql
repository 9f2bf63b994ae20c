-- Accounts, roles, sessions and sign-in throttling (SQLite).
-- Keep this file's stem identical to its PostgreSQL twin; a test compares the two trees.
-- Conventions: singular table names, <table>_id keys, *_at columns are Unix milliseconds (UTC),
-- booleans are 0/1 integers so the same query text reads them on both databases.

create table account (
    account_id integer primary key,
    email text not null unique,            -- normalised: trimmed, lower case
    display_name text not null,
    phone text,
    password_hash text not null,           -- argon2id PHC string
    locale text not null default 'zh-CN',
    disabled integer not null default 0,
    -- set when an admin resets the password: the holder must choose a new one at sign-in
    must_change_password integer not null default 0,
    created_at bigint not null,
    updated_at bigint not null
);

create table account_role (
    account_id integer not null references account (account_id) on delete cascade,
    role text not null,
    granted_at bigint not null,
    primary key (account_id, role)
);

-- The token itself never reaches the database: only its SHA-256, so a leaked backup
-- cannot be replayed as a cookie.
create table session (
    token_hash text primary key,
    account_id integer not null references account (account_id) on delete cascade,
    kind text not null,                    -- 'web' (cookie) or 'api' (bearer)
    created_at bigint not null,
    expires_at bigint not null
);
create index session_account_idx on session (account_id);
create index session_expires_idx on session (expires_at);

-- One row per failed sign-in; throttling counts recent rows per key, so every app server
-- sees the same counts (no per-process state).
create table login_failure (
    login_failure_id integer primary key,
    throttle_key text not null,            -- 'account:<email>' or 'address:<ip>'
    failed_at bigint not null
);
create index login_failure_key_idx on login_failure (throttle_key, failed_at);
