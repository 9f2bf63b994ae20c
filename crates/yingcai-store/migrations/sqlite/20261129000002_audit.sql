-- The audit log (SQLite). Every write records who, when, what, before and after.
-- Entries are numbered without gaps by the appender and hash-chained: each hash covers the
-- entry and the previous entry's hash (see yingcai_domain::audit), so altering or removing a
-- row is found by `yingcai audit verify`.
create table audit_entry (
    audit_entry_id bigint primary key,     -- 1, 2, 3, … assigned under the head's lock
    at bigint not null,
    actor_account_id bigint,               -- null for the command line and the system
    actor text not null,                   -- e-mail, 'cli' or 'system'
    action text not null,                  -- e.g. 'account.create'
    entity text not null,
    entity_id text not null,
    before_json text,                      -- sensitive fields masked
    after_json text,
    prev_hash text not null,
    hash text not null
);
create index audit_entry_entity_idx on audit_entry (entity, entity_id);
create index audit_entry_actor_idx on audit_entry (actor_account_id);
create index audit_entry_action_idx on audit_entry (action);

-- The chain's head, one row. Appenders update it first, which serialises them (a row lock on
-- PostgreSQL, the write lock on SQLite), and it records the newest entry so that removing the
-- newest entries is noticed too.
create table audit_head (
    audit_head_id bigint primary key check (audit_head_id = 1),
    last_entry_id bigint not null,
    last_hash text not null
);
insert into audit_head (audit_head_id, last_entry_id, last_hash) values (1, 0, 'genesis');
