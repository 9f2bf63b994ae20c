//! What the scheduler's jobs did last: one row per job, shared by every app server, so an
//! administrator sees a failing job (and its error) whichever server ran it.
//!
//! Not audited: these rows describe housekeeping, not a change to anyone's records, and an
//! entry per run would give the audit log a new head every few minutes for nothing.

use crate::{Store, StoreError};

/// One job's last runs. Instants are Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobStatus {
    pub job: String,
    pub last_started_at: Option<i64>,
    pub last_finished_at: Option<i64>,
    pub last_success_at: Option<i64>,
    /// The newest failure's message; kept after a success, as a record of the last trouble.
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    /// Failures since the last success (0 when the last run succeeded).
    pub consecutive_failures: i64,
    /// When the scheduler that ran it last means to run it again.
    pub next_run_at: Option<i64>,
}

impl Store {
    /// A run of `job` began at `at`.
    pub async fn job_started(&self, job: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "insert into job_status (job, last_started_at, consecutive_failures) values ($1, $2, 0)
             on conflict (job) do update set last_started_at = excluded.last_started_at",
        )
        .bind(job)
        .bind(at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A run of `job` succeeded at `at`; the next is due at `next_run_at`.
    pub async fn job_succeeded(
        &self,
        job: &str,
        at: i64,
        next_run_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "insert into job_status (job, last_finished_at, last_success_at, consecutive_failures, next_run_at)
             values ($1, $2, $2, 0, $3)
             on conflict (job) do update set last_finished_at = excluded.last_finished_at,
                 last_success_at = excluded.last_success_at, consecutive_failures = 0,
                 next_run_at = excluded.next_run_at",
        )
        .bind(job)
        .bind(at)
        .bind(next_run_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A run of `job` failed at `at` with `error`; it is retried at `next_run_at`.
    pub async fn job_failed(
        &self,
        job: &str,
        at: i64,
        error: &str,
        next_run_at: i64,
    ) -> Result<(), StoreError> {
        // A page shows it; an error chain of any length must not fill the table.
        let error: String = error.chars().take(2_000).collect();
        sqlx::query(
            "insert into job_status (job, last_finished_at, last_error, last_error_at, consecutive_failures, next_run_at)
             values ($1, $2, $3, $2, 1, $4)
             on conflict (job) do update set last_finished_at = excluded.last_finished_at,
                 last_error = excluded.last_error, last_error_at = excluded.last_error_at,
                 consecutive_failures = job_status.consecutive_failures + 1,
                 next_run_at = excluded.next_run_at",
        )
        .bind(job)
        .bind(at)
        .bind(error)
        .bind(next_run_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Every job that ever ran, by name.
    pub async fn job_statuses(&self) -> Result<Vec<JobStatus>, StoreError> {
        Ok(sqlx::query_as::<_, JobStatus>(
            "select job, last_started_at, last_finished_at, last_success_at, last_error,
                    last_error_at, consecutive_failures, next_run_at
             from job_status order by job",
        )
        .fetch_all(self.pool())
        .await?)
    }
}
