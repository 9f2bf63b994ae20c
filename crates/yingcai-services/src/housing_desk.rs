//! What officers and talents do with talent apartments, one function per operation, shared
//! by the pages and the JSON API: the inventory (complexes, unit types, units, its import),
//! rounds (open, run), ballots, leases' notice, and what each of them reads.
//!
//! The allocation itself and the offers' life are in [`crate::housing`]; this module holds
//! the checks of what a person submits, so a page and its API twin refuse the same input
//! with the same fields and codes.

use yingcai_domain::status::{LeaseStatus, OfferStatus, RoundStatus, UnitStatus};
use yingcai_domain::{Date, FieldError, FieldErrors};
use yingcai_store::{
    Actor, ApplicationRecord, InventoryConflict, InventoryImportSummary, LeaseRecord, NewComplex,
    NewRound, NewUnit, NewUnitType, OfferRecord, RoundComplex, RoundRecord, Store, StoreError,
    TalentRecord, now_ms,
};
use yingcai_worktime::WorkCalendar;

use crate::housing::{Eligibility, RoundFigures, RunError, RunSummary, WaitingList};

/// `result`'s value, or its error code recorded against `field`.
fn checked<T>(
    errors: &mut FieldErrors,
    field: &'static str,
    result: Result<T, &'static str>,
) -> Option<T> {
    result
        .map_err(|code| errors.push(FieldError::new(field, code)))
        .ok()
}

// ------------------------------------------------------------------ inventory

/// A complex as an officer types it.
#[derive(Debug, Clone, Default)]
pub struct ComplexInput {
    pub code: String,
    pub name: String,
    pub district: String,
    pub address: String,
    pub operator: String,
}

/// Checks a new complex as an imported row is checked; codes name the field.
pub fn check_complex(
    input: &ComplexInput,
    districts: &[String],
) -> Result<NewComplex, FieldErrors> {
    use yingcai_import::inventory_fields as check;
    let mut errors = FieldErrors::new();
    let code = checked(&mut errors, "code", check::complex_code(&input.code)).unwrap_or_default();
    let name = checked(
        &mut errors,
        "name",
        check::text("complex_name")(&input.name),
    )
    .unwrap_or_default();
    let address = checked(
        &mut errors,
        "address",
        check::text("address")(&input.address),
    )
    .unwrap_or_default();
    let operator = checked(
        &mut errors,
        "operator",
        check::text("operator")(&input.operator),
    )
    .unwrap_or_default();
    let district = input.district.trim();
    if !districts.iter().any(|d| d == district) {
        errors.push(FieldError::new("district", "district-invalid"));
    }
    errors.into_result()?;
    Ok(NewComplex {
        row: 0,
        code,
        name,
        district: district.to_owned(),
        address,
        operator,
    })
}

yingcai_store::refusal! {
    /// Why a complex was not registered.
    pub enum ComplexError {
        /// Another complex has the code.
        CodeTaken => ("code", "complex-code-taken", "a complex with this code exists already"),
    }
}

/// Registers a checked complex; its id.
pub async fn create_complex(
    store: &Store,
    complex: &NewComplex,
    actor: &Actor,
) -> Result<i64, ComplexError> {
    match store.create_complex(complex, actor).await {
        Ok(id) => Ok(id),
        Err(StoreError::Conflict { .. }) => Err(ComplexError::CodeTaken),
        Err(other) => Err(other.into()),
    }
}

/// A unit type and its units as an officer types them: area in m² (`30.5`), rent in yuan,
/// unit numbers as a list or a range (`101-120`).
#[derive(Debug, Clone, Default)]
pub struct UnitTypeInput {
    pub unit_type: String,
    pub area_m2: String,
    pub bedrooms: String,
    pub rent_yuan: String,
    pub unit_numbers: String,
}

/// Unit numbers as typed: `101-120` (a range, keeping any leading zeros' width), or a
/// list separated by commas, spaces or new lines, or both mixed.
pub fn unit_numbers(raw: &str) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split(|c: char| c == ',' || c == '，' || c.is_whitespace()) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        match part.split_once('-') {
            Some((a, b))
                if !a.is_empty()
                    && a.bytes().all(|c| c.is_ascii_digit())
                    && b.bytes().all(|c| c.is_ascii_digit())
                    && !b.is_empty() =>
            {
                let (from, to): (u32, u32) = (
                    a.parse().map_err(|_| "unit-numbers-invalid")?,
                    b.parse().map_err(|_| "unit-numbers-invalid")?,
                );
                if to < from || to - from >= 2_000 {
                    return Err("unit-numbers-invalid");
                }
                out.extend((from..=to).map(|n| format!("{n:0width$}", width = a.len())));
            }
            _ => {
                out.push(
                    yingcai_import::inventory_fields::unit_number(part)
                        .map_err(|_| "unit-numbers-invalid")?,
                );
            }
        }
    }
    if out.is_empty() {
        return Err("required");
    }
    let mut seen = std::collections::HashSet::new();
    if !out.iter().all(|n| seen.insert(n.clone())) {
        return Err("unit-numbers-duplicate");
    }
    Ok(out)
}

/// Checks a unit type as an imported row is checked; codes name the form's fields.
pub fn check_unit_type(input: &UnitTypeInput) -> Result<NewUnitType, FieldErrors> {
    use yingcai_import::inventory_fields as check;
    let mut errors = FieldErrors::new();
    let name = checked(
        &mut errors,
        "unit_type",
        check::text("unit_type")(&input.unit_type),
    )
    .unwrap_or_default();
    let area = checked(&mut errors, "area_m2", check::area_centi_m2(&input.area_m2));
    let bedrooms = checked(
        &mut errors,
        "bedrooms",
        check::bedroom_count(&input.bedrooms),
    )
    .map(i64::from);
    let rent = checked(&mut errors, "rent_yuan", check::rent_fen(&input.rent_yuan));
    let numbers = checked(
        &mut errors,
        "unit_numbers",
        unit_numbers(&input.unit_numbers),
    );
    let (Some(area), Some(bedrooms), Some(rent), Some(numbers), true) =
        (area, bedrooms, rent, numbers, errors.is_empty())
    else {
        return Err(errors);
    };
    Ok(NewUnitType {
        row: 0,
        name,
        area_centi_m2: area,
        bedrooms,
        rent_fen: rent,
        units: numbers
            .into_iter()
            .map(|number| NewUnit {
                row: 0,
                number,
                maintenance: false,
            })
            .collect(),
    })
}

/// Adds a checked unit type and its units to a complex. `Ok(Err(errors))`: it clashes
/// with what is registered (a unit number taken, the type registered otherwise), each
/// problem on the form's field.
pub async fn add_unit_type(
    store: &Store,
    complex_id: i64,
    unit_type: &NewUnitType,
    actor: &Actor,
) -> Result<Result<(), FieldErrors>, StoreError> {
    // A complex that does not exist is not a clash.
    store.complex(complex_id).await?;
    match store.add_unit_type(complex_id, unit_type, actor).await {
        Ok(_) => Ok(Ok(())),
        Err(InventoryConflict::Store(error)) => Err(error),
        Err(InventoryConflict::Clash { problems }) => {
            let mut errors = FieldErrors::new();
            for (_, column, code) in problems {
                let field = if column == "unit_number" {
                    "unit_numbers"
                } else {
                    "unit_type"
                };
                if errors.for_field(field).is_none() {
                    errors.push(FieldError::new(field, code));
                }
            }
            Ok(Err(errors))
        }
    }
}

/// What an officer may set a unit to by hand.
pub fn maintenance_of(status: &str) -> Result<bool, FieldError> {
    match status.parse() {
        Ok(UnitStatus::Maintenance) => Ok(true),
        Ok(UnitStatus::Free) => Ok(false),
        _ => Err(FieldError::new("status", "status-invalid")),
    }
}

yingcai_store::refusal! {
    /// Why a unit's status was not changed by hand.
    pub enum UnitStatusError {
        /// The unit is on offer or let: the lettings change it.
        Busy => ("status", "unit-busy", "the unit is on offer or let"),
    }
}

/// Takes a free unit out of service (`maintenance`) or puts one back; `NotFound` when no
/// such unit exists.
pub async fn set_unit_maintenance(
    store: &Store,
    unit_id: i64,
    maintenance: bool,
    actor: &Actor,
) -> Result<(), UnitStatusError> {
    match store
        .set_unit_maintenance(unit_id, maintenance, actor)
        .await
    {
        Ok(()) => Ok(()),
        // The store finds no free (or maintained) unit: busy if the unit exists at all.
        Err(StoreError::NotFound) => {
            if store.unit_exists(unit_id).await? {
                Err(UnitStatusError::Busy)
            } else {
                Err(StoreError::NotFound.into())
            }
        }
        Err(other) => Err(other.into()),
    }
}

/// What importing an inventory file did.
#[derive(Debug)]
pub enum InventoryImport {
    /// Everything was registered.
    Imported(InventoryImportSummary),
    /// Nothing was: the rows' problems.
    Refused(Vec<yingcai_import::RowError>),
}

/// Reads an inventory file (CSV or XLSX) and registers it whole, or nothing of it.
pub async fn import_inventory(
    store: &Store,
    bytes: Vec<u8>,
    file_name: &str,
    districts: Vec<String>,
    actor: &Actor,
) -> Result<InventoryImport, crate::Error> {
    let options = yingcai_import::InventoryOptions::new(districts);
    let parsed =
        tokio::task::spawn_blocking(move || yingcai_import::parse_inventory(&bytes, &options))
            .await
            .map_err(anyhow::Error::from)?;
    let inventory = match parsed {
        Ok(inventory) => inventory,
        Err(refused) => return Ok(InventoryImport::Refused(refused.errors().to_vec())),
    };
    let complexes: Vec<(NewComplex, Vec<NewUnitType>)> = inventory
        .complexes
        .into_iter()
        .map(|c| {
            (
                NewComplex {
                    row: c.row,
                    code: c.code,
                    name: c.name,
                    district: c.district,
                    address: c.address,
                    operator: c.operator,
                },
                c.unit_types
                    .into_iter()
                    .map(|t| NewUnitType {
                        row: t.row,
                        name: t.name,
                        area_centi_m2: t.area_centi_m2,
                        bedrooms: i64::from(t.bedrooms),
                        rent_fen: t.rent_fen,
                        units: t
                            .units
                            .into_iter()
                            .map(|u| NewUnit {
                                row: u.row,
                                number: u.number,
                                maintenance: u.maintenance,
                            })
                            .collect(),
                    })
                    .collect(),
            )
        })
        .collect();
    match store.import_inventory(&complexes, file_name, actor).await {
        Ok(summary) => Ok(InventoryImport::Imported(summary)),
        Err(InventoryConflict::Store(error)) => Err(error.into()),
        Err(InventoryConflict::Clash { problems }) => Ok(InventoryImport::Refused(
            problems
                .into_iter()
                .map(|(row, column, code)| yingcai_import::RowError {
                    row,
                    column: column.to_owned(),
                    code,
                    value: String::new(),
                })
                .collect(),
        )),
    }
}

// ------------------------------------------------------------------ rounds

/// A round as an officer opens it.
#[derive(Debug, Clone, Default)]
pub struct RoundInput {
    pub name: String,
    /// Unix ms; `None` when what was typed is not a date and time.
    pub deadline_at: Option<i64>,
    pub unit_types: Vec<i64>,
    /// Requirements the platform knows ([`crate::housing::REQUIREMENTS`]); others are
    /// refused on `requirement`.
    pub requirements: Vec<String>,
    pub priority_rules: String,
    pub offer_rules: String,
    pub lease_rules: String,
}

/// Opens a round after checking every field; its id. The lottery seed is drawn here and
/// stored (and published) at once: nobody can choose it after seeing the ballots.
pub async fn open_round(
    store: &Store,
    input: &RoundInput,
    actor: &Actor,
) -> Result<i64, crate::Error> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("name", "required"));
    }
    match input.deadline_at {
        Some(at) if at > now_ms() => {}
        Some(_) => errors.push(FieldError::new("deadline", "deadline-past")),
        None => errors.push(FieldError::new("deadline", "date-invalid")),
    }
    let known: Vec<i64> = store
        .all_unit_types()
        .await?
        .iter()
        .map(|(_, t)| t.unit_type_id)
        .collect();
    if input.unit_types.is_empty() || !input.unit_types.iter().all(|t| known.contains(t)) {
        errors.push(FieldError::new("unit_type", "unit-types-required"));
    }
    if !input
        .requirements
        .iter()
        .all(|r| crate::housing::REQUIREMENTS.contains(&r.as_str()))
    {
        errors.push(FieldError::new("requirement", "requirement-invalid"));
    }
    let priority = yingcai_housing::PriorityRules::from_toml(&input.priority_rules);
    if priority.is_err() {
        errors.push(FieldError::new("priority_rules", "rules-invalid"));
    }
    let offer = yingcai_housing::OfferRules::from_toml(&input.offer_rules);
    if offer.is_err() {
        errors.push(FieldError::new("offer_rules", "rules-invalid"));
    }
    let lease = yingcai_housing::LeaseRules::from_toml(&input.lease_rules);
    if lease.is_err() {
        errors.push(FieldError::new("lease_rules", "rules-invalid"));
    }
    let (Some(deadline_at), Ok(priority), Ok(offer), Ok(lease), true) =
        (input.deadline_at, priority, offer, lease, errors.is_empty())
    else {
        return Err(errors.into());
    };
    let seed = crate::housing::draw_seed();
    Ok(store
        .open_round(
            &NewRound {
                name,
                deadline_at,
                seed: &seed,
                requirements: &input.requirements,
                priority_rules: &priority.to_toml(),
                offer_rules: &offer.to_toml(),
                lease_rules: &lease.to_toml(),
                unit_types: &input.unit_types,
            },
            actor,
        )
        .await?)
}

/// What the rule sets of a round say when they cannot be read, for the form.
pub fn rules_problems(priority: &str, offer: &str, lease: &str) -> Vec<String> {
    [
        yingcai_housing::PriorityRules::from_toml(priority).err(),
        yingcai_housing::OfferRules::from_toml(offer).err(),
        yingcai_housing::LeaseRules::from_toml(lease).err(),
    ]
    .into_iter()
    .flatten()
    .map(|e| e.to_string())
    .collect()
}

/// Runs round `round_id` once its deadline has passed (see [`crate::housing::run_round`]).
pub async fn run_after_deadline(
    store: &Store,
    round_id: i64,
    calendar: &WorkCalendar,
    actor: &Actor,
) -> Result<RunSummary, RunError> {
    let round = store.round(round_id).await.map_err(|e| match e {
        StoreError::NotFound => RunError::NotFound,
        other => other.into(),
    })?;
    if round.status != RoundStatus::Open {
        return Err(RunError::AlreadyRun);
    }
    if now_ms() < round.deadline_at {
        return Err(RunError::BeforeDeadline);
    }
    crate::housing::run_round(store, &round, calendar, actor).await
}

/// An offer of a round with its talent's name.
#[derive(Debug, Clone)]
pub struct RoundOffer {
    pub offer: OfferRecord,
    pub talent_name: String,
}

/// A complex's waiting list with the names of the first `WAITING_SHOWN`.
#[derive(Debug, Clone)]
pub struct WaitingNames {
    pub list: WaitingList,
    pub names: Vec<String>,
}

/// Names shown of each waiting list.
pub const WAITING_SHOWN: usize = 20;

/// A round as officers follow it.
#[derive(Debug, Clone)]
pub struct RoundDetail {
    pub round: RoundRecord,
    pub figures: RoundFigures,
    pub offers: Vec<RoundOffer>,
    /// After allocation: each complex's waiting list.
    pub waiting: Vec<WaitingNames>,
}

/// Round `round_id` with its figures, offers and (once allocated) waiting lists.
pub async fn round_detail(store: &Store, round_id: i64) -> Result<RoundDetail, crate::Error> {
    let round = store.round(round_id).await?;
    let figures = crate::housing::round_figures(store, &round).await?;
    let mut offers = Vec::new();
    for offer in store.offers_of_round(round_id).await? {
        let talent_name = store.talent(offer.talent_id).await?.profile.name;
        offers.push(RoundOffer { offer, talent_name });
    }
    let mut waiting = Vec::new();
    if round.status == RoundStatus::Allocated {
        for list in crate::housing::waiting_lists(store, &round).await? {
            let mut names = Vec::new();
            for talent_id in list.talents.iter().take(WAITING_SHOWN) {
                names.push(store.talent(*talent_id).await?.profile.name);
            }
            waiting.push(WaitingNames { list, names });
        }
    }
    Ok(RoundDetail {
        round,
        figures,
        offers,
        waiting,
    })
}

// ------------------------------------------------------------------ ballots

yingcai_store::refusal! {
    /// Why a ballot was not saved (or withdrawn).
    pub enum BallotError {
        /// No verified record, or the round's conditions are not met.
        NotEligible => ("ranking", "not-eligible", "the talent does not meet the round's conditions"),
        /// The round's deadline has passed.
        RoundClosed => ("ranking", "round-closed", "the round no longer accepts ballots"),
        /// A complex that is not in the round.
        ComplexUnknown => ("ranking", "complex-unknown", "a complex of another round"),
        /// A complex ranked twice.
        RankedTwice => ("ranking", "complex-ranked-twice", "a complex ranked twice"),
        /// Nothing ranked.
        RankingEmpty => ("ranking", "ranking-empty", "no complex ranked"),
    }
}

/// Saves `talent`'s ballot in round `round_id`: the complexes' codes in order of
/// preference, blanks skipped (at most [`yingcai_housing::MAX_RANKED`] are read).
pub async fn save_ballot(
    store: &Store,
    round_id: i64,
    talent: Option<&TalentRecord>,
    choices: &[&str],
    today: jiff::civil::Date,
    actor: &Actor,
) -> Result<(), BallotError> {
    let Some(talent) = talent else {
        return Err(BallotError::NotEligible);
    };
    let round = store.round(round_id).await?;
    if !round.accepts_ballots(now_ms()) {
        return Err(BallotError::RoundClosed);
    }
    let eligibility = crate::housing::eligibility(store, &round, talent, today).await?;
    if !eligibility.eligible() {
        return Err(BallotError::NotEligible);
    }
    let codes: Vec<String> = store
        .round_complexes(round_id)
        .await?
        .into_iter()
        .map(|c| c.complex.code)
        .collect();
    let mut ranking: Vec<String> = Vec::new();
    for code in choices.iter().map(|c| c.trim()) {
        if code.is_empty() {
            continue;
        }
        if !codes.iter().any(|c| c == code) {
            return Err(BallotError::ComplexUnknown);
        }
        if ranking.iter().any(|c| c == code) {
            return Err(BallotError::RankedTwice);
        }
        ranking.push(code.to_owned());
    }
    if ranking.is_empty() {
        return Err(BallotError::RankingEmpty);
    }
    let pseudonym = store.round_pseudonym(round_id, talent.talent_id);
    match store
        .save_application(round_id, talent.talent_id, &pseudonym, &ranking, actor)
        .await
    {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => Err(BallotError::RoundClosed),
        Err(other) => Err(other.into()),
    }
}

/// Withdraws `talent`'s ballot from round `round_id` before its deadline.
pub async fn withdraw_ballot(
    store: &Store,
    round_id: i64,
    talent: Option<&TalentRecord>,
    actor: &Actor,
) -> Result<(), BallotError> {
    let Some(talent) = talent else {
        return Err(BallotError::NotEligible);
    };
    match store
        .withdraw_application(round_id, talent.talent_id, actor)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(BallotError::RoundClosed),
        Err(other) => Err(other.into()),
    }
}

/// A round that accepts ballots, as a talent sees it.
#[derive(Debug, Clone)]
pub struct OpenRound {
    pub round: RoundRecord,
    pub eligibility: Eligibility,
    pub complexes: Vec<RoundComplex>,
    pub application: Option<ApplicationRecord>,
}

/// A round the talent applied in that no longer accepts ballots.
#[derive(Debug, Clone)]
pub struct ClosedRound {
    pub round: RoundRecord,
    pub application: ApplicationRecord,
    /// Its complexes' names by code.
    pub names: std::collections::HashMap<String, String>,
}

/// Everything a talent has to do with apartments.
#[derive(Debug, Clone)]
pub struct TalentHousing {
    pub open: Vec<OpenRound>,
    pub results: Vec<ClosedRound>,
    /// Newest first.
    pub offers: Vec<OfferRecord>,
    pub leases: Vec<LeaseRecord>,
}

impl TalentHousing {
    /// Whether the offer can still be answered at `now`.
    pub fn answerable(offer: &OfferRecord, now: i64) -> bool {
        offer.status == OfferStatus::Pending && offer.respond_by >= now
    }

    /// Whether the lease is in force.
    pub fn in_force(lease: &LeaseRecord) -> bool {
        lease.status == LeaseStatus::Active
    }
}

/// `talent`'s open rounds (with eligibility), results, offers and leases.
pub async fn talent_housing(
    store: &Store,
    talent: &TalentRecord,
    today: jiff::civil::Date,
) -> Result<TalentHousing, crate::Error> {
    let now = now_ms();
    let mut open = Vec::new();
    let mut results = Vec::new();
    for round in store.rounds().await? {
        let application = store.application(round.round_id, talent.talent_id).await?;
        if round.accepts_ballots(now) {
            let eligibility = crate::housing::eligibility(store, &round, talent, today).await?;
            let complexes = store.round_complexes(round.round_id).await?;
            open.push(OpenRound {
                round,
                eligibility,
                complexes,
                application,
            });
        } else if let Some(application) = application {
            let names = store
                .round_complexes(round.round_id)
                .await?
                .into_iter()
                .map(|c| (c.complex.code, c.complex.name))
                .collect();
            results.push(ClosedRound {
                round,
                application,
                names,
            });
        }
    }
    Ok(TalentHousing {
        open,
        results,
        offers: store.offers_of_talent(talent.talent_id).await?,
        leases: store.leases_of_talent(talent.talent_id).await?,
    })
}

// ------------------------------------------------------------------ leases

/// Gives notice on a lease (an officer: e.g. a breach the platform cannot see), ending on
/// `ends_on`, today or later; `None` when what was typed is not a date.
pub async fn give_notice(
    store: &Store,
    lease_id: i64,
    ends_on: Option<Date>,
    today: jiff::civil::Date,
    actor: &Actor,
) -> Result<(), crate::Error> {
    let Some(ends_on) = ends_on.filter(|d| d.jiff() >= today) else {
        return Err(crate::Error::field("ends_on", "date-invalid"));
    };
    store.lease(lease_id).await?;
    store
        .give_lease_notice(lease_id, "officer", &ends_on.to_string(), actor)
        .await?;
    Ok(())
}
