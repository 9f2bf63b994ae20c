//! One error type for every handler, rendered as a page or as JSON by one middleware.
//!
//! `into_response` has no side effects: it stores the error in the response's extensions.
//! [`log_errors`] then logs it once (internal causes with their chain, at `error`; user
//! mistakes at `debug`) and renders it in the caller's language, as HTML or JSON.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use yingcai_domain::{FieldError, FieldErrors, Locale};
use yingcai_store::StoreError;

use crate::{AppState, context, i18n::translate, render};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// One or more fields are wrong; nothing was written.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// The request itself could not be read (malformed JSON or form).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Not signed in (pages redirect to the sign-in page; the API answers 401).
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in, but without a role this needs.
    #[error("forbidden")]
    Forbidden,
    /// No such thing — or not yours to see, which must look the same.
    #[error("not found")]
    NotFound,
    /// A state-changing form without the right anti-forgery token.
    #[error("missing or stale CSRF token")]
    Csrf,
    /// Too many failed sign-ins for this account or address.
    #[error("too many attempts")]
    Throttled,
    /// An account whose password was reset must set a new one first.
    #[error("password change required")]
    MustChangePassword,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn field(field: &'static str, code: &'static str) -> AppError {
        AppError::Invalid(FieldError::new(field, code).into())
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf | AppError::MustChangePassword => {
                StatusCode::FORBIDDEN
            }
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code, also the key of the message (`error-<code>`).
    fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid",
            AppError::BadRequest(_) => "bad-request",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not-found",
            AppError::Csrf => "csrf",
            AppError::Throttled => "throttled",
            AppError::MustChangePassword => "must-change-password",
            AppError::Internal(_) => "internal",
        }
    }
}

/// Through the services' error, which says once what a storage failure means to a caller.
impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        yingcai_services::Error::from(error).into()
    }
}

impl From<yingcai_services::Error> for AppError {
    fn from(error: yingcai_services::Error) -> Self {
        use yingcai_services::Error;
        match error {
            Error::Invalid(fields) => AppError::Invalid(fields),
            Error::NotFound => AppError::NotFound,
            Error::Throttled => AppError::Throttled,
            Error::MustChangePassword => AppError::MustChangePassword,
            Error::Internal(cause) => AppError::Internal(cause),
        }
    }
}

/// Every refusal enum turns into an [`AppError`] through the services' error (the reasons a
/// person can act on as `Invalid`, 422; the rest as the store's failure). Pages that show a
/// refusal next to its field with another status match the enum (or call [`refused`]) first.
macro_rules! from_refusals {
    ($($refusal:ty),+ $(,)?) => {$(
        impl From<$refusal> for AppError {
            fn from(refusal: $refusal) -> Self {
                yingcai_services::Error::from(refusal).into()
            }
        }
    )+};
}

from_refusals!(
    yingcai_store::payments::ApproveRunError,
    yingcai_store::payments::ExportRunError,
    yingcai_store::payments::SettleRunError,
    yingcai_store::payments::RepaymentError,
    yingcai_store::SubmissionError,
    yingcai_store::NeedChangeError,
    yingcai_services::housing::OfferAnswerError,
    yingcai_services::payments::RunMonthError,
    yingcai_services::payments::SettlementImportError,
    yingcai_services::housing_desk::ComplexError,
    yingcai_services::housing_desk::UnitStatusError,
    yingcai_services::housing_desk::BallotError,
    crate::policy::IssueCardError,
);

/// The field errors of a refusal a person can act on, or (`Err`) the failure behind it,
/// for a page that shows the refusal next to its field: `let errors = refused(e)?;`.
pub(crate) fn refused<R: yingcai_store::Refusal>(refusal: R) -> Result<FieldErrors, AppError> {
    refusal.into_fields().map_err(AppError::from)
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(Arc::new(self));
        response
    }
}

/// Logs each error once and renders it for the caller.
pub(crate) async fn log_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers().clone();
    let path = request.uri().path().to_owned();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), ToString::to_string);
    let is_api = path.starts_with("/api/");
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<Arc<AppError>>().cloned() else {
        if is_api && response.status().is_client_error() && !is_json(response.headers()) {
            // An extractor refused the request before any handler ran (a query string or
            // body of the wrong form, a body too large); axum says so in plain text, the
            // API in its one error format.
            let status = response.status();
            let detail = axum::body::to_bytes(response.into_body(), 2048)
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let mut answer = api_error(
                &AppError::BadRequest(detail),
                context::negotiate_locale(&headers),
            );
            *answer.status_mut() = status;
            return answer;
        }
        return response;
    };
    match &*error {
        // The panic hook logged this one where it happened.
        AppError::Internal(cause) if cause.is::<crate::layers::HandlerPanicked>() => {}
        AppError::Internal(cause) => tracing::error!(error = ?cause, "request failed"),
        other => tracing::debug!(error = %other, "request refused"),
    }
    let locale = context::negotiate_locale(&headers);
    if is_api {
        return api_error(&error, locale);
    }
    match &*error {
        AppError::Unauthenticated => {
            let next = form_urlencoded_component(&path_and_query);
            Redirect::to(&format!("/login?next={next}")).into_response()
        }
        AppError::MustChangePassword => Redirect::to("/account/password").into_response(),
        _ => {
            let ctx = context::Ctx::from_headers(&state, &headers, &path_and_query).await;
            let body = render::error_page(
                &state,
                ctx.as_ref().ok(),
                locale,
                error.status(),
                error.code(),
                match &*error {
                    AppError::Invalid(fields) => Some(fields),
                    _ => None,
                },
            );
            (error.status(), body).into_response()
        }
    }
}

fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn api_error(error: &AppError, locale: Locale) -> Response {
    let message = translate(locale, &format!("error-{}", error.code()), &[]);
    let mut body = json!({ "error": error.code(), "message": message });
    if let AppError::Invalid(fields) = error {
        body["fields"] = fields
            .iter()
            .map(|f| json!({ "field": f.field, "code": f.code, "message": translate(locale, &format!("err-{}", f.code), &[]) }))
            .collect();
    }
    if let AppError::BadRequest(detail) = error {
        body["detail"] = json!(detail);
    }
    let mut response = (error.status(), Json(body)).into_response();
    if matches!(error, AppError::Unauthenticated) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// Percent-encodes a `next=` target. Only local paths are ever used as targets.
pub(crate) fn form_urlencoded_component(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s[1..].to_owned())
        .unwrap_or_default()
}
