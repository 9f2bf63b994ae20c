-- Bank files (SQLite): which run's bank file carried a line (a failed line is carried
-- again by a later run's file), and the bank's reference for each payee of a file.
alter table payment_line add column export_run_id bigint references payment_run (payment_run_id);
create index payment_line_export_idx on payment_line (export_run_id, talent_id);
create index payment_line_status_idx on payment_line (status);

create table bank_transfer (
    bank_transfer_id integer primary key,
    payment_run_id bigint not null references payment_run (payment_run_id),
    talent_id bigint not null references talent (talent_id),
    reference text not null unique,        -- YC-<month>-<talent id>: what the bank sends back
    amount_fen bigint not null,            -- sent to the bank (after recovering overpayments)
    recovered_fen bigint not null,         -- overpayments recovered from this payment
    status text not null,                  -- exported, paid, failed
    failure_reason text,
    settled_at bigint,
    unique (payment_run_id, talent_id)
);
