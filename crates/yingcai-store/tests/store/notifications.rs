//! Notifications to accounts: read and unread, e-mailed at most once (taken by one server,
//! given back after a failure, kept out after a refusal), and a stored row that does not
//! read names its table, row and column.

use yingcai_store::testing::talent_account;
use yingcai_store::{NewNotice, NoticeKind, Store, StoreError};

use crate::for_each_backend;

fn notice(account_id: i64, kind: NoticeKind) -> NewNotice {
    NewNotice {
        account_id,
        kind,
        case_id: None,
        payload: serde_json::json!({ "title": "School place" }),
    }
}

#[tokio::test]
async fn notifications_are_read_once_shown_and_emailed_at_most_once() {
    for_each_backend(|store: Store| async move {
        let reader = talent_account(&store, "reader@example.cn").await;
        let other = talent_account(&store, "other@example.cn").await;
        store
            .add_account_notifications(
                &[
                    notice(reader, NoticeKind::CaseReply),
                    notice(reader, NoticeKind::CaseResolved),
                    notice(other, NoticeKind::CaseOpened),
                ],
                1_000,
            )
            .await
            .unwrap();
        let mine = store.account_notifications(reader, 10).await.unwrap();
        let kinds: Vec<NoticeKind> = mine.iter().map(|n| n.kind).collect();
        assert_eq!(kinds, [NoticeKind::CaseResolved, NoticeKind::CaseReply]);
        assert_eq!(mine[0].payload["title"], "School place");
        assert_eq!(store.unread_account_notifications(reader).await.unwrap(), 2);
        // Up to the older one only, then all; the other account's stay unread.
        let older = mine[1].notification_id;
        assert_eq!(
            store
                .mark_account_notifications_read(reader, Some(older))
                .await
                .unwrap(),
            1
        );
        assert_eq!(store.unread_account_notifications(reader).await.unwrap(), 1);
        assert_eq!(
            store
                .mark_account_notifications_read(reader, None)
                .await
                .unwrap(),
            1
        );
        assert_eq!(store.unread_account_notifications(other).await.unwrap(), 1);

        // E-mail: only those since the given instant; each taken once.
        assert!(
            store
                .notifications_to_email(1_001, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let pending = store.notifications_to_email(0, 10).await.unwrap();
        assert_eq!(pending.len(), 3);
        let first = pending[0].notification_id;
        assert!(store.claim_notification_email(first, 2_000).await.unwrap());
        assert!(!store.claim_notification_email(first, 2_000).await.unwrap());
        assert_eq!(store.notifications_to_email(0, 10).await.unwrap().len(), 2);
        // Given back after a failure, it waits for the next run; refused, it is left out.
        store.release_notification_email(first, None).await.unwrap();
        assert_eq!(store.notifications_to_email(0, 10).await.unwrap().len(), 3);
        assert!(store.claim_notification_email(first, 3_000).await.unwrap());
        store
            .release_notification_email(first, Some("550 no such mailbox"))
            .await
            .unwrap();
        assert_eq!(store.notifications_to_email(0, 10).await.unwrap().len(), 2);
        assert!(!store.claim_notification_email(first, 4_000).await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn a_stored_notification_of_an_unknown_kind_names_its_row() {
    for_each_backend(|store: Store| async move {
        let reader = talent_account(&store, "reader@example.cn").await;
        store
            .add_account_notifications(&[notice(reader, NoticeKind::CaseReply)], 1_000)
            .await
            .unwrap();
        let id = store.account_notifications(reader, 1).await.unwrap()[0].notification_id;
        store
            .execute_unchecked(&format!(
                "update account_notification set kind = 'case-lost' where notification_id = {id}"
            ))
            .await
            .unwrap();
        let error = store.account_notifications(reader, 1).await.unwrap_err();
        assert!(
            matches!(
                error,
                StoreError::Corrupt { table: "account_notification", row, column: "kind" } if row == id
            ),
            "{error:?}"
        );
    })
    .await;
}
