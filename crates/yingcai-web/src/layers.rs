//! Layers every response passes through, whatever produced it (a page, the API, an error,
//! a static asset): security headers, and a panic turned into an ordinary 500.

use std::any::Any;

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppError;

/// Pages embed nothing from elsewhere, so the policy can be strict; the API and files get
/// the same headers, which cost nothing there and protect a response opened in a browser.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A page that needs a different policy (the API documentation) sets its own.
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // For browsers that predate `frame-ancestors`.
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// The cause of a 500 whose handler panicked. The process's panic hook has already
/// logged the panic with its location, so the error middleware does not log it again.
#[derive(Debug, thiserror::Error)]
#[error("a request handler panicked: {0}")]
pub(crate) struct HandlerPanicked(String);

/// Turns a panic inside a handler into [`AppError::Internal`], which the error middleware
/// renders like any other 500 (a page in the visitor's language, or the API's JSON).
/// Without this the worker's connection would simply be cut.
/// A NUL byte in a query string is no one's search term or filter, and PostgreSQL refuses
/// it in text: such a request is a 400 (page or JSON) before any handler reads it.
pub(crate) async fn refuse_nul_in_query(request: Request, next: Next) -> Response {
    let nul = request
        .uri()
        .query()
        .is_some_and(|q| q.to_ascii_lowercase().contains("%00"));
    if nul {
        return AppError::BadRequest("a NUL byte in the query".into()).into_response();
    }
    next.run(request).await
}

pub(crate) fn panic_to_error(payload: Box<dyn Any + Send + 'static>) -> Response {
    let message = yingcai_services::panic_message(payload.as_ref()).to_owned();
    AppError::Internal(HandlerPanicked(message).into()).into_response()
}
