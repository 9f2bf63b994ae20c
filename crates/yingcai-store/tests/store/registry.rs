use jiff::civil::Date;
use yingcai_domain::{TalentInput, TalentProfile};
use yingcai_store::{Actor, AuditFilter, ImportConflict, ImportRow};

use crate::for_each_backend;

/// An officer account to sign the import (the record names who verified it).
pub(crate) async fn officer(store: &yingcai_store::Store) -> Actor {
    let new = yingcai_store::NewAccount {
        email: yingcai_domain::Email::parse("officer@example.cn").unwrap(),
        display_name: yingcai_domain::DisplayName::parse("name", "Officer").unwrap(),
        phone: None,
        password_hash: "x".into(),
        roles: yingcai_domain::RoleSet::one(yingcai_domain::Role::Officer),
        locale: yingcai_domain::Locale::En,
        must_change_password: false,
    };
    let id = store.create_account(&new, &Actor::Cli).await.unwrap();
    Actor::account(id, "officer@example.cn")
}

fn resident_id(birth: &str, seq: u32) -> String {
    let body = format!("130102{}{:03}", birth.replace('-', ""), seq);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

fn profile(seq: u32, housing: &str, bank: &str) -> TalentProfile {
    let input = TalentInput {
        name: format!("人才{seq}"),
        resident_id: resident_id(&format!("1990-05-{:02}", 10 + seq / 1000), seq % 1000),
        degree: "master".into(),
        arrival_date: "2024-03-01".into(),
        employed_in_city: "true".into(),
        housing: housing.into(),
        home_purchase_date: if housing == "owns" {
            "2025-01-02".into()
        } else {
            String::new()
        },
        social_insurance_months: "30".into(),
        bank_account: bank.into(),
        employer_name: "雄安智芯科技有限公司".into(),
        employer_credit_code: "91350100M000100Y43".into(),
        ..TalentInput::default()
    };
    input.parse(&[], Date::new(2026, 11, 29).unwrap()).unwrap()
}

pub(crate) fn rows(from: u32, to: u32) -> Vec<ImportRow> {
    (from..to)
        .map(|seq| {
            (
                seq as usize + 1,
                Some(i64::from(seq)),
                profile(
                    seq,
                    if seq % 2 == 0 { "rent" } else { "owns" },
                    "6222021234567890123",
                ),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_import_writes_verified_records_with_sensitive_fields_sealed() {
    for_each_backend(|store| async move {
        let officer = officer(&store).await;
        let summary = store
            .import_talents(&rows(0, 1200), "roster.csv", &officer, &|_| {})
            .await
            .unwrap();
        assert_eq!(summary.imported, 1200);
        let (lo, hi) = summary.talent_ids.unwrap();
        assert_eq!(hi - lo, 1199, "more than one insert batch");
        assert_eq!(store.count_talents().await.unwrap(), 1200);

        let record = store.talent(lo + 1).await.unwrap();
        assert_eq!(record.source_id, Some(1));
        assert_eq!(
            record.profile,
            profile(1, "owns", "6222021234567890123"),
            "everything round-trips"
        );
        assert!(record.verified_by.is_some());

        // Nothing sensitive is stored in the clear.
        let raw: Vec<u8> = sqlx_bytes(&store, lo).await;
        assert!(
            !raw.windows(18)
                .any(|w| w == record.profile.resident_id.expose().as_bytes())
        );

        let audit = store
            .audit_entries(&AuditFilter {
                action: Some("talent.import".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor, "officer@example.cn");
        assert_eq!(audit[0].entity_id, format!("{lo}-{hi}"));
        assert!(audit[0].after.as_deref().unwrap().contains("\"rows\":1200"));
        assert_eq!(store.verify_audit(&[]).await.unwrap().entry_id, 2);
    })
    .await;
}

async fn sqlx_bytes(store: &yingcai_store::Store, talent_id: i64) -> Vec<u8> {
    // Through the test-only raw access: what an attacker with the database file would see.
    store.raw_talent_row_bytes(talent_id).await.unwrap()
}

#[tokio::test]
async fn an_import_naming_a_registered_identity_number_writes_nothing() {
    for_each_backend(|store| async move {
        let officer = officer(&store).await;
        store
            .import_talents(&rows(0, 10), "first.csv", &officer, &|_| {})
            .await
            .unwrap();
        let outcome = store
            .import_talents(&rows(5, 20), "second.csv", &officer, &|_| {})
            .await;
        assert!(
            matches!(&outcome, Err(ImportConflict::Registered { rows }) if *rows == [6, 7, 8, 9, 10]),
            "{outcome:?}"
        );
        assert_eq!(store.count_talents().await.unwrap(), 10);
        assert_eq!(
            store
                .audit_entries(&AuditFilter::default())
                .await
                .unwrap()
                .len(),
            2,
            "account + first import only"
        );
    })
    .await;
}

/// A talent row whose stored values no longer read back as their types (edited by hand,
/// or written by another program) is an error naming the table, the row and the column:
/// never a default date, degree or housing that eligibility would then judge.
#[tokio::test]
async fn a_corrupted_stored_talent_value_is_an_error_naming_its_row_and_column() {
    for_each_backend(|store| async move {
        let officer = officer(&store).await;
        let (lo, hi) = store
            .import_talents(&rows(0, 2), "roster.csv", &officer, &|_| {})
            .await
            .unwrap()
            .talent_ids
            .unwrap();
        let good = store.talent(hi).await.unwrap();
        for (column, bad) in [
            ("arrival_date", "2024-02-30"),
            ("arrival_date", "garbage"),
            ("arrival_date", ""),
            ("home_purchase_date", "2025-13-01"),
            ("degree", "wizard"),
            ("housing", "castle"),
            ("employer_credit_code", "91350100M000100Y44"),
            ("phone", "not a phone"),
        ] {
            let before = store.talent(lo).await.unwrap();
            store
                .execute_unchecked(&format!(
                    "update talent set {column} = '{bad}' where talent_id = {lo}"
                ))
                .await
                .unwrap();
            let error = store.talent(lo).await.unwrap_err();
            assert!(
                matches!(
                    error,
                    yingcai_store::StoreError::Corrupt { table: "talent", row, column: c }
                        if row == lo && c == column
                ),
                "{column} = {bad:?}: {error:?}"
            );
            assert_eq!(
                error.to_string(),
                format!("talent row {lo}: the stored {column} is unreadable")
            );
            // A batch read stops at the bad row, naming it; its neighbour still reads alone.
            let error = store.talents_after(0, 10).await.unwrap_err();
            assert!(
                matches!(error, yingcai_store::StoreError::Corrupt { row, .. } if row == lo),
                "{error:?}"
            );
            assert_eq!(store.talent(hi).await.unwrap().profile, good.profile);
            // Put the value back as it was written.
            let restore = match column {
                "arrival_date" => format!("'{}'", before.profile.arrival_date),
                "home_purchase_date" => before
                    .profile
                    .home_purchase_date
                    .map_or("null".to_owned(), |d| format!("'{d}'")),
                "degree" => format!("'{}'", before.profile.degree.code()),
                "housing" => format!("'{}'", before.profile.housing.code()),
                "employer_credit_code" => "'91350100M000100Y43'".to_owned(),
                _ => "null".to_owned(),
            };
            store
                .execute_unchecked(&format!(
                    "update talent set {column} = {restore} where talent_id = {lo}"
                ))
                .await
                .unwrap();
            assert_eq!(store.talent(lo).await.unwrap().profile, before.profile);
        }
    })
    .await;
}
