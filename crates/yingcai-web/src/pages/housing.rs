//! Talent apartments for officers: the inventory (complexes, unit types, units, import),
//! application rounds (open, run, publish), occupancy and waiting lists.

use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use yingcai_domain::{FieldError, Role, RoundStatus, UnitStatus};
use yingcai_services::housing::RunError;
use yingcai_services::housing_desk;
use yingcai_store::{ComplexRecord, RoundRecord};

use super::errors_value;
use super::forms::{ComplexForm, LeaseNoticeForm, OpenRoundForm, UnitStatusForm, UnitTypeForm};
use super::labels::{LEASE_REASONS, OFFER_SOURCES};
use crate::context::CsrfForm;
use crate::context::Id;
use crate::error::refused;
use crate::render::page_with_status;
use crate::{AppError, AppState, Ctx};

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

pub(crate) async fn create_complex(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ComplexForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let values = context! { form => &form };
    let complex = match housing_desk::check_complex(&form.input(), &state.settings().districts) {
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
    match housing_desk::create_complex(state.store(), &complex, &ctx.actor()).await {
        Ok(id) => Ok(Redirect::to(&format!("/officer/housing/complexes/{id}")).into_response()),
        Err(refusal @ housing_desk::ComplexError::CodeTaken) => {
            render_inventory(
                &state,
                &ctx,
                StatusCode::CONFLICT,
                context! { errors => errors_value(&refused(refusal)?), ..values },
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

pub(crate) async fn add_unit_type(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<UnitTypeForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let complex_id = id;
    let values = context! { form => &form };
    let unit_type = match housing_desk::check_unit_type(&form.input()) {
        Ok(unit_type) => unit_type,
        Err(errors) => {
            return render_complex(
                &state,
                &ctx,
                complex_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                context! { errors => errors_value(&errors), ..values },
            )
            .await;
        }
    };
    match housing_desk::add_unit_type(state.store(), complex_id, &unit_type, &ctx.actor()).await? {
        Ok(()) => {
            Ok(Redirect::to(&format!("/officer/housing/complexes/{complex_id}")).into_response())
        }
        Err(errors) => {
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
    let maintenance =
        housing_desk::maintenance_of(&form.status).map_err(|e| AppError::Invalid(e.into()))?;
    let complex_id = form.complex_id();
    match housing_desk::set_unit_maintenance(state.store(), unit_id, maintenance, &ctx.actor())
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/officer/housing/complexes/{complex_id}")).into_response())
        }
        // Offered or let meanwhile: the page shows the unit's real status again.
        Err(refusal @ housing_desk::UnitStatusError::Busy) if complex_id > 0 => {
            render_complex(
                &state,
                &ctx,
                complex_id,
                StatusCode::CONFLICT,
                context! { errors => errors_value(&refused(refusal)?) },
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
    let errors = match housing_desk::import_inventory(
        state.store(),
        upload.bytes,
        &upload.name,
        state.settings().districts.clone(),
        &ctx.actor(),
    )
    .await?
    {
        housing_desk::InventoryImport::Imported(summary) => {
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
        housing_desk::InventoryImport::Refused(errors) => errors,
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
    let input = housing_desk::RoundInput {
        name: form.name.clone(),
        deadline_at: yingcai_services::housing::parse_deadline(&form.deadline),
        unit_types: form.unit_types(),
        requirements: form.requirements(),
        priority_rules: form.priority_rules.clone(),
        offer_rules: form.offer_rules.clone(),
        lease_rules: form.lease_rules.clone(),
    };
    match housing_desk::open_round(state.store(), &input, &ctx.actor()).await {
        Ok(round_id) => {
            Ok(Redirect::to(&format!("/officer/housing/rounds/{round_id}")).into_response())
        }
        Err(yingcai_services::Error::Invalid(errors)) => {
            let detail = housing_desk::rules_problems(
                &form.priority_rules,
                &form.offer_rules,
                &form.lease_rules,
            );
            render_rounds(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                context! {
                    errors => errors_value(&errors),
                    rules_detail => detail,
                    form => context! {
                        name => form.name, deadline => form.deadline,
                        priority_rules => form.priority_rules, offer_rules => form.offer_rules,
                        lease_rules => form.lease_rules, unit_types => input.unit_types,
                        requirements => input.requirements,
                    },
                },
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
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
    let detail = housing_desk::round_detail(state.store(), round_id).await?;
    let mut offer_rows = Vec::new();
    for o in &detail.offers {
        let (name, o) = (&o.talent_name, &o.offer);
        offer_rows.push(context! {
            talent_id => o.talent_id, name => name, complex => o.complex_name,
            unit => o.unit_number, status_label => o.status.label_id(),
            source_label => OFFER_SOURCES.of(&o.source)?,
            respond_by => super::audit::beijing_time(o.respond_by),
        });
    }
    let waiting_rows: Vec<Value> = detail
        .waiting
        .iter()
        .map(|w| context! { complex => w.list.complex_name, count => w.list.talents.len(), names => w.names })
        .collect();
    let (round, figures) = (&detail.round, &detail.figures);
    page_with_status(
        state,
        ctx,
        status,
        "officer_round.html",
        context! {
            round => round_value(round),
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
    let refuse = |code: &'static str| errors_value(&FieldError::new(ROUND, code).into());
    let calendar =
        yingcai_services::work_calendar::calendar(state.store(), &state.settings().work_hours())
            .await?;
    let conflict = |code| {
        render_round(
            &state,
            &ctx,
            round_id,
            StatusCode::CONFLICT,
            context! { errors => refuse(code) },
        )
    };
    match housing_desk::run_after_deadline(state.store(), round_id, &calendar, &ctx.actor()).await {
        Ok(_) => Ok(Redirect::to(&format!("/officer/housing/rounds/{round_id}")).into_response()),
        Err(RunError::CalendarMissing(missing)) => {
            render_round(
                &state,
                &ctx,
                round_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                context! { calendar_missing => missing.0 },
            )
            .await
        }
        Err(RunError::AlreadyRun) => conflict("round-already-run").await,
        Err(RunError::BeforeDeadline) => conflict("round-before-deadline").await,
        Err(RunError::NotFound) => Err(AppError::NotFound),
        Err(RunError::Other(e)) => Err(AppError::Internal(e)),
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
    match housing_desk::give_notice(
        state.store(),
        lease_id,
        ends_on,
        yingcai_services::policy::today(),
        &ctx.actor(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/officer/housing/occupancy").into_response()),
        Err(yingcai_services::Error::Invalid(errors)) => {
            render_occupancy(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                context! { errors => errors_value(&errors) },
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
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
