//! yingcai's batch jobs.
//!
//! Every job is idempotent: its effect depends only on the database, never on how many times
//! or on how many servers it ran, so it is safe to kill at any point and run again. Jobs are
//! started by `yingcai jobs run <name>` or by the [`scheduler`] inside `serve`, which
//! supervises them: a failing run is logged, recorded and retried after a back-off.
//!
//! A new job is a function here taking `&Store`, plus a `JobName` variant; a periodic one
//! also goes into [`standard_jobs`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use yingcai_services::{audit, housing, policy};
use yingcai_store::{Store, now_ms};

/// The jobs the CLI can start by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobName {
    /// Deletes expired sessions and stale sign-in failures.
    Cleanup,
}

impl JobName {
    pub const ALL: [JobName; 1] = [JobName::Cleanup];

    pub fn as_str(self) -> &'static str {
        match self {
            JobName::Cleanup => "cleanup",
        }
    }
}

/// What one cleanup removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanupReport {
    pub sessions: u64,
    pub login_failures: u64,
}

/// Sign-in failures older than this no longer count towards throttling (the window is
/// shorter), so they are deleted.
const KEEP_FAILURES: Duration = Duration::from_secs(24 * 3600);

pub async fn cleanup(store: &Store) -> anyhow::Result<CleanupReport> {
    let before = now_ms() - i64::try_from(KEEP_FAILURES.as_millis())?;
    let (sessions, login_failures) = store.purge_expired(before).await?;
    // Error reports of refused imports are for fixing the file, not for keeping.
    store
        .purge_import_reports(now_ms() - 7 * 24 * 3_600_000)
        .await?;
    Ok(CleanupReport {
        sessions,
        login_failures,
    })
}

/// A job's body: one run, to completion. An error or a panic is a failed run.
pub type RunJob = Arc<
    dyn Fn() -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'static>> + Send + Sync,
>;

/// A job the scheduler runs every `every`.
#[derive(Clone)]
pub struct Periodic {
    /// Its name in the job status table and in logs (labels: `job-<name>` in the catalogues).
    pub name: &'static str,
    pub every: Duration,
    pub run: RunJob,
}

impl Periodic {
    pub fn new<F, Fut>(name: &'static str, every: Duration, run: F) -> Periodic
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        Periodic {
            name,
            every,
            run: Arc::new(move || Box::pin(run())),
        }
    }
}

impl std::fmt::Debug for Periodic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Periodic")
            .field("name", &self.name)
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

/// How long a failing job waits before its next attempt: `first`, then twice as long after
/// each further failure, never more than `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(30),
            max: Duration::from_secs(3_600),
        }
    }
}

impl Backoff {
    /// The wait after the `failures`-th failure in a row (from 1).
    pub fn delay(self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        self.first.saturating_mul(1 << doublings).min(self.max)
    }
}

/// The periodic jobs `serve` runs: housekeeping, the entitlement sweep and the apartments'
/// review every `every`, and the audit checkpoint every `checkpoint_every`.
pub fn standard_jobs(
    store: &Store,
    every: Duration,
    checkpoints: Option<(audit::Checkpointing, Duration)>,
) -> Vec<Periodic> {
    let policies = Arc::new(policy::Policies::new());
    let mut jobs = vec![
        Periodic::new("cleanup", every, {
            let store = store.clone();
            move || {
                let store = store.clone();
                async move {
                    let report = cleanup(&store).await?;
                    tracing::debug!(?report, "cleanup done");
                    Ok(())
                }
            }
        }),
        Periodic::new("entitlements", every, {
            let (store, policies) = (store.clone(), policies.clone());
            move || {
                let (store, policies) = (store.clone(), policies.clone());
                async move {
                    let report = policy::sweep(&store, &policies, policy::today(), false).await?;
                    if report.talents > 0 {
                        tracing::info!(?report, "entitlements recomputed");
                    }
                    Ok(())
                }
            }
        }),
        Periodic::new("housing", every, {
            let (store, policies) = (store.clone(), policies.clone());
            move || {
                let (store, policies) = (store.clone(), policies.clone());
                async move {
                    let (expired, review) = housing_tick(&store, &policies).await?;
                    if expired > 0 || review != housing::LeaseReview::default() {
                        tracing::info!(expired, ?review, "apartment offers and leases reviewed");
                    }
                    Ok(())
                }
            }
        }),
    ];
    if let Some((setup, checkpoint_every)) = checkpoints {
        let store = store.clone();
        jobs.push(Periodic::new(
            AUDIT_CHECKPOINT,
            checkpoint_every,
            move || {
                let (store, setup) = (store.clone(), setup.clone());
                async move {
                    if let audit::CheckpointOutcome::Written { number, head } =
                        audit::checkpoint(&store, &setup).await?
                    {
                        tracing::info!(number, entry = head.entry_id, "audit checkpoint written");
                    }
                    Ok(())
                }
            },
        ));
    }
    jobs
}

/// The audit checkpoint's job name.
pub const AUDIT_CHECKPOINT: &str = "audit-checkpoint";

/// Runs `jobs` until `shutdown` resolves, each on its own schedule, then waits for the runs
/// in progress. Several servers may run this at once: the jobs are idempotent.
///
/// Supervised: every run is a task of its own, so an error or a panic ends that run only.
/// A failed run is logged once, recorded in the job status table (error text, failures in a
/// row) and retried after a back-off; a success resets it.
pub async fn scheduler(
    store: Store,
    jobs: Vec<Periodic>,
    backoff: Backoff,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let start = tokio::time::Instant::now();
    let mut due: Vec<tokio::time::Instant> = vec![start; jobs.len()];
    let mut failures: Vec<u32> = vec![0; jobs.len()];
    let mut running: Vec<bool> = vec![false; jobs.len()];
    let mut runs = tokio::task::JoinSet::new();
    let mut run_of = std::collections::HashMap::new();
    loop {
        let now = tokio::time::Instant::now();
        for (index, job) in jobs.iter().enumerate() {
            if !running[index] && due[index] <= now {
                running[index] = true;
                let store = store.clone();
                let job = job.clone();
                let task = runs.spawn(async move { run_once(&store, &job).await });
                run_of.insert(task.id(), index);
            }
        }
        let next_due = jobs
            .iter()
            .enumerate()
            .filter(|(index, _)| !running[*index])
            .map(|(index, _)| due[index])
            .min();
        tokio::select! {
            () = &mut shutdown => break,
            Some(done) = runs.join_next_with_id() => {
                if let Some((index, outcome)) = outcome_of(done, &mut run_of) {
                    running[index] = false;
                    due[index] = finish(&store, &jobs[index], &mut failures[index], backoff, outcome).await;
                }
            }
            () = sleep_until(next_due) => {}
        }
    }
    while let Some(done) = runs.join_next_with_id().await {
        if let Some((index, outcome)) = outcome_of(done, &mut run_of) {
            finish(&store, &jobs[index], &mut failures[index], backoff, outcome).await;
        }
    }
}

type Finished = Result<(tokio::task::Id, Result<(), String>), tokio::task::JoinError>;

/// Which job a finished run was, and how it went. `run_once` already turns the job's own
/// errors and panics into an outcome; a failed join here (a bug in the recording around
/// it) still counts as a failed run, so the job is never left marked as running.
fn outcome_of(
    done: Finished,
    run_of: &mut std::collections::HashMap<tokio::task::Id, usize>,
) -> Option<(usize, Result<(), String>)> {
    let (id, outcome) = match done {
        Ok((id, outcome)) => (id, outcome),
        Err(join) => (join.id(), Err(format!("stopped: {join}"))),
    };
    run_of.remove(&id).map(|index| (index, outcome))
}

async fn sleep_until(when: Option<tokio::time::Instant>) {
    match when {
        Some(when) => tokio::time::sleep_until(when).await,
        None => std::future::pending().await,
    }
}

/// One run of `job` in a task of its own: an error or a panic becomes the run's error text.
async fn run_once(store: &Store, job: &Periodic) -> Result<(), String> {
    if let Err(error) = store.job_started(job.name, now_ms()).await {
        tracing::warn!(job = job.name, error = %error, "could not record the job's start");
    }
    // Even building the future happens in the run's own task: a panic there is the run's.
    let run = job.run.clone();
    match tokio::spawn(async move { run().await }).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(format!("{error:#}")),
        Err(join) => Err(match join.try_into_panic() {
            Ok(payload) => format!(
                "panicked: {}",
                yingcai_services::panic_message(payload.as_ref())
            ),
            Err(join) => format!("stopped: {join}"),
        }),
    }
}

/// Logs and records a run's outcome; returns when the job is next due.
async fn finish(
    store: &Store,
    job: &Periodic,
    failures: &mut u32,
    backoff: Backoff,
    outcome: Result<(), String>,
) -> tokio::time::Instant {
    let now = now_ms();
    let (wait, recorded) = match outcome {
        Ok(()) => {
            *failures = 0;
            let next = now.saturating_add(millis(job.every));
            (job.every, store.job_succeeded(job.name, now, next).await)
        }
        Err(error) => {
            *failures = failures.saturating_add(1);
            let wait = backoff.delay(*failures);
            // The one place a job's failure is logged.
            tracing::error!(
                job = job.name,
                failures = *failures,
                retry_in_secs = wait.as_secs(),
                error = %error,
                "job failed; will retry"
            );
            let next = now.saturating_add(millis(wait));
            (wait, store.job_failed(job.name, now, &error, next).await)
        }
    };
    if let Err(error) = recorded {
        tracing::warn!(job = job.name, error = %error, "could not record the job's outcome");
    }
    tokio::time::Instant::now() + wait
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Lapsed offers pass their units on; leases whose tenant must leave get notice or end.
async fn housing_tick(
    store: &Store,
    policies: &policy::Policies,
) -> anyhow::Result<(usize, housing::LeaseReview)> {
    let expired = housing::expire_and_refill(store).await?;
    let set = policies.current(store).await?;
    let review = housing::review_leases(store, &set, policy::today()).await?;
    Ok((expired, review))
}

#[cfg(test)]
mod tests {
    use super::*;
    use yingcai_store::testing::TestDatabase;
    use yingcai_store::{JobStatus, SessionKind};

    #[test]
    fn back_off_doubles_up_to_its_cap() {
        let backoff = Backoff {
            first: Duration::from_secs(30),
            max: Duration::from_secs(300),
        };
        let delays: Vec<u64> = [1, 2, 3, 4, 5, 6, 1_000]
            .map(|n| backoff.delay(n).as_secs())
            .to_vec();
        assert_eq!(delays, [30, 60, 120, 240, 300, 300, 300]);
    }

    #[tokio::test]
    async fn a_failing_or_panicking_job_is_retried_with_back_off_and_recorded() {
        use std::sync::Mutex;
        for backend in TestDatabase::backends() {
            let (_db, store) = TestDatabase::create(backend).await.unwrap();
            let attempts = Arc::new(Mutex::new(Vec::<tokio::time::Instant>::new()));
            let flaky = Periodic::new("flaky", Duration::from_secs(3_600), {
                let attempts = attempts.clone();
                move || {
                    let attempt = {
                        let mut attempts = attempts.lock().unwrap();
                        attempts.push(tokio::time::Instant::now());
                        attempts.len()
                    };
                    async move {
                        anyhow::ensure!(attempt >= 3, "disk full (attempt {attempt})");
                        Ok(())
                    }
                }
            });
            let panicky = Periodic::new("panicky", Duration::from_secs(3_600), || async {
                panic!("boom")
            });
            let eager = Periodic::new("eager", Duration::from_secs(3_600), || {
                if std::hint::black_box(true) {
                    panic!("before its future");
                }
                async { Ok(()) }
            });
            let steady = Periodic::new("steady", Duration::from_secs(3_600), || async { Ok(()) });
            let backoff = Backoff {
                first: Duration::from_millis(40),
                max: Duration::from_millis(160),
            };
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let running = tokio::spawn(scheduler(
                store.clone(),
                vec![flaky, panicky, eager, steady],
                backoff,
                async {
                    let _ = stopped.await;
                },
            ));
            let statuses = tokio::time::timeout(Duration::from_secs(20), async {
                loop {
                    let statuses = store.job_statuses().await.unwrap();
                    let done = |name: &str, test: &dyn Fn(&JobStatus) -> bool| {
                        statuses.iter().any(|s| s.job == name && test(s))
                    };
                    if done("flaky", &|s| s.last_success_at.is_some())
                        && done("panicky", &|s| s.consecutive_failures >= 4)
                        && done("eager", &|s| s.consecutive_failures >= 2)
                    {
                        return statuses;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
            .await
            .expect("the jobs were retried");
            let _ = stop.send(());
            running
                .await
                .expect("the scheduler survived a panicking job");

            let status = |name: &str| statuses.iter().find(|s| s.job == name).unwrap().clone();
            let flaky = status("flaky");
            assert_eq!(flaky.consecutive_failures, 0);
            assert_eq!(flaky.last_error.as_deref(), Some("disk full (attempt 2)"));
            assert!(flaky.last_error_at <= flaky.last_success_at);
            let attempts = attempts.lock().unwrap().clone();
            assert_eq!(attempts.len(), 3, "a success waits for the next period");
            assert!(attempts[1] - attempts[0] >= backoff.first);
            assert!(attempts[2] - attempts[1] >= backoff.first * 2);
            let panicky = status("panicky");
            assert_eq!(panicky.last_error.as_deref(), Some("panicked: boom"));
            assert!(panicky.last_success_at.is_none());
            assert!(panicky.next_run_at > panicky.last_finished_at);
            let eager = status("eager");
            assert_eq!(
                eager.last_error.as_deref(),
                Some("panicked: before its future")
            );
            let steady = status("steady");
            assert_eq!(steady.consecutive_failures, 0);
            assert!(steady.last_error.is_none() && steady.last_success_at.is_some());
        }
    }

    #[tokio::test]
    async fn cleanup_removes_only_what_expired_and_can_run_twice() {
        for backend in TestDatabase::backends() {
            let (_db, store) = TestDatabase::create(backend).await.unwrap();
            let id = yingcai_store::testing::talent_account(&store, "a@example.cn").await;
            store
                .create_session(
                    "live",
                    id,
                    SessionKind::Web,
                    now_ms() + 60_000,
                    &yingcai_store::Actor::System,
                )
                .await
                .unwrap();
            store
                .create_session(
                    "dead",
                    id,
                    SessionKind::Web,
                    now_ms() - 1,
                    &yingcai_store::Actor::System,
                )
                .await
                .unwrap();
            store
                .record_login_failure(&["account:a@example.cn"])
                .await
                .unwrap();

            let first = cleanup(&store).await.unwrap();
            assert_eq!(
                first,
                CleanupReport {
                    sessions: 1,
                    login_failures: 0
                }
            );
            let second = cleanup(&store).await.unwrap();
            assert_eq!(
                second,
                CleanupReport {
                    sessions: 0,
                    login_failures: 0
                }
            );
            assert!(store.session("live").await.unwrap().is_some());
        }
    }
}
