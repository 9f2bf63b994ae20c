use yingcai_domain::Month;
use yingcai_store::{Actor, NewPaymentLine, Posting, Store, StoreError};

fn m(text: &str) -> Month {
    text.parse().unwrap()
}

use crate::for_each_backend;

/// Earlier lines are found for any set of talents: nearly contiguous ids (asked by range)
/// and ids spread so widely that they are asked by list, never mixing in other talents.
#[tokio::test]
async fn earlier_line_sums_find_exactly_the_asked_talents_lines() {
    for_each_backend(|store: Store| async move {
        let (lo, hi) = store
            .seed_payable_entitlements(17 * 1_002, "2026-10", "2026-12", 100)
            .await
            .unwrap();
        let run = store
            .open_payment_run(m("2026-11"), &Actor::System)
            .await
            .unwrap();
        let mut lines: Vec<NewPaymentLine> = Vec::new();
        let mut after = 0;
        loop {
            let (batch, last) = store
                .payable_entitlements_after(after, 5_000)
                .await
                .unwrap();
            let Some(last) = last else { break };
            after = last;
            lines.extend(batch.iter().map(|e| NewPaymentLine {
                talent_id: e.talent_id,
                benefit: e.benefit.clone(),
                service_month: m("2026-11"),
                kind: "regular",
                // Each talent's own amount, to tell their sums apart.
                amount_fen: e.talent_id,
                entitlement_id: e.entitlement_id,
                policy_version_id: e.policy_version_id,
            }));
        }
        assert_eq!(lines.len(), 17 * 1_002);
        let accrual = |line: &NewPaymentLine| {
            Ok(Posting {
                memo: String::new(),
                entries: vec![
                    (format!("budget:{}", line.benefit), -line.amount_fen),
                    (format!("payable:{}", line.talent_id), line.amount_fen),
                ],
            })
        };
        for chunk in lines.chunks(2_000) {
            store
                .insert_payment_lines(&run, chunk, &accrual)
                .await
                .unwrap();
        }
        let check = |asked: Vec<i64>| {
            let store = store.clone();
            async move {
                let sums = store.earlier_line_sums(&asked, m("2026-12")).await.unwrap();
                let mut found: Vec<i64> = sums.keys().map(|(t, _)| *t).collect();
                found.sort_unstable();
                assert_eq!(found, asked);
                for ((talent, benefit), months) in &sums {
                    assert_eq!(benefit, "rent_allowance");
                    assert_eq!(months.get(&m("2026-11")), Some(talent), "talent {talent}");
                }
                assert!(
                    store
                        .earlier_line_sums(&asked, m("2026-11"))
                        .await
                        .unwrap()
                        .is_empty(),
                    "only runs before the month"
                );
            }
        };
        check((lo + 10..lo + 40).chain(lo + 3_000..lo + 3_005).collect()).await;
        let spread: Vec<i64> = (0..17)
            .map(|k| lo + k * 1_002)
            .filter(|t| *t <= hi)
            .collect();
        assert_eq!(spread.len(), 17);
        check(spread).await;
    })
    .await;
}

/// A month stored as text that no longer reads back (edited by hand, or written by another
/// program) is an error naming the table, the row and the column: never year 0000 or a
/// default that a run would pay, compare or show as if it were real.
#[tokio::test]
async fn a_corrupted_stored_month_is_an_error_naming_its_row() {
    for_each_backend(|store: Store| async move {
        let (lo, _) = store
            .seed_payable_entitlements(3, "2026-10", "2026-12", 100)
            .await
            .unwrap();
        let run = store
            .open_payment_run(m("2026-11"), &Actor::System)
            .await
            .unwrap();
        for bad in ["0000-01", "2026-13", "garbage", "9999-12", ""] {
            store
                .execute_unchecked(&format!(
                    "update payment_run set month = '{bad}' where payment_run_id = {}",
                    run.payment_run_id
                ))
                .await
                .unwrap();
            let error = store.payment_runs().await.unwrap_err();
            assert!(
                matches!(
                    error,
                    StoreError::Corrupt { table: "payment_run", row, column: "month" }
                        if row == run.payment_run_id
                ),
                "{bad}: {error:?}"
            );
            assert_eq!(
                error.to_string(),
                format!(
                    "payment_run row {}: the stored month is unreadable",
                    run.payment_run_id
                )
            );
        }
        store
            .execute_unchecked(&format!(
                "update payment_run set month = '2026-11' where payment_run_id = {}",
                run.payment_run_id
            ))
            .await
            .unwrap();
        assert_eq!(store.payment_runs().await.unwrap()[0].month, m("2026-11"));
        // An entitlement's schedule and first month are read the same way.
        let entitlement = store
            .payable_entitlements_after(0, 1)
            .await
            .unwrap()
            .0
            .remove(0);
        assert_eq!(entitlement.talent_id, lo);
        store
            .execute_unchecked(&format!(
                "update entitlement set from_month = '1899-12' where entitlement_id = {}",
                entitlement.entitlement_id
            ))
            .await
            .unwrap();
        let error = store.entitlements(&Default::default()).await.unwrap_err();
        assert!(
            matches!(
                error,
                StoreError::Corrupt { table: "entitlement", row, column: "from_month" }
                    if row == entitlement.entitlement_id
            ),
            "{error:?}"
        );
    })
    .await;
}

/// A payment line whose stored status or month no longer reads back is an error naming the
/// table, the row and the column, wherever the line is read: one line, a run's lines, a
/// talent's history, and the sums a later run builds on. Never a default status that a
/// bank file would carry or leave out.
#[tokio::test]
async fn a_corrupted_stored_payment_line_is_an_error_naming_its_row() {
    for_each_backend(|store: Store| async move {
        let (lo, _) = store
            .seed_payable_entitlements(2, "2026-10", "2026-12", 100)
            .await
            .unwrap();
        let run = store
            .open_payment_run(m("2026-11"), &Actor::System)
            .await
            .unwrap();
        let (batch, _) = store.payable_entitlements_after(0, 10).await.unwrap();
        let lines: Vec<NewPaymentLine> = batch
            .iter()
            .map(|e| NewPaymentLine {
                talent_id: e.talent_id,
                benefit: e.benefit.clone(),
                service_month: m("2026-11"),
                kind: "regular",
                amount_fen: 100,
                entitlement_id: e.entitlement_id,
                policy_version_id: e.policy_version_id,
            })
            .collect();
        let accrual = |line: &NewPaymentLine| {
            Ok(Posting {
                memo: String::new(),
                entries: vec![
                    (format!("budget:{}", line.benefit), -line.amount_fen),
                    (format!("payable:{}", line.talent_id), line.amount_fen),
                ],
            })
        };
        assert_eq!(
            store
                .insert_payment_lines(&run, &lines, &accrual)
                .await
                .unwrap(),
            2
        );
        let line = store.payment_lines_of_talent(lo).await.unwrap().remove(0);
        let id = line.payment_line_id;
        let is_corrupt = |error: &StoreError, column: &str| {
            matches!(
                error,
                StoreError::Corrupt { table: "payment_line", row, column: c }
                    if *row == id && *c == column
            )
        };

        for bad in ["lost", "", "PAID"] {
            store
                .execute_unchecked(&format!(
                    "update payment_line set status = '{bad}' where payment_line_id = {id}"
                ))
                .await
                .unwrap();
            let error = store.payment_line(id).await.unwrap_err();
            assert!(is_corrupt(&error, "status"), "{bad:?}: {error:?}");
            assert_eq!(
                error.to_string(),
                format!("payment_line row {id}: the stored status is unreadable")
            );
            let error = store.payment_lines(&run, None, 10, 0).await.unwrap_err();
            assert!(is_corrupt(&error, "status"), "{bad:?}: {error:?}");
            let error = store.payment_lines_of_talent(lo).await.unwrap_err();
            assert!(is_corrupt(&error, "status"), "{bad:?}: {error:?}");
        }
        store
            .execute_unchecked(&format!(
                "update payment_line set status = 'pending' where payment_line_id = {id}"
            ))
            .await
            .unwrap();
        let restored = store.payment_line(id).await.unwrap();
        assert_eq!(
            (restored.status, restored.service_month),
            (line.status, line.service_month)
        );

        // The service month is read the same way, also in the sums of earlier runs.
        store
            .execute_unchecked(&format!(
                "update payment_line set service_month = '2026-00' where payment_line_id = {id}"
            ))
            .await
            .unwrap();
        let error = store.payment_line(id).await.unwrap_err();
        assert!(is_corrupt(&error, "service_month"), "{error:?}");
        let error = store
            .earlier_line_sums(&[lo], m("2026-12"))
            .await
            .unwrap_err();
        assert!(is_corrupt(&error, "service_month"), "{error:?}");
    })
    .await;
}
