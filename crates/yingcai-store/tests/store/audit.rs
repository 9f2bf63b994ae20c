use yingcai_domain::{DisplayName, Email, Locale, Role, RoleSet};
use yingcai_store::{Actor, AuditFilter, ChainBreak, NewAccount, Store};

use crate::for_each_backend;

async fn account(store: &Store, email: &str) -> i64 {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse("name", "Test").unwrap(),
        phone: yingcai_domain::Phone::parse_optional("+86 138 0013 8000").unwrap(),
        password_hash: "$argon2id$secret-hash".into(),
        roles: RoleSet::one(Role::Talent),
        locale: Locale::En,
        must_change_password: false,
    };
    store.create_account(&new, &Actor::SignUp).await.unwrap()
}

#[tokio::test]
async fn every_account_write_is_recorded_with_before_and_after_and_nothing_secret() {
    for_each_backend(|store| async move {
        let id = account(&store, "a@example.cn").await;
        let admin = Actor::account(99, "admin@example.cn");
        store
            .set_roles(
                id,
                &RoleSet::new(vec![Role::Talent, Role::Officer]).unwrap(),
                &admin,
            )
            .await
            .unwrap();
        store.set_disabled(id, true, &admin).await.unwrap();
        store
            .set_password(id, "$argon2id$other", true, None, &admin)
            .await
            .unwrap();

        let entries = store
            .audit_entries(&AuditFilter {
                entity_id: Some(id.to_string()),
                ..Default::default()
            })
            .await
            .unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "account.password.reset",
                "account.status",
                "account.roles",
                "account.create"
            ]
        );
        let roles = &entries[2];
        assert_eq!(roles.actor, "admin@example.cn");
        assert_eq!(roles.actor_account_id, Some(99));
        assert_eq!(roles.before.as_deref(), Some(r#"{"roles":["talent"]}"#));
        assert_eq!(
            roles.after.as_deref(),
            Some(r#"{"roles":["officer","talent"]}"#)
        );
        let created = &entries[3];
        assert_eq!(
            created.actor_account_id,
            Some(id),
            "a sign-up is done by the new account"
        );
        let after = created.after.as_deref().unwrap();
        assert!(
            after.contains("*8000") && !after.contains("13800138000"),
            "phone masked: {after}"
        );
        assert!(
            entries
                .iter()
                .all(|e| !format!("{e:?}").contains("argon2id")),
            "no password hash in the log"
        );
        assert_eq!(store.verify_audit().await.unwrap(), Ok(4));
    })
    .await;
}

#[tokio::test]
async fn a_failed_write_leaves_no_audit_entry() {
    for_each_backend(|store| async move {
        account(&store, "a@example.cn").await;
        let duplicate = NewAccount {
            email: Email::parse("a@example.cn").unwrap(),
            display_name: DisplayName::parse("name", "Dup").unwrap(),
            phone: None,
            password_hash: "x".into(),
            roles: RoleSet::one(Role::Talent),
            locale: Locale::En,
            must_change_password: false,
        };
        assert!(
            store
                .create_account(&duplicate, &Actor::SignUp)
                .await
                .is_err()
        );
        assert!(
            store
                .set_roles(424_242, &RoleSet::one(Role::Admin), &Actor::Cli)
                .await
                .is_err()
        );
        assert_eq!(
            store
                .audit_entries(&AuditFilter::default())
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(store.verify_audit().await.unwrap(), Ok(1));
    })
    .await;
}

#[tokio::test]
async fn an_entry_altered_in_the_database_is_named_by_verify() {
    for_each_backend(|store| async move {
        for i in 0..5 {
            account(&store, &format!("u{i}@example.cn")).await;
        }
        assert_eq!(store.verify_audit().await.unwrap(), Ok(5));
        store
            .execute_unchecked(
                "update audit_entry set actor = 'someone-else' where audit_entry_id = 3",
            )
            .await
            .unwrap();
        assert_eq!(
            store.verify_audit().await.unwrap(),
            Err(ChainBreak::Altered { entry_id: 3 })
        );
    })
    .await;
}

#[tokio::test]
async fn an_entry_removed_from_the_database_is_named_by_verify() {
    for_each_backend(|store| async move {
        for i in 0..5 {
            account(&store, &format!("u{i}@example.cn")).await;
        }
        store
            .execute_unchecked("delete from audit_entry where audit_entry_id = 2")
            .await
            .unwrap();
        assert_eq!(
            store.verify_audit().await.unwrap(),
            Err(ChainBreak::Removed { entry_id: 2 })
        );
        store
            .execute_unchecked("delete from audit_entry where audit_entry_id >= 2")
            .await
            .unwrap();
        assert_eq!(
            store.verify_audit().await.unwrap(),
            Err(ChainBreak::Removed { entry_id: 2 })
        );
    })
    .await;
}

#[tokio::test]
async fn concurrent_writers_build_one_unbroken_chain() {
    for_each_backend(|store| async move {
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move { account(&store, &format!("c{i}@example.cn")).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(store.verify_audit().await.unwrap(), Ok(16));
    })
    .await;
}
