//! Talent apartments: the inventory (complexes, unit types, units), application rounds,
//! offers and leases.
//!
//! The store keeps facts and guards them; deciding (who is eligible, the priority order,
//! the allocation itself) is done by `yingcai-housing` and `yingcai-allocation` in the
//! callers. Every write that moves a unit between free, offered and let happens in one
//! transaction with the offer or lease that explains it, and the partial unique indexes of
//! the migration refuse a second live offer or lease of a unit, whatever runs at once.

use serde_json::json;
use sqlx::Row as _;
use sqlx::any::AnyRow;
use yingcai_domain::Date;
use yingcai_domain::status::{LeaseStatus, OfferStatus, RoundStatus, UnitStatus};

use crate::audit::{self, Actor, Change};
use crate::policy::actor_id;
use crate::{Store, StoreError, dialect, now_ms};

/// A complex as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
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

/// A complex with its unit counts by status, for the inventory page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplexSummary {
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
    Ok(ComplexRecord {
        complex_id: row.try_get("complex_id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        district: row.try_get("district")?,
        address: row.try_get("address")?,
        operator: row.try_get("operator")?,
    })
}

/// The complex in a unit-type row joined with its complex (`c.code, c.name as
/// complex_name, c.district, c.address, c.operator`: the unit type has a `name` too).
fn complex_of_unit_type_row(row: &AnyRow) -> Result<ComplexRecord, StoreError> {
    Ok(ComplexRecord {
        complex_id: row.try_get("complex_id")?,
        code: row.try_get("code")?,
        name: row.try_get("complex_name")?,
        district: row.try_get("district")?,
        address: row.try_get("address")?,
        operator: row.try_get("operator")?,
    })
}

fn unit_type_from_row(row: &AnyRow) -> Result<UnitTypeRecord, StoreError> {
    Ok(UnitTypeRecord {
        unit_type_id: row.try_get("unit_type_id")?,
        complex_id: row.try_get("complex_id")?,
        name: row.try_get("name")?,
        area_centi_m2: row.try_get("area_centi_m2")?,
        bedrooms: row.try_get("bedrooms")?,
        rent_fen: row.try_get("rent_fen")?,
    })
}

fn round_from_row(row: &AnyRow) -> Result<RoundRecord, StoreError> {
    let requirements: String = row.try_get("requirements")?;
    let id: i64 = row.try_get("round_id")?;
    Ok(RoundRecord {
        round_id: id,
        name: row.try_get("name")?,
        status: crate::columns::parsed(row, "housing_round", id, "status")?,
        deadline_at: row.try_get("deadline_at")?,
        seed: row.try_get("seed")?,
        requirements: split_list(&requirements),
        priority_rules: row.try_get("priority_rules")?,
        offer_rules: row.try_get("offer_rules")?,
        lease_rules: row.try_get("lease_rules")?,
        opened_by: row.try_get("opened_by")?,
        opened_at: row.try_get("opened_at")?,
        allocated_at: row.try_get("allocated_at")?,
        allocated_by: row.try_get("allocated_by")?,
    })
}

fn application_from_row(row: &AnyRow) -> Result<ApplicationRecord, StoreError> {
    let ranking: String = row.try_get("ranking")?;
    Ok(ApplicationRecord {
        application_id: row.try_get("application_id")?,
        round_id: row.try_get("round_id")?,
        talent_id: row.try_get("talent_id")?,
        pseudonym: row.try_get("pseudonym")?,
        ranking: split_list(&ranking),
        assigned_complex_id: row.try_get("assigned_complex_id")?,
        outcome_json: row.try_get("outcome_json")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

const OFFER_VIEW: &str = "select o.*, u.number as unit_number, u.complex_id, c.code as complex_code, c.name as complex_name,
        t.name as unit_type, t.area_centi_m2, t.bedrooms, t.rent_fen
   from offer o join unit u on u.unit_id = o.unit_id join complex c on c.complex_id = u.complex_id
   join unit_type t on t.unit_type_id = u.unit_type_id";

fn offer_from_row(row: &AnyRow) -> Result<OfferRecord, StoreError> {
    let id: i64 = row.try_get("offer_id")?;
    Ok(OfferRecord {
        offer_id: id,
        round_id: row.try_get("round_id")?,
        application_id: row.try_get("application_id")?,
        talent_id: row.try_get("talent_id")?,
        unit_id: row.try_get("unit_id")?,
        source: row.try_get("source")?,
        status: crate::columns::parsed(row, "offer", id, "status")?,
        offered_at: row.try_get("offered_at")?,
        respond_by: row.try_get("respond_by")?,
        responded_at: row.try_get("responded_at")?,
        unit_number: row.try_get("unit_number")?,
        complex_id: row.try_get("complex_id")?,
        complex_code: row.try_get("complex_code")?,
        complex_name: row.try_get("complex_name")?,
        unit_type: row.try_get("unit_type")?,
        area_centi_m2: row.try_get("area_centi_m2")?,
        bedrooms: row.try_get("bedrooms")?,
        rent_fen: row.try_get("rent_fen")?,
    })
}

const LEASE_VIEW: &str =
    "select l.*, u.number as unit_number, c.name as complex_name, p.name as talent_name, o.round_id
   from lease l join unit u on u.unit_id = l.unit_id join complex c on c.complex_id = u.complex_id
   join talent p on p.talent_id = l.talent_id join offer o on o.offer_id = l.offer_id";

fn lease_from_row(row: &AnyRow) -> Result<LeaseRecord, StoreError> {
    let lease_id: i64 = row.try_get("lease_id")?;
    Ok(LeaseRecord {
        lease_id,
        offer_id: row.try_get("offer_id")?,
        talent_id: row.try_get("talent_id")?,
        unit_id: row.try_get("unit_id")?,
        start_date: crate::columns::date(row, "lease", lease_id, "start_date")?,
        end_date: crate::columns::date(row, "lease", lease_id, "end_date")?,
        rent_fen: row.try_get("rent_fen")?,
        status: crate::columns::parsed(row, "lease", lease_id, "status")?,
        end_reason: row.try_get("end_reason")?,
        ends_on: crate::columns::optional_date(row, "lease", lease_id, "ends_on")?,
        unit_number: row.try_get("unit_number")?,
        complex_name: row.try_get("complex_name")?,
        talent_name: row.try_get("talent_name")?,
        round_id: row.try_get("round_id")?,
    })
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Adds `types` (and their units) to complex `complex_id` inside `tx`, reporting clashes
/// with what is registered. A unit type of the same name is reused when its area,
/// bedrooms and rent agree.
async fn add_unit_types(
    tx: &mut Tx,
    complex_id: i64,
    types: &[NewUnitType],
    summary: &mut InventoryImportSummary,
    problems: &mut Vec<(usize, &'static str, &'static str)>,
) -> Result<(), StoreError> {
    let now = now_ms();
    for unit_type in types {
        let existing = sqlx::query("select * from unit_type where complex_id = $1 and name = $2")
            .bind(complex_id)
            .bind(&unit_type.name)
            .fetch_optional(&mut **tx)
            .await?;
        let unit_type_id = match existing {
            Some(row) => {
                let found = unit_type_from_row(&row)?;
                if (found.area_centi_m2, found.bedrooms, found.rent_fen)
                    != (
                        unit_type.area_centi_m2,
                        unit_type.bedrooms,
                        unit_type.rent_fen,
                    )
                {
                    problems.push((unit_type.row, "unit_type", "unit-type-inconsistent"));
                    continue;
                }
                found.unit_type_id
            }
            None => {
                summary.unit_types_created += 1;
                sqlx::query_scalar(
                    "insert into unit_type (complex_id, name, area_centi_m2, bedrooms, rent_fen)
                     values ($1, $2, $3, $4, $5) returning unit_type_id",
                )
                .bind(complex_id)
                .bind(&unit_type.name)
                .bind(unit_type.area_centi_m2)
                .bind(unit_type.bedrooms)
                .bind(unit_type.rent_fen)
                .fetch_one(&mut **tx)
                .await?
            }
        };
        for unit in &unit_type.units {
            let taken: Option<i64> = sqlx::query_scalar(
                "select unit_id from unit where complex_id = $1 and number = $2",
            )
            .bind(complex_id)
            .bind(&unit.number)
            .fetch_optional(&mut **tx)
            .await?;
            if taken.is_some() {
                problems.push((unit.row, "unit_number", "unit-number-taken"));
                continue;
            }
            sqlx::query(
                "insert into unit (complex_id, unit_type_id, number, status, updated_at) values ($1, $2, $3, $4, $5)",
            )
            .bind(complex_id)
            .bind(unit_type_id)
            .bind(&unit.number)
            .bind(if unit.maintenance {
                    UnitStatus::Maintenance
                } else {
                    UnitStatus::Free
                }
                .as_str())
            .bind(now)
            .execute(&mut **tx)
            .await?;
            summary.units_created += 1;
        }
    }
    Ok(())
}

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

impl Store {
    // ------------------------------------------------------------------ inventory

    /// Every complex with its unit counts, by code.
    pub async fn complexes(&self) -> Result<Vec<ComplexSummary>, StoreError> {
        let rows = sqlx::query(
            "select c.*,
                    (select count(*) from unit_type t where t.complex_id = c.complex_id) as unit_types,
                    (select count(*) from unit u where u.complex_id = c.complex_id and u.status = 'free') as free,
                    (select count(*) from unit u where u.complex_id = c.complex_id and u.status = 'offered') as offered,
                    (select count(*) from unit u where u.complex_id = c.complex_id and u.status = 'let') as let_,
                    (select count(*) from unit u where u.complex_id = c.complex_id and u.status = 'maintenance') as maintenance
               from complex c order by c.code",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ComplexSummary {
                    complex: complex_from_row(row)?,
                    unit_types: row.try_get("unit_types")?,
                    free: row.try_get("free")?,
                    offered: row.try_get("offered")?,
                    let_: row.try_get("let_")?,
                    maintenance: row.try_get("maintenance")?,
                })
            })
            .collect()
    }

    pub async fn complex(&self, complex_id: i64) -> Result<ComplexRecord, StoreError> {
        let row = sqlx::query("select * from complex where complex_id = $1")
            .bind(complex_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        complex_from_row(&row)
    }

    pub async fn unit_types_of(&self, complex_id: i64) -> Result<Vec<UnitTypeRecord>, StoreError> {
        let rows = sqlx::query("select * from unit_type where complex_id = $1 order by name")
            .bind(complex_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(unit_type_from_row).collect()
    }

    /// Every unit type of every complex, by complex code and name: the choices when
    /// opening a round.
    pub async fn all_unit_types(&self) -> Result<Vec<(ComplexRecord, UnitTypeRecord)>, StoreError> {
        let rows = sqlx::query(
            "select t.*, c.code, c.name as complex_name, c.district, c.address, c.operator
               from unit_type t join complex c on c.complex_id = t.complex_id order by c.code, t.name",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((complex_of_unit_type_row(row)?, unit_type_from_row(row)?)))
            .collect()
    }

    pub async fn units_of(&self, complex_id: i64) -> Result<Vec<UnitRecord>, StoreError> {
        let rows = sqlx::query(
            "select unit_id, complex_id, unit_type_id, number, status from unit where complex_id = $1 order by number",
        )
        .bind(complex_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("unit_id")?;
                Ok(UnitRecord {
                    unit_id: id,
                    complex_id: row.try_get("complex_id")?,
                    unit_type_id: row.try_get("unit_type_id")?,
                    number: row.try_get("number")?,
                    status: crate::columns::parsed(row, "unit", id, "status")?,
                })
            })
            .collect()
    }

    /// Creates a complex; a code already registered is a `Conflict`.
    pub async fn create_complex(
        &self,
        complex: &NewComplex,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let id = insert_complex(&mut tx, complex).await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "complex.create",
                entity: "complex",
                entity_id: id.to_string(),
                before: None,
                after: Some(
                    json!({"code": complex.code, "name": complex.name, "district": complex.district}),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds a unit type and its units to a complex, all or nothing.
    pub async fn add_unit_type(
        &self,
        complex_id: i64,
        unit_type: &NewUnitType,
        actor: &Actor,
    ) -> Result<InventoryImportSummary, InventoryConflict> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        self.complex(complex_id).await?;
        let mut summary = InventoryImportSummary::default();
        let mut problems = Vec::new();
        add_unit_types(
            &mut tx,
            complex_id,
            std::slice::from_ref(unit_type),
            &mut summary,
            &mut problems,
        )
        .await?;
        if !problems.is_empty() {
            return Err(InventoryConflict::Clash { problems });
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "unit_type.add",
                entity: "complex",
                entity_id: complex_id.to_string(),
                before: None,
                after: Some(json!({"unit_type": unit_type.name, "units": summary.units_created, "rent_fen": unit_type.rent_fen})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Imports complexes, unit types and units, all or nothing. A complex code already
    /// registered receives the new units if its name, district, address and operator
    /// agree; a unit number already registered in its complex is refused.
    pub async fn import_inventory(
        &self,
        complexes: &[(NewComplex, Vec<NewUnitType>)],
        file_name: &str,
        actor: &Actor,
    ) -> Result<InventoryImportSummary, InventoryConflict> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let mut summary = InventoryImportSummary::default();
        let mut problems = Vec::new();
        for (complex, types) in complexes {
            let existing = sqlx::query("select * from complex where code = $1")
                .bind(&complex.code)
                .fetch_optional(&mut *tx)
                .await?;
            let complex_id = match existing {
                Some(row) => {
                    let found = complex_from_row(&row)?;
                    let checks: [(&str, &'static str, &str); 4] = [
                        (&found.name, "complex_name", &complex.name),
                        (&found.district, "district", &complex.district),
                        (&found.address, "address", &complex.address),
                        (&found.operator, "operator", &complex.operator),
                    ];
                    if let Some((_, column, _)) = checks.iter().find(|(a, _, b)| a != b) {
                        problems.push((complex.row, *column, "complex-inconsistent"));
                        continue;
                    }
                    found.complex_id
                }
                None => {
                    summary.complexes_created += 1;
                    insert_complex(&mut tx, complex).await?
                }
            };
            add_unit_types(&mut tx, complex_id, types, &mut summary, &mut problems).await?;
        }
        if !problems.is_empty() {
            problems.sort();
            return Err(InventoryConflict::Clash { problems });
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "inventory.import",
                entity: "inventory",
                entity_id: file_name.chars().take(100).collect(),
                before: None,
                after: Some(json!({
                    "complexes_created": summary.complexes_created,
                    "unit_types_created": summary.unit_types_created,
                    "units_created": summary.units_created,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Takes a free unit out of service or puts it back; a unit on offer or let cannot
    /// change (`NotFound`).
    pub async fn set_unit_maintenance(
        &self,
        unit_id: i64,
        maintenance: bool,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let (from, to) = if maintenance {
            (UnitStatus::Free, UnitStatus::Maintenance)
        } else {
            (UnitStatus::Maintenance, UnitStatus::Free)
        };
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let changed = sqlx::query(
            "update unit set status = $1, updated_at = $2 where unit_id = $3 and status = $4",
        )
        .bind(to.as_str())
        .bind(now_ms())
        .bind(unit_id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "unit.status",
                entity: "unit",
                entity_id: unit_id.to_string(),
                before: Some(json!({"status": from})),
                after: Some(json!({"status": to})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ------------------------------------------------------------------ rounds

    pub async fn open_round(&self, round: &NewRound<'_>, actor: &Actor) -> Result<i64, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let round_id: i64 = sqlx::query_scalar(
            "insert into housing_round (name, status, deadline_at, seed, requirements, priority_rules, offer_rules, lease_rules, opened_by, opened_at)
             values ($1, 'open', $2, $3, $4, $5, $6, $7, $8, $9) returning round_id",
        )
        .bind(round.name)
        .bind(round.deadline_at)
        .bind(round.seed)
        .bind(round.requirements.join(","))
        .bind(round.priority_rules)
        .bind(round.offer_rules)
        .bind(round.lease_rules)
        .bind(actor_id(actor))
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        for unit_type in round.unit_types {
            sqlx::query("insert into round_unit_type (round_id, unit_type_id) values ($1, $2)")
                .bind(round_id)
                .bind(unit_type)
                .execute(&mut *tx)
                .await?;
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "round.open",
                entity: "housing_round",
                entity_id: round_id.to_string(),
                before: None,
                after: Some(json!({"name": round.name, "deadline_at": round.deadline_at, "seed": round.seed, "unit_types": round.unit_types, "requirements": round.requirements})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(round_id)
    }

    /// Every round, newest first.
    pub async fn rounds(&self) -> Result<Vec<RoundRecord>, StoreError> {
        let rows = sqlx::query("select * from housing_round order by round_id desc")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(round_from_row).collect()
    }

    pub async fn round(&self, round_id: i64) -> Result<RoundRecord, StoreError> {
        let row = sqlx::query("select * from housing_round where round_id = $1")
            .bind(round_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        round_from_row(&row)
    }

    /// The aggregate figures stored when the round was allocated.
    pub async fn round_figures_json(&self, round_id: i64) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("select figures_json from housing_round where round_id = $1")
                .bind(round_id)
                .fetch_optional(self.pool())
                .await?
                .flatten(),
        )
    }

    /// A round's published files: `(instance JSON, result CSV, ranking CSV)`; `NotFound`
    /// before allocation.
    pub async fn round_files(&self, round_id: i64) -> Result<(String, String, String), StoreError> {
        let row = sqlx::query(
            "select instance_json, result_csv, ranking_csv from housing_round where round_id = $1 and status = 'allocated'",
        )
        .bind(round_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        // An allocated round always has its files: one missing is named, never empty.
        let file = |column: &'static str| -> Result<String, StoreError> {
            row.try_get::<Option<String>, _>(column)?
                .ok_or(StoreError::Corrupt {
                    table: "housing_round",
                    row: round_id,
                    column,
                })
        };
        Ok((
            file("instance_json")?,
            file("result_csv")?,
            file("ranking_csv")?,
        ))
    }

    /// The complexes of a round, by code, with their unit types in the round and their
    /// free units of those types.
    pub async fn round_complexes(&self, round_id: i64) -> Result<Vec<RoundComplex>, StoreError> {
        let rows = sqlx::query(
            "select t.*, c.code, c.name as complex_name, c.district, c.address, c.operator,
                    (select count(*) from unit u where u.unit_type_id = t.unit_type_id and u.status = 'free') as free_units
               from round_unit_type r join unit_type t on t.unit_type_id = r.unit_type_id
               join complex c on c.complex_id = t.complex_id
              where r.round_id = $1 order by c.code, t.name",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<RoundComplex> = Vec::new();
        for row in &rows {
            let unit_type = unit_type_from_row(row)?;
            let free: i64 = row.try_get("free_units")?;
            match out.last_mut() {
                Some(last) if last.complex.complex_id == unit_type.complex_id => {
                    last.free_units += free;
                    last.unit_types.push(unit_type);
                }
                _ => out.push(RoundComplex {
                    complex: complex_of_unit_type_row(row)?,
                    unit_types: vec![unit_type],
                    free_units: free,
                }),
            }
        }
        Ok(out)
    }

    /// Saves (or replaces) a talent's ballot, only while the round accepts ballots
    /// (`NotFound` otherwise: the deadline is checked inside the transaction).
    pub async fn save_application(
        &self,
        round_id: i64,
        talent_id: i64,
        pseudonym: &str,
        ranking: &[String],
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let open: Option<i64> = sqlx::query_scalar(
            "select round_id from housing_round where round_id = $1 and status = 'open' and deadline_at > $2",
        )
        .bind(round_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_none() {
            return Err(StoreError::NotFound);
        }
        let list = ranking.join(",");
        let before: Option<String> = sqlx::query_scalar(
            "select ranking from application where round_id = $1 and talent_id = $2",
        )
        .bind(round_id)
        .bind(talent_id)
        .fetch_optional(&mut *tx)
        .await?;
        let application_id: i64 = if before.is_some() {
            sqlx::query_scalar(
                "update application set ranking = $1, updated_at = $2 where round_id = $3 and talent_id = $4 returning application_id",
            )
            .bind(&list)
            .bind(now)
            .bind(round_id)
            .bind(talent_id)
            .fetch_one(&mut *tx)
            .await?
        } else {
            sqlx::query_scalar(
                "insert into application (round_id, talent_id, pseudonym, ranking, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $5) returning application_id",
            )
            .bind(round_id)
            .bind(talent_id)
            .bind(pseudonym)
            .bind(&list)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        };
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "application.save",
                entity: "application",
                entity_id: application_id.to_string(),
                before: before.map(|b| json!({"ranking": b})),
                after: Some(json!({"round_id": round_id, "ranking": list})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(application_id)
    }

    /// Withdraws a ballot while the round accepts ballots.
    pub async fn withdraw_application(
        &self,
        round_id: i64,
        talent_id: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let deleted = sqlx::query(
            "delete from application where round_id = $1 and talent_id = $2
               and exists (select 1 from housing_round r where r.round_id = $1 and r.status = 'open' and r.deadline_at > $3)",
        )
        .bind(round_id)
        .bind(talent_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "application.withdraw",
                entity: "application",
                entity_id: format!("{round_id}:{talent_id}"),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn application(
        &self,
        round_id: i64,
        talent_id: i64,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let row = sqlx::query("select * from application where round_id = $1 and talent_id = $2")
            .bind(round_id)
            .bind(talent_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(application_from_row).transpose()
    }

    /// A round's ballots in the order they were first cast.
    pub async fn applications(&self, round_id: i64) -> Result<Vec<ApplicationRecord>, StoreError> {
        let rows = sqlx::query(
            "select * from application where round_id = $1 order by created_at, application_id",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(application_from_row).collect()
    }

    /// Stores a round's allocation and makes its offers, once: a round no longer open
    /// (allocated by a concurrent call) is a `Conflict` and nothing is written.
    pub async fn allocate_round(
        &self,
        round_id: i64,
        allocation: &RoundAllocation,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let claimed = sqlx::query(
            "update housing_round set status = 'allocated', allocated_at = $1, allocated_by = $2,
                    instance_json = $3, result_csv = $4, ranking_csv = $5, figures_json = $6
              where round_id = $7 and status = 'open'",
        )
        .bind(now)
        .bind(actor_id(actor))
        .bind(&allocation.instance_json)
        .bind(&allocation.result_csv)
        .bind(&allocation.ranking_csv)
        .bind(&allocation.figures_json)
        .bind(round_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Err(StoreError::Conflict {
                constraint: "housing_round.status".into(),
            });
        }
        for (application_id, complex_id, outcome) in &allocation.outcomes {
            sqlx::query(
                "update application set assigned_complex_id = $1, outcome_json = $2 where application_id = $3 and round_id = $4",
            )
            .bind(complex_id)
            .bind(outcome)
            .bind(application_id)
            .bind(round_id)
            .execute(&mut *tx)
            .await?;
        }
        for (application_id, talent_id, unit_id) in &allocation.offers {
            insert_offer(
                &mut tx,
                round_id,
                *application_id,
                *talent_id,
                *unit_id,
                "allocation",
                allocation.respond_by,
            )
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "round.allocate",
                entity: "housing_round",
                entity_id: round_id.to_string(),
                before: Some(json!({"status": RoundStatus::Open})),
                after: Some(json!({"status": RoundStatus::Allocated, "applicants": allocation.outcomes.len(), "offers": allocation.offers.len()})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Free units of a round's unit types in one complex, by unit type name then number:
    /// the order in which units are handed out.
    pub async fn free_units_in_round(
        &self,
        round_id: i64,
        complex_id: i64,
    ) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "select u.unit_id from unit u join unit_type t on t.unit_type_id = u.unit_type_id
               join round_unit_type r on r.unit_type_id = u.unit_type_id and r.round_id = $1
              where u.complex_id = $2 and u.status = 'free' order by t.name, u.number",
        )
        .bind(round_id)
        .bind(complex_id)
        .fetch_all(self.pool())
        .await?)
    }

    // ------------------------------------------------------------------ offers

    /// Offers a free unit to an applicant of a round from its waiting list. `Conflict` if
    /// the unit is no longer free or the applicant already holds a live offer.
    pub async fn offer_from_waiting_list(
        &self,
        round_id: i64,
        application_id: i64,
        talent_id: i64,
        unit_id: i64,
        respond_by: i64,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let offer_id = insert_offer(
            &mut tx,
            round_id,
            application_id,
            talent_id,
            unit_id,
            "waiting_list",
            respond_by,
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "offer.make",
                entity: "offer",
                entity_id: offer_id.to_string(),
                before: None,
                after: Some(json!({"round_id": round_id, "talent_id": talent_id, "unit_id": unit_id, "source": "waiting_list"})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(offer_id)
    }

    pub async fn offer(&self, offer_id: i64) -> Result<OfferRecord, StoreError> {
        let row = sqlx::query(&format!("{OFFER_VIEW} where o.offer_id = $1"))
            .bind(offer_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        offer_from_row(&row)
    }

    /// A talent's offers, newest first.
    pub async fn offers_of_talent(&self, talent_id: i64) -> Result<Vec<OfferRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "{OFFER_VIEW} where o.talent_id = $1 order by o.offer_id desc"
        ))
        .bind(talent_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(offer_from_row).collect()
    }

    /// A round's offers in the order they were made.
    pub async fn offers_of_round(&self, round_id: i64) -> Result<Vec<OfferRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "{OFFER_VIEW} where o.round_id = $1 order by o.offer_id"
        ))
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(offer_from_row).collect()
    }

    /// Talents of a round who hold a live offer (pending or accepted) or declined or let
    /// lapse an offer in it: not on its waiting list again.
    pub async fn round_offer_holders(&self, round_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("select distinct talent_id from offer where round_id = $1")
                .bind(round_id)
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// Days on which a talent declined an offer or let one lapse, oldest first (Unix ms).
    pub async fn refusals_of(&self, talent_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "select responded_at from offer where talent_id = $1 and status in ('declined', 'expired')
               and responded_at is not null order by responded_at",
        )
        .bind(talent_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Accepts a pending offer before its deadline: the unit is let, a lease begins, and
    /// the talent's housing becomes a talent apartment. `NotFound` if the offer is not the
    /// talent's, not pending, or past its deadline.
    pub async fn accept_offer(
        &self,
        offer_id: i64,
        talent_id: i64,
        lease: &NewLease<'_>,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let unit_id: i64 = sqlx::query_scalar(
            "update offer set status = 'accepted', responded_at = $1
              where offer_id = $2 and talent_id = $3 and status = 'pending' and respond_by >= $1 returning unit_id",
        )
        .bind(now)
        .bind(offer_id)
        .bind(talent_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        sqlx::query("update unit set status = 'let', updated_at = $1 where unit_id = $2")
            .bind(now)
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
        let lease_id: i64 = sqlx::query_scalar(
            "insert into lease (offer_id, talent_id, unit_id, start_date, end_date, rent_fen, status)
             values ($1, $2, $3, $4, $5, $6, 'active') returning lease_id",
        )
        .bind(offer_id)
        .bind(talent_id)
        .bind(unit_id)
        .bind(lease.start_date)
        .bind(lease.end_date)
        .bind(lease.rent_fen)
        .fetch_one(&mut *tx)
        .await?;
        for from in ["none", "rent"] {
            set_talent_housing(&mut tx, talent_id, from, "talent_apartment", actor).await?;
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "offer.accept",
                entity: "offer",
                entity_id: offer_id.to_string(),
                before: Some(json!({"status": OfferStatus::Pending})),
                after: Some(json!({"status": OfferStatus::Accepted, "lease_id": lease_id, "start": lease.start_date, "end": lease.end_date, "rent_fen": lease.rent_fen})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(lease_id)
    }

    /// Declines a pending offer (the talent's own): the unit is free again.
    pub async fn decline_offer(
        &self,
        offer_id: i64,
        talent_id: i64,
        actor: &Actor,
    ) -> Result<ClosedOffer, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let closed = close_offer(&mut tx, offer_id, Some(talent_id), OfferStatus::Declined).await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "offer.decline",
                entity: "offer",
                entity_id: offer_id.to_string(),
                before: Some(json!({"status": OfferStatus::Pending})),
                after: Some(json!({"status": OfferStatus::Declined})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(closed)
    }

    /// Lets pending offers past their deadline lapse, each in its own transaction (an
    /// offer answered meanwhile is skipped). Safe to run again at any time.
    pub async fn expire_offers(&self, now: i64) -> Result<Vec<ClosedOffer>, StoreError> {
        let due: Vec<i64> = sqlx::query_scalar(
            "select offer_id from offer where status = 'pending' and respond_by < $1 order by offer_id",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        let mut closed = Vec::new();
        for offer_id in due {
            let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
            match close_offer(&mut tx, offer_id, None, OfferStatus::Expired).await {
                Ok(offer) => {
                    audit::append(
                        &mut tx,
                        &Actor::System,
                        Change {
                            action: "offer.expire",
                            entity: "offer",
                            entity_id: offer_id.to_string(),
                            before: Some(json!({"status": OfferStatus::Pending})),
                            after: Some(json!({"status": OfferStatus::Expired})),
                        },
                    )
                    .await?;
                    tx.commit().await?;
                    closed.push(offer);
                }
                Err(StoreError::NotFound) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(closed)
    }

    // ------------------------------------------------------------------ leases

    pub async fn lease(&self, lease_id: i64) -> Result<LeaseRecord, StoreError> {
        let row = sqlx::query(&format!("{LEASE_VIEW} where l.lease_id = $1"))
            .bind(lease_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        lease_from_row(&row)
    }

    /// A talent's leases, newest first.
    pub async fn leases_of_talent(&self, talent_id: i64) -> Result<Vec<LeaseRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "{LEASE_VIEW} where l.talent_id = $1 order by l.lease_id desc"
        ))
        .bind(talent_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(lease_from_row).collect()
    }

    /// Leases in force (active or under notice), by complex and unit.
    pub async fn live_leases(&self) -> Result<Vec<LeaseRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "{LEASE_VIEW} where l.status in ('active', 'ending') order by c.code, u.number"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(lease_from_row).collect()
    }

    /// Gives notice on a lease in force: it ends on `ends_on` for `reason`. A lease
    /// already under notice keeps the earlier date.
    pub async fn give_lease_notice(
        &self,
        lease_id: i64,
        reason: &str,
        ends_on: &str,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let changed = sqlx::query(
            "update lease set status = 'ending', end_reason = $1, ends_on = $2, noticed_at = $3
              where lease_id = $4 and (status = 'active' or (status = 'ending' and ends_on > $2))",
        )
        .bind(reason)
        .bind(ends_on)
        .bind(now_ms())
        .bind(lease_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let talent_id: i64 = sqlx::query_scalar("select talent_id from lease where lease_id = $1")
            .bind(lease_id)
            .fetch_one(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "lease.notice",
                entity: "lease",
                entity_id: lease_id.to_string(),
                before: None,
                after: Some(json!({"reason": reason, "ends_on": ends_on})),
            },
        )
        .await?;
        crate::policy::notify(
            &mut tx,
            talent_id,
            "lease-notice",
            lease_id,
            json!({"reason": reason, "ends_on": ends_on}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Ends a lease whose notice ran out (`ends_on` before `today`): the unit is free and
    /// a talent still recorded in a talent apartment is recorded without housing.
    pub async fn end_lease(
        &self,
        lease_id: i64,
        today: &str,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let row = sqlx::query(
            "update lease set status = 'ended', ended_at = $1
              where lease_id = $2 and status = 'ending' and ends_on < $3 returning talent_id, unit_id",
        )
        .bind(now_ms())
        .bind(lease_id)
        .bind(today)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(false) };
        let talent_id: i64 = row.try_get("talent_id")?;
        let unit_id: i64 = row.try_get("unit_id")?;
        sqlx::query("update unit set status = 'free', updated_at = $1 where unit_id = $2")
            .bind(now_ms())
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
        set_talent_housing(&mut tx, talent_id, "talent_apartment", "none", actor).await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "lease.end",
                entity: "lease",
                entity_id: lease_id.to_string(),
                before: Some(json!({"status": LeaseStatus::Ending})),
                after: Some(json!({"status": LeaseStatus::Ended})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

async fn insert_complex(tx: &mut Tx, complex: &NewComplex) -> Result<i64, StoreError> {
    let now = now_ms();
    Ok(sqlx::query_scalar(
        "insert into complex (code, name, district, address, operator, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6) returning complex_id",
    )
    .bind(&complex.code)
    .bind(&complex.name)
    .bind(&complex.district)
    .bind(&complex.address)
    .bind(&complex.operator)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
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

/// Closes a pending offer as `declined` or `expired` and frees its unit.
async fn close_offer(
    tx: &mut Tx,
    offer_id: i64,
    talent_id: Option<i64>,
    status: OfferStatus,
) -> Result<ClosedOffer, StoreError> {
    let now = now_ms();
    let row = sqlx::query(
        "update offer set status = $1, responded_at = $2
          where offer_id = $3 and status = 'pending' and ($4 = 0 or talent_id = $4)
          returning offer_id, round_id, talent_id, unit_id",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(offer_id)
    .bind(talent_id.unwrap_or(0))
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let unit_id: i64 = row.try_get("unit_id")?;
    sqlx::query("update unit set status = 'free', updated_at = $1 where unit_id = $2")
        .bind(now)
        .bind(unit_id)
        .execute(&mut **tx)
        .await?;
    let complex_id: i64 = sqlx::query_scalar("select complex_id from unit where unit_id = $1")
        .bind(unit_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(ClosedOffer {
        offer_id: row.try_get("offer_id")?,
        round_id: row.try_get("round_id")?,
        talent_id: row.try_get("talent_id")?,
        unit_id,
        complex_id,
    })
}

impl Store {
    /// A talent's pseudonym in a round: `a` + 12 hex characters of a keyed hash of
    /// round and talent. Without the site's key nobody can link it to the talent, nor
    /// the same talent across rounds; the platform recomputes it to show the talent
    /// their own row of the published files.
    pub fn round_pseudonym(&self, round_id: i64, talent_id: i64) -> String {
        let index = self
            .cipher()
            .blind_index("housing.pseudonym", &format!("{round_id}:{talent_id}"));
        format!("a{}", &index[..12])
    }
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

impl Store {
    /// The facts about a round's applicants that eligibility reads, as of `day`
    /// (`YYYY-MM-DD`).
    pub async fn round_applicant_facts(
        &self,
        round_id: i64,
        day: &str,
    ) -> Result<RoundApplicantFacts, StoreError> {
        let mut facts = RoundApplicantFacts::default();
        let rows = sqlx::query(
            "select t.* from talent t join application a on a.talent_id = t.talent_id where a.round_id = $1",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        for row in &rows {
            let talent = self.talent_from_row(row)?;
            facts.talents.insert(talent.talent_id, talent);
        }
        for row in sqlx::query(
            "select c.talent_id, c.tier from card c join application a on a.talent_id = c.talent_id
              where a.round_id = $1 and c.status = 'active' and c.valid_from <= $2 and c.valid_until >= $2",
        )
        .bind(round_id)
        .bind(day)
        .fetch_all(self.pool())
        .await?
        {
            facts
                .card_tiers
                .insert(row.try_get("talent_id")?, row.try_get("tier")?);
        }
        facts.housed = sqlx::query_scalar(
            "select l.talent_id from lease l join application a on a.talent_id = l.talent_id
              where a.round_id = $1 and l.status in ('active', 'ending')",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .collect();
        facts.refusals = self.round_refusals(round_id).await?;
        Ok(facts)
    }

    /// When each of a round's applicants declined an offer or let one lapse, in any
    /// round (Unix ms, oldest first).
    pub async fn round_refusals(
        &self,
        round_id: i64,
    ) -> Result<std::collections::HashMap<i64, Vec<i64>>, StoreError> {
        let mut refusals: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for row in sqlx::query(
            "select o.talent_id, o.responded_at from offer o join application a on a.talent_id = o.talent_id
              where a.round_id = $1 and o.status in ('declined', 'expired') and o.responded_at is not null
              order by o.responded_at",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?
        {
            refusals
                .entry(row.try_get("talent_id")?)
                .or_default()
                .push(row.try_get("responded_at")?);
        }
        Ok(refusals)
    }
}
