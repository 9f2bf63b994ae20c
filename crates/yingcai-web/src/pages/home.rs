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

/// `GET /lang/en?next=/account`: remembers the choice in a cookie (and on the account) and
/// goes back. A plain link, so it works without JavaScript.
pub(crate) async fn switch_language(
    state: axum::extract::State<AppState>,
    ctx: Ctx,
    Path(tag): Path<String>,
    Query(next): Query<Next>,
) -> Result<Response, AppError> {
    let locale = Locale::from_tag(&tag).ok_or(AppError::NotFound)?;
    if let Some(account) = &ctx.account {
        state
            .store()
            .set_locale(account.account_id, locale, &ctx.actor())
            .await?;
    }
    let cookie = ctx.cookie(LANG_COOKIE, locale.tag().to_owned(), Some(365 * 24 * 3600));
    let target = super::safe_next(&next.next);
    Ok((
        [(header::SET_COOKIE, cookie.to_string())],
        Redirect::to(target),
    )
        .into_response())
}

pub(crate) async fn not_found() -> AppError {
    AppError::NotFound
}
