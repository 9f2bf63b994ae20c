use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use yingcai_domain::Locale;

use crate::context::LANG_COOKIE;
use crate::render::page;
use crate::{AppError, AppState, Ctx};

pub(crate) async fn home(
    state: axum::extract::State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    page(&state, &ctx, "home.html", context! {})
}

#[derive(serde::Deserialize)]
pub(crate) struct Next {
    #[serde(default)]
    next: String,
}

/// `GET /lang/en?next=/account`: a link (old bookmarks, other sites' links) only sets the
/// language cookie. A GET changes nothing stored: a link or an image on another site
/// must not be able to write to anyone's account.
pub(crate) async fn switch_language_link(
    ctx: Ctx,
    Path(tag): Path<String>,
    Query(next): Query<Next>,
) -> Result<Response, AppError> {
    let locale = Locale::from_tag(&tag).ok_or(AppError::NotFound)?;
    Ok(language_chosen(&ctx, locale, &next.next))
}

#[derive(serde::Deserialize)]
pub(crate) struct LanguageForm {
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /lang/en` (the switcher in every page's header: a form, so it works without
/// JavaScript): sets the cookie and, for a signed-in person whose form carries their
/// anti-forgery token, remembers the choice on the account for their other devices.
/// Without a valid token the cookie is still set: choosing a language is harmless, and
/// an error page may be the first page a visitor sees, before any token exists.
pub(crate) async fn switch_language(
    state: axum::extract::State<AppState>,
    ctx: Ctx,
    Path(tag): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let locale = Locale::from_tag(&tag).ok_or(AppError::NotFound)?;
    let form: LanguageForm = serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::BadRequest("expected a form".into()))?;
    if let Some(account) = &ctx.account
        && !ctx.csrf_is_new
        && crate::context::tokens_match(&form.csrf, &ctx.csrf)
        && account.locale != locale
    {
        state
            .store()
            .set_locale(account.account_id, locale, &ctx.actor())
            .await?;
    }
    Ok(language_chosen(&ctx, locale, &form.next))
}

fn language_chosen(ctx: &Ctx, locale: Locale, next: &str) -> Response {
    let cookie = ctx.cookie(LANG_COOKIE, locale.tag().to_owned(), Some(365 * 24 * 3600));
    (
        [(header::SET_COOKIE, cookie.to_string())],
        Redirect::to(super::safe_next(next)),
    )
        .into_response()
}

pub(crate) async fn not_found() -> AppError {
    AppError::NotFound
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    vec![
        get("/", Access::Public, home),
        get("/lang/{tag}", Access::Public, switch_language_link),
        post("/lang/{tag}", Access::Public, switch_language),
    ]
}
