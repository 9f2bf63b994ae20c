//! The policy sandbox over the API, twins of `/admin/policy…`: the versions, drafts from
//! text or a file, a draft's problems and its impact on the registered population, saving
//! and publishing. The same service functions as the pages (`yingcai_services::sandbox`).

use axum::Json;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use serde::Deserialize;
use yingcai_domain::{PolicyStatus, Role};
use yingcai_services::policy::today;
use yingcai_services::sandbox::{self, Horizon, Impact};
use yingcai_store::PolicyVersionRecord;

use crate::context::{Id, JsonBody};
use crate::pages::sandbox::recompute_after_publication;
use crate::pages::uploads::read_multipart;
use crate::policy::policy_set;
use crate::{AppError, AppState, Ctx};

type Answers = crate::api::ErrorBody;

/// A version of the policy pack: published (it never changes) or a draft.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PolicyVersionView {
    pub policy_version_id: i64,
    /// The pack's id (empty while a draft does not compile).
    pub pack_id: String,
    /// The pack's version (empty while a draft does not compile).
    pub version: String,
    #[schema(value_type = String, example = "draft")]
    pub status: PolicyStatus,
    /// `YYYY-MM-DD`: from when it applies (a draft's is what its text says).
    pub effective_date: String,
    pub file_name: String,
    pub updated_at: i64,
    pub published_at: Option<i64>,
    /// The version in force today.
    pub in_force: bool,
}

fn version_view(v: &PolicyVersionRecord, in_force: i64) -> PolicyVersionView {
    PolicyVersionView {
        policy_version_id: v.policy_version_id,
        pack_id: v.pack_id.clone(),
        version: v.version.clone(),
        status: v.status,
        effective_date: v.effective_date.clone(),
        file_name: v.file_name.clone(),
        updated_at: v.updated_at,
        published_at: v.published_at,
        in_force: v.policy_version_id == in_force,
    }
}

/// Every version, newest first (administrators; as `/admin/policy`).
#[utoipa::path(get, path = "/api/v1/policy", tag = "policy", security(("bearer" = [])),
    responses((status = 200, body = Vec<PolicyVersionView>), (status = 401, body = Answers), (status = 403, body = Answers)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<PolicyVersionView>>, AppError> {
    ctx.require(Role::Admin)?;
    let set = policy_set(&state).await?;
    let in_force = set.in_force(today()).record.policy_version_id;
    let versions = state.store().policy_versions().await?;
    Ok(Json(
        versions.iter().map(|v| version_view(v, in_force)).collect(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SourceRequest {
    /// The pack's TOML text (at most 512 KiB), usually the text in force, edited.
    pub source: String,
}

/// Where a new draft is.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DraftCreated {
    pub policy_version_id: i64,
}

/// A new draft from a pack text (administrators). A text that does not compile is kept as
/// a draft; `GET /api/v1/policy/{id}` says what is wrong with it.
#[utoipa::path(post, path = "/api/v1/policy", tag = "policy", security(("bearer" = [])),
    request_body = SourceRequest,
    responses((status = 201, body = DraftCreated), (status = 401, body = Answers), (status = 403, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<(StatusCode, Json<DraftCreated>), AppError> {
    ctx.require(Role::Admin)?;
    let request: SourceRequest = body.parse()?;
    let id = sandbox::create_draft(state.store(), &request.source, &ctx.actor()).await?;
    Ok((
        StatusCode::CREATED,
        Json(DraftCreated {
            policy_version_id: id,
        }),
    ))
}

/// An uploaded pack file (documentation only: the handler reads it part by part).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct PackUpload {
    /// The pack file, UTF-8 TOML; its name is kept when it ends in `.toml`.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A new draft from an uploaded pack file (administrators; multipart, field `file`).
#[utoipa::path(post, path = "/api/v1/policy/upload", tag = "policy", security(("bearer" = [])),
    request_body(content = PackUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = DraftCreated), (status = 400, body = Answers), (status = 401, body = Answers), (status = 403, body = Answers), (status = 413, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<(StatusCode, Json<DraftCreated>), AppError> {
    ctx.require(Role::Admin)?;
    let form = read_multipart(
        &ctx,
        request,
        &state,
        "file",
        crate::documents::MAX_DOCUMENT,
        false,
    )
    .await?;
    if form.files.iter().any(|f| f.too_large) {
        return Err(AppError::field("file", "file-too-large"));
    }
    let file = form
        .files
        .into_iter()
        .next_back()
        .ok_or_else(|| AppError::field("file", "required"))?;
    let id =
        sandbox::upload_draft(state.store(), &file.file_name, file.bytes, &ctx.actor()).await?;
    Ok((
        StatusCode::CREATED,
        Json(DraftCreated {
            policy_version_id: id,
        }),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct HorizonParams {
    /// First month of the impact, `YYYY-MM`; next month when absent.
    from: Option<String>,
    /// Months of the impact, 1 to 120; 12 when absent.
    months: Option<String>,
}

/// One month of an impact, in fen.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImpactMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub baseline_fen: i64,
    pub draft_fen: i64,
    pub difference_fen: i64,
}

/// What a draft would cost on every verified talent against the version in force at the
/// horizon's start.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImpactView {
    /// Set when the two packs cannot be compared; then nothing else is.
    pub incompatible: Option<String>,
    pub talents: u64,
    /// `YYYY-MM`.
    pub from: String,
    pub months: u32,
    pub baseline_total_fen: i64,
    pub draft_total_fen: i64,
    pub difference_total_fen: i64,
    /// Talents whose total over the horizon rises.
    pub gainers: u64,
    /// Talents whose total over the horizon falls.
    pub losers: u64,
    /// Talents whose card or some month's amount differs.
    pub changed: u64,
    pub by_month: Vec<ImpactMonth>,
}

fn impact_view(impact: Impact, horizon: Horizon) -> ImpactView {
    match impact {
        Impact::Incompatible(why) => ImpactView {
            incompatible: Some(why),
            talents: 0,
            from: horizon.from.to_string(),
            months: horizon.months,
            baseline_total_fen: 0,
            draft_total_fen: 0,
            difference_total_fen: 0,
            gainers: 0,
            losers: 0,
            changed: 0,
            by_month: Vec::new(),
        },
        Impact::Compared(c) => ImpactView {
            incompatible: None,
            talents: c.talents,
            from: c.from.to_string(),
            months: c.months,
            baseline_total_fen: c.baseline_total_fen,
            draft_total_fen: c.reform_total_fen,
            difference_total_fen: c.difference_total_fen,
            gainers: c.gainers,
            losers: c.losers,
            changed: c.changed,
            by_month: c
                .baseline_monthly_fen
                .iter()
                .zip(&c.reform_monthly_fen)
                .enumerate()
                .filter_map(|(i, (b, r))| {
                    let month = c.from.plus(i32::try_from(i).ok()?)?;
                    Some(ImpactMonth {
                        month: month.to_string(),
                        baseline_fen: *b,
                        draft_fen: *r,
                        difference_fen: r - b,
                    })
                })
                .collect(),
        },
    }
}

/// A version with its text; for a draft, what is wrong with it or its impact.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PolicyVersionDetail {
    pub version: PolicyVersionView,
    /// The pack's TOML text.
    pub source: String,
    /// Why the draft does not compile (file, line and field), if it does not.
    pub problem: Option<String>,
    /// The version the impact is measured against.
    pub baseline_policy_version_id: i64,
    /// A compiling draft's impact (absent for published versions).
    pub impact: Option<ImpactView>,
}

/// A version (administrators; as `/admin/policy/{id}`): a draft's problem, or its impact
/// over the horizon asked for.
#[utoipa::path(get, path = "/api/v1/policy/{id}", tag = "policy", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Policy version id"), HorizonParams),
    responses((status = 200, body = PolicyVersionDetail), (status = 401, body = Answers), (status = 403, body = Answers), (status = 404, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<HorizonParams>,
) -> Result<Json<PolicyVersionDetail>, AppError> {
    ctx.require(Role::Admin)?;
    let record = state.store().policy_version(id).await?;
    let horizon = Horizon::parse(
        q.from.as_deref().unwrap_or_default(),
        q.months.as_deref().unwrap_or_default(),
    )
    .map_err(AppError::Invalid)?;
    let set = policy_set(&state).await?;
    let (_, compiled) = sandbox::describe(&record.file_name, &record.source);
    let baseline = set.in_force(crate::policy::first_day(horizon.from));
    let impact = match &compiled {
        Ok(pack) if !record.is_published() => Some(impact_view(
            sandbox::impact(state.store(), &baseline.pack, pack, horizon).await?,
            horizon,
        )),
        _ => None,
    };
    let in_force = set.in_force(today()).record.policy_version_id;
    Ok(Json(PolicyVersionDetail {
        version: version_view(&record, in_force),
        problem: compiled.err(),
        baseline_policy_version_id: baseline.record.policy_version_id,
        impact,
        source: record.source,
    }))
}

/// Replaces a draft's text (administrators). A published version never changes (404).
#[utoipa::path(put, path = "/api/v1/policy/{id}", tag = "policy", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Policy version id")), request_body = SourceRequest,
    responses((status = 200, body = PolicyVersionView), (status = 401, body = Answers), (status = 403, body = Answers), (status = 404, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<PolicyVersionView>, AppError> {
    ctx.require(Role::Admin)?;
    let request: SourceRequest = body.parse()?;
    sandbox::save_draft(state.store(), id, &request.source, &ctx.actor()).await?;
    let set = policy_set(&state).await?;
    let in_force = set.in_force(today()).record.policy_version_id;
    Ok(Json(version_view(
        &state.store().policy_version(id).await?,
        in_force,
    )))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PublishRequest {
    /// `YYYY-MM-DD`: from when the version applies (written into the pack's text).
    pub effective_date: String,
}

/// Publishes a draft from a date on (administrators); entitlements are then recomputed in
/// the background. Refused (422, field `effective_date`) when the date is not valid, the
/// draft has problems, belongs to another pack, or a published version has its version
/// number or date.
#[utoipa::path(post, path = "/api/v1/policy/{id}/publish", tag = "policy", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Policy version id")), request_body = PublishRequest,
    responses((status = 200, body = PolicyVersionView), (status = 401, body = Answers), (status = 403, body = Answers), (status = 404, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<PolicyVersionView>, AppError> {
    ctx.require(Role::Admin)?;
    let request: PublishRequest = body.parse()?;
    let set = policy_set(&state).await?;
    sandbox::publish(
        state.store(),
        &set,
        id,
        &request.effective_date,
        &ctx.actor(),
    )
    .await?;
    recompute_after_publication(&state);
    let set = policy_set(&state).await?;
    let in_force = set.in_force(today()).record.policy_version_id;
    Ok(Json(version_view(
        &state.store().policy_version(id).await?,
        in_force,
    )))
}
