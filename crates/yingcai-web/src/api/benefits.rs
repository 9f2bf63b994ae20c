//! Benefits over the API, twins of the pages: a talent's own benefits, card and confirmations
//! (`/talent/benefits`, `/talent/card`), the officers' view of a talent, card issue and
//! revocation, the entitlements list with holds (`/officer/…`), and the public calculator
//! and card check (`/calculator`, `/verify`). Each calls the same service function as its
//! page, so the same rules and field errors apply.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use yingcai_domain::{EntitlementStatus, Role};
use yingcai_services::benefits::{self, CalculatorInput};
use yingcai_services::policy::{PolicySet, today};
use yingcai_store::{CardRecord, EntitlementFilter, EntitlementRecord, TalentRecord};

use crate::context::{Id, JsonBody};
use crate::policy::{
    card_token, explain_talent, issue_card, month_or_now, policy_set, services_of,
};
use crate::{AppError, AppState, Ctx};

type Answers = crate::api::ErrorBody;

/// A label in both languages.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TextView {
    pub zh: String,
    pub en: String,
}

/// A green-channel service of a card's tier.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ServiceView {
    pub id: String,
    pub label: TextView,
}

fn service_views(services: &[yingcai_rules::Service]) -> Vec<ServiceView> {
    services
        .iter()
        .map(|s| ServiceView {
            id: s.id.clone(),
            label: TextView {
                zh: s.zh.clone(),
                en: s.en.clone(),
            },
        })
        .collect()
}

/// A talent green card.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CardView {
    pub card_id: i64,
    /// The card number printed on the card, e.g. `SJZ-2026-000041-X`.
    pub number: String,
    pub talent_id: i64,
    /// The tier (`A`, `B`, …) as the policy pack names it.
    pub tier: String,
    /// `YYYY-MM-DD`.
    pub valid_from: String,
    /// `YYYY-MM-DD`, the last day it is valid.
    pub valid_until: String,
    /// `active` or `revoked` as stored; an active card past its last day reads `expired`.
    #[schema(example = "active")]
    pub status: String,
    /// Active and not past its last day: shown to be used, and revocable.
    pub in_force: bool,
    pub revoked_reason: Option<String>,
    pub issued_at: i64,
    /// The stored policy version the card was issued under.
    pub policy_version_id: i64,
    /// The tier's green-channel services.
    pub services: Vec<ServiceView>,
}

fn card_view(set: &PolicySet, card: &CardRecord) -> CardView {
    let expired = card.valid_until < today().to_string();
    let active = card.status == yingcai_domain::CardStatus::Active;
    CardView {
        card_id: card.card_id,
        number: card.number.clone(),
        talent_id: card.talent_id,
        tier: card.tier.clone(),
        valid_from: card.valid_from.clone(),
        valid_until: card.valid_until.clone(),
        status: if active && expired {
            "expired".into()
        } else {
            card.status.as_str().into()
        },
        in_force: active && !expired,
        revoked_reason: card.revoked_reason.clone(),
        issued_at: card.issued_at,
        policy_version_id: card.policy_version_id,
        services: service_views(&services_of(set, card)),
    }
}

/// Months of an entitlement at one monthly amount.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ScheduleView {
    /// `YYYY-MM`.
    pub from: String,
    /// `YYYY-MM`, inclusive.
    pub to: String,
    pub amount_fen: i64,
}

/// A benefit the engine found for a talent, without application.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EntitlementView {
    pub entitlement_id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    /// The benefit's id in the policy pack.
    pub benefit: String,
    /// The benefit's name in both languages, when the pack names it.
    pub label: Option<TextView>,
    #[schema(value_type = String, example = "proposed")]
    pub status: EntitlementStatus,
    /// `YYYY-MM`.
    pub from_month: String,
    pub schedule: Vec<ScheduleView>,
    /// Every month of the schedule together, in fen.
    pub total_fen: i64,
    pub policy_version_id: i64,
    /// The version's label, e.g. `shijiazhuang-green-card 2023.1`.
    pub policy_version: String,
    pub computed_at: i64,
    pub confirmed_at: Option<i64>,
    /// The account it is paid to, masked.
    pub confirmed_bank: Option<String>,
    pub ended_reason: Option<String>,
    /// Why an officer holds its payments, if held.
    pub held_reason: Option<String>,
}

fn entitlement_view(set: &PolicySet, e: &EntitlementRecord) -> EntitlementView {
    EntitlementView {
        entitlement_id: e.entitlement_id,
        talent_id: e.talent_id,
        talent_name: e.talent_name.clone(),
        benefit: e.benefit.clone(),
        label: set
            .by_id(e.policy_version_id)
            .and_then(|v| v.pack.benefit_label(&e.benefit).cloned())
            .map(|t| TextView { zh: t.zh, en: t.en }),
        status: e.status,
        from_month: e.from_month.to_string(),
        schedule: e
            .schedule
            .iter()
            .map(|s| ScheduleView {
                from: s.from.to_string(),
                to: s.to.to_string(),
                amount_fen: s.amount_fen,
            })
            .collect(),
        total_fen: e.total_fen,
        policy_version_id: e.policy_version_id,
        policy_version: e.policy_version.clone(),
        computed_at: e.computed_at,
        confirmed_at: e.confirmed_at,
        confirmed_bank: e.confirmed_bank_masked.clone(),
        ended_reason: e.ended_reason.clone(),
        held_reason: e.held_reason.clone(),
    }
}

fn explanation_value(
    explanation: &yingcai_rules::Explanation,
) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(explanation).map_err(|e| AppError::Internal(e.into()))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct MonthParam {
    /// `YYYY-MM`; this month when absent.
    month: Option<String>,
}

/// A message the engine left for the talent (a benefit found, changed or ended).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BenefitNoticeView {
    pub notification_id: i64,
    /// What happened, e.g. `entitlement.proposed`.
    pub kind: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A talent's benefits: the explanation of a month, the card, the entitlements and the
/// engine's messages. `record` is false when the account has no talent record yet (then
/// everything else is empty).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MyBenefitsView {
    pub record: bool,
    /// `YYYY-MM`.
    pub month: String,
    pub policy_version_id: Option<i64>,
    /// As `GET /api/v1/talents/{talent}/explanation` gives it.
    #[schema(value_type = Option<Object>)]
    pub explanation: Option<serde_json::Value>,
    pub card: Option<CardView>,
    pub entitlements: Vec<EntitlementView>,
    pub notices: Vec<BenefitNoticeView>,
    /// The account on the record that payments go to, masked.
    pub bank_account: Option<String>,
}

async fn own_talent(state: &AppState, ctx: &Ctx) -> Result<Option<TalentRecord>, AppError> {
    let account = ctx.require(Role::Talent)?;
    Ok(state.store().talent_of_owner(account.account_id).await?)
}

async fn entitlements_of(
    state: &AppState,
    talent_id: i64,
) -> Result<Vec<EntitlementRecord>, AppError> {
    Ok(state
        .store()
        .entitlements(&EntitlementFilter {
            talent_id: Some(talent_id),
            limit: 50,
            ..EntitlementFilter::default()
        })
        .await?)
}

/// The caller's benefits (as `/talent/benefits`). Unlike the page, reading them here does
/// not mark the engine's messages read.
#[utoipa::path(get, path = "/api/v1/me/benefits", tag = "benefits", security(("bearer" = [])),
    params(MonthParam),
    responses((status = 200, body = MyBenefitsView), (status = 401, body = Answers), (status = 403, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MonthParam>,
) -> Result<Json<MyBenefitsView>, AppError> {
    let month = month_or_now(q.month.as_deref())?;
    let Some(talent) = own_talent(&state, &ctx).await? else {
        return Ok(Json(MyBenefitsView {
            record: false,
            month: month.to_string(),
            policy_version_id: None,
            explanation: None,
            card: None,
            entitlements: Vec::new(),
            notices: Vec::new(),
            bank_account: None,
        }));
    };
    let set = policy_set(&state).await?;
    let (version_id, explanation) = explain_talent(&set, &talent, month);
    let entitlements = entitlements_of(&state, talent.talent_id).await?;
    let notices = state.store().notifications(talent.talent_id).await?;
    let cards = state.store().cards_of_talent(talent.talent_id).await?;
    Ok(Json(MyBenefitsView {
        record: true,
        month: month.to_string(),
        policy_version_id: Some(version_id),
        explanation: Some(explanation_value(&explanation)?),
        card: cards.first().map(|c| card_view(&set, c)),
        entitlements: entitlements
            .iter()
            .map(|e| entitlement_view(&set, e))
            .collect(),
        notices: notices
            .into_iter()
            .map(|n| BenefitNoticeView {
                notification_id: n.notification_id,
                kind: n.kind,
                payload: n.payload,
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect(),
        bank_account: talent.profile.bank_account.as_ref().map(|b| b.masked()),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ConfirmRequest {
    /// True to say the account on the record (shown masked in `bank_account`) is the one to
    /// be paid to; the confirmation is refused without it.
    pub bank_confirmed: bool,
}

/// Confirms one of the caller's proposed entitlements and the account it is paid to (as
/// the benefits page's button). Another talent's entitlement, or one no longer proposed,
/// is 404.
#[utoipa::path(post, path = "/api/v1/me/entitlements/{id}/confirm", tag = "benefits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Entitlement id")), request_body = ConfirmRequest,
    responses((status = 200, body = EntitlementView), (status = 401, body = Answers), (status = 403, body = Answers), (status = 404, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<EntitlementView>, AppError> {
    let talent = own_talent(&state, &ctx).await?.ok_or(AppError::NotFound)?;
    let request: ConfirmRequest = body.parse()?;
    benefits::confirm_entitlement(
        state.store(),
        &talent,
        id,
        request.bank_confirmed,
        &ctx.actor(),
    )
    .await?;
    let set = policy_set(&state).await?;
    Ok(Json(entitlement_view(
        &set,
        &state.store().entitlement(id).await?,
    )))
}

/// The caller's card with the signed token its QR code carries. Without a card (or a
/// record) `card`, `holder` and `token` are null: `GET /api/v1/me/benefits` says,
/// criterion by criterion, what is missing.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MyCardView {
    pub card: Option<CardView>,
    /// The holder's name as the card shows it.
    pub holder: Option<String>,
    /// The QR code's content: a signed token anyone can check at `verify_url` or with
    /// `GET /api/v1/cards/verify`.
    pub token: Option<String>,
    pub verify_url: String,
}

/// The caller's newest card (as `/talent/card`).
#[utoipa::path(get, path = "/api/v1/me/card", tag = "benefits", security(("bearer" = [])),
    responses((status = 200, body = MyCardView), (status = 401, body = Answers), (status = 403, body = Answers)))]
pub(crate) async fn my_card(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<MyCardView>, AppError> {
    let verify_url = format!(
        "{}/verify",
        state.settings().public_url.trim_end_matches('/')
    );
    let none = MyCardView {
        card: None,
        holder: None,
        token: None,
        verify_url: verify_url.clone(),
    };
    let Some(talent) = own_talent(&state, &ctx).await? else {
        return Ok(Json(none));
    };
    let set = policy_set(&state).await?;
    let cards = state.store().cards_of_talent(talent.talent_id).await?;
    let Some(card) = cards.first() else {
        return Ok(Json(none));
    };
    let token = card_token(&state, &set, card, &talent.profile.name)?;
    Ok(Json(MyCardView {
        card: Some(card_view(&set, card)),
        holder: Some(talent.profile.name.clone()),
        token: Some(token),
        verify_url,
    }))
}

/// A talent as officers see it for benefits.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TalentBenefitsView {
    pub talent_id: i64,
    pub name: String,
    /// Masked.
    pub resident_id: String,
    /// `YYYY-MM`.
    pub month: String,
    pub policy_version_id: i64,
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
    /// Newest first.
    pub cards: Vec<CardView>,
    pub entitlements: Vec<EntitlementView>,
}

/// A verified talent's explanation, cards and entitlements (officers; as
/// `/officer/talents/{id}`).
#[utoipa::path(get, path = "/api/v1/talents/{id}/benefits", tag = "benefits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Talent record id"), MonthParam),
    responses((status = 200, body = TalentBenefitsView), (status = 401, body = Answers), (status = 403, body = Answers), (status = 404, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn of_talent(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<MonthParam>,
) -> Result<Json<TalentBenefitsView>, AppError> {
    ctx.require(Role::Officer)?;
    let talent = state.store().talent(id).await?;
    let month = month_or_now(q.month.as_deref())?;
    let set = policy_set(&state).await?;
    let (version_id, explanation) = explain_talent(&set, &talent, month);
    let cards = state.store().cards_of_talent(id).await?;
    let entitlements = entitlements_of(&state, id).await?;
    Ok(Json(TalentBenefitsView {
        talent_id: id,
        name: talent.profile.name.clone(),
        resident_id: talent.profile.resident_id.masked(),
        month: month.to_string(),
        policy_version_id: version_id,
        explanation: explanation_value(&explanation)?,
        cards: cards.iter().map(|c| card_view(&set, c)).collect(),
        entitlements: entitlements
            .iter()
            .map(|e| entitlement_view(&set, e))
            .collect(),
    }))
}

/// Issues a green card with the tier the policy in force gives the talent today (officers).
/// Refused (422, field `card`) when the talent qualifies for no card or has one in force.
#[utoipa::path(post, path = "/api/v1/talents/{id}/card", tag = "benefits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Talent record id")),
    responses((status = 201, body = CardView), (status = 401, body = Answers), (status = 403, body = Answers), (status = 404, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn issue(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<(StatusCode, Json<CardView>), AppError> {
    ctx.require(Role::Officer)?;
    let talent = state.store().talent(id).await?;
    let set = policy_set(&state).await?;
    let card = issue_card(&state, &set, &talent, &ctx.actor()).await?;
    Ok((StatusCode::CREATED, Json(card_view(&set, &card))))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReasonRequest {
    /// Why (1 to 500 characters); shown to the talent and kept in the audit log.
    pub reason: String,
}

/// Revokes a card in force with a reason (officers). A card not in force is 404.
#[utoipa::path(post, path = "/api/v1/cards/{id}/revoke", tag = "benefits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Card id")), request_body = ReasonRequest,
    responses((status = 200, body = CardView), (status = 401, body = Answers), (status = 403, body = Answers), (status = 404, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<CardView>, AppError> {
    ctx.require(Role::Officer)?;
    let request: ReasonRequest = body.parse()?;
    benefits::revoke_card(state.store(), id, &request.reason, &ctx.actor()).await?;
    let set = policy_set(&state).await?;
    Ok(Json(card_view(&set, &state.store().card(id).await?)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct EntitlementParams {
    /// `proposed`, `confirmed`, `held`, `ended`…; all when absent.
    status: Option<String>,
    /// A benefit id of the pack in force; all when absent.
    benefit: Option<String>,
    /// 1-based page of 50, in entitlement order.
    page: Option<i64>,
}

/// A page of entitlements with the count and total of all that match.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EntitlementPage {
    pub rows: Vec<EntitlementView>,
    /// How many match the filter in all.
    pub count: i64,
    /// Their totals together, in fen.
    pub total_fen: i64,
    pub page: i64,
    /// Whether a later page has more.
    pub more: bool,
}

const PAGE: i64 = 50;

/// What the engine found, ready for the payment runs (officers; as `/officer/entitlements`),
/// in entitlement order, 50 a page.
#[utoipa::path(get, path = "/api/v1/entitlements", tag = "benefits", security(("bearer" = [])),
    params(EntitlementParams),
    responses((status = 200, body = EntitlementPage), (status = 401, body = Answers), (status = 403, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<EntitlementParams>,
) -> Result<Json<EntitlementPage>, AppError> {
    ctx.require(Role::Officer)?;
    let set = policy_set(&state).await?;
    let field = |name: &'static str| {
        AppError::Invalid(yingcai_domain::FieldError::new(name, "invalid").into())
    };
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<EntitlementStatus>()
                .map_err(|_| field("status"))?,
        ),
    };
    let benefit = match q.benefit.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            set.in_force(today())
                .pack
                .benefit_ids()
                .find(|b| *b == raw)
                .map(str::to_owned)
                .ok_or_else(|| field("benefit"))?,
        ),
    };
    let page = match q.page {
        None => 1,
        Some(p) if (1..=1_000_000).contains(&p) => p,
        Some(_) => return Err(field("page")),
    };
    let filter = EntitlementFilter {
        status,
        benefit,
        talent_id: None,
        limit: PAGE,
        offset: (page - 1) * PAGE,
    };
    let rows = state.store().entitlements(&filter).await?;
    let (count, total_fen) = state.store().entitlement_totals(&filter).await?;
    Ok(Json(EntitlementPage {
        rows: rows.iter().map(|e| entitlement_view(&set, e)).collect(),
        count,
        total_fen,
        page,
        more: count > page * PAGE,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct HoldRequest {
    /// True to hold the payments, false to resume them (the held months are then paid as
    /// arrears).
    pub hold: bool,
    /// Why (1 to 500 characters); required to hold.
    #[serde(default)]
    pub reason: String,
}

/// Holds an entitlement's payments with a reason, or resumes them (officers).
#[utoipa::path(post, path = "/api/v1/entitlements/{id}/hold", tag = "benefits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Entitlement id")), request_body = HoldRequest,
    responses((status = 200, body = EntitlementView), (status = 401, body = Answers), (status = 403, body = Answers), (status = 404, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn hold(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<EntitlementView>, AppError> {
    ctx.require(Role::Officer)?;
    let request: HoldRequest = body.parse()?;
    benefits::hold_entitlement(
        state.store(),
        id,
        request.hold,
        &request.reason,
        &ctx.actor(),
    )
    .await?;
    let set = policy_set(&state).await?;
    Ok(Json(entitlement_view(
        &set,
        &state.store().entitlement(id).await?,
    )))
}

/// What the policy in force in a month gives a person (as `/calculator`).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CalculationView {
    pub policy_version_id: i64,
    /// Pack, month, card tier with every criterion, and every benefit with its conditions,
    /// window, exclusions, dated amount, legal reference and — when refused — what would
    /// change the result. Money in fen; texts as `{zh, en}`.
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Documents the query; the handler reads it as `CalculatorInput`.
pub(crate) struct CalculatorParams {
    /// `phd`, `master`, `bachelor` or `none`.
    degree: String,
    /// `YYYY-MM-DD`.
    arrival_date: String,
    /// `rent`, `owns`, `talent_apartment`, `employer_housing` or `other`.
    housing: String,
    /// An honour from the pack's list; none when absent.
    honors: Option<String>,
    /// `YYYY-MM-DD`; optional.
    birth_date: Option<String>,
    /// Any non-empty value: employed in the city.
    employed_in_city: Option<String>,
    /// `YYYY-MM-DD`; required with `housing=owns`.
    home_purchase_date: Option<String>,
    /// 0 to 600; 0 when absent.
    social_insurance_months: Option<String>,
    /// `YYYY-MM`; this month when absent.
    month: Option<String>,
}

/// Anyone, signed in or not: what the policy in force would give a person. Nothing is
/// stored. Wrong fields are 422 with the page's messages.
#[utoipa::path(get, path = "/api/v1/calculator", tag = "benefits",
    params(CalculatorParams),
    responses((status = 200, body = CalculationView), (status = 400, body = Answers), (status = 422, body = Answers)))]
pub(crate) async fn calculator(
    State(state): State<AppState>,
    Query(input): Query<CalculatorInput>,
) -> Result<Json<CalculationView>, AppError> {
    let set = policy_set(&state).await?;
    let (policy_version_id, explanation) =
        benefits::calculate(&set, &input).map_err(AppError::Invalid)?;
    Ok(Json(CalculationView {
        policy_version_id,
        explanation: explanation_value(&explanation)?,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct TokenParam {
    /// The QR code's content.
    token: String,
}

/// A card check's answer. `genuine` is false for a token not signed with the site's card
/// key (or damaged); then nothing else is given.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CardCheckView {
    pub genuine: bool,
    /// `valid`, `expired`, `not-yet-valid`, `revoked`, or `unknown` (genuine but not on
    /// record).
    pub state: Option<String>,
    pub revoked_reason: Option<String>,
    pub number: Option<String>,
    pub tier: Option<String>,
    /// Masked as the QR code carries it.
    pub holder: Option<String>,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    pub services: Vec<ServiceView>,
}

/// Anyone checks a card's QR token (as `/verify`): genuine or not, its state today, tier,
/// masked holder and green-channel services. A token that is not genuine is an answer
/// (`genuine: false`), not an error.
#[utoipa::path(get, path = "/api/v1/cards/verify", tag = "benefits",
    params(TokenParam),
    responses((status = 200, body = CardCheckView), (status = 400, body = Answers)))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    Query(q): Query<TokenParam>,
) -> Result<Json<CardCheckView>, AppError> {
    let set = policy_set(&state).await?;
    let key = state.card_signer().public_key();
    let check = benefits::check_card_token(state.store(), &key, &set, &q.token).await?;
    Ok(Json(match check {
        None => CardCheckView {
            genuine: false,
            state: None,
            revoked_reason: None,
            number: None,
            tier: None,
            holder: None,
            valid_from: None,
            valid_until: None,
            services: Vec::new(),
        },
        Some(c) => CardCheckView {
            genuine: true,
            state: Some(c.state.as_str().into()),
            revoked_reason: c.revoked_reason,
            number: Some(c.claims.number.to_string()),
            tier: Some(c.claims.tier.clone()),
            holder: Some(c.claims.holder.clone()),
            valid_from: Some(c.claims.valid_from.to_string()),
            valid_until: Some(c.claims.valid_until.to_string()),
            services: service_views(&c.services),
        },
    }))
}
