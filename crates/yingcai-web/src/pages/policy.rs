//! Policies at work: a talent's benefits with their explanations, entitlements found without
//! application (confirmed with one click), the green card with its QR code, the officers'
//! view of a talent and of all entitlements, and the public calculator and card check.

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;
use yingcai_domain::{
    CardStatus, Degree, EntitlementStatus, FieldError, FieldErrors, Housing, Month, Role,
};
use yingcai_rules::person::Person;
use yingcai_services::policy::{PolicySet, clock_month, rules_degree, rules_housing, today};
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
    let Some(bank) = talent.profile.bank_account.as_ref() else {
        let errors = errors_value(&FieldError::new("bank_account", "bank-account-missing").into());
        return render_benefits(
            &state,
            &ctx,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(errors),
        )
        .await;
    };
    if let Err(errors) = form.check() {
        let errors = errors_value(&errors);
        return render_benefits(
            &state,
            &ctx,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(errors),
        )
        .await;
    }
    state
        .store()
        .confirm_entitlement(id, talent.talent_id, &bank.masked(), &ctx.actor())
        .await?;
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

/// A reason an officer gives (revoking a card, holding payments): said, and not an essay.
fn reason_given(reason: &str) -> bool {
    !reason.is_empty() && reason.chars().count() <= 500
}

/// The talent's page again, with "a reason is required" next to the reason fields.
async fn reason_missing(state: &AppState, ctx: &Ctx, talent_id: i64) -> Result<Response, AppError> {
    let errors = errors_value(&FieldError::new("reason", "required").into());
    render_officer_talent(
        state,
        ctx,
        talent_id,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(errors),
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
    let reason = form.reason();
    let hold = form.hold();
    if hold && !reason_given(reason) {
        return reason_missing(&state, &ctx, entitlement.talent_id).await;
    }
    state
        .store()
        .hold_entitlement(id, hold.then_some(reason), &ctx.actor())
        .await?;
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
    let card_id = id;
    let card = state.store().card(card_id).await?;
    let reason = form.reason();
    if !reason_given(reason) {
        return reason_missing(&state, &ctx, card.talent_id).await;
    }
    state
        .store()
        .revoke_card(card_id, reason, &ctx.actor())
        .await?;
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

#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub(crate) struct CalculatorInput {
    #[serde(default)]
    degree: String,
    #[serde(default)]
    honors: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    arrival_date: String,
    #[serde(default)]
    employed_in_city: String,
    #[serde(default)]
    housing: String,
    #[serde(default)]
    home_purchase_date: String,
    #[serde(default)]
    social_insurance_months: String,
    #[serde(default)]
    month: String,
}

impl CalculatorInput {
    fn person(&self, honors: &[String]) -> Result<Person, FieldErrors> {
        use yingcai_domain::talent::parse_date;
        let mut errors = FieldErrors::new();
        let degree = errors.check(Degree::parse("degree", &self.degree));
        let housing = errors.check(Housing::parse("housing", &self.housing));
        let honors = if self.honors.is_empty() {
            Some(0)
        } else {
            let found = honors
                .iter()
                .position(|h| *h == self.honors)
                .map(|i| (i + 1) as u8);
            if found.is_none() {
                errors.push(FieldError::new("honors", "honors-unknown"));
            }
            found
        };
        let birth = if self.birth_date.is_empty() {
            // Nothing in the default pack reads the age; a neutral date keeps it optional.
            yingcai_domain::Date::new(1990, 1, 1)
        } else {
            errors.check(parse_date("birth_date", &self.birth_date))
        };
        let arrival = errors.check(parse_date("arrival_date", &self.arrival_date));
        let purchase = if self.home_purchase_date.is_empty() {
            if housing == Some(Housing::Owns) {
                errors.push(FieldError::new("home_purchase_date", "required"));
            }
            None
        } else {
            errors.check(parse_date("home_purchase_date", &self.home_purchase_date))
        };
        let months = match self.social_insurance_months.trim() {
            "" => Some(0),
            raw => match raw.parse::<u16>() {
                Ok(m) if m <= 600 => Some(m),
                _ => {
                    errors.push(FieldError::new("social_insurance_months", "months-invalid"));
                    None
                }
            },
        };
        if let (Some(b), Some(a)) = (birth, arrival)
            && a < b
        {
            errors.push(FieldError::new("arrival_date", "arrival-before-birth"));
        }
        errors.into_result()?;
        let (Some(degree), Some(housing), Some(honors), Some(birth), Some(arrival), Some(months)) =
            (degree, housing, honors, birth, arrival, months)
        else {
            return Err(FieldError::new("degree", "required").into());
        };
        Ok(Person {
            id: 1,
            birth_date: birth,
            degree: rules_degree(degree),
            honors,
            arrival_date: arrival,
            employed_in_city: !self.employed_in_city.is_empty(),
            housing: rules_housing(housing),
            home_purchase_date: purchase,
            social_insurance_months: months,
        })
    }
}

/// `/calculator`: anyone, signed in or not, sees what the policy in force would give them.
/// Nothing is stored: the form is a GET and the answer is computed and forgotten.
pub(crate) async fn calculator(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(input): Query<CalculatorInput>,
) -> Result<Response, AppError> {
    let set = policy_set(&state).await?;
    let asked = !input.degree.is_empty() || !input.arrival_date.is_empty();
    let month = if input.month.is_empty() {
        Ok(clock_month(today()))
    } else {
        Month::parse("month", &input.month)
    };
    let version = set.in_force(
        month
            .as_ref()
            .map_or_else(|_| today(), |m| crate::policy::first_day(*m)),
    );
    let mut form = input.clone();
    if !asked {
        form.employed_in_city = "on".into();
        form.housing = "rent".into();
    }
    let (explanation, errors, status) = if asked {
        match (input.person(version.pack.honors()), month) {
            (Ok(person), Ok(month)) => (
                Some(Value::from_serialize(yingcai_rules::explain(
                    &version.pack,
                    &person,
                    month,
                ))),
                None,
                StatusCode::OK,
            ),
            (person, month) => {
                let mut errors = person.err().unwrap_or_default();
                if let Err(error) = month {
                    errors.push(error);
                }
                (
                    None,
                    Some(errors_value(&errors)),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
            }
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
        let key = state.card_signer().public_key();
        result = match key.verify(token) {
            Ok(claims) => {
                let set = policy_set(&state).await?;
                let stored = state
                    .store()
                    .card_by_number(&claims.number.to_string())
                    .await?;
                let validity = claims.status_on(today());
                let (state_code, label, reason) = match (&stored, validity) {
                    (Some(c), _) if c.status == CardStatus::Revoked => {
                        ("revoked", "verify-state-revoked", c.revoked_reason.clone())
                    }
                    (None, _) => ("unknown", "verify-state-unknown", None),
                    (_, yingcai_card::ValidityStatus::Expired) => {
                        ("expired", "verify-state-expired", None)
                    }
                    (_, yingcai_card::ValidityStatus::NotYetValid) => {
                        ("not-yet-valid", "verify-state-not-yet-valid", None)
                    }
                    (_, yingcai_card::ValidityStatus::Valid) => {
                        ("valid", "verify-state-valid", None)
                    }
                };
                let services = stored
                    .as_ref()
                    .map(|c| services_of(&set, c))
                    .unwrap_or_default();
                context! {
                    genuine => true,
                    state => state_code,
                    state_label => label,
                    reason => reason,
                    number => claims.number.to_string(),
                    tier => claims.tier,
                    holder => claims.holder,
                    valid_from => claims.valid_from.to_string(),
                    valid_until => claims.valid_until.to_string(),
                    services => services,
                    service_ids => claims.services,
                }
            }
            Err(error) => {
                status = StatusCode::UNPROCESSABLE_ENTITY;
                tracing::debug!(%error, "card token refused");
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
