-- Payment lines and ledger postings without foreign keys: PostgreSQL only (see its twin).
-- SQLite checks a foreign key with a plain index lookup inside the insert, which a
-- 1,000,000-line run barely notices, and dropping one would mean rebuilding the tables;
-- so SQLite keeps them. `yingcai ledger check` proves the references on both.
select 1;
