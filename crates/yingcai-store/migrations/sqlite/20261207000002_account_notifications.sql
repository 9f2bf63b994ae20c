-- Notifications to any account (SQLite): what the service desk tells requesters (a reply, a
-- wait on them, a resolution, a reminder to rate) and the teams' officers (a new or reopened
-- case, the requester's reply, a transfer, a warning before a breach, a breach). Shown at
-- /notifications and, where the site has SMTP settings, sent by e-mail. Keep the stem
-- identical to the PostgreSQL twin. Instants are Unix milliseconds.
create table account_notification (
    notification_id integer primary key,
    account_id bigint not null references account (account_id),
    kind text not null,                    -- case-reply, case-breached, … (the store's enum)
    case_id bigint references service_case (case_id),
    payload text not null,                 -- JSON, for the message's arguments
    created_at bigint not null,
    read_at bigint,
    emailed_at bigint,                     -- taken for sending by e-mail (at most once)
    email_error text                       -- the mail server refused it for good: not retried
);
create index account_notification_account_idx on account_notification (account_id, notification_id);
create index account_notification_unread_idx on account_notification (account_id, read_at);
create index account_notification_mail_idx on account_notification (emailed_at, created_at);

-- The breaches of a case's clocks that the case-clocks job noticed and told the team about,
-- one per clock ('response' or 'resolution'); the supervising office lists the cases still
-- breached. Cleared when the case's targets change.
create table service_case_breach (
    case_id bigint not null references service_case (case_id),
    clock text not null,
    due_at bigint not null,                -- when the target was reached
    recorded_at bigint not null,
    primary key (case_id, clock)
);
