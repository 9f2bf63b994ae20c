//! The audit log: appended inside the transaction of the write it records, read by admins,
//! verified by `yingcai audit verify` against the chain and the signed checkpoints.

use serde_json::Value;
use yingcai_domain::audit::{AuditEntry, AuditHead, ChainBreak, ChainCheck, Checkpoint};

use crate::{Store, StoreError, now_ms};

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person.
    Account { account_id: i64, email: String },
    /// Someone creating their own account: the actor is the account being created.
    SignUp,
    /// An operator at the command line (`yingcai admin …`).
    Cli,
    /// yingcai itself (housekeeping jobs).
    System,
}

impl Actor {
    pub fn account(account_id: i64, email: impl Into<String>) -> Actor {
        Actor::Account {
            account_id,
            email: email.into(),
        }
    }
}

/// One change to record.
pub(crate) struct Change {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends `change` to the chain, inside the caller's transaction, so the record and the
/// change it describes are committed or rolled back together.
pub(crate) async fn append(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    change: Change,
) -> Result<(), StoreError> {
    // Taking the head first serialises appenders across transactions and servers.
    sqlx::query("update audit_head set last_entry_id = last_entry_id + 1 where audit_head_id = 1")
        .execute(&mut **tx)
        .await?;
    let (entry_id, prev_hash): (i64, String) =
        sqlx::query_as("select last_entry_id, last_hash from audit_head where audit_head_id = 1")
            .fetch_one(&mut **tx)
            .await?;
    let (actor_account_id, actor_label) = match actor {
        Actor::Account { account_id, email } => (Some(*account_id), email.clone()),
        // A sign-up is recorded as done by the new account.
        Actor::SignUp => (change.entity_id.parse().ok(), "sign-up".to_owned()),
        Actor::Cli => (None, "cli".to_owned()),
        Actor::System => (None, "system".to_owned()),
    };
    let mut entry = AuditEntry {
        entry_id,
        at: now_ms(),
        actor_account_id,
        actor: actor_label,
        action: change.action.to_owned(),
        entity: change.entity.to_owned(),
        entity_id: change.entity_id,
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
        prev_hash: prev_hash.clone(),
        hash: String::new(),
    };
    entry.hash = entry.expected_hash(&prev_hash);
    sqlx::query(
        "insert into audit_entry (audit_entry_id, at, actor_account_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(entry.entry_id)
    .bind(entry.at)
    .bind(entry.actor_account_id)
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.entity)
    .bind(&entry.entity_id)
    .bind(&entry.before)
    .bind(&entry.after)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("update audit_head set last_hash = $1 where audit_head_id = 1")
        .bind(&entry.hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Which entries an admin is looking at; every field narrows the list.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor_account_id: Option<i64>,
    /// Only entries with an id below this (for paging back).
    pub before_id: Option<i64>,
    pub limit: i64,
}

const COLUMNS: &str = "audit_entry_id, at, actor_account_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash";

/// An `audit_entry` row ([`COLUMNS`]) as stored. Nothing in it is checked here: the chain
/// walk holds each entry to its hash.
#[derive(sqlx::FromRow)]
struct EntryRow {
    audit_entry_id: i64,
    at: i64,
    actor_account_id: Option<i64>,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<EntryRow> for AuditEntry {
    fn from(row: EntryRow) -> Self {
        AuditEntry {
            entry_id: row.audit_entry_id,
            at: row.at,
            actor_account_id: row.actor_account_id,
            actor: row.actor,
            action: row.action,
            entity: row.entity,
            entity_id: row.entity_id,
            before: row.before_json,
            after: row.after_json,
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

impl Store {
    /// Entries matching `filter`, newest first.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query_as::<_, EntryRow>(&format!(
            "select {COLUMNS} from audit_entry
             where ($1 is null or action = $1) and ($2 is null or entity = $2) and ($3 is null or entity_id = $3)
               and ($4 is null or actor_account_id = $4) and ($5 is null or audit_entry_id < $5)
             order by audit_entry_id desc limit $6"
        ))
        .bind(filter.action.as_deref())
        .bind(filter.entity.as_deref())
        .bind(filter.entity_id.as_deref())
        .bind(filter.actor_account_id)
        .bind(filter.before_id)
        .bind(if filter.limit > 0 { filter.limit } else { 100 })
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// Walks the whole chain in id order and holds it to `checkpoints` (read and verified from
    /// the checkpoint file): the head it checked, or the first entry altered or removed, or
    /// the first checkpoint the chain no longer contains.
    pub async fn verify_audit(&self, checkpoints: &[Checkpoint]) -> Result<AuditHead, AuditError> {
        self.walk_audit(ChainCheck::with_checkpoints(checkpoints))
            .await
    }

    /// Checks what was appended since `checkpoint` (which must still be in the chain,
    /// unchanged): before signing a new head, without walking the whole log again.
    pub async fn verify_audit_since(
        &self,
        checkpoint: &Checkpoint,
    ) -> Result<AuditHead, AuditError> {
        self.walk_audit(ChainCheck::resume_at(checkpoint)).await
    }

    async fn walk_audit(&self, mut check: ChainCheck) -> Result<AuditHead, AuditError> {
        const BATCH: i64 = 5_000;
        loop {
            let rows = sqlx::query_as::<_, EntryRow>(&format!(
                "select {COLUMNS} from audit_entry where audit_entry_id >= $1 order by audit_entry_id limit $2"
            ))
            .bind(check.next_id())
            .bind(BATCH)
            .fetch_all(self.pool())
            .await?;
            let read = rows.len();
            for row in rows {
                check.push(&AuditEntry::from(row))?;
            }
            if (read as i64) == BATCH {
                continue;
            }
            // Read after the entries: an entry appended meanwhile is then read by the next
            // round rather than taken for a removed one (an appender commits its entry and
            // the head together, and entries in id order).
            let head = self.audit_head().await?;
            if read == 0 || head.entry_id < check.next_id() {
                return Ok(check.finish(&head)?);
            }
        }
    }

    /// The head row: the newest entry as the appenders recorded it.
    async fn audit_head(&self) -> Result<AuditHead, StoreError> {
        let (entry_id, hash) = sqlx::query_as(
            "select last_entry_id, last_hash from audit_head where audit_head_id = 1",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(AuditHead { entry_id, hash })
    }
}

/// Why the audit log could not be confirmed intact.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The log was tampered with: this is where it stops being trustworthy.
    #[error("audit log broken: {0}")]
    Broken(#[from] ChainBreak),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AuditError {
    fn from(error: sqlx::Error) -> Self {
        AuditError::Store(error.into())
    }
}

/// What someone with write access to the database can do to the log, for the tests that
/// show the checkpoints catch it. Never compiled into the platform.
#[cfg(feature = "testing")]
impl Store {
    /// Deletes the entries from `from_id` on and rewinds the head to the entry before: a chain
    /// that is consistent on its own.
    pub async fn forge_audit_truncate(&self, from_id: i64) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("delete from audit_entry where audit_entry_id >= $1")
            .bind(from_id)
            .execute(&mut *tx)
            .await?;
        let (entry_id, hash) = sqlx::query_as::<_, (i64, String)>(
            "select audit_entry_id, hash from audit_entry order by audit_entry_id desc limit 1",
        )
        .fetch_optional(&mut *tx)
        .await?
        .unwrap_or_else(|| (0, yingcai_domain::audit::GENESIS.to_owned()));
        sqlx::query(
            "update audit_head set last_entry_id = $1, last_hash = $2 where audit_head_id = 1",
        )
        .bind(entry_id)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes entry `entry_id` with `alter`, then recomputes its hash, every later entry's
    /// links and hashes, and the head: a chain that is consistent on its own.
    pub async fn forge_audit_rewrite(
        &self,
        entry_id: i64,
        alter: impl FnOnce(&mut AuditEntry),
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let mut entries: Vec<AuditEntry> = sqlx::query_as::<_, EntryRow>(&format!(
            "select {COLUMNS} from audit_entry where audit_entry_id >= $1 order by audit_entry_id"
        ))
        .bind(entry_id)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(AuditEntry::from)
        .collect();
        let Some(first) = entries.first_mut() else {
            return Err(StoreError::NotFound);
        };
        alter(first);
        let mut prev = first.prev_hash.clone();
        for entry in &mut entries {
            entry.prev_hash = prev.clone();
            entry.hash = entry.expected_hash(&prev);
            prev = entry.hash.clone();
            sqlx::query(
                "update audit_entry set at = $1, actor_account_id = $2, actor = $3, action = $4, entity = $5,
                        entity_id = $6, before_json = $7, after_json = $8, prev_hash = $9, hash = $10
                 where audit_entry_id = $11",
            )
            .bind(entry.at)
            .bind(entry.actor_account_id)
            .bind(&entry.actor)
            .bind(&entry.action)
            .bind(&entry.entity)
            .bind(&entry.entity_id)
            .bind(&entry.before)
            .bind(&entry.after)
            .bind(&entry.prev_hash)
            .bind(&entry.hash)
            .bind(entry.entry_id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("update audit_head set last_hash = $1 where audit_head_id = 1")
            .bind(&prev)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
