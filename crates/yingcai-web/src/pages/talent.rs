//! A talent's own record: the form (draft and submit), its status and history.

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use yingcai_domain::{Role, TalentInput};
use yingcai_store::{SubmissionError, SubmissionStatus, TalentSubmission};

use super::errors_value;
use super::forms::{DetachForm, TalentProfileForm};
use crate::context::CsrfForm;
use crate::context::Id;
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx};

/// Today in China, the bound for dates on records.
pub(crate) fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
}

/// Drafts may be incomplete but not unbounded: every field is cut at 500 characters.
fn bounded(mut input: TalentInput) -> TalentInput {
    for value in [
        &mut input.name,
        &mut input.resident_id,
        &mut input.degree,
        &mut input.degree_institution,
        &mut input.degree_year,
        &mut input.honors,
        &mut input.employer_name,
        &mut input.employer_credit_code,
        &mut input.arrival_date,
        &mut input.housing,
        &mut input.home_purchase_date,
        &mut input.social_insurance_months,
        &mut input.bank_account,
        &mut input.phone,
        &mut input.email,
    ] {
        if value.chars().count() > 500 {
            *value = value.chars().take(500).collect();
        }
    }
    input
}

pub(crate) fn form_choices(state: &AppState) -> Value {
    context! {
        degrees => yingcai_domain::Degree::ALL.iter().map(|d| d.code()).collect::<Vec<_>>(),
        housings => yingcai_domain::Housing::ALL.iter().map(|h| h.code()).collect::<Vec<_>>(),
        honors => state.settings().honors.clone(),
        districts => state.settings().districts.clone(),
    }
}

fn submission_value(s: &TalentSubmission) -> Value {
    context! {
        id => s.submission_id,
        status => s.status.as_str(),
        status_label => s.status.label_id(),
        is_draft => s.status == SubmissionStatus::Draft,
        awaiting_decision => s.status == SubmissionStatus::Submitted,
        returned => s.status == SubmissionStatus::Returned,
        reason => s.reason,
        respond_by => (s.status == SubmissionStatus::Returned).then_some(s.respond_by).flatten().map(super::cases::beijing_minute),
        overdue => s.answer_overdue(yingcai_store::now_ms()),
        submitted_at => s.submitted_at.map(super::audit::beijing_time),
        decided_at => s.decided_at.map(super::audit::beijing_time),
        updated_at => super::audit::beijing_time(s.updated_at),
    }
}

async fn render_profile(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: Option<(&TalentInput, &str)>,
    errors: Option<Value>,
    saved: bool,
) -> Result<Response, AppError> {
    let account = ctx.require(Role::Talent)?;
    let verified = state.store().talent_of_owner(account.account_id).await?;
    let open = state
        .store()
        .open_talent_submission(account.account_id)
        .await?;
    let documents = match &open {
        Some(open) => {
            state
                .store()
                .documents_of_submission(open.submission_id)
                .await?
        }
        None => Vec::new(),
    };
    let (input, district) = match (form, &open, &verified) {
        (Some((input, district)), _, _) => (input.clone(), district.to_owned()),
        (None, Some(open), _) => (open.input.clone(), open.district.clone()),
        (None, None, Some(record)) => (TalentInput::from(&record.profile), String::new()),
        (None, None, None) => (
            TalentInput {
                employed_in_city: "true".into(),
                ..TalentInput::default()
            },
            String::new(),
        ),
    };
    page_with_status(
        state,
        ctx,
        status,
        "talent_profile.html",
        context! {
            form => input,
            district => district,
            choices => form_choices(state),
            errors => errors,
            saved => saved,
                        open => open.as_ref().map(submission_value),
                        documents => documents,
            employers => state.store().verified_enterprise_names(500).await?.into_iter().map(|(id, name)| context! { id => id.to_string(), name => name }).collect::<Vec<_>>(),
            editable => open.as_ref().is_none_or(|o| matches!(o.status, SubmissionStatus::Draft | SubmissionStatus::Returned)),
            verified => verified.as_ref().map(|r| context! {
                talent_id => r.talent_id,
                verified_at => super::audit::beijing_time(r.verified_at),
            }),
        },
    )
}

#[derive(serde::Deserialize)]
pub(crate) struct ProfileQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub(crate) async fn profile(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ProfileQuery>,
) -> Result<Response, AppError> {
    render_profile(&state, &ctx, StatusCode::OK, None, None, q.saved.is_some()).await
}

/// Saves the draft; with `action=submit` also checks every field and submits it.
pub(crate) async fn save_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<TalentProfileForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Talent)?;
    let input = bounded(form.input());
    let district = form.district.as_str();
    let district = if state.settings().districts.iter().any(|d| d == district) {
        district
    } else {
        ""
    };
    let submitting = form.submitting();
    // Check before saving when submitting, so a refused submission changes nothing.
    let mut checked = submitting.then(|| input.parse(&state.settings().honors, today()));
    // An employer on the platform must be a verified enterprise that exists.
    if let Some(Ok(profile)) = &checked
        && let Some(yingcai_domain::Employer::Enterprise { enterprise_id }) = &profile.employer
        && !state.store().enterprise_exists(*enterprise_id).await?
    {
        checked = Some(Err(yingcai_domain::FieldError::new(
            "employer_enterprise_id",
            "employer-unknown",
        )
        .into()));
    }
    if let Some(Err(errors)) = &checked {
        return render_profile(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((&input, district)),
            Some(errors_value(errors)),
            false,
        )
        .await;
    }
    let id = state
        .store()
        .save_talent_draft(&ctx.actor(), &input, district)
        .await?;
    if submitting {
        match state.store().submit(id, &ctx.actor()).await {
            Ok(()) => {}
            Err(wrong @ SubmissionError::WrongState { .. }) => {
                return Err(AppError::BadRequest(wrong.to_string()));
            }
            Err(SubmissionError::Store(error)) => return Err(error.into()),
        }
    }
    Ok(Redirect::to("/talent/profile?saved=1").into_response())
}

pub(crate) async fn history(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let account = ctx.require(Role::Talent)?;
    let submissions = state
        .store()
        .talent_submissions_of(account.account_id)
        .await?;
    let rows: Vec<Value> = submissions.iter().map(submission_value).collect();
    page(
        &state,
        &ctx,
        "talent_history.html",
        context! { rows => rows, any_verified => submissions.iter().any(|s| s.status == SubmissionStatus::Verified) },
    )
}

/// Why an uploaded document was not taken.
#[derive(Debug)]
pub(crate) enum DocumentError {
    /// No file (or an unreadable form).
    Missing,
    /// Over the size limit.
    TooLarge,
    /// Neither PDF, JPEG nor PNG by content.
    UnknownType,
    /// Reading the request failed on our side.
    Failed(AppError),
}

impl DocumentError {
    /// Every code a refused document answers (for the translations test).
    #[cfg(test)]
    pub(crate) const CODES: &'static [&'static str] =
        &["required", "document-too-large", "document-type"];

    /// The code (`err-<code>`) a person can act on, or the failure behind the refusal.
    pub(crate) fn code(self) -> Result<&'static str, AppError> {
        match self {
            DocumentError::Missing => Ok("required"),
            DocumentError::TooLarge => Ok("document-too-large"),
            DocumentError::UnknownType => Ok("document-type"),
            DocumentError::Failed(error) => Err(error),
        }
    }
}

/// Reads and checks an uploaded document.
pub(crate) async fn checked_document(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
) -> Result<(super::import::Upload, &'static str), DocumentError> {
    let upload =
        match super::import::read_upload(ctx, request, state, crate::documents::MAX_DOCUMENT).await
        {
            Ok(upload) => upload,
            Err(AppError::Invalid(errors)) => {
                return Err(if errors.for_field("file") == Some("file-too-large") {
                    DocumentError::TooLarge
                } else {
                    DocumentError::Missing
                });
            }
            Err(other) => return Err(DocumentError::Failed(other)),
        };
    if upload.bytes.is_empty() {
        return Err(DocumentError::Missing);
    }
    if upload.bytes.len() > crate::documents::MAX_DOCUMENT {
        return Err(DocumentError::TooLarge);
    }
    match crate::documents::media_type(&upload.bytes) {
        Some(media_type) => Ok((upload, media_type)),
        None => Err(DocumentError::UnknownType),
    }
}

/// Stores the file and attaches it to `submission_id` (the caller's, still editable).
pub(crate) async fn store_and_attach(
    state: &AppState,
    ctx: &Ctx,
    submission_id: i64,
    upload: super::import::Upload,
    media_type: &str,
) -> Result<bool, AppError> {
    let size = upload.bytes.len() as i64;
    let sha256 = crate::documents::store(
        std::path::Path::new(&state.settings().documents_dir),
        upload.bytes,
    )
    .await?;
    let document = yingcai_store::NewDocument {
        submission_id,
        sha256,
        media_type: media_type.into(),
        size_bytes: size,
        file_name: upload.name,
    };
    Ok(state
        .store()
        .attach_document(&ctx.actor(), &document)
        .await?
        .is_some())
}

/// Attaches a document (PDF, JPEG or PNG by content) to the talent's open submission,
/// starting a draft from the verified record if there is none.
pub(crate) async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<Response, AppError> {
    let account = ctx.require(Role::Talent)?.clone();
    let (upload, media_type) = match checked_document(&state, &ctx, request).await {
        Ok(checked) => checked,
        Err(refusal) => return refuse_document(&state, &ctx, refusal.code()?).await,
    };
    let open = state
        .store()
        .open_talent_submission(account.account_id)
        .await?;
    let submission_id = match open {
        Some(open) if open.status != SubmissionStatus::Submitted => open.submission_id,
        Some(_) => return refuse_document(&state, &ctx, "document-submitted").await,
        None => {
            let input = match state.store().talent_of_owner(account.account_id).await? {
                Some(record) => TalentInput::from(&record.profile),
                None => TalentInput {
                    employed_in_city: "true".into(),
                    ..TalentInput::default()
                },
            };
            state
                .store()
                .save_talent_draft(&ctx.actor(), &input, "")
                .await?
        }
    };
    if store_and_attach(&state, &ctx, submission_id, upload, media_type).await? {
        Ok(Redirect::to("/talent/profile?saved=1").into_response())
    } else {
        refuse_document(&state, &ctx, "document-submitted").await
    }
}

async fn refuse_document(
    state: &AppState,
    ctx: &Ctx,
    code: &'static str,
) -> Result<Response, AppError> {
    let errors = errors_value(&yingcai_domain::FieldError::new("document", code).into());
    render_profile(
        state,
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        Some(errors),
        false,
    )
    .await
}

/// Removes one of the caller's documents from their editable submission (talent or enterprise).
pub(crate) async fn detach(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<DetachForm>,
) -> Result<Response, AppError> {
    ctx.signed_in()?;
    let back = if form.back == "enterprise" {
        "/enterprise/profile?saved=1"
    } else {
        "/talent/profile?saved=1"
    };
    if state.store().detach_document(&ctx.actor(), id).await? {
        Ok(Redirect::to(back).into_response())
    } else {
        Err(AppError::NotFound)
    }
}

/// A document, for its owner and for officers; for anyone else it does not exist.
pub(crate) async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    let account = ctx.signed_in()?;
    let document = state.store().document(id).await?;
    if document.owner_account_id != account.account_id && !account.has_role(Role::Officer) {
        return Err(AppError::NotFound);
    }
    let bytes = crate::documents::load(
        std::path::Path::new(&state.settings().documents_dir),
        &document.sha256,
    )
    .await?;
    Ok(super::uploads::file_response(
        bytes,
        &document.media_type,
        &document.file_name,
        false,
    ))
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role;
    vec![
        get("/talent/profile", Access::Role(Role::Talent), profile),
        post("/talent/profile", Access::Role(Role::Talent), save_profile),
        get(
            "/talent/profile/history",
            Access::Role(Role::Talent),
            history,
        ),
        post(
            "/talent/profile/documents",
            Access::Role(Role::Talent),
            attach,
        )
        .body_limit(crate::documents::MAX_BODY),
        post("/documents/{id}/delete", Access::Owner, detach),
        get("/documents/{id}", Access::OfficerOrOwner, download),
    ]
}
