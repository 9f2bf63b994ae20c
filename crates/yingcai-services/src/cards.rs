//! Green cards: issued with the tier the policy in force gives today, refreshed after a
//! record is verified, and the signed claims a card's QR code carries.

use jiff::civil::Date;
use yingcai_card::{CardClaims, CardNumber, CardSigner, mask_name};
use yingcai_domain::CardStatus;
use yingcai_store::{Actor, CardRecord, NewCard, Store, StoreError, TalentRecord};

use crate::Error;
use crate::policy::{Policies, PolicySet, clock_month, person_of, recompute_talent, today};

/// How the site issues cards (from its settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardRules {
    /// Issue a card as soon as a verified record qualifies, without an officer's click.
    pub auto_issue: bool,
    /// Years a card is valid (at least 1).
    pub valid_years: u16,
}

/// The tier the engine gives `talent` today under the version in force, with that
/// version's id.
pub fn tier_today(set: &PolicySet, talent: &TalentRecord) -> Option<(String, i64)> {
    let version = set.in_force(today());
    let person = person_of(talent.talent_id, &talent.profile, &version.pack);
    yingcai_rules::evaluate(&version.pack, &person, clock_month(today()))
        .card
        .map(|tier| (tier, version.record.policy_version_id))
}

/// After a record is verified or changed: recompute its entitlements, and issue a card
/// when the site issues them automatically. Runs after the verification committed: if it
/// fails, the periodic sweep catches up, so the failure is logged here and not shown.
pub async fn after_verification(
    store: &Store,
    policies: &Policies,
    rules: CardRules,
    talent_id: i64,
    actor: &Actor,
) {
    if let Err(error) = refresh(store, policies, rules, talent_id, actor).await {
        tracing::error!(error = ?error, talent_id, "entitlements not recomputed after verification; the sweep will retry");
    }
}

async fn refresh(
    store: &Store,
    policies: &Policies,
    rules: CardRules,
    talent_id: i64,
    actor: &Actor,
) -> Result<(), Error> {
    let set = policies.current(store).await?;
    let talent = store.talent(talent_id).await?;
    recompute_talent(store, &set, &talent, today(), actor).await?;
    if rules.auto_issue
        && !store
            .cards_of_talent(talent_id)
            .await?
            .iter()
            .any(|c| c.status == CardStatus::Active)
    {
        // Not eligible is not an error here: there is simply no card to issue.
        match issue_card(store, &set, &talent, rules.valid_years, actor).await {
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

/// Issues a card, valid `valid_years` from today, with the tier the engine decides today.
pub async fn issue_card(
    store: &Store,
    set: &PolicySet,
    talent: &TalentRecord,
    valid_years: u16,
    actor: &Actor,
) -> Result<CardRecord, IssueCardError> {
    let Some((tier, version_id)) = tier_today(set, talent) else {
        return Err(IssueCardError::NotEligible);
    };
    let from = today();
    let years = i16::try_from(valid_years.max(1)).unwrap_or(3);
    let until = from
        .checked_add(jiff::Span::new().years(years))
        .and_then(|d| d.checked_sub(jiff::Span::new().days(1)))
        .map_err(anyhow::Error::from)?;
    let year = from.year();
    let number = move |serial: i64| {
        CardNumber::new(year, u32::try_from(serial).unwrap_or(u32::MAX))
            .map_or_else(|_| format!("SJZ-{year}-{serial}"), |n| n.to_string())
    };
    match store
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

/// The signed token in a card's QR code.
pub fn card_token(
    signer: &CardSigner,
    set: &PolicySet,
    card: &CardRecord,
    holder: &str,
) -> anyhow::Result<String> {
    let claims = card_claims(signer, set, card, holder)?;
    signer
        .sign(&claims)
        .map(|t| t.into_string())
        .map_err(|e| anyhow::anyhow!("signing card {}: {e}", card.number))
}

/// What a card's QR code says: the services are the tier's green channels in the version
/// the card was issued under.
pub fn card_claims(
    signer: &CardSigner,
    set: &PolicySet,
    card: &CardRecord,
    holder: &str,
) -> anyhow::Result<CardClaims> {
    let date = |s: &str| {
        s.parse::<Date>()
            .map_err(|e| anyhow::anyhow!("card {} date {s}: {e}", card.number))
    };
    let number = card
        .number
        .parse::<CardNumber>()
        .map_err(|e| anyhow::anyhow!("card number {}: {e}", card.number))?;
    let issued = jiff::Timestamp::from_millisecond(card.issued_at)?
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date();
    Ok(CardClaims {
        number,
        tier: card.tier.clone(),
        holder: mask_name(holder),
        valid_from: date(&card.valid_from)?,
        valid_until: date(&card.valid_until)?,
        issued,
        key_id: signer.key_id(),
        services: services_of(set, card).into_iter().map(|s| s.id).collect(),
    })
}

/// The green-channel services of a card's tier, from the version it was issued under.
pub fn services_of(set: &PolicySet, card: &CardRecord) -> Vec<yingcai_rules::Service> {
    set.by_id(card.policy_version_id)
        .map(|v| v.pack.tier_services(&card.tier))
        .unwrap_or_default()
}
