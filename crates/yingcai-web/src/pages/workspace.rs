use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use yingcai_domain::Role;

use crate::render::page;
use crate::{AppError, AppState, Ctx};

/// Each role's start page. Admins have theirs under `/admin`.
async fn show(state: &AppState, ctx: &Ctx, role: Role) -> Result<Response, AppError> {
    let account = ctx.require(role)?;
    page(
        state,
        ctx,
        "workspace.html",
        context! { role => role.as_str(), account => account },
    )
}

async fn talent(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    show(&state, &ctx, Role::Talent).await
}

async fn enterprise(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    show(&state, &ctx, Role::Enterprise).await
}

async fn officer(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    show(&state, &ctx, Role::Officer).await
}

async fn reviewer(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    show(&state, &ctx, Role::Reviewer).await
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get};
    vec![
        get("/workspace/talent", Access::Role(Role::Talent), talent),
        get(
            "/workspace/enterprise",
            Access::Role(Role::Enterprise),
            enterprise,
        ),
        get("/workspace/officer", Access::Role(Role::Officer), officer),
        get(
            "/workspace/reviewer",
            Access::Role(Role::Reviewer),
            reviewer,
        ),
    ]
}
