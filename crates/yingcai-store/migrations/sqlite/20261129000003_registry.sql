-- The registry (SQLite): enterprises and talents as verified records, and the submissions
-- that change them. Keep the stem identical to the PostgreSQL twin.
--
-- A record's columns hold its *verified* state, the one every policy reads. Owners and
-- importers never write them directly: a submission is drafted, submitted, and verified (or
-- returned with a reason) by an officer; only verification copies it into the record.

create table enterprise (
    enterprise_id integer primary key,
    owner_account_id bigint unique references account (account_id),
    name text not null,
    credit_code text not null unique,      -- GB 32100, checked
    industry text not null,                -- a code from the configured catalogue
    district text not null,
    contact_name text,
    contact_phone text,
    contact_email text,
    verified integer not null default 0,   -- 0 until an officer verifies the first submission
    verified_at bigint,
    verified_by bigint references account (account_id),
    created_at bigint not null,
    updated_at bigint not null
);
create index enterprise_district_idx on enterprise (district);

create table talent (
    talent_id integer primary key,
    owner_account_id bigint unique references account (account_id),   -- null for an imported talent without an account yet
    source_id bigint,                      -- the roster's own id, for imported talents
    name text not null,
    resident_id_sealed blob not null,      -- AES-256-GCM; see crypto.rs
    resident_id_index text not null unique,-- blind index: one record per identity number
    resident_id_masked text not null,      -- 1301**********123X
    birth_date text not null,
    degree text not null,
    degree_institution text,
    degree_year bigint,
    honors text,
    employer_enterprise_id bigint references enterprise (enterprise_id),
    employer_name text,
    employer_credit_code text,
    arrival_date text not null,
    employed_in_city integer not null,
    housing text not null,
    home_purchase_date text,
    social_insurance_months bigint not null,
    bank_account_sealed blob,
    bank_account_masked text,
    phone text,
    email text,
    verified_at bigint not null,
    verified_by bigint references account (account_id),
    created_at bigint not null,
    updated_at bigint not null
);
create index talent_employer_idx on talent (employer_enterprise_id);

-- Drafts and submissions for both kinds of record. The payload (every field, as submitted)
-- is sealed whole: it is full of personal data.
create table submission (
    submission_id integer primary key,
    kind text not null,                    -- 'talent' or 'enterprise'
    subject_id bigint,                     -- the record it changes; null until first verified
    owner_account_id bigint not null references account (account_id),
    status text not null,                  -- draft, submitted, returned, verified, superseded
    payload_sealed blob not null,
    display_name text not null,            -- for queues: the name as submitted
    district text not null default '',     -- for the officers' queue filter
    reason text,                           -- why it was returned
    submitted_at bigint,
    decided_at bigint,
    decided_by bigint references account (account_id),
    created_at bigint not null,
    updated_at bigint not null
);
create index submission_queue_idx on submission (status, submitted_at);
create index submission_owner_idx on submission (owner_account_id, kind);
