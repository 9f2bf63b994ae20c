use yingcai_domain::audit::{AuditSigner, Checkpoint};
use yingcai_domain::{DisplayName, Email, Locale, Role, RoleSet};
use yingcai_store::{Actor, AuditError, AuditFilter, ChainBreak, NewAccount, Store};

use crate::for_each_backend;

/// Where `verify_audit` finds the chain broken (it must).
async fn broken(store: &Store) -> ChainBreak {
    match store.verify_audit(&[]).await {
        Err(AuditError::Broken(broken)) => broken,
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

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
        assert_eq!(store.verify_audit(&[]).await.unwrap().entry_id, 4);
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
        assert_eq!(store.verify_audit(&[]).await.unwrap().entry_id, 1);
    })
    .await;
}

#[tokio::test]
async fn an_entry_altered_in_the_database_is_named_by_verify() {
    for_each_backend(|store| async move {
        for i in 0..5 {
            account(&store, &format!("u{i}@example.cn")).await;
        }
        assert_eq!(store.verify_audit(&[]).await.unwrap().entry_id, 5);
        store
            .execute_unchecked(
                "update audit_entry set actor = 'someone-else' where audit_entry_id = 3",
            )
            .await
            .unwrap();
        assert_eq!(broken(&store).await, ChainBreak::Altered { entry_id: 3 });
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
        assert_eq!(broken(&store).await, ChainBreak::Removed { entry_id: 2 });
        store
            .execute_unchecked("delete from audit_entry where audit_entry_id >= 2")
            .await
            .unwrap();
        assert_eq!(broken(&store).await, ChainBreak::Removed { entry_id: 2 });
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
        assert_eq!(store.verify_audit(&[]).await.unwrap().entry_id, 16);
    })
    .await;
}

/// Signs the store's current head, as the checkpoint job does, and returns the file's text
/// with it appended.
async fn signed_head(store: &Store, signer: &AuditSigner, file: &str, minute: i64) -> String {
    let head = store.verify_audit(&[]).await.unwrap();
    let at = jiff::Timestamp::from_second(1_795_910_400 + 60 * minute).unwrap();
    format!(
        "{file}{}\n",
        signer.checkpoint_line("https://talent.example.cn", &head, at)
    )
}

/// Six entries, checkpointed after the fourth and after the sixth.
async fn checkpointed_log(store: &Store, signer: &AuditSigner) -> Vec<Checkpoint> {
    let mut file = String::new();
    for i in 0..4 {
        account(store, &format!("u{i}@example.cn")).await;
    }
    file = signed_head(store, signer, &file, 0).await;
    for i in 4..6 {
        account(store, &format!("u{i}@example.cn")).await;
    }
    file = signed_head(store, signer, &file, 10).await;
    signer.public_key().read_checkpoints(&file).unwrap()
}

async fn broken_with(store: &Store, checkpoints: &[Checkpoint]) -> ChainBreak {
    match store.verify_audit(checkpoints).await {
        Err(AuditError::Broken(broken)) => broken,
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

#[tokio::test]
async fn an_untouched_log_satisfies_its_checkpoints() {
    for_each_backend(|store| async move {
        let signer = AuditSigner::from_seed(&[5; 32]);
        let checkpoints = checkpointed_log(&store, &signer).await;
        assert_eq!(checkpoints.len(), 2);
        assert_eq!(store.verify_audit(&checkpoints).await.unwrap().entry_id, 6);
        account(&store, "later@example.cn").await;
        assert_eq!(store.verify_audit(&checkpoints).await.unwrap().entry_id, 7);
        for checkpoint in &checkpoints {
            assert_eq!(
                store.verify_audit_since(checkpoint).await.unwrap().entry_id,
                7
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_removed_tail_with_the_head_rewound_fails_naming_the_checkpoint() {
    for_each_backend(|store| async move {
        let signer = AuditSigner::from_seed(&[5; 32]);
        let checkpoints = checkpointed_log(&store, &signer).await;
        store.forge_audit_truncate(5).await.unwrap();
        assert_eq!(
            store.verify_audit(&[]).await.unwrap().entry_id,
            4,
            "the chain alone is consistent again"
        );
        let lost = ChainBreak::CheckpointLost {
            checkpoint: checkpoints[1].id(),
        };
        assert_eq!(broken_with(&store, &checkpoints).await, lost);
        assert!(matches!(
            store.verify_audit_since(&checkpoints[1]).await,
            Err(AuditError::Broken(broken)) if broken == lost
        ));
        assert_eq!(
            lost.to_string(),
            "checkpoint 2 (signed 2026-11-29T00:10:00Z, entry 6): entry 6 is no longer in the audit log: entries were removed and the head rewound"
        );
        // New entries after the forgery do not bring entry 6's signed hash back.
        account(&store, "x@example.cn").await;
        account(&store, "y@example.cn").await;
        assert_eq!(
            broken_with(&store, &checkpoints).await,
            ChainBreak::CheckpointRewritten {
                checkpoint: checkpoints[1].id()
            }
        );
    })
    .await;
}

#[tokio::test]
async fn an_entry_altered_with_every_later_hash_recomputed_fails_naming_the_checkpoint() {
    for_each_backend(|store| async move {
        let signer = AuditSigner::from_seed(&[5; 32]);
        let checkpoints = checkpointed_log(&store, &signer).await;
        store
            .forge_audit_rewrite(3, |entry| entry.actor = "nobody@example.cn".into())
            .await
            .unwrap();
        assert_eq!(
            store.verify_audit(&[]).await.unwrap().entry_id,
            6,
            "the chain alone is consistent again"
        );
        assert_eq!(
            broken_with(&store, &checkpoints).await,
            ChainBreak::CheckpointRewritten {
                checkpoint: checkpoints[0].id()
            }
        );
        assert!(matches!(
            store.verify_audit_since(&checkpoints[1]).await,
            Err(AuditError::Broken(ChainBreak::CheckpointRewritten { checkpoint }))
                if checkpoint == checkpoints[1].id()
        ));
        // Only the newest entry rewritten: the last checkpoint catches it.
        let (_db2, fresh) = yingcai_store::testing::TestDatabase::create(store.backend())
            .await
            .unwrap();
        let checkpoints = checkpointed_log(&fresh, &signer).await;
        fresh
            .forge_audit_rewrite(6, |entry| entry.after = Some("{}".into()))
            .await
            .unwrap();
        assert_eq!(
            broken_with(&fresh, &checkpoints).await,
            ChainBreak::CheckpointRewritten {
                checkpoint: checkpoints[1].id()
            }
        );
        fresh.close().await;
    })
    .await;
}
