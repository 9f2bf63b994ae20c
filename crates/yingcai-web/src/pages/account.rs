use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

use super::errors_value;
use super::forms::PasswordForm;
use crate::accounts;
use crate::context::CsrfForm;
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx};

pub(crate) async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let account = ctx.signed_in()?;
    let sessions = state.store().count_sessions(account.account_id).await?;
    page(
        &state,
        &ctx,
        "account.html",
        context! { account => account, sessions => sessions },
    )
}

pub(crate) async fn password_form(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    // Reachable with a one-time password: this is where such an account must go.
    let account = ctx.account.as_ref().ok_or(AppError::Unauthenticated)?;
    page(
        &state,
        &ctx,
        "password.html",
        context! { forced => account.must_change_password },
    )
}

pub(crate) async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, AppError> {
    let account = ctx.account.as_ref().ok_or(AppError::Unauthenticated)?;
    let result = accounts::change_password(
        state.store(),
        account.account_id,
        &form.current_password,
        &form.new_password,
        Some(&form.new_password_confirm),
        ctx.session_hash.as_deref(),
    )
    .await
    .map_err(AppError::from);
    match result {
        Ok(()) => Ok(Redirect::to("/account?changed=1").into_response()),
        Err(AppError::Invalid(errors)) => page_with_status(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "password.html",
            context! { errors => errors_value(&errors), forced => account.must_change_password },
        ),
        Err(other) => Err(other),
    }
}

pub(crate) async fn sign_out_everywhere(
    State(state): State<AppState>,
    ctx: Ctx,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    let account = ctx.account.as_ref().ok_or(AppError::Unauthenticated)?;
    state
        .store()
        .revoke_sessions(account.account_id, &ctx.actor())
        .await?;
    Ok(super::auth::signed_out_response(&ctx))
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    vec![
        get("/account", Access::SignedIn, show),
        get("/account/password", Access::SignedIn, password_form),
        post("/account/password", Access::SignedIn, change_password),
        post(
            "/account/sign-out-everywhere",
            Access::SignedIn,
            sign_out_everywhere,
        ),
    ]
}
