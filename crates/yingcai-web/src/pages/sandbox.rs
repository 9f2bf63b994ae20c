//! The policy sandbox: an administrator drafts a new version of the policy pack (edits the
//! text or uploads a file), sees what is wrong with it, sees what it would cost on the
//! registered population against the version in force, and publishes it with an
//! effective date. Published versions stay readable as they were.

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;
use yingcai_domain::{FieldError, Month, PolicyStatus, Role};
use yingcai_rules::{CompiledPack, CostScope};
use yingcai_services::policy::{PolicySet, clock_month, draft_of, person_of, today};
use yingcai_store::{PolicyDraft, PolicyVersionRecord};

use super::errors_value;
use super::forms::{PackSourceForm, PublishForm};
use crate::context::CsrfForm;
use crate::context::Id;
use crate::policy::policy_set;
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx};

/// A pack text larger than this is not a policy but a mistake.
const MAX_PACK_BYTES: usize = 512 * 1024;

fn version_value(v: &PolicyVersionRecord, in_force: i64) -> Value {
    context! {
        id => v.policy_version_id,
        pack_id => v.pack_id,
        version => v.version,
        status_label => v.status.label_id(),
        published => v.status == PolicyStatus::Published,
        // Only a draft is edited, checked for cost and published.
        draft => v.status == PolicyStatus::Draft,
        effective_date => v.effective_date,
        file_name => v.file_name,
        updated_at => super::audit::beijing_time(v.updated_at),
        published_at => v.published_at.map(super::audit::beijing_time),
        in_force => v.policy_version_id == in_force,
    }
}

/// `/admin/policy`: every version, and a new draft.
pub(crate) async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let set = policy_set(&state).await?;
    let in_force = set.in_force(today());
    let versions = state.store().policy_versions().await?;
    page(
        &state,
        &ctx,
        "admin_policy.html",
        context! {
            versions => versions.iter().map(|v| version_value(v, in_force.record.policy_version_id)).collect::<Vec<_>>(),
            in_force_source => in_force.record.source,
        },
    )
}

/// What a draft's text says of itself; empty identity while it does not compile.
fn describe(file: &str, source: &str) -> (PolicyDraft, Result<CompiledPack, String>) {
    match CompiledPack::load(file, source) {
        Ok(pack) => (draft_of(&pack, file, source), Ok(pack)),
        Err(error) => (
            PolicyDraft {
                file_name: file.to_owned(),
                source: source.to_owned(),
                ..PolicyDraft::default()
            },
            Err(error.to_string()),
        ),
    }
}

fn checked_source(raw: &str) -> Result<String, AppError> {
    if raw.trim().is_empty() {
        return Err(AppError::field("source", "required"));
    }
    if raw.len() > MAX_PACK_BYTES {
        return Err(AppError::field("source", "too-long"));
    }
    // Browsers send CRLF from a textarea; the stored text keeps the author's lines.
    Ok(raw.replace("\r\n", "\n"))
}

/// A new draft from the text in the form (the in-force text, edited).
pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<PackSourceForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let source = checked_source(&form.source)?;
    let (draft, _) = describe("draft.toml", &source);
    let id = state
        .store()
        .save_policy_draft(None, &draft, &ctx.actor())
        .await?;
    Ok(Redirect::to(&format!("/admin/policy/{id}")).into_response())
}

/// A new draft from an uploaded pack file.
pub(crate) async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let upload =
        super::import::read_upload(&ctx, request, &state, crate::documents::MAX_DOCUMENT).await?;
    let text = String::from_utf8(upload.bytes)
        .map_err(|_| AppError::field("file", "encoding-not-utf8"))?;
    let source = checked_source(&text).map_err(|_| AppError::field("file", "required"))?;
    let name = if upload.name.ends_with(".toml") && upload.name.len() <= 200 {
        upload.name
    } else {
        "upload.toml".to_owned()
    };
    let (draft, _) = describe(&name, &source);
    let id = state
        .store()
        .save_policy_draft(None, &draft, &ctx.actor())
        .await?;
    Ok(Redirect::to(&format!("/admin/policy/{id}")).into_response())
}

#[derive(Deserialize, Default)]
pub(crate) struct ImpactQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    months: String,
}

/// `/admin/policy/{id}`: a version; for a draft, its problems or its impact.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<ImpactQuery>,
) -> Result<Response, AppError> {
    render(&state, &ctx, id, &q, StatusCode::OK, None).await
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    q: &ImpactQuery,
    status: StatusCode,
    errors: Option<Value>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let record = state.store().policy_version(id).await?;
    let set = policy_set(state).await?;
    let (_, compiled) = describe(&record.file_name, &record.source);
    let mut errors = errors;
    // Horizons start next month by default (this month has begun).
    let next_month = clock_month(today()).next().unwrap_or(Month::MAX);
    let from = match q.from.trim() {
        "" => Ok(next_month),
        raw => Month::parse("from", raw),
    };
    let months = match q.months.trim() {
        "" => Ok(12),
        raw => raw
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=120).contains(m))
            .ok_or(()),
    };
    let mut field_errors = yingcai_domain::FieldErrors::new();
    if let Err(error) = &from {
        field_errors.push(error.clone());
    }
    if months.is_err() {
        field_errors.push(FieldError::new("months", "horizon-invalid"));
    }
    if !field_errors.is_empty() && errors.is_none() {
        errors = Some(errors_value(&field_errors));
    }
    // The draft is compared with what would otherwise be in force at the start of the horizon.
    let baseline = set.in_force(crate::policy::first_day(from.clone().unwrap_or(next_month)));
    let impact = match (&compiled, from, months) {
        (Ok(pack), Ok(from), Ok(months)) if !record.is_published() => {
            Some(impact(state, &set, &baseline.pack, pack, from, months).await?)
        }
        _ => None,
    };
    let published_versions: Vec<String> = set
        .versions()
        .iter()
        .map(|v| v.record.version.clone())
        .collect();
    page_with_status(
        state,
        ctx,
        if errors.is_some() && status == StatusCode::OK {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            status
        },
        "admin_policy_version.html",
        context! {
            v => version_value(&record, baseline.record.policy_version_id),
            source => record.source,
            problem => compiled.as_ref().err(),
            baseline => context! { id => baseline.record.policy_version_id, version => baseline.record.version, effective => baseline.record.effective_date },
            impact => impact,
            from => q.from.trim().to_owned().chars().take(7).collect::<String>(),
            from_default => next_month.to_string(),
            months => if q.months.trim().is_empty() { "12".to_owned() } else { q.months.trim().chars().take(4).collect() },
            published_versions => published_versions,
            // A new version usually starts with a month; today's month has begun already.
            effective_default => next_month.first_day().to_string(),
            errors => errors,
        },
    )
}

/// Baseline versus draft on every verified talent: cost per month, totals, how many gain,
/// lose or change, and a chart.
async fn impact(
    state: &AppState,
    _set: &PolicySet,
    baseline: &CompiledPack,
    draft: &CompiledPack,
    from: Month,
    months: u32,
) -> Result<Value, AppError> {
    let mut persons = Vec::new();
    let mut after = 0;
    loop {
        let batch = state.store().talents_after(after, 2_000).await?;
        let Some(last) = batch.last() else { break };
        after = last.talent_id;
        persons.extend(
            batch
                .iter()
                .map(|t| person_of(t.talent_id, &t.profile, baseline)),
        );
    }
    let comparison = match yingcai_rules::compare_population(
        baseline,
        draft,
        &persons,
        from,
        months,
        CostScope::AllBenefits,
    ) {
        Ok(c) => c,
        Err(error) => return Ok(context! { incompatible => error.to_string() }),
    };
    let labels: Vec<String> = (0..months as i32)
        // Past the calendar's last month a label would name no month: it stays blank.
        .map(|i| from.plus(i).map_or_else(String::new, |m| m.to_string()))
        .collect();
    let difference: Vec<i64> = comparison
        .reform_monthly_fen
        .iter()
        .zip(&comparison.baseline_monthly_fen)
        .map(|(r, b)| r - b)
        .collect();
    let zh = |a: &'static str, b: &'static str| (a, b);
    let names = [
        zh("现行", "Baseline"),
        zh("草案", "Draft"),
        zh("差额", "Difference"),
    ];
    let chart = |lang: usize| {
        let pick = |p: (&'static str, &'static str)| if lang == 0 { p.0 } else { p.1 };
        yingcai_chart::line_chart(
            &yingcai_chart::ChartText {
                title: if lang == 0 {
                    "每月待遇支出：现行与草案"
                } else {
                    "Monthly benefit cost: baseline and draft"
                },
                description: if lang == 0 {
                    "按月比较现行政策与草案的支出（元）"
                } else {
                    "Cost per month under the policy in force and under the draft, in yuan"
                },
                x_label: if lang == 0 { "月份" } else { "Month" },
                y_label: if lang == 0 { "元" } else { "Yuan" },
            },
            &labels,
            &[
                yingcai_chart::Series {
                    label: pick(names[0]),
                    values: &comparison.baseline_monthly_fen,
                },
                yingcai_chart::Series {
                    label: pick(names[1]),
                    values: &comparison.reform_monthly_fen,
                },
                yingcai_chart::Series {
                    label: pick(names[2]),
                    values: &difference,
                },
            ],
            &|fen| yingcai_domain::Fen(fen).yuan_grouped(),
        )
    };
    let rows: Vec<Value> = labels
        .iter()
        .enumerate()
        .map(|(i, m)| {
            context! {
                month => m,
                baseline => comparison.baseline_monthly_fen[i],
                draft => comparison.reform_monthly_fen[i],
                difference => difference[i],
            }
        })
        .collect();
    Ok(context! {
        talents => comparison.talents,
        from => comparison.from.to_string(),
        months => comparison.months,
        baseline_total => comparison.baseline_total_fen,
        draft_total => comparison.reform_total_fen,
        difference_total => comparison.difference_total_fen,
        difference_text => yingcai_domain::Fen(comparison.difference_total_fen).yuan_grouped(),
        gainers => comparison.gainers,
        losers => comparison.losers,
        changed => comparison.changed,
        rows => rows,
        chart_zh => Value::from_safe_string(chart(0)),
        chart_en => Value::from_safe_string(chart(1)),
    })
}

/// A draft the administrator may change; a published version is never changed (404).
async fn draft_record(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(i64, PolicyVersionRecord), AppError> {
    ctx.require(Role::Admin)?;
    let record = state.store().policy_version(id).await?;
    if record.is_published() {
        return Err(AppError::NotFound);
    }
    Ok((id, record))
}

/// Saves the edited text of a draft.
pub(crate) async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<PackSourceForm>,
) -> Result<Response, AppError> {
    let (id_n, record) = draft_record(&state, &ctx, id).await?;
    let source = checked_source(&form.source)?;
    let (draft, _) = describe(&record.file_name, &source);
    state
        .store()
        .save_policy_draft(Some(id_n), &draft, &ctx.actor())
        .await?;
    Ok(Redirect::to(&format!("/admin/policy/{id_n}")).into_response())
}

/// Publishes a draft from the given date on. The date is written into the pack's own
/// `[pack] effective`, so the stored text says everything about the version.
pub(crate) async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<PublishForm>,
) -> Result<Response, AppError> {
    let (id_n, record) = draft_record(&state, &ctx, id).await?;
    let refuse = |code: &'static str| {
        let state = state.clone();
        let ctx = &ctx;
        async move {
            let field = "effective_date";
            let errors = errors_value(&FieldError::new(field, code).into());
            render(
                &state,
                ctx,
                id,
                &ImpactQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(errors),
            )
            .await
        }
    };
    let Ok(effective) = yingcai_domain::talent::parse_date("effective_date", &form.effective_date)
    else {
        return refuse("date-invalid").await;
    };
    let Ok(mut document) = record.source.parse::<toml_edit::DocumentMut>() else {
        return refuse("pack-invalid").await;
    };
    match document.get_mut("pack").and_then(|p| p.as_table_like_mut()) {
        Some(pack) => {
            pack.insert("effective", toml_edit::value(effective.to_string()));
        }
        None => return refuse("pack-invalid").await,
    }
    let source = document.to_string();
    let Ok(pack) = CompiledPack::load(&record.file_name, &source) else {
        return refuse("pack-invalid").await;
    };
    let set = policy_set(&state).await?;
    let current = &set.in_force(today()).pack;
    if pack.info().id != current.info().id {
        return refuse("pack-other").await;
    }
    if set
        .versions()
        .iter()
        .any(|v| v.record.version == pack.info().version)
    {
        return refuse("pack-version-taken").await;
    }
    if set
        .versions()
        .iter()
        .any(|v| v.record.effective_date == effective.to_string())
    {
        return refuse("pack-effective-taken").await;
    }
    let draft = draft_of(&pack, &record.file_name, &source);
    match state
        .store()
        .publish_policy_version(id_n, &draft, &ctx.actor())
        .await
    {
        Ok(()) => {}
        Err(yingcai_store::StoreError::Conflict { .. }) => {
            return refuse("pack-version-taken").await;
        }
        Err(other) => return Err(other.into()),
    }
    // Schedules cover future months, so entitlements are recomputed now (in the
    // background; the scheduler does it again if this is cut short).
    {
        let state = state.clone();
        tokio::spawn(async move {
            match yingcai_services::policy::sweep(state.store(), state.policies(), today(), false)
                .await
            {
                Ok(report) => tracing::info!(?report, "entitlements recomputed after publication"),
                Err(error) => {
                    tracing::warn!(error = ?error, "recomputation after publication failed; the scheduler will retry")
                }
            }
        });
    }
    Ok(Redirect::to(&format!("/admin/policy/{id_n}")).into_response())
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role;
    vec![
        get("/admin/policy", Access::Role(Role::Admin), list),
        post("/admin/policy", Access::Role(Role::Admin), create),
        post("/admin/policy/upload", Access::Role(Role::Admin), upload)
            .body_limit(crate::documents::MAX_BODY),
        get("/admin/policy/{id}", Access::Role(Role::Admin), show),
        post("/admin/policy/{id}", Access::Role(Role::Admin), save),
        post(
            "/admin/policy/{id}/publish",
            Access::Role(Role::Admin),
            publish,
        ),
    ]
}
