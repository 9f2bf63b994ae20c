//! The service teams' case desk over the API: the same operations as the pages
//! (`pages::cases`), through the same service functions and refusals.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use yingcai_domain::Role;
use yingcai_domain::status::CaseStatus;
use yingcai_services::service_desk::{self, CaseInput, Standing};
use yingcai_store::{CaseFilter, CaseRecord};

use crate::context::{Id, JsonBody};
use crate::pages::cases::caller;
use crate::{AppError, AppState, Ctx};

/// A case as the API shows it. Instants are Unix milliseconds; targets and spent times are
/// working minutes on the official calendar.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub case_id: i64,
    pub team_id: i64,
    pub enterprise_id: Option<i64>,
    /// One of the site's categories (`GET /api/v1/service-categories`).
    pub category: String,
    pub title: String,
    pub description: String,
    #[schema(value_type = String, example = "in_progress")]
    pub status: CaseStatus,
    pub opened_at: i64,
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub response_target: i64,
    pub resolution_target: i64,
    pub response_spent: Option<i64>,
    pub resolution_spent: Option<i64>,
    pub reopen_count: i64,
    pub rating: Option<u8>,
    pub rating_comment: Option<String>,
}

impl From<&CaseRecord> for CaseView {
    fn from(c: &CaseRecord) -> Self {
        CaseView {
            case_id: c.case_id,
            team_id: c.team_id,
            enterprise_id: c.enterprise_id,
            category: c.category.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            status: c.status,
            opened_at: c.opened_at,
            first_response_at: c.first_response_at,
            resolved_at: c.resolved_at,
            closed_at: c.closed_at,
            response_target: c.response_target,
            resolution_target: c.resolution_target,
            response_spent: c.response_spent,
            resolution_spent: c.resolution_spent,
            reopen_count: c.reopen_count,
            rating: c.rating,
            rating_comment: c.rating_comment.clone(),
        }
    }
}

/// One case with its history (the team's notes only for officers), its clocks and what
/// the caller may do next.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    pub case: CaseView,
    /// `requester`, `team_officer` or `supervisor`.
    pub standing: String,
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<yingcai_store::CaseEvent>,
    /// `{response, resolution}` readings (spent, target, remaining, due, state, standing),
    /// or `null` when the calendar lacks a year (see `calendar_missing_year`).
    #[schema(value_type = Option<Object>)]
    pub clocks: Option<yingcai_casedesk::Clocks>,
    pub calendar_missing_year: Option<i32>,
    /// The actions the caller may take now (`POST /api/v1/cases/{id}/actions`).
    pub actions: Vec<String>,
    /// The case's files the caller may see (`POST /api/v1/cases/{id}/attachments` adds).
    pub attachments: Vec<crate::api::case_files::AttachmentView>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct CaseRequest {
    /// A category code.
    pub category: String,
    #[schema(min_length = 1, max_length = 120)]
    pub title: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub description: String,
    /// Raise it even though open cases of the caller look the same.
    #[serde(default)]
    pub despite_duplicates: bool,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ActionRequest {
    /// `accept`, `start`, `wait_requester`, `wait_bureau`, `resume`, `resolve`, `close`,
    /// `reopen`, `reply` or `note`.
    pub action: String,
    /// A reply the requester reads (an internal note for `note`); required for `reply` and
    /// `note`.
    #[serde(default)]
    pub message: String,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RatingRequest {
    #[schema(minimum = 1, maximum = 5)]
    pub rating: u8,
    #[serde(default)]
    pub comment: String,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TransferRequest {
    pub team_id: i64,
    pub reason: String,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TargetsRequest {
    /// Working minutes.
    pub response_minutes: i64,
    pub resolution_minutes: i64,
    pub reason: String,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ItemRequest {
    pub text: String,
    /// An officer of the case's team.
    pub owner_account_id: Option<i64>,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ItemDone {
    pub item_id: i64,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct CaseListParams {
    /// Officers: a team's ledger instead of the caller's own cases.
    team: Option<i64>,
    /// Only this status.
    status: Option<String>,
    /// Words in the title or description.
    q: Option<String>,
    /// Only cases with a lower id (the last id of the previous page).
    before: Option<i64>,
    limit: Option<i64>,
}

/// The caller's own cases, or (officers, with `team`) a team's ledger; newest first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "service-desk", security(("bearer" = [])),
    params(CaseListParams),
    responses((status = 200, body = Vec<CaseView>), (status = 401, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CaseListParams>,
) -> Result<Json<Vec<CaseView>>, AppError> {
    let caller = caller(&ctx)?;
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<CaseStatus>()
                .map_err(|_| AppError::field("status", "value-invalid"))?,
        ),
    };
    let mut filter = CaseFilter {
        statuses: status.into_iter().collect(),
        text: q.q,
        before_id: q.before,
        limit: q.limit.unwrap_or(50).clamp(1, 500),
        ..Default::default()
    };
    match q.team {
        Some(team) if caller.officer => filter.team_id = Some(team),
        Some(_) => return Err(AppError::field("team", "case-not-your-team")),
        None => filter.requester_account_id = Some(caller.account_id),
    }
    let cases = state.store().cases(&filter).await?;
    Ok(Json(cases.iter().map(CaseView::from).collect()))
}

/// Raises a case with the team that serves the caller (talents and enterprises): as JSON,
/// or as a multipart form with the same fields and files in `files` (see
/// `POST /api/v1/cases/{id}/attachments` for what is accepted). Answers 201 with the case,
/// or 200 with `possible_duplicates` (nothing written, no file kept) when open cases of the
/// caller look the same: send again with `despite_duplicates` to go ahead.
#[utoipa::path(post, path = "/api/v1/cases", tag = "service-desk", security(("bearer" = [])),
    request_body(content((CaseRequest = "application/json"), (crate::api::case_files::CaseUpload = "multipart/form-data"))),
    responses((status = 201, body = Object), (status = 200, body = Object), (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn raise(
    State(state): State<AppState>,
    ctx: Ctx,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let (request, uploads) = crate::api::case_files::case_request(&state, &ctx, request).await?;
    let account = ctx.signed_in()?;
    if !account.roles.contains(Role::Talent) && !account.roles.contains(Role::Enterprise) {
        return Err(AppError::field("category", "case-requester-only"));
    }
    let raised = service_desk::raise_case_with_files(
        state.store(),
        &caller,
        &CaseInput {
            category: request.category,
            title: request.title,
            description: request.description,
            despite_duplicates: request.despite_duplicates,
        },
        yingcai_services::case_attachments::Files {
            dir: std::path::Path::new(&state.settings().documents_dir),
            uploads,
        },
        yingcai_store::now_ms(),
    )
    .await?;
    let status = match raised {
        service_desk::Raised::Opened { .. } => StatusCode::CREATED,
        service_desk::Raised::PossibleDuplicates { .. } => StatusCode::OK,
    };
    Ok((status, Json(raised)).into_response())
}

/// One case: for its requester, the officers of its team, and (read-only) other officers.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<CaseDetail>, AppError> {
    let caller = caller(&ctx)?;
    let store = state.store();
    let (case, standing) = service_desk::case_for(store, &caller, id).await?;
    let rules = state.settings().desk_rules();
    let calendar = yingcai_services::work_calendar::calendar(store, &rules.hours).await?;
    let clocks =
        service_desk::clocks_of(store, &calendar, &rules, &case, yingcai_store::now_ms()).await?;
    let events = store
        .case_events(id, standing != Standing::Requester)
        .await?;
    let actions = service_desk::actions_for(&case, standing, &rules)
        .into_iter()
        .map(|a| service_desk::action_name(a).to_owned())
        .collect();
    let attachments = yingcai_services::case_attachments::list(store, standing, id)
        .await?
        .iter()
        .map(crate::api::case_files::AttachmentView::from)
        .collect();
    let (clocks, missing) = match clocks {
        service_desk::Counted::Known(c) => (Some(c), None),
        service_desk::Counted::YearMissing(year) => (None, Some(year)),
    };
    Ok(Json(CaseDetail {
        case: CaseView::from(&case),
        standing: match standing {
            Standing::Requester => "requester",
            Standing::TeamOfficer => "team_officer",
            Standing::Supervisor => "supervisor",
        }
        .to_owned(),
        events,
        clocks,
        calendar_missing_year: missing,
        actions,
        attachments,
    }))
}

async fn detail(state: AppState, ctx: Ctx, id: i64) -> Result<Json<CaseDetail>, AppError> {
    get_one(State(state), ctx, Id(id)).await
}

/// Takes an action on a case (the same rules as the page's buttons).
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")), request_body = ActionRequest,
    responses((status = 200, body = CaseDetail), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<CaseDetail>, AppError> {
    let caller = caller(&ctx)?;
    service_desk::case_for(state.store(), &caller, id).await?;
    let request: ActionRequest = body.parse()?;
    let action = service_desk::parse_action(request.action.trim())
        .ok_or(AppError::field("action", "case-action-not-allowed"))?;
    let rules = state.settings().desk_rules();
    let calendar = yingcai_services::work_calendar::calendar(state.store(), &rules.hours).await?;
    service_desk::act(
        state.store(),
        &calendar,
        &rules,
        &caller,
        id,
        action,
        &request.message,
        yingcai_store::now_ms(),
    )
    .await?;
    detail(state, ctx, id).await
}

/// The requester rates a resolved case (once per resolution).
#[utoipa::path(post, path = "/api/v1/cases/{id}/rating", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")), request_body = RatingRequest,
    responses((status = 200, body = CaseDetail), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn rate(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<CaseDetail>, AppError> {
    let caller = caller(&ctx)?;
    // Someone else's case does not exist for the caller, whatever the body says.
    service_desk::case_for(state.store(), &caller, id).await?;
    let request: RatingRequest = body.parse()?;
    service_desk::rate(
        state.store(),
        &caller,
        id,
        &request.rating.to_string(),
        &request.comment,
    )
    .await?;
    detail(state, ctx, id).await
}

/// Moves a case to another team (officers of its team); history and clocks go with it.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transfer", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")), request_body = TransferRequest,
    responses((status = 200, body = CaseDetail), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<CaseDetail>, AppError> {
    let caller = caller(&ctx)?;
    // Someone else's case does not exist for the caller, whatever the body says.
    service_desk::case_for(state.store(), &caller, id).await?;
    let request: TransferRequest = body.parse()?;
    service_desk::transfer(state.store(), &caller, id, request.team_id, &request.reason).await?;
    detail(state, ctx, id).await
}

/// Changes a case's targets (officers of its team); the time already spent stays counted.
#[utoipa::path(put, path = "/api/v1/cases/{id}/targets", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")), request_body = TargetsRequest,
    responses((status = 200, body = CaseDetail), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn targets(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<CaseDetail>, AppError> {
    let caller = caller(&ctx)?;
    // Someone else's case does not exist for the caller, whatever the body says.
    service_desk::case_for(state.store(), &caller, id).await?;
    let request: TargetsRequest = body.parse()?;
    service_desk::change_targets(
        state.store(),
        &caller,
        id,
        request.response_minutes,
        request.resolution_minutes,
        &request.reason,
    )
    .await?;
    detail(state, ctx, id).await
}

/// Adds a checklist item (officers of the case's team).
#[utoipa::path(post, path = "/api/v1/cases/{id}/items", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")), request_body = ItemRequest,
    responses((status = 201, body = Object), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    // Someone else's case does not exist for the caller, whatever the body says.
    service_desk::case_for(state.store(), &caller, id).await?;
    let request: ItemRequest = body.parse()?;
    let due = match request
        .due_date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(raw) => Some(
            raw.parse::<yingcai_domain::Date>()
                .map_err(|_| AppError::field("due_date", "date-invalid"))?,
        ),
    };
    let item_id = service_desk::add_item(
        state.store(),
        &caller,
        id,
        &request.text,
        request.owner_account_id,
        due,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "item_id": item_id })),
    )
        .into_response())
}

/// Marks a checklist item done (officers of the case's team).
#[utoipa::path(post, path = "/api/v1/cases/{id}/items/done", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")), request_body = ItemDone,
    responses((status = 200, body = CaseDetail), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn item_done(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<CaseDetail>, AppError> {
    let caller = caller(&ctx)?;
    // Someone else's case does not exist for the caller, whatever the body says.
    service_desk::case_for(state.store(), &caller, id).await?;
    let request: ItemDone = body.parse()?;
    service_desk::complete_item(state.store(), &caller, id, request.item_id).await?;
    detail(state, ctx, id).await
}

/// The service teams with the industries and districts they serve.
#[utoipa::path(get, path = "/api/v1/service-teams", tag = "service-desk", security(("bearer" = [])),
    responses((status = 200, body = Vec<Object>), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn teams(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<yingcai_store::TeamRecord>>, AppError> {
    ctx.signed_in()?;
    Ok(Json(service_desk::teams(state.store()).await?))
}

/// One service team: its industries, districts, leader and members (account ids).
#[utoipa::path(get, path = "/api/v1/service-teams/{id}", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Service team id")),
    responses((status = 200, body = Object), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn team(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<yingcai_store::TeamRecord>, AppError> {
    ctx.signed_in()?;
    Ok(Json(state.store().service_team(id).await?))
}

/// The case categories with their targets in working minutes.
#[utoipa::path(get, path = "/api/v1/service-categories", tag = "service-desk", security(("bearer" = [])),
    responses((status = 200, body = Vec<Object>), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn categories(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<yingcai_store::CategoryRecord>>, AppError> {
    ctx.signed_in()?;
    Ok(Json(state.store().service_categories().await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TeamRequest {
    pub name: String,
    pub leader_account_id: Option<i64>,
    /// Industry codes of the registry's catalogue.
    pub industries: Vec<String>,
    /// Districts served; empty for all.
    #[serde(default)]
    pub districts: Vec<String>,
    /// Officers' account ids.
    #[serde(default)]
    pub members: Vec<i64>,
}

async fn save_team(
    state: &AppState,
    ctx: &Ctx,
    team_id: Option<i64>,
    body: JsonBody,
) -> Result<Response, AppError> {
    let request: TeamRequest = body.parse()?;
    if let Some(id) = team_id {
        state.store().service_team(id).await?;
    }
    let settings = state.settings();
    let id = service_desk::save_team(
        state.store(),
        team_id,
        &yingcai_store::TeamInput {
            name: request.name,
            leader_account_id: request.leader_account_id,
            industries: request.industries,
            districts: request.districts,
            members: request.members,
        },
        &settings.industries,
        &settings.districts,
        &ctx.actor(),
    )
    .await?;
    let team = state.store().service_team(id).await?;
    let status = if team_id.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(team)).into_response())
}

/// Creates a service team (administrators).
#[utoipa::path(post, path = "/api/v1/admin/service-teams", tag = "service-desk", security(("bearer" = [])),
    request_body = TeamRequest,
    responses((status = 201, body = Object), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn create_team(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Response, AppError> {
    save_team(&state, &ctx, None, body).await
}

/// Replaces a service team's name, leader, industries, districts and members.
#[utoipa::path(put, path = "/api/v1/admin/service-teams/{id}", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Team id")), request_body = TeamRequest,
    responses((status = 200, body = Object), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn update_team(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Response, AppError> {
    save_team(&state, &ctx, Some(id), body).await
}

/// What creating the catalogue's teams did.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DefaultTeamsCreated {
    /// The new teams' ids: one per industry of the catalogue that no team served (none when
    /// every industry had a team). They serve every district and have no leader or members
    /// yet.
    pub created: Vec<i64>,
}

/// Creates a team from the industry catalogue for every industry no team serves, then pairs
/// the enterprises (administrators; audited).
#[utoipa::path(post, path = "/api/v1/admin/service-teams/defaults", tag = "service-desk", security(("bearer" = [])),
    responses((status = 200, body = DefaultTeamsCreated), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn default_teams(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<DefaultTeamsCreated>, AppError> {
    let created =
        crate::default_teams::create_missing_teams(state.store(), state.settings(), &ctx.actor())
            .await?;
    Ok(Json(DefaultTeamsCreated { created }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct CategoryTargets {
    pub code: String,
    /// Working minutes.
    pub response_minutes: i64,
    pub resolution_minutes: i64,
}

/// Changes a category's targets for cases raised from now on (administrators).
#[utoipa::path(put, path = "/api/v1/admin/service-categories", tag = "service-desk", security(("bearer" = [])),
    request_body = CategoryTargets,
    responses((status = 200, body = Vec<Object>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn set_category(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Json<Vec<yingcai_store::CategoryRecord>>, AppError> {
    let request: CategoryTargets = body.parse()?;
    let mut errors = yingcai_domain::FieldErrors::default();
    for (field, value) in [
        ("response_minutes", request.response_minutes),
        ("resolution_minutes", request.resolution_minutes),
    ] {
        if !(1..=1_000_000).contains(&value) {
            errors.push(yingcai_domain::FieldError::new(field, "minutes-invalid"));
        }
    }
    let categories = state.store().service_categories().await?;
    if !categories.iter().any(|c| c.code == request.code) {
        errors.push(yingcai_domain::FieldError::new(
            "code",
            "case-category-invalid",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    state
        .store()
        .set_category_targets(
            &request.code,
            request.response_minutes,
            request.resolution_minutes,
            &ctx.actor(),
        )
        .await?;
    Ok(Json(state.store().service_categories().await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CalendarYear {
    pub year: i64,
    /// The year's holidays and make-up days in the calendar's TOML form.
    pub data: String,
    /// Added by an administrator (not compiled in).
    pub added: bool,
}

/// The working-time calendar's years (compiled in and added).
#[utoipa::path(get, path = "/api/v1/admin/calendar-years", tag = "service-desk", security(("bearer" = [])),
    responses((status = 200, body = Vec<CalendarYear>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn calendar_years(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<CalendarYear>>, AppError> {
    ctx.require(Role::Admin)?;
    let rules = state.settings().desk_rules();
    let calendar = yingcai_services::work_calendar::calendar(state.store(), &rules.hours).await?;
    let added: Vec<i64> = state
        .store()
        .calendar_years()
        .await?
        .iter()
        .map(|y| y.year)
        .collect();
    let mut out = Vec::new();
    for year in calendar.years() {
        let single = yingcai_worktime::WorkCalendar::new(vec![year.clone()], rules.hours.clone())
            .map_err(|e| {
            AppError::Internal(anyhow::anyhow!("calendar year {}: {e}", year.year))
        })?;
        out.push(CalendarYear {
            year: i64::from(year.year),
            data: single.to_toml(),
            added: added.contains(&i64::from(year.year)),
        });
    }
    Ok(Json(out))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct CalendarYearRequest {
    /// One `[[year]]` entry in the calendar's TOML form.
    pub data: String,
}

/// Adds (or replaces) a year of the working-time calendar (administrators).
#[utoipa::path(post, path = "/api/v1/admin/calendar-years", tag = "service-desk", security(("bearer" = [])),
    request_body = CalendarYearRequest,
    responses((status = 201, body = Object), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn add_calendar_year(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Response, AppError> {
    let request: CalendarYearRequest = body.parse()?;
    let rules = state.settings().desk_rules();
    let year = yingcai_services::work_calendar::add_calendar_year(
        state.store(),
        &rules.hours,
        &request.data,
        &ctx.actor(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "year": year })),
    )
        .into_response())
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PairingRequest {
    pub team_id: i64,
}

/// Pairs an enterprise with a team (officers; audited; kept by automatic pairing).
#[utoipa::path(put, path = "/api/v1/enterprises/{id}/team", tag = "service-desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Enterprise id")), request_body = PairingRequest,
    responses((status = 204), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn pair(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<StatusCode, AppError> {
    let request: PairingRequest = body.parse()?;
    service_desk::repair(state.store(), id, request.team_id, &ctx.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}
