//! Talents' notifications.

use super::*;

impl Store {
    /// A talent's notifications, newest first.
    pub async fn notifications(
        &self,
        talent_id: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        sqlx::query_as::<_, NotificationRow>("select * from notification where talent_id = $1 order by notification_id desc limit 100")
            .bind(talent_id)
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(NotificationRecord::try_from)
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
