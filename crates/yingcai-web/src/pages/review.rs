//! The officers' verification queue: open a submission, verify it or return it with a reason.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use yingcai_domain::{Role, TalentInput};
use yingcai_store::{QueueFilter, SubmissionStatus};

use super::errors_value;
use super::forms::ReasonForm;
use super::talent::{form_choices, today};
use crate::context::CsrfForm;
use crate::context::Id;
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx};

#[derive(serde::Deserialize)]
pub(crate) struct QueueQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    district: String,
    /// Only submissions waiting at least this many days.
    #[serde(default)]
    older_than_days: String,
    /// `talent` (default) or `enterprise`.
    #[serde(default)]
    kind: String,
}

pub(crate) async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    // The default view is the work to do: submitted, oldest first.
    let status = if q.status.is_empty() {
        Some(SubmissionStatus::Submitted)
    } else {
        q.status.parse().ok()
    };
    let days: Option<i64> = q
        .older_than_days
        .trim()
        .parse()
        .ok()
        .filter(|d| *d > 0 && *d < 10_000);
    let filter = QueueFilter {
        status,
        // Only a configured district can match; anything else (a NUL byte, which PostgreSQL
        // refuses in text) filters to nothing instead of reaching the database.
        district: (!q.district.is_empty()).then(|| {
            if state.settings().districts.contains(&q.district) {
                q.district.clone()
            } else {
                String::from("-")
            }
        }),
        submitted_before: days.map(|d| yingcai_store::now_ms() - d * 86_400_000),
        limit: 200,
        offset: 0,
    };
    let kind = if q.kind == "enterprise" {
        "enterprise"
    } else {
        "talent"
    };
    let submissions = state
        .store()
        .queue_of::<serde_json::Value>(kind, &filter)
        .await?;
    let now = yingcai_store::now_ms();
    let rows: Vec<_> = submissions
        .iter()
        .map(|s| {
            context! {
                id => s.submission_id,
                name => s.display_name,
                district => s.district,
                status => s.status.as_str(),
                status_label => s.status.label_id(),
                submitted_at => s.submitted_at.map(super::audit::beijing_time),
                waiting_days => s.submitted_at.map(|t| (now - t) / 86_400_000),
                is_change => s.subject_id.is_some(),
                respond_by => answer_by(s.status, s.respond_by),
                overdue => s.answer_overdue(now),
            }
        })
        .collect();
    page(
        &state,
        &ctx,
        "officer_queue.html",
        context! {
            rows => rows,
            district => q.district,
            older_than_days => q.older_than_days,
            districts => state.settings().districts.clone(),
            statuses => super::status_options(
                &[SubmissionStatus::Submitted, SubmissionStatus::Returned, SubmissionStatus::Draft, SubmissionStatus::Verified],
                status,
                |s| (s.as_str(), s.label_id()),
            ),
            kind => kind,
        },
    )
}

/// A returned submission's answer-by date for people (Beijing time, to the minute).
fn answer_by(status: SubmissionStatus, respond_by: Option<i64>) -> Option<String> {
    (status == SubmissionStatus::Returned)
        .then_some(respond_by)
        .flatten()
        .map(super::cases::beijing_minute)
}

/// After a return (`?done=returned`), what the officer is told: the answer-by date, or
/// that the calendar lacks the year (`&missing=YYYY`).
#[derive(serde::Deserialize, Default)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    missing: String,
}

impl DoneQuery {
    fn value(&self) -> minijinja::Value {
        let returned = self.done == "returned";
        // Shown only, never stored: a year outside the calendar's range is dropped.
        let missing = self
            .missing
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y) && returned);
        context! { returned_done => returned, calendar_missing => missing }
    }
}

/// The label of a talent record's field, as the review table names it.
fn field_label(field: &str) -> &'static str {
    match field {
        "name" => "field-talent-name",
        "resident_id" | "birth_date" => "field-resident-id",
        "degree" => "field-degree",
        "degree_institution" => "field-degree-institution",
        "degree_year" => "field-degree-year",
        "honors" => "field-honors",
        "employer_credit_code" => "field-employer-credit-code",
        "arrival_date" => "field-arrival-date",
        "employed_in_city" => "field-employed-in-city",
        "social_insurance_months" => "field-social-insurance-months",
        "housing" => "field-housing",
        "home_purchase_date" => "field-home-purchase-date",
        "bank_account" => "field-bank-account",
        "phone" => "field-phone",
        "email" => "field-contact-email",
        _ => "field-employer-name",
    }
}

/// A talent record's fields as the officer reads them: an employer picked from the
/// platform's enterprises shows as that enterprise's name and credit code.
async fn shown(state: &AppState, input: &TalentInput) -> Result<serde_json::Value, AppError> {
    let mut value = serde_json::to_value(input).map_err(|e| AppError::Internal(e.into()))?;
    if let Ok(id) = input.employer_enterprise_id.trim().parse::<i64>()
        && let Ok(enterprise) = state.store().enterprise(id).await
    {
        value["employer_name"] = enterprise.profile.name.clone().into();
        value["employer_credit_code"] = enterprise.profile.credit_code.as_str().into();
    }
    Ok(value)
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    status: StatusCode,
    errors: Option<minijinja::Value>,
    done: minijinja::Value,
) -> Result<Response, AppError> {
    let submission = state.store().talent_submission(id).await?;
    let now = yingcai_store::now_ms();
    let verified = match submission.subject_id {
        Some(talent_id) => Some(
            shown(
                state,
                &TalentInput::from(&state.store().talent(talent_id).await?.profile),
            )
            .await?,
        ),
        None => None,
    };
    // The officer sees what the submission would make of the record, checked now, each
    // problem under the field's own name.
    let check = submission
        .input
        .parse(&state.settings().honors, today())
        .err()
        .map(|errors| {
            errors
                .iter()
                .map(|e| context! { label => field_label(e.field), code => e.code })
                .collect::<Vec<_>>()
        });
    let documents = state.store().documents_of_submission(id).await?;
    page_with_status(
        state,
        ctx,
        status,
        "officer_submission.html",
        context! {
            id => id,
            status => submission.status.as_str(),
            status_label => submission.status.label_id(),
            awaiting_decision => submission.status == SubmissionStatus::Submitted,
            name => submission.display_name,
            district => submission.district,
            reason => submission.reason,
            submitted_at => submission.submitted_at.map(super::audit::beijing_time),
            respond_by => answer_by(submission.status, submission.respond_by),
            overdue => submission.answer_overdue(now),
            input => shown(state, &submission.input).await?,
            verified => verified,
            check => check,
            documents => documents,
            errors => errors,
            choices => form_choices(state),
            ..done
        },
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    if state.store().submission_kind(id).await? == "enterprise" {
        return show_enterprise_page(&state, &ctx, id, StatusCode::OK, None, q.value()).await;
    }
    show_page(&state, &ctx, id, StatusCode::OK, None, q.value()).await
}

async fn show_enterprise_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    status: StatusCode,
    errors: Option<minijinja::Value>,
    done: minijinja::Value,
) -> Result<Response, AppError> {
    let submission = state.store().enterprise_submission(id).await?;
    let now = yingcai_store::now_ms();
    let verified = match submission.subject_id {
        Some(enterprise_id) => Some(yingcai_domain::EnterpriseInput::from(
            &state.store().enterprise(enterprise_id).await?.profile,
        )),
        None => None,
    };
    let check = submission
        .input
        .parse(&state.settings().industries, &state.settings().districts)
        .err()
        .map(|e| errors_value(&e));
    let documents = state.store().documents_of_submission(id).await?;
    page_with_status(
        state,
        ctx,
        status,
        "officer_enterprise_submission.html",
        context! {
            id => id,
            status => submission.status.as_str(),
            status_label => submission.status.label_id(),
            awaiting_decision => submission.status == SubmissionStatus::Submitted,
            name => submission.display_name,
            reason => submission.reason,
            submitted_at => submission.submitted_at.map(super::audit::beijing_time),
            respond_by => answer_by(submission.status, submission.respond_by),
            overdue => submission.answer_overdue(now),
            input => submission.input,
            verified => verified,
            check => check,
            errors => errors,
            documents => documents,
            ..done
        },
    )
}

/// The verification rules of this site's settings.
pub(crate) fn verify_rules(state: &AppState) -> yingcai_services::profiles::VerifyRules<'_> {
    yingcai_services::profiles::VerifyRules {
        record: super::talent::record_rules(state),
        industries: &state.settings().industries,
        cards: state.settings().card_rules(),
    }
}

pub(crate) async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    use yingcai_services::profiles::VerifyError;
    ctx.require(Role::Officer)?;
    let enterprise = state.store().submission_kind(id).await? == "enterprise";
    let (status, errors) = match yingcai_services::profiles::verify_submission(
        state.store(),
        state.policies(),
        verify_rules(&state),
        id,
        &ctx.actor(),
    )
    .await
    {
        Ok(_) => return Ok(Redirect::to(&format!("/officer/submissions/{id}")).into_response()),
        Err(VerifyError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(VerifyError::Conflict(errors)) => (StatusCode::CONFLICT, errors),
        Err(VerifyError::Failed(error)) => return Err(error.into()),
    };
    let errors = Some(errors_value(&errors));
    if enterprise {
        show_enterprise_page(&state, &ctx, id, status, errors, context! {}).await
    } else {
        show_page(&state, &ctx, id, status, errors, context! {}).await
    }
}

/// Returns a submission to its owner asking for documents or corrections, with an
/// answer-by date of `web.document_request_working_days` working days. When the calendar
/// lacks the year of that date the return is made all the same (an officer's request must
/// not wait on the calendar) and the officer is told which year an administrator must add.
pub(crate) async fn send_back(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let kind = state.store().submission_kind(id).await?;
    let refused = |errors: minijinja::Value, status: StatusCode| {
        let (state, ctx) = (&state, &ctx);
        let kind = kind.clone();
        async move {
            if kind == "enterprise" {
                show_enterprise_page(state, ctx, id, status, Some(errors), context! {}).await
            } else {
                show_page(state, ctx, id, status, Some(errors), context! {}).await
            }
        }
    };
    if let Err(error) = yingcai_services::verification::check_reason(&form.reason) {
        return refused(
            errors_value(&error.into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let calendar =
        yingcai_services::work_calendar::calendar(state.store(), &state.settings().work_hours())
            .await?;
    match yingcai_services::verification::return_submission(
        state.store(),
        &calendar,
        state.settings().document_request_working_days,
        id,
        &form.reason,
        yingcai_store::now_ms(),
        &ctx.actor(),
    )
    .await
    {
        Ok(returned) => {
            let missing = returned
                .calendar_missing
                .map(|y| format!("&missing={y}"))
                .unwrap_or_default();
            Ok(
                Redirect::to(&format!("/officer/submissions/{id}?done=returned{missing}"))
                    .into_response(),
            )
        }
        Err(yingcai_services::Error::Invalid(errors)) => {
            refused(errors_value(&errors), StatusCode::CONFLICT).await
        }
        Err(other) => Err(other.into()),
    }
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role;
    vec![
        get("/officer/submissions", Access::Role(Role::Officer), queue),
        get(
            "/officer/submissions/{id}",
            Access::Role(Role::Officer),
            show,
        ),
        post(
            "/officer/submissions/{id}/verify",
            Access::Role(Role::Officer),
            verify,
        ),
        post(
            "/officer/submissions/{id}/return",
            Access::Role(Role::Officer),
            send_back,
        ),
    ]
}
