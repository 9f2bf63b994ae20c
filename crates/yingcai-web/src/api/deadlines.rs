//! Answer-by dates over the API, the same as the pages show them: requests for documents
//! (an officer's return of a submission, the officers' queue, the owner's open submission)
//! and apartment offers. Every date is counted in working days on the official calendar
//! and given as Unix milliseconds (the end of the last working day, Beijing time).

use axum::Json;
use axum::extract::{Query, State};
use yingcai_domain::Role;
use yingcai_store::{QueueFilter, Submission, SubmissionStatus};

use crate::context::{Id, JsonBody};
use crate::{AppError, AppState, Ctx};

/// A submission with its request for documents, if it was returned.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SubmissionView {
    pub submission_id: i64,
    /// `talent` or `enterprise`.
    pub kind: String,
    pub display_name: String,
    pub district: String,
    #[schema(value_type = String, example = "returned")]
    pub status: SubmissionStatus,
    /// The officer's reason for returning it (what to send or correct).
    pub reason: Option<String>,
    pub submitted_at: Option<i64>,
    /// Returned: the end of the last working day to answer (Unix ms); null when none was
    /// set (returned before answer-by dates, or the calendar lacked the year).
    pub respond_by: Option<i64>,
    /// Returned and `respond_by` has passed. Nothing happens on its own: it is shown.
    pub overdue: bool,
}

fn view<T>(kind: &str, s: &Submission<T>, now: i64) -> SubmissionView {
    SubmissionView {
        submission_id: s.submission_id,
        kind: kind.to_owned(),
        display_name: s.display_name.clone(),
        district: s.district.clone(),
        status: s.status,
        reason: s.reason.clone(),
        submitted_at: s.submitted_at,
        respond_by: (s.status == SubmissionStatus::Returned)
            .then_some(s.respond_by)
            .flatten(),
        overdue: s.answer_overdue(now),
    }
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct QueueParams {
    /// `submitted` (default), `returned`, `draft` or `verified`.
    status: Option<String>,
    /// `talent` (default) or `enterprise`.
    kind: Option<String>,
}

/// The officers' verification queue (as `/officer/submissions`), oldest waiting first, with
/// each returned submission's answer-by date.
#[utoipa::path(get, path = "/api/v1/submissions", tag = "verification", security(("bearer" = [])),
    params(QueueParams),
    responses((status = 200, body = Vec<SubmissionView>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueParams>,
) -> Result<Json<Vec<SubmissionView>>, AppError> {
    ctx.require(Role::Officer)?;
    let status = match q.status.as_deref() {
        None | Some("") => SubmissionStatus::Submitted,
        Some(raw) => raw.parse().map_err(|_| {
            AppError::Invalid(yingcai_domain::FieldError::new("status", "invalid").into())
        })?,
    };
    let kind = match q.kind.as_deref() {
        Some("enterprise") => "enterprise",
        _ => "talent",
    };
    let filter = QueueFilter {
        status: Some(status),
        limit: 200,
        ..QueueFilter::default()
    };
    let now = yingcai_store::now_ms();
    let rows = state
        .store()
        .queue_of::<serde_json::Value>(kind, &filter)
        .await?;
    Ok(Json(rows.iter().map(|s| view(kind, s, now)).collect()))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ReturnRequest {
    /// What the owner must send or correct (at most 1,000 characters).
    pub reason: String,
}

/// What a return recorded.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReturnedView {
    pub submission_id: i64,
    /// The end of the last working day to answer (Unix ms); null when the calendar has no
    /// data for its year (see `calendar_missing_year`).
    pub respond_by: Option<i64>,
    /// The year an administrator must add to the working calendar for the date to be
    /// counted; the submission was returned all the same.
    pub calendar_missing_year: Option<i32>,
}

/// Returns a submitted record to its owner asking for documents or corrections, with an
/// answer-by date of `web.document_request_working_days` working days (officers).
#[utoipa::path(post, path = "/api/v1/submissions/{id}/return", tag = "verification", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Submission id")), request_body = ReturnRequest,
    responses((status = 200, body = ReturnedView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn return_submission(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<ReturnedView>, AppError> {
    ctx.require(Role::Officer)?;
    let request: ReturnRequest = body.parse()?;
    yingcai_services::verification::check_reason(&request.reason)
        .map_err(|e| AppError::Invalid(e.into()))?;
    let calendar =
        yingcai_services::work_calendar::calendar(state.store(), &state.settings().work_hours())
            .await?;
    let returned = yingcai_services::verification::return_submission(
        state.store(),
        &calendar,
        state.settings().document_request_working_days,
        id,
        &request.reason,
        yingcai_store::now_ms(),
        &ctx.actor(),
    )
    .await?;
    Ok(Json(ReturnedView {
        submission_id: id,
        respond_by: returned.respond_by,
        calendar_missing_year: returned.calendar_missing,
    }))
}

/// The caller's open submissions (a talent record, an enterprise record), with the
/// officer's reason and answer-by date when one was returned.
#[utoipa::path(get, path = "/api/v1/me/submissions", tag = "verification", security(("bearer" = [])),
    responses((status = 200, body = Vec<SubmissionView>), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<SubmissionView>>, AppError> {
    let account = ctx.signed_in()?;
    let now = yingcai_store::now_ms();
    let store = state.store();
    let mut out = Vec::new();
    if let Some(s) = store.open_talent_submission(account.account_id).await? {
        out.push(view("talent", &s, now));
    }
    if let Some(s) = store.open_enterprise_submission(account.account_id).await? {
        out.push(view("enterprise", &s, now));
    }
    Ok(Json(out))
}

/// An apartment offer to the caller.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OfferView {
    pub offer_id: i64,
    pub round_id: i64,
    pub complex_name: String,
    pub unit_number: String,
    /// `pending`, `accepted`, `declined` or `expired`.
    #[schema(value_type = String, example = "pending")]
    pub status: yingcai_domain::OfferStatus,
    pub offered_at: i64,
    /// The end of the last working day to answer (Unix ms): the round's
    /// `response_working_days` working days after the day of the offer.
    pub respond_by: i64,
    /// Monthly rent in fen.
    pub rent_fen: i64,
}

/// The caller's apartment offers, newest first (as `/talent/housing`).
#[utoipa::path(get, path = "/api/v1/me/housing-offers", tag = "verification", security(("bearer" = [])),
    responses((status = 200, body = Vec<OfferView>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn my_offers(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<OfferView>>, AppError> {
    let account = ctx.require(Role::Talent)?;
    let Some(talent) = state.store().talent_of_owner(account.account_id).await? else {
        return Ok(Json(Vec::new()));
    };
    let offers = state.store().offers_of_talent(talent.talent_id).await?;
    Ok(Json(
        offers
            .into_iter()
            .map(|o| OfferView {
                offer_id: o.offer_id,
                round_id: o.round_id,
                complex_name: o.complex_name,
                unit_number: o.unit_number,
                status: o.status,
                offered_at: o.offered_at,
                respond_by: o.respond_by,
                rent_fen: o.rent_fen,
            })
            .collect(),
    ))
}
