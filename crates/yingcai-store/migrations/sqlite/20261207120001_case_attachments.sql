-- Files attached to service-desk cases (SQLite): each belongs to the history entry it came
-- with (the case being raised, a reply, or an internal note), so whether the requester may
-- see it is that entry's visibility and never a second flag that could disagree. The bytes
-- are kept on disk under their SHA-256 like talents' documents. Keep the stem identical to
-- the PostgreSQL twin. Instants are Unix milliseconds.
create table service_case_attachment (
    attachment_id integer primary key,
    case_id bigint not null references service_case (case_id),
    event_id bigint not null references service_case_event (event_id),
    uploader_account_id bigint references account (account_id),
    sha256 text not null,
    media_type text not null,              -- application/pdf, image/jpeg or image/png
    size_bytes bigint not null,
    file_name text not null,               -- as sanitised on upload
    created_at bigint not null
);
create index service_case_attachment_case_idx on service_case_attachment (case_id, attachment_id);
create index service_case_attachment_event_idx on service_case_attachment (event_id);
