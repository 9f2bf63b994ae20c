use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use crate::AppState;

/// The process is up.
pub(crate) async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok")
}

/// The process can serve: the database answers. Load balancers route on this one.
pub(crate) async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(error = %error, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get};
    vec![
        get("/healthz", Access::Public, healthz),
        get("/readyz", Access::Public, readyz),
    ]
}
