//! Files on service-desk cases over the API: the same operations as the case page's file
//! inputs and links (`pages::cases`), through the same service functions and refusals.

use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::response::Response;
use yingcai_services::case_attachments::{self, Files, Upload};
use yingcai_services::service_desk;
use yingcai_store::AttachmentRecord;

use crate::context::Id;
use crate::pages::cases::{AttachmentPath, caller};
use crate::pages::uploads::{chosen, read_multipart};
use crate::{AppError, AppState, Ctx};

/// A file of a case. Files that came with an internal note are listed to officers only.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub attachment_id: i64,
    /// The history entry it came with (`events` of the case).
    pub event_id: i64,
    pub file_name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`, by content.
    pub media_type: String,
    pub size_bytes: i64,
    pub uploader_account_id: Option<i64>,
    pub created_at: i64,
    /// `false` for a file of an internal note.
    pub visible_to_requester: bool,
    /// Where to download it (`GET`).
    pub url: String,
}

impl From<&AttachmentRecord> for AttachmentView {
    fn from(a: &AttachmentRecord) -> Self {
        AttachmentView {
            attachment_id: a.attachment_id,
            event_id: a.event_id,
            file_name: a.file_name.clone(),
            media_type: a.media_type.clone(),
            size_bytes: a.size_bytes,
            uploader_account_id: a.uploader_account_id,
            created_at: a.created_at,
            visible_to_requester: a.visible_to_requester,
            url: format!(
                "/api/v1/cases/{}/attachments/{}",
                a.case_id, a.attachment_id
            ),
        }
    }
}

/// The multipart form of an upload (documentation only: the handler reads it part by part).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    /// One or more files (PDF, JPEG or PNG by content, 10 MB each, 20 per case).
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
    /// `reply` (the default: the requester sees the files) or `note` (officers of the
    /// case's team: only officers see them); any other action the caller may take carries
    /// them as a reply.
    action: Option<String>,
    /// Text that comes with the files (optional).
    message: Option<String>,
}

/// `POST /api/v1/cases` as a multipart form (documentation only).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct CaseUpload {
    /// A category code.
    category: String,
    title: String,
    description: String,
    /// `true` to raise it even though open cases of the caller look the same.
    despite_duplicates: Option<bool>,
    /// Zero or more files (PDF, JPEG or PNG by content, 10 MB each, 20 per case).
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Reads a multipart upload of the API (its caller is checked already: no form token).
/// A body over the route's limit is said to be too large, on the files' field.
async fn read_api_multipart(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
) -> Result<crate::pages::uploads::MultipartForm, AppError> {
    read_multipart(
        ctx,
        request,
        state,
        case_attachments::FIELD,
        crate::documents::MAX_DOCUMENT,
        false,
    )
    .await
    .map_err(|error| match error {
        AppError::Invalid(_) => AppError::field(case_attachments::FIELD, "file-too-large"),
        other => other,
    })
}

/// The value of a multipart form's text field (empty when absent).
fn text_field(form: &crate::pages::uploads::MultipartForm, name: &str) -> String {
    form.pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

/// A case to raise, as JSON or as a multipart form with files.
pub(crate) async fn case_request(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
) -> Result<(crate::api::cases::CaseRequest, Vec<Upload>), AppError> {
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = crate::context::JsonBody::from_request(request, state).await?;
        return Ok((body.parse()?, Vec::new()));
    }
    let form = read_api_multipart(state, ctx, request).await?;
    let despite = text_field(&form, "despite_duplicates");
    let request = crate::api::cases::CaseRequest {
        category: text_field(&form, "category"),
        title: text_field(&form, "title"),
        description: text_field(&form, "description"),
        despite_duplicates: matches!(despite.as_str(), "true" | "1" | "yes" | "on"),
    };
    Ok((request, chosen(form.files)))
}

/// Adds files to a case with a reply (its requester or the officers of its team) or an
/// internal note (officers of its team). Answers the case as `GET /api/v1/cases/{id}` does.
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = crate::api::cases::CaseDetail), (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    request: Request,
) -> Result<Json<crate::api::cases::CaseDetail>, AppError> {
    let caller = caller(&ctx)?;
    // Someone else's case does not exist for the caller, whatever the body says.
    service_desk::case_for(state.store(), &caller, id).await?;
    let form = read_api_multipart(&state, &ctx, request).await?;
    let action = match text_field(&form, "action").as_str() {
        "" => "reply".to_owned(),
        other => other.to_owned(),
    };
    let message = text_field(&form, "message");
    let files = chosen(form.files);
    if files.is_empty() {
        return Err(AppError::field(case_attachments::FIELD, "required"));
    }
    let action = service_desk::parse_action(&action)
        .ok_or(AppError::field("action", "case-action-not-allowed"))?;
    let rules = state.settings().desk_rules();
    let calendar = yingcai_services::work_calendar::calendar(state.store(), &rules.hours).await?;
    service_desk::act_with_files(
        state.store(),
        &calendar,
        &rules,
        &caller,
        id,
        action,
        &message,
        Files {
            dir: std::path::Path::new(&state.settings().documents_dir),
            uploads: files,
        },
        yingcai_store::now_ms(),
    )
    .await?;
    crate::api::cases::get_one(State(state), ctx, Id(id)).await
}

/// A case's files as the caller may see them (oldest first).
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = Vec<AttachmentView>), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Vec<AttachmentView>>, AppError> {
    let caller = caller(&ctx)?;
    let (_, standing) = service_desk::case_for(state.store(), &caller, id).await?;
    let files = case_attachments::list(state.store(), standing, id).await?;
    Ok(Json(files.iter().map(AttachmentView::from).collect()))
}

/// One file of a case, as a download (`Content-Disposition: attachment`); 404 for anyone
/// who may not see the case, and for the requester if it came with an internal note.
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments/{attachment}", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id"), ("attachment" = i64, Path, description = "Attachment id")),
    responses((status = 200, description = "The file: a PDF, JPEG or PNG as its content says", content((String = "application/pdf"), (String = "image/jpeg"), (String = "image/png"))), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    path: AttachmentPath,
) -> Result<Response, AppError> {
    crate::pages::cases::download(State(state), ctx, path).await
}
