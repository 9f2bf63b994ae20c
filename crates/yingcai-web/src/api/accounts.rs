use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use yingcai_domain::Role;
use yingcai_store::{Account, AccountFilter, SessionKind};

use crate::accounts::{self as service, RegistrationInput, StaffInput};
use crate::context::{Id, JsonBody};
use crate::{AppError, AppState, Ctx};

/// An account as the API shows it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub account_id: i64,
    pub email: String,
    pub display_name: String,
    pub phone: Option<String>,
    /// `zh-CN` or `en`.
    pub locale: String,
    pub roles: Vec<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    /// Unix milliseconds.
    pub created_at: i64,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        AccountView {
            account_id: a.account_id,
            email: a.email.clone(),
            display_name: a.display_name.clone(),
            phone: a.phone.clone(),
            locale: a.locale.tag().to_owned(),
            roles: a.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            disabled: a.disabled,
            must_change_password: a.must_change_password,
            created_at: a.created_at,
        }
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SessionView {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Unix milliseconds.
    pub expires_at: i64,
    pub account: AccountView,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RolesUpdate {
    pub roles: Vec<String>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct StatusUpdate {
    pub disabled: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CreatedStaff {
    pub account: AccountView,
    /// Shown once; the holder must replace it at first sign-in.
    pub temporary_password: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TemporaryPassword {
    pub temporary_password: String,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// Only accounts holding this role.
    pub role: Option<String>,
    /// Text found in the e-mail or name.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Self-service sign-up as a talent or an enterprise.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = RegistrationInput,
    responses((status = 201, body = AccountView), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Response, AppError> {
    let input: RegistrationInput = body.parse()?;
    let account = service::register(state.store(), &input, ctx.locale).await?;
    Ok((StatusCode::CREATED, Json(AccountView::from(&account))).into_response())
}

/// Signs in and returns a bearer token.
#[utoipa::path(post, path = "/api/v1/session", tag = "accounts", request_body = SignInRequest,
    responses((status = 200, body = SessionView), (status = 422, body = crate::api::ErrorBody), (status = 429, body = crate::api::ErrorBody)))]
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Json<SessionView>, AppError> {
    let input: SignInRequest = body.parse()?;
    let signed_in = service::sign_in(
        state.store(),
        &state.settings().sign_in_rules(),
        &input.email,
        &input.password,
        ctx.client_addr,
        SessionKind::Api,
    )
    .await?;
    Ok(Json(SessionView {
        token: signed_in.token,
        expires_at: signed_in.expires_at,
        account: AccountView::from(&signed_in.account),
    }))
}

/// Ends the current session.
#[utoipa::path(delete, path = "/api/v1/session", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<StatusCode, AppError> {
    let hash = ctx.session_hash.as_ref().ok_or(AppError::Unauthenticated)?;
    state.store().delete_session(hash, &ctx.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the caller, on every device.
#[utoipa::path(post, path = "/api/v1/session/revoke-all", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn sign_out_everywhere(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<StatusCode, AppError> {
    let account = ctx.account.as_ref().ok_or(AppError::Unauthenticated)?;
    state
        .store()
        .revoke_sessions(account.account_id, &ctx.actor())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = AccountView), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn me(ctx: Ctx) -> Result<Json<AccountView>, AppError> {
    let account = ctx.account.as_ref().ok_or(AppError::Unauthenticated)?;
    Ok(Json(AccountView::from(account)))
}

/// Changes the caller's password; the caller's other sessions end.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts", security(("bearer" = [])), request_body = PasswordChange,
    responses((status = 204), (status = 401, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<StatusCode, AppError> {
    let account = ctx.account.as_ref().ok_or(AppError::Unauthenticated)?;
    let input: PasswordChange = body.parse()?;
    service::change_password(
        state.store(),
        account.account_id,
        &input.current_password,
        &input.new_password,
        None,
        ctx.session_hash.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accounts, newest first (admins).
#[utoipa::path(get, path = "/api/v1/admin/accounts", tag = "accounts", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = Vec<AccountView>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ListParams>,
) -> Result<Json<Vec<AccountView>>, AppError> {
    ctx.require(Role::Admin)?;
    let role = match params.role.as_deref() {
        None | Some("") => None,
        Some(name) => Some(Role::parse("role", name).map_err(|e| AppError::Invalid(e.into()))?),
    };
    let accounts = state
        .store()
        .list_accounts(&AccountFilter {
            role,
            text: params.q.filter(|q| !q.trim().is_empty()),
            limit: params.limit.unwrap_or(50).clamp(1, 500),
            offset: params.offset.unwrap_or(0).max(0),
        })
        .await?;
    Ok(Json(accounts.iter().map(AccountView::from).collect()))
}

/// Creates a staff account (officer, reviewer, admin…) with a one-time password (admins).
#[utoipa::path(post, path = "/api/v1/admin/accounts", tag = "accounts", security(("bearer" = [])), request_body = StaffInput,
    responses((status = 201, body = CreatedStaff), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let input: StaffInput = body.parse()?;
    let (account, temporary_password) =
        service::create_staff(state.store(), &input, ctx.locale, &ctx.actor()).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedStaff {
            account: AccountView::from(&account),
            temporary_password,
        }),
    )
        .into_response())
}

/// One account (admins).
#[utoipa::path(get, path = "/api/v1/admin/accounts/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = AccountView), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<AccountView>, AppError> {
    ctx.require(Role::Admin)?;
    Ok(Json(AccountView::from(&state.store().account(id).await?)))
}

/// Replaces an account's roles (admins).
#[utoipa::path(put, path = "/api/v1/admin/accounts/{id}/roles", tag = "accounts", security(("bearer" = [])), request_body = RolesUpdate,
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = AccountView), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn set_roles(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<AccountView>, AppError> {
    let actor = ctx.require(Role::Admin)?;
    let input: RolesUpdate = body.parse()?;
    let roles = service::parse_roles(&input.roles).map_err(|e| AppError::Invalid(e.into()))?;
    Ok(Json(AccountView::from(
        &service::set_roles(state.store(), actor, id, &roles).await?,
    )))
}

/// Gives an account a one-time password and ends its sessions (admins).
#[utoipa::path(post, path = "/api/v1/admin/accounts/{id}/password-reset", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = TemporaryPassword), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<TemporaryPassword>, AppError> {
    ctx.require(Role::Admin)?;
    let temporary_password = service::reset_password(state.store(), id, &ctx.actor()).await?;
    Ok(Json(TemporaryPassword { temporary_password }))
}

/// Disables (signing it out everywhere) or re-enables an account (admins).
#[utoipa::path(put, path = "/api/v1/admin/accounts/{id}/status", tag = "accounts", security(("bearer" = [])), request_body = StatusUpdate,
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = AccountView), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<AccountView>, AppError> {
    let actor = ctx.require(Role::Admin)?;
    let input: StatusUpdate = body.parse()?;
    Ok(Json(AccountView::from(
        &service::set_disabled(state.store(), actor, id, input.disabled).await?,
    )))
}
