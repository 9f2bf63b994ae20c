//! Talent apartments over the API: the same operations as the pages (`pages::housing`,
//! `pages::apartment`) through the same service functions (`housing_desk`, `housing`),
//! authorization and field errors. Money is integer fen, areas hundredths of a m², dates
//! `YYYY-MM-DD`, instants Unix milliseconds. The page answers 409 where the state of a
//! thing refuses an action; the API answers such refusals as 422 with the same field and
//! code. Unit types are checked by the page's form checks: their errors name the form's
//! fields (`area_m2`, `rent_yuan`).

use axum::Json;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use yingcai_domain::status::{LeaseStatus, OfferStatus, RoundStatus, UnitStatus};
use yingcai_domain::{Fen, Role};
use yingcai_services::housing::{OfferAnswerError, RoundFigures, RunError};
use yingcai_services::housing_desk::{self, TalentHousing};
use yingcai_store::{
    ComplexRecord, ComplexSummary, LeaseRecord, OfferRecord, RoundRecord, UnitTypeRecord,
};

use crate::context::{Id, JsonBody};
use crate::i18n::translate;
use crate::pages::apartment::{own_offer, own_talent};
use crate::{AppError, AppState, Ctx};

/// A page of a list: `limit` (1–500, 200 when absent) items after skipping `offset`.
#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct Paging {
    /// At most this many (1–500; 200 when absent).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// How many to skip (0 when absent).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

impl Paging {
    fn page<T>(&self, items: Vec<T>) -> Result<Vec<T>, AppError> {
        let limit = self.limit.unwrap_or(200);
        if !(1..=500).contains(&limit) {
            return Err(AppError::field("limit", "invalid"));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(AppError::field("offset", "invalid"));
        }
        Ok(items
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(0))
            .collect())
    }
}

// ------------------------------------------------------------------ views

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ComplexView {
    pub complex_id: i64,
    pub code: String,
    pub name: String,
    pub district: String,
    pub address: String,
    pub operator: String,
}

impl From<&ComplexRecord> for ComplexView {
    fn from(c: &ComplexRecord) -> Self {
        ComplexView {
            complex_id: c.complex_id,
            code: c.code.clone(),
            name: c.name.clone(),
            district: c.district.clone(),
            address: c.address.clone(),
            operator: c.operator.clone(),
        }
    }
}

/// A complex with its units counted by status.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ComplexSummaryView {
    pub complex: ComplexView,
    pub unit_types: i64,
    pub free: i64,
    pub offered: i64,
    #[serde(rename = "let")]
    pub let_: i64,
    pub maintenance: i64,
}

impl From<&ComplexSummary> for ComplexSummaryView {
    fn from(c: &ComplexSummary) -> Self {
        ComplexSummaryView {
            complex: ComplexView::from(&c.complex),
            unit_types: c.unit_types,
            free: c.free,
            offered: c.offered,
            let_: c.let_,
            maintenance: c.maintenance,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UnitTypeView {
    pub unit_type_id: i64,
    pub name: String,
    /// Hundredths of a m².
    pub area_centi_m2: i64,
    pub bedrooms: i64,
    /// Monthly rent in fen.
    pub rent_fen: i64,
}

impl From<&UnitTypeRecord> for UnitTypeView {
    fn from(t: &UnitTypeRecord) -> Self {
        UnitTypeView {
            unit_type_id: t.unit_type_id,
            name: t.name.clone(),
            area_centi_m2: t.area_centi_m2,
            bedrooms: t.bedrooms,
            rent_fen: t.rent_fen,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UnitView {
    pub unit_id: i64,
    pub unit_type_id: i64,
    pub number: String,
    /// `free`, `offered`, `let` or `maintenance`.
    #[schema(value_type = String, example = "free")]
    pub status: UnitStatus,
}

/// A complex with its unit types and units (in number order).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ComplexDetailView {
    pub complex: ComplexView,
    pub unit_types: Vec<UnitTypeView>,
    pub units: Vec<UnitView>,
}

/// `POST /api/v1/housing/complexes`: the page's form.
#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct ComplexRequest {
    /// 1 to 20 letters, digits or hyphens; unique.
    #[schema(example = "HX-01", pattern = "^[A-Za-z0-9-]{1,20}$")]
    pub code: String,
    pub name: String,
    /// One of the site's districts.
    pub district: String,
    pub address: String,
    pub operator: String,
}

/// `POST /api/v1/housing/complexes/{id}/unit-types`.
#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct UnitTypeRequest {
    pub unit_type: String,
    /// Hundredths of a m², positive; errors name the field `area_m2`.
    #[schema(minimum = 1, example = 4550)]
    pub area_centi_m2: i64,
    #[schema(minimum = 0, example = 1)]
    pub bedrooms: i64,
    /// Monthly rent in fen, positive; errors name the field `rent_yuan`.
    #[schema(minimum = 1, example = 80000)]
    pub rent_fen: i64,
    /// The units' numbers: a list separated by commas or spaces, a range such as
    /// `101-120`, or both.
    #[schema(example = "101-110, 201")]
    pub unit_numbers: String,
}

/// `PUT /api/v1/housing/units/{id}/status`.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct UnitStatusRequest {
    /// `maintenance` takes a free unit out of service, `free` puts it back.
    #[schema(example = "maintenance", pattern = "^(free|maintenance)$")]
    pub status: String,
}

/// What a unit's status is now.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UnitStatusView {
    pub unit_id: i64,
    #[schema(value_type = String, example = "maintenance")]
    pub status: UnitStatus,
}

/// A round as anyone may see it: its rules and seed are published when it opens.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RoundView {
    pub round_id: i64,
    pub name: String,
    /// `open` or `allocated`.
    #[schema(value_type = String, example = "open")]
    pub status: RoundStatus,
    pub deadline_at: i64,
    /// The lottery seed (hex), drawn when the round opened.
    pub seed: String,
    /// `card`, `no_home`, `employed`.
    pub requirements: Vec<String>,
    /// TOML.
    pub priority_rules: String,
    pub offer_rules: String,
    pub lease_rules: String,
    pub opened_at: i64,
    pub allocated_at: Option<i64>,
    pub accepts_ballots: bool,
}

impl From<&RoundRecord> for RoundView {
    fn from(r: &RoundRecord) -> Self {
        RoundView {
            round_id: r.round_id,
            name: r.name.clone(),
            status: r.status,
            deadline_at: r.deadline_at,
            seed: r.seed.clone(),
            requirements: r.requirements.clone(),
            priority_rules: r.priority_rules.clone(),
            offer_rules: r.offer_rules.clone(),
            lease_rules: r.lease_rules.clone(),
            opened_at: r.opened_at,
            allocated_at: r.allocated_at,
            accepts_ballots: r.accepts_ballots(yingcai_store::now_ms()),
        }
    }
}

/// An offer of a flat.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct HousingOfferView {
    pub offer_id: i64,
    pub round_id: i64,
    pub talent_id: i64,
    pub complex_name: String,
    pub unit_number: String,
    pub unit_type: String,
    pub area_centi_m2: i64,
    pub bedrooms: i64,
    /// Monthly rent in fen.
    pub rent_fen: i64,
    /// `pending`, `accepted`, `declined` or `expired`.
    #[schema(value_type = String, example = "pending")]
    pub status: OfferStatus,
    /// `allocation` or `waiting_list`.
    pub source: String,
    pub offered_at: i64,
    /// The end of the last working day to answer.
    pub respond_by: i64,
    /// Whether it can still be answered.
    pub answerable: bool,
}

fn offer_view(o: &OfferRecord, now: i64) -> HousingOfferView {
    HousingOfferView {
        offer_id: o.offer_id,
        round_id: o.round_id,
        talent_id: o.talent_id,
        complex_name: o.complex_name.clone(),
        unit_number: o.unit_number.clone(),
        unit_type: o.unit_type.clone(),
        area_centi_m2: o.area_centi_m2,
        bedrooms: o.bedrooms,
        rent_fen: o.rent_fen,
        status: o.status,
        source: o.source.clone(),
        offered_at: o.offered_at,
        respond_by: o.respond_by,
        answerable: TalentHousing::answerable(o, now),
    }
}

/// A lease.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LeaseView {
    pub lease_id: i64,
    pub offer_id: i64,
    pub talent_id: i64,
    pub unit_id: i64,
    pub talent_name: String,
    pub complex_name: String,
    pub unit_number: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    pub end_date: String,
    /// Monthly rent in fen.
    pub rent_fen: i64,
    /// `active`, `ending` or `ended`.
    #[schema(value_type = String, example = "active")]
    pub status: LeaseStatus,
    /// Why it ends: `bought_home`, `left_employment`, `max_term`, `officer`…
    pub end_reason: Option<String>,
    /// The day it ends, once notice was given (`YYYY-MM-DD`).
    pub ends_on: Option<String>,
}

impl From<&LeaseRecord> for LeaseView {
    fn from(l: &LeaseRecord) -> Self {
        LeaseView {
            lease_id: l.lease_id,
            offer_id: l.offer_id,
            talent_id: l.talent_id,
            unit_id: l.unit_id,
            talent_name: l.talent_name.clone(),
            complex_name: l.complex_name.clone(),
            unit_number: l.unit_number.clone(),
            start_date: l.start_date.to_string(),
            end_date: l.end_date.to_string(),
            rent_fen: l.rent_fen,
            status: l.status,
            end_reason: l.end_reason.clone(),
            ends_on: l.ends_on.map(|d| d.to_string()),
        }
    }
}

/// An offer of a round, for officers.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RoundOfferView {
    pub offer: HousingOfferView,
    pub talent_name: String,
}

/// A complex's waiting list after allocation.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct WaitingListView {
    pub complex_id: i64,
    pub complex_name: String,
    /// Its talents, next in priority first.
    pub talent_ids: Vec<i64>,
    /// The names of the first 20.
    pub first_names: Vec<String>,
}

/// A round as officers follow it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RoundDetailView {
    pub round: RoundView,
    pub figures: RoundFigures,
    /// In offer order.
    pub offers: Vec<RoundOfferView>,
    /// After allocation, one per complex of the round.
    pub waiting: Vec<WaitingListView>,
}

fn round_detail_view(d: &housing_desk::RoundDetail) -> RoundDetailView {
    let now = yingcai_store::now_ms();
    RoundDetailView {
        round: RoundView::from(&d.round),
        figures: d.figures.clone(),
        offers: d
            .offers
            .iter()
            .map(|o| RoundOfferView {
                offer: offer_view(&o.offer, now),
                talent_name: o.talent_name.clone(),
            })
            .collect(),
        waiting: d
            .waiting
            .iter()
            .map(|w| WaitingListView {
                complex_id: w.list.complex_id,
                complex_name: w.list.complex_name.clone(),
                talent_ids: w.list.talents.clone(),
                first_names: w.names.clone(),
            })
            .collect(),
    }
}

/// What anyone may see of a round, and where its published files are.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PublicRoundView {
    pub round: RoundView,
    pub figures: RoundFigures,
    /// After allocation: the instance and result files to re-run it (`GET`).
    pub files: Vec<String>,
}

/// `POST /api/v1/housing/rounds`. Rules absent are the defaults the page offers.
#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct RoundRequest {
    /// 1 to 100 characters.
    #[schema(max_length = 100)]
    pub name: String,
    /// When ballots close (Unix ms), in the future.
    pub deadline_at: Option<i64>,
    /// Unit types offered (at least one); errors name the field `unit_type`.
    pub unit_type_ids: Vec<i64>,
    /// Conditions an applicant must meet, of `card`, `no_home`, `employed`.
    pub requirements: Vec<String>,
    /// TOML, as on the page; absent: the defaults.
    pub priority_rules: Option<String>,
    pub offer_rules: Option<String>,
    pub lease_rules: Option<String>,
}

/// The occupancy of the apartments: leases in force and each complex's units by status.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OccupancyView {
    /// Active or ending, by complex code and unit number.
    pub leases: Vec<LeaseView>,
    /// By complex code.
    pub complexes: Vec<ComplexSummaryView>,
}

/// `POST /api/v1/housing/leases/{id}/notice`.
#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct NoticeRequest {
    /// The day the lease ends, `YYYY-MM-DD`, today or later (Beijing).
    #[schema(example = "2027-06-30", pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub ends_on: String,
}

/// One eligibility check of a round with what the talent's record says.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CheckView {
    /// `card`, `no_home`, `employed` or `not_housed`.
    pub code: String,
    pub held: bool,
    pub value: String,
}

/// A complex of a round, as an applicant chooses it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RoundComplexView {
    pub code: String,
    pub name: String,
    pub district: String,
    pub address: String,
    pub free_units: i64,
    pub unit_types: Vec<UnitTypeView>,
}

/// A round that accepts ballots, with the caller's eligibility and ballot.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OpenRoundView {
    pub round: RoundView,
    pub eligible: bool,
    pub checks: Vec<CheckView>,
    /// Set while refused offers bar the caller (`YYYY-MM-DD`).
    pub barred_until: Option<String>,
    pub complexes: Vec<RoundComplexView>,
    /// The caller's ballot: complex codes, first choice first; empty without one.
    pub ranking: Vec<String>,
    /// The caller's pseudonym in the round's published files, once applied.
    pub pseudonym: Option<String>,
}

/// A round the caller applied in that no longer accepts ballots.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RoundResultView {
    pub round: RoundView,
    pub pseudonym: String,
    pub ranking: Vec<String>,
    /// After allocation: what the caller got and why (the allocation's own account).
    #[schema(value_type = Option<Object>)]
    pub outcome: Option<serde_json::Value>,
}

/// The caller's apartments: rounds to apply in, results, offers and leases.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TalentHousingView {
    /// False without a verified record: nothing else to show.
    pub has_record: bool,
    pub open_rounds: Vec<OpenRoundView>,
    pub results: Vec<RoundResultView>,
    /// Newest first.
    pub offers: Vec<HousingOfferView>,
    /// Newest first.
    pub leases: Vec<LeaseView>,
}

/// `PUT /api/v1/housing-rounds/{id}/ballot`.
#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct BallotRequest {
    /// Complex codes of the round, first choice first, each once; at least one (an empty
    /// ranking is refused with the page's field error).
    #[schema(max_items = 10)]
    pub ranking: Vec<String>,
}

/// The 422 of an inventory import: the usual error body (a file missing or too large); when
/// rows are wrong, also each row's problem and the report kept of them.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct InventoryRefusedBody {
    /// `invalid`.
    pub error: String,
    pub message: String,
    /// `file`: `required`, `file-too-large`, or `inventory-rows-invalid` when rows are wrong.
    pub fields: Option<Vec<crate::api::FieldMessage>>,
    /// Only when rows are wrong: their problems (the first 200).
    pub rows: Option<Vec<RowProblem>>,
    /// Only when rows are wrong: how many problems there are in all.
    pub problem_count: Option<usize>,
    /// Only when rows are wrong: the whole list as CSV is the caller's import report
    /// (`GET /officer/import/reports/{id}`).
    pub report_id: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub code: String,
    pub message: String,
}

/// What an inventory import registered.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct InventoryImported {
    pub complexes_created: usize,
    pub unit_types_created: usize,
    pub units_created: usize,
}

/// The multipart form of an inventory import (documentation only).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct InventoryUpload {
    /// The inventory as CSV or XLSX, one row per unit (64 MB at most).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

// ------------------------------------------------------------------ talents

/// The caller's apartments (as `/talent/housing`).
#[utoipa::path(get, path = "/api/v1/me/housing", tag = "housing", security(("bearer" = [])),
    responses((status = 200, body = TalentHousingView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<TalentHousingView>, AppError> {
    let Some(talent) = own_talent(&state, &ctx).await? else {
        return Ok(Json(TalentHousingView {
            has_record: false,
            open_rounds: Vec::new(),
            results: Vec::new(),
            offers: Vec::new(),
            leases: Vec::new(),
        }));
    };
    let housing =
        housing_desk::talent_housing(state.store(), &talent, yingcai_services::policy::today())
            .await?;
    let now = yingcai_store::now_ms();
    Ok(Json(TalentHousingView {
        has_record: true,
        open_rounds: housing
            .open
            .iter()
            .map(|o| OpenRoundView {
                round: RoundView::from(&o.round),
                eligible: o.eligibility.eligible(),
                checks: o
                    .eligibility
                    .checks
                    .iter()
                    .map(|c| CheckView {
                        code: c.code.to_owned(),
                        held: c.held,
                        value: c.value.clone(),
                    })
                    .collect(),
                barred_until: o.eligibility.barred_until.clone(),
                complexes: o
                    .complexes
                    .iter()
                    .map(|c| RoundComplexView {
                        code: c.complex.code.clone(),
                        name: c.complex.name.clone(),
                        district: c.complex.district.clone(),
                        address: c.complex.address.clone(),
                        free_units: c.free_units,
                        unit_types: c.unit_types.iter().map(UnitTypeView::from).collect(),
                    })
                    .collect(),
                ranking: o
                    .application
                    .as_ref()
                    .map(|a| a.ranking.clone())
                    .unwrap_or_default(),
                pseudonym: o.application.as_ref().map(|a| a.pseudonym.clone()),
            })
            .collect(),
        results: housing
            .results
            .iter()
            .map(|r| RoundResultView {
                round: RoundView::from(&r.round),
                pseudonym: r.application.pseudonym.clone(),
                ranking: r.application.ranking.clone(),
                outcome: r
                    .application
                    .outcome_json
                    .as_deref()
                    .and_then(|j| serde_json::from_str(j).ok()),
            })
            .collect(),
        offers: housing.offers.iter().map(|o| offer_view(o, now)).collect(),
        leases: housing.leases.iter().map(LeaseView::from).collect(),
    }))
}

/// Saves (or replaces) the caller's ballot in a round that accepts ballots. Answers the
/// caller's apartments as `GET /api/v1/me/housing` does.
#[utoipa::path(put, path = "/api/v1/housing-rounds/{id}/ballot", tag = "housing", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id")), request_body = BallotRequest,
    responses((status = 200, body = TalentHousingView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn ballot(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<TalentHousingView>, AppError> {
    let talent = own_talent(&state, &ctx).await?;
    let request: BallotRequest = body.parse()?;
    if request.ranking.len() > yingcai_housing::MAX_RANKED {
        return Err(AppError::field("ranking", "invalid"));
    }
    let choices: Vec<&str> = request.ranking.iter().map(String::as_str).collect();
    housing_desk::save_ballot(
        state.store(),
        id,
        talent.as_ref(),
        &choices,
        yingcai_services::policy::today(),
        &ctx.actor(),
    )
    .await?;
    mine(State(state), ctx).await
}

/// Withdraws the caller's ballot from a round before its deadline.
#[utoipa::path(delete, path = "/api/v1/housing-rounds/{id}/ballot", tag = "housing", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = TalentHousingView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<TalentHousingView>, AppError> {
    let talent = own_talent(&state, &ctx).await?;
    housing_desk::withdraw_ballot(state.store(), id, talent.as_ref(), &ctx.actor()).await?;
    mine(State(state), ctx).await
}

/// Accepts one of the caller's offers: a lease from today (`offer`: `offer-closed` once
/// answered or lapsed). Answers the caller's apartments.
#[utoipa::path(post, path = "/api/v1/housing-offers/{id}/accept", tag = "housing", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Offer id")),
    responses((status = 200, body = TalentHousingView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<TalentHousingView>, AppError> {
    let (talent, offer) = own_offer(&state, &ctx, id).await?;
    yingcai_services::housing::accept_offer(state.store(), &offer, &ctx.actor()).await?;
    // The record now says "talent apartment": the rent allowance stops from here.
    crate::policy::after_verification(&state, talent.talent_id, &ctx.actor()).await;
    mine(State(state), ctx).await
}

/// Declines one of the caller's offers; the flat goes to the next in line.
#[utoipa::path(post, path = "/api/v1/housing-offers/{id}/decline", tag = "housing", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Offer id")),
    responses((status = 200, body = TalentHousingView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn decline(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<TalentHousingView>, AppError> {
    let (_, offer) = own_offer(&state, &ctx, id).await?;
    let calendar =
        yingcai_services::work_calendar::calendar(state.store(), &state.settings().work_hours())
            .await?;
    let answered: Result<(), OfferAnswerError> =
        yingcai_services::housing::decline_offer(state.store(), &calendar, &offer, &ctx.actor())
            .await;
    answered?;
    mine(State(state), ctx).await
}

// ------------------------------------------------------------------ inventory

/// The complexes with their units by status, by code (as `/officer/housing`).
#[utoipa::path(get, path = "/api/v1/housing/complexes", tag = "housing", security(("bearer" = [])),
    params(Paging),
    responses((status = 200, body = Vec<ComplexSummaryView>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn complexes(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(paging): Query<Paging>,
) -> Result<Json<Vec<ComplexSummaryView>>, AppError> {
    ctx.require(Role::Officer)?;
    let all = state.store().complexes().await?;
    Ok(Json(
        paging
            .page(all)?
            .iter()
            .map(ComplexSummaryView::from)
            .collect(),
    ))
}

async fn complex_detail(state: &AppState, complex_id: i64) -> Result<ComplexDetailView, AppError> {
    let complex = state.store().complex(complex_id).await?;
    let types = state.store().unit_types_of(complex_id).await?;
    let units = state.store().units_of(complex_id).await?;
    Ok(ComplexDetailView {
        complex: ComplexView::from(&complex),
        unit_types: types.iter().map(UnitTypeView::from).collect(),
        units: units
            .iter()
            .map(|u| UnitView {
                unit_id: u.unit_id,
                unit_type_id: u.unit_type_id,
                number: u.number.clone(),
                status: u.status,
            })
            .collect(),
    })
}

/// Registers a complex (`code`: `complex-code-taken` when another has the code).
#[utoipa::path(post, path = "/api/v1/housing/complexes", tag = "housing", security(("bearer" = [])),
    request_body = ComplexRequest,
    responses((status = 201, body = ComplexDetailView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn create_complex(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let r: ComplexRequest = body.parse()?;
    let input = housing_desk::ComplexInput {
        code: r.code,
        name: r.name,
        district: r.district,
        address: r.address,
        operator: r.operator,
    };
    let complex = housing_desk::check_complex(&input, &state.settings().districts)?;
    let id = housing_desk::create_complex(state.store(), &complex, &ctx.actor()).await?;
    Ok((StatusCode::CREATED, Json(complex_detail(&state, id).await?)).into_response())
}

/// A complex with its unit types and units (as `/officer/housing/complexes/{id}`).
#[utoipa::path(get, path = "/api/v1/housing/complexes/{id}", tag = "housing", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Complex id")),
    responses((status = 200, body = ComplexDetailView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn complex(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<ComplexDetailView>, AppError> {
    ctx.require(Role::Officer)?;
    Ok(Json(complex_detail(&state, id).await?))
}

/// A number the page's form would hold as text, for the form's one check: a negative or
/// zero amount reads as one the check refuses.
fn centi_text(value: i64) -> String {
    if value <= 0 {
        "-".to_owned()
    } else {
        Fen(value).bank_plain()
    }
}

/// Adds a unit type and its units to a complex, checked as the page's form is. Answers the
/// complex.
#[utoipa::path(post, path = "/api/v1/housing/complexes/{id}/unit-types", tag = "housing", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Complex id")), request_body = UnitTypeRequest,
    responses((status = 200, body = ComplexDetailView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn add_unit_type(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<ComplexDetailView>, AppError> {
    ctx.require(Role::Officer)?;
    // Someone else's mistake in the body is not a reason to hide that the complex is gone.
    state.store().complex(id).await?;
    let r: UnitTypeRequest = body.parse()?;
    let input = housing_desk::UnitTypeInput {
        unit_type: r.unit_type,
        // Hundredths of a m² read exactly as yuan and fen do: two decimals.
        area_m2: centi_text(r.area_centi_m2),
        bedrooms: r.bedrooms.to_string(),
        rent_yuan: centi_text(r.rent_fen),
        unit_numbers: r.unit_numbers,
    };
    let unit_type = housing_desk::check_unit_type(&input)?;
    housing_desk::add_unit_type(state.store(), id, &unit_type, &ctx.actor()).await??;
    Ok(Json(complex_detail(&state, id).await?))
}

/// Takes a free unit out of service, or puts one back (`status`: `unit-busy` while it is
/// on offer or let).
#[utoipa::path(put, path = "/api/v1/housing/units/{id}/status", tag = "housing", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Unit id")), request_body = UnitStatusRequest,
    responses((status = 200, body = UnitStatusView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn unit_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<UnitStatusView>, AppError> {
    ctx.require(Role::Officer)?;
    let r: UnitStatusRequest = body.parse()?;
    let maintenance =
        housing_desk::maintenance_of(&r.status).map_err(|e| AppError::Invalid(e.into()))?;
    housing_desk::set_unit_maintenance(state.store(), id, maintenance, &ctx.actor()).await?;
    Ok(Json(UnitStatusView {
        unit_id: id,
        status: if maintenance {
            UnitStatus::Maintenance
        } else {
            UnitStatus::Free
        },
    }))
}

/// Imports an inventory file (a multipart form, as the page's): all of it or nothing. A
/// file with wrong rows is refused with each row's problem, and the list is kept as the
/// caller's import report.
#[utoipa::path(post, path = "/api/v1/housing/inventory-imports", tag = "housing", security(("bearer" = [])),
    request_body(content = InventoryUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = InventoryImported), (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody),
        (status = 422, description = "The file is missing or too large (the usual error body), or rows are wrong (with `rows`)", body = InventoryRefusedBody)))]
pub(crate) async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<Response, AppError> {
    let account = ctx.require(Role::Officer)?.clone();
    let upload = crate::pages::import::read_file(
        &ctx,
        request,
        &state,
        crate::pages::import::MAX_UPLOAD,
        false,
    )
    .await?;
    if upload.bytes.is_empty() {
        return Err(AppError::field("file", "required"));
    }
    let errors = match housing_desk::import_inventory(
        state.store(),
        upload.bytes,
        &upload.name,
        state.settings().districts.clone(),
        &ctx.actor(),
    )
    .await?
    {
        housing_desk::InventoryImport::Imported(s) => {
            return Ok(Json(InventoryImported {
                complexes_created: s.complexes_created,
                unit_types_created: s.unit_types_created,
                units_created: s.units_created,
            })
            .into_response());
        }
        housing_desk::InventoryImport::Refused(errors) => errors,
    };
    let locale = ctx.locale;
    let message = |code: &str| translate(locale, &format!("err-{code}"), &[]);
    let csv = yingcai_import::errors_to_csv(&errors, message);
    let report_id = state
        .store()
        .save_import_report(
            account.account_id,
            &upload.name,
            errors.len() as i64,
            &csv,
            &ctx.actor(),
        )
        .await?;
    let body = InventoryRefusedBody {
        error: "invalid".into(),
        message: translate(locale, "error-invalid", &[]),
        fields: Some(vec![crate::api::FieldMessage {
            field: "file".into(),
            code: "inventory-rows-invalid".into(),
            message: message("inventory-rows-invalid"),
        }]),
        rows: Some(
            errors
                .iter()
                .take(200)
                .map(|e| RowProblem {
                    row: e.row,
                    column: e.column.clone(),
                    code: e.code.to_owned(),
                    message: message(e.code),
                })
                .collect(),
        ),
        problem_count: Some(errors.len()),
        report_id: Some(report_id),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
}

// ------------------------------------------------------------------ rounds

/// Every round, newest first (as `/officer/housing/rounds`).
#[utoipa::path(get, path = "/api/v1/housing/rounds", tag = "housing", security(("bearer" = [])),
    params(Paging),
    responses((status = 200, body = Vec<RoundView>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn rounds(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(paging): Query<Paging>,
) -> Result<Json<Vec<RoundView>>, AppError> {
    ctx.require(Role::Officer)?;
    let all = state.store().rounds().await?;
    Ok(Json(
        paging.page(all)?.iter().map(RoundView::from).collect(),
    ))
}

async fn round_detail(state: &AppState, round_id: i64) -> Result<RoundDetailView, AppError> {
    let detail = housing_desk::round_detail(state.store(), round_id).await?;
    Ok(round_detail_view(&detail))
}

/// Opens a round: its lottery seed is drawn and published at once.
#[utoipa::path(post, path = "/api/v1/housing/rounds", tag = "housing", security(("bearer" = [])),
    request_body = RoundRequest,
    responses((status = 201, body = RoundDetailView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn open_round(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let r: RoundRequest = body.parse()?;
    let input = housing_desk::RoundInput {
        name: r.name,
        // A missing deadline reads as one that is not a date, as on the page.
        deadline_at: r.deadline_at,
        unit_types: r.unit_type_ids,
        requirements: r.requirements,
        priority_rules: r
            .priority_rules
            .unwrap_or_else(|| yingcai_housing::PriorityRules::default().to_toml()),
        offer_rules: r
            .offer_rules
            .unwrap_or_else(|| yingcai_housing::OfferRules::default().to_toml()),
        lease_rules: r
            .lease_rules
            .unwrap_or_else(|| yingcai_housing::LeaseRules::default().to_toml()),
    };
    let id = housing_desk::open_round(state.store(), &input, &ctx.actor()).await?;
    Ok((StatusCode::CREATED, Json(round_detail(&state, id).await?)).into_response())
}

/// A round with its figures, offers and waiting lists (as `/officer/housing/rounds/{id}`).
#[utoipa::path(get, path = "/api/v1/housing/rounds/{id}", tag = "housing", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = RoundDetailView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn round(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<RoundDetailView>, AppError> {
    ctx.require(Role::Officer)?;
    Ok(Json(round_detail(&state, id).await?))
}

/// Runs a round's allocation after its deadline (`round`: `round-before-deadline`,
/// `round-already-run`, or `calendar-year-missing` when the offers' answer-by date falls
/// in a year the working calendar lacks).
#[utoipa::path(post, path = "/api/v1/housing/rounds/{id}/run", tag = "housing", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = RoundDetailView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn run_round(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<RoundDetailView>, AppError> {
    ctx.require(Role::Officer)?;
    let calendar =
        yingcai_services::work_calendar::calendar(state.store(), &state.settings().work_hours())
            .await?;
    match housing_desk::run_after_deadline(state.store(), id, &calendar, &ctx.actor()).await {
        Ok(_) => {}
        Err(RunError::NotFound) => return Err(AppError::NotFound),
        Err(RunError::AlreadyRun) => return Err(AppError::field("round", "round-already-run")),
        Err(RunError::BeforeDeadline) => {
            return Err(AppError::field("round", "round-before-deadline"));
        }
        Err(RunError::CalendarMissing(missing)) => {
            tracing::info!(round_id = id, "round not run: {missing}");
            return Err(AppError::field("round", "calendar-year-missing"));
        }
        Err(RunError::Other(e)) => return Err(AppError::Internal(e)),
    }
    Ok(Json(round_detail(&state, id).await?))
}

/// What anyone may see of a round (as `/housing/rounds/{id}`): its rules, seed and
/// figures, and after allocation where its files are.
#[utoipa::path(get, path = "/api/v1/housing-rounds/{id}", tag = "housing",
    params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = PublicRoundView), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn public_round(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<PublicRoundView>, AppError> {
    let round = state.store().round(id).await?;
    let figures = yingcai_services::housing::round_figures(state.store(), &round).await?;
    let files = if round.status == RoundStatus::Allocated {
        ["instance.json", "result.csv", "ranking.csv"]
            .iter()
            .map(|f| format!("/housing/rounds/{id}/{f}"))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Json(PublicRoundView {
        round: RoundView::from(&round),
        figures,
        files,
    }))
}

// ------------------------------------------------------------------ occupancy

/// Leases in force and each complex's units by status (as `/officer/housing/occupancy`).
#[utoipa::path(get, path = "/api/v1/housing/occupancy", tag = "housing", security(("bearer" = [])),
    params(Paging),
    responses((status = 200, body = OccupancyView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn occupancy(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(paging): Query<Paging>,
) -> Result<Json<OccupancyView>, AppError> {
    ctx.require(Role::Officer)?;
    let leases = paging.page(state.store().live_leases().await?)?;
    let complexes = state.store().complexes().await?;
    Ok(Json(OccupancyView {
        leases: leases.iter().map(LeaseView::from).collect(),
        complexes: complexes.iter().map(ComplexSummaryView::from).collect(),
    }))
}

/// Gives notice on a lease, ending on `ends_on` (`ends_on`: `date-invalid` unless a date
/// today or later). Answers the lease.
#[utoipa::path(post, path = "/api/v1/housing/leases/{id}/notice", tag = "housing", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lease id")), request_body = NoticeRequest,
    responses((status = 200, body = LeaseView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn lease_notice(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<LeaseView>, AppError> {
    ctx.require(Role::Officer)?;
    let r: NoticeRequest = body.parse()?;
    let ends_on = yingcai_domain::Date::parse("ends_on", &r.ends_on).ok();
    housing_desk::give_notice(
        state.store(),
        id,
        ends_on,
        yingcai_services::policy::today(),
        &ctx.actor(),
    )
    .await?;
    Ok(Json(LeaseView::from(&state.store().lease(id).await?)))
}
