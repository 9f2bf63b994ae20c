//! The rules engine as the pages and the API use it: explanations, and the card operations
//! of `yingcai_services::cards` with this site's settings and key. Everything goes through
//! `yingcai-rules` with the published pack versions from the database (see
//! `yingcai_services::policy`).

use std::sync::Arc;

use jiff::civil::Date;
use yingcai_domain::Month;
use yingcai_services::cards;
pub(crate) use yingcai_services::cards::{IssueCardError, services_of};
use yingcai_services::policy::{PolicySet, clock_month, person_of, today};
use yingcai_store::{Actor, CardRecord, TalentRecord};

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

/// After a record is verified or changed (see [`cards::after_verification`]).
pub(crate) async fn after_verification(state: &AppState, talent_id: i64, actor: &Actor) {
    cards::after_verification(
        state.store(),
        state.policies(),
        state.settings().card_rules(),
        talent_id,
        actor,
    )
    .await;
}

/// Issues a card with the tier the engine decides today, valid for the site's years.
pub(crate) async fn issue_card(
    state: &AppState,
    set: &PolicySet,
    talent: &TalentRecord,
    actor: &Actor,
) -> Result<CardRecord, IssueCardError> {
    cards::issue_card(
        state.store(),
        set,
        talent,
        state.settings().card_valid_years,
        actor,
    )
    .await
}

/// The signed token in a card's QR code, with the site's card key.
pub(crate) fn card_token(
    state: &AppState,
    set: &PolicySet,
    card: &CardRecord,
    holder: &str,
) -> Result<String, AppError> {
    cards::card_token(state.card_signer(), set, card, holder).map_err(AppError::Internal)
}
