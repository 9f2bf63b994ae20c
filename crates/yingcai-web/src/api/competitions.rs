//! Open competitions over the API: the same operations as the pages
//! (`pages::competitions`), through the same service functions, authorization and field
//! errors. Money is integer fen; dates are `YYYY-MM-DD`; instants are Unix milliseconds.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use yingcai_domain::Fen;
use yingcai_domain::competition::{CriterionInput, IndicatorInput, NeedInput, bids_close_at_ms};
use yingcai_domain::status::NeedStatus;
use yingcai_services::competitions::{self, Decision, PublishRefusal, Standing};
use yingcai_store::{ListRecord, NeedEvent, NeedFilter, NeedRecord};

use crate::context::{Id, JsonBody};
use crate::i18n::translate;
use crate::pages::competitions::{caller, rules, search, today, too_early_message};
use crate::{AppError, AppState, Ctx};

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct IndicatorView {
    pub name: String,
    pub target: String,
    pub unit: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CriterionView {
    pub name: String,
    /// Out of 100; a need's weights sum to 100.
    pub weight: u8,
}

/// A need as the API shows it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NeedView {
    pub need_id: i64,
    /// The enterprise's registered name, or the government unit's.
    pub issuer: String,
    /// Set for an enterprise's need; null for a government unit's.
    pub enterprise_id: Option<i64>,
    #[schema(value_type = String, example = "published")]
    pub status: NeedStatus,
    /// The officer's reason, while the need is returned.
    pub return_reason: Option<String>,
    pub list_id: Option<i64>,
    pub title: String,
    /// An industry code of the site's catalogue.
    pub field: String,
    pub description: String,
    pub indicators: Vec<IndicatorView>,
    pub budget_fen: i64,
    pub duration_months: u8,
    /// `YYYY-MM-DD`: bids close at the end of this day, Beijing time.
    pub bid_deadline: String,
    /// The same instant, Unix milliseconds.
    pub bids_close_at: i64,
    /// `issuer`, `team`, `shared` or `other`.
    pub ip_terms: String,
    pub ip_note: String,
    /// `none`, `nda_on_bid`, `nda_on_award` or `other`.
    pub confidentiality: String,
    pub confidentiality_note: String,
    pub criteria: Vec<CriterionView>,
    pub stages: u8,
    /// 1 (揭榜), 2 or 3 (赛马).
    pub winners: u8,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub accepted_at: Option<i64>,
    pub published_at: Option<i64>,
}

impl From<&NeedRecord> for NeedView {
    fn from(r: &NeedRecord) -> Self {
        let n = &r.need;
        NeedView {
            need_id: r.need_id,
            issuer: r.issuer.clone(),
            enterprise_id: r.enterprise_id,
            status: r.status,
            return_reason: r.return_reason.clone(),
            list_id: r.list_id,
            title: n.title.clone(),
            field: n.field.clone(),
            description: n.description.clone(),
            indicators: n
                .indicators
                .iter()
                .map(|i| IndicatorView {
                    name: i.name.clone(),
                    target: i.target.clone(),
                    unit: i.unit.clone(),
                })
                .collect(),
            budget_fen: n.budget.0,
            duration_months: n.duration_months,
            bid_deadline: n.bid_deadline.to_string(),
            bids_close_at: bids_close_at_ms(n.bid_deadline),
            ip_terms: n.ip_terms.as_str().to_owned(),
            ip_note: n.ip_note.clone(),
            confidentiality: n.confidentiality.as_str().to_owned(),
            confidentiality_note: n.confidentiality_note.clone(),
            criteria: n
                .criteria
                .iter()
                .map(|c| CriterionView {
                    name: c.name.clone(),
                    weight: c.weight,
                })
                .collect(),
            stages: n.stages,
            winners: n.winners,
            created_at: r.created_at,
            updated_at: r.updated_at,
            submitted_at: r.submitted_at,
            accepted_at: r.accepted_at,
            published_at: r.published_at,
        }
    }
}

/// A need with its history, for its drafter and the officers.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NeedDetail {
    pub need: NeedView,
    /// `drafter` or `officer`.
    pub standing: String,
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<NeedEvent>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ListView {
    pub list_id: i64,
    /// `2026-1`: the Beijing year of publication and the list's place in it.
    pub number: String,
    pub title: String,
    pub published_at: i64,
    pub min_window_days: i64,
}

impl From<&ListRecord> for ListView {
    fn from(l: &ListRecord) -> Self {
        ListView {
            list_id: l.list_id,
            number: l.number.clone(),
            title: l.title.clone(),
            published_at: l.published_at,
            min_window_days: l.min_window_days,
        }
    }
}

/// A published list with the needs a search found on it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PublishedList {
    pub list: ListView,
    pub needs: Vec<NeedView>,
}

#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct IndicatorRequest {
    pub name: String,
    pub target: String,
    #[serde(default)]
    pub unit: String,
}

#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct CriterionRequest {
    pub name: String,
    /// 1–100; the weights sum to 100.
    pub weight: i64,
}

/// A need as its drafter sends it (the checks are the form's).
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct NeedRequest {
    /// Officers: the government unit the need is for. Ignored for enterprises, whose
    /// registered name is the issuer.
    pub issuer: String,
    #[schema(max_length = 120)]
    pub title: String,
    pub field: String,
    pub description: String,
    pub indicators: Vec<IndicatorRequest>,
    /// Positive, at most 10,000,000,000 (¥100,000,000.00).
    pub budget_fen: Option<i64>,
    #[schema(minimum = 1, maximum = 60)]
    pub duration_months: Option<i64>,
    /// `YYYY-MM-DD`, after today.
    pub bid_deadline: String,
    pub ip_terms: String,
    pub ip_note: String,
    pub confidentiality: String,
    pub confidentiality_note: String,
    pub criteria: Vec<CriterionRequest>,
    #[schema(minimum = 1, maximum = 2)]
    pub stages: Option<i64>,
    #[schema(minimum = 1, maximum = 3)]
    pub winners: Option<i64>,
}

fn number(value: Option<i64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl NeedRequest {
    fn input(&self) -> NeedInput {
        NeedInput {
            title: self.title.clone(),
            field: self.field.clone(),
            description: self.description.clone(),
            indicators: self
                .indicators
                .iter()
                .map(|i| IndicatorInput {
                    name: i.name.clone(),
                    target: i.target.clone(),
                    unit: i.unit.clone(),
                })
                .collect(),
            // Fen in, yuan text to the one parser; a negative amount reads as invalid.
            budget: self
                .budget_fen
                .map(|f| {
                    if f < 0 {
                        "-".to_owned()
                    } else {
                        Fen(f).bank_plain()
                    }
                })
                .unwrap_or_default(),
            duration_months: number(self.duration_months),
            bid_deadline: self.bid_deadline.clone(),
            ip_terms: self.ip_terms.clone(),
            ip_note: self.ip_note.clone(),
            confidentiality: self.confidentiality.clone(),
            confidentiality_note: self.confidentiality_note.clone(),
            criteria: self
                .criteria
                .iter()
                .map(|c| CriterionInput {
                    name: c.name.clone(),
                    weight: c.weight.to_string(),
                })
                .collect(),
            stages: number(self.stages),
            winners: number(self.winners),
        }
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ReturnRequest {
    /// Required: what the drafter should change.
    #[serde(default)]
    pub reason: String,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ListRequest {
    #[serde(default)]
    pub title: String,
    /// Accepted needs, in the list's order.
    #[serde(default)]
    pub needs: Vec<i64>,
}

async fn detail(state: &AppState, ctx: &Ctx, id: i64) -> Result<NeedDetail, AppError> {
    let caller = caller(ctx)?;
    let (record, standing) = competitions::need_for(state.store(), &caller, id).await?;
    Ok(NeedDetail {
        need: NeedView::from(&record),
        standing: match standing {
            Standing::Drafter => "drafter",
            Standing::Officer => "officer",
        }
        .to_owned(),
        history: state.store().need_events(id).await?,
    })
}

/// The caller's own needs, newest first.
#[utoipa::path(get, path = "/api/v1/needs", tag = "competitions", security(("bearer" = [])),
    responses((status = 200, body = Vec<NeedView>), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<NeedView>>, AppError> {
    let caller = caller(&ctx)?;
    let needs = state
        .store()
        .needs(&NeedFilter {
            owner_account_id: Some(caller.account_id),
            limit: 500,
            ..Default::default()
        })
        .await?;
    Ok(Json(needs.iter().map(NeedView::from).collect()))
}

fn parse_need(
    state: &AppState,
    request: &NeedRequest,
) -> Result<yingcai_domain::competition::Need, AppError> {
    request
        .input()
        .parse(&state.settings().industries, today()?)
        .map_err(AppError::Invalid)
}

/// Drafts a need (enterprises, and officers for a government unit named in `issuer`).
#[utoipa::path(post, path = "/api/v1/needs", tag = "competitions", security(("bearer" = [])),
    request_body = NeedRequest,
    responses((status = 201, body = NeedDetail), (status = 401, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn draft(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let request: NeedRequest = body.parse()?;
    if !caller.may_draft() {
        return Err(AppError::field("issuer", "need-drafter-only"));
    }
    let need = parse_need(&state, &request)?;
    let id = competitions::draft_need(
        state.store(),
        &caller,
        &request.issuer,
        &need,
        yingcai_store::now_ms(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &ctx, id).await?)).into_response())
}

/// One need with its history: its drafter, and officers once it is submitted.
#[utoipa::path(get, path = "/api/v1/needs/{id}", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Need id")),
    responses((status = 200, body = NeedDetail), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<NeedDetail>, AppError> {
    Ok(Json(detail(&state, &ctx, id).await?))
}

async fn own(state: &AppState, ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let caller = caller(ctx)?;
    match competitions::need_for(state.store(), &caller, id).await? {
        (_, Standing::Drafter) => Ok(()),
        _ => Err(AppError::NotFound),
    }
}

/// Replaces a draft's or a returned need's content (its drafter).
#[utoipa::path(put, path = "/api/v1/needs/{id}", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Need id")), request_body = NeedRequest,
    responses((status = 200, body = NeedDetail), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<NeedDetail>, AppError> {
    // Someone else's need does not exist for the caller, whatever the body says.
    own(&state, &ctx, id).await?;
    let request: NeedRequest = body.parse()?;
    let need = parse_need(&state, &request)?;
    competitions::edit_need(
        state.store(),
        &caller(&ctx)?,
        id,
        &request.issuer,
        &need,
        yingcai_store::now_ms(),
    )
    .await?;
    Ok(Json(detail(&state, &ctx, id).await?))
}

/// Sends a draft or a returned need to the officers (its drafter).
#[utoipa::path(post, path = "/api/v1/needs/{id}/submit", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Need id")),
    responses((status = 200, body = NeedDetail), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<NeedDetail>, AppError> {
    own(&state, &ctx, id).await?;
    competitions::submit_need(
        state.store(),
        &caller(&ctx)?,
        id,
        today()?,
        yingcai_store::now_ms(),
    )
    .await?;
    Ok(Json(detail(&state, &ctx, id).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct QueueParams {
    /// Only this status (`submitted`, `returned`, `accepted`, `published`); none: the work
    /// to do (submitted, then accepted, then returned).
    status: Option<String>,
}

/// The officers' review queue.
#[utoipa::path(get, path = "/api/v1/officer/needs", tag = "competitions", security(("bearer" = [])),
    params(QueueParams),
    responses((status = 200, body = Vec<NeedView>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn queue(
    State(state): State<AppState>,
    Query(q): Query<QueueParams>,
) -> Result<Json<Vec<NeedView>>, AppError> {
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<NeedStatus>()
                .map_err(|_| AppError::field("status", "value-invalid"))?,
        ),
    };
    let needs = competitions::review_queue(state.store(), status).await?;
    Ok(Json(needs.iter().map(NeedView::from).collect()))
}

/// Returns a submitted need to its drafter with a reason (officers).
#[utoipa::path(post, path = "/api/v1/needs/{id}/return", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Need id")), request_body = ReturnRequest,
    responses((status = 200, body = NeedDetail), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn return_need(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<NeedDetail>, AppError> {
    let caller = caller(&ctx)?;
    competitions::need_for(state.store(), &caller, id).await?;
    let request: ReturnRequest = body.parse()?;
    competitions::decide_need(
        state.store(),
        &caller,
        id,
        &Decision::Return {
            reason: request.reason,
        },
        yingcai_store::now_ms(),
    )
    .await?;
    Ok(Json(detail(&state, &ctx, id).await?))
}

/// Accepts a submitted need (officers): it waits for a list.
#[utoipa::path(post, path = "/api/v1/needs/{id}/accept", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Need id")),
    responses((status = 200, body = NeedDetail), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<NeedDetail>, AppError> {
    let caller = caller(&ctx)?;
    competitions::decide_need(
        state.store(),
        &caller,
        id,
        &Decision::Accept,
        yingcai_store::now_ms(),
    )
    .await?;
    Ok(Json(detail(&state, &ctx, id).await?))
}

/// The 422 of this operation: the usual error body; when needs close too soon, also
/// `too_early` naming each need (id, title, deadline) and the earliest deadline allowed.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TooEarlyBody {
    /// `invalid`.
    pub error: String,
    pub message: String,
    /// One entry per wrong field; `needs` with the code `list-deadline-too-early` names
    /// the needs that close too soon.
    pub fields: Option<Vec<crate::api::FieldMessage>>,
    /// Only when needs close too soon.
    #[schema(value_type = Option<Vec<Object>>)]
    pub too_early: Option<Vec<competitions::TooEarly>>,
    /// Only when needs close too soon: `YYYY-MM-DD`, the earliest deadline a need of a list
    /// published today may have.
    pub earliest_deadline: Option<String>,
}

/// Publishes accepted needs together as the next numbered list (officers). Every need's
/// deadline must be at least the minimum bid window after today; otherwise nothing is
/// published and the answer names the needs that close too soon.
#[utoipa::path(post, path = "/api/v1/competition-lists", tag = "competitions", security(("bearer" = [])),
    request_body = ListRequest,
    responses((status = 201, body = ListView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = TooEarlyBody)))]
pub(crate) async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let request: ListRequest = body.parse()?;
    match competitions::publish_list(
        state.store(),
        &caller,
        &request.title,
        &request.needs,
        rules(&state),
        today()?,
        yingcai_store::now_ms(),
    )
    .await
    {
        Ok(list) => Ok((StatusCode::CREATED, Json(ListView::from(&list))).into_response()),
        Err(PublishRefusal::TooEarly {
            needs,
            earliest,
            days,
        }) => {
            let locale = ctx.locale;
            let body = json!({
                "error": "invalid",
                "message": translate(locale, "error-invalid", &[]),
                "fields": [{
                    "field": "needs",
                    "code": PublishRefusal::TOO_EARLY,
                    "message": too_early_message(locale, &needs, earliest, days),
                }],
                "too_early": needs,
                "earliest_deadline": earliest.to_string(),
            });
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
        Err(PublishRefusal::Other(error)) => Err(error.into()),
    }
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct SearchParams {
    /// Words in the title, description or issuer, or in a field's name (either language).
    q: Option<String>,
    /// An industry code.
    field: Option<String>,
    /// One list.
    list: Option<i64>,
}

/// The published lists, newest first, each with its needs that match the search. No
/// sign-in needed.
#[utoipa::path(get, path = "/api/v1/competitions", tag = "competitions",
    params(SearchParams),
    responses((status = 200, body = Vec<PublishedList>)))]
pub(crate) async fn published(
    State(state): State<AppState>,
    Query(q): Query<SearchParams>,
) -> Result<Json<Vec<PublishedList>>, AppError> {
    let needs = search(
        &state,
        q.q.as_deref().unwrap_or(""),
        q.field.as_deref().unwrap_or(""),
        q.list,
    )
    .await?;
    let lists = state.store().competition_lists().await?;
    Ok(Json(
        lists
            .iter()
            .filter_map(|l| {
                let own: Vec<NeedView> = needs
                    .iter()
                    .filter(|n| n.list_id == Some(l.list_id))
                    .map(NeedView::from)
                    .collect();
                (!own.is_empty()).then(|| PublishedList {
                    list: ListView::from(l),
                    needs: own,
                })
            })
            .collect(),
    ))
}

/// A published need. No sign-in needed; an unpublished need does not exist here.
#[utoipa::path(get, path = "/api/v1/competitions/needs/{id}", tag = "competitions",
    params(("id" = i64, Path, description = "Need id")),
    responses((status = 200, body = NeedView), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn public_need(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<NeedView>, AppError> {
    let record = competitions::public_need(state.store(), id).await?;
    Ok(Json(NeedView::from(&record)))
}
