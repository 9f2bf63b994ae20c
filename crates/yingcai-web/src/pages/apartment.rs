//! Talent apartments for talents: open rounds with the eligibility checks, the ballot
//! (up to ten complexes, changeable until the deadline), the outcome with its cut-offs,
//! offers to accept or decline, and the lease.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use yingcai_domain::{FieldError, FieldErrors, Role};
use yingcai_services::housing::OfferAnswerError;
use yingcai_services::housing_desk::{self, TalentHousing};
use yingcai_store::TalentRecord;

use super::errors_value;
use super::forms::BallotForm;
use super::labels::LEASE_REASONS;
use crate::context::CsrfForm;
use crate::context::Id;
use crate::error::refused;
use crate::render::page_with_status;
use crate::{AppError, AppState, Ctx};

pub(crate) async fn own_talent(
    state: &AppState,
    ctx: &Ctx,
) -> Result<Option<TalentRecord>, AppError> {
    let account = ctx.require(Role::Talent)?;
    Ok(state.store().talent_of_owner(account.account_id).await?)
}

/// `/talent/housing`.
pub(crate) async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render(&state, &ctx, StatusCode::OK, context! {}).await
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    extra: Value,
) -> Result<Response, AppError> {
    let Some(talent) = own_talent(state, ctx).await? else {
        return page_with_status(
            state,
            ctx,
            status,
            "talent_housing.html",
            context! { talent => false },
        );
    };
    let today = yingcai_services::policy::today();
    let now = yingcai_store::now_ms();
    let set = crate::policy::policy_set(state).await.ok();
    let housing = housing_desk::talent_housing(state.store(), &talent, today).await?;
    let mut open = Vec::new();
    for o in &housing.open {
        let eligibility = &o.eligibility;
        let ranking = o
            .application
            .as_ref()
            .map(|a| a.ranking.clone())
            .unwrap_or_default();
        // Without a card, the engine's own account of each tier's criteria says why.
        let card_explanation = eligibility
            .checks
            .iter()
            .any(|c| c.code == "card" && !c.held)
            .then(|| {
                let set = set.as_deref()?;
                let month = yingcai_services::policy::clock_month(today);
                let (_, e) = crate::policy::explain_talent(set, &talent, month);
                Some(Value::from_serialize(&e.card))
            })
            .flatten();
        open.push(context! {
            card_explanation => card_explanation,
            round => super::housing::round_value(&o.round),
            eligible => eligibility.eligible(),
            eligibility => Value::from_serialize(eligibility),
            complexes => o.complexes.iter().map(|c| context! {
                code => c.complex.code, name => c.complex.name, district => c.complex.district,
                address => c.complex.address, free => c.free_units,
                types => c.unit_types.iter().map(|t| context! {
                    name => t.name, bedrooms => t.bedrooms, rent_fen => t.rent_fen,
                    area => format!("{}.{:02}", t.area_centi_m2 / 100, t.area_centi_m2 % 100),
                }).collect::<Vec<_>>(),
            }).collect::<Vec<_>>(),
            slots => (0..yingcai_housing::MAX_RANKED).map(|i| ranking.get(i).cloned().unwrap_or_default()).collect::<Vec<_>>(),
            applied => o.application.is_some(),
            pseudonym => o.application.as_ref().map(|a| a.pseudonym.clone()),
        });
    }
    let mut results = Vec::new();
    for r in &housing.results {
        let application = &r.application;
        let outcome: Option<serde_json::Value> = application
            .outcome_json
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok());
        results.push(context! {
            round => super::housing::round_value(&r.round),
            pseudonym => application.pseudonym,
            ranking => application.ranking.iter().map(|code| r.names.get(code).cloned().unwrap_or_else(|| code.clone())).collect::<Vec<_>>(),
            outcome => outcome.map(|o| Value::from_serialize(&o)),
            names => Value::from_serialize(&r.names),
        });
    }
    let (offers, leases) = (&housing.offers, &housing.leases);
    page_with_status(
        state,
        ctx,
        status,
        "talent_housing.html",
        context! {
            talent => true,
            open => open,
            results => results,
            offers => offers.iter().map(|o| context! {
                offer_id => o.offer_id, complex => o.complex_name, unit => o.unit_number, unit_type => o.unit_type,
                bedrooms => o.bedrooms, rent_fen => o.rent_fen, status_label => o.status.label_id(),
                area => format!("{}.{:02}", o.area_centi_m2 / 100, o.area_centi_m2 % 100),
                respond_by => super::audit::beijing_time(o.respond_by),
                pending => TalentHousing::answerable(o, now),
            }).collect::<Vec<_>>(),
            leases => leases.iter().map(|l| Ok(context! {
                lease_id => l.lease_id, complex => l.complex_name, unit => l.unit_number, start => l.start_date,
                end => l.end_date, rent_fen => l.rent_fen, ends_on => l.ends_on,
                reason_label => l.end_reason.as_deref().map(|r| LEASE_REASONS.of(r)).transpose()?,
                status_label => l.status.label_id(), in_force => TalentHousing::in_force(l),
            })).collect::<Result<Vec<_>, AppError>>()?,
            ..extra
        },
    )
}

/// Saves the ballot: the complexes in the order of the `rank1`…`rank10` fields, blanks
/// skipped.
pub(crate) async fn ballot(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<BallotForm>,
) -> Result<Response, AppError> {
    let talent = own_talent(&state, &ctx).await?;
    match housing_desk::save_ballot(
        state.store(),
        id,
        talent.as_ref(),
        &form.choices(),
        yingcai_services::policy::today(),
        &ctx.actor(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/talent/housing").into_response()),
        Err(refusal) => refuse_with(&state, &ctx, refused(refusal)?).await,
    }
}

async fn refuse_with(
    state: &AppState,
    ctx: &Ctx,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    render(
        state,
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        context! { errors => errors_value(&errors) },
    )
    .await
}

async fn refuse(
    state: &AppState,
    ctx: &Ctx,
    field: &'static str,
    code: &'static str,
) -> Result<Response, AppError> {
    let errors: FieldErrors = FieldError::new(field, code).into();
    render(
        state,
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        context! { errors => errors_value(&errors) },
    )
    .await
}

pub(crate) async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    let talent = own_talent(&state, &ctx).await?;
    match housing_desk::withdraw_ballot(state.store(), id, talent.as_ref(), &ctx.actor()).await {
        Ok(()) => Ok(Redirect::to("/talent/housing").into_response()),
        Err(refusal) => refuse_with(&state, &ctx, refused(refusal)?).await,
    }
}

/// The talent's own offer, or `NotFound` (another's offer looks like none at all).
pub(crate) async fn own_offer(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(TalentRecord, yingcai_store::OfferRecord), AppError> {
    let talent = own_talent(state, ctx).await?.ok_or(AppError::NotFound)?;
    let offer = state.store().offer(id).await?;
    if offer.talent_id != talent.talent_id {
        return Err(AppError::NotFound);
    }
    Ok((talent, offer))
}

pub(crate) async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    let (talent, offer) = own_offer(&state, &ctx, id).await?;
    match yingcai_services::housing::accept_offer(state.store(), &offer, &ctx.actor()).await {
        Ok(_) => {
            // The record now says "talent apartment": the rent allowance stops from here.
            crate::policy::after_verification(&state, talent.talent_id, &ctx.actor()).await;
            Ok(Redirect::to("/talent/housing").into_response())
        }
        Err(OfferAnswerError::Closed) => refuse(&state, &ctx, "offer", "offer-closed").await,
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn decline(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    let (_, offer) = own_offer(&state, &ctx, id).await?;
    let calendar =
        yingcai_services::work_calendar::calendar(state.store(), &state.settings().work_hours())
            .await?;
    match yingcai_services::housing::decline_offer(state.store(), &calendar, &offer, &ctx.actor())
        .await
    {
        Ok(()) => Ok(Redirect::to("/talent/housing").into_response()),
        Err(OfferAnswerError::Closed) => refuse(&state, &ctx, "offer", "offer-closed").await,
        Err(other) => Err(other.into()),
    }
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role;
    vec![
        get("/talent/housing", Access::Role(Role::Talent), page),
        post(
            "/talent/housing/rounds/{id}/ballot",
            Access::Role(Role::Talent),
            ballot,
        ),
        post(
            "/talent/housing/rounds/{id}/withdraw",
            Access::Role(Role::Talent),
            withdraw,
        ),
        post(
            "/talent/housing/offers/{id}/accept",
            Access::OwnTalent,
            accept,
        ),
        post(
            "/talent/housing/offers/{id}/decline",
            Access::OwnTalent,
            decline,
        ),
    ]
}
