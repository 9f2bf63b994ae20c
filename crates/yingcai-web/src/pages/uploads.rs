//! Reading uploads and answering downloads, for every page and API operation that takes or
//! gives files: rosters, talents' and enterprises' documents, policy packs, case files.
//!
//! Files are read as the body streams in, keeping at most a limit of each, so memory never
//! holds more of a file than may be kept; a larger file is read to its end (up to the
//! route's body limit) and thrown away, so the sender gets a "too large" answer instead of
//! a connection cut in the middle of its upload.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use yingcai_services::case_attachments::Upload;

use crate::context::{CSRF_FIELD, CsrfForm, Ctx};
use crate::{AppError, AppState};

/// The longest text field of a multipart form (a case's description is 4,000 characters).
const MAX_TEXT_FIELD: usize = 64 * 1024;

/// A body over the route's limit is the uploader's mistake, said plainly; anything else
/// malformed is a bad request.
pub(crate) fn upload_error(error: axum::extract::multipart::MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::field("file", "file-too-large")
    } else {
        AppError::BadRequest(error.to_string())
    }
}

/// A multipart form as read: its text fields (the anti-forgery token removed) and its
/// files, in the order sent.
pub(crate) struct MultipartForm {
    pub(crate) pairs: Vec<(String, String)>,
    pub(crate) files: Vec<Upload>,
}

/// Reads a multipart form whose files are the parts named `file_field`, keeping at most
/// `max_file` bytes of each. With `csrf`, the form's anti-forgery token must match (it is
/// checked after the whole form is read, whatever order the fields came in, and before
/// anything is used); the API passes `false`, its caller having been checked already.
pub(crate) async fn read_multipart(
    ctx: &Ctx,
    request: Request,
    state: &AppState,
    file_field: &str,
    max_file: usize,
    csrf: bool,
) -> Result<MultipartForm, AppError> {
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|e| AppError::BadRequest(format!("expected a file upload: {e}")))?;
    let mut csrf_ok = false;
    let mut form = MultipartForm {
        pairs: Vec::new(),
        files: Vec::new(),
    };
    while let Some(mut field) = multipart.next_field().await.map_err(upload_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            let file_name = field
                .file_name()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            let mut upload = Upload {
                file_name,
                ..Upload::default()
            };
            while let Some(chunk) = field.chunk().await.map_err(upload_error)? {
                if upload.too_large || upload.bytes.len() + chunk.len() > max_file {
                    upload.too_large = true;
                    upload.bytes = Vec::new();
                } else {
                    upload.bytes.extend_from_slice(&chunk);
                }
            }
            form.files.push(upload);
            continue;
        }
        let mut text = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(upload_error)? {
            if text.len() + chunk.len() > MAX_TEXT_FIELD {
                return Err(AppError::BadRequest(format!(
                    "the field {name} is too long"
                )));
            }
            text.extend_from_slice(&chunk);
        }
        let text = String::from_utf8_lossy(&text).into_owned();
        if name == CSRF_FIELD {
            csrf_ok = !ctx.csrf_is_new && crate::context::tokens_match(&text, &ctx.csrf);
        } else {
            form.pairs.push((name, text));
        }
    }
    if csrf && !csrf_ok {
        return Err(AppError::Csrf);
    }
    Ok(form)
}

/// A page form that may carry files (`files`): read as multipart when it is one, otherwise
/// as an ordinary form (then without files), into the operation's input struct exactly as
/// [`CsrfForm`] reads it. Parts without a name and without bytes are file inputs left
/// empty, not files.
pub(crate) async fn form_with_files<T: serde::de::DeserializeOwned>(
    ctx: &Ctx,
    request: Request,
    state: &AppState,
) -> Result<(T, Vec<Upload>), AppError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let CsrfForm(form) = CsrfForm::<T>::from_request(request, state).await?;
        return Ok((form, Vec::new()));
    }
    let form = read_multipart(
        ctx,
        request,
        state,
        yingcai_services::case_attachments::FIELD,
        crate::documents::MAX_DOCUMENT,
        true,
    )
    .await?;
    let files = chosen(form.files);
    Ok((crate::context::read_form(form.pairs)?, files))
}

/// The files actually chosen: a file input left empty still sends a part, without a name
/// and without bytes.
pub(crate) fn chosen(files: Vec<Upload>) -> Vec<Upload> {
    files
        .into_iter()
        .filter(|f| !(f.file_name.is_empty() && f.bytes.is_empty() && !f.too_large))
        .collect()
}

/// A stored file for its reader: `attachment` saves it, otherwise the browser shows it.
/// The name is offered as ASCII (`filename`) and in full as UTF-8 (`filename*`, RFC 6266),
/// so Chinese names survive and nothing in a name can break out of the header.
pub(crate) fn file_response(
    bytes: Vec<u8>,
    media_type: &str,
    file_name: &str,
    attachment: bool,
) -> Response {
    let ascii_name: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = if attachment {
        let encoded: String = file_name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}")
    } else {
        format!("inline; filename=\"{ascii_name}\"")
    };
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response()
}
