use yingcai_domain::{DisplayName, Email, EnterpriseInput, Locale, Role, RoleSet};
use yingcai_store::{Actor, ImportRow, NewAccount, Store, StoreError};

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

fn input() -> EnterpriseInput {
    EnterpriseInput {
        name: "雄安智芯科技有限公司".into(),
        credit_code: "91350100M000100Y43".into(),
        industry: "next_gen_it".into(),
        district: "长安区".into(),
        ..EnterpriseInput::default()
    }
}

fn catalogues() -> (Vec<String>, Vec<String>) {
    (vec!["next_gen_it".into()], vec!["长安区".into()])
}

#[tokio::test]
async fn an_enterprise_is_verified_and_sees_the_talents_who_name_it() {
    for_each_backend(|store| async move {
        let owner = account(&store, "hr@chip.example.cn", Role::Enterprise).await;
        let officer = account(&store, "o@example.cn", Role::Officer).await;
        let id = store.save_enterprise_draft(&owner, &input()).await.unwrap();
        store.submit(id, &owner).await.unwrap();
        assert_eq!(
            store
                .enterprise_queue(&Default::default())
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            store
                .submission_queue(&Default::default())
                .await
                .unwrap()
                .is_empty(),
            "talent queue is separate"
        );
        let (industries, districts) = catalogues();
        let profile = input().parse(&industries, &districts).unwrap();
        let enterprise_id = store
            .verify_enterprise_submission(id, &profile, &officer)
            .await
            .unwrap();
        let Actor::Account { account_id, .. } = &owner else {
            unreachable!()
        };
        assert_eq!(
            store
                .enterprise_of_owner(*account_id)
                .await
                .unwrap()
                .unwrap()
                .enterprise_id,
            enterprise_id
        );

        // A talent imported with this employer's credit code is this enterprise's talent.
        let talent = yingcai_domain::TalentInput {
            name: "王芳".into(),
            resident_id: "11010519491231002X".into(),
            degree: "phd".into(),
            arrival_date: "2024-03-01".into(),
            employed_in_city: "true".into(),
            housing: "rent".into(),
            social_insurance_months: "30".into(),
            employer_name: "雄安智芯科技有限公司".into(),
            employer_credit_code: "91350100M000100Y43".into(),
            ..Default::default()
        }
        .parse(&[], jiff::civil::Date::new(2026, 11, 29).unwrap())
        .unwrap();
        let rows: Vec<ImportRow> = vec![(2, None, talent)];
        store
            .import_talents(&rows, "t.csv", &officer, &|_| {})
            .await
            .unwrap();
        let talents = store.talents_of_enterprise(enterprise_id).await.unwrap();
        assert_eq!(talents.len(), 1);
        assert_eq!(talents[0].profile.name, "王芳");
    })
    .await;
}

#[tokio::test]
async fn a_credit_code_belongs_to_one_enterprise() {
    for_each_backend(|store| async move {
        let officer = account(&store, "o@example.cn", Role::Officer).await;
        let (industries, districts) = catalogues();
        let profile = input().parse(&industries, &districts).unwrap();
        let first = account(&store, "a@example.cn", Role::Enterprise).await;
        let id = store.save_enterprise_draft(&first, &input()).await.unwrap();
        store.submit(id, &first).await.unwrap();
        store
            .verify_enterprise_submission(id, &profile, &officer)
            .await
            .unwrap();
        let second = account(&store, "b@example.cn", Role::Enterprise).await;
        let id = store
            .save_enterprise_draft(&second, &input())
            .await
            .unwrap();
        store.submit(id, &second).await.unwrap();
        let err = store
            .verify_enterprise_submission(id, &profile, &officer)
            .await
            .unwrap_err();
        assert!(
            matches!(err, yingcai_store::SubmissionError::Store(StoreError::Conflict { ref constraint }) if constraint == "credit_code"),
            "{err:?}"
        );
    })
    .await;
}
