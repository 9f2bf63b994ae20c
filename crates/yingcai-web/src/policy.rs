//! The rules engine as the pages and the API use it: explanations, green cards and
//! entitlements for verified records. Everything goes through `yingcai-rules` with the
//! published pack versions from the database (see `yingcai_services::policy`).

use std::sync::Arc;

use jiff::civil::Date;
use yingcai_card::{CardClaims, CardNumber, mask_name};
use yingcai_domain::{CardStatus, Month};
use yingcai_services::policy::{PolicySet, clock_month, person_of, recompute_talent, today};
use yingcai_store::{Actor, CardRecord, NewCard, StoreError, TalentRecord};

use crate::{AppError, AppState};

pub(crate) async fn policy_set(state: &AppState) -> Result<Arc<PolicySet>, AppError> {
    state
        .policies()
        .current(state.store())
        .await
        .map_err(AppError::Internal)
}

/// A `YYYY-MM` query value, or the current month.
pub(crate) fn month_or_now(raw: Option<&str>) -> Result<Month, AppError> {
    match raw.filter(|m| !m.is_empty()) {
        Some(m) => Month::parse("month", m).map_err(|e| AppError::Invalid(e.into())),
        None => Ok(clock_month(today())),
    }
}

/// The first day of `month`, for choosing the version in force in it.
pub(crate) fn first_day(month: Month) -> Date {
    month.first_day().jiff()
}

/// The explanation of `talent`'s benefits in `month`, under the version in force then.
pub(crate) fn explain_talent(
    set: &PolicySet,
    talent: &TalentRecord,
    month: Month,
) -> (i64, yingcai_rules::Explanation) {
    let version = set.in_force(first_day(month));
    let person = person_of(talent.talent_id, &talent.profile, &version.pack);
    (
        version.record.policy_version_id,
        yingcai_rules::explain(&version.pack, &person, month),
    )
}

/// The tier the engine gives `talent` today, if any.
pub(crate) fn tier_today(set: &PolicySet, talent: &TalentRecord) -> Option<(String, i64)> {
    let version = set.in_force(today());
    let person = person_of(talent.talent_id, &talent.profile, &version.pack);
    yingcai_rules::evaluate(&version.pack, &person, clock_month(today()))
        .card
        .map(|tier| (tier, version.record.policy_version_id))
}

/// After a record is verified or changed: recompute its entitlements, and issue a card
/// when the site issues them automatically. Runs after the verification committed: if it
/// fails, the nightly sweep catches up, so the failure is logged here and not shown.
pub(crate) async fn after_verification(state: &AppState, talent_id: i64, actor: &Actor) {
    if let Err(error) = refresh(state, talent_id, actor).await {
        tracing::error!(error = ?error, talent_id, "entitlements not recomputed after verification; the sweep will retry");
    }
}

async fn refresh(state: &AppState, talent_id: i64, actor: &Actor) -> Result<(), AppError> {
    let set = policy_set(state).await?;
    let talent = state.store().talent(talent_id).await?;
    recompute_talent(state.store(), &set, &talent, today(), actor).await?;
    if state.settings().cards_auto_issue
        && !state
            .store()
            .cards_of_talent(talent_id)
            .await?
            .iter()
            .any(|c| c.status == CardStatus::Active)
    {
        // Not eligible is not an error here: there is simply no card to issue.
        match issue_card(state, &set, &talent, actor).await {
            Ok(_) | Err(IssueCardError::NotEligible | IssueCardError::AlreadyActive) => {}
            Err(IssueCardError::Store(error)) => return Err(error.into()),
        }
    }
    Ok(())
}

yingcai_store::refusal! {
    /// Why a green card was not issued.
    pub enum IssueCardError {
        /// The policy in force gives the talent no tier today.
        NotEligible => ("card", "card-not-eligible", "the talent qualifies for no card today"),
        /// The talent has a card in force already.
        AlreadyActive => ("card", "card-already-active", "the talent has a card in force"),
    }
}

/// Issues a card with the tier the engine decides today.
pub(crate) async fn issue_card(
    state: &AppState,
    set: &PolicySet,
    talent: &TalentRecord,
    actor: &Actor,
) -> Result<CardRecord, IssueCardError> {
    let Some((tier, version_id)) = tier_today(set, talent) else {
        return Err(IssueCardError::NotEligible);
    };
    let from = today();
    let years = i16::try_from(state.settings().card_valid_years.max(1)).unwrap_or(3);
    let until = from
        .checked_add(jiff::Span::new().years(years))
        .and_then(|d| d.checked_sub(jiff::Span::new().days(1)))
        .map_err(anyhow::Error::from)?;
    let year = from.year();
    let number = move |serial: i64| {
        CardNumber::new(year, u32::try_from(serial).unwrap_or(u32::MAX))
            .map_or_else(|_| format!("SJZ-{year}-{serial}"), |n| n.to_string())
    };
    match state
        .store()
        .issue_card(
            &NewCard {
                talent_id: talent.talent_id,
                tier: &tier,
                valid_from: &from.to_string(),
                valid_until: &until.to_string(),
                policy_version_id: version_id,
                number: &number,
            },
            actor,
        )
        .await
    {
        Ok(card) => Ok(card),
        Err(StoreError::Conflict { .. }) => Err(IssueCardError::AlreadyActive),
        Err(other) => Err(other.into()),
    }
}

/// The signed token in a card's QR code. The services are the tier's green channels in
/// the version the card was issued under.
pub(crate) fn card_token(
    state: &AppState,
    set: &PolicySet,
    card: &CardRecord,
    holder: &str,
) -> Result<String, AppError> {
    let claims = card_claims(state, set, card, holder)?;
    state
        .card_signer()
        .sign(&claims)
        .map(|t| t.into_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("signing card {}: {e}", card.number)))
}

pub(crate) fn card_claims(
    state: &AppState,
    set: &PolicySet,
    card: &CardRecord,
    holder: &str,
) -> Result<CardClaims, AppError> {
    let date = |s: &str| {
        s.parse::<Date>()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("card {} date {s}: {e}", card.number)))
    };
    let number = card
        .number
        .parse::<CardNumber>()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("card number {}: {e}", card.number)))?;
    let issued = jiff::Timestamp::from_millisecond(card.issued_at)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .date()
        })
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(CardClaims {
        number,
        tier: card.tier.clone(),
        holder: mask_name(holder),
        valid_from: date(&card.valid_from)?,
        valid_until: date(&card.valid_until)?,
        issued,
        key_id: state.card_signer().key_id(),
        services: services_of(set, card).into_iter().map(|s| s.id).collect(),
    })
}

/// The green-channel services of a card's tier, from the version it was issued under.
pub(crate) fn services_of(set: &PolicySet, card: &CardRecord) -> Vec<yingcai_rules::Service> {
    set.by_id(card.policy_version_id)
        .map(|v| v.pack.tier_services(&card.tier))
        .unwrap_or_default()
}
