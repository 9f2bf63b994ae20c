//! A talent's own record: the form (draft and submit), its status and history.

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use yingcai_domain::{Role, TalentInput};
use yingcai_store::{SubmissionStatus, TalentSubmission};

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

/// The record rules of this site's settings.
pub(crate) fn record_rules(state: &AppState) -> yingcai_services::profiles::RecordRules<'_> {
    yingcai_services::profiles::RecordRules {
        honors: &state.settings().honors,
        districts: &state.settings().districts,
        today: today(),
    }
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
    let input = form.input();
    match yingcai_services::profiles::save_talent_profile(
        state.store(),
        record_rules(&state),
        &ctx.actor(),
        input.clone(),
        &form.district,
        form.submitting(),
    )
    .await
    {
        Ok(_) => {}
        Err(yingcai_services::Error::Invalid(errors)) => {
            return render_profile(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((&input, form.district.as_str())),
                Some(errors_value(&errors)),
                false,
            )
            .await;
        }
        Err(other) => return Err(other.into()),
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

/// Why an uploaded document could not be read (what it holds is checked by the service).
#[derive(Debug)]
pub(crate) enum DocumentError {
    /// No file (or an unreadable form).
    Missing,
    /// Over the size limit.
    TooLarge,
    /// Reading the request failed on our side.
    Failed(AppError),
}

impl DocumentError {
    /// Every code a document that could not be read answers (for the translations test).
    #[cfg(test)]
    pub(crate) const CODES: &'static [&'static str] = &["required", "document-too-large"];

    /// The code (`err-<code>`) a person can act on, or the failure behind the refusal.
    pub(crate) fn code(self) -> Result<&'static str, AppError> {
        match self {
            DocumentError::Missing => Ok("required"),
            DocumentError::TooLarge => Ok("document-too-large"),
            DocumentError::Failed(error) => Err(error),
        }
    }
}

/// Reads an uploaded document's file, keeping at most the document limit.
pub(crate) async fn read_document(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
) -> Result<super::import::Upload, DocumentError> {
    match super::import::read_upload(ctx, request, state, crate::documents::MAX_DOCUMENT).await {
        Ok(upload) => Ok(upload),
        Err(AppError::Invalid(errors)) => {
            Err(if errors.for_field("file") == Some("file-too-large") {
                DocumentError::TooLarge
            } else {
                DocumentError::Missing
            })
        }
        Err(other) => Err(DocumentError::Failed(other)),
    }
}

/// Attaches a document (PDF, JPEG or PNG by content) to the talent's open submission,
/// starting a draft from the verified record if there is none.
pub(crate) async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<Response, AppError> {
    let account = ctx.require(Role::Talent)?.clone();
    let upload = match read_document(&state, &ctx, request).await {
        Ok(upload) => upload,
        Err(refusal) => return refuse_document(&state, &ctx, refusal.code()?).await,
    };
    match yingcai_services::profiles::attach_talent_document(
        state.store(),
        std::path::Path::new(&state.settings().documents_dir),
        account.account_id,
        &ctx.actor(),
        upload.name,
        upload.bytes,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/talent/profile?saved=1").into_response()),
        Err(yingcai_services::Error::Invalid(errors)) => {
            render_profile(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(errors_value(&errors)),
                false,
            )
            .await
        }
        Err(other) => Err(other.into()),
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
    yingcai_services::profiles::detach_document(state.store(), &ctx.actor(), id).await?;
    Ok(Redirect::to(back).into_response())
}

/// A document, for its owner and for officers; for anyone else it does not exist.
pub(crate) async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    let account = ctx.signed_in()?;
    let (document, bytes) = yingcai_services::profiles::readable_document(
        state.store(),
        std::path::Path::new(&state.settings().documents_dir),
        account.account_id,
        account.has_role(Role::Officer),
        id,
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
