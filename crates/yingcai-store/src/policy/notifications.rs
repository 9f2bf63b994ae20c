//! Talents' notifications.

use super::*;

impl Store {
    /// A talent's notifications, newest first.
    pub async fn notifications(
        &self,
        talent_id: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let rows = sqlx::query("select * from notification where talent_id = $1 order by notification_id desc limit 100")
            .bind(talent_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                let payload: String = row.try_get("payload")?;
                let id: i64 = row.try_get("notification_id")?;
                Ok(NotificationRecord {
                    notification_id: id,
                    talent_id: row.try_get("talent_id")?,
                    kind: row.try_get("kind")?,
                    subject_id: row.try_get("subject_id")?,
                    payload: serde_json::from_str(&payload).map_err(|_| StoreError::Corrupt {
                        table: "notification",
                        row: id,
                        column: "payload",
                    })?,
                    created_at: row.try_get("created_at")?,
                    read_at: row.try_get("read_at")?,
                })
            })
            .collect()
    }

    pub async fn unread_notifications(&self, talent_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "select count(*) from notification where talent_id = $1 and read_at is null",
        )
        .bind(talent_id)
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn mark_notifications_read(&self, talent_id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "update notification set read_at = $1 where talent_id = $2 and read_at is null",
        )
        .bind(now_ms())
        .bind(talent_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
