//! Error reports of refused imports, kept for their author to download.

use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::{Store, StoreError, dialect, now_ms};

/// A stored error report, as its row reads (nothing in it needs a check).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportReport {
    pub import_report_id: i64,
    pub account_id: i64,
    pub file_name: String,
    pub error_count: i64,
    pub report_csv: String,
    pub created_at: i64,
}

impl Store {
    /// Keeps a refused import's error list for its author, and records the refusal in the
    /// audit log (nothing in the registry changed; the report holds no sensitive values).
    pub async fn save_import_report(
        &self,
        account_id: i64,
        file_name: &str,
        error_count: i64,
        report_csv: &str,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let id: i64 = sqlx::query_scalar(
            "insert into import_report (account_id, file_name, error_count, report_csv, created_at) values ($1, $2, $3, $4, $5) returning import_report_id",
        )
        .bind(account_id)
        .bind(file_name)
        .bind(error_count)
        .bind(report_csv)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let change = Change {
            action: "talent.import_refused",
            entity: "import_report",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!({ "file": file_name, "errors": error_count })),
        };
        audit::append(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The report, only for the account that made it (anyone else: not found).
    pub async fn import_report(
        &self,
        import_report_id: i64,
        account_id: i64,
    ) -> Result<ImportReport, StoreError> {
        sqlx::query_as::<_, ImportReport>(
            "select * from import_report where import_report_id = $1 and account_id = $2",
        )
        .bind(import_report_id)
        .bind(account_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Forgets reports made before `before` (Unix ms); part of housekeeping.
    pub async fn purge_import_reports(&self, before: i64) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("delete from import_report where created_at < $1")
                .bind(before)
                .execute(self.pool())
                .await?
                .rows_affected(),
        )
    }
}
