//! Bulk import of a talent roster by an officer: upload, all-or-nothing, errors on the page
//! and as a download.

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use yingcai_domain::Role;

use crate::context::Ctx;
use crate::registry::{ImportOutcome, import_roster};
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, translate};

/// The largest roster accepted in one upload.
pub(crate) const MAX_UPLOAD: usize = 64 * 1024 * 1024;
const SHOWN_ERRORS: usize = 200;

pub(crate) async fn form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    page(&state, &ctx, "officer_import.html", context! {})
}

/// The uploaded file, after the anti-forgery token was checked.
pub(crate) struct Upload {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
}

/// Reads a multipart form with one `file` and the anti-forgery token, keeping at most
/// `max_file` bytes of the file (see [`super::uploads::read_multipart`]).
pub(crate) async fn read_upload(
    ctx: &Ctx,
    request: Request,
    state: &AppState,
    max_file: usize,
) -> Result<Upload, AppError> {
    read_file(ctx, request, state, max_file, true).await
}

/// Reads a multipart form with one `file`; with `csrf`, its anti-forgery token too (the
/// API passes `false`: its caller was checked already).
pub(crate) async fn read_file(
    ctx: &Ctx,
    request: Request,
    state: &AppState,
    max_file: usize,
    csrf: bool,
) -> Result<Upload, AppError> {
    let form = super::uploads::read_multipart(ctx, request, state, "file", max_file, csrf).await?;
    if form.files.iter().any(|f| f.too_large) {
        return Err(AppError::field("file", "file-too-large"));
    }
    let file = form
        .files
        .into_iter()
        .next_back()
        .ok_or_else(|| AppError::field("file", "required"))?;
    Ok(Upload {
        name: if file.file_name.is_empty() {
            "roster".into()
        } else {
            file.file_name
        },
        bytes: file.bytes,
    })
}

pub(crate) async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<Response, AppError> {
    let account = ctx.require(Role::Officer)?.clone();
    let upload = match read_upload(&ctx, request, &state, MAX_UPLOAD).await {
        Ok(upload) if upload.bytes.is_empty() => {
            return page_with_status(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "officer_import.html",
                context! { errors => context! { file => "required" } },
            );
        }
        Ok(upload) => upload,
        Err(AppError::Invalid(errors)) => {
            return page_with_status(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "officer_import.html",
                context! { errors => context! { file => errors.for_field("file").unwrap_or("required") } },
            );
        }
        Err(other) => return Err(other),
    };
    let outcome = import_roster(
        state.store(),
        &state.settings().honors,
        super::talent::today(),
        Arc::new(upload.bytes),
        &upload.name,
        &ctx.actor(),
        &|_| {},
    )
    .await?;
    match outcome {
        ImportOutcome::Imported(summary) => page(
            &state,
            &ctx,
            "officer_import.html",
            context! { imported => summary.imported, file_name => upload.name },
        ),
        ImportOutcome::Refused(errors) => {
            refused_page(
                &state,
                &ctx,
                account.account_id,
                &upload.name,
                &errors,
                "officer_import.html",
            )
            .await
        }
    }
}

/// A refused import: the first problems on `template`, every problem kept as a CSV report
/// for its author to download.
pub(crate) async fn refused_page(
    state: &AppState,
    ctx: &Ctx,
    account_id: i64,
    file_name: &str,
    errors: &[yingcai_import::RowError],
    template: &str,
) -> Result<Response, AppError> {
    let locale = ctx.locale;
    let message = |code: &str| translate(locale, &format!("err-{code}"), &[]);
    let csv = yingcai_import::errors_to_csv(errors, message);
    let report = state
        .store()
        .save_import_report(
            account_id,
            file_name,
            errors.len() as i64,
            &csv,
            &ctx.actor(),
        )
        .await?;
    let rows: Vec<_> = errors
        .iter()
        .take(SHOWN_ERRORS)
        .map(|e| context! { row => e.row, column => e.column, code => e.code, value => e.value })
        .collect();
    page_with_status(
        state,
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        template,
        context! { refused => rows, error_count => errors.len(), shown => SHOWN_ERRORS.min(errors.len()), report => report, file_name => file_name },
    )
}

/// The error list of a refused import, for the officer who tried it.
pub(crate) async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let account = ctx.require(Role::Officer)?;
    let id: i64 = id
        .trim_end_matches(".csv")
        .parse()
        .map_err(|_| AppError::NotFound)?;
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

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role;
    vec![
        get("/officer/import", Access::Role(Role::Officer), form),
        post("/officer/import", Access::Role(Role::Officer), upload)
            .body_limit(crate::pages::import::MAX_UPLOAD),
        get("/officer/import/reports/{id}", Access::OwnOfficer, report),
    ]
}
