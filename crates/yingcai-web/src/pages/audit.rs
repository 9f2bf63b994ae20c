//! The audit log for administrators: every write, who made it, before and after; and the
//! signed checkpoints, kept outside the database, to download and keep elsewhere.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse as _, Response};
use minijinja::context;
use yingcai_domain::Role;
use yingcai_store::AuditFilter;

use crate::render::page;
use crate::{AppError, AppState, Ctx};

#[derive(serde::Deserialize)]
pub(crate) struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    actor: String,
    before: Option<i64>,
}

const PAGE_SIZE: i64 = 100;

/// China Standard Time: what officers read on their clocks.
pub(crate) fn beijing_time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map_or_else(
        |_| ms.to_string(),
        |t| {
            t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        },
    )
}

fn non_empty(value: &str) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.chars().take(100).collect())
}

pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let filter = AuditFilter {
        action: non_empty(&query.action),
        entity: None,
        entity_id: non_empty(&query.entity_id),
        actor_account_id: query.actor.trim().parse().ok(),
        before_id: query.before,
        limit: PAGE_SIZE + 1,
    };
    let mut entries = state.store().audit_entries(&filter).await?;
    let has_more = entries.len() as i64 > PAGE_SIZE;
    entries.truncate(PAGE_SIZE as usize);
    let next_before = entries.last().filter(|_| has_more).map(|e| e.entry_id);
    let rows: Vec<_> = entries
        .iter()
        .map(|e| {
            context! {
                id => e.entry_id,
                at => beijing_time(e.at),
                actor => e.actor,
                actor_account_id => e.actor_account_id,
                action => e.action,
                entity => e.entity,
                entity_id => e.entity_id,
                before => e.before,
                after => e.after,
            }
        })
        .collect();
    page(
        &state,
        &ctx,
        "admin_audit.html",
        context! {
            rows => rows,
            action => query.action,
            entity_id => query.entity_id,
            actor => query.actor,
            next_before => next_before,
        },
    )
}

/// The checkpoint file as it stands (empty before the first checkpoint). A copy kept away
/// from the servers is what proves, later, that the log was not rewritten since.
pub(crate) async fn checkpoints(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let path = std::path::PathBuf::from(&state.settings().audit_checkpoint_file);
    let body = match tokio::fs::read(&path).await {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) => {
            return Err(anyhow::anyhow!("checkpoint file {}: {error}", path.display()).into());
        }
    };
    let day = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .strftime("%Y%m%d");
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"yingcai-audit-checkpoints-{day}.txt\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get};
    use yingcai_domain::Role;
    vec![
        get("/admin/audit", Access::Role(Role::Admin), list),
        get(
            "/admin/audit/checkpoints",
            Access::Role(Role::Admin),
            checkpoints,
        ),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_are_shown_in_beijing_time() {
        // 2026-11-29T00:00:00Z
        assert_eq!(super::beijing_time(1_795_910_400_000), "2026-11-29 08:00");
    }
}
