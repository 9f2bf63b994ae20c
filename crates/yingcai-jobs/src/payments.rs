//! The monthly payment run: every confirmed entitlement's amount for the month (and any
//! difference for earlier months since the platform started paying) becomes a payment
//! line, posted to the ledger in the same transaction.
//!
//! Safe to kill and re-run, and to run on two servers at once: lines are keyed by
//! (talent, benefit, service month, run month) and written with "on conflict do nothing"
//! (see `yingcai_store::payments`); a batch is one transaction, so after a crash every
//! batch is either all there or not there at all, and a re-run fills in what is missing.

use yingcai_payments::{LineKind, Month, Segment, accrue, format_month, parse_month, plan_lines};
use yingcai_store::{Actor, NewPaymentLine, PaymentRun, Posting, Store};

/// Entitlements per transaction: large enough that a million take a few hundred
/// transactions, small enough that a kill loses little work.
const BATCH: i64 = 2_000;

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub month: String,
    /// Confirmed entitlements looked at.
    pub entitlements: usize,
    /// Lines written by this invocation (0 when re-run after a complete run).
    pub lines_written: usize,
    /// All lines of the run and their total.
    pub lines: i64,
    pub total_fen: i64,
}

fn month_of(text: &str) -> anyhow::Result<Month> {
    parse_month(text).map_err(|e| anyhow::anyhow!("month {text}: {e}"))
}

/// Computes (or completes) the run for `month`. `progress(done, total)` is called after
/// each batch.
pub async fn run_month(
    store: &Store,
    month: &str,
    actor: &Actor,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> anyhow::Result<RunReport> {
    let run_month = month_of(month)?;
    let run = store
        .open_payment_run(&format_month(run_month), actor)
        .await?;
    anyhow::ensure!(
        run.status == "draft",
        "the run for {} is {}: its lines are frozen",
        run.month,
        run.status
    );
    let first = month_of(&run.first_month)?;
    let total = store.count_payable_entitlements().await?;
    let mut report = RunReport {
        month: run.month.clone(),
        entitlements: 0,
        lines_written: 0,
        lines: 0,
        total_fen: 0,
    };
    let mut after = 0;
    loop {
        let batch = store.payable_entitlements_after(after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.entitlement_id;
        let mut talents: Vec<i64> = batch.iter().map(|e| e.talent_id).collect();
        talents.sort_unstable();
        talents.dedup();
        let sums = store.earlier_line_sums(&talents, &run.month).await?;
        let mut lines = Vec::new();
        for e in &batch {
            let due: Vec<Segment> = e
                .schedule
                .iter()
                .map(|s| {
                    Ok(Segment {
                        from: month_of(&s.from)?,
                        to: month_of(&s.to)?,
                        amount_fen: s.amount_fen,
                    })
                })
                .collect::<anyhow::Result<_>>()?;
            let already = sums
                .get(&(e.talent_id, e.benefit.clone()))
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| Ok((month_of(k)?, *v)))
                        .collect::<anyhow::Result<_>>()
                })
                .transpose()?
                .unwrap_or_default();
            for planned in plan_lines(run_month, first, &due, &already, e.held) {
                lines.push(NewPaymentLine {
                    talent_id: e.talent_id,
                    benefit: e.benefit.clone(),
                    service_month: format_month(planned.service_month),
                    kind: match planned.kind {
                        LineKind::Regular => "regular",
                        LineKind::Arrears => "arrears",
                        LineKind::Overpayment => "overpayment",
                    },
                    amount_fen: planned.amount_fen,
                    entitlement_id: e.entitlement_id,
                    policy_version_id: e.policy_version_id,
                });
            }
        }
        report.lines_written += store.insert_payment_lines(&run, &lines, &accrual).await?;
        report.entitlements += batch.len();
        progress(report.entitlements as u64, total.max(0) as u64);
    }
    store.finish_payment_run_computation(&run).await?;
    let (lines, total_fen) = store.payment_run_totals(&run).await?;
    report.lines = lines;
    report.total_fen = total_fen;
    Ok(report)
}

/// The accrual of one line, built by the checked ledger of yingcai-payments.
fn accrual(line: &NewPaymentLine) -> Posting {
    let planned = yingcai_payments::PlannedLine {
        service_month: parse_month(&line.service_month).unwrap_or_default(),
        amount_fen: line.amount_fen,
        kind: match line.kind {
            "arrears" => LineKind::Arrears,
            "overpayment" => LineKind::Overpayment,
            _ => LineKind::Regular,
        },
    };
    match accrue(line.talent_id, &line.benefit, &planned) {
        Ok(txn) => Posting {
            memo: txn.memo().to_owned(),
            entries: txn
                .entries()
                .iter()
                .map(|e| (e.account.key(), e.amount_fen))
                .collect(),
        },
        // plan_lines never plans a zero line, and amounts come from checked schedules.
        Err(error) => unreachable!("a planned line cannot be booked: {error}"),
    }
}

/// The run a second officer is asked to approve.
pub async fn approve(
    store: &Store,
    month: &str,
    actor: &Actor,
) -> anyhow::Result<Result<PaymentRun, &'static str>> {
    let month = format_month(month_of(month)?);
    Ok(match store.approve_payment_run(&month, actor).await? {
        Ok(()) => Ok(store
            .payment_run(&month)
            .await?
            .ok_or_else(|| anyhow::anyhow!("run {month} vanished"))?),
        Err(code) => Err(code),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use yingcai_store::testing::TestDatabase;

    async fn set_schedule(store: &Store, talent: i64, json: &str) {
        store
            .execute_unchecked(&format!(
                "update entitlement set schedule = '{json}' where talent_id = {talent}"
            ))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn runs_pay_once_follow_retroactive_changes_and_keep_the_ledger_balanced() {
        for backend in TestDatabase::backends() {
            let (_db, store) = TestDatabase::create(backend).await.unwrap();
            let (lo, hi) = store
                .seed_payable_entitlements(3, "2026-11", "2027-10", 300_000)
                .await
                .unwrap();
            assert_eq!(hi - lo, 2);
            let quiet = |_: u64, _: u64| {};

            // The first run fixes the first month; each entitlement gets its regular line.
            let nov = run_month(&store, "2026-11", &Actor::System, &quiet)
                .await
                .unwrap();
            assert_eq!(
                (nov.lines_written, nov.lines, nov.total_fen),
                (3, 3, 900_000)
            );
            // Re-running writes nothing more.
            let again = run_month(&store, "2026-11", &Actor::System, &quiet)
                .await
                .unwrap();
            assert_eq!((again.lines_written, again.lines), (0, 3));

            // A record changes retroactively: talent lo bought a home in 2026-11 (no rent
            // from then on), talent lo+1 turns out to be owed 4,000 a month since 2026-11.
            set_schedule(&store, lo, "[]").await;
            set_schedule(
                &store,
                lo + 1,
                r#"[{"from":"2026-11","to":"2027-10","amount_fen":400000}]"#,
            )
            .await;
            let dec = run_month(&store, "2026-12", &Actor::System, &quiet)
                .await
                .unwrap();
            // lo: overpayment for 2026-11 (−3,000); lo+1: arrears for 2026-11 (+1,000) and
            // December (4,000); lo+2: December (3,000).
            assert_eq!(dec.lines_written, 4, "{dec:?}");
            assert_eq!(dec.total_fen, -300_000 + 100_000 + 400_000 + 300_000);
            assert_eq!(
                store
                    .ledger_balance(&format!("receivable:{lo}"))
                    .await
                    .unwrap(),
                300_000
            );
            assert_eq!(
                store
                    .ledger_balance(&format!("payable:{}", lo + 1))
                    .await
                    .unwrap(),
                -(300_000 + 100_000 + 400_000)
            );
            assert_eq!(
                store.ledger_balance("budget:rent_allowance").await.unwrap(),
                900_000 - 300_000 + 500_000 + 300_000
            );
            let report = store.check_ledger().await.unwrap();
            assert!(report.is_sound(), "{report:?}");
            assert_eq!(store.duplicate_payment_lines().await.unwrap(), 0);

            // Approval needs a person (an officer other than the preparer: see the HTTP tests).
            assert_eq!(
                approve(&store, "2026-12", &Actor::System)
                    .await
                    .unwrap()
                    .unwrap_err(),
                "approval-needs-officer"
            );
        }
    }
}
