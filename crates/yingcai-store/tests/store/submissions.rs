use jiff::civil::Date;
use yingcai_domain::{DisplayName, Email, Locale, Role, RoleSet, TalentInput};
use yingcai_store::{
    Actor, AuditFilter, NewAccount, QueueFilter, Store, StoreError, SubmissionError,
    SubmissionStatus,
};

use crate::for_each_backend;

async fn account(store: &Store, email: &str, role: Role) -> Actor {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse("name", "Someone").unwrap(),
        phone: None,
        password_hash: "x".into(),
        roles: RoleSet::one(role),
        locale: Locale::En,
        must_change_password: false,
    };
    let id = store.create_account(&new, &Actor::SignUp).await.unwrap();
    Actor::account(id, email)
}

fn owner_id(actor: &Actor) -> i64 {
    match actor {
        Actor::Account { account_id, .. } => *account_id,
        _ => unreachable!(),
    }
}

fn input(housing: &str) -> TalentInput {
    TalentInput {
        name: "王芳".into(),
        resident_id: "11010519491231002X".into(),
        degree: "phd".into(),
        arrival_date: "2024-03-01".into(),
        employed_in_city: "true".into(),
        housing: housing.into(),
        home_purchase_date: if housing == "owns" {
            "2026-10-08".into()
        } else {
            String::new()
        },
        social_insurance_months: "30".into(),
        bank_account: "6222021234567890123".into(),
        ..TalentInput::default()
    }
}

fn today() -> Date {
    Date::new(2026, 11, 29).unwrap()
}

#[tokio::test]
async fn draft_submit_return_resubmit_verify() {
    for_each_backend(|store| async move {
        let talent = account(&store, "t@example.cn", Role::Talent).await;
        let officer = account(&store, "o@example.cn", Role::Officer).await;
        let id = store
            .save_talent_draft(&talent, &input("rent"), "长安区")
            .await
            .unwrap();
        assert_eq!(
            store
                .open_talent_submission(owner_id(&talent))
                .await
                .unwrap()
                .unwrap()
                .status,
            SubmissionStatus::Draft
        );
        // An officer cannot verify a draft.
        let profile = input("rent").parse(&[], today()).unwrap();
        assert!(matches!(
            store.verify_talent_submission(id, &profile, &officer).await,
            Err(SubmissionError::WrongState {
                status: SubmissionStatus::Draft
            })
        ));

        store.submit(id, &talent).await.unwrap();
        assert_eq!(
            store.talent_submission(id).await.unwrap().respond_by,
            None,
            "answered: no date stands"
        );
        let queue = store
            .submission_queue(&QueueFilter {
                status: Some(SubmissionStatus::Submitted),
                district: Some("长安区".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(
            queue[0].input.bank_account, "6222021234567890123",
            "officers see the full submission"
        );

        store
            .return_submission(id, "请上传学位证书", Some(1_800_000_000_000), &officer)
            .await
            .unwrap();
        let returned = store.talent_submission(id).await.unwrap();
        assert_eq!(
            (returned.status, returned.reason.as_deref()),
            (SubmissionStatus::Returned, Some("请上传学位证书"))
        );
        assert_eq!(returned.respond_by, Some(1_800_000_000_000));
        assert!(!returned.answer_overdue(1_800_000_000_000));
        assert!(returned.answer_overdue(1_800_000_000_001));

        store
            .save_talent_draft(&talent, &input("rent"), "长安区")
            .await
            .unwrap();
        store.submit(id, &talent).await.unwrap();
        let talent_id = store
            .verify_talent_submission(id, &profile, &officer)
            .await
            .unwrap();
        let record = store
            .talent_of_owner(owner_id(&talent))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.talent_id, talent_id);
        assert_eq!(record.profile, profile);
        assert!(
            store
                .open_talent_submission(owner_id(&talent))
                .await
                .unwrap()
                .is_none()
        );

        let actions: Vec<String> = store
            .audit_entries(&AuditFilter::default())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(
            actions.contains(&"talent.verify".to_owned())
                && actions.contains(&"submission.return".to_owned())
        );
        let verify = store
            .audit_entries(&AuditFilter {
                action: Some("talent.verify".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let after = verify[0].after.as_deref().unwrap();
        assert!(
            after.contains("1101**********002X")
                && !after.contains("11010519491231002X")
                && !after.contains("6222021234567890123"),
            "{after}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_change_under_review_leaves_the_verified_record_in_force() {
    for_each_backend(|store| async move {
        let talent = account(&store, "t@example.cn", Role::Talent).await;
        let officer = account(&store, "o@example.cn", Role::Officer).await;
        let first = store
            .save_talent_draft(&talent, &input("rent"), "")
            .await
            .unwrap();
        store.submit(first, &talent).await.unwrap();
        let rent = input("rent").parse(&[], today()).unwrap();
        let talent_id = store
            .verify_talent_submission(first, &rent, &officer)
            .await
            .unwrap();

        // The talent reports buying a home: a new submission, under review.
        let second = store
            .save_talent_draft(&talent, &input("owns"), "")
            .await
            .unwrap();
        assert_ne!(first, second);
        store.submit(second, &talent).await.unwrap();
        assert_eq!(
            store.talent(talent_id).await.unwrap().profile.housing,
            yingcai_domain::Housing::Rent,
            "still the verified version"
        );

        let owns = input("owns").parse(&[], today()).unwrap();
        assert_eq!(
            store
                .verify_talent_submission(second, &owns, &officer)
                .await
                .unwrap(),
            talent_id,
            "same record, updated"
        );
        assert_eq!(
            store.talent(talent_id).await.unwrap().profile.housing,
            yingcai_domain::Housing::Owns
        );
        assert_eq!(
            store
                .talent_submissions_of(owner_id(&talent))
                .await
                .unwrap()
                .len(),
            2,
            "history keeps both"
        );
        let audit = store
            .audit_entries(&AuditFilter {
                action: Some("talent.verify".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(
            audit[0]
                .before
                .as_deref()
                .unwrap()
                .contains("\"housing\":\"rent\"")
        );
    })
    .await;
}

#[tokio::test]
async fn nobody_submits_another_persons_draft() {
    for_each_backend(|store| async move {
        let talent = account(&store, "t@example.cn", Role::Talent).await;
        let other = account(&store, "x@example.cn", Role::Talent).await;
        let id = store
            .save_talent_draft(&talent, &input("rent"), "")
            .await
            .unwrap();
        assert!(matches!(
            store.submit(id, &other).await,
            Err(SubmissionError::Store(StoreError::NotFound))
        ));
        assert_eq!(
            store.talent_submission(id).await.unwrap().status,
            SubmissionStatus::Draft
        );
    })
    .await;
}
