//! Static assets, compiled into the binary: government intranets are closed, so nothing
//! may come from a CDN.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppError;

#[derive(rust_embed::Embed)]
#[folder = "static/"]
struct Assets;

pub(crate) async fn serve(Path(path): Path<String>) -> Result<Response, AppError> {
    let file = Assets::get(&path).ok_or(AppError::NotFound)?;
    let mime = file.metadata.mimetype().to_owned();
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        file.data.into_owned(),
    )
        .into_response())
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get};
    vec![get("/static/{*path}", Access::Public, serve)]
}
