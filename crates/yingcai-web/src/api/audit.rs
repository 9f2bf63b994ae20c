//! The audit log over the API (administrators): the same entries and filters as
//! `/admin/audit`, newest first, paged back by entry id.

use axum::Json;
use axum::extract::{Query, State};
use yingcai_domain::Role;
use yingcai_store::AuditFilter;

use crate::{AppError, AppState, Ctx};

/// One audit entry. `before`/`after` are the record's JSON with sensitive fields masked.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntryView {
    /// 1, 2, 3, … without gaps.
    pub entry_id: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub actor_account_id: Option<i64>,
    /// Who acted: an e-mail, or `cli` / `system`.
    pub actor: String,
    /// What happened, e.g. `account.create`.
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The chain: this entry's hash and the one before it.
    pub prev_hash: String,
    pub hash: String,
}

/// A page of entries, and where the next (older) page starts.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    /// Pass as `before` for the next page; absent on the last one.
    pub next_before: Option<i64>,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct AuditParams {
    /// Only this action, e.g. `account.create`.
    #[param(max_length = 100)]
    action: Option<String>,
    /// Only entries about this record id.
    #[param(max_length = 100)]
    entity_id: Option<String>,
    /// Only this account's actions.
    actor: Option<i64>,
    /// Only entries older than this id (the previous page's `next_before`).
    before: Option<i64>,
    /// At most this many (default 50, at most 500).
    limit: Option<i64>,
}

fn non_empty(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().chars().take(100).collect::<String>())
        .filter(|v| !v.is_empty())
}

/// The audit log, newest first (administrators), filtered as on `/admin/audit`.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "accounts", security(("bearer" = [])),
    params(AuditParams),
    responses((status = 200, body = AuditPage)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditParams>,
) -> Result<Json<AuditPage>, AppError> {
    ctx.require(Role::Admin)?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let filter = AuditFilter {
        action: non_empty(q.action),
        entity: None,
        entity_id: non_empty(q.entity_id),
        actor_account_id: q.actor,
        before_id: q.before,
        limit: limit + 1,
    };
    let mut entries = state.store().audit_entries(&filter).await?;
    let has_more = entries.len() as i64 > limit;
    entries.truncate(usize::try_from(limit).unwrap_or(50));
    let next_before = entries.last().filter(|_| has_more).map(|e| e.entry_id);
    Ok(Json(AuditPage {
        entries: entries
            .into_iter()
            .map(|e| AuditEntryView {
                entry_id: e.entry_id,
                at: e.at,
                actor_account_id: e.actor_account_id,
                actor: e.actor,
                action: e.action,
                entity: e.entity,
                entity_id: e.entity_id,
                before: e.before,
                after: e.after,
                prev_hash: e.prev_hash,
                hash: e.hash,
            })
            .collect(),
        next_before,
    }))
}
