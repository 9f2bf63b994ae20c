use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use yingcai_store::SessionKind;

use super::forms::{SignInForm, SignUpForm};
use super::{errors_value, safe_next};
use crate::accounts::{self, RegistrationInput};
use crate::context::{CSRF_COOKIE, CsrfForm, SESSION_COOKIE};
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx, security};

pub(crate) async fn register_form(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    page(
        &state,
        &ctx,
        "register.html",
        context! { form => context! { role => "talent" } },
    )
}

pub(crate) async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<SignUpForm>,
) -> Result<Response, AppError> {
    let input = RegistrationInput::from(form);
    match accounts::register(state.store(), &input, ctx.locale)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to("/login?registered=1").into_response()),
        Err(AppError::Invalid(errors)) => page_with_status(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "register.html",
            context! {
                errors => errors_value(&errors),
                // Passwords are never echoed back into the page.
                form => context! { role => input.role, display_name => input.display_name, email => input.email, phone => input.phone },
            },
        ),
        Err(other) => Err(other),
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    registered: Option<String>,
}

pub(crate) async fn login_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LoginQuery>,
) -> Result<Response, AppError> {
    page(
        &state,
        &ctx,
        "login.html",
        context! { next => safe_next(&q.next), registered => q.registered.is_some() },
    )
}

pub(crate) async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Result<Response, AppError> {
    let next = safe_next(&form.next).to_owned();
    let result = accounts::sign_in(
        state.store(),
        &state.settings().sign_in_rules(),
        &form.email,
        &form.password,
        ctx.client_addr,
        SessionKind::Web,
    )
    .await
    .map_err(AppError::from);
    let signed_in = match result {
        Ok(signed_in) => signed_in,
        Err(error @ (AppError::Invalid(_) | AppError::Throttled)) => {
            let (status, errors) = match error {
                AppError::Invalid(errors) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, errors_value(&errors))
                }
                _ => (
                    StatusCode::TOO_MANY_REQUESTS,
                    errors_value(&yingcai_domain::FieldError::new("password", "throttled").into()),
                ),
            };
            return page_with_status(
                &state,
                &ctx,
                status,
                "login.html",
                context! { errors => errors, next => next, email => form.email },
            );
        }
        Err(other) => return Err(other),
    };
    // A fresh session and a fresh anti-forgery token: forms rendered before the sign-in
    // (possibly planted by someone else) stop working.
    if let Some(old) = &ctx.session_hash {
        state.store().delete_session(old, &ctx.actor()).await?;
    }
    let max_age = i64::from(state.settings().session_hours) * 3600;
    let target = if signed_in.account.must_change_password {
        "/account/password"
    } else {
        next.as_str()
    };
    let mut response = Redirect::to(target).into_response();
    for cookie in [
        ctx.cookie(SESSION_COOKIE, signed_in.token, Some(max_age)),
        ctx.cookie(CSRF_COOKIE, security::new_token(), None),
    ] {
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    if let Some(hash) = &ctx.session_hash {
        state.store().delete_session(hash, &ctx.actor()).await?;
    }
    Ok(signed_out_response(&ctx))
}

/// Redirect home, clearing the session cookie and rotating the anti-forgery token.
pub(crate) fn signed_out_response(ctx: &Ctx) -> Response {
    let mut response = Redirect::to("/").into_response();
    for cookie in [
        ctx.cookie(SESSION_COOKIE, String::new(), Some(0)),
        ctx.cookie(CSRF_COOKIE, security::new_token(), None),
    ] {
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    vec![
        get("/register", Access::Public, register_form),
        post("/register", Access::Public, register),
        get("/login", Access::Public, login_form),
        post("/login", Access::Public, login),
        post("/logout", Access::Public, logout),
    ]
}
