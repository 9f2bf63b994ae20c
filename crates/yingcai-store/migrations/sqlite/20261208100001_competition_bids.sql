-- Open competitions (揭榜挂帅): sealed bids on published needs (SQLite). Keep the stem
-- identical to the PostgreSQL twin. Instants are Unix milliseconds.

-- A bid. Its whole content (title, plan, team, milestones, budget, relations and the
-- documents' names and digests) is one JSON document sealed with the field cipher, bound
-- to this table, column and row: nothing here reads it until the opening job has opened
-- the bid after the need's deadline (or its author, while it is a draft).
create table competition_bid (
    bid_id integer primary key,
    need_id bigint not null references competition_need (need_id),
    bidder_account_id bigint not null references account (account_id),
    status text not null,                  -- draft, submitted, opened, lapsed
    content_sealed blob not null,          -- AES-256-GCM; see crypto.rs
    sealed_digest text,                    -- SHA-256 of content_sealed when submitted (the receipt)
    created_at bigint not null,
    updated_at bigint not null,
    submitted_at bigint,
    opened_at bigint,
    check_result text,                     -- passed, failed: the formal check after opening
    check_reasons text not null default '',-- the failed check's reasons, comma-separated codes
    checked_at bigint,
    override_result text,                  -- an officer's override of the check
    override_reason text,
    override_by bigint references account (account_id),
    override_at bigint,
    unique (need_id, bidder_account_id)
);
create index competition_bid_bidder_idx on competition_bid (bidder_account_id, bid_id);
create index competition_bid_status_idx on competition_bid (status, need_id);

-- A bid's plan document: its bytes are sealed (bound to this row) and kept in the file
-- store under the SHA-256 of the sealed bytes; its name, kind, size and plain digest are
-- in the bid's sealed content. stored_sha256 is empty while the file is being written.
create table competition_bid_document (
    document_id integer primary key,
    bid_id bigint not null references competition_bid (bid_id),
    stored_sha256 text not null,
    created_at bigint not null
);
create index competition_bid_document_bid_idx on competition_bid_document (bid_id, document_id);
