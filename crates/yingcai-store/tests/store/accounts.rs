use yingcai_domain::{DisplayName, Email, Locale, Role, RoleSet};
use yingcai_store::{AccountFilter, Actor, NewAccount, SessionKind, StoreError, now_ms};

use crate::for_each_backend;

fn new_account(email: &str, roles: &[Role]) -> NewAccount {
    NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse("name", "李伟 <b>").unwrap(),
        phone: None,
        password_hash: "$argon2id$fake".into(),
        roles: RoleSet::new(roles.to_vec()).unwrap(),
        locale: Locale::En,
        must_change_password: false,
    }
}

#[tokio::test]
async fn an_account_is_stored_with_its_roles_and_read_back() {
    for_each_backend(|store| async move {
        let id = store
            .create_account(
                &new_account("a@example.cn", &[Role::Officer, Role::Reviewer]),
                &Actor::Cli,
            )
            .await
            .unwrap();
        let account = store.account(id).await.unwrap();
        assert_eq!(account.email, "a@example.cn");
        assert_eq!(account.display_name, "李伟 <b>");
        assert_eq!(account.roles.as_slice(), &[Role::Officer, Role::Reviewer]);
        assert_eq!(account.locale, Locale::En);
        assert!(!account.disabled);
        let creds = store
            .credentials_by_email(&Email::parse("A@example.cn").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(creds.password_hash, "$argon2id$fake");
        assert_eq!(creds.account.account_id, id);
    })
    .await;
}

#[tokio::test]
async fn a_taken_email_is_a_conflict_and_writes_nothing() {
    for_each_backend(|store| async move {
        store
            .create_account(&new_account("a@example.cn", &[Role::Talent]), &Actor::Cli)
            .await
            .unwrap();
        let err = store
            .create_account(&new_account("a@example.cn", &[Role::Admin]), &Actor::Cli)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { ref constraint } if constraint == "email"),
            "{err:?}"
        );
        assert_eq!(
            store.count_accounts_with_role(Role::Admin).await.unwrap(),
            0
        );
    })
    .await;
}

#[tokio::test]
async fn accounts_are_filtered_by_role_and_text() {
    for_each_backend(|store| async move {
        store
            .create_account(
                &new_account("talent@example.cn", &[Role::Talent]),
                &Actor::Cli,
            )
            .await
            .unwrap();
        store
            .create_account(
                &new_account("officer@example.cn", &[Role::Officer]),
                &Actor::Cli,
            )
            .await
            .unwrap();
        store
            .create_account(
                &new_account("100%_sure@example.cn", &[Role::Officer]),
                &Actor::Cli,
            )
            .await
            .unwrap();
        let officers = store
            .list_accounts(&AccountFilter {
                role: Some(Role::Officer),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(officers.len(), 2);
        let text = store
            .list_accounts(&AccountFilter {
                text: Some("TALENT".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(text.len(), 1);
        // `%` and `_` are literal characters in a search, not wildcards.
        let literal = store
            .list_accounts(&AccountFilter {
                text: Some("0%_s".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(literal.len(), 1);
        let none = store
            .list_accounts(&AccountFilter {
                text: Some("%".into()),
                role: Some(Role::Talent),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(none.is_empty());
    })
    .await;
}

#[tokio::test]
async fn roles_are_replaced_and_unknown_accounts_are_not_found() {
    for_each_backend(|store| async move {
        let id = store
            .create_account(&new_account("a@example.cn", &[Role::Talent]), &Actor::Cli)
            .await
            .unwrap();
        store
            .set_roles(
                id,
                &RoleSet::new(vec![Role::Talent, Role::Admin]).unwrap(),
                &Actor::Cli,
            )
            .await
            .unwrap();
        assert!(store.account(id).await.unwrap().has_role(Role::Admin));
        assert!(matches!(
            store
                .set_roles(9999, &RoleSet::one(Role::Admin), &Actor::Cli)
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.account(9999).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn sessions_live_until_expiry_and_revocation() {
    for_each_backend(|store| async move {
        let id = store
            .create_account(&new_account("a@example.cn", &[Role::Talent]), &Actor::Cli)
            .await
            .unwrap();
        let later = now_ms() + 60_000;
        store
            .create_session("h1", id, SessionKind::Web, later, &Actor::Cli)
            .await
            .unwrap();
        store
            .create_session("h2", id, SessionKind::Api, later, &Actor::Cli)
            .await
            .unwrap();
        store
            .create_session("old", id, SessionKind::Web, now_ms() - 1, &Actor::Cli)
            .await
            .unwrap();
        assert_eq!(
            store.session("h2").await.unwrap().unwrap().kind,
            SessionKind::Api
        );
        assert!(
            store.session("old").await.unwrap().is_none(),
            "expired sessions are not live"
        );
        assert_eq!(store.count_sessions(id).await.unwrap(), 2);

        // A password change keeps the session that made it and ends the others.
        store
            .set_password(id, "$argon2id$new", false, Some("h1"), &Actor::Cli)
            .await
            .unwrap();
        assert!(store.session("h1").await.unwrap().is_some());
        assert!(store.session("h2").await.unwrap().is_none());

        assert_eq!(store.revoke_sessions(id, &Actor::Cli).await.unwrap(), 1);
        assert!(store.session("h1").await.unwrap().is_none());
        let (purged, _) = store.purge_expired(0).await.unwrap();
        assert_eq!(
            purged, 0,
            "revocation deleted the live ones; 'old' went with the account's sessions"
        );
    })
    .await;
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions() {
    for_each_backend(|store| async move {
        let id = store
            .create_account(&new_account("a@example.cn", &[Role::Talent]), &Actor::Cli)
            .await
            .unwrap();
        store
            .create_session("h1", id, SessionKind::Web, now_ms() + 60_000, &Actor::Cli)
            .await
            .unwrap();
        store.set_disabled(id, true, &Actor::Cli).await.unwrap();
        assert!(store.account(id).await.unwrap().disabled);
        assert!(store.session("h1").await.unwrap().is_none());
        store.set_disabled(id, false, &Actor::Cli).await.unwrap();
        assert!(!store.account(id).await.unwrap().disabled);
    })
    .await;
}

#[tokio::test]
async fn login_failures_are_counted_per_key_and_cleared() {
    for_each_backend(|store| async move {
        let since = now_ms() - 1000;
        for _ in 0..3 {
            store
                .record_login_failure(&["account:a@example.cn", "address:10.0.0.1"])
                .await
                .unwrap();
        }
        store
            .record_login_failure(&["account:b@example.cn", "address:10.0.0.1"])
            .await
            .unwrap();
        assert_eq!(
            store
                .count_login_failures("account:a@example.cn", since)
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            store
                .count_login_failures("address:10.0.0.1", since)
                .await
                .unwrap(),
            4
        );
        store
            .clear_login_failures("account:a@example.cn")
            .await
            .unwrap();
        assert_eq!(
            store
                .count_login_failures("account:a@example.cn", since)
                .await
                .unwrap(),
            0
        );
        let (_, purged) = store.purge_expired(now_ms() + 1).await.unwrap();
        assert_eq!(purged, 5);
    })
    .await;
}
