use yingcai_store::{Backend, Store};

use crate::for_each_backend;

#[tokio::test]
async fn migrations_are_idempotent_and_all_applied() {
    for_each_backend(|store: Store| async move {
        store.migrate().await.unwrap();
        let status = store.migration_status().await.unwrap();
        assert!(!status.is_empty());
        assert!(status.iter().all(|(_, _, applied)| *applied), "{status:?}");
        store.ping().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_sqlite_backup_is_a_usable_database() {
    for_each_backend(|store: Store| async move {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("backup.sqlite");
        let result = store.backup_to(&target).await;
        match store.backend() {
            Backend::Sqlite => {
                result.unwrap();
                let url =
                    yingcai_store::DatabaseUrl::parse(&format!("sqlite://{}", target.display()))
                        .unwrap();
                let copy = Store::connect(&url, yingcai_store::testing::test_cipher())
                    .await
                    .unwrap();
                assert!(copy.migration_status().await.unwrap().iter().all(|m| m.2));
                // A second backup to the same file is refused rather than overwriting it.
                assert!(store.backup_to(&target).await.is_err());
            }
            Backend::Postgres => assert!(result.unwrap_err().to_string().contains("pg_dump")),
        }
    })
    .await;
}
