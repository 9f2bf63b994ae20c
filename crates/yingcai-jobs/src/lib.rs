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

use yingcai_services::{audit, bids, desk_alerts, housing, mail, policy, service_desk};
use yingcai_store::{Store, now_ms};
use yingcai_worktime::WorkingHours;

/// The jobs the CLI can start by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobName {
    /// Deletes expired sessions and stale sign-in failures.
    Cleanup,
    /// Opens the sealed bids of needs past their deadline and checks them.
    OpenBids,
}

impl JobName {
    pub const ALL: [JobName; 2] = [JobName::Cleanup, JobName::OpenBids];

    pub fn as_str(self) -> &'static str {
        match self {
            JobName::Cleanup => "cleanup",
            JobName::OpenBids => OPEN_BIDS,
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
/// review every `every`, and the audit checkpoint every `checkpoint_every`. `hours` are the
/// site's working hours, on which offers' answer-by dates are counted.
pub fn standard_jobs(
    store: &Store,
    every: Duration,
    checkpoints: Option<(audit::Checkpointing, Duration)>,
    hours: WorkingHours,
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
                let (store, policies, hours) = (store.clone(), policies.clone(), hours.clone());
                async move {
                    let (expired, review) = housing_tick(&store, &policies, &hours).await?;
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

/// The opening of sealed bids: its name and how often it runs.
pub const OPEN_BIDS: &str = "open-bids";
pub const OPEN_BIDS_EVERY: Duration = Duration::from_secs(60);

/// One run of the bid-opening job at `now` (ms): the submitted bids of every need whose
/// deadline has passed are opened (one transaction and one audit entry per need), drafts
/// lapse, and every opened bid gets its formal check. `documents` is the file store of the
/// bids' sealed plan documents.
pub async fn open_bids(
    store: &Store,
    documents: &std::path::Path,
    now: i64,
) -> anyhow::Result<bids::OpenReport> {
    Ok(bids::open_due(store, documents, now).await?)
}

/// The open competitions' periodic job: `open-bids` every minute.
pub fn bid_jobs(store: &Store, documents: std::path::PathBuf) -> Vec<Periodic> {
    let store = store.clone();
    vec![Periodic::new(OPEN_BIDS, OPEN_BIDS_EVERY, move || {
        let (store, documents) = (store.clone(), documents.clone());
        async move {
            let report = open_bids(&store, &documents, now_ms()).await?;
            if report != bids::OpenReport::default() {
                tracing::info!(?report, "sealed bids opened and checked");
            }
            Ok(())
        }
    })]
}

/// The audit checkpoint's job name.
pub const AUDIT_CHECKPOINT: &str = "audit-checkpoint";

/// The case desk's clocks job: its name and how often it runs.
pub const CASE_CLOCKS: &str = "case-clocks";
pub const CASE_CLOCKS_EVERY: Duration = Duration::from_secs(5 * 60);
/// The e-mailing of notifications (only where the site has SMTP settings).
pub const NOTIFICATION_MAIL: &str = "notification-mail";
pub const NOTIFICATION_MAIL_EVERY: Duration = Duration::from_secs(60);

/// How notifications are e-mailed: the site's mail server and the words of each message.
#[derive(Clone)]
pub struct MailSetup {
    pub mailer: mail::Mailer,
    pub render: mail::RenderMail,
}

impl std::fmt::Debug for MailSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSetup")
            .field("mailer", &self.mailer)
            .finish_non_exhaustive()
    }
}

/// What one run of the case-clocks job did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseClocksReport {
    pub clocks: desk_alerts::ClockReport,
    pub reminders: desk_alerts::ReminderReport,
}

impl CaseClocksReport {
    /// What an administrator must do for the job to read every case: the years the
    /// working-time calendar lacks, with the cases each kept from being read.
    pub fn problem(&self) -> Option<String> {
        let mut years = self.clocks.missing_years.clone();
        for (year, n) in &self.reminders.missing_years {
            *years.entry(*year).or_default() += n;
        }
        if years.is_empty() {
            return None;
        }
        let listed: Vec<String> = years
            .iter()
            .map(|(year, n)| {
                let cases = if *n == 1 { "case" } else { "cases" };
                format!("{year} ({n} {cases} skipped)")
            })
            .collect();
        Some(format!(
            "the working-time calendar has no data for {}: add the year at /admin/calendar",
            listed.join(", ")
        ))
    }
}

/// One run of the case-clocks job at `now` (ms): warnings before a breach, breaches and
/// rating reminders, each written once however many servers run it. A case the calendar
/// cannot count is skipped (see [`CaseClocksReport::problem`]); the others are done.
pub async fn case_clocks(
    store: &Store,
    rules: &service_desk::DeskRules,
    now: i64,
) -> anyhow::Result<CaseClocksReport> {
    let calendar = yingcai_services::work_calendar::calendar(store, &rules.hours).await?;
    Ok(CaseClocksReport {
        clocks: desk_alerts::check_clocks(store, &calendar, rules, now).await?,
        reminders: desk_alerts::remind_ratings(store, &calendar, now).await?,
    })
}

/// One run of the mail job: e-mails the notifications not yet sent. A server that cannot
/// take mail now fails the run (logged once by the scheduler); the next run tries again.
pub async fn notification_mail(
    store: &Store,
    setup: &MailSetup,
) -> anyhow::Result<mail::MailReport> {
    let report =
        mail::send_notifications(store, &setup.mailer, &setup.render, now_ms(), 200).await?;
    if let Some(why) = &report.failed {
        anyhow::bail!(
            "the mail server did not take the notifications ({} sent before): {why}",
            report.sent
        );
    }
    Ok(report)
}

/// The case desk's periodic jobs: `case-clocks` every five minutes and, where the site
/// has SMTP settings, `notification-mail` every minute.
pub fn desk_jobs(
    store: &Store,
    rules: service_desk::DeskRules,
    mail: Option<MailSetup>,
) -> Vec<Periodic> {
    let mut jobs = vec![Periodic::new(CASE_CLOCKS, CASE_CLOCKS_EVERY, {
        let store = store.clone();
        move || {
            let (store, rules) = (store.clone(), rules.clone());
            async move {
                let report = case_clocks(&store, &rules, now_ms()).await?;
                let (clocks, reminders) = (&report.clocks, &report.reminders);
                if clocks.warned + clocks.breached + reminders.reminded > 0 {
                    tracing::info!(
                        warned = clocks.warned,
                        breached = clocks.breached,
                        reminded = reminders.reminded,
                        "case clocks read"
                    );
                }
                match report.problem() {
                    Some(problem) => Err(anyhow::anyhow!(problem)),
                    None => Ok(()),
                }
            }
        }
    })];
    if let Some(setup) = mail {
        let store = store.clone();
        jobs.push(Periodic::new(
            NOTIFICATION_MAIL,
            NOTIFICATION_MAIL_EVERY,
            move || {
                let (store, setup) = (store.clone(), setup.clone());
                async move {
                    let report = notification_mail(&store, &setup).await?;
                    if report.sent + report.refused > 0 {
                        tracing::info!(
                            sent = report.sent,
                            refused = report.refused,
                            "notifications e-mailed"
                        );
                    }
                    Ok(())
                }
            },
        ));
    }
    jobs
}

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
/// A unit that could not be offered on because the calendar lacks a year fails the run
/// (after the leases were reviewed), so that `/admin/jobs` names the year to add.
async fn housing_tick(
    store: &Store,
    policies: &policy::Policies,
    hours: &WorkingHours,
) -> anyhow::Result<(usize, housing::LeaseReview)> {
    let calendar = yingcai_services::work_calendar::calendar(store, hours).await?;
    let expiry = housing::expire_and_refill(store, &calendar).await?;
    let set = policies.current(store).await?;
    let review = housing::review_leases(store, &set, policy::today()).await?;
    if let Some(year) = expiry.calendar_missing {
        anyhow::bail!(
            "{} offers lapsed but their units were not offered on: {}",
            expiry.expired,
            yingcai_services::work_calendar::YearMissing(year)
        );
    }
    Ok((expiry.expired, review))
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

    /// Beijing time as Unix milliseconds.
    fn at(text: &str) -> i64 {
        text.parse::<yingcai_worktime::BeijingMinute>()
            .unwrap()
            .to_timestamp()
            .as_millisecond()
    }

    fn rules() -> service_desk::DeskRules {
        service_desk::DeskRules {
            hours: yingcai_worktime::WorkCalendar::builtin().hours().clone(),
            reopen_days: 15,
            warn_percent: 80,
        }
    }

    struct Desk {
        requester: i64,
        member: i64,
        leader: i64,
        team: i64,
    }

    async fn desk(store: &Store) -> Desk {
        let account = |email: &'static str| yingcai_store::testing::talent_account(store, email);
        let (requester, member, leader) = (
            account("requester@example.cn").await,
            account("member@example.cn").await,
            account("leader@example.cn").await,
        );
        let team = store
            .save_service_team(
                None,
                &yingcai_store::TeamInput {
                    name: "A team".into(),
                    leader_account_id: Some(leader),
                    industries: vec!["next_gen_it".into()],
                    districts: vec![],
                    members: vec![member],
                },
                &yingcai_store::Actor::System,
            )
            .await
            .unwrap();
        Desk {
            requester,
            member,
            leader,
            team,
        }
    }

    async fn open(store: &Store, desk: &Desk, opened: &str, response_target: i64) -> i64 {
        store
            .open_case(
                &yingcai_store::NewCase {
                    team_id: desk.team,
                    requester_account_id: desk.requester,
                    enterprise_id: None,
                    category: "other",
                    title: "Work permit for a spouse",
                    description: "Which office issues it?",
                    response_target,
                    resolution_target: 4200,
                    opened_at: at(opened),
                },
                &yingcai_store::Actor::account(desk.requester, "requester@example.cn"),
            )
            .await
            .unwrap()
    }

    /// The kinds of an account's notifications about `case`, oldest first.
    async fn told(store: &Store, account: i64, case: i64) -> Vec<&'static str> {
        let mut kinds: Vec<&'static str> = store
            .account_notifications(account, 100)
            .await
            .unwrap()
            .iter()
            .filter(|n| n.case_id == Some(case))
            .map(|n| n.kind.as_str())
            .collect();
        kinds.reverse();
        kinds
    }

    #[tokio::test]
    async fn a_clock_due_soon_warns_once_and_a_breach_is_told_once_even_from_two_servers() {
        for backend in TestDatabase::backends() {
            let (db, store) = TestDatabase::create(backend).await.unwrap();
            let desk = desk(&store).await;
            // A Monday; the first answer is due after 100 working minutes, at 10:40.
            let case = open(&store, &desk, "2026-03-02T09:00", 100).await;
            let rules = rules();

            let early = case_clocks(&store, &rules, at("2026-03-02T10:00"))
                .await
                .unwrap();
            assert_eq!((early.clocks.warned, early.clocks.breached), (0, 0));
            // 85 of 100 minutes spent: due soon. Twice, and the second run tells nobody.
            for expected in [1, 0] {
                let report = case_clocks(&store, &rules, at("2026-03-02T10:25"))
                    .await
                    .unwrap();
                assert_eq!(report.clocks.cases, 1);
                assert_eq!(report.clocks.warned, expected);
                assert_eq!(report.problem(), None);
            }
            for account in [desk.member, desk.leader] {
                assert_eq!(
                    told(&store, account, case).await,
                    ["case-opened", "case-due-soon"]
                );
            }
            assert!(told(&store, desk.requester, case).await.is_empty());
            let warning = &store.account_notifications(desk.leader, 1).await.unwrap()[0];
            assert_eq!(warning.payload["clock"], "response");
            assert_eq!(warning.payload["due_at"], at("2026-03-02T10:40"));

            // Past the due instant, two servers read the clocks at once: one tells.
            let other = db.connect_again().await.unwrap();
            let (a, b) = tokio::join!(
                case_clocks(&store, &rules, at("2026-03-02T10:41")),
                case_clocks(&other, &rules, at("2026-03-02T10:41")),
            );
            let (a, b) = (a.unwrap(), b.unwrap());
            assert_eq!(a.clocks.breached + b.clocks.breached, 1);
            assert_eq!(a.clocks.warned + b.clocks.warned, 0);
            let again = case_clocks(&store, &rules, at("2026-03-02T11:30"))
                .await
                .unwrap();
            assert_eq!(again.clocks.breached, 0);
            for account in [desk.member, desk.leader] {
                assert_eq!(
                    told(&store, account, case).await,
                    ["case-opened", "case-due-soon", "case-breached"]
                );
            }
            let breaches = store.open_case_breaches().await.unwrap();
            assert_eq!(breaches.len(), 1);
            assert_eq!(
                (breaches[0].clock.as_str(), breaches[0].due_at),
                ("response", at("2026-03-02T10:40"))
            );
            other.close().await;
        }
    }

    #[tokio::test]
    async fn the_owners_of_open_checklist_items_are_warned_instead_of_the_whole_team() {
        for backend in TestDatabase::backends() {
            let (_db, store) = TestDatabase::create(backend).await.unwrap();
            let desk = desk(&store).await;
            let owner = yingcai_store::testing::talent_account(&store, "owner@example.cn").await;
            let case = open(&store, &desk, "2026-03-02T09:00", 100).await;
            let system = yingcai_store::Actor::System;
            store
                .add_checklist_item(case, "Ask the labour bureau", Some(owner), None, &system)
                .await
                .unwrap();
            let done = store
                .add_checklist_item(case, "Done already", Some(desk.member), None, &system)
                .await
                .unwrap();
            store
                .complete_checklist_item(case, done, &system)
                .await
                .unwrap();
            case_clocks(&store, &rules(), at("2026-03-02T10:41"))
                .await
                .unwrap();
            assert_eq!(told(&store, owner, case).await, ["case-breached"]);
            assert_eq!(
                told(&store, desk.leader, case).await,
                ["case-opened", "case-breached"]
            );
            assert_eq!(told(&store, desk.member, case).await, ["case-opened"]);
        }
    }

    #[tokio::test]
    async fn a_year_the_calendar_lacks_is_named_and_the_other_cases_are_still_read() {
        for backend in TestDatabase::backends() {
            let (_db, store) = TestDatabase::create(backend).await.unwrap();
            let desk = desk(&store).await;
            let old = open(&store, &desk, "2024-06-03T09:00", 100).await;
            let case = open(&store, &desk, "2026-03-02T09:00", 100).await;
            let report = case_clocks(&store, &rules(), at("2026-03-02T11:00"))
                .await
                .unwrap();
            assert_eq!(report.clocks.cases, 2);
            assert_eq!(report.clocks.breached, 1);
            assert_eq!(
                report.problem().as_deref(),
                Some(
                    "the working-time calendar has no data for 2024 (1 case skipped): add the year at /admin/calendar"
                )
            );
            assert_eq!(
                told(&store, desk.leader, case).await,
                ["case-opened", "case-breached"]
            );
            assert_eq!(told(&store, desk.leader, old).await, ["case-opened"]);
            // The scheduler's run fails with that text, which /admin/jobs shows.
            let jobs = desk_jobs(&store, rules(), None);
            assert_eq!(
                jobs.iter().map(|j| j.name).collect::<Vec<_>>(),
                [CASE_CLOCKS]
            );
            let error = (jobs[0].run)().await.unwrap_err().to_string();
            assert!(
                error.contains("no data for 2024") && error.contains("/admin/calendar"),
                "{error}"
            );
        }
    }

    #[tokio::test]
    async fn an_unrated_case_is_reminded_once_two_working_days_after_its_resolution() {
        use yingcai_domain::status::CaseStatus;
        for backend in TestDatabase::backends() {
            let (db, store) = TestDatabase::create(backend).await.unwrap();
            let desk = desk(&store).await;
            let case = open(&store, &desk, "2026-03-02T09:00", 100).await;
            let officer = yingcai_store::Actor::account(desk.member, "member@example.cn");
            store
                .change_case(
                    case,
                    &yingcai_store::CaseTransition {
                        from: CaseStatus::New,
                        to: CaseStatus::Resolved,
                        at: at("2026-03-02T10:00"),
                        message: Some((yingcai_store::EventKind::Reply, "Done: see the office")),
                        first_response: true,
                        response_spent: Some(60),
                        resolution_spent: Some(60),
                    },
                    &officer,
                )
                .await
                .unwrap();
            assert_eq!(told(&store, desk.requester, case).await, ["case-resolved"]);
            let calendar = yingcai_services::work_calendar::calendar(&store, &rules().hours)
                .await
                .unwrap();
            // One working day later: not yet. Friday 6 March (more than two): once.
            let soon = desk_alerts::remind_ratings(&store, &calendar, at("2026-03-03T10:00"))
                .await
                .unwrap();
            assert_eq!(soon.reminded, 0);
            let other = db.connect_again().await.unwrap();
            let (a, b) = tokio::join!(
                desk_alerts::remind_ratings(&store, &calendar, at("2026-03-06T10:00")),
                desk_alerts::remind_ratings(&other, &calendar, at("2026-03-06T10:00")),
            );
            assert_eq!(a.unwrap().reminded + b.unwrap().reminded, 1);
            let later = desk_alerts::remind_ratings(&store, &calendar, at("2026-03-20T10:00"))
                .await
                .unwrap();
            assert_eq!(later.reminded, 0);
            assert_eq!(
                told(&store, desk.requester, case).await,
                ["case-resolved", "case-rating-reminder"]
            );
            other.close().await;
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
