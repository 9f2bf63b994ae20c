//! Payment runs for officers: compute a month, read its lines, approve another officer's
//! run. Large populations are run with `yingcai payments run` (progress bar, same code).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use yingcai_domain::{Month, Role, RunStatus};
use yingcai_store::{PaymentLineView, PaymentRun};

use super::errors_value;
use super::forms::{RepaymentForm, RunMonthForm};
use super::labels::PAYMENT_KINDS;
use crate::context::CsrfForm;
use crate::context::Id;
use crate::error::refused;
use crate::render::page_with_status;
use crate::{AppError, AppState, Ctx};

fn run_value(run: &PaymentRun) -> Value {
    context! {
        month => run.month,
        status_label => run.status.label_id(),
        awaiting_approval => run.status == RunStatus::Draft,
        awaiting_export => run.status == RunStatus::Approved,
        has_bank_file => has_bank_file(run.status),
        awaiting_settlement => run.status == RunStatus::Exported,
        first_month => run.first_month,
        computed_at => run.computed_at.map(super::audit::beijing_time),
        approved_at => run.approved_at.map(super::audit::beijing_time),
        prepared_by => run.prepared_by,
    }
}

use yingcai_services::payments::{RunMonthError, SettlementImportError, has_bank_file, run_detail};

/// A payment line for the pages: the stored line with its kind's and status's labels.
fn line_value(line: &PaymentLineView) -> Result<Value, AppError> {
    Ok(context! {
        kind_label => PAYMENT_KINDS.of(&line.kind)?,
        status_label => line.status.label_id(),
        ..Value::from_serialize(line)
    })
}

fn line_values(lines: &[PaymentLineView]) -> Result<Vec<Value>, AppError> {
    lines.iter().map(line_value).collect()
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
    let next = yingcai_services::policy::clock_month(yingcai_services::policy::today()).to_string();
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
    CsrfForm(form): CsrfForm<RunMonthForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let month = match form.check() {
        Ok(month) => month,
        Err(error) => {
            return render_list(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(errors_value(&error.into())),
            )
            .await;
        }
    };
    match yingcai_services::payments::compute(state.store(), month, &ctx.actor()).await {
        Ok(_) => Ok(Redirect::to(&format!("/officer/payments/{month}")).into_response()),
        Err(refusal @ RunMonthError::Frozen) => {
            let errors = errors_value(&refused(refusal)?);
            render_list(&state, &ctx, StatusCode::CONFLICT, Some(errors)).await
        }
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
) -> Result<Response, AppError> {
    render_run(&state, &ctx, path_month(&month)?, StatusCode::OK, None).await
}

/// A month in a path: one that does not parse names no run.
pub(crate) fn path_month(raw: &str) -> Result<Month, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

async fn render_run(
    state: &AppState,
    ctx: &Ctx,
    month: Month,
    status: StatusCode,
    errors: Option<Value>,
) -> Result<Response, AppError> {
    let officer = ctx.require(Role::Officer)?;
    let detail = run_detail(state.store(), month).await?;
    let run = &detail.run;
    let shown = state.store().payment_lines(run, None, 200, 0).await?;
    let transfers = &detail.transfers;
    page_with_status(
        state,
        ctx,
        status,
        "officer_payment_run.html",
        context! {
            run => run_value(run),
            lines => detail.lines,
            total_fen => detail.total_fen,
            kinds => detail.by_kind.iter().map(|(k, n, t)| Ok(context! { kind_label => PAYMENT_KINDS.of(k)?, count => n, total_fen => t })).collect::<Result<Vec<_>, AppError>>()?,
            rows => line_values(&shown)?,
            ledger_sound => detail.ledger_sound,
            own => run.prepared_by == Some(officer.account_id),
            transfers => transfers.iter().map(|t| context! {
                reference => t.reference,
                payee => t.payee,
                account => t.account_masked,
                amount_fen => t.amount_fen,
                recovered_fen => t.recovered_fen,
                status_label => t.status.label_id(),
                reason => t.failure_reason,
            }).collect::<Vec<_>>(),
            errors => errors,
        },
    )
}

/// Exports an approved run (recovering overpayments first) and offers its bank file.
pub(crate) async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let month = path_month(&month)?;
    match yingcai_services::payments::export(state.store(), month, &ctx.actor()).await {
        Ok(_) => Ok(Redirect::to(&format!("/officer/payments/{month}#bank-file")).into_response()),
        Err(refusal) => {
            let errors = errors_value(&refused(refusal)?);
            render_run(&state, &ctx, month, StatusCode::CONFLICT, Some(errors)).await
        }
    }
}

/// The bank file of an exported run: `bank.csv` or `bank.xlsx`, full account numbers.
pub(crate) async fn bank_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((month, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let file =
        yingcai_services::payments::bank_file(state.store(), path_month(&month)?, &file).await?;
    Ok(download(file))
}

/// A bank file as a download: never kept by a cache, full account numbers inside.
pub(crate) fn download(file: yingcai_services::payments::BankFile) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file.file_name);
    (
        [
            (axum::http::header::CONTENT_TYPE, file.media_type.to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        file.bytes,
    )
        .into_response()
}

/// Imports the bank's settlement file (CSV: reference, status, reason).
pub(crate) async fn settle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let month = path_month(&month)?;
    let upload =
        super::import::read_upload(&ctx, request, &state, super::import::MAX_UPLOAD).await?;
    match yingcai_services::payments::import_settlement(
        state.store(),
        month,
        &upload.bytes,
        &ctx.actor(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/officer/payments/{month}#bank-file")).into_response()),
        Err(refusal @ SettlementImportError::Unreadable) => {
            let errors = errors_value(&refused(refusal)?);
            render_run(
                &state,
                &ctx,
                month,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(errors),
            )
            .await
        }
        Err(refusal) => {
            let errors = errors_value(&refused(refusal)?);
            render_run(&state, &ctx, month, StatusCode::CONFLICT, Some(errors)).await
        }
    }
}

pub(crate) async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
    _form: CsrfForm,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let month = path_month(&month)?;
    match yingcai_services::payments::approve(state.store(), month, &ctx.actor()).await {
        Ok(_) => Ok(Redirect::to(&format!("/officer/payments/{month}")).into_response()),
        Err(refusal) => {
            let errors = errors_value(&refused(refusal)?);
            render_run(&state, &ctx, month, StatusCode::CONFLICT, Some(errors)).await
        }
    }
}

/// `/talent/payments`: every amount the platform paid (or will pay, or recovers) to the
/// talent, each linked to the explanation of its month.
pub(crate) async fn history(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let account = ctx.require(Role::Talent)?;
    let lines =
        yingcai_services::payments::history_of_owner(state.store(), account.account_id).await?;
    page_with_status(
        &state,
        &ctx,
        StatusCode::OK,
        "talent_payments.html",
        context! { rows => line_values(&lines)? },
    )
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct ReportQuery {
    #[serde(default)]
    month: String,
}

/// The month a report asks for: none (the latest run's) when empty, a field error when it
/// does not read as `YYYY-MM`.
pub(crate) fn report_month(raw: &str) -> Result<Option<Month>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        Month::parse("month", raw).map_err(|e| AppError::Invalid(e.into()))?,
    ))
}

/// `/officer/reports`: spending by month (chart), and one month by benefit, degree, card
/// tier and district (tables and charts), with an XLSX export.
pub(crate) async fn reports(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<ReportQuery>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let asked = report_month(&q.month)?;
    let report = yingcai_services::payments::spending_report(state.store(), asked).await?;
    let (by_month, month) = (&report.by_month, report.month);
    let en = ctx.locale == yingcai_domain::Locale::En;
    let labels: Vec<String> = by_month.iter().map(|(m, _)| m.to_string()).collect();
    let totals: Vec<i64> = by_month.iter().map(|(_, t)| *t).collect();
    let trend = (!by_month.is_empty()).then(|| {
        Value::from_safe_string(yingcai_chart::line_chart(
            &yingcai_chart::ChartText {
                title: if en {
                    "Spending by month"
                } else {
                    "每月发放"
                },
                description: if en {
                    "Total of the payment lines of each run, in yuan"
                } else {
                    "各月发放批次明细合计（元）"
                },
                x_label: if en { "Month" } else { "月份" },
                y_label: if en { "Yuan" } else { "元" },
            },
            &labels,
            &[yingcai_chart::Series {
                label: if en { "Spending" } else { "发放" },
                values: &totals,
            }],
            &|fen| yingcai_domain::Fen(fen).yuan_grouped(),
        ))
    });
    let mut sections = Vec::new();
    let month_label = month.map_or_else(String::new, |m| m.to_string());
    for (dimension, rows) in &report.sections {
        let keys: Vec<String> = rows
            .iter()
            .map(|r| {
                if r.0.is_empty() {
                    "—".to_owned()
                } else {
                    r.0.clone()
                }
            })
            .collect();
        let values: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let chart = yingcai_chart::bar_chart(
            &yingcai_chart::ChartText {
                title: &month_label,
                description: if en {
                    "Spending of the month by category, in yuan"
                } else {
                    "当月发放按类别统计（元）"
                },
                x_label: "",
                y_label: if en { "Yuan" } else { "元" },
            },
            &keys,
            &[yingcai_chart::Series {
                label: if en { "Spending" } else { "发放" },
                values: &values,
            }],
            &|fen| yingcai_domain::Fen(fen).yuan_grouped(),
        );
        sections.push(context! {
            dimension => dimension.as_str(),
            rows => rows.iter().map(|(k, n, t)| context! { key => k, talents => n, total_fen => t }).collect::<Vec<_>>(),
            chart => Value::from_safe_string(chart),
        });
    }
    page_with_status(
        &state,
        &ctx,
        StatusCode::OK,
        "officer_reports.html",
        context! {
            month => month_label,
            months => labels,
            by_month => by_month.iter().map(|(m, t)| context! { month => m, total_fen => t }).collect::<Vec<_>>(),
            trend => trend,
            sections => sections,
        },
    )
}

/// The report of one month as an XLSX workbook: one sheet per dimension.
pub(crate) async fn report_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let month = path_month(month.trim_end_matches(".xlsx"))?;
    let report = yingcai_services::payments::spending_report(state.store(), Some(month)).await?;
    let bytes = yingcai_services::payments::spending_xlsx(&report.sections)?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                yingcai_services::payments::XLSX.to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"yingcai-spending-{month}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// One line: what it is for, its ledger postings, and the explanation of its month.
pub(crate) async fn line(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let line = state.store().payment_line(id).await?;
    let entries = state.store().ledger_entries_of_line(id).await?;
    page_with_status(
        &state,
        &ctx,
        StatusCode::OK,
        "officer_payment_line.html",
        context! {
            line => line_value(&line)?,
            entries => entries.iter().map(|(txn, kind, memo, account, amount)| context! {
                txn => txn, kind => kind, memo => memo, account => account, amount_fen => amount,
                debit => *amount > 0,
            }).collect::<Vec<_>>(),
        },
    )
}

/// `/officer/receivables`: overpayments owed back. Those of talents with no confirmed
/// entitlement cannot be recovered from future payments: they are marked for repayment.
pub(crate) async fn receivables(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    render_receivables(&state, &ctx, StatusCode::OK, None).await
}

async fn render_receivables(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    errors: Option<Value>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let rows = state.store().receivables().await?;
    page_with_status(
        state,
        ctx,
        status,
        "officer_receivables.html",
        context! {
            rows => rows.iter().map(|(id, name, fen, open)| context! {
                talent_id => id, name => name, owed_fen => fen, recoverable => open,
            }).collect::<Vec<_>>(),
            errors => errors,
        },
    )
}

/// Books a repayment received from a talent (amount in yuan, e.g. `1000.50`).
pub(crate) async fn repayment(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(talent): Id,
    CsrfForm(form): CsrfForm<RepaymentForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let fen = match form.check() {
        Ok(fen) => fen,
        Err(error) => {
            let errors = errors_value(&error.into());
            return render_receivables(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(errors),
            )
            .await;
        }
    };
    match yingcai_services::payments::record_repayment(state.store(), talent, fen, &ctx.actor())
        .await
    {
        Ok(()) => Ok(Redirect::to("/officer/receivables").into_response()),
        Err(refusal) => {
            let errors = errors_value(&refused(refusal)?);
            render_receivables(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(errors)).await
        }
    }
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role;
    vec![
        get("/talent/payments", Access::Role(Role::Talent), history),
        get("/officer/payments", Access::Role(Role::Officer), list),
        post("/officer/payments", Access::Role(Role::Officer), run),
        get(
            "/officer/payments/{month}",
            Access::Role(Role::Officer),
            show,
        ),
        get(
            "/officer/payments/lines/{id}",
            Access::Role(Role::Officer),
            line,
        ),
        post(
            "/officer/payments/{month}/approve",
            Access::Role(Role::Officer),
            approve,
        ),
        post(
            "/officer/payments/{month}/export",
            Access::Role(Role::Officer),
            export,
        ),
        post(
            "/officer/payments/{month}/settlement",
            Access::Role(Role::Officer),
            settle,
        )
        .body_limit(crate::pages::import::MAX_UPLOAD),
        get(
            "/officer/payments/{month}/{file}",
            Access::Role(Role::Officer),
            bank_file,
        ),
        get("/officer/reports", Access::Role(Role::Officer), reports),
        get(
            "/officer/receivables",
            Access::Role(Role::Officer),
            receivables,
        ),
        post(
            "/officer/receivables/{talent}/repayment",
            Access::Role(Role::Officer),
            repayment,
        ),
        get(
            "/officer/reports/{month}",
            Access::Role(Role::Officer),
            report_xlsx,
        ),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn yuan_amounts_are_read_exactly_or_refused() {
        assert_eq!(super::super::parse_centi("1000"), Some(100_000));
        assert_eq!(super::super::parse_centi(" 1000.5 "), Some(100_050));
        assert_eq!(super::super::parse_centi("0.07"), Some(7));
        for bad in [
            "",
            "-1",
            "1.234",
            "1,000",
            "abc",
            ".5",
            "99999999999999999999",
        ] {
            assert_eq!(super::super::parse_centi(bad), None, "{bad}");
        }
    }
}
