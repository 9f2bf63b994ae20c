//! The scheduler's jobs for administrators: when each last ran, whether it is failing, and
//! its last error, whichever app server ran it.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use yingcai_domain::Role;

use crate::pages::audit::beijing_time;
use crate::render::page;
use crate::{AppError, AppState, Ctx, translate};

pub(crate) async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let statuses = state.store().job_statuses().await?;
    let time = |ms: Option<i64>| ms.map(beijing_time);
    let rows: Vec<_> = statuses
        .iter()
        .map(|s| {
            let key = format!("job-{}", s.job);
            let label = translate(ctx.locale, &key, &[]);
            context! {
                // A job this version does not know (another server's) keeps its own name.
                label => if label == key { s.job.clone() } else { label },
                failing => s.consecutive_failures > 0,
                failures => s.consecutive_failures,
                started => time(s.last_started_at),
                finished => time(s.last_finished_at),
                succeeded => time(s.last_success_at),
                error => s.last_error,
                error_at => time(s.last_error_at),
                next => time(s.next_run_at),
            }
        })
        .collect();
    page(&state, &ctx, "admin_jobs.html", context! { rows => rows })
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get};
    vec![get("/admin/jobs", Access::Role(Role::Admin), list)]
}
