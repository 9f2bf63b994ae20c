use axum::extract::{Path, State};
use axum::response::Response;
use minijinja::context;
use yingcai_domain::Role;

use crate::render::page;
use crate::{AppError, AppState, Ctx};

/// Each role's start page. Admins have theirs under `/admin`.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(role): Path<String>,
) -> Result<Response, AppError> {
    let role: Role = role.parse().map_err(|()| AppError::NotFound)?;
    if role == Role::Admin {
        return Err(AppError::NotFound);
    }
    let account = ctx.require(role)?;
    page(
        &state,
        &ctx,
        "workspace.html",
        context! { role => role.as_str(), account => account },
    )
}
