-- Allowance payments (SQLite): monthly runs, their lines, and a double-entry ledger.
-- Keep the stem identical to the PostgreSQL twin.
--
-- Exactly once: a line's key (talent, benefit, service month, run month) is unique, lines
-- are inserted with "on conflict do nothing", and a line's ledger postings are written in
-- the same transaction as the line, only when the line was really inserted. A run killed
-- at any point, run twice, or run by two servers at once therefore leaves one line per key
-- and a balanced ledger.

create table payment_run (
    payment_run_id integer primary key,
    month text not null unique,            -- YYYY-MM: the month paid
    status text not null,                  -- draft, approved, exported, settled
    first_month text not null,             -- months before were paid outside the platform
    prepared_by bigint references account (account_id),
    prepared_at bigint not null,
    computed_at bigint,                    -- the last complete computation of its lines
    approved_by bigint references account (account_id),
    approved_at bigint,
    exported_by bigint references account (account_id),
    exported_at bigint,
    settled_at bigint
);

create table payment_line (
    payment_line_id integer primary key,
    payment_run_id bigint not null references payment_run (payment_run_id),
    talent_id bigint not null references talent (talent_id),
    benefit text not null,
    service_month text not null,           -- the month the money is for
    run_month text not null,               -- the run that created the line
    kind text not null,                    -- regular, arrears, overpayment
    amount_fen bigint not null,            -- negative for an overpayment (a receivable)
    entitlement_id bigint not null references entitlement (entitlement_id),
    policy_version_id bigint not null references policy_version (policy_version_id),
    status text not null,                  -- pending, exported, paid, failed
    failure_reason text,
    created_at bigint not null,
    unique (talent_id, benefit, service_month, run_month)
);
create index payment_line_run_idx on payment_line (payment_run_id, talent_id);

create table ledger_txn (
    ledger_txn_id integer primary key,
    kind text not null,                    -- accrue, recover, settle, repaid
    memo text not null,
    payment_run_id bigint references payment_run (payment_run_id),
    payment_line_id bigint references payment_line (payment_line_id),
    created_at bigint not null
);
create index ledger_txn_line_idx on ledger_txn (payment_line_id);

-- Debits positive, credits negative; every transaction sums to zero.
create table ledger_entry (
    ledger_entry_id integer primary key,
    ledger_txn_id bigint not null references ledger_txn (ledger_txn_id),
    account text not null,                 -- budget:<benefit>, payable:<talent>, receivable:<talent>, bank
    amount_fen bigint not null
);
create index ledger_entry_txn_idx on ledger_entry (ledger_txn_id);
create index ledger_entry_account_idx on ledger_entry (account);

-- Running balances, kept in the transactions that post; `yingcai ledger check` proves they
-- equal the sums of the entries.
create table ledger_balance (
    account text primary key,
    balance_fen bigint not null
);

-- Officers hold an entitlement while something is checked; its months stay owed.
alter table entitlement add column held_reason text;
alter table entitlement add column held_at bigint;
