//! Sealed fields are bound to their table, column and row: a ciphertext copied anywhere
//! else fails to open, naming where it was found. Values from the first generation are
//! re-sealed by the step `migrate` runs.

use yingcai_domain::{DisplayName, Email, Locale, Role, RoleSet, TalentInput};
use yingcai_store::crypto::SealedColumn;
use yingcai_store::{Actor, ImportConflict, NewAccount, Store};

use crate::for_each_backend;
use crate::registry::{officer, rows};

async fn talent_account(store: &Store, email: &str) -> Actor {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse("name", "Someone").unwrap(),
        phone: None,
        password_hash: "x".into(),
        roles: RoleSet::one(Role::Talent),
        locale: Locale::En,
        must_change_password: false,
    };
    let id = store.create_account(&new, &Actor::SignUp).await.unwrap();
    Actor::account(id, email)
}

fn draft(resident_id: &str) -> TalentInput {
    TalentInput {
        name: "王芳".into(),
        resident_id: resident_id.into(),
        degree: "phd".into(),
        arrival_date: "2024-03-01".into(),
        employed_in_city: "true".into(),
        housing: "rent".into(),
        social_insurance_months: "30".into(),
        bank_account: "6222021234567890123".into(),
        ..TalentInput::default()
    }
}

/// Swaps `column` of two rows behind the store's back, as someone with write access to
/// the database could.
async fn swap(store: &Store, table: &str, column: &str, a: i64, b: i64) {
    let id = format!("{table}_id");
    for sql in [
        format!(
            "create table swap_tmp as select {id} as row_id, {column} as v from {table} where {id} in ({a}, {b})"
        ),
        format!(
            "update {table} set {column} = (select v from swap_tmp where row_id = {} - {table}.{id}) where {id} in ({a}, {b})",
            a + b
        ),
        "drop table swap_tmp".to_owned(),
    ] {
        store.execute_unchecked(&sql).await.unwrap();
    }
}

#[tokio::test]
async fn swapping_two_talents_identity_numbers_makes_both_unreadable() {
    for_each_backend(|store| async move {
        let officer = officer(&store).await;
        let summary = store
            .import_talents(&rows(0, 3), "roster.csv", &officer, &|_| {})
            .await
            .unwrap();
        let (a, b) = summary.talent_ids.unwrap();
        let before = store.talent(a).await.unwrap();

        swap(&store, "talent", "resident_id_sealed", a, b).await;
        for id in [a, b] {
            let message = store.talent(id).await.unwrap_err().to_string();
            assert!(
                message.contains(&format!("talent.resident_id_sealed of row {id}")),
                "{message}"
            );
        }
        assert!(
            store.talents_after(0, 10).await.is_err(),
            "a batch read fails too"
        );
        store
            .talent(a + 1)
            .await
            .expect("the third row is untouched");

        // Swapped back, both open again: the row, not the bytes, was wrong.
        swap(&store, "talent", "resident_id_sealed", a, b).await;
        assert_eq!(store.talent(a).await.unwrap().profile, before.profile);
        store.talent(b).await.unwrap();

        // Bank accounts are bound to their rows as well.
        swap(&store, "talent", "bank_account_sealed", a, b).await;
        let message = store.talent(b).await.unwrap_err().to_string();
        assert!(
            message.contains(&format!("talent.bank_account_sealed of row {b}")),
            "{message}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_bank_account_moved_into_the_identity_number_does_not_open() {
    for_each_backend(|store| async move {
        let officer = officer(&store).await;
        let summary = store
            .import_talents(&rows(0, 1), "roster.csv", &officer, &|_| {})
            .await
            .unwrap();
        let (id, _) = summary.talent_ids.unwrap();
        store
            .execute_unchecked(&format!(
                "update talent set resident_id_sealed = bank_account_sealed where talent_id = {id}"
            ))
            .await
            .unwrap();
        let message = store.talent(id).await.unwrap_err().to_string();
        assert!(
            message.contains(&format!("talent.resident_id_sealed of row {id}")),
            "{message}"
        );
        assert!(
            message.contains("copied from another row or column"),
            "{message}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_submission_payload_copied_to_another_submission_does_not_open() {
    for_each_backend(|store| async move {
        let first = talent_account(&store, "a@example.cn").await;
        let second = talent_account(&store, "b@example.cn").await;
        let a = store
            .save_talent_draft(&first, &draft("11010519491231002X"), "长安区")
            .await
            .unwrap();
        let b = store
            .save_talent_draft(&second, &draft("110105194912310038"), "长安区")
            .await
            .unwrap();
        store
            .execute_unchecked(&format!(
                "update submission set payload_sealed = (select payload_sealed from submission where submission_id = {a}) where submission_id = {b}"
            ))
            .await
            .unwrap();
        store.talent_submission(a).await.unwrap();
        let message = store.talent_submission(b).await.unwrap_err().to_string();
        assert!(
            message.contains(&format!("submission.payload_sealed of row {b}")),
            "{message}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_re_seal_step_turns_version_1_into_version_2_once() {
    for_each_backend(|store| async move {
        let officer = officer(&store).await;
        let summary = store
            .import_talents(&rows(0, 1200), "roster.csv", &officer, &|_| {})
            .await
            .unwrap();
        let (lo, hi) = summary.talent_ids.unwrap();
        let owner = talent_account(&store, "t@example.cn").await;
        let submission = store
            .save_talent_draft(&owner, &draft("11010519491231002X"), "长安区")
            .await
            .unwrap();
        let records = store.talents_after(0, 2000).await.unwrap();
        assert_eq!(records.len(), 1200);

        // The first 1,000 rows as the previous release left them; the last 200 already at
        // version 2, as after a run that was killed halfway.
        let old: Vec<i64> = (lo..lo + 1000).collect();
        store
            .write_version_1_seals(&old, &[submission])
            .await
            .unwrap();
        assert_eq!(
            store
                .seal_versions(SealedColumn::TalentResidentId)
                .await
                .unwrap()
                .iter()
                .filter(|(_, v)| *v == 1)
                .count(),
            1000
        );
        // Outside the step, version 1 no longer opens; the error names the row and the fix.
        let message = store.talent(lo).await.unwrap_err().to_string();
        assert!(
            message.contains(&format!("talent.resident_id_sealed of row {lo}"))
                && message.contains("version 1"),
            "{message}"
        );
        assert!(store.talent_submission(submission).await.is_err());
        store.talent(hi).await.unwrap();

        assert_eq!(
            store.reseal_version_1().await.unwrap(),
            1000 + 1000 + 1,
            "identity numbers, bank accounts, the draft"
        );
        for column in SealedColumn::ALL {
            let versions = store.seal_versions(column).await.unwrap();
            assert!(!versions.is_empty());
            assert!(
                versions.iter().all(|(_, v)| *v == 2),
                "{column:?}: {versions:?}"
            );
        }
        assert_eq!(store.talents_after(0, 2000).await.unwrap().len(), 1200);
        for record in &records {
            assert_eq!(
                store.talent(record.talent_id).await.unwrap().profile,
                record.profile
            );
        }
        assert_eq!(
            store.talent_submission(submission).await.unwrap().input,
            draft("11010519491231002X")
        );

        // A second run finds nothing to do and changes nothing.
        let raw = store.raw_talent_row_bytes(lo).await.unwrap();
        assert_eq!(store.reseal_version_1().await.unwrap(), 0);
        assert_eq!(store.raw_talent_row_bytes(lo).await.unwrap(), raw);

        // The blind indexes were recomputed with the new key: a registered identity number
        // is still refused, also one that was at version 1.
        let again = store
            .import_talents(&rows(0, 1), "again.csv", &officer, &|_| {})
            .await;
        assert!(
            matches!(&again, Err(ImportConflict::Registered { rows }) if *rows == [1]),
            "{again:?}"
        );

        // `migrate` runs the step.
        store.write_version_1_seals(&[hi], &[]).await.unwrap();
        assert!(store.talent(hi).await.is_err());
        store.migrate().await.unwrap();
        assert_eq!(
            store.talent(hi).await.unwrap().profile,
            records.last().unwrap().profile
        );
    })
    .await;
}
