//! Sealed bids: the store decrypts a bid only once it is opened, or for its author while it
//! is a draft; a submitted bid opens for nobody. Content is bound to its row, and opening a
//! need's bids happens once.

use yingcai_domain::bid::Bid;
use yingcai_domain::competition::{CriterionInput, IndicatorInput, NeedInput};
use yingcai_domain::{Date, DisplayName, Email, Locale, Role, RoleSet};
use yingcai_store::{Actor, BidChangeError, BidContent, NewAccount, NewNeed, Store};

use crate::for_each_backend;

async fn account(store: &Store, email: &str, role: Role) -> i64 {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse("name", "Someone").unwrap(),
        phone: None,
        password_hash: "x".into(),
        roles: RoleSet::one(role),
        locale: Locale::En,
        must_change_password: false,
    };
    store.create_account(&new, &Actor::SignUp).await.unwrap()
}

async fn need(store: &Store, owner: i64) -> i64 {
    let need = NeedInput {
        title: "Need".into(),
        field: "new_materials".into(),
        description: "A need".into(),
        indicators: vec![IndicatorInput {
            name: "x".into(),
            target: "1".into(),
            unit: String::new(),
        }],
        budget: "1000".into(),
        duration_months: "6".into(),
        bid_deadline: "2099-12-31".into(),
        ip_terms: "shared".into(),
        confidentiality: "none".into(),
        criteria: vec![CriterionInput {
            name: "Plan".into(),
            weight: "100".into(),
        }],
        stages: "1".into(),
        winners: "1".into(),
        ..Default::default()
    }
    .parse(
        &["new_materials".to_owned()],
        Date::new(2026, 1, 1).unwrap(),
    )
    .unwrap();
    store
        .create_need(
            &NewNeed {
                owner_account_id: owner,
                enterprise_id: None,
                issuer: "Unit",
                need: &need,
                at: 1,
            },
            &Actor::System,
        )
        .await
        .unwrap()
}

fn content(plan: &str) -> BidContent {
    BidContent {
        bid: Bid {
            title: "Bid".into(),
            plan: plan.into(),
            ..Bid::default()
        },
        documents: Vec::new(),
    }
}

const OPEN_UNTIL: i64 = 1_000_000;

#[tokio::test]
async fn a_bid_opens_only_when_opened_or_for_its_author_while_a_draft() {
    for_each_backend(|store| async move {
        let issuer = account(&store, "issuer@example.cn", Role::Enterprise).await;
        let a = account(&store, "a@example.cn", Role::Talent).await;
        let b = account(&store, "b@example.cn", Role::Reviewer).await;
        let need = need(&store, issuer).await;
        let actor = Actor::System;
        let bid_a = store
            .create_bid(need, a, &content("plan A"), 10, OPEN_UNTIL, &actor)
            .await
            .unwrap();
        let bid_b = store
            .create_bid(need, b, &content("plan B"), 10, OPEN_UNTIL, &actor)
            .await
            .unwrap();
        assert!(matches!(
            store
                .create_bid(need, a, &content("again"), 11, OPEN_UNTIL, &actor)
                .await,
            Err(BidChangeError::Duplicate)
        ));
        let c = account(&store, "c@example.cn", Role::Talent).await;
        assert!(matches!(
            store
                .create_bid(need, c, &content("late"), OPEN_UNTIL, OPEN_UNTIL, &actor)
                .await,
            Err(BidChangeError::Closed)
        ));

        // A draft: its author only.
        assert_eq!(
            store.open_bid_content(bid_a, a).await.unwrap().bid.plan,
            "plan A"
        );
        for reader in [b, issuer, 0] {
            assert!(matches!(
                store.open_bid_content(bid_a, reader).await,
                Err(BidChangeError::Sealed)
            ));
        }
        // Submitted: nobody, its author included.
        let digest = store
            .submit_bid(bid_a, a, 20, OPEN_UNTIL, &actor)
            .await
            .unwrap();
        assert_eq!(digest.len(), 64);
        assert_eq!(store.bid(bid_a).await.unwrap().sealed_digest, Some(digest));
        for reader in [a, b, issuer, 0] {
            assert!(matches!(
                store.open_bid_content(bid_a, reader).await,
                Err(BidChangeError::Sealed)
            ));
        }
        store
            .submit_bid(bid_b, b, 20, OPEN_UNTIL, &actor)
            .await
            .unwrap();
        assert_eq!(store.bid_count(need).await.unwrap().received, 2);

        // Opened once, with one audit entry; then anyone the services admit reads it.
        let opened = store.open_bids(need, OPEN_UNTIL, &actor).await.unwrap();
        assert_eq!((opened.opened, opened.lapsed), (2, 0));
        let again = store.open_bids(need, OPEN_UNTIL, &actor).await.unwrap();
        assert_eq!((again.opened, again.lapsed), (0, 0));
        assert_eq!(
            store
                .count_audit_action("competition_bid.open")
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            store.open_bid_content(bid_b, issuer).await.unwrap().bid.plan,
            "plan B"
        );

        // A sealed content copied to another row does not open there.
        store
            .execute_unchecked(&format!(
                "update competition_bid set content_sealed = (select content_sealed from competition_bid where bid_id = {bid_b}) where bid_id = {bid_a}"
            ))
            .await
            .unwrap();
        let error = store.open_bid_content(bid_a, issuer).await.unwrap_err();
        assert!(
            error
                .to_string()
                .contains(&format!("competition_bid.content_sealed of row {bid_a}")),
            "{error}"
        );
    })
    .await;
}
