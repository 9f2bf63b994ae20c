//! Payment runs for officers: compute a month, read its lines, approve another officer's
//! run. Large populations are run with `yingcai payments run` (progress bar, same code).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use yingcai_domain::{FieldError, Role};
use yingcai_store::PaymentRun;

use super::errors_value;
use crate::context::CsrfForm;
use crate::render::page_with_status;
use crate::{AppError, AppState, Ctx};

fn run_value(run: &PaymentRun) -> Value {
    context! {
        month => run.month,
        status => run.status,
        first_month => run.first_month,
        computed_at => run.computed_at.map(super::audit::beijing_time),
        approved_at => run.approved_at.map(super::audit::beijing_time),
        prepared_by => run.prepared_by,
    }
}

pub(crate) async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render_list(&state, &ctx, StatusCode::OK, None).await
}

async fn render_list(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    errors: Option<Value>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let runs = state.store().payment_runs().await?;
    let mut rows = Vec::new();
    for run in &runs {
        let (lines, total) = state.store().payment_run_totals(run).await?;
        rows.push(context! { run => run_value(run), lines => lines, total_fen => total });
    }
    let next = yingcai_jobs::policy::rules_month(yingcai_jobs::policy::today()).to_string();
    page_with_status(
        state,
        ctx,
        status,
        "officer_payments.html",
        context! { runs => rows, month => next, errors => errors },
    )
}

/// Computes (or completes) a month's run, as the signed-in officer.
pub(crate) async fn run(
    State(state): State<AppState>,
    ctx: Ctx,
    form: CsrfForm,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let month = form.get("month").trim();
    let refuse = |code: &'static str| {
        let field = "month";
        errors_value(&FieldError::new(field, code).into())
    };
    let Ok(parsed) = yingcai_payments::parse_month(month) else {
        return render_list(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(refuse("month-invalid")),
        )
        .await;
    };
    let month = yingcai_payments::format_month(parsed);
    if let Some(run) = state.store().payment_run(&month).await?
        && run.status != "draft"
    {
        return render_list(
            &state,
            &ctx,
            StatusCode::CONFLICT,
            Some(refuse("run-frozen")),
        )
        .await;
    }
    yingcai_jobs::payments::run_month(state.store(), &month, &ctx.actor(), &|_, _| {})
        .await
        .map_err(AppError::Internal)?;
    Ok(Redirect::to(&format!("/officer/payments/{month}")).into_response())
}

pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
) -> Result<Response, AppError> {
    render_run(&state, &ctx, &month, StatusCode::OK, None).await
}

async fn render_run(
    state: &AppState,
    ctx: &Ctx,
    month: &str,
    status: StatusCode,
    errors: Option<Value>,
) -> Result<Response, AppError> {
    let officer = ctx.require(Role::Officer)?;
    let run = state
        .store()
        .payment_run(month)
        .await?
        .ok_or(AppError::NotFound)?;
    let (lines, total) = state.store().payment_run_totals(&run).await?;
    let kinds = state.store().payment_run_by_kind(&run).await?;
    let shown = state.store().payment_lines(&run, None, 200, 0).await?;
    let ledger = state.store().check_ledger().await?;
    page_with_status(
        state,
        ctx,
        status,
        "officer_payment_run.html",
        context! {
            run => run_value(&run),
            lines => lines,
            total_fen => total,
            kinds => kinds.iter().map(|(k, n, t)| context! { kind => k, count => n, total_fen => t }).collect::<Vec<_>>(),
            rows => shown,
            ledger_sound => ledger.is_sound(),
            own => run.prepared_by == Some(officer.account_id),
            errors => errors,
        },
    )
}

pub(crate) async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    match state
        .store()
        .approve_payment_run(&month, &ctx.actor())
        .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/officer/payments/{month}")).into_response()),
        Err(code) => {
            let field = "approval";
            let errors = errors_value(&FieldError::new(field, code).into());
            render_run(&state, &ctx, &month, StatusCode::CONFLICT, Some(errors)).await
        }
    }
}
