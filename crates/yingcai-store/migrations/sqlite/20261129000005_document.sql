-- Documents attached to submissions (SQLite). The bytes live on disk, content-addressed by
-- their SHA-256 (see yingcai-web's documents.rs); this table says who may see them.
create table document (
    document_id integer primary key,
    submission_id bigint not null references submission (submission_id) on delete cascade,
    owner_account_id bigint not null references account (account_id),
    sha256 text not null,
    media_type text not null,              -- checked by content: application/pdf, image/jpeg, image/png
    size_bytes bigint not null,
    file_name text not null,               -- as uploaded, for display only
    created_at bigint not null
);
create index document_submission_idx on document (submission_id);
