//! yingcai's batch jobs.
//!
//! Every job is idempotent: its effect depends only on the database, never on how many times
//! or on how many servers it ran, so it is safe to kill at any point and run again. Jobs are
//! started by `yingcai jobs run <name>` or by the scheduler inside `serve`.
//!
//! A new job is a function here taking `&Store`, plus a `JobName` variant.

pub mod housing;
pub mod payments;
pub mod policy;

use std::time::Duration;

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

/// Runs the periodic jobs every `every` until `shutdown` resolves. Several servers may run
/// this at once: the jobs are idempotent.
pub async fn scheduler(
    store: Store,
    every: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let policies = policy::Policies::new();
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = ticks.tick() => {
                match cleanup(&store).await {
                    Ok(report) => tracing::debug!(?report, "cleanup done"),
                    // Logged here, where it is handled: the next tick simply tries again.
                    Err(error) => tracing::warn!(error = ?error, "cleanup failed; will retry"),
                }
                match policy::sweep(&store, &policies, policy::today(), false).await {
                    Ok(report) if report.talents > 0 => tracing::info!(?report, "entitlements recomputed"),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(error = ?error, "entitlement sweep failed; will retry"),
                }
                match housing_tick(&store, &policies).await {
                    Ok((0, review)) if review == housing::LeaseReview::default() => {}
                    Ok((expired, review)) => tracing::info!(expired, ?review, "apartment offers and leases reviewed"),
                    Err(error) => tracing::warn!(error = ?error, "apartment offers and leases not reviewed; will retry"),
                }
            }
        }
    }
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
    use yingcai_store::SessionKind;
    use yingcai_store::testing::TestDatabase;

    #[tokio::test]
    async fn cleanup_removes_only_what_expired_and_can_run_twice() {
        for backend in TestDatabase::backends() {
            let (_db, store) = TestDatabase::create(backend).await.unwrap();
            let id = store
                .create_account(
                    &yingcai_store::NewAccount {
                        email: yingcai_domain_email(),
                        display_name: yingcai_domain::DisplayName::parse("name", "A").unwrap(),
                        phone: None,
                        password_hash: "x".into(),
                        roles: yingcai_domain::RoleSet::one(yingcai_domain::Role::Talent),
                        locale: yingcai_domain::Locale::En,
                        must_change_password: false,
                    },
                    &yingcai_store::Actor::System,
                )
                .await
                .unwrap();
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

    fn yingcai_domain_email() -> yingcai_domain::Email {
        yingcai_domain::Email::parse("a@example.cn").unwrap()
    }
}
