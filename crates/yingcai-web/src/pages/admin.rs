//! Account administration: list, create staff accounts, roles, password resets, disabling.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use yingcai_domain::{FieldErrors, Role};
use yingcai_store::AccountFilter;

use super::errors_value;
use super::forms::{AccountStatusForm, CreateStaffForm, RolesForm};
use crate::accounts::{self, StaffInput};
use crate::context::CsrfForm;
use crate::context::Id;
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx};

#[derive(serde::Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    role: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<u32>,
}

const PAGE_SIZE: i64 = 50;

pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let role = query.role.parse::<Role>().ok();
    let page_no = i64::from(query.page.unwrap_or(1).clamp(1, 100_000));
    let text = query.q.trim().chars().take(100).collect::<String>();
    let accounts = state
        .store()
        .list_accounts(&AccountFilter {
            role,
            text: (!text.is_empty()).then(|| text.clone()),
            limit: PAGE_SIZE + 1,
            offset: (page_no - 1) * PAGE_SIZE,
        })
        .await?;
    let has_more = accounts.len() as i64 > PAGE_SIZE;
    let accounts: Vec<_> = accounts.into_iter().take(PAGE_SIZE as usize).collect();
    page(
        &state,
        &ctx,
        "admin_users.html",
        context! {
            accounts => accounts,
            role => role.map(Role::as_str),
            q => text,
            page_no => page_no,
            has_more => has_more,
            roles => Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        },
    )
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    page(
        &state,
        &ctx,
        "admin_user_new.html",
        context! { form => context! { roles => vec!["officer"] }, roles => all_roles() },
    )
}

pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<CreateStaffForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let input = StaffInput::from(form);
    match accounts::create_staff(state.store(), &input, ctx.locale, &ctx.actor())
        .await
        .map_err(AppError::from)
    {
        Ok((account, temporary)) => page_with_status(
            &state,
            &ctx,
            StatusCode::CREATED,
            "admin_user_created.html",
            context! { account => account, temporary => temporary },
        ),
        Err(AppError::Invalid(errors)) => page_with_status(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin_user_new.html",
            context! { errors => errors_value(&errors), form => input_value(&input), roles => all_roles() },
        ),
        Err(other) => Err(other),
    }
}

fn all_roles() -> Vec<&'static str> {
    Role::ALL.iter().map(|r| r.as_str()).collect()
}

fn input_value(input: &StaffInput) -> minijinja::Value {
    context! { display_name => input.display_name, email => input.email, phone => input.phone, roles => input.roles }
}

#[derive(serde::Deserialize)]
pub(crate) struct ShowQuery {
    #[serde(default)]
    done: Option<String>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(query): Query<ShowQuery>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let account = state.store().account(id).await?;
    let sessions = state.store().count_sessions(id).await?;
    show_page(
        &state,
        &ctx,
        StatusCode::OK,
        account,
        sessions,
        None,
        query.done.as_deref(),
    )
}

fn show_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    account: yingcai_store::Account,
    sessions: i64,
    errors: Option<&FieldErrors>,
    done: Option<&str>,
) -> Result<Response, AppError> {
    page_with_status(
        state,
        ctx,
        status,
        "admin_user.html",
        context! {
            account => account,
            sessions => sessions,
            roles => all_roles(),
            errors => errors.map(errors_value),
            done => done,
            is_self => ctx.account.as_ref().is_some_and(|a| a.account_id == account.account_id),
        },
    )
}

async fn target(state: &AppState, id: i64) -> Result<yingcai_store::Account, AppError> {
    Ok(state.store().account(id).await?)
}

pub(crate) async fn set_roles(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<RolesForm>,
) -> Result<Response, AppError> {
    let actor = ctx.require(Role::Admin)?.clone();
    let account = target(&state, id).await?;
    let result = match form.check() {
        Ok(roles) => accounts::set_roles(state.store(), &actor, account.account_id, &roles)
            .await
            .map_err(AppError::from),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(
            Redirect::to(&format!("/admin/users/{}?done=roles", account.account_id))
                .into_response(),
        ),
        Err(AppError::Invalid(errors)) => {
            let sessions = state.store().count_sessions(account.account_id).await?;
            show_page(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                account,
                sessions,
                Some(&errors),
                None,
            )
        }
        Err(other) => Err(other),
    }
}

pub(crate) async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let account = target(&state, id).await?;
    let temporary =
        accounts::reset_password(state.store(), account.account_id, &ctx.actor()).await?;
    page(
        &state,
        &ctx,
        "admin_user_created.html",
        context! { account => account, temporary => temporary, reset => true },
    )
}

pub(crate) async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<AccountStatusForm>,
) -> Result<Response, AppError> {
    let actor = ctx.require(Role::Admin)?.clone();
    let account = target(&state, id).await?;
    let disabled = form.disabled()?;
    match accounts::set_disabled(state.store(), &actor, account.account_id, disabled)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/admin/users/{}?done=status", account.account_id))
                .into_response(),
        ),
        Err(AppError::Invalid(errors)) => {
            let sessions = state.store().count_sessions(account.account_id).await?;
            show_page(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                account,
                sessions,
                Some(&errors),
                None,
            )
        }
        Err(other) => Err(other),
    }
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role;
    vec![
        get("/admin/users", Access::Role(Role::Admin), list),
        get("/admin/users/new", Access::Role(Role::Admin), new_form),
        post("/admin/users/new", Access::Role(Role::Admin), create),
        get("/admin/users/{id}", Access::Role(Role::Admin), show),
        post(
            "/admin/users/{id}/roles",
            Access::Role(Role::Admin),
            set_roles,
        ),
        post(
            "/admin/users/{id}/password",
            Access::Role(Role::Admin),
            reset_password,
        ),
        post(
            "/admin/users/{id}/status",
            Access::Role(Role::Admin),
            set_status,
        ),
    ]
}
