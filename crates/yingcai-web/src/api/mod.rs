//! The JSON API, `/api/v1`: the same operations as the pages, described by an OpenAPI
//! document generated from these handlers (`GET /api/v1/openapi.json`).
//!
//! Authentication: `POST /api/v1/session` returns a bearer token. A browser that is signed
//! in by cookie may call the API too, sending its anti-forgery token as `X-CSRF-Token` on
//! anything that changes state. Errors are `{"error", "message", "fields"?}` with messages
//! in the caller's language (`Accept-Language`).

mod accounts;
mod policy;

use axum::Json;
use axum::Router;
use axum::routing::{get, post, put};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "yingcai API", description = "英才 talent services platform: JSON API. Money is in integer fen; instants are Unix milliseconds."),
    paths(
        accounts::register,
        accounts::sign_in,
        accounts::sign_out,
        accounts::sign_out_everywhere,
        accounts::me,
        accounts::change_password,
        accounts::list,
        accounts::create,
        accounts::get_one,
        accounts::set_roles,
        accounts::reset_password,
        accounts::set_status,
        policy::explanation,
    ),
    components(schemas(
        accounts::AccountView,
        accounts::SignInRequest,
        accounts::SessionView,
        accounts::PasswordChange,
        accounts::RolesUpdate,
        accounts::StatusUpdate,
        accounts::CreatedStaff,
        accounts::TemporaryPassword,
        ErrorBody,
        FieldMessage,
        policy::ExplanationView,
        crate::accounts::RegistrationInput,
        crate::accounts::StaffInput,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Sign-up, sign-in, sessions and account administration"),
        (name = "policy", description = "Policy decisions and their explanations")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The error format of every 4xx/5xx answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code: `invalid`, `bad-request`, `unauthenticated`, `forbidden`, `not-found`, `csrf`, `throttled`, `internal`…
    pub error: String,
    /// The same, in the caller's language.
    pub message: String,
    /// For `invalid`: one entry per wrong field.
    pub fields: Option<Vec<FieldMessage>>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    pub field: String,
    pub code: String,
    pub message: String,
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/accounts", post(accounts::register))
        .route(
            "/session",
            post(accounts::sign_in).delete(accounts::sign_out),
        )
        .route("/session/revoke-all", post(accounts::sign_out_everywhere))
        .route("/me", get(accounts::me))
        .route("/me/password", put(accounts::change_password))
        .route(
            "/admin/accounts",
            get(accounts::list).post(accounts::create),
        )
        .route("/admin/accounts/{id}", get(accounts::get_one))
        .route("/admin/accounts/{id}/roles", put(accounts::set_roles))
        .route(
            "/admin/accounts/{id}/password-reset",
            post(accounts::reset_password),
        )
        .route("/admin/accounts/{id}/status", put(accounts::set_status))
        .route("/talents/{talent}/explanation", get(policy::explanation))
        .fallback(|| async { crate::AppError::NotFound })
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
