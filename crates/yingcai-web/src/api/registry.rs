//! The registry over the API, twins of the record pages: a talent's and an enterprise's own
//! record (read, save, submit, history), documents (attach, download, remove), and an
//! officer's view and verification of a submission. The same service functions as the
//! pages (`yingcai_services::profiles`), so the same checks and field errors.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use yingcai_domain::{EnterpriseInput, Role, TalentInput};
use yingcai_services::profiles::{self, Attached, Verified, VerifyError};
use yingcai_store::{DocumentRecord, SubmissionStatus};

use crate::context::{Id, JsonBody};
use crate::pages::uploads::{file_response, read_multipart};
use crate::{AppError, AppState, Ctx};

type Answers = crate::api::ErrorBody;

/// Keeps the first four and last four characters of a secret typed into a record.
fn masked(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// A talent's record as typed, with the identity number and bank account masked: a caller
/// sends them whole again when saving.
fn masked_input(mut input: TalentInput) -> serde_json::Value {
    input.resident_id = masked(&input.resident_id);
    input.bank_account = masked(&input.bank_account);
    serde_json::to_value(&input).unwrap_or_default()
}

/// A document attached to a submission.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub document_id: i64,
    pub submission_id: i64,
    pub file_name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`, read from the content.
    pub media_type: String,
    pub size_bytes: i64,
    pub created_at: i64,
    /// Where to download it (the owner and officers).
    pub url: String,
}

fn document_view(d: &DocumentRecord) -> DocumentView {
    DocumentView {
        document_id: d.document_id,
        submission_id: d.submission_id,
        file_name: d.file_name.clone(),
        media_type: d.media_type.clone(),
        size_bytes: d.size_bytes,
        created_at: d.created_at,
        url: format!("/api/v1/documents/{}", d.document_id),
    }
}

/// One submission of a record, as its owner sees it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SubmissionEntry {
    pub submission_id: i64,
    #[schema(value_type = String, example = "submitted")]
    pub status: SubmissionStatus,
    /// The officer's reason, when returned.
    pub reason: Option<String>,
    /// When returned: the end of the last working day to answer (Unix ms).
    pub respond_by: Option<i64>,
    pub submitted_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub updated_at: i64,
}

fn entry<T>(s: &yingcai_store::Submission<T>) -> SubmissionEntry {
    SubmissionEntry {
        submission_id: s.submission_id,
        status: s.status,
        reason: s.reason.clone(),
        respond_by: (s.status == SubmissionStatus::Returned)
            .then_some(s.respond_by)
            .flatten(),
        submitted_at: s.submitted_at,
        decided_at: s.decided_at,
        updated_at: s.updated_at,
    }
}

/// The caller's record: the open submission (what it holds as typed) and the verified
/// record's id.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProfileView {
    /// The fields as typed (a talent's identity number and bank account masked), from the
    /// open submission, else the verified record; empty for a first record.
    #[schema(value_type = Object)]
    pub input: serde_json::Value,
    /// A talent's district (enterprises carry theirs in `input`).
    pub district: Option<String>,
    pub open: Option<SubmissionEntry>,
    pub documents: Vec<DocumentView>,
    /// Whether the record may be changed now (no submission awaits a decision).
    pub editable: bool,
    /// The verified record's id, once there is one.
    pub verified_id: Option<i64>,
    pub verified_at: Option<i64>,
}

/// The caller's talent record (as `/talent/profile`).
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "registry", security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 401, body = Answers), (status = 403, body = Answers)))]
pub(crate) async fn my_profile(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<ProfileView>, AppError> {
    let account = ctx.require(Role::Talent)?;
    let store = state.store();
    let verified = store.talent_of_owner(account.account_id).await?;
    let open = store.open_talent_submission(account.account_id).await?;
    let documents = match &open {
        Some(open) => store.documents_of_submission(open.submission_id).await?,
        None => Vec::new(),
    };
    let (input, district) = match (&open, &verified) {
        (Some(open), _) => (open.input.clone(), Some(open.district.clone())),
        (None, Some(record)) => (TalentInput::from(&record.profile), None),
        (None, None) => (TalentInput::default(), None),
    };
    Ok(Json(ProfileView {
        input: masked_input(input),
        district,
        editable: open
            .as_ref()
            .is_none_or(|o| o.status != SubmissionStatus::Submitted),
        open: open.as_ref().map(entry),
        documents: documents.iter().map(document_view).collect(),
        verified_id: verified.as_ref().map(|r| r.talent_id),
        verified_at: verified.as_ref().map(|r| r.verified_at),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TalentProfileRequest {
    /// The record's fields as a form holds them (every value a string): name, resident_id,
    /// birth_date, degree, degree_institution, degree_year, honors, employer_enterprise_id
    /// or employer_name with employer_credit_code, arrival_date, employed_in_city, housing,
    /// home_purchase_date, social_insurance_months, bank_account, phone, email.
    #[schema(value_type = Object)]
    pub input: TalentInput,
    /// One of the configured districts; anything else is left empty.
    #[serde(default)]
    pub district: String,
    /// True to check every field and submit for verification; false saves a draft.
    #[serde(default)]
    pub submit: bool,
}

/// What a save made.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SavedSubmission {
    pub submission_id: i64,
    #[schema(value_type = String, example = "submitted")]
    pub status: SubmissionStatus,
}

/// Saves the caller's talent record as a draft, or checks and submits it (as the profile
/// form). A refused submission changes nothing.
#[utoipa::path(put, path = "/api/v1/me/profile", tag = "registry", security(("bearer" = [])),
    request_body = TalentProfileRequest,
    responses((status = 200, body = SavedSubmission), (status = 400, body = Answers), (status = 401, body = Answers), (status = 403, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn save_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Json<SavedSubmission>, AppError> {
    ctx.require(Role::Talent)?;
    let request: TalentProfileRequest = body.parse()?;
    let id = profiles::save_talent_profile(
        state.store(),
        crate::pages::talent::record_rules(&state),
        &ctx.actor(),
        request.input,
        &request.district,
        request.submit,
    )
    .await?;
    Ok(Json(SavedSubmission {
        submission_id: id,
        status: state.store().talent_submission(id).await?.status,
    }))
}

/// Every submission of the caller's talent record, newest first (as
/// `/talent/profile/history`).
#[utoipa::path(get, path = "/api/v1/me/profile/history", tag = "registry", security(("bearer" = [])),
    responses((status = 200, body = Vec<SubmissionEntry>), (status = 401, body = Answers), (status = 403, body = Answers)))]
pub(crate) async fn history(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<SubmissionEntry>>, AppError> {
    let account = ctx.require(Role::Talent)?;
    let submissions = state
        .store()
        .talent_submissions_of(account.account_id)
        .await?;
    Ok(Json(submissions.iter().map(entry).collect()))
}

/// A document to attach (documentation only: the handler reads it part by part).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct DocumentUpload {
    /// PDF, JPEG or PNG by content, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Where an attached document went.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AttachedView {
    pub submission_id: i64,
    pub document_id: i64,
    pub url: String,
}

async fn read_document(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
) -> Result<(String, Vec<u8>), AppError> {
    let form = read_multipart(
        ctx,
        request,
        state,
        "file",
        crate::documents::MAX_DOCUMENT,
        false,
    )
    .await
    .map_err(|error| match error {
        AppError::Invalid(_) => AppError::field("document", "document-too-large"),
        other => other,
    })?;
    if form.files.iter().any(|f| f.too_large) {
        return Err(AppError::field("document", "document-too-large"));
    }
    let file = form
        .files
        .into_iter()
        .next_back()
        .ok_or_else(|| AppError::field("document", "required"))?;
    Ok((file.file_name, file.bytes))
}

fn attached(a: Attached) -> (StatusCode, Json<AttachedView>) {
    (
        StatusCode::CREATED,
        Json(AttachedView {
            submission_id: a.submission_id,
            document_id: a.document_id,
            url: format!("/api/v1/documents/{}", a.document_id),
        }),
    )
}

/// Attaches a document to the caller's talent record (multipart, field `file`), starting
/// a draft from the verified record when there is none. Refused while a submission awaits
/// a decision.
#[utoipa::path(post, path = "/api/v1/me/profile/documents", tag = "registry", security(("bearer" = [])),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachedView), (status = 400, body = Answers), (status = 401, body = Answers), (status = 403, body = Answers), (status = 413, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<(StatusCode, Json<AttachedView>), AppError> {
    let account_id = ctx.require(Role::Talent)?.account_id;
    let (name, bytes) = read_document(&state, &ctx, request).await?;
    let done = profiles::attach_talent_document(
        state.store(),
        std::path::Path::new(&state.settings().documents_dir),
        account_id,
        &ctx.actor(),
        name,
        bytes,
    )
    .await?;
    Ok(attached(done))
}

/// A document's file, for its owner and for officers; to anyone else it does not exist.
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "registry", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, description = "The file as uploaded: a PDF, JPEG or PNG as its content says", content((String = "application/pdf"), (String = "image/jpeg"), (String = "image/png"))), (status = 401, body = Answers), (status = 404, body = Answers)))]
pub(crate) async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    let account = ctx.signed_in()?;
    let (document, bytes) = profiles::readable_document(
        state.store(),
        std::path::Path::new(&state.settings().documents_dir),
        account.account_id,
        account.has_role(Role::Officer),
        id,
    )
    .await?;
    Ok(file_response(
        bytes,
        &document.media_type,
        &document.file_name,
        false,
    ))
}

/// Removes one of the caller's documents from their record while it may be changed.
#[utoipa::path(delete, path = "/api/v1/documents/{id}", tag = "registry", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    responses((status = 204, description = "Removed"), (status = 401, body = Answers), (status = 404, body = Answers)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    ctx.signed_in()?;
    profiles::detach_document(state.store(), &ctx.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's enterprise record (as `/enterprise/profile`).
#[utoipa::path(get, path = "/api/v1/me/enterprise", tag = "registry", security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 401, body = Answers), (status = 403, body = Answers)))]
pub(crate) async fn my_enterprise(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<ProfileView>, AppError> {
    let account = ctx.require(Role::Enterprise)?;
    let store = state.store();
    let verified = store.enterprise_of_owner(account.account_id).await?;
    let open = store.open_enterprise_submission(account.account_id).await?;
    let documents = match &open {
        Some(open) => store.documents_of_submission(open.submission_id).await?,
        None => Vec::new(),
    };
    let input = match (&open, &verified) {
        (Some(open), _) => open.input.clone(),
        (None, Some(record)) => EnterpriseInput::from(&record.profile),
        (None, None) => EnterpriseInput::default(),
    };
    Ok(Json(ProfileView {
        input: serde_json::to_value(&input).map_err(|e| AppError::Internal(e.into()))?,
        district: None,
        editable: open
            .as_ref()
            .is_none_or(|o| o.status != SubmissionStatus::Submitted),
        open: open.as_ref().map(entry),
        documents: documents.iter().map(document_view).collect(),
        verified_id: verified.as_ref().map(|r| r.enterprise_id),
        verified_at: verified.as_ref().and_then(|r| r.verified_at),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct EnterpriseProfileRequest {
    /// The record's fields as a form holds them: name, credit_code, industry, district,
    /// contact_name, contact_phone, contact_email.
    #[schema(value_type = Object)]
    pub input: EnterpriseInput,
    /// True to check every field and submit for verification; false saves a draft.
    #[serde(default)]
    pub submit: bool,
}

/// Saves the caller's enterprise record as a draft, or checks and submits it.
#[utoipa::path(put, path = "/api/v1/me/enterprise", tag = "registry", security(("bearer" = [])),
    request_body = EnterpriseProfileRequest,
    responses((status = 200, body = SavedSubmission), (status = 400, body = Answers), (status = 401, body = Answers), (status = 403, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn save_enterprise(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Json<SavedSubmission>, AppError> {
    ctx.require(Role::Enterprise)?;
    let request: EnterpriseProfileRequest = body.parse()?;
    let id = profiles::save_enterprise_profile(
        state.store(),
        &state.settings().industries,
        &state.settings().districts,
        &ctx.actor(),
        &request.input,
        request.submit,
    )
    .await?;
    Ok(Json(SavedSubmission {
        submission_id: id,
        status: state.store().enterprise_submission(id).await?.status,
    }))
}

/// Attaches a document to the caller's enterprise record (multipart, field `file`).
#[utoipa::path(post, path = "/api/v1/me/enterprise/documents", tag = "registry", security(("bearer" = [])),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachedView), (status = 400, body = Answers), (status = 401, body = Answers), (status = 403, body = Answers), (status = 413, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn attach_enterprise(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<(StatusCode, Json<AttachedView>), AppError> {
    let account_id = ctx.require(Role::Enterprise)?.account_id;
    let (name, bytes) = read_document(&state, &ctx, request).await?;
    let done = profiles::attach_enterprise_document(
        state.store(),
        std::path::Path::new(&state.settings().documents_dir),
        account_id,
        &ctx.actor(),
        name,
        bytes,
    )
    .await?;
    Ok(attached(done))
}

/// A submission as an officer reviews it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SubmissionDetail {
    /// `talent` or `enterprise`.
    pub kind: String,
    pub submission: SubmissionEntry,
    pub display_name: String,
    /// The fields as the owner typed them (officers see identity numbers whole).
    #[schema(value_type = Object)]
    pub input: serde_json::Value,
    /// What the checks say of the fields now, if anything is wrong.
    pub problems: Vec<crate::api::FieldMessage>,
    pub documents: Vec<DocumentView>,
}

/// A submission with its fields, their problems and documents (officers; as
/// `/officer/submissions/{id}`).
#[utoipa::path(get, path = "/api/v1/submissions/{id}", tag = "verification", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")),
    responses((status = 200, body = SubmissionDetail), (status = 401, body = Answers), (status = 403, body = Answers), (status = 404, body = Answers)))]
pub(crate) async fn submission(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<SubmissionDetail>, AppError> {
    ctx.require(Role::Officer)?;
    let store = state.store();
    let documents = store.documents_of_submission(id).await?;
    let to_value =
        |v: serde_json::Result<serde_json::Value>| v.map_err(|e| AppError::Internal(e.into()));
    let (kind, entry_of, display_name, input, problems) =
        if store.submission_kind(id).await? == "enterprise" {
            let s = store.enterprise_submission(id).await?;
            let problems = s
                .input
                .parse(&state.settings().industries, &state.settings().districts)
                .err();
            (
                "enterprise",
                entry(&s),
                s.display_name.clone(),
                to_value(serde_json::to_value(&s.input))?,
                problems,
            )
        } else {
            let s = store.talent_submission(id).await?;
            let problems = s
                .input
                .parse(&state.settings().honors, crate::pages::talent::today())
                .err();
            (
                "talent",
                entry(&s),
                s.display_name.clone(),
                to_value(serde_json::to_value(&s.input))?,
                problems,
            )
        };
    Ok(Json(SubmissionDetail {
        kind: kind.into(),
        submission: entry_of,
        display_name,
        input,
        problems: problems
            .map(|errors| crate::api::field_messages(&errors, ctx.locale))
            .unwrap_or_default(),
        documents: documents.iter().map(document_view).collect(),
    }))
}

/// What a verification made.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct VerifiedView {
    /// `talent` or `enterprise`.
    pub kind: String,
    /// The verified record's id (a talent's entitlements and card follow at once).
    pub record_id: i64,
}

/// Verifies a submitted record after checking every field again (officers). Refused (422)
/// with the fields to correct, or when another record holds its identity number or credit
/// code, or the submission does not await a decision.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/verify", tag = "verification", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")),
    responses((status = 200, body = VerifiedView), (status = 401, body = Answers), (status = 403, body = Answers), (status = 404, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<VerifiedView>, AppError> {
    ctx.require(Role::Officer)?;
    let verified = profiles::verify_submission(
        state.store(),
        state.policies(),
        crate::pages::review::verify_rules(&state),
        id,
        &ctx.actor(),
    )
    .await
    .map_err(|error| match error {
        VerifyError::Invalid(fields) | VerifyError::Conflict(fields) => AppError::Invalid(fields),
        VerifyError::Failed(error) => error.into(),
    })?;
    Ok(Json(match verified {
        Verified::Talent(id) => VerifiedView {
            kind: "talent".into(),
            record_id: id,
        },
        Verified::Enterprise(id) => VerifiedView {
            kind: "enterprise".into(),
            record_id: id,
        },
    }))
}
