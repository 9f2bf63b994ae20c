//! Policies at work: a talent's benefits with their explanations, entitlements found without
//! application (confirmed with one click), the green card with its QR code, the officers'
//! view of a talent and of all entitlements, and the public calculator and card check.

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;
use yingcai_domain::{CardStatus, Degree, EntitlementStatus, FieldErrors, Housing, Role};
use yingcai_services::benefits;
use yingcai_services::policy::{PolicySet, clock_month, today};
use yingcai_store::{CardRecord, EntitlementFilter, EntitlementRecord, TalentRecord};

use super::errors_value;
use super::forms::{ConfirmEntitlementForm, HoldForm, ReasonForm};
use super::labels::NOTIFICATION_KINDS;
use crate::context::CsrfForm;
use crate::context::Id;
use crate::policy::{
    card_token, explain_talent, issue_card, month_or_now, policy_set, services_of,
};
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx};

#[derive(Deserialize, Default)]
pub(crate) struct MonthQuery {
    #[serde(default)]
    month: Option<String>,
}

/// The label of an active card whose last day has passed: a state shown, never stored.
const CARD_EXPIRED_LABEL: &str = "status-card-expired";

fn card_value(set: &PolicySet, card: &CardRecord) -> Value {
    let expired = card.valid_until < today().to_string();
    let in_force = card.status == CardStatus::Active && !expired;
    context! {
        card_id => card.card_id,
        number => card.number,
        tier => card.tier,
        valid_from => card.valid_from,
        valid_until => card.valid_until,
        status_label => if card.status == CardStatus::Active && expired { CARD_EXPIRED_LABEL } else { card.status.label_id() },
        // Shown to be used, and revocable: active and not past its last day.
        in_force => in_force,
        revoked_reason => card.revoked_reason,
        services => services_of(set, card),
    }
}

fn entitlement_value(set: &PolicySet, e: &EntitlementRecord) -> Value {
    let label = set
        .by_id(e.policy_version_id)
        .and_then(|v| v.pack.benefit_label(&e.benefit).cloned());
    context! {
        id => e.entitlement_id,
        talent_id => e.talent_id,
        talent_name => e.talent_name,
        benefit => e.benefit,
        label => label,
        status => e.status,
        status_label => e.status.label_id(),
        awaiting_confirmation => e.status == EntitlementStatus::Proposed,
        confirmed => e.status == EntitlementStatus::Confirmed,
        from_month => e.from_month,
        schedule => e.schedule,
        total_fen => e.total_fen,
        version => e.policy_version,
        confirmed_at => e.confirmed_at.map(super::audit::beijing_time),
        confirmed_bank => e.confirmed_bank_masked,
        ended_reason => e.ended_reason,
        held_reason => e.held_reason,
    }
}

async fn own_talent(state: &AppState, ctx: &Ctx) -> Result<Option<TalentRecord>, AppError> {
    let account = ctx.require(Role::Talent)?;
    Ok(state.store().talent_of_owner(account.account_id).await?)
}

/// `/talent/benefits`: the talent's card, entitlements, notifications and the explanation
/// of a month (this month unless `?month=`).
pub(crate) async fn benefits(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    render_benefits(&state, &ctx, q.month.as_deref(), StatusCode::OK, None).await
}

async fn render_benefits(
    state: &AppState,
    ctx: &Ctx,
    month: Option<&str>,
    status: StatusCode,
    errors: Option<Value>,
) -> Result<Response, AppError> {
    let Some(talent) = own_talent(state, ctx).await? else {
        return page_with_status(
            state,
            ctx,
            status,
            "talent_benefits.html",
            context! { talent => false },
        );
    };
    let month = month_or_now(month)?;
    let set = policy_set(state).await?;
    let (_, explanation) = explain_talent(&set, &talent, month);
    let entitlements = state
        .store()
        .entitlements(&EntitlementFilter {
            talent_id: Some(talent.talent_id),
            limit: 50,
            ..EntitlementFilter::default()
        })
        .await?;
    let notifications = state.store().notifications(talent.talent_id).await?;
    state
        .store()
        .mark_notifications_read(talent.talent_id)
        .await?;
    let cards = state.store().cards_of_talent(talent.talent_id).await?;
    page_with_status(
        state,
        ctx,
        status,
        "talent_benefits.html",
        context! {
            talent => true,
            month => month.to_string(),
            explanation => Value::from_serialize(&explanation),
            entitlements => entitlements.iter().map(|e| entitlement_value(&set, e)).collect::<Vec<_>>(),
            notifications => notifications.iter().map(|n| Ok(context! {
                label => NOTIFICATION_KINDS.of(&n.kind)?,
                payload => Value::from_serialize(&n.payload),
                at => super::audit::beijing_time(n.created_at),
                unread => n.read_at.is_none(),
            })).collect::<Result<Vec<_>, AppError>>()?,
            card => cards.first().map(|c| card_value(&set, c)),
            bank_account => talent.profile.bank_account.as_ref().map(|b| b.masked()),
            errors => errors,
        },
    )
}

/// One click: the talent confirms a proposed entitlement and the account it is paid to.
pub(crate) async fn confirm_entitlement(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<ConfirmEntitlementForm>,
) -> Result<Response, AppError> {
    let talent = own_talent(&state, &ctx).await?.ok_or(AppError::NotFound)?;
    match benefits::confirm_entitlement(state.store(), &talent, id, form.confirmed(), &ctx.actor())
        .await
    {
        Ok(()) => {}
        Err(yingcai_services::Error::Invalid(errors)) => {
            return render_benefits(
                &state,
                &ctx,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(errors_value(&errors)),
            )
            .await;
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to("/talent/benefits#entitlements").into_response())
}

/// `/talent/card`: the card with its QR code, laid out to print.
pub(crate) async fn card_page(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    // Without a card (or a verified record) the benefits page says, criterion by
    // criterion, what is missing: a person following a "my card" link belongs there.
    let Some(talent) = own_talent(&state, &ctx).await? else {
        return Ok(Redirect::to("/talent/benefits").into_response());
    };
    let set = policy_set(&state).await?;
    let cards = state.store().cards_of_talent(talent.talent_id).await?;
    let Some(card) = cards.first() else {
        return Ok(Redirect::to("/talent/benefits").into_response());
    };
    let token = card_token(&state, &set, card, &talent.profile.name)?;
    let qr = yingcai_card::qr_svg(&token)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("QR for card {}: {e}", card.number)))?;
    let label = set
        .by_id(card.policy_version_id)
        .and_then(|v| v.pack.tier_label(&card.tier).cloned());
    page(
        &state,
        &ctx,
        "talent_card.html",
        context! {
            card => card_value(&set, card),
            tier_label => label,
            holder => talent.profile.name,
            resident_id => talent.profile.resident_id.masked(),
            qr => Value::from_safe_string(qr),
            token => token,
            verify_url => format!("{}/verify", state.settings().public_url.trim_end_matches('/')),
        },
    )
}

/// `/officer/talents/{id}`: an officer's view of a verified talent: explanation, cards,
/// entitlements; issue or revoke the card.
pub(crate) async fn officer_talent(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    render_officer_talent(&state, &ctx, id, q.month.as_deref(), StatusCode::OK, None).await
}

async fn render_officer_talent(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    month: Option<&str>,
    status: StatusCode,
    errors: Option<Value>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let talent = state.store().talent(id).await?;
    let month = month_or_now(month)?;
    let set = policy_set(state).await?;
    let (_, explanation) = explain_talent(&set, &talent, month);
    let cards = state.store().cards_of_talent(id).await?;
    let entitlements = state
        .store()
        .entitlements(&EntitlementFilter {
            talent_id: Some(id),
            limit: 50,
            ..EntitlementFilter::default()
        })
        .await?;
    let p = &talent.profile;
    let employer = match &p.employer {
        Some(yingcai_domain::Employer::Enterprise { enterprise_id }) => state
            .store()
            .enterprise(*enterprise_id)
            .await
            .ok()
            .map(|e| e.profile.name),
        Some(yingcai_domain::Employer::Named { name, .. }) => Some(name.clone()),
        None => None,
    };
    page_with_status(
        state,
        ctx,
        status,
        "officer_talent.html",
        context! {
            talent => context! {
                id => talent.talent_id,
                name => p.name,
                resident_id => p.resident_id.masked(),
                employer => employer,
                degree => p.degree.code(),
                honors => p.honors,
                arrival_date => p.arrival_date.to_string(),
                employed_in_city => p.employed_in_city,
                housing => p.housing.code(),
                home_purchase_date => p.home_purchase_date.map(|d| d.to_string()),
                social_insurance_months => p.social_insurance_months,
            },
            month => month.to_string(),
            explanation => Value::from_serialize(&explanation),
            cards => cards.iter().map(|c| card_value(&set, c)).collect::<Vec<_>>(),
            has_active => cards.iter().any(|c| c.status == CardStatus::Active),
            entitlements => entitlements.iter().map(|e| entitlement_value(&set, e)).collect::<Vec<_>>(),
            errors => errors,
        },
    )
}

pub(crate) async fn officer_issue_card(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let talent_id = id;
    let talent = state.store().talent(talent_id).await?;
    let set = policy_set(&state).await?;
    match issue_card(&state, &set, &talent, &ctx.actor()).await {
        Ok(_) => Ok(Redirect::to(&format!("/officer/talents/{talent_id}#cards")).into_response()),
        Err(refusal) => {
            let errors = errors_value(&crate::error::refused(refusal)?);
            render_officer_talent(&state, &ctx, id, None, StatusCode::CONFLICT, Some(errors)).await
        }
    }
}

/// The talent's page again, with the reason's error next to the reason fields.
async fn reason_refused(
    state: &AppState,
    ctx: &Ctx,
    talent_id: i64,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    render_officer_talent(
        state,
        ctx,
        talent_id,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(errors_value(errors)),
    )
    .await
}

/// Holds an entitlement's payments with a reason (the months stay owed and are paid as
/// arrears after resumption), or resumes it.
pub(crate) async fn officer_hold_entitlement(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<HoldForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let entitlement = state.store().entitlement(id).await?;
    match benefits::hold_entitlement(state.store(), id, form.hold(), form.reason(), &ctx.actor())
        .await
    {
        Ok(_) => {}
        Err(yingcai_services::Error::Invalid(errors)) => {
            return reason_refused(&state, &ctx, entitlement.talent_id, &errors).await;
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to(&format!(
        "/officer/talents/{}#entitlements",
        entitlement.talent_id
    ))
    .into_response())
}

pub(crate) async fn officer_revoke_card(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let card = state.store().card(id).await?;
    match benefits::revoke_card(state.store(), id, form.reason(), &ctx.actor()).await {
        Ok(_) => {}
        Err(yingcai_services::Error::Invalid(errors)) => {
            return reason_refused(&state, &ctx, card.talent_id, &errors).await;
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to(&format!("/officer/talents/{}#cards", card.talent_id)).into_response())
}

#[derive(Deserialize, Default)]
pub(crate) struct EntitlementQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    benefit: String,
    #[serde(default)]
    page: Option<i64>,
}

const PAGE: i64 = 50;

/// `/officer/entitlements`: what the engine found, ready for the payment runs.
pub(crate) async fn officer_entitlements(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<EntitlementQuery>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let set = policy_set(&state).await?;
    // Bounded, so the offset below cannot overflow whatever number the address holds.
    let page_no = q.page.unwrap_or(1).clamp(1, 1_000_000);
    let benefits: Vec<String> = set
        .in_force(today())
        .pack
        .benefit_ids()
        .map(str::to_owned)
        .collect();
    let filter = EntitlementFilter {
        status: q.status.parse::<EntitlementStatus>().ok(),
        benefit: benefits.iter().find(|b| **b == q.benefit).cloned(),
        talent_id: None,
        limit: PAGE,
        offset: (page_no - 1) * PAGE,
    };
    let rows = state.store().entitlements(&filter).await?;
    let (count, total) = state.store().entitlement_totals(&filter).await?;
    page(
        &state,
        &ctx,
        "officer_entitlements.html",
        context! {
            rows => rows.iter().map(|e| entitlement_value(&set, e)).collect::<Vec<_>>(),
            count => count,
            total_fen => total,
            status => filter.status,
            statuses => super::status_options(EntitlementStatus::ALL, filter.status, |s| (s.as_str(), s.label_id())),
            benefit => filter.benefit,
            benefits => benefits,
            page => page_no,
            more => count > page_no * PAGE,
        },
    )
}

// ---------------------------------------------------------------------- calculator

/// `/calculator`: anyone, signed in or not, sees what the policy in force would give them.
/// Nothing is stored: the form is a GET and the answer is computed and forgotten.
pub(crate) async fn calculator(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(input): Query<benefits::CalculatorInput>,
) -> Result<Response, AppError> {
    let set = policy_set(&state).await?;
    let asked = input.asked();
    let version = set.in_force(
        input
            .month()
            .map_or_else(|_| today(), crate::policy::first_day),
    );
    let mut form = input.clone();
    if !asked {
        form.employed_in_city = "on".into();
        form.housing = "rent".into();
    }
    let (explanation, errors, status) = if asked {
        match benefits::calculate(&set, &input) {
            Ok((_, explanation)) => (
                Some(Value::from_serialize(explanation)),
                None,
                StatusCode::OK,
            ),
            Err(errors) => (
                None,
                Some(errors_value(&errors)),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        }
    } else {
        (None, None, StatusCode::OK)
    };
    page_with_status(
        &state,
        &ctx,
        status,
        "calculator.html",
        context! {
            form => form,
            month_value => if input.month.is_empty() { clock_month(today()).to_string() } else { input.month.clone() },
            degrees => Degree::ALL.iter().map(|d| d.code()).collect::<Vec<_>>(),
            housings => Housing::ALL.iter().map(|h| h.code()).collect::<Vec<_>>(),
            honors => version.pack.honors(),
            explanation => explanation,
            errors => errors,
        },
    )
}

// ---------------------------------------------------------------------- verify

#[derive(Deserialize, Default)]
pub(crate) struct VerifyQuery {
    #[serde(default)]
    token: String,
}

/// `/verify`: anyone checks a card's QR token: genuine or not, tier, masked holder,
/// green-channel services, and whether it is in force, expired or revoked.
pub(crate) async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, AppError> {
    let token = q.token.trim();
    let mut result = Value::UNDEFINED;
    let mut status = StatusCode::OK;
    if !token.is_empty() {
        let set = policy_set(&state).await?;
        let key = state.card_signer().public_key();
        result = match benefits::check_card_token(state.store(), &key, &set, token).await? {
            Some(check) => context! {
                genuine => true,
                state => check.state.as_str(),
                state_label => check.state.label_id(),
                reason => check.revoked_reason,
                number => check.claims.number.to_string(),
                tier => check.claims.tier,
                holder => check.claims.holder,
                valid_from => check.claims.valid_from.to_string(),
                valid_until => check.claims.valid_until.to_string(),
                services => check.services,
                service_ids => check.claims.services,
            },
            None => {
                status = StatusCode::UNPROCESSABLE_ENTITY;
                context! { genuine => false }
            }
        };
    }
    page_with_status(
        &state,
        &ctx,
        status,
        "verify.html",
        context! { token => token, result => result, key_id => state.card_signer().key_id() },
    )
}

/// The public half of the card-signing key, for offline checks (`yingcai card verify`).
pub(crate) async fn public_key(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        state.card_signer().public_key().to_pem(),
    )
        .into_response()
}

/// Numbers of revoked cards, one per line, for offline checks.
pub(crate) async fn revoked(State(state): State<AppState>) -> Result<Response, AppError> {
    let numbers = state.store().revoked_card_numbers().await?;
    let mut body = numbers.join("\n");
    if !body.is_empty() {
        body.push('\n');
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response())
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role;
    vec![
        get("/talent/benefits", Access::Role(Role::Talent), benefits),
        post(
            "/talent/entitlements/{id}/confirm",
            Access::OwnTalent,
            confirm_entitlement,
        ),
        get("/talent/card", Access::Role(Role::Talent), card_page),
        get(
            "/officer/talents/{id}",
            Access::Role(Role::Officer),
            officer_talent,
        ),
        post(
            "/officer/talents/{id}/card",
            Access::Role(Role::Officer),
            officer_issue_card,
        ),
        post(
            "/officer/cards/{id}/revoke",
            Access::Role(Role::Officer),
            officer_revoke_card,
        ),
        get(
            "/officer/entitlements",
            Access::Role(Role::Officer),
            officer_entitlements,
        ),
        post(
            "/officer/entitlements/{id}/hold",
            Access::Role(Role::Officer),
            officer_hold_entitlement,
        ),
        get("/calculator", Access::Public, calculator),
        get("/verify", Access::Public, verify),
        get("/verify/public-key.pem", Access::Public, public_key),
        get("/verify/revoked.txt", Access::Public, revoked),
    ]
}
