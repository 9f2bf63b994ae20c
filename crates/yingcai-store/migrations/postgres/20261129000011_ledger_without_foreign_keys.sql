-- Payment lines and ledger postings without foreign keys (PostgreSQL). Keep the stem
-- identical to the SQLite twin.
--
-- A run appends a line, a transaction and two entries per entitlement; on PostgreSQL each
-- foreign key is a trigger fired per row, and these seven doubled a 1,000,000-line run
-- (96 s with them, 47 s without, on 2 cores). Only the store's run, export, settlement and
-- repayment code writes these tables, always inside the transaction that reads the rows
-- they point at, and nothing deletes talents, entitlements, runs or lines. `yingcai ledger
-- check` proves every reference (each entry's transaction, each transaction's line, each
-- line's run, talent and entitlement), and the crash tests run it after every kill.
alter table payment_line drop constraint if exists payment_line_payment_run_id_fkey;
alter table payment_line drop constraint if exists payment_line_talent_id_fkey;
alter table payment_line drop constraint if exists payment_line_entitlement_id_fkey;
alter table payment_line drop constraint if exists payment_line_policy_version_id_fkey;
alter table ledger_txn drop constraint if exists ledger_txn_payment_run_id_fkey;
alter table ledger_txn drop constraint if exists ledger_txn_payment_line_id_fkey;
alter table ledger_entry drop constraint if exists ledger_entry_ledger_txn_id_fkey;
