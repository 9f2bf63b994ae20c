//! The policy sandbox: an administrator drafts a new version of the policy pack (edits the
//! text or uploads a file), sees what is wrong with it, sees what it would cost on the
//! registered population against the version in force, and publishes it with an
//! effective date. Published versions stay readable as they were.

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;
use yingcai_domain::{PolicyStatus, Role};
use yingcai_services::policy::today;
use yingcai_services::sandbox::{self, Horizon};
use yingcai_store::PolicyVersionRecord;

use super::errors_value;
use super::forms::{PackSourceForm, PublishForm};
use crate::context::CsrfForm;
use crate::context::Id;
use crate::policy::policy_set;
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx};

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

/// A new draft from the text in the form (the in-force text, edited).
pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<PackSourceForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let id = sandbox::create_draft(state.store(), &form.source, &ctx.actor()).await?;
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
    let id = sandbox::upload_draft(state.store(), &upload.name, upload.bytes, &ctx.actor()).await?;
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
    let (_, compiled) = sandbox::describe(&record.file_name, &record.source);
    let mut errors = errors;
    let next_month = Horizon::default_from();
    let horizon = Horizon::parse(&q.from, &q.months);
    if let Err(field_errors) = &horizon
        && errors.is_none()
    {
        errors = Some(errors_value(field_errors));
    }
    // The draft is compared with what would otherwise be in force at the start of the horizon.
    let baseline = set.in_force(crate::policy::first_day(
        horizon.as_ref().map_or(next_month, |h| h.from),
    ));
    let impact = match (&compiled, horizon) {
        (Ok(pack), Ok(horizon)) if !record.is_published() => Some(impact_value(
            sandbox::impact(state.store(), &baseline.pack, pack, horizon).await?,
            horizon,
        )),
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

/// The impact for the page: cost per month, totals, how many gain, lose or change, and a
/// chart in each language.
fn impact_value(impact: sandbox::Impact, horizon: Horizon) -> Value {
    let (from, months) = (horizon.from, horizon.months);
    let comparison = match impact {
        sandbox::Impact::Compared(c) => c,
        sandbox::Impact::Incompatible(error) => return context! { incompatible => error },
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
    context! {
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
    }
}

/// Saves the edited text of a draft; a published version is never changed (404).
pub(crate) async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<PackSourceForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    sandbox::save_draft(state.store(), id, &form.source, &ctx.actor()).await?;
    Ok(Redirect::to(&format!("/admin/policy/{id}")).into_response())
}

/// Publishes a draft from the given date on, then recomputes entitlements.
pub(crate) async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<PublishForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let set = policy_set(&state).await?;
    match sandbox::publish(state.store(), &set, id, &form.effective_date, &ctx.actor()).await {
        Ok(()) => {}
        Err(yingcai_services::Error::Invalid(errors)) => {
            return render(
                &state,
                &ctx,
                id,
                &ImpactQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(errors_value(&errors)),
            )
            .await;
        }
        Err(other) => return Err(other.into()),
    }
    recompute_after_publication(&state);
    Ok(Redirect::to(&format!("/admin/policy/{id}")).into_response())
}

/// Schedules cover future months, so entitlements are recomputed after a publication (in
/// the background; the scheduler does it again if this is cut short).
pub(crate) fn recompute_after_publication(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        match yingcai_services::policy::sweep(state.store(), state.policies(), today(), false).await
        {
            Ok(report) => tracing::info!(?report, "entitlements recomputed after publication"),
            Err(error) => {
                tracing::warn!(error = ?error, "recomputation after publication failed; the scheduler will retry")
            }
        }
    });
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
