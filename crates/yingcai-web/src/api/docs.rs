//! `/api/docs`: the interactive documentation of the JSON API. Swagger UI's files come
//! from the binary (a government intranet reaches no CDN); the page around them is ours,
//! so it carries the site's header, both languages, and the caller's anti-forgery token
//! for "try it" with a signed-in browser session.

use std::sync::{Arc, LazyLock};

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use utoipa_swagger_ui::Config;

use crate::render::page;
use crate::{AppError, AppState, Ctx};

/// Swagger UI draws part of its layout with inline styles, which the site's policy
/// forbids on ordinary pages; scripts stay limited to the site's own files.
const DOCS_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

static CONFIG: LazyLock<Arc<Config<'static>>> =
    LazyLock::new(|| Arc::new(Config::new(["/api/v1/openapi.json"])));

/// `GET /api/docs`: the documentation page.
pub(crate) async fn page_view(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let mut response = page(&state, &ctx, "api_docs.html", context! {})?;
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOCS_POLICY),
    );
    Ok(response)
}

/// `GET /api/docs/{file}`: Swagger UI's script, style sheet and icons.
pub(crate) async fn file(Path(file): Path<String>) -> Result<Response, AppError> {
    // Only the bundle's own files: its index page and generated initializer are replaced
    // by the page above.
    if !matches!(
        file.as_str(),
        "swagger-ui-bundle.js" | "swagger-ui.css" | "favicon-16x16.png" | "favicon-32x32.png"
    ) {
        return Err(AppError::NotFound);
    }
    let found = utoipa_swagger_ui::serve(&file, CONFIG.clone())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("serving {file}: {e}")))?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, found.content_type),
            (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
        ],
        found.bytes.into_owned(),
    )
        .into_response())
}
