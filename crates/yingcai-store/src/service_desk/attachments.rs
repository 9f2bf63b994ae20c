//! Files attached to cases. Each belongs to one history entry (the case being raised, a
//! reply or an internal note) and is written in that entry's transaction; who may see it
//! follows the entry, so an internal note's file is as hidden from the requester as the
//! note itself, and a transfer (which moves the case, not its history) keeps them all.

use super::*;

/// The most files a case may carry, all entries together.
pub const MAX_CASE_ATTACHMENTS: i64 = 20;

/// A file to attach; its bytes are already stored under `sha256`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub sha256: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub file_name: String,
}

/// A case's file as stored, with the visibility of the entry it came with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AttachmentRecord {
    pub attachment_id: i64,
    pub case_id: i64,
    pub event_id: i64,
    pub uploader_account_id: Option<i64>,
    pub sha256: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub file_name: String,
    pub created_at: i64,
    pub visible_to_requester: bool,
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    attachment_id: i64,
    case_id: i64,
    event_id: i64,
    uploader_account_id: Option<i64>,
    sha256: String,
    media_type: String,
    size_bytes: i64,
    file_name: String,
    created_at: i64,
    visible_to_requester: i64,
}

impl TryFrom<AttachmentRow> for AttachmentRecord {
    type Error = StoreError;

    fn try_from(row: AttachmentRow) -> Result<AttachmentRecord, StoreError> {
        Ok(AttachmentRecord {
            visible_to_requester: match row.visible_to_requester {
                0 => false,
                1 => true,
                _ => {
                    return Err(StoreError::Corrupt {
                        table: "service_case_event",
                        row: row.event_id,
                        column: "visible_to_requester",
                    });
                }
            },
            attachment_id: row.attachment_id,
            case_id: row.case_id,
            event_id: row.event_id,
            uploader_account_id: row.uploader_account_id,
            sha256: row.sha256,
            media_type: row.media_type,
            size_bytes: row.size_bytes,
            file_name: row.file_name,
            created_at: row.created_at,
        })
    }
}

const ATTACHMENT_COLUMNS: &str = "a.attachment_id, a.case_id, a.event_id, a.uploader_account_id, a.sha256, a.media_type, a.size_bytes, a.file_name, a.created_at, e.visible_to_requester";

/// Attaches `files` to the entry `event_id` of a case, inside the entry's transaction, with
/// one audit entry naming them. The count is taken after the caller's write to the case
/// row, which PostgreSQL locks until commit, so two uploads at once cannot both pass the
/// limit.
pub(super) async fn insert_attachments(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    case_id: i64,
    event_id: i64,
    actor: &Actor,
    files: &[NewAttachment],
    at: i64,
) -> Result<(), CaseChangeError> {
    if files.is_empty() {
        return Ok(());
    }
    let present: i64 =
        sqlx::query_scalar("select count(*) from service_case_attachment where case_id = $1")
            .bind(case_id)
            .fetch_one(&mut **tx)
            .await?;
    if present + files.len() as i64 > MAX_CASE_ATTACHMENTS {
        return Err(CaseChangeError::TooManyFiles);
    }
    let mut written = Vec::new();
    for file in files {
        let id: i64 = sqlx::query_scalar(
            "insert into service_case_attachment (case_id, event_id, uploader_account_id, sha256, media_type, size_bytes, file_name, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8) returning attachment_id",
        )
        .bind(case_id)
        .bind(event_id)
        .bind(actor_id(actor))
        .bind(&file.sha256)
        .bind(&file.media_type)
        .bind(file.size_bytes)
        .bind(&file.file_name)
        .bind(at)
        .fetch_one(&mut **tx)
        .await?;
        written.push(json!({
            "attachment_id": id, "sha256": file.sha256, "media_type": file.media_type,
            "size_bytes": file.size_bytes, "file_name": file.file_name,
        }));
    }
    audit::append(
        tx,
        actor,
        Change {
            action: "service_case.attach",
            entity: "service_case",
            entity_id: case_id.to_string(),
            before: None,
            after: Some(json!({ "event_id": event_id, "files": written })),
        },
    )
    .await?;
    Ok(())
}

impl Store {
    /// A case's files, oldest first; `internal` includes those of the team's notes.
    pub async fn case_attachments(
        &self,
        case_id: i64,
        internal: bool,
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let rows: Vec<AttachmentRow> = sqlx::query_as(&format!(
            "select {ATTACHMENT_COLUMNS} from service_case_attachment a
               join service_case_event e on e.event_id = a.event_id
              where a.case_id = $1 and ($2 = 1 or e.visible_to_requester = 1)
              order by a.attachment_id"
        ))
        .bind(case_id)
        .bind(i64::from(internal))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(AttachmentRecord::try_from).collect()
    }

    /// One file of a case (whoever may see it is the caller's to decide).
    pub async fn case_attachment(
        &self,
        case_id: i64,
        attachment_id: i64,
    ) -> Result<AttachmentRecord, StoreError> {
        let row: AttachmentRow = sqlx::query_as(&format!(
            "select {ATTACHMENT_COLUMNS} from service_case_attachment a
               join service_case_event e on e.event_id = a.event_id
              where a.case_id = $1 and a.attachment_id = $2"
        ))
        .bind(case_id)
        .bind(attachment_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        row.try_into()
    }

    /// How many files a case carries.
    pub async fn case_attachment_count(&self, case_id: i64) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("select count(*) from service_case_attachment where case_id = $1")
                .bind(case_id)
                .fetch_one(self.pool())
                .await?,
        )
    }
}
