//! A talent's own record: the form (draft and submit), its status and history.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use yingcai_domain::{Role, TalentInput};
use yingcai_store::{SubmissionStatus, TalentSubmission};

use super::errors_value;
use crate::context::CsrfForm;
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx};

/// Today in China, the bound for dates on records.
pub(crate) fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
}

pub(crate) fn input_from_form(form: &CsrfForm) -> TalentInput {
    let field = |name: &str| form.get(name).to_owned();
    TalentInput {
        name: field("name"),
        resident_id: field("resident_id"),
        birth_date: String::new(),
        degree: field("degree"),
        degree_institution: field("degree_institution"),
        degree_year: field("degree_year"),
        honors: field("honors"),
        employer_enterprise_id: String::new(),
        employer_name: field("employer_name"),
        employer_credit_code: field("employer_credit_code"),
        arrival_date: field("arrival_date"),
        // An unticked checkbox sends nothing: that is "no".
        employed_in_city: if form.get("employed_in_city").is_empty() {
            "false".into()
        } else {
            "true".into()
        },
        housing: field("housing"),
        home_purchase_date: field("home_purchase_date"),
        social_insurance_months: field("social_insurance_months"),
        bank_account: field("bank_account"),
        phone: field("phone"),
        email: field("email"),
    }
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
        reason => s.reason,
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
    form: CsrfForm,
) -> Result<Response, AppError> {
    ctx.require(Role::Talent)?;
    let input = bounded(input_from_form(&form));
    let district = form.get("district");
    let district = if state.settings().districts.iter().any(|d| d == district) {
        district
    } else {
        ""
    };
    let submitting = form.get("action") == "submit";
    // Check before saving when submitting, so a refused submission changes nothing.
    let checked = submitting.then(|| input.parse(&state.settings().honors, today()));
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
        match state.store().submit(id, &ctx.actor()).await? {
            Ok(()) => {}
            Err(wrong) => return Err(AppError::BadRequest(wrong.to_string())),
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
