//! Policies over the API: the same explanations as the pages.

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use yingcai_domain::Role;

use crate::context::Id;
use crate::policy::{explain_talent, month_or_now, policy_set};
use crate::{AppError, AppState, Ctx};

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct MonthParam {
    /// `YYYY-MM`; this month when absent.
    month: Option<String>,
}

/// An explanation: `yingcai_rules::Explanation` with the stored id of the policy version.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ExplanationView {
    /// The stored policy version the month was decided under.
    pub policy_version_id: i64,
    /// Pack, month, card tier with every criterion, and every benefit with its conditions,
    /// window, exclusions, dated amount, legal reference and — when refused — what would
    /// change the result. Money in fen; texts as `{zh, en}`.
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
}

/// Why a talent gets (or does not get) each benefit in a month. The talent itself and
/// officers may ask; to anyone else it does not exist (404).
#[utoipa::path(get, path = "/api/v1/talents/{talent}/explanation", tag = "policy", security(("bearer" = [])),
    params(("talent" = i64, Path, description = "Talent record id"), MonthParam),
    responses((status = 200, body = ExplanationView), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn explanation(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<MonthParam>,
) -> Result<Json<ExplanationView>, AppError> {
    let account = ctx.signed_in()?;
    let talent = state.store().talent(id).await?;
    let own = talent.owner_account_id == Some(account.account_id);
    if !own && !account.roles.contains(Role::Officer) {
        return Err(AppError::NotFound);
    }
    let month = month_or_now(q.month.as_deref())?;
    let set = policy_set(&state).await?;
    let (policy_version_id, explanation) = explain_talent(&set, &talent, month);
    Ok(Json(ExplanationView {
        policy_version_id,
        explanation: serde_json::to_value(&explanation)
            .map_err(|e| AppError::Internal(e.into()))?,
    }))
}
