-- Industry service teams (产业人才服务专班) and their case ledger (清单台账) (SQLite).
-- Keep the stem identical to the PostgreSQL twin. Instants are Unix milliseconds; targets and
-- clocks are working minutes on the official calendar (yingcai-worktime).

create table service_team (
    team_id integer primary key,
    name text not null unique,
    leader_account_id bigint references account (account_id),
    created_at bigint not null,
    updated_at bigint not null
);

-- The industries and districts a team serves; a team with no districts serves them all.
create table service_team_industry (
    team_id bigint not null references service_team (team_id),
    industry text not null,
    primary key (team_id, industry)
);
create table service_team_district (
    team_id bigint not null references service_team (team_id),
    district text not null,
    primary key (team_id, district)
);
create table service_team_member (
    team_id bigint not null references service_team (team_id),
    account_id bigint not null references account (account_id),
    primary key (team_id, account_id)
);
create index service_team_member_account_idx on service_team_member (account_id);

-- Which team serves an enterprise: set automatically by industry and district, or by an
-- officer (paired_by; audited).
create table service_pairing (
    enterprise_id bigint primary key references enterprise (enterprise_id),
    team_id bigint not null references service_team (team_id),
    paired_by bigint references account (account_id),
    paired_at bigint not null
);
create index service_pairing_team_idx on service_pairing (team_id);

-- What a case is about, with its service targets (data, changed by administrators).
create table service_category (
    code text primary key,
    position bigint not null,
    response_minutes bigint not null,
    resolution_minutes bigint not null,
    updated_at bigint not null
);

-- Years of the official working-time calendar added by administrators (one State Council
-- notice each), beside the years compiled into the binary; the TOML of one year.
create table work_calendar_year (
    year bigint primary key,
    data text not null,
    added_by bigint references account (account_id),
    added_at bigint not null
);

create table service_case (
    case_id integer primary key,
    team_id bigint not null references service_team (team_id),
    requester_account_id bigint not null references account (account_id),
    enterprise_id bigint references enterprise (enterprise_id),
    category text not null references service_category (code),
    title text not null,
    description text not null,
    status text not null,                  -- new, accepted, in_progress, waiting_*, resolved, closed
    opened_at bigint not null,
    first_response_at bigint,              -- the first reply the requester could read
    resolved_at bigint,                    -- the latest resolution (cleared by a reopen)
    closed_at bigint,
    response_target bigint not null,       -- working minutes, copied from the category
    resolution_target bigint not null,
    response_spent bigint,                 -- working minutes to the first response, once given
    resolution_spent bigint,               -- working minutes to the latest resolution
    reopen_count bigint not null default 0,
    rating bigint,                         -- 1..5, by the requester after resolution
    rating_comment text,
    rated_at bigint,
    rating_reminded_at bigint,
    warned_at bigint,                      -- the one warning before a breach was sent
    updated_at bigint not null
);
-- opened_at last: the backlog by age is counted from this index alone.
create index service_case_team_idx on service_case (team_id, status, case_id, opened_at);
create index service_case_ledger_idx on service_case (team_id, case_id);
create index service_case_requester_idx on service_case (requester_account_id, case_id);
-- The monthly figures read only these columns, so on PostgreSQL they are counted from
-- the indexes alone (index-only scans) without visiting the table.
create index service_case_opened_idx on service_case
    (team_id, opened_at, first_response_at, response_spent, response_target, reopen_count);
create index service_case_resolved_idx on service_case
    (team_id, resolved_at, status, resolution_spent, resolution_target, rating);

-- When a case's clocks stood still: waiting on the requester or another bureau, or resolved
-- until reopened. until_at is null while it lasts.
create table service_case_pause (
    pause_id integer primary key,
    case_id bigint not null references service_case (case_id),
    from_at bigint not null,
    until_at bigint,
    reason text not null                   -- waiting_requester, waiting_bureau, resolved
);
create index service_case_pause_case_idx on service_case_pause (case_id, from_at);

-- The case's history: replies (the requester reads them), internal notes (they do not),
-- status changes, transfers, target changes, checklist changes, the rating.
create table service_case_event (
    event_id integer primary key,
    case_id bigint not null references service_case (case_id),
    at bigint not null,
    actor_account_id bigint references account (account_id),
    kind text not null,
    visible_to_requester bigint not null,  -- 1 or 0
    body text not null,
    team_id bigint references service_team (team_id)  -- where a transfer moved the case
);
create index service_case_event_case_idx on service_case_event (case_id, event_id);

create table service_checklist_item (
    item_id integer primary key,
    case_id bigint not null references service_case (case_id),
    text text not null,
    owner_account_id bigint references account (account_id),
    due_date text,                         -- YYYY-MM-DD
    done_at bigint,
    created_at bigint not null
);
create index service_checklist_case_idx on service_checklist_item (case_id, item_id);

-- The categories a new site starts with, and their targets in working minutes (a working
-- day is 7 hours = 420 minutes): a first answer within a working day, a solution within ten
-- (fifteen where other bureaus are needed: schooling, a spouse's job, permits).
insert into service_category (code, position, response_minutes, resolution_minutes, updated_at) values
    ('recruitment', 0, 420, 4200, 0),
    ('talent_policy', 1, 420, 4200, 0),
    ('housing', 2, 420, 4200, 0),
    ('schooling', 3, 420, 6300, 0),
    ('spouse_employment', 4, 420, 6300, 0),
    ('permits', 5, 420, 6300, 0),
    ('funding', 6, 420, 4200, 0),
    ('other', 7, 420, 4200, 0);
