//! Sessions (kept in the database so any app server can serve any request) and the
//! sign-in failure counts behind throttling.

use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::{Store, StoreError, dialect, now_ms};

/// How a session's token travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// An HttpOnly cookie set by the sign-in page.
    Web,
    /// A bearer token returned by `POST /api/v1/session`.
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub account_id: i64,
    pub kind: SessionKind,
    pub expires_at: i64,
}

/// A `session` row as stored.
#[derive(sqlx::FromRow)]
struct SessionRow {
    account_id: i64,
    kind: String,
    expires_at: i64,
}

impl From<SessionRow> for SessionRecord {
    fn from(row: SessionRow) -> Self {
        SessionRecord {
            account_id: row.account_id,
            // Only `api` sessions take a bearer token; any other kind is a cookie's.
            kind: if row.kind == "api" {
                SessionKind::Api
            } else {
                SessionKind::Web
            },
            expires_at: row.expires_at,
        }
    }
}

impl Store {
    /// Records a sign-in: the session and its audit entry in one transaction.
    pub async fn create_session(
        &self,
        token_hash: &str,
        account_id: i64,
        kind: SessionKind,
        expires_at: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        sqlx::query(
            "insert into session (token_hash, account_id, kind, created_at, expires_at) values ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(account_id)
        .bind(kind.as_str())
        .bind(now_ms())
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        let change = Change {
            action: "session.sign_in",
            entity: "account",
            entity_id: account_id.to_string(),
            before: None,
            after: Some(json!({ "kind": kind.as_str(), "expires_at": expires_at })),
        };
        audit::append(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live session with this token hash, if any.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        Ok(sqlx::query_as::<_, SessionRow>("select account_id, kind, expires_at from session where token_hash = $1 and expires_at > $2")
            .bind(token_hash)
            .bind(now_ms())
            .fetch_optional(self.pool())
            .await?
            .map(SessionRecord::from))
    }

    /// Signs one session out.
    pub async fn delete_session(&self, token_hash: &str, actor: &Actor) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let account_id: Option<i64> =
            sqlx::query_scalar("delete from session where token_hash = $1 returning account_id")
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(account_id) = account_id {
            let change = Change {
                action: "session.sign_out",
                entity: "account",
                entity_id: account_id.to_string(),
                before: None,
                after: None,
            };
            audit::append(&mut tx, actor, change).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Signs the account out everywhere; returns how many sessions ended.
    pub async fn revoke_sessions(&self, account_id: i64, actor: &Actor) -> Result<u64, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let ended = sqlx::query("delete from session where account_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let change = Change {
            action: "session.revoke_all",
            entity: "account",
            entity_id: account_id.to_string(),
            before: None,
            after: Some(json!({ "sessions_ended": ended })),
        };
        audit::append(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(ended)
    }

    pub async fn count_sessions(&self, account_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "select count(*) from session where account_id = $1 and expires_at > $2",
        )
        .bind(account_id)
        .bind(now_ms())
        .fetch_one(self.pool())
        .await?)
    }

    /// Records one failed sign-in under each throttle key (account and address).
    pub async fn record_login_failure(&self, keys: &[&str]) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = crate::dialect::begin_write(self.pool(), self.backend()).await?;
        for key in keys {
            sqlx::query("insert into login_failure (throttle_key, failed_at) values ($1, $2)")
                .bind(*key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Failures recorded under `key` at or after `since` (Unix ms).
    pub async fn count_login_failures(&self, key: &str, since: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "select count(*) from login_failure where throttle_key = $1 and failed_at >= $2",
        )
        .bind(key)
        .bind(since)
        .fetch_one(self.pool())
        .await?)
    }

    /// Forgets the failures under `key` (after a successful sign-in).
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("delete from login_failure where throttle_key = $1")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes expired sessions and failures older than `failures_before`, recording what it
    /// removed. Idempotent: running it twice, or from two servers at once, is harmless.
    pub async fn purge_expired(&self, failures_before: i64) -> Result<(u64, u64), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let sessions = sqlx::query("delete from session where expires_at <= $1")
            .bind(now_ms())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let failures = sqlx::query("delete from login_failure where failed_at < $1")
            .bind(failures_before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if sessions + failures > 0 {
            let change = Change {
                action: "housekeeping.cleanup",
                entity: "session",
                entity_id: "*".into(),
                before: None,
                after: Some(
                    json!({ "expired_sessions": sessions, "old_login_failures": failures }),
                ),
            };
            audit::append(&mut tx, &Actor::System, change).await?;
        }
        tx.commit().await?;
        Ok((sessions, failures))
    }
}
