//! The caller's notifications over the API: the same list as `/notifications`, in the
//! caller's language, and marking them read.

use axum::Json;
use axum::extract::{Query, State};

use crate::context::JsonBody;
use crate::pages::cases::case_number;
use crate::pages::notifications::notice_text;
use crate::{AppError, AppState, Ctx};

/// One notification. Instants are Unix milliseconds.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub notification_id: i64,
    /// `case-opened`, `case-reply`, `case-waiting`, `case-resolved`, `case-requester-reply`,
    /// `case-reopened`, `case-transferred`, `case-due-soon`, `case-breached` or
    /// `case-rating-reminder`.
    #[schema(value_type = String, example = "case-reply")]
    pub kind: yingcai_store::NoticeKind,
    pub case_id: Option<i64>,
    /// The number people quote, e.g. `FW000042`.
    pub case_number: Option<String>,
    /// What happened, in the caller's language.
    pub text: String,
    /// The message's arguments (e.g. `title`, `clock`, `due_at`).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// The caller's notifications, newest first, and how many are unread.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NotificationList {
    pub unread: i64,
    pub notifications: Vec<NotificationView>,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct NotificationParams {
    /// At most this many (default 50, at most 500).
    limit: Option<i64>,
}

/// Which notifications to mark read.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct MarkRead {
    /// Those up to this id (the newest one the caller has shown); all if left out.
    #[serde(default)]
    pub up_to: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MarkedRead {
    /// How many were unread and are read now.
    pub marked: u64,
}

/// The caller's notifications, newest first (listing them marks none read).
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("bearer" = [])),
    params(NotificationParams),
    responses((status = 200, body = NotificationList), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NotificationParams>,
) -> Result<Json<NotificationList>, AppError> {
    let account = ctx.signed_in()?;
    let store = state.store();
    let notifications = store
        .account_notifications(account.account_id, q.limit.unwrap_or(50).clamp(1, 500))
        .await?;
    Ok(Json(NotificationList {
        unread: store
            .unread_account_notifications(account.account_id)
            .await?,
        notifications: notifications
            .iter()
            .map(|n| NotificationView {
                notification_id: n.notification_id,
                kind: n.kind,
                case_id: n.case_id,
                case_number: n.case_id.map(case_number),
                text: notice_text(n, ctx.locale),
                payload: n.payload.clone(),
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect(),
    }))
}

/// Marks the caller's notifications read (`{}`: all of them).
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", security(("bearer" = [])),
    request_body = MarkRead,
    responses((status = 200, body = MarkedRead), (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn mark_read(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Json<MarkedRead>, AppError> {
    let account = ctx.signed_in()?;
    let request: MarkRead = body.parse()?;
    let marked = state
        .store()
        .mark_account_notifications_read(account.account_id, request.up_to)
        .await?;
    Ok(Json(MarkedRead { marked }))
}

/// One request past a target, as the supervising office's list shows it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BreachView {
    pub case_id: i64,
    /// The number people quote, e.g. `FW000042`.
    pub case_number: String,
    pub title: String,
    pub team_id: i64,
    /// `response` (the first answer) or `resolution`.
    #[schema(example = "resolution")]
    pub clock: String,
    /// When the target was reached, Unix milliseconds.
    pub due_at: i64,
    /// Working minutes past the target.
    pub late_minutes: i64,
}

/// The requests past a target across all teams, most overdue first.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BreachList {
    pub breaches: Vec<BreachView>,
    /// Years the working calendar lacks, so some requests could not be read (an
    /// administrator adds them).
    pub missing_years: Vec<i32>,
}

/// Requests past their first-answer or solution target across all teams (officers): the
/// same list as `/officer/breaches`.
#[utoipa::path(get, path = "/api/v1/breaches", tag = "service-desk", security(("bearer" = [])),
    responses((status = 200, body = BreachList)))]
pub(crate) async fn breaches(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<BreachList>, AppError> {
    ctx.require(yingcai_domain::Role::Officer)?;
    let store = state.store();
    let rules = state.settings().desk_rules();
    let calendar = yingcai_services::work_calendar::calendar(store, &rules.hours).await?;
    let (breaches, missing) = yingcai_services::desk_alerts::current_breaches(
        store,
        &calendar,
        &rules,
        yingcai_store::now_ms(),
    )
    .await?;
    Ok(Json(BreachList {
        breaches: breaches
            .iter()
            .map(|b| BreachView {
                case_id: b.case.case_id,
                case_number: case_number(b.case.case_id),
                title: b.case.title.clone(),
                team_id: b.case.team_id,
                clock: b.clock.to_owned(),
                due_at: b.due_at,
                late_minutes: b.late_minutes,
            })
            .collect(),
        missing_years: missing.into_iter().collect(),
    }))
}
