//! Documents attached to submissions: who uploaded what, to which submission.

use serde_json::json;
use sqlx::any::AnyRow;

use crate::audit::{self, Actor, Change};
use crate::{Store, StoreError, dialect, now_ms};

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct DocumentRecord {
    pub document_id: i64,
    pub submission_id: i64,
    pub owner_account_id: i64,
    pub sha256: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub file_name: String,
    pub created_at: i64,
}

/// A document to attach; its bytes are already stored under `sha256`.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub submission_id: i64,
    pub sha256: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub file_name: String,
}

fn from_row(row: &AnyRow) -> Result<DocumentRecord, StoreError> {
    Ok(<DocumentRecord as sqlx::FromRow<AnyRow>>::from_row(row)?)
}

impl Store {
    /// Attaches a document to the owner's submission while it is a draft or returned.
    /// `Ok(None)`: the submission is not the owner's, or no longer editable.
    pub async fn attach_document(
        &self,
        owner: &Actor,
        document: &NewDocument,
    ) -> Result<Option<i64>, StoreError> {
        let Actor::Account { account_id, .. } = owner else {
            return Ok(None);
        };
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let editable: Option<i64> = sqlx::query_scalar(
            "select submission_id from submission where submission_id = $1 and owner_account_id = $2 and status in ('draft', 'returned')",
        )
        .bind(document.submission_id)
        .bind(*account_id)
        .fetch_optional(&mut *tx)
        .await?;
        if editable.is_none() {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "insert into document (submission_id, owner_account_id, sha256, media_type, size_bytes, file_name, created_at)
             values ($1, $2, $3, $4, $5, $6, $7) returning document_id",
        )
        .bind(document.submission_id)
        .bind(*account_id)
        .bind(&document.sha256)
        .bind(&document.media_type)
        .bind(document.size_bytes)
        .bind(&document.file_name)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let change = Change {
            action: "document.attach",
            entity: "submission",
            entity_id: document.submission_id.to_string(),
            before: None,
            after: Some(
                json!({ "document_id": id, "sha256": document.sha256, "media_type": document.media_type, "size_bytes": document.size_bytes, "file_name": document.file_name }),
            ),
        };
        audit::append(&mut tx, owner, change).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Removes a document from the owner's editable submission. `false`: nothing removed.
    pub async fn detach_document(
        &self,
        owner: &Actor,
        document_id: i64,
    ) -> Result<bool, StoreError> {
        let Actor::Account { account_id, .. } = owner else {
            return Ok(false);
        };
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let submission: Option<i64> = sqlx::query_scalar(
            "select d.submission_id from document d join submission s on s.submission_id = d.submission_id
             where d.document_id = $1 and d.owner_account_id = $2 and s.status in ('draft', 'returned')",
        )
        .bind(document_id)
        .bind(*account_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(submission) = submission else {
            return Ok(false);
        };
        sqlx::query("delete from document where document_id = $1")
            .bind(document_id)
            .execute(&mut *tx)
            .await?;
        let change = Change {
            action: "document.detach",
            entity: "submission",
            entity_id: submission.to_string(),
            before: Some(json!({ "document_id": document_id })),
            after: None,
        };
        audit::append(&mut tx, owner, change).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn documents_of_submission(
        &self,
        submission_id: i64,
    ) -> Result<Vec<DocumentRecord>, StoreError> {
        let rows =
            sqlx::query("select * from document where submission_id = $1 order by document_id")
                .bind(submission_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn document(&self, document_id: i64) -> Result<DocumentRecord, StoreError> {
        let row = sqlx::query("select * from document where document_id = $1")
            .bind(document_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }
}
