-- Error reports of refused imports (SQLite), offered to the officer as a download. Kept in
-- the database, not in a server's memory, so any app server can serve the download.
create table import_report (
    import_report_id integer primary key,
    account_id bigint not null references account (account_id) on delete cascade,
    file_name text not null,
    error_count bigint not null,
    report_csv text not null,
    created_at bigint not null
);
create index import_report_created_idx on import_report (created_at);
