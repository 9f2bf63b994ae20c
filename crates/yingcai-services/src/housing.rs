//! Talent-apartment rounds as the platform runs them: eligibility from verified records
//! and cards, the allocation run (instance, deferred acceptance, published files, offers),
//! refilling refused units from the waiting list, and lease exits.
//!
//! Deciding is done by the pure crates (`yingcai-housing`, `yingcai-allocation`); this
//! module reads the facts from the store and writes the results back, each write one
//! transaction. Every job here is safe to run again or on several servers at once.

use std::collections::{HashMap, HashSet};
use yingcai_domain::status::{CardStatus, LeaseStatus, RoundStatus};

use jiff::civil::Date;
use serde::Serialize;
use yingcai_domain::Housing;
use yingcai_housing::{
    ApplicantFacts, Ballot, LeaseRules, OfferRules, PriorityRules, Refill, TenantFacts,
};
use yingcai_store::{
    Actor, LeaseRecord, NewLease, OfferRecord, RoundAllocation, RoundRecord, Store, StoreError,
    TalentRecord, now_ms,
};

use crate::policy::{PolicySet, recompute_talent, today};
use crate::work_calendar::YearMissing;
use yingcai_worktime::WorkCalendar;

/// The eligibility checks an officer can require of a round's applicants.
pub const REQUIREMENTS: &[&str] = &["card", "no_home", "employed"];

/// China Standard Time: deadlines are typed and shown in it.
fn beijing() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::fixed(jiff::tz::offset(8))
}

/// A deadline typed as `YYYY-MM-DDTHH:MM` (an HTML `datetime-local`) in Beijing time, as
/// Unix milliseconds.
pub fn parse_deadline(raw: &str) -> Option<i64> {
    let local: jiff::civil::DateTime = raw.trim().parse().ok()?;
    local
        .to_zoned(beijing())
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}

/// A fresh lottery seed: 32 bytes from the operating system's generator, as lowercase hex.
pub fn draw_seed() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// A round's three rule sets, as stored (they were checked when the round opened).
pub fn rules_of(round: &RoundRecord) -> anyhow::Result<(PriorityRules, OfferRules, LeaseRules)> {
    Ok((
        PriorityRules::from_toml(&round.priority_rules)?,
        OfferRules::from_toml(&round.offer_rules)?,
        LeaseRules::from_toml(&round.lease_rules)?,
    ))
}

/// One eligibility check with the talent's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub code: &'static str,
    pub held: bool,
    /// What the record says (a tier, a housing code, `yes`/`no`).
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    pub checks: Vec<Check>,
    /// Set while too many refused offers bar the talent.
    pub barred_until: Option<String>,
    /// The tier of the card in force, which the priority rules read.
    pub tier: Option<String>,
}

impl Eligibility {
    pub fn eligible(&self) -> bool {
        self.barred_until.is_none() && self.checks.iter().all(|c| c.held)
    }
}

fn date_of_ms(ms: i64) -> Option<Date> {
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .map(|t| t.to_zoned(beijing()).date())
}

/// Whether `talent` may apply in `round` today, check by check. Always checked besides
/// the round's requirements: not already housed in a talent apartment.
pub async fn eligibility(
    store: &Store,
    round: &RoundRecord,
    talent: &TalentRecord,
    today: Date,
) -> anyhow::Result<Eligibility> {
    let (_, offer_rules, _) = rules_of(round)?;
    let day = today.to_string();
    let tier = store
        .cards_of_talent(talent.talent_id)
        .await?
        .into_iter()
        .find(|c| c.status == CardStatus::Active && c.valid_from <= day && day <= c.valid_until)
        .map(|c| c.tier);
    let housed = store
        .leases_of_talent(talent.talent_id)
        .await?
        .iter()
        .any(|l| l.status != LeaseStatus::Ended);
    let refusals = store.refusals_of(talent.talent_id).await?;
    Ok(assess(
        round,
        &offer_rules,
        talent,
        tier,
        housed,
        &refusals,
        today,
    ))
}

/// The checks of [`eligibility`] on facts already read: `tier` of the card in force,
/// whether the talent holds a lease, and when they refused offers (Unix ms).
fn assess(
    round: &RoundRecord,
    offer_rules: &OfferRules,
    talent: &TalentRecord,
    tier: Option<String>,
    housed: bool,
    refusals: &[i64],
    today: Date,
) -> Eligibility {
    let p = &talent.profile;
    let mut checks = Vec::new();
    for requirement in &round.requirements {
        match requirement.as_str() {
            "card" => checks.push(Check {
                code: "card",
                held: tier.is_some(),
                value: tier.clone().unwrap_or_else(|| "-".into()),
            }),
            "no_home" => checks.push(Check {
                code: "no_home",
                held: p.housing != Housing::Owns && p.home_purchase_date.is_none(),
                value: p.housing.code().to_owned(),
            }),
            "employed" => checks.push(Check {
                code: "employed",
                held: p.employed_in_city,
                value: if p.employed_in_city { "yes" } else { "no" }.to_owned(),
            }),
            _ => {}
        }
    }
    checks.push(Check {
        code: "not_housed",
        held: !housed,
        value: p.housing.code().to_owned(),
    });
    let refusals: Vec<Date> = refusals.iter().copied().filter_map(date_of_ms).collect();
    let barred_until =
        yingcai_housing::barred_until(&refusals, offer_rules, today).map(|d| d.to_string());
    Eligibility {
        checks,
        barred_until,
        tier,
    }
}

/// What the public may see of a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RoundFigures {
    pub applicants: usize,
    /// Applicants still eligible at the deadline (the others were not allocated).
    pub allocated_applicants: usize,
    pub matched: usize,
    pub complexes: Vec<ComplexFigures>,
}

/// A complex of a round: its capacity, how many ranked it, and (after allocation) how
/// many it took and its cut-off. Rents in fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ComplexFigures {
    pub code: String,
    pub name: String,
    pub district: String,
    /// Units on offer (free units of the round's types; at allocation, those allocated).
    pub capacity: u32,
    pub ranked_by: usize,
    pub first_choice: usize,
    pub matched: usize,
    /// 1-based priority position of the last applicant admitted, if the complex filled.
    pub cutoff_position: Option<u32>,
    pub rent_from_fen: i64,
}

/// Live figures of an open round, or the figures published with the allocation.
pub async fn round_figures(store: &Store, round: &RoundRecord) -> anyhow::Result<RoundFigures> {
    if round.status == RoundStatus::Allocated
        && let Some(json) = store.round_figures_json(round.round_id).await?
    {
        return Ok(serde_json::from_str(&json)?);
    }
    let complexes = store.round_complexes(round.round_id).await?;
    let applications = store.applications(round.round_id).await?;
    Ok(RoundFigures {
        applicants: applications.len(),
        allocated_applicants: 0,
        matched: 0,
        complexes: complexes
            .iter()
            .map(|c| ComplexFigures {
                code: c.complex.code.clone(),
                name: c.complex.name.clone(),
                district: c.complex.district.clone(),
                capacity: u32::try_from(c.free_units).unwrap_or(0),
                ranked_by: applications
                    .iter()
                    .filter(|a| a.ranking.contains(&c.complex.code))
                    .count(),
                first_choice: applications
                    .iter()
                    .filter(|a| a.ranking.first() == Some(&c.complex.code))
                    .count(),
                matched: 0,
                cutoff_position: None,
                rent_from_fen: c.unit_types.iter().map(|t| t.rent_fen).min().unwrap_or(0),
            })
            .collect(),
    })
}

/// Why a round could not be run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("no such round")]
    NotFound,
    #[error("the round was already allocated")]
    AlreadyRun,
    #[error("the round's deadline has not passed")]
    BeforeDeadline,
    /// The offers' answer-by date falls in a year the working calendar has no data for:
    /// nothing was written, the round stays open until an administrator adds the year.
    #[error(transparent)]
    CalendarMissing(#[from] YearMissing),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<StoreError> for RunError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { .. } => RunError::AlreadyRun,
            other => RunError::Other(other.into()),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunSummary {
    pub applicants: usize,
    pub allocated_applicants: usize,
    pub offers: usize,
}

/// Runs a round once its deadline passed: re-checks every applicant's eligibility when it
/// runs (a talent who bought a home meanwhile is left out, with the reason), builds
/// the instance under the round's priority rules and published seed, allocates by
/// applicant-proposing deferred acceptance, hands the free units of each complex to its
/// admitted applicants in priority order, and stores result, files and offers in one
/// transaction. A second run (another officer, another server) finds the round allocated.
///
/// The offers' answer-by date is counted first, on `calendar` (working days): when it
/// falls in a year without calendar data the run is refused before anything is read or
/// written, with the year ([`RunError::CalendarMissing`]).
pub async fn run_round(
    store: &Store,
    round: &RoundRecord,
    calendar: &WorkCalendar,
    actor: &Actor,
) -> Result<RunSummary, RunError> {
    if round.status != RoundStatus::Open {
        return Err(RunError::AlreadyRun);
    }
    let (priority, offer_rules, _) = rules_of(round)?;
    let respond_by = offer_deadline(calendar, now_ms(), &offer_rules)
        .map_err(|e| anyhow::anyhow!(e))?
        .required()?;
    let applications = store.applications(round.round_id).await?;
    let complexes = store.round_complexes(round.round_id).await?;
    // Checked as of the run (right after the deadline): a card that lapsed or a home
    // bought meanwhile counts, as the talent was told when applying.
    let run_day = today();

    // Four queries for all applicants: a round of tens of thousands is read in seconds.
    let facts = store
        .round_applicant_facts(round.round_id, &run_day.to_string())
        .await?;
    let mut ballots = Vec::new();
    let mut included = Vec::new();
    let mut outcomes: Vec<(i64, Option<i64>, String)> = Vec::new();
    for application in &applications {
        let talent = facts.talents.get(&application.talent_id).ok_or_else(|| {
            anyhow::anyhow!("application {} names no talent", application.application_id)
        })?;
        let eligibility = assess(
            round,
            &offer_rules,
            talent,
            facts.card_tiers.get(&talent.talent_id).cloned(),
            facts.housed.contains(&talent.talent_id),
            facts
                .refusals
                .get(&talent.talent_id)
                .map_or(&[][..], Vec::as_slice),
            run_day,
        );
        if !eligibility.eligible() {
            let failed: Vec<&str> = eligibility
                .checks
                .iter()
                .filter(|c| !c.held)
                .map(|c| c.code)
                .collect();
            let json = serde_json::json!({
                "excluded": failed,
                "barred_until": eligibility.barred_until,
            });
            outcomes.push((application.application_id, None, json.to_string()));
            continue;
        }
        ballots.push(Ballot {
            facts: ApplicantFacts {
                pseudonym: application.pseudonym.clone(),
                tier: eligibility.tier.clone(),
                degree: Some(talent.profile.degree.code().to_owned()),
                insurance_months: u32::from(talent.profile.social_insurance_months),
                arrival: talent.profile.arrival_date,
                applied_at: application.created_at / 1000,
            },
            ranking: application.ranking.clone(),
        });
        included.push(application);
    }
    let capacities: Vec<(String, u32)> = complexes
        .iter()
        .map(|c| {
            (
                c.complex.code.clone(),
                u32::try_from(c.free_units).unwrap_or(0),
            )
        })
        .collect();
    let instance = yingcai_housing::build_instance(&priority, &round.seed, &ballots, &capacities)
        .map_err(|e| anyhow::anyhow!("round {}: {e}", round.round_id))?;
    let allocation = yingcai_allocation::allocate(&instance);
    let explained = yingcai_housing::outcomes(&allocation);

    let complex_id_of: HashMap<&str, i64> = complexes
        .iter()
        .map(|c| (c.complex.code.as_str(), c.complex.complex_id))
        .collect();
    for (a, application) in included.iter().enumerate() {
        let outcome = &explained[a];
        let json = serde_json::json!({
            "assigned": outcome.assigned,
            "considered": outcome.considered.iter().map(|c| serde_json::json!({
                "complex": c.complex,
                "capacity": c.capacity,
                "my_position": c.my_position,
                "cutoff_position": c.cutoff_position,
            })).collect::<Vec<_>>(),
        });
        let complex_id = outcome
            .assigned
            .as_deref()
            .and_then(|code| complex_id_of.get(code).copied());
        outcomes.push((application.application_id, complex_id, json.to_string()));
    }

    // Units go to a complex's admitted applicants in its priority order, so the higher
    // priority chooses nothing but gets the first unit in type-and-number order.
    let mut offers = Vec::new();
    let mut figures = Vec::new();
    for (c, complex) in complexes.iter().enumerate() {
        let c = u32::try_from(c).map_err(|e| anyhow::anyhow!(e))?;
        let units = store
            .free_units_in_round(round.round_id, complex.complex.complex_id)
            .await?;
        let admitted: Vec<u32> = instance
            .priority(c)
            .iter()
            .copied()
            .filter(|&a| allocation.assignment(a) == Some(c))
            .collect();
        for (&a, &unit_id) in admitted.iter().zip(&units) {
            let application = included[a as usize];
            offers.push((application.application_id, application.talent_id, unit_id));
        }
        figures.push(ComplexFigures {
            code: complex.complex.code.clone(),
            name: complex.complex.name.clone(),
            district: complex.complex.district.clone(),
            capacity: instance.capacity(c),
            ranked_by: instance.priority(c).len(),
            first_choice: (0..instance.num_applicants())
                .filter(|&a| instance.preferences(a).first() == Some(&c))
                .count(),
            matched: admitted.len(),
            cutoff_position: allocation.cutoff(c).map(|cut| cut.rank + 1),
            rent_from_fen: complex
                .unit_types
                .iter()
                .map(|t| t.rent_fen)
                .min()
                .unwrap_or(0),
        });
    }
    let figures = RoundFigures {
        applicants: applications.len(),
        allocated_applicants: included.len(),
        matched: allocation.matched(),
        complexes: figures,
    };
    let facts: Vec<ApplicantFacts> = ballots.iter().map(|b| b.facts.clone()).collect();
    let table = yingcai_housing::priority_table(&priority, &round.seed, &facts)
        .map_err(|e| anyhow::anyhow!("round {}: {e}", round.round_id))?;
    let mut ranking = String::from("position,pseudonym");
    for key in &priority.keys {
        ranking.push(',');
        ranking.push_str(key.criterion().code());
    }
    ranking.push_str(",ticket\n");
    for row in &table {
        ranking.push_str(&format!("{},{}", row.position, row.pseudonym));
        for (_, value) in &row.values {
            ranking.push(',');
            ranking.push_str(&csv_cell(value));
        }
        ranking.push_str(&format!(",{}\n", row.ticket_hex));
    }
    let mut result = Vec::new();
    allocation
        .write_csv(&mut result)
        .map_err(|e| anyhow::anyhow!(e))?;
    let summary = RunSummary {
        applicants: applications.len(),
        allocated_applicants: included.len(),
        offers: offers.len(),
    };
    store
        .allocate_round(
            round.round_id,
            &RoundAllocation {
                instance_json: instance.to_json(),
                result_csv: String::from_utf8(result).map_err(|e| anyhow::anyhow!(e))?,
                ranking_csv: ranking,
                figures_json: serde_json::to_string(&figures).map_err(|e| anyhow::anyhow!(e))?,
                outcomes,
                offers,
                respond_by,
            },
            actor,
        )
        .await?;
    Ok(summary)
}

/// The answer-by date (Unix ms) of an offer made at `now` (Unix ms) under `rules`, or the
/// year the calendar lacks.
fn offer_deadline(
    calendar: &WorkCalendar,
    now: i64,
    rules: &OfferRules,
) -> Result<crate::work_calendar::Counted<i64>, crate::Error> {
    let offered = crate::work_calendar::minute(now)?;
    Ok(yingcai_housing::response_deadline(offered, rules, calendar)
        .map(crate::work_calendar::millis)
        .into())
}

fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// A complex's waiting list: its talents, next in priority first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingList {
    pub complex_id: i64,
    pub complex_name: String,
    pub talents: Vec<i64>,
}

/// Each complex's waiting list after allocation: applicants who ranked it, in its
/// priority order, who hold no offer of this round (live or refused) and are not barred.
pub async fn waiting_lists(store: &Store, round: &RoundRecord) -> anyhow::Result<Vec<WaitingList>> {
    let (instance_json, _, _) = store.round_files(round.round_id).await?;
    let instance = yingcai_allocation::Instance::from_json(instance_json.as_bytes())?;
    let (_, offer_rules, _) = rules_of(round)?;
    let talent_of: HashMap<String, i64> = store
        .applications(round.round_id)
        .await?
        .into_iter()
        .map(|a| (a.pseudonym, a.talent_id))
        .collect();
    let mut unavailable: HashSet<i64> = store
        .round_offer_holders(round.round_id)
        .await?
        .into_iter()
        .collect();
    let day = today();
    // Only the refusals: the records themselves are not needed here.
    for (&talent_id, refusals) in &store.round_refusals(round.round_id).await? {
        let refusals: Vec<Date> = refusals.iter().copied().filter_map(date_of_ms).collect();
        if yingcai_housing::barred_until(&refusals, &offer_rules, day).is_some() {
            unavailable.insert(talent_id);
        }
    }
    let complexes = store.round_complexes(round.round_id).await?;
    let mut lists = Vec::new();
    for complex in &complexes {
        let Some(c) = instance.complex_index(&complex.complex.code) else {
            continue;
        };
        let talent = |a: u32| talent_of.get(instance.applicant_id(a)).copied();
        let list: Vec<i64> = yingcai_housing::waiting_list(&instance, c, |a| {
            talent(a).is_none_or(|t| unavailable.contains(&t))
        })
        .into_iter()
        .filter_map(talent)
        .collect();
        lists.push(WaitingList {
            complex_id: complex.complex.complex_id,
            complex_name: complex.complex.name.clone(),
            talents: list,
        });
    }
    Ok(lists)
}

/// Offers the free units of a round's complex to its waiting list, when the round's
/// rules say refused units go to the next in priority. Returns the offers made. When the
/// answer-by date falls in a year without calendar data no offer is made (the error is a
/// [`YearMissing`]): the units stay free rather than being offered with a guessed date.
pub async fn refill(
    store: &Store,
    calendar: &WorkCalendar,
    round_id: i64,
    complex_id: i64,
) -> anyhow::Result<usize> {
    let round = store.round(round_id).await?;
    let (_, offer_rules, _) = rules_of(&round)?;
    if round.status != RoundStatus::Allocated || offer_rules.refill != Refill::NextInPriority {
        return Ok(0);
    }
    let lists = waiting_lists(store, &round).await?;
    let Some(waiting) = lists.into_iter().find(|w| w.complex_id == complex_id) else {
        return Ok(0);
    };
    let respond_by = offer_deadline(calendar, now_ms(), &offer_rules)
        .map_err(|e| anyhow::anyhow!(e))?
        .required()?;
    let mut made = 0;
    let units = store.free_units_in_round(round_id, complex_id).await?;
    for (talent_id, unit_id) in waiting.talents.into_iter().zip(units) {
        let Some(application) = store.application(round_id, talent_id).await? else {
            continue;
        };
        match store
            .offer_from_waiting_list(
                round_id,
                application.application_id,
                talent_id,
                unit_id,
                respond_by,
                &Actor::System,
            )
            .await
        {
            Ok(_) => made += 1,
            // Someone else took the unit or made the offer first: nothing is lost.
            Err(StoreError::Conflict { .. }) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(made)
}

/// What [`expire_and_refill`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Expiry {
    /// Offers that lapsed.
    pub expired: usize,
    /// A year the calendar lacks, which kept some lapsed offers' units from being offered
    /// again (they stay free; nothing was offered with a guessed date).
    pub calendar_missing: Option<i32>,
}

/// Lets overdue offers lapse and refills their units. Idempotent.
pub async fn expire_and_refill(store: &Store, calendar: &WorkCalendar) -> anyhow::Result<Expiry> {
    let closed = store.expire_offers(now_ms()).await?;
    let mut seen = HashSet::new();
    let mut calendar_missing = None;
    for offer in &closed {
        if seen.insert((offer.round_id, offer.complex_id)) {
            match refill(store, calendar, offer.round_id, offer.complex_id).await {
                Ok(_) => {}
                Err(e) => match e.downcast::<YearMissing>() {
                    Ok(YearMissing(year)) => calendar_missing = Some(year),
                    Err(other) => return Err(other),
                },
            }
        }
    }
    Ok(Expiry {
        expired: closed.len(),
        calendar_missing,
    })
}

yingcai_store::refusal! {
    /// Why an offer was not answered.
    pub enum OfferAnswerError {
        /// It was answered already, has lapsed, or is not the caller's.
        Closed => ("offer", "offer-closed", "the offer is no longer open"),
    }
}

/// A closed offer is the store's `NotFound`; anything else failed on our side.
fn offer_answer(error: StoreError) -> OfferAnswerError {
    match error {
        StoreError::NotFound => OfferAnswerError::Closed,
        other => OfferAnswerError::Store(other),
    }
}

/// Accepts an offer: a lease from today for the round's maximum term at the unit's rent.
pub async fn accept_offer(
    store: &Store,
    offer: &OfferRecord,
    actor: &Actor,
) -> Result<i64, OfferAnswerError> {
    let round = store.round(offer.round_id).await?;
    let (_, _, lease_rules) = rules_of(&round)?;
    let lease = yingcai_housing::Lease::new(today(), &lease_rules, offer.rent_fen)
        .map_err(anyhow::Error::from)?;
    // A lease is stored only with dates the platform's calendar can read back.
    let start = yingcai_domain::Date::try_from(lease.start).map_err(anyhow::Error::from)?;
    let end = yingcai_domain::Date::try_from(lease.end).map_err(anyhow::Error::from)?;
    store
        .accept_offer(
            offer.offer_id,
            offer.talent_id,
            &NewLease {
                start_date: &start.to_string(),
                end_date: &end.to_string(),
                rent_fen: lease.monthly_rent_fen,
            },
            actor,
        )
        .await
        .map_err(offer_answer)
}

/// Declines an offer and passes the unit on. The talent's answer stands even when the
/// unit cannot be offered on (the calendar lacks the year of the next answer-by date):
/// the unit stays free, and the log says which year an administrator must add.
pub async fn decline_offer(
    store: &Store,
    calendar: &WorkCalendar,
    offer: &OfferRecord,
    actor: &Actor,
) -> Result<(), OfferAnswerError> {
    let closed = store
        .decline_offer(offer.offer_id, offer.talent_id, actor)
        .await
        .map_err(offer_answer)?;
    match refill(store, calendar, closed.round_id, closed.complex_id).await {
        Ok(_) => Ok(()),
        Err(e) => match e.downcast::<YearMissing>() {
            Ok(missing) => {
                tracing::warn!(
                    round_id = closed.round_id,
                    complex_id = closed.complex_id,
                    "declined unit not offered on: {missing}"
                );
                Ok(())
            }
            Err(other) => Err(other.into()),
        },
    }
}

fn trigger_code(trigger: &yingcai_housing::ExitTrigger) -> &'static str {
    match trigger {
        yingcai_housing::ExitTrigger::BoughtHome { .. } => "bought_home",
        yingcai_housing::ExitTrigger::LeftEmployment { .. } => "left_employment",
        yingcai_housing::ExitTrigger::MaxTerm => "max_term",
    }
}

/// What a lease review did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LeaseReview {
    pub notices: usize,
    pub ended: usize,
}

/// Gives notice on leases whose tenant bought a home, left the city's employment or
/// reaches the maximum term, and ends leases whose notice ran out (the unit is free, the
/// talent's housing and entitlements are recomputed). Idempotent.
pub async fn review_leases(
    store: &Store,
    set: &PolicySet,
    today: Date,
) -> anyhow::Result<LeaseReview> {
    let mut review = LeaseReview::default();
    let day = today.to_string();
    for lease in store.live_leases().await? {
        if lease.status == LeaseStatus::Ending && lease.ends_on.is_some_and(|e| e.jiff() < today) {
            if store
                .end_lease(lease.lease_id, &day, &Actor::System)
                .await?
            {
                review.ended += 1;
                let talent = store.talent(lease.talent_id).await?;
                recompute_talent(store, set, &talent, today, &Actor::System).await?;
            }
            continue;
        }
        if let Some((reason, ends_on)) = exit_of(store, &lease, today).await?
            && store
                .give_lease_notice(lease.lease_id, reason, &ends_on.to_string(), &Actor::System)
                .await?
        {
            review.notices += 1;
        }
    }
    Ok(review)
}

async fn exit_of(
    store: &Store,
    lease: &LeaseRecord,
    today: Date,
) -> anyhow::Result<Option<(&'static str, Date)>> {
    let round = store.round(lease.round_id).await?;
    let (_, _, rules) = rules_of(&round)?;
    let talent = store.talent(lease.talent_id).await?;
    let p = &talent.profile;
    let terms = yingcai_housing::Lease {
        start: lease.start_date.jiff(),
        end: lease.end_date.jiff(),
        monthly_rent_fen: lease.rent_fen,
    };
    let tenant = TenantFacts {
        owns_home_since: if p.housing == Housing::Owns {
            p.home_purchase_date
                .map(yingcai_domain::Date::jiff)
                .or(Some(today))
        } else {
            None
        },
        employed_in_city: p.employed_in_city,
    };
    Ok(yingcai_housing::exit_due(&terms, &tenant, today, &rules)
        .map(|(trigger, ends)| (trigger_code(&trigger), ends)))
}
