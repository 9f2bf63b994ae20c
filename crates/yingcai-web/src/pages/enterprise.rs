//! An enterprise's own record (draft and submit for verification) and its talents.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use yingcai_domain::{EnterpriseInput, Role};
use yingcai_store::SubmissionStatus;

use super::errors_value;
use super::forms::EnterpriseProfileForm;
use crate::context::CsrfForm;
use crate::render::page_with_status;
use crate::{AppError, AppState, Ctx};

async fn render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: Option<&EnterpriseInput>,
    errors: Option<Value>,
    saved: bool,
) -> Result<Response, AppError> {
    let account = ctx.require(Role::Enterprise)?;
    let verified = state
        .store()
        .enterprise_of_owner(account.account_id)
        .await?;
    let open = state
        .store()
        .open_enterprise_submission(account.account_id)
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
    let input = match (form, &open, &verified) {
        (Some(form), _, _) => form.clone(),
        (None, Some(open), _) => open.input.clone(),
        (None, None, Some(record)) => EnterpriseInput::from(&record.profile),
        (None, None, None) => EnterpriseInput::default(),
    };
    // An enterprise sees its talents masked: identity numbers are for their owners and officers.
    let talents: Vec<Value> = match &verified {
        Some(record) => state
            .store()
            .talents_of_enterprise(record.enterprise_id)
            .await?
            .iter()
            .map(|t| context! { name => t.profile.name, resident_id => t.profile.resident_id.masked(), degree => t.profile.degree.code(), arrival_date => t.profile.arrival_date.to_string() })
            .collect(),
        None => Vec::new(),
    };
    page_with_status(
        state,
        ctx,
        status,
        "enterprise_profile.html",
        context! {
            form => input,
            errors => errors,
            saved => saved,
            industries => state.settings().industries.clone(),
            districts => state.settings().districts.clone(),
            open => open.as_ref().map(|o| context! {
                status => o.status.as_str(),
                status_label => o.status.label_id(),
                returned => o.status == SubmissionStatus::Returned,
                reason => o.reason,
                respond_by => (o.status == SubmissionStatus::Returned).then_some(o.respond_by).flatten().map(super::cases::beijing_minute),
                overdue => o.answer_overdue(yingcai_store::now_ms()),
            }),
            verified => verified.is_some(),
                        talents => talents,
            documents => documents,
            editable => open.as_ref().is_none_or(|o| o.status != SubmissionStatus::Submitted),
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
    render(&state, &ctx, StatusCode::OK, None, None, q.saved.is_some()).await
}

pub(crate) async fn save_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<EnterpriseProfileForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Enterprise)?;
    let input = form.input();
    match yingcai_services::profiles::save_enterprise_profile(
        state.store(),
        &state.settings().industries,
        &state.settings().districts,
        &ctx.actor(),
        &input,
        form.submitting(),
    )
    .await
    {
        Ok(_) => {}
        Err(yingcai_services::Error::Invalid(errors)) => {
            return render(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&input),
                Some(errors_value(&errors)),
                false,
            )
            .await;
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to("/enterprise/profile?saved=1").into_response())
}

/// Attaches a document to the enterprise's open submission (starting a draft if needed).
pub(crate) async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    let account = ctx.require(Role::Enterprise)?.clone();
    let refuse = |code: &'static str| {
        let errors = errors_value(&yingcai_domain::FieldError::new("document", code).into());
        (errors, code)
    };
    let upload = match super::talent::read_document(&state, &ctx, request).await {
        Ok(upload) => upload,
        Err(refusal) => {
            let code = refusal.code()?;
            return render(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(refuse(code).0),
                false,
            )
            .await;
        }
    };
    match yingcai_services::profiles::attach_enterprise_document(
        state.store(),
        std::path::Path::new(&state.settings().documents_dir),
        account.account_id,
        &ctx.actor(),
        upload.name,
        upload.bytes,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/enterprise/profile?saved=1").into_response()),
        Err(yingcai_services::Error::Invalid(errors)) => {
            render(
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

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role;
    vec![
        get(
            "/enterprise/profile",
            Access::Role(Role::Enterprise),
            profile,
        ),
        post(
            "/enterprise/profile",
            Access::Role(Role::Enterprise),
            save_profile,
        ),
        post(
            "/enterprise/profile/documents",
            Access::Role(Role::Enterprise),
            attach,
        )
        .body_limit(crate::documents::MAX_BODY),
    ]
}
