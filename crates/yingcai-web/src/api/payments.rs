//! Payments over the API: the same operations as the pages (`pages::payments`) through the
//! same service functions, authorization and field errors. Money is integer fen, months
//! `YYYY-MM`, instants Unix milliseconds. The page answers 409 where a run's state refuses
//! an action; the API answers such refusals as 422 with the same field and code.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::response::Response;
use yingcai_domain::status::{LineStatus, RunStatus, TransferStatus};
use yingcai_domain::{Month, Role};
use yingcai_services::payments::{self, RunDetail};
use yingcai_store::{BankTransfer, PaymentLineView, PaymentRun};

use crate::context::{Id, JsonBody};
use crate::pages::payments::{path_month, report_month};
use crate::{AppError, AppState, Ctx};

/// A month's payment run.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RunView {
    /// `YYYY-MM`.
    #[schema(example = "2026-12")]
    pub month: String,
    /// `draft`, `approved`, `exported` or `settled`.
    #[schema(value_type = String, example = "draft")]
    pub status: RunStatus,
    /// Months before this one were paid outside the platform (`YYYY-MM`).
    pub first_month: String,
    /// The officer who computed it.
    pub prepared_by: Option<i64>,
    pub prepared_at: i64,
    /// When its lines were all written; null while a computation is unfinished.
    pub computed_at: Option<i64>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<i64>,
    /// How many lines it has, and their total in fen.
    pub lines: i64,
    pub total_fen: i64,
}

fn run_view(run: &PaymentRun, lines: i64, total_fen: i64) -> RunView {
    RunView {
        month: run.month.to_string(),
        status: run.status,
        first_month: run.first_month.to_string(),
        prepared_by: run.prepared_by,
        prepared_at: run.prepared_at,
        computed_at: run.computed_at,
        approved_by: run.approved_by,
        approved_at: run.approved_at,
        lines,
        total_fen,
    }
}

/// The lines of a run of one kind.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct KindTotal {
    /// `regular`, `arrears` or `overpayment`.
    pub kind: String,
    pub lines: i64,
    pub total_fen: i64,
}

/// One payee of a run's bank file, the account masked.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TransferView {
    /// The reference the bank answers in its settlement file.
    pub reference: String,
    pub talent_id: i64,
    pub payee: String,
    /// The bank account, masked (the bank file has it in full).
    pub account_masked: Option<String>,
    /// What goes to the bank, in fen, after recoveries.
    pub amount_fen: i64,
    /// Overpayments recovered from this payment, in fen.
    pub recovered_fen: i64,
    /// `exported`, `paid` or `failed`.
    #[schema(value_type = String, example = "exported")]
    pub status: TransferStatus,
    pub failure_reason: Option<String>,
}

impl From<&BankTransfer> for TransferView {
    fn from(t: &BankTransfer) -> Self {
        TransferView {
            reference: t.reference.clone(),
            talent_id: t.talent_id,
            payee: t.payee.clone(),
            account_masked: t.account_masked.clone(),
            amount_fen: t.amount_fen,
            recovered_fen: t.recovered_fen,
            status: t.status,
            failure_reason: t.failure_reason.clone(),
        }
    }
}

/// A run as officers look at it before approving, exporting or settling it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RunDetailView {
    pub run: RunView,
    /// Its lines by kind, in kind order.
    pub by_kind: Vec<KindTotal>,
    /// Whether the whole ledger balances.
    pub ledger_sound: bool,
    /// Whether the caller prepared it (and so may not approve it).
    pub prepared_by_caller: bool,
    /// Its bank transfers, once exported; empty before.
    pub transfers: Vec<TransferView>,
    /// Where its lines are (`GET`).
    pub lines_url: String,
}

fn detail_view(detail: &RunDetail, caller: i64) -> RunDetailView {
    let run = &detail.run;
    RunDetailView {
        run: run_view(run, detail.lines, detail.total_fen),
        by_kind: detail
            .by_kind
            .iter()
            .map(|(kind, lines, total_fen)| KindTotal {
                kind: kind.clone(),
                lines: *lines,
                total_fen: *total_fen,
            })
            .collect(),
        ledger_sound: detail.ledger_sound,
        prepared_by_caller: run.prepared_by == Some(caller),
        transfers: detail.transfers.iter().map(TransferView::from).collect(),
        lines_url: format!("/api/v1/payment-runs/{}/lines", run.month),
    }
}

/// A payment line.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LineView {
    pub payment_line_id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    /// The benefit's code in the policy pack.
    pub benefit: String,
    /// The month the amount is for (`YYYY-MM`).
    pub service_month: String,
    /// The month of the run that wrote it (`YYYY-MM`).
    pub run_month: String,
    /// `regular`, `arrears` (an earlier month paid late) or `overpayment` (an earlier month
    /// paid too much: negative).
    pub kind: String,
    pub amount_fen: i64,
    /// `pending`, `exported`, `paid` or `failed`.
    #[schema(value_type = String, example = "pending")]
    pub status: LineStatus,
    /// The policy version its amount was decided under.
    pub policy_version_id: i64,
}

impl From<&PaymentLineView> for LineView {
    fn from(l: &PaymentLineView) -> Self {
        LineView {
            payment_line_id: l.payment_line_id,
            talent_id: l.talent_id,
            talent_name: l.talent_name.clone(),
            benefit: l.benefit.clone(),
            service_month: l.service_month.to_string(),
            run_month: l.run_month.to_string(),
            kind: l.kind.clone(),
            amount_fen: l.amount_fen,
            status: l.status,
            policy_version_id: l.policy_version_id,
        }
    }
}

/// One ledger entry posted for a line: debits positive.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LedgerEntryView {
    pub ledger_txn_id: i64,
    /// What the transaction was: `accrual`, `payment`, `recovery`, `repayment`…
    pub txn_kind: String,
    pub memo: String,
    pub account: String,
    pub amount_fen: i64,
}

/// A line with its ledger postings.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LineDetail {
    pub line: LineView,
    /// In posting order.
    pub entries: Vec<LedgerEntryView>,
}

/// `POST /api/v1/payment-runs`.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RunRequest {
    /// The run month, `YYYY-MM`.
    #[schema(example = "2026-12", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub month: String,
}

/// What importing a settlement file did.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SettlementView {
    pub paid: usize,
    pub failed: usize,
    /// References already settled (a file imported twice) or unknown.
    pub ignored: usize,
    /// The run as it is now.
    pub run: RunDetailView,
}

/// The multipart form of a settlement import (documentation only).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SettlementUpload {
    /// The bank's answer: CSV with the columns `reference`, `status` (`paid` or `failed`,
    /// also 成功 / 失败) and optionally `reason`; 64 MB at most.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A total of one run month.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MonthTotal {
    /// `YYYY-MM`.
    pub month: String,
    pub total_fen: i64,
}

/// One category of a month's spending.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SpendingRow {
    /// The benefit, degree, card tier (`none` without a card) or district; empty when
    /// unknown (a district of a talent without an employer).
    pub key: String,
    pub talents: i64,
    pub total_fen: i64,
}

/// A month's spending by one dimension, in key order.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SpendingSection {
    /// `benefit`, `degree`, `tier` or `district`.
    pub dimension: String,
    pub rows: Vec<SpendingRow>,
}

/// Spending: each run month's total, and one month by each dimension.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SpendingReportView {
    /// Oldest first.
    pub by_month: Vec<MonthTotal>,
    /// The month broken down (`YYYY-MM`); null before the first run.
    pub month: Option<String>,
    /// Every dimension, in the order benefit, degree, tier, district; empty without a month.
    pub sections: Vec<SpendingSection>,
}

fn report_view(report: &payments::SpendingReport) -> SpendingReportView {
    SpendingReportView {
        by_month: report
            .by_month
            .iter()
            .map(|(month, total_fen)| MonthTotal {
                month: month.to_string(),
                total_fen: *total_fen,
            })
            .collect(),
        month: report.month.map(|m| m.to_string()),
        sections: report
            .sections
            .iter()
            .map(|(dimension, rows)| SpendingSection {
                dimension: dimension.as_str().to_owned(),
                rows: rows
                    .iter()
                    .map(|(key, talents, total_fen)| SpendingRow {
                        key: key.clone(),
                        talents: *talents,
                        total_fen: *total_fen,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// An overpayment a talent owes back.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReceivableView {
    pub talent_id: i64,
    pub name: String,
    pub owed_fen: i64,
    /// Whether a confirmed entitlement can still recover it from future payments; when
    /// not, the talent must repay it.
    pub recoverable: bool,
}

/// `POST /api/v1/receivables/{talent}/repayments`.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RepaymentRequest {
    /// What the talent paid back, in fen: positive and at most what is owed. A wrong
    /// amount is refused on the field `amount` (as on the page), code
    /// `repayment-amount-invalid`.
    #[schema(minimum = 1, example = 100050)]
    pub amount_fen: i64,
}

/// What a month in a path or body looks like; the document's patterns are checked against
/// it (the attributes take only literals).
#[cfg(test)]
const MONTH_PATTERN: &str = r"^[0-9]{4}-(0[1-9]|1[0-2])$";

/// The caller's payment history (as `/talent/payments`): every line written for the
/// caller's talent record, newest run first, at most 500.
#[utoipa::path(get, path = "/api/v1/me/payments", tag = "payments", security(("bearer" = [])),
    responses((status = 200, body = Vec<LineView>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<LineView>>, AppError> {
    let account = ctx.require(Role::Talent)?;
    let lines = payments::history_of_owner(state.store(), account.account_id).await?;
    Ok(Json(lines.iter().map(LineView::from).collect()))
}

/// Every payment run with its lines and total, newest month first (as `/officer/payments`).
#[utoipa::path(get, path = "/api/v1/payment-runs", tag = "payments", security(("bearer" = [])),
    responses((status = 200, body = Vec<RunView>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn runs(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<RunView>>, AppError> {
    ctx.require(Role::Officer)?;
    let mut out = Vec::new();
    for run in state.store().payment_runs().await? {
        let (lines, total_fen) = state.store().payment_run_totals(&run).await?;
        out.push(run_view(&run, lines, total_fen));
    }
    Ok(Json(out))
}

async fn detail(state: &AppState, ctx: &Ctx, month: Month) -> Result<RunDetailView, AppError> {
    let officer = ctx.require(Role::Officer)?;
    let detail = payments::run_detail(state.store(), month).await?;
    Ok(detail_view(&detail, officer.account_id))
}

/// Computes (or completes) a month's run as the caller; a run already approved is refused
/// (`month`: `run-frozen`). Answers the run as `GET /api/v1/payment-runs/{month}` does.
#[utoipa::path(post, path = "/api/v1/payment-runs", tag = "payments", security(("bearer" = [])),
    request_body = RunRequest,
    responses((status = 200, body = RunDetailView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn compute(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Json<RunDetailView>, AppError> {
    ctx.require(Role::Officer)?;
    let request: RunRequest = body.parse()?;
    let form = crate::pages::forms::RunMonthForm {
        month: request.month,
    };
    let month = form.check().map_err(|e| AppError::Invalid(e.into()))?;
    payments::compute(state.store(), month, &ctx.actor()).await?;
    Ok(Json(detail(&state, &ctx, month).await?))
}

/// One run (as `/officer/payments/{month}`): totals, lines by kind, the ledger's soundness
/// and, once exported, its bank transfers (accounts masked).
#[utoipa::path(get, path = "/api/v1/payment-runs/{month}", tag = "payments", security(("bearer" = [])),
    params(("month" = String, Path, description = "The run month, `YYYY-MM`", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")),
    responses((status = 200, body = RunDetailView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn run(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
) -> Result<Json<RunDetailView>, AppError> {
    ctx.require(Role::Officer)?;
    Ok(Json(detail(&state, &ctx, path_month(&month)?).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct LinesParams {
    /// At most this many lines (1–500; 200 when absent).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// Lines to skip (0 when absent).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

/// A run's lines, in talent, benefit and service month order, a page at a time (the run
/// page shows the first 200).
#[utoipa::path(get, path = "/api/v1/payment-runs/{month}/lines", tag = "payments", security(("bearer" = [])),
    params(("month" = String, Path, description = "The run month, `YYYY-MM`", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$"), LinesParams),
    responses((status = 200, body = Vec<LineView>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn lines(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
    Query(q): Query<LinesParams>,
) -> Result<Json<Vec<LineView>>, AppError> {
    ctx.require(Role::Officer)?;
    let limit = q.limit.unwrap_or(200);
    if !(1..=500).contains(&limit) {
        return Err(AppError::field("limit", "invalid"));
    }
    let offset = q.offset.unwrap_or(0);
    if offset < 0 {
        return Err(AppError::field("offset", "invalid"));
    }
    let run = state
        .store()
        .payment_run(path_month(&month)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let lines = state
        .store()
        .payment_lines(&run, None, limit, offset)
        .await?;
    Ok(Json(lines.iter().map(LineView::from).collect()))
}

/// One line with its ledger postings (as `/officer/payments/lines/{id}`).
#[utoipa::path(get, path = "/api/v1/payment-lines/{id}", tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Payment line id")),
    responses((status = 200, body = LineDetail), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn line(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<LineDetail>, AppError> {
    ctx.require(Role::Officer)?;
    let line = state.store().payment_line(id).await?;
    let entries = state.store().ledger_entries_of_line(id).await?;
    Ok(Json(LineDetail {
        line: LineView::from(&line),
        entries: entries
            .into_iter()
            .map(
                |(ledger_txn_id, txn_kind, memo, account, amount_fen)| LedgerEntryView {
                    ledger_txn_id,
                    txn_kind,
                    memo,
                    account,
                    amount_fen,
                },
            )
            .collect(),
    }))
}

/// Approves a computed run; not by the officer who prepared it (`approval`:
/// `approval-by-preparer`), nor a run past its draft (`approval`: `run-not-approvable`).
#[utoipa::path(post, path = "/api/v1/payment-runs/{month}/approve", tag = "payments", security(("bearer" = [])),
    params(("month" = String, Path, description = "The run month, `YYYY-MM`", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")),
    responses((status = 200, body = RunDetailView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
) -> Result<Json<RunDetailView>, AppError> {
    ctx.require(Role::Officer)?;
    let month = path_month(&month)?;
    payments::approve(state.store(), month, &ctx.actor()).await?;
    Ok(Json(detail(&state, &ctx, month).await?))
}

/// Exports an approved run: recovers overpayments first, then lists the bank transfers
/// (`export`: `run-not-approved` otherwise). The bank file is then at
/// `GET /api/v1/payment-runs/{month}/bank-files/{file}`.
#[utoipa::path(post, path = "/api/v1/payment-runs/{month}/export", tag = "payments", security(("bearer" = [])),
    params(("month" = String, Path, description = "The run month, `YYYY-MM`", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")),
    responses((status = 200, body = RunDetailView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
) -> Result<Json<RunDetailView>, AppError> {
    ctx.require(Role::Officer)?;
    let month = path_month(&month)?;
    if state.store().payment_run(month).await?.is_none() {
        return Err(AppError::NotFound);
    }
    payments::export(state.store(), month, &ctx.actor()).await?;
    Ok(Json(detail(&state, &ctx, month).await?))
}

/// The bank file of an exported run, as the page offers it: `bank.csv` (UTF-8) or
/// `bank.xlsx`, with full account numbers; not kept by caches.
#[utoipa::path(get, path = "/api/v1/payment-runs/{month}/bank-files/{file}", tag = "payments", security(("bearer" = [])),
    params(("month" = String, Path, description = "The run month, `YYYY-MM`", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
        ("file" = String, Path, description = "`bank.csv` or `bank.xlsx`", example = "bank.csv", pattern = r"^bank\.(csv|xlsx)$")),
    responses((status = 200, description = "The bank file", content(
        (String = "text/csv; charset=utf-8"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn bank_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((month, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let file = payments::bank_file(state.store(), path_month(&month)?, &file).await?;
    Ok(crate::pages::payments::download(file))
}

/// Imports the bank's settlement file for an exported run (a multipart form, as the page's):
/// a file that does not read is refused (`file`: `settlement-file-invalid`), a run not
/// exported too (`file`: `run-not-exported`).
#[utoipa::path(post, path = "/api/v1/payment-runs/{month}/settlement", tag = "payments", security(("bearer" = [])),
    params(("month" = String, Path, description = "The run month, `YYYY-MM`", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")),
    request_body(content = SettlementUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = SettlementView), (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn settle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
    request: Request,
) -> Result<Json<SettlementView>, AppError> {
    ctx.require(Role::Officer)?;
    let month = path_month(&month)?;
    if state.store().payment_run(month).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let upload = crate::pages::import::read_file(
        &ctx,
        request,
        &state,
        crate::pages::import::MAX_UPLOAD,
        false,
    )
    .await?;
    let report =
        payments::import_settlement(state.store(), month, &upload.bytes, &ctx.actor()).await?;
    Ok(Json(SettlementView {
        paid: report.paid,
        failed: report.failed,
        ignored: report.ignored,
        run: detail(&state, &ctx, month).await?,
    }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct ReportParams {
    /// The month to break down, `YYYY-MM`; the latest run's when absent or empty.
    #[param(pattern = r"^([0-9]{4}-(0[1-9]|1[0-2]))?$")]
    month: Option<String>,
}

/// Spending (as `/officer/reports`): every run month's total, and one month by benefit,
/// degree, card tier and district.
#[utoipa::path(get, path = "/api/v1/spending-reports", tag = "payments", security(("bearer" = [])),
    params(ReportParams),
    responses((status = 200, body = SpendingReportView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ReportParams>,
) -> Result<Json<SpendingReportView>, AppError> {
    ctx.require(Role::Officer)?;
    let month = report_month(q.month.as_deref().unwrap_or(""))?;
    let report = payments::spending_report(state.store(), month).await?;
    Ok(Json(report_view(&report)))
}

/// One month's spending by each dimension: the data of the page's workbook
/// (`/officer/reports/{month}`), as JSON.
#[utoipa::path(get, path = "/api/v1/spending-reports/{month}", tag = "payments", security(("bearer" = [])),
    params(("month" = String, Path, description = "The run month, `YYYY-MM`", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")),
    responses((status = 200, body = SpendingReportView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn month_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(month): Path<String>,
) -> Result<Json<SpendingReportView>, AppError> {
    ctx.require(Role::Officer)?;
    let month = path_month(&month)?;
    let report = payments::spending_report(state.store(), Some(month)).await?;
    Ok(Json(report_view(&report)))
}

/// Overpayments owed back (as `/officer/receivables`), in talent order, at most 500.
#[utoipa::path(get, path = "/api/v1/receivables", tag = "payments", security(("bearer" = [])),
    responses((status = 200, body = Vec<ReceivableView>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn receivables(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ReceivableView>>, AppError> {
    ctx.require(Role::Officer)?;
    let rows = state.store().receivables().await?;
    Ok(Json(
        rows.into_iter()
            .map(|(talent_id, name, owed_fen, recoverable)| ReceivableView {
                talent_id,
                name,
                owed_fen,
                recoverable,
            })
            .collect(),
    ))
}

/// Books a repayment received from a talent. Answers the receivables as they are now.
#[utoipa::path(post, path = "/api/v1/receivables/{talent}/repayments", tag = "payments", security(("bearer" = [])),
    params(("talent" = i64, Path, description = "Talent id")), request_body = RepaymentRequest,
    responses((status = 200, body = Vec<ReceivableView>), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn repayment(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(talent): Id,
    body: JsonBody,
) -> Result<Json<Vec<ReceivableView>>, AppError> {
    ctx.require(Role::Officer)?;
    let request: RepaymentRequest = body.parse()?;
    if request.amount_fen <= 0 {
        return Err(AppError::field("amount", "repayment-amount-invalid"));
    }
    payments::record_repayment(state.store(), talent, request.amount_fen, &ctx.actor()).await?;
    receivables(State(state), ctx).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_documented_month_pattern_is_what_the_server_reads() {
        let pattern = regex::Regex::new(super::MONTH_PATTERN).unwrap();
        for good in ["2026-01", "2026-12", "1999-09"] {
            assert!(pattern.is_match(good), "{good}");
            assert!(good.parse::<yingcai_domain::Month>().is_ok(), "{good}");
        }
        for bad in [
            "2026-13", "2026-00", "2026-1", "26-01", "2026/01", " 2026-01",
        ] {
            assert!(!pattern.is_match(bad), "{bad}");
            assert!(bad.parse::<yingcai_domain::Month>().is_err(), "{bad}");
        }
        // Every month the document describes has this pattern.
        let document =
            serde_json::to_value(<crate::api::ApiDoc as utoipa::OpenApi>::openapi()).unwrap();
        let mut months = 0;
        for (path, item) in document["paths"].as_object().unwrap() {
            for operation in item.as_object().unwrap().values() {
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    if parameter["name"] == "month" && parameter["in"] == "path" {
                        months += 1;
                        assert_eq!(
                            parameter["schema"]["pattern"],
                            super::MONTH_PATTERN,
                            "{path}"
                        );
                    }
                }
            }
        }
        assert!(months >= 7, "{months}");
        assert_eq!(
            document["components"]["schemas"]["RunRequest"]["properties"]["month"]["pattern"],
            super::MONTH_PATTERN
        );
    }
}
