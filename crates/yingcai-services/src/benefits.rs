//! A talent's benefits as the pages and the API both handle them: confirming an entitlement
//! found without application, an officer holding or resuming one, revoking a card, checking
//! a card's QR token, and the public calculator. Each rule (a reason is required, the bank
//! account must be on the record, what a token's state is) is stated here once.

use yingcai_card::{CardPublicKey, ValidityStatus};
use yingcai_domain::talent::parse_date;
use yingcai_domain::{CardStatus, Degree, FieldError, FieldErrors, Housing, Month};
use yingcai_rules::person::Person;
use yingcai_store::{Actor, CardRecord, EntitlementRecord, Store, TalentRecord};

use crate::Error;
use crate::cards::services_of;
use crate::policy::{PolicySet, clock_month, rules_degree, rules_housing, today};

/// The longest reason an officer may give (revoking a card, holding payments).
pub const REASON_MAX_CHARS: usize = 500;

/// A reason an officer gives: said, and not an essay. Trimmed.
pub fn check_reason(reason: &str) -> Result<&str, Error> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
        return Err(Error::field("reason", "required"));
    }
    Ok(reason)
}

/// The talent confirms a proposed entitlement of its own, and the account on its record
/// that it is paid to. `bank_confirmed` is the box the talent ticks to say that account is
/// right. Another talent's entitlement, or one no longer proposed, is not found.
pub async fn confirm_entitlement(
    store: &Store,
    talent: &TalentRecord,
    entitlement_id: i64,
    bank_confirmed: bool,
    actor: &Actor,
) -> Result<(), Error> {
    let Some(bank) = talent.profile.bank_account.as_ref() else {
        return Err(Error::field("bank_account", "bank-account-missing"));
    };
    if !bank_confirmed {
        return Err(Error::field("bank_confirmed", "bank-not-confirmed"));
    }
    store
        .confirm_entitlement(entitlement_id, talent.talent_id, &bank.masked(), actor)
        .await?;
    Ok(())
}

/// Holds an entitlement's payments with a reason (the months stay owed and are paid as
/// arrears after resumption), or resumes it. Answers the entitlement as it was before.
pub async fn hold_entitlement(
    store: &Store,
    entitlement_id: i64,
    hold: bool,
    reason: &str,
    actor: &Actor,
) -> Result<EntitlementRecord, Error> {
    let entitlement = store.entitlement(entitlement_id).await?;
    let reason = if hold {
        Some(check_reason(reason)?)
    } else {
        None
    };
    store
        .hold_entitlement(entitlement_id, reason, actor)
        .await?;
    Ok(entitlement)
}

/// Revokes an active card with a reason. A card that is not active is not found. Answers
/// the card as it was before.
pub async fn revoke_card(
    store: &Store,
    card_id: i64,
    reason: &str,
    actor: &Actor,
) -> Result<CardRecord, Error> {
    let card = store.card(card_id).await?;
    let reason = check_reason(reason)?;
    store.revoke_card(card_id, reason, actor).await?;
    Ok(card)
}

/// What a card check finds of a token that is genuine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CardState {
    Valid,
    Expired,
    NotYetValid,
    Revoked,
    /// Signed with our key, but no such card is on record.
    Unknown,
}

impl CardState {
    pub fn as_str(self) -> &'static str {
        match self {
            CardState::Valid => "valid",
            CardState::Expired => "expired",
            CardState::NotYetValid => "not-yet-valid",
            CardState::Revoked => "revoked",
            CardState::Unknown => "unknown",
        }
    }

    /// The message id of the state's label.
    pub fn label_id(self) -> &'static str {
        match self {
            CardState::Valid => "verify-state-valid",
            CardState::Expired => "verify-state-expired",
            CardState::NotYetValid => "verify-state-not-yet-valid",
            CardState::Revoked => "verify-state-revoked",
            CardState::Unknown => "verify-state-unknown",
        }
    }
}

/// A genuine card's check: what its QR code says and what the register says of it.
#[derive(Debug, Clone)]
pub struct CardCheck {
    pub state: CardState,
    /// The officer's reason, when revoked.
    pub revoked_reason: Option<String>,
    pub claims: yingcai_card::CardClaims,
    /// The tier's green-channel services, from the version the card was issued under
    /// (empty when the card is not on record).
    pub services: Vec<yingcai_rules::Service>,
}

/// Checks a card's QR token: `None` when it is not genuine (not signed with our key, or
/// damaged), else the card's state today.
pub async fn check_card_token(
    store: &Store,
    key: &CardPublicKey,
    set: &PolicySet,
    token: &str,
) -> Result<Option<CardCheck>, Error> {
    let claims = match key.verify(token.trim()) {
        Ok(claims) => claims,
        Err(error) => {
            tracing::debug!(%error, "card token refused");
            return Ok(None);
        }
    };
    let stored = store.card_by_number(&claims.number.to_string()).await?;
    let state = match (&stored, claims.status_on(today())) {
        (Some(c), _) if c.status == CardStatus::Revoked => CardState::Revoked,
        (None, _) => CardState::Unknown,
        (_, ValidityStatus::Expired) => CardState::Expired,
        (_, ValidityStatus::NotYetValid) => CardState::NotYetValid,
        (_, ValidityStatus::Valid) => CardState::Valid,
    };
    Ok(Some(CardCheck {
        state,
        revoked_reason: stored
            .as_ref()
            .filter(|c| c.status == CardStatus::Revoked)
            .and_then(|c| c.revoked_reason.clone()),
        services: stored
            .as_ref()
            .map(|c| services_of(set, c))
            .unwrap_or_default(),
        claims,
    }))
}

/// What a visitor enters in the public calculator, as typed. Nothing is stored.
#[derive(Debug, serde::Deserialize, serde::Serialize, Default, Clone)]
#[serde(default)]
pub struct CalculatorInput {
    /// A degree code (`phd`, `master`, `bachelor`, `none`).
    pub degree: String,
    /// An honour from the pack's list, or empty.
    pub honors: String,
    /// `YYYY-MM-DD`; optional.
    pub birth_date: String,
    /// `YYYY-MM-DD`.
    pub arrival_date: String,
    /// Non-empty when employed in the city (a ticked box).
    pub employed_in_city: String,
    /// A housing code (`rent`, `owns`, `talent_apartment`, …).
    pub housing: String,
    /// `YYYY-MM-DD`; required when the person owns a home.
    pub home_purchase_date: String,
    /// 0–600; empty is 0.
    pub social_insurance_months: String,
    /// `YYYY-MM`; empty is this month.
    pub month: String,
}

impl CalculatorInput {
    /// Whether anything was asked (a first visit shows the empty form, not errors).
    pub fn asked(&self) -> bool {
        !self.degree.is_empty() || !self.arrival_date.is_empty()
    }

    /// The month asked about, or this month.
    pub fn month(&self) -> Result<Month, FieldError> {
        if self.month.is_empty() {
            Ok(clock_month(today()))
        } else {
            Month::parse("month", &self.month)
        }
    }

    fn person(&self, honors: &[String]) -> Result<Person, FieldErrors> {
        let mut errors = FieldErrors::new();
        let degree = errors.check(Degree::parse("degree", &self.degree));
        let housing = errors.check(Housing::parse("housing", &self.housing));
        let honors = if self.honors.is_empty() {
            Some(0)
        } else {
            let found = honors
                .iter()
                .position(|h| *h == self.honors)
                .and_then(|i| u8::try_from(i + 1).ok());
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
        let (Some(degree), Some(housing), Some(honors), Some(birth), Some(arrival), Some(months)) =
            (degree, housing, honors, birth, arrival, months)
        else {
            // Every `None` above recorded its field error.
            return Err(errors);
        };
        errors.into_result()?;
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

/// The calculator's answer: the explanation of every benefit in the month asked about,
/// under the version in force then, with the stored id of that version.
pub fn calculate(
    set: &PolicySet,
    input: &CalculatorInput,
) -> Result<(i64, yingcai_rules::Explanation), FieldErrors> {
    let month = input.month();
    let version = set.in_force(
        month
            .as_ref()
            .map_or_else(|_| today(), |m| m.first_day().jiff()),
    );
    match (input.person(version.pack.honors()), month) {
        (Ok(person), Ok(month)) => Ok((
            version.record.policy_version_id,
            yingcai_rules::explain(&version.pack, &person, month),
        )),
        (person, month) => {
            let mut errors = person.err().unwrap_or_default();
            if let Err(error) = month {
                errors.push(error);
            }
            Err(errors)
        }
    }
}
