-- What the scheduler's jobs did last (SQLite): one row per job, written by whichever app server
-- ran it, shown to administrators at /admin/jobs. Instants are Unix milliseconds.
create table job_status (
    job text primary key,                  -- e.g. 'cleanup', 'audit-checkpoint'
    last_started_at bigint,
    last_finished_at bigint,
    last_success_at bigint,
    last_error text,                       -- the newest failure, kept after a success
    last_error_at bigint,
    consecutive_failures bigint not null default 0,
    next_run_at bigint                     -- the next attempt (after a back-off when failing)
);
