//! Policy pack versions: drafts, publication and the recomputation marker.

use super::*;

impl Store {
    /// Every version, newest first.
    pub async fn policy_versions(&self) -> Result<Vec<PolicyVersionRecord>, StoreError> {
        let rows = sqlx::query("select * from policy_version order by policy_version_id desc")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(version_from_row).collect()
    }

    /// Published versions, oldest first (the order the engine loads them in).
    pub async fn published_policy_versions(&self) -> Result<Vec<PolicyVersionRecord>, StoreError> {
        let rows = sqlx::query(
            "select * from policy_version where status = 'published' order by policy_version_id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(version_from_row).collect()
    }

    /// A cheap fingerprint of the published set, so app servers notice another server's
    /// publication without reloading every pack on each request.
    pub async fn published_policy_fingerprint(&self) -> Result<(i64, i64), StoreError> {
        Ok(sqlx::query_as("select count(*) as n, coalesce(max(policy_version_id), 0) as last from policy_version where status = 'published'")
            .fetch_one(self.pool())
            .await?)
    }

    pub async fn policy_version(&self, id: i64) -> Result<PolicyVersionRecord, StoreError> {
        let row = sqlx::query("select * from policy_version where policy_version_id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        version_from_row(&row)
    }

    /// Publishes the built-in pack when nothing is published yet, so a fresh site has a
    /// policy in force. Safe to call from several servers at once.
    pub async fn ensure_policy_published(&self, draft: &PolicyDraft) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let any: Option<i64> = sqlx::query_scalar(
            "select policy_version_id from policy_version where status = 'published' limit 1",
        )
        .fetch_optional(&mut *tx)
        .await?;
        if any.is_some() {
            return Ok(());
        }
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "insert into policy_version (pack_id, version, status, effective_date, file_name, source, created_at, updated_at, published_at)
             values ($1, $2, 'published', $3, $4, $5, $6, $6, $6) returning policy_version_id",
        )
        .bind(&draft.pack_id)
        .bind(&draft.version)
        .bind(&draft.effective_date)
        .bind(&draft.file_name)
        .bind(&draft.source)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            &Actor::System,
            Change {
                action: "policy.publish",
                entity: "policy_version",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({"pack": draft.pack_id, "version": draft.version, "effective": draft.effective_date, "built_in": true})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates (`id` = None) or updates a draft. Published versions cannot be edited.
    pub async fn save_policy_draft(
        &self,
        id: Option<i64>,
        draft: &PolicyDraft,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let id = match id {
            None => {
                sqlx::query_scalar::<_, i64>(
                    "insert into policy_version (pack_id, version, status, effective_date, file_name, source, created_by, created_at, updated_at)
                     values ($1, $2, 'draft', $3, $4, $5, $6, $7, $7) returning policy_version_id",
                )
                .bind(&draft.pack_id)
                .bind(&draft.version)
                .bind(&draft.effective_date)
                .bind(&draft.file_name)
                .bind(&draft.source)
                .bind(actor_id(actor))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
            }
            Some(id) => {
                let updated = sqlx::query(
                    "update policy_version set pack_id = $1, version = $2, effective_date = $3, file_name = $4, source = $5, updated_at = $6
                     where policy_version_id = $7 and status = 'draft'",
                )
                .bind(&draft.pack_id)
                .bind(&draft.version)
                .bind(&draft.effective_date)
                .bind(&draft.file_name)
                .bind(&draft.source)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                id
            }
        };
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "policy.draft",
                entity: "policy_version",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({"pack": draft.pack_id, "version": draft.version, "bytes": draft.source.len()})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Publishes a draft with its final text (the effective date written into it). A
    /// version already published under the same pack and version is a conflict.
    pub async fn publish_policy_version(
        &self,
        id: i64,
        draft: &PolicyDraft,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let updated = sqlx::query(
            "update policy_version set pack_id = $1, version = $2, effective_date = $3, source = $4, status = 'published', published_by = $5, published_at = $6, updated_at = $6
             where policy_version_id = $7 and status = 'draft'",
        )
        .bind(&draft.pack_id)
        .bind(&draft.version)
        .bind(&draft.effective_date)
        .bind(&draft.source)
        .bind(actor_id(actor))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "policy.publish",
                entity: "policy_version",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({"pack": draft.pack_id, "version": draft.version, "effective": draft.effective_date})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The version the population was last recomputed under.
    pub async fn recomputed_policy_version(&self) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "select recomputed_version_id from policy_state where policy_state_id = 1",
        )
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn set_recomputed_policy_version(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("update policy_state set recomputed_version_id = $1, recomputed_at = $2 where policy_state_id = 1")
            .bind(id)
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
