//! Roster imports and the scheduler's jobs over the API, twins of `/officer/import…` and
//! `/admin/jobs`: the same import (all or nothing, every problem with its row and column)
//! and the same report of a refused file.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use yingcai_domain::Role;

use crate::context::Id;
use crate::pages::uploads::read_multipart;
use crate::registry::{ImportOutcome, import_roster};
use crate::{AppError, AppState, Ctx, translate};

type Answers = crate::api::ErrorBody;

/// A roster file (documentation only: the handler reads it part by part).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct RosterUpload {
    /// CSV (UTF-8) or XLSX, at most 64 MB, with the roster's columns.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// An imported roster.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportedView {
    /// Talents imported, verified by the importing officer.
    pub imported: u64,
    pub file_name: String,
}

/// One problem of a refused roster.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    /// 1-based row (the header is row 1); 0 for the whole file.
    pub row: u64,
    /// The column's header; empty for a whole row or the whole file.
    pub column: String,
    pub code: String,
    /// The problem in the caller's language.
    pub message: String,
    /// The cell, at most 100 characters (never an identity number or bank account).
    pub value: String,
}

/// A refused roster: nothing was imported. The usual error body, with every problem and
/// where the whole list can be downloaded as CSV.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportRefusedBody {
    /// `invalid`.
    pub error: String,
    pub message: String,
    /// `file` with the code `import-refused` when the rows have problems; otherwise the
    /// file's own problem (`required`, `file-too-large`).
    pub fields: Option<Vec<crate::api::FieldMessage>>,
    /// Only for a refused roster: its problems, first 200.
    pub problems: Option<Vec<RowProblem>>,
    pub problem_count: Option<u64>,
    /// Only for a refused roster: the CSV of every problem, for the officer who tried.
    pub report_url: Option<String>,
}

const SHOWN_PROBLEMS: usize = 200;

/// Imports a talent roster (officers; multipart, field `file`): every row checked like a
/// form, all or nothing. A refused file imports nothing and answers its problems.
#[utoipa::path(post, path = "/api/v1/imports/talents", tag = "registry", security(("bearer" = [])),
    request_body(content = RosterUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = ImportedView), (status = 400, body = Answers), (status = 401, body = Answers), (status = 403, body = Answers), (status = 413, body = Answers), (status = 422, body = ImportRefusedBody)))]
pub(crate) async fn talents(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<Response, AppError> {
    let account_id = ctx.require(Role::Officer)?.account_id;
    let form = read_multipart(
        &ctx,
        request,
        &state,
        "file",
        crate::pages::import::MAX_UPLOAD,
        false,
    )
    .await?;
    if form.files.iter().any(|f| f.too_large) {
        return Err(AppError::field("file", "file-too-large"));
    }
    let file = form
        .files
        .into_iter()
        .next_back()
        .filter(|f| !f.bytes.is_empty())
        .ok_or_else(|| AppError::field("file", "required"))?;
    let name = if file.file_name.is_empty() {
        "roster".to_owned()
    } else {
        file.file_name
    };
    let outcome = import_roster(
        state.store(),
        &state.settings().honors,
        crate::pages::talent::today(),
        Arc::new(file.bytes),
        &name,
        &ctx.actor(),
        &|_| {},
    )
    .await?;
    let errors = match outcome {
        ImportOutcome::Imported(summary) => {
            return Ok((
                StatusCode::CREATED,
                Json(ImportedView {
                    imported: summary.imported as u64,
                    file_name: name,
                }),
            )
                .into_response());
        }
        ImportOutcome::Refused(errors) => errors,
    };
    let locale = ctx.locale;
    let message = |code: &str| translate(locale, &format!("err-{code}"), &[]);
    let csv = yingcai_import::errors_to_csv(&errors, message);
    let report = state
        .store()
        .save_import_report(account_id, &name, errors.len() as i64, &csv, &ctx.actor())
        .await?;
    let refused = yingcai_domain::FieldErrors::from(yingcai_domain::FieldError::new(
        "file",
        "import-refused",
    ));
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(ImportRefusedBody {
            error: "invalid".into(),
            message: translate(locale, "error-invalid", &[]),
            fields: Some(crate::api::field_messages(&refused, locale)),
            problem_count: Some(errors.len() as u64),
            problems: Some(
                errors
                    .iter()
                    .take(SHOWN_PROBLEMS)
                    .map(|e| RowProblem {
                        row: e.row as u64,
                        column: e.column.clone(),
                        code: e.code.to_owned(),
                        message: message(e.code),
                        value: e.value.clone(),
                    })
                    .collect(),
            ),
            report_url: Some(format!("/api/v1/imports/reports/{report}")),
        }),
    )
        .into_response())
}

/// The CSV of a refused roster's problems, for the officer who tried it; to another
/// officer it does not exist.
#[utoipa::path(get, path = "/api/v1/imports/reports/{id}", tag = "registry", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Import report id")),
    responses((status = 200, description = "Every problem, one per line", content_type = "text/csv"), (status = 401, body = Answers), (status = 403, body = Answers), (status = 404, body = Answers)))]
pub(crate) async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    let account = ctx.require(Role::Officer)?;
    let report = state.store().import_report(id, account.account_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"import-errors-{id}.csv\""),
            ),
        ],
        report.report_csv,
    )
        .into_response())
}

/// A scheduled job's state.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct JobView {
    /// The job's stable name.
    pub job: String,
    /// What it does, in the caller's language (the name for a job this version does not
    /// know).
    pub label: String,
    /// Failures since the last success; 0 when the last run succeeded.
    pub consecutive_failures: i64,
    pub last_started_at: Option<i64>,
    pub last_finished_at: Option<i64>,
    pub last_success_at: Option<i64>,
    /// The newest failure's message, kept after a success as a record of the last trouble.
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    pub next_run_at: Option<i64>,
}

/// The scheduler's jobs, whichever app server ran them (administrators; as `/admin/jobs`).
#[utoipa::path(get, path = "/api/v1/admin/jobs", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Vec<JobView>), (status = 401, body = Answers), (status = 403, body = Answers)))]
pub(crate) async fn jobs(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<JobView>>, AppError> {
    ctx.require(Role::Admin)?;
    let statuses = state.store().job_statuses().await?;
    Ok(Json(
        statuses
            .into_iter()
            .map(|s| {
                let key = format!("job-{}", s.job);
                let label = translate(ctx.locale, &key, &[]);
                JobView {
                    label: if label == key { s.job.clone() } else { label },
                    job: s.job,
                    consecutive_failures: s.consecutive_failures,
                    last_started_at: s.last_started_at,
                    last_finished_at: s.last_finished_at,
                    last_success_at: s.last_success_at,
                    last_error: s.last_error,
                    last_error_at: s.last_error_at,
                    next_run_at: s.next_run_at,
                }
            })
            .collect(),
    ))
}
