//! Talent apartments for officers: the inventory (complexes, unit types, units, import),
//! application rounds (open, run, publish), occupancy and waiting lists.

use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use yingcai_domain::{FieldError, FieldErrors, Role, RoundStatus, UnitStatus};
use yingcai_store::{
    ComplexRecord, InventoryConflict, NewComplex, NewRound, NewUnit, NewUnitType, RoundRecord,
    StoreError,
};

use super::errors_value;
use super::forms::{ComplexForm, LeaseNoticeForm, OpenRoundForm, UnitStatusForm, UnitTypeForm};
use super::labels::{LEASE_REASONS, OFFER_SOURCES};
use crate::context::CsrfForm;
use crate::context::Id;
use crate::render::page_with_status;
use crate::{AppError, AppState, Ctx};

const UNIT_NUMBERS: &str = "unit_numbers";
const ROUND: &str = "round";

fn complex_value(c: &ComplexRecord) -> Value {
    context! {
        complex_id => c.complex_id,
        code => c.code,
        name => c.name,
        district => c.district,
        address => c.address,
        operator => c.operator,
    }
}

/// `/officer/housing`: the inventory.
pub(crate) async fn inventory(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    render_inventory(&state, &ctx, StatusCode::OK, context! {}).await
}

async fn render_inventory(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    extra: Value,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let complexes = state.store().complexes().await?;
    let rows: Vec<Value> = complexes
        .iter()
        .map(|c| {
            context! {
                complex => complex_value(&c.complex),
                unit_types => c.unit_types,
                free => c.free,
                offered => c.offered,
                let_ => c.let_,
                maintenance => c.maintenance,
            }
        })
        .collect();
    page_with_status(
        state,
        ctx,
        status,
        "officer_housing.html",
        context! { complexes => rows, districts => state.settings().districts, ..extra },
    )
}

/// `result`'s value, or its error code recorded against the form's `field`.
fn checked<T>(
    errors: &mut FieldErrors,
    field: &'static str,
    result: Result<T, &'static str>,
) -> Option<T> {
    result
        .map_err(|code| errors.push(FieldError::new(field, code)))
        .ok()
}

/// Checks the new-complex form; codes name the field.
pub(crate) fn check_complex(
    code: &str,
    name: &str,
    district: &str,
    address: &str,
    operator: &str,
    districts: &[String],
) -> Result<NewComplex, FieldErrors> {
    use yingcai_import::inventory_fields as check;
    let mut errors = FieldErrors::new();
    // The same checks an imported row goes through.
    let code = checked(&mut errors, "code", check::complex_code(code)).unwrap_or_default();
    let name = checked(&mut errors, "name", check::text("complex_name")(name)).unwrap_or_default();
    let address =
        checked(&mut errors, "address", check::text("address")(address)).unwrap_or_default();
    let operator =
        checked(&mut errors, "operator", check::text("operator")(operator)).unwrap_or_default();
    let district = district.trim();
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

pub(crate) async fn create_complex(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ComplexForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let values = context! { form => &form };
    let complex = match check_complex(
        &form.code,
        &form.name,
        &form.district,
        &form.address,
        &form.operator,
        &state.settings().districts,
    ) {
        Ok(c) => c,
        Err(errors) => {
            return render_inventory(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                context! { errors => errors_value(&errors), ..values },
            )
            .await;
        }
    };
    match state.store().create_complex(&complex, &ctx.actor()).await {
        Ok(id) => Ok(Redirect::to(&format!("/officer/housing/complexes/{id}")).into_response()),
        Err(StoreError::Conflict { .. }) => {
            render_inventory(
                &state,
                &ctx,
                StatusCode::CONFLICT,
                context! { errors => errors_value(&FieldError::new("code", "complex-code-taken").into()), ..values },
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// The round of a two-part path (`/housing/rounds/{id}/{file}`); single ids come through
/// [`crate::context::Id`].
fn id_of(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

pub(crate) async fn complex(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    render_complex(&state, &ctx, id, StatusCode::OK, context! {}).await
}

async fn render_complex(
    state: &AppState,
    ctx: &Ctx,
    complex_id: i64,
    status: StatusCode,
    extra: Value,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let complex = state.store().complex(complex_id).await?;
    let types = state.store().unit_types_of(complex_id).await?;
    let units = state.store().units_of(complex_id).await?;
    let type_name = |id: i64| {
        types
            .iter()
            .find(|t| t.unit_type_id == id)
            .map_or("", |t| t.name.as_str())
    };
    page_with_status(
        state,
        ctx,
        status,
        "officer_complex.html",
        context! {
            complex => complex_value(&complex),
            unit_types => types.iter().map(|t| context! {
                name => t.name,
                area => format!("{}.{:02}", t.area_centi_m2 / 100, t.area_centi_m2 % 100),
                bedrooms => t.bedrooms,
                rent_fen => t.rent_fen,
                count => units.iter().filter(|u| u.unit_type_id == t.unit_type_id).count(),
            }).collect::<Vec<_>>(),
            units => units.iter().map(|u| context! {
                unit_id => u.unit_id, number => u.number, unit_type => type_name(u.unit_type_id),
                status_label => u.status.label_id(),
                change => unit_change(u.status),
            }).collect::<Vec<_>>(),
            ..extra
        },
    )
}

/// What an officer may set a unit in `status` to by hand, with the button's label: a free
/// unit goes to maintenance and back; an offered or let unit is the lettings' to change.
fn unit_change(status: UnitStatus) -> Option<Value> {
    let (to, label) = match status {
        UnitStatus::Free => (UnitStatus::Maintenance, "unit-to-maintenance"),
        UnitStatus::Maintenance => (UnitStatus::Free, "unit-to-free"),
        UnitStatus::Offered | UnitStatus::Let => return None,
    };
    Some(context! { to => to, label => label })
}

/// Unit numbers as typed: `101-120` (a range, keeping any leading zeros' width), or a
/// list separated by commas, spaces or new lines, or both mixed.
pub(crate) fn unit_numbers(raw: &str) -> Result<Vec<String>, &'static str> {
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

pub(crate) async fn add_unit_type(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<UnitTypeForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let complex_id = id;
    use yingcai_import::inventory_fields as check;
    let mut errors = FieldErrors::new();
    // The same checks an imported row goes through.
    let name = checked(
        &mut errors,
        "unit_type",
        check::text("unit_type")(&form.unit_type),
    )
    .unwrap_or_default();
    let area = checked(&mut errors, "area_m2", check::area_centi_m2(&form.area_m2));
    let bedrooms = checked(
        &mut errors,
        "bedrooms",
        check::bedroom_count(&form.bedrooms),
    )
    .map(i64::from);
    let rent = checked(&mut errors, "rent_yuan", check::rent_fen(&form.rent_yuan));
    let numbers = unit_numbers(&form.unit_numbers)
        .map_err(|code| errors.push(FieldError::new(UNIT_NUMBERS, code)))
        .ok();
    let values = context! { form => &form };
    let (Some(area), Some(bedrooms), Some(rent), Some(numbers), true) =
        (area, bedrooms, rent, numbers, errors.is_empty())
    else {
        return render_complex(
            &state,
            &ctx,
            complex_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            context! { errors => errors_value(&errors), ..values },
        )
        .await;
    };
    let unit_type = NewUnitType {
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
    };
    match state
        .store()
        .add_unit_type(complex_id, &unit_type, &ctx.actor())
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/officer/housing/complexes/{complex_id}")).into_response())
        }
        Err(InventoryConflict::Store(error)) => Err(error.into()),
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
            render_complex(
                &state,
                &ctx,
                complex_id,
                StatusCode::CONFLICT,
                context! { errors => errors_value(&errors), ..values },
            )
            .await
        }
    }
}

/// Takes a free unit out of service, or puts one back.
pub(crate) async fn unit_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<UnitStatusForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let unit_id = id;
    let maintenance = form
        .maintenance()
        .map_err(|e| AppError::Invalid(e.into()))?;
    let complex_id = form.complex_id();
    match state
        .store()
        .set_unit_maintenance(unit_id, maintenance, &ctx.actor())
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/officer/housing/complexes/{complex_id}")).into_response())
        }
        // Offered or let meanwhile: the page shows the unit's real status again.
        Err(StoreError::NotFound) if complex_id > 0 => {
            render_complex(
                &state,
                &ctx,
                complex_id,
                StatusCode::CONFLICT,
                context! { errors => errors_value(&FieldError::new("status", "unit-busy").into()) },
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

// ------------------------------------------------------------------ import

pub(crate) async fn import_form(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    page_with_status(
        &state,
        &ctx,
        StatusCode::OK,
        "officer_housing_import.html",
        context! {},
    )
}

pub(crate) async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<Response, AppError> {
    let account = ctx.require(Role::Officer)?.clone();
    let refused_file = |code: &'static str| {
        page_with_status(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "officer_housing_import.html",
            context! { errors => context! { file => code } },
        )
    };
    let upload =
        match super::import::read_upload(&ctx, request, &state, super::import::MAX_UPLOAD).await {
            Ok(upload) if upload.bytes.is_empty() => return refused_file("required"),
            Ok(upload) => upload,
            Err(AppError::Invalid(errors)) => {
                return refused_file(errors.for_field("file").unwrap_or("required"));
            }
            Err(other) => return Err(other),
        };
    let options = yingcai_import::InventoryOptions::new(state.settings().districts.clone());
    let bytes = upload.bytes;
    let parsed =
        tokio::task::spawn_blocking(move || yingcai_import::parse_inventory(&bytes, &options))
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
    let errors: Vec<yingcai_import::RowError> = match parsed {
        Ok(inventory) => {
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
            match state
                .store()
                .import_inventory(&complexes, &upload.name, &ctx.actor())
                .await
            {
                Ok(summary) => {
                    return page_with_status(
                        &state,
                        &ctx,
                        StatusCode::OK,
                        "officer_housing_import.html",
                        context! {
                            imported => true, file_name => upload.name,
                            complexes => summary.complexes_created, unit_types => summary.unit_types_created,
                            units => summary.units_created,
                        },
                    );
                }
                Err(InventoryConflict::Store(error)) => return Err(error.into()),
                Err(InventoryConflict::Clash { problems }) => problems
                    .into_iter()
                    .map(|(row, column, code)| yingcai_import::RowError {
                        row,
                        column: column.to_owned(),
                        code,
                        value: String::new(),
                    })
                    .collect(),
            }
        }
        Err(refused) => refused.errors().to_vec(),
    };
    super::import::refused_page(
        &state,
        &ctx,
        account.account_id,
        &upload.name,
        &errors,
        "officer_housing_import.html",
    )
    .await
}

// ------------------------------------------------------------------ rounds

pub(crate) fn round_value(r: &RoundRecord) -> Value {
    context! {
        round_id => r.round_id,
        name => r.name,
        status_label => r.status.label_id(),
        open => r.status == RoundStatus::Open,
        allocated => r.status == RoundStatus::Allocated,
        deadline => super::audit::beijing_time(r.deadline_at),
        seed => r.seed,
        requirements => r.requirements,
        priority_rules => r.priority_rules,
        offer_rules => r.offer_rules,
        lease_rules => r.lease_rules,
        opened_at => super::audit::beijing_time(r.opened_at),
        allocated_at => r.allocated_at.map(super::audit::beijing_time),
        accepts_ballots => r.accepts_ballots(yingcai_store::now_ms()),
        deadline_passed => yingcai_store::now_ms() >= r.deadline_at,
    }
}

pub(crate) async fn rounds(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render_rounds(&state, &ctx, StatusCode::OK, context! {}).await
}

async fn render_rounds(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    extra: Value,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let rounds = state.store().rounds().await?;
    let types = state.store().all_unit_types().await?;
    page_with_status(
        state,
        ctx,
        status,
        "officer_rounds.html",
        context! {
            rounds => rounds.iter().map(round_value).collect::<Vec<_>>(),
            unit_types => types.iter().map(|(c, t)| context! {
                unit_type_id => t.unit_type_id, complex => c.name, code => c.code, name => t.name, rent_fen => t.rent_fen,
            }).collect::<Vec<_>>(),
            requirement_codes => yingcai_services::housing::REQUIREMENTS,
            default_priority => yingcai_housing::PriorityRules::default().to_toml(),
            default_offer => yingcai_housing::OfferRules::default().to_toml(),
            default_lease => yingcai_housing::LeaseRules::default().to_toml(),
            ..extra
        },
    )
}

/// Opens a round. The lottery seed is drawn here, from the operating system's generator,
/// and published at once: nobody can choose it after seeing the ballots.
pub(crate) async fn open_round(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<OpenRoundForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let mut errors = FieldErrors::new();
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("name", "required"));
    }
    let deadline = yingcai_services::housing::parse_deadline(&form.deadline);
    match deadline {
        Some(at) if at > yingcai_store::now_ms() => {}
        Some(_) => errors.push(FieldError::new("deadline", "deadline-past")),
        None => errors.push(FieldError::new("deadline", "date-invalid")),
    }
    let unit_types: Vec<i64> = form.unit_types();
    let known: Vec<i64> = state
        .store()
        .all_unit_types()
        .await?
        .iter()
        .map(|(_, t)| t.unit_type_id)
        .collect();
    if unit_types.is_empty() || !unit_types.iter().all(|t| known.contains(t)) {
        errors.push(FieldError::new("unit_type", "unit-types-required"));
    }
    let requirements: Vec<String> = form.requirements();
    let priority = yingcai_housing::PriorityRules::from_toml(&form.priority_rules);
    if priority.is_err() {
        errors.push(FieldError::new("priority_rules", "rules-invalid"));
    }
    let offer = yingcai_housing::OfferRules::from_toml(&form.offer_rules);
    if offer.is_err() {
        errors.push(FieldError::new("offer_rules", "rules-invalid"));
    }
    let lease = yingcai_housing::LeaseRules::from_toml(&form.lease_rules);
    if lease.is_err() {
        errors.push(FieldError::new("lease_rules", "rules-invalid"));
    }
    let (Some(deadline_at), Ok(priority), Ok(offer), Ok(lease), true) =
        (deadline, priority, offer, lease, errors.is_empty())
    else {
        let detail = [
            yingcai_housing::PriorityRules::from_toml(&form.priority_rules).err(),
            yingcai_housing::OfferRules::from_toml(&form.offer_rules).err(),
            yingcai_housing::LeaseRules::from_toml(&form.lease_rules).err(),
        ]
        .into_iter()
        .flatten()
        .map(|e| e.to_string())
        .collect::<Vec<_>>();
        return render_rounds(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            context! {
                errors => errors_value(&errors),
                rules_detail => detail,
                form => context! {
                    name => form.name, deadline => form.deadline,
                    priority_rules => form.priority_rules, offer_rules => form.offer_rules,
                    lease_rules => form.lease_rules, unit_types => unit_types, requirements => requirements,
                },
            },
        )
        .await;
    };
    let seed = yingcai_services::housing::draw_seed();
    let round_id = state
        .store()
        .open_round(
            &NewRound {
                name: &name,
                deadline_at,
                seed: &seed,
                requirements: &requirements,
                priority_rules: &priority.to_toml(),
                offer_rules: &offer.to_toml(),
                lease_rules: &lease.to_toml(),
                unit_types: &unit_types,
            },
            &ctx.actor(),
        )
        .await?;
    Ok(Redirect::to(&format!("/officer/housing/rounds/{round_id}")).into_response())
}

pub(crate) async fn round(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    render_round(&state, &ctx, id, StatusCode::OK, context! {}).await
}

async fn render_round(
    state: &AppState,
    ctx: &Ctx,
    round_id: i64,
    status: StatusCode,
    extra: Value,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let round = state.store().round(round_id).await?;
    let figures = yingcai_services::housing::round_figures(state.store(), &round).await?;
    let offers = state.store().offers_of_round(round_id).await?;
    let mut offer_rows = Vec::new();
    for o in &offers {
        let talent = state.store().talent(o.talent_id).await?;
        offer_rows.push(context! {
            talent_id => o.talent_id, name => talent.profile.name, complex => o.complex_name,
            unit => o.unit_number, status_label => o.status.label_id(),
            source_label => OFFER_SOURCES.of(&o.source)?,
            respond_by => super::audit::beijing_time(o.respond_by),
        });
    }
    let waiting = if round.status == RoundStatus::Allocated {
        yingcai_services::housing::waiting_lists(state.store(), &round).await?
    } else {
        Vec::new()
    };
    let mut waiting_rows = Vec::new();
    for list in &waiting {
        let mut names = Vec::new();
        for talent_id in list.talents.iter().take(20) {
            names.push(state.store().talent(*talent_id).await?.profile.name);
        }
        waiting_rows.push(
            context! { complex => list.complex_name, count => list.talents.len(), names => names },
        );
    }
    page_with_status(
        state,
        ctx,
        status,
        "officer_round.html",
        context! {
            round => round_value(&round),
            figures => figures,
            offers => offer_rows,
            waiting => waiting_rows,
            ..extra
        },
    )
}

/// Runs a round's allocation after its deadline.
pub(crate) async fn run_round(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let round_id = id;
    let round = state.store().round(round_id).await?;
    let refuse = |code: &'static str| errors_value(&FieldError::new(ROUND, code).into());
    if round.status != RoundStatus::Open {
        return render_round(
            &state,
            &ctx,
            round_id,
            StatusCode::CONFLICT,
            context! { errors => refuse("round-already-run") },
        )
        .await;
    }
    if yingcai_store::now_ms() < round.deadline_at {
        return render_round(
            &state,
            &ctx,
            round_id,
            StatusCode::CONFLICT,
            context! { errors => refuse("round-before-deadline") },
        )
        .await;
    }
    let calendar =
        yingcai_services::work_calendar::calendar(state.store(), &state.settings().work_hours())
            .await?;
    match yingcai_services::housing::run_round(state.store(), &round, &calendar, &ctx.actor()).await
    {
        Ok(_) => Ok(Redirect::to(&format!("/officer/housing/rounds/{round_id}")).into_response()),
        Err(yingcai_services::housing::RunError::CalendarMissing(missing)) => {
            render_round(
                &state,
                &ctx,
                round_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                context! { calendar_missing => missing.0 },
            )
            .await
        }
        Err(yingcai_services::housing::RunError::AlreadyRun) => {
            render_round(
                &state,
                &ctx,
                round_id,
                StatusCode::CONFLICT,
                context! { errors => refuse("round-already-run") },
            )
            .await
        }
        Err(yingcai_services::housing::RunError::Other(e)) => Err(AppError::Internal(e)),
    }
}

/// `/housing/rounds/{id}`: what anyone may see of a round: its rules, seed, and after
/// allocation the aggregate figures and the files to re-run it.
pub(crate) async fn public_round(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    let round = state.store().round(id).await?;
    let figures = yingcai_services::housing::round_figures(state.store(), &round).await?;
    page_with_status(
        &state,
        &ctx,
        StatusCode::OK,
        "housing_round.html",
        context! { round => round_value(&round), figures => figures },
    )
}

/// The published files: `instance.json`, `result.csv`, `ranking.csv`.
pub(crate) async fn round_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let round_id = id_of(&id)?;
    let (instance, result, ranking) = state.store().round_files(round_id).await?;
    let (body, content_type) = match file.as_str() {
        "instance.json" => (instance, "application/json"),
        "result.csv" => (result, "text/csv; charset=utf-8"),
        "ranking.csv" => (ranking, "text/csv; charset=utf-8"),
        _ => return Err(AppError::NotFound),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"round-{round_id}-{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

// ------------------------------------------------------------------ occupancy

pub(crate) async fn occupancy(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    render_occupancy(&state, &ctx, StatusCode::OK, context! {}).await
}

async fn render_occupancy(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    extra: Value,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let leases = state.store().live_leases().await?;
    let complexes = state.store().complexes().await?;
    page_with_status(
        state,
        ctx,
        status,
        "officer_occupancy.html",
        context! {
            leases => leases.iter().map(|l| Ok(context! {
                lease_id => l.lease_id, talent_id => l.talent_id, name => l.talent_name, complex => l.complex_name,
                unit => l.unit_number, start => l.start_date, end => l.end_date, rent_fen => l.rent_fen,
                status_label => l.status.label_id(), ends_on => l.ends_on,
                reason_label => l.end_reason.as_deref().map(|r| LEASE_REASONS.of(r)).transpose()?,
            })).collect::<Result<Vec<_>, AppError>>()?,
            complexes => complexes.iter().map(|c| context! {
                name => c.complex.name, free => c.free, offered => c.offered, let_ => c.let_, maintenance => c.maintenance,
                total => c.free + c.offered + c.let_ + c.maintenance,
            }).collect::<Vec<_>>(),
            ..extra
        },
    )
}

/// An officer gives notice on a lease (e.g. a breach the platform cannot see).
pub(crate) async fn lease_notice(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<LeaseNoticeForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let lease_id = id;
    let ends_on = yingcai_domain::Date::parse("ends_on", &form.ends_on).ok();
    let Some(ends_on) = ends_on.filter(|d| d.jiff() >= yingcai_services::policy::today()) else {
        return render_occupancy(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            context! { errors => errors_value(&FieldError::new("ends_on", "date-invalid").into()) },
        )
        .await;
    };
    state.store().lease(lease_id).await?;
    state
        .store()
        .give_lease_notice(lease_id, "officer", &ends_on.to_string(), &ctx.actor())
        .await?;
    Ok(Redirect::to("/officer/housing/occupancy").into_response())
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role;
    vec![
        get("/officer/housing", Access::Role(Role::Officer), inventory),
        post(
            "/officer/housing/complexes",
            Access::Role(Role::Officer),
            create_complex,
        ),
        get(
            "/officer/housing/complexes/{id}",
            Access::Role(Role::Officer),
            complex,
        ),
        post(
            "/officer/housing/complexes/{id}/unit-types",
            Access::Role(Role::Officer),
            add_unit_type,
        ),
        post(
            "/officer/housing/units/{id}/status",
            Access::Role(Role::Officer),
            unit_status,
        ),
        get(
            "/officer/housing/import",
            Access::Role(Role::Officer),
            import_form,
        ),
        post(
            "/officer/housing/import",
            Access::Role(Role::Officer),
            import,
        )
        .body_limit(crate::pages::import::MAX_UPLOAD),
        get(
            "/officer/housing/rounds",
            Access::Role(Role::Officer),
            rounds,
        ),
        post(
            "/officer/housing/rounds",
            Access::Role(Role::Officer),
            open_round,
        ),
        get(
            "/officer/housing/rounds/{id}",
            Access::Role(Role::Officer),
            round,
        ),
        post(
            "/officer/housing/rounds/{id}/run",
            Access::Role(Role::Officer),
            run_round,
        ),
        get(
            "/officer/housing/occupancy",
            Access::Role(Role::Officer),
            occupancy,
        ),
        post(
            "/officer/housing/leases/{id}/notice",
            Access::Role(Role::Officer),
            lease_notice,
        ),
        get("/housing/rounds/{id}", Access::Public, public_round),
        get("/housing/rounds/{id}/{file}", Access::Public, round_file),
    ]
}
