//! Talent apartments: the inventory (complexes, unit types, units), application rounds,
//! offers and leases.
//!
//! The store keeps facts and guards them; deciding (who is eligible, the priority order,
//! the allocation itself) is done by `yingcai-housing` and `yingcai-allocation` in the
//! callers. Every write that moves a unit between free, offered and let happens in one
//! transaction with the offer or lease that explains it, and the partial unique indexes of
//! the migration refuse a second live offer or lease of a unit, whatever runs at once.

mod inventory;
mod leases;
mod offers;
mod rounds;

use serde_json::json;
use sqlx::FromRow as _;
use sqlx::any::AnyRow;

use crate::columns::Stored;
use yingcai_domain::Date;
use yingcai_domain::status::{LeaseStatus, OfferStatus, RoundStatus, UnitStatus};

use crate::audit::{self, Actor, Change};
use crate::policy::actor_id;
use crate::{Store, StoreError, dialect, now_ms};

/// A complex as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ComplexRecord {
    pub complex_id: i64,
    pub code: String,
    pub name: String,
    pub district: String,
    pub address: String,
    pub operator: String,
}

/// A complex to create (or, in an import, to add units to). `row` locates it in an
/// imported file (0 for a form).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewComplex {
    pub row: usize,
    pub code: String,
    pub name: String,
    pub district: String,
    pub address: String,
    pub operator: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitTypeRecord {
    pub unit_type_id: i64,
    pub complex_id: i64,
    pub name: String,
    pub area_centi_m2: i64,
    pub bedrooms: i64,
    pub rent_fen: i64,
}

/// A unit type with its units.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewUnitType {
    pub row: usize,
    pub name: String,
    pub area_centi_m2: i64,
    pub bedrooms: i64,
    pub rent_fen: i64,
    pub units: Vec<NewUnit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewUnit {
    pub row: usize,
    pub number: String,
    pub maintenance: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    pub unit_id: i64,
    pub complex_id: i64,
    pub unit_type_id: i64,
    pub number: String,
    pub status: UnitStatus,
}

/// A `unit` row as stored; [`UnitRecord`] is it checked.
#[derive(sqlx::FromRow)]
struct UnitRow {
    unit_id: i64,
    complex_id: i64,
    unit_type_id: i64,
    number: String,
    status: String,
}

impl TryFrom<UnitRow> for UnitRecord {
    type Error = StoreError;

    fn try_from(row: UnitRow) -> Result<Self, StoreError> {
        Ok(UnitRecord {
            status: Stored::new("unit", row.unit_id).parse("status", &row.status)?,
            unit_id: row.unit_id,
            complex_id: row.complex_id,
            unit_type_id: row.unit_type_id,
            number: row.number,
        })
    }
}

/// A complex with its unit counts by status, for the inventory page (read from a
/// `complex` row with the counts as `unit_types`, `free`, `offered`, `let_` and
/// `maintenance`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ComplexSummary {
    #[sqlx(flatten)]
    pub complex: ComplexRecord,
    pub unit_types: i64,
    pub free: i64,
    pub offered: i64,
    pub let_: i64,
    pub maintenance: i64,
}

/// Why an inventory import or a new unit type was refused: `(row, column, code)` per
/// problem with what is already registered. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum InventoryConflict {
    #[error("{} row(s) clash with the registered inventory", problems.len())]
    Clash {
        problems: Vec<(usize, &'static str, &'static str)>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl InventoryConflict {
    /// Every code a clash names.
    pub const CODES: &'static [&'static str] = &[
        "unit-number-taken",
        "unit-type-inconsistent",
        "complex-inconsistent",
    ];
}

impl From<sqlx::Error> for InventoryConflict {
    fn from(error: sqlx::Error) -> Self {
        InventoryConflict::Store(error.into())
    }
}

/// What an import or unit-type creation wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InventoryImportSummary {
    pub complexes_created: usize,
    pub unit_types_created: usize,
    pub units_created: usize,
}

/// An application round as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundRecord {
    pub round_id: i64,
    pub name: String,
    pub status: RoundStatus,
    pub deadline_at: i64,
    pub seed: String,
    pub requirements: Vec<String>,
    pub priority_rules: String,
    pub offer_rules: String,
    pub lease_rules: String,
    pub opened_by: Option<i64>,
    pub opened_at: i64,
    pub allocated_at: Option<i64>,
    pub allocated_by: Option<i64>,
}

impl RoundRecord {
    /// Ballots are accepted until the deadline, while the round is open.
    pub fn accepts_ballots(&self, now: i64) -> bool {
        self.status == RoundStatus::Open && now < self.deadline_at
    }
}

pub struct NewRound<'a> {
    pub name: &'a str,
    pub deadline_at: i64,
    pub seed: &'a str,
    pub requirements: &'a [String],
    pub priority_rules: &'a str,
    pub offer_rules: &'a str,
    pub lease_rules: &'a str,
    pub unit_types: &'a [i64],
}

/// A complex as offered in a round: its free units of the round's unit types are its
/// capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundComplex {
    pub complex: ComplexRecord,
    pub unit_types: Vec<UnitTypeRecord>,
    pub free_units: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub application_id: i64,
    pub round_id: i64,
    pub talent_id: i64,
    pub pseudonym: String,
    /// Complex codes, most preferred first.
    pub ranking: Vec<String>,
    pub assigned_complex_id: Option<i64>,
    pub outcome_json: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An offer with what the talent needs to decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRecord {
    pub offer_id: i64,
    pub round_id: i64,
    pub application_id: i64,
    pub talent_id: i64,
    pub unit_id: i64,
    /// `allocation` or `waiting_list`.
    pub source: String,
    pub status: OfferStatus,
    pub offered_at: i64,
    pub respond_by: i64,
    pub responded_at: Option<i64>,
    pub unit_number: String,
    pub complex_id: i64,
    pub complex_code: String,
    pub complex_name: String,
    pub unit_type: String,
    pub area_centi_m2: i64,
    pub bedrooms: i64,
    pub rent_fen: i64,
}

/// What the allocation of a round stores, all in one transaction.
pub struct RoundAllocation {
    pub instance_json: String,
    pub result_csv: String,
    pub ranking_csv: String,
    /// The published aggregate figures, as JSON.
    pub figures_json: String,
    /// `(application, complex assigned, outcome as JSON)`.
    pub outcomes: Vec<(i64, Option<i64>, String)>,
    /// `(application, talent, unit)`.
    pub offers: Vec<(i64, i64, i64)>,
    pub respond_by: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRecord {
    pub lease_id: i64,
    pub offer_id: i64,
    pub talent_id: i64,
    pub unit_id: i64,
    pub start_date: Date,
    pub end_date: Date,
    pub rent_fen: i64,
    /// `Ending`: notice given.
    pub status: LeaseStatus,
    pub end_reason: Option<String>,
    pub ends_on: Option<Date>,
    pub unit_number: String,
    pub complex_name: String,
    pub talent_name: String,
    /// The round whose offer became this lease (its lease rules apply).
    pub round_id: i64,
}

pub struct NewLease<'a> {
    pub start_date: &'a str,
    pub end_date: &'a str,
    pub rent_fen: i64,
}

/// An offer that answered or lapsed, and what became of its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedOffer {
    pub offer_id: i64,
    pub round_id: i64,
    pub talent_id: i64,
    pub unit_id: i64,
    pub complex_id: i64,
}

fn complex_from_row(row: &AnyRow) -> Result<ComplexRecord, StoreError> {
    Ok(ComplexRecord::from_row(row)?)
}

/// The complex in a unit-type row joined with its complex (`c.code, c.name as
/// complex_name, c.district, c.address, c.operator`: the unit type has a `name` too).
#[derive(sqlx::FromRow)]
struct ComplexOfUnitTypeRow {
    complex_id: i64,
    code: String,
    complex_name: String,
    district: String,
    address: String,
    operator: String,
}

impl From<ComplexOfUnitTypeRow> for ComplexRecord {
    fn from(row: ComplexOfUnitTypeRow) -> Self {
        ComplexRecord {
            complex_id: row.complex_id,
            code: row.code,
            name: row.complex_name,
            district: row.district,
            address: row.address,
            operator: row.operator,
        }
    }
}

/// A unit-type row joined with its complex (see [`ComplexOfUnitTypeRow`]).
#[derive(sqlx::FromRow)]
struct UnitTypeOfComplexRow {
    #[sqlx(flatten)]
    unit_type: UnitTypeRecord,
    #[sqlx(flatten)]
    complex: ComplexOfUnitTypeRow,
}

/// A unit type of a round joined with its complex, as [`UnitTypeOfComplexRow`], with
/// `free_units`: how many of its units are free.
#[derive(sqlx::FromRow)]
struct RoundUnitTypeRow {
    #[sqlx(flatten)]
    unit_type: UnitTypeRecord,
    #[sqlx(flatten)]
    complex: ComplexOfUnitTypeRow,
    free_units: i64,
}

fn unit_type_from_row(row: &AnyRow) -> Result<UnitTypeRecord, StoreError> {
    Ok(UnitTypeRecord::from_row(row)?)
}

/// A `housing_round` row as stored; [`RoundRecord`] is it checked.
#[derive(sqlx::FromRow)]
struct RoundRow {
    round_id: i64,
    name: String,
    status: String,
    deadline_at: i64,
    seed: String,
    requirements: String,
    priority_rules: String,
    offer_rules: String,
    lease_rules: String,
    opened_by: Option<i64>,
    opened_at: i64,
    allocated_at: Option<i64>,
    allocated_by: Option<i64>,
}

impl TryFrom<RoundRow> for RoundRecord {
    type Error = StoreError;

    fn try_from(row: RoundRow) -> Result<Self, StoreError> {
        Ok(RoundRecord {
            status: Stored::new("housing_round", row.round_id).parse("status", &row.status)?,
            round_id: row.round_id,
            name: row.name,
            deadline_at: row.deadline_at,
            seed: row.seed,
            requirements: split_list(&row.requirements),
            priority_rules: row.priority_rules,
            offer_rules: row.offer_rules,
            lease_rules: row.lease_rules,
            opened_by: row.opened_by,
            opened_at: row.opened_at,
            allocated_at: row.allocated_at,
            allocated_by: row.allocated_by,
        })
    }
}

fn round_from_row(row: &AnyRow) -> Result<RoundRecord, StoreError> {
    RoundRow::from_row(row)?.try_into()
}

/// An `application` row as stored (its ranking a comma-separated list).
#[derive(sqlx::FromRow)]
struct ApplicationRow {
    application_id: i64,
    round_id: i64,
    talent_id: i64,
    pseudonym: String,
    ranking: String,
    assigned_complex_id: Option<i64>,
    outcome_json: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl From<ApplicationRow> for ApplicationRecord {
    fn from(row: ApplicationRow) -> Self {
        ApplicationRecord {
            ranking: split_list(&row.ranking),
            application_id: row.application_id,
            round_id: row.round_id,
            talent_id: row.talent_id,
            pseudonym: row.pseudonym,
            assigned_complex_id: row.assigned_complex_id,
            outcome_json: row.outcome_json,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

fn application_from_row(row: &AnyRow) -> Result<ApplicationRecord, StoreError> {
    Ok(ApplicationRow::from_row(row)?.into())
}

const OFFER_VIEW: &str = "select o.*, u.number as unit_number, u.complex_id, c.code as complex_code, c.name as complex_name,
        t.name as unit_type, t.area_centi_m2, t.bedrooms, t.rent_fen
   from offer o join unit u on u.unit_id = o.unit_id join complex c on c.complex_id = u.complex_id
   join unit_type t on t.unit_type_id = u.unit_type_id";

/// An `offer` row with its unit, complex and unit type ([`OFFER_VIEW`]).
#[derive(sqlx::FromRow)]
struct OfferRow {
    offer_id: i64,
    round_id: i64,
    application_id: i64,
    talent_id: i64,
    unit_id: i64,
    source: String,
    status: String,
    offered_at: i64,
    respond_by: i64,
    responded_at: Option<i64>,
    unit_number: String,
    complex_id: i64,
    complex_code: String,
    complex_name: String,
    unit_type: String,
    area_centi_m2: i64,
    bedrooms: i64,
    rent_fen: i64,
}

impl TryFrom<OfferRow> for OfferRecord {
    type Error = StoreError;

    fn try_from(row: OfferRow) -> Result<Self, StoreError> {
        Ok(OfferRecord {
            status: Stored::new("offer", row.offer_id).parse("status", &row.status)?,
            offer_id: row.offer_id,
            round_id: row.round_id,
            application_id: row.application_id,
            talent_id: row.talent_id,
            unit_id: row.unit_id,
            source: row.source,
            offered_at: row.offered_at,
            respond_by: row.respond_by,
            responded_at: row.responded_at,
            unit_number: row.unit_number,
            complex_id: row.complex_id,
            complex_code: row.complex_code,
            complex_name: row.complex_name,
            unit_type: row.unit_type,
            area_centi_m2: row.area_centi_m2,
            bedrooms: row.bedrooms,
            rent_fen: row.rent_fen,
        })
    }
}

fn offer_from_row(row: &AnyRow) -> Result<OfferRecord, StoreError> {
    OfferRow::from_row(row)?.try_into()
}

const LEASE_VIEW: &str =
    "select l.*, u.number as unit_number, c.name as complex_name, p.name as talent_name, o.round_id
   from lease l join unit u on u.unit_id = l.unit_id join complex c on c.complex_id = u.complex_id
   join talent p on p.talent_id = l.talent_id join offer o on o.offer_id = l.offer_id";

/// A `lease` row with its unit, complex, talent and round ([`LEASE_VIEW`]).
#[derive(sqlx::FromRow)]
struct LeaseRow {
    lease_id: i64,
    offer_id: i64,
    talent_id: i64,
    unit_id: i64,
    start_date: String,
    end_date: String,
    rent_fen: i64,
    status: String,
    end_reason: Option<String>,
    ends_on: Option<String>,
    unit_number: String,
    complex_name: String,
    talent_name: String,
    round_id: i64,
}

impl TryFrom<LeaseRow> for LeaseRecord {
    type Error = StoreError;

    fn try_from(row: LeaseRow) -> Result<Self, StoreError> {
        let cell = Stored::new("lease", row.lease_id);
        Ok(LeaseRecord {
            lease_id: row.lease_id,
            offer_id: row.offer_id,
            talent_id: row.talent_id,
            unit_id: row.unit_id,
            start_date: cell.parse("start_date", &row.start_date)?,
            end_date: cell.parse("end_date", &row.end_date)?,
            rent_fen: row.rent_fen,
            status: cell.parse("status", &row.status)?,
            end_reason: row.end_reason,
            ends_on: cell.parse_optional("ends_on", row.ends_on.as_deref())?,
            unit_number: row.unit_number,
            complex_name: row.complex_name,
            talent_name: row.talent_name,
            round_id: row.round_id,
        })
    }
}

fn lease_from_row(row: &AnyRow) -> Result<LeaseRecord, StoreError> {
    LeaseRow::from_row(row)?.try_into()
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Sets a talent's housing in its verified record because a lease began or ended: the
/// lease is itself the evidence, so no submission is needed, and the change is audited.
async fn set_talent_housing(
    tx: &mut Tx,
    talent_id: i64,
    from: &str,
    to: &str,
    actor: &Actor,
) -> Result<bool, StoreError> {
    let changed = sqlx::query(
        "update talent set housing = $1, updated_at = $2 where talent_id = $3 and housing = $4",
    )
    .bind(to)
    .bind(now_ms())
    .bind(talent_id)
    .bind(from)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed > 0 {
        audit::append(
            tx,
            actor,
            Change {
                action: "talent.housing",
                entity: "talent",
                entity_id: talent_id.to_string(),
                before: Some(json!({"housing": from})),
                after: Some(json!({"housing": to})),
            },
        )
        .await?;
    }
    Ok(changed > 0)
}

/// Inserts a pending offer and marks its unit offered; the unit must be free.
async fn insert_offer(
    tx: &mut Tx,
    round_id: i64,
    application_id: i64,
    talent_id: i64,
    unit_id: i64,
    source: &str,
    respond_by: i64,
) -> Result<i64, StoreError> {
    let now = now_ms();
    let held = sqlx::query(
        "update unit set status = 'offered', updated_at = $1 where unit_id = $2 and status = 'free'",
    )
    .bind(now)
    .bind(unit_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if held == 0 {
        return Err(StoreError::Conflict {
            constraint: "unit.status".into(),
        });
    }
    let offer_id: i64 = sqlx::query_scalar(
        "insert into offer (round_id, application_id, talent_id, unit_id, source, status, offered_at, respond_by)
         values ($1, $2, $3, $4, $5, 'pending', $6, $7) returning offer_id",
    )
    .bind(round_id)
    .bind(application_id)
    .bind(talent_id)
    .bind(unit_id)
    .bind(source)
    .bind(now)
    .bind(respond_by)
    .fetch_one(&mut **tx)
    .await?;
    crate::policy::notify(
        tx,
        talent_id,
        "apartment-offer",
        offer_id,
        json!({"round_id": round_id, "respond_by": respond_by}),
    )
    .await?;
    Ok(offer_id)
}

/// What a round's eligibility reads of every applicant, fetched in four queries rather
/// than four per applicant.
#[derive(Debug, Clone, Default)]
pub struct RoundApplicantFacts {
    /// The applicants' verified records.
    pub talents: std::collections::HashMap<i64, crate::TalentRecord>,
    /// The tier of each card in force on the day asked.
    pub card_tiers: std::collections::HashMap<i64, String>,
    /// Talents with a lease in force (active or under notice).
    pub housed: std::collections::HashSet<i64>,
    /// When each talent declined an offer or let one lapse (Unix ms, oldest first).
    pub refusals: std::collections::HashMap<i64, Vec<i64>>,
}
