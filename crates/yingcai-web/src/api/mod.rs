//! The JSON API, `/api/v1`: the same operations as the pages, described by an OpenAPI
//! document generated from these handlers (`GET /api/v1/openapi.json`).
//!
//! Authentication: `POST /api/v1/session` returns a bearer token. A browser that is signed
//! in by cookie may call the API too, sending its anti-forgery token as `X-CSRF-Token` on
//! anything that changes state. Errors are `{"error", "message", "fields"?}` with messages
//! in the caller's language (`Accept-Language`).

mod accounts;
mod cases;
mod competitions;
mod figures;
mod notifications;
mod policy;

use axum::Json;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

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
        cases::list,
        cases::raise,
        cases::get_one,
        cases::act,
        cases::rate,
        cases::transfer,
        cases::targets,
        cases::add_item,
        cases::item_done,
        cases::teams,
        cases::categories,
        cases::create_team,
        cases::update_team,
        cases::set_category,
        cases::calendar_years,
        cases::add_calendar_year,
        cases::pair,
        figures::team,
        notifications::list,
        notifications::mark_read,
        competitions::mine,
        competitions::draft,
        competitions::get_one,
        competitions::edit,
        competitions::submit,
        competitions::queue,
        competitions::return_need,
        competitions::accept,
        competitions::publish,
        competitions::published,
        competitions::public_need,
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
        cases::CaseView,
        cases::CaseDetail,
        cases::CaseRequest,
        cases::ActionRequest,
        cases::RatingRequest,
        cases::TransferRequest,
        cases::TargetsRequest,
        cases::ItemRequest,
        cases::ItemDone,
        cases::TeamRequest,
        cases::CategoryTargets,
        cases::CalendarYear,
        cases::CalendarYearRequest,
        cases::PairingRequest,
        figures::TeamFiguresView,
        figures::MonthFiguresView,
        figures::BacklogView,
        notifications::NotificationView,
        notifications::NotificationList,
        notifications::MarkRead,
        notifications::MarkedRead,
        crate::accounts::RegistrationInput,
        crate::accounts::StaffInput,
        competitions::NeedView,
        competitions::NeedDetail,
        competitions::IndicatorView,
        competitions::CriterionView,
        competitions::ListView,
        competitions::PublishedList,
        competitions::NeedRequest,
        competitions::IndicatorRequest,
        competitions::CriterionRequest,
        competitions::ReturnRequest,
        competitions::ListRequest,
        competitions::TooEarlyBody,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Sign-up, sign-in, sessions and account administration"),
        (name = "policy", description = "Policy decisions and their explanations"),
        (name = "service-desk", description = "Industry service teams: cases, their clocks on the official calendar, teams and the calendar"),
        (name = "notifications", description = "The caller's notifications: replies, resolutions, warnings before a breach, reminders"),
        (name = "competitions", description = "Open competitions (揭榜挂帅): research needs, their review, and the numbered lists they are published on")
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

/// The API's routes and who may use each (see [`crate::routes`]). An unknown `/api/…` path
/// falls through to the site's 404, which the error layer answers in JSON.
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, delete, get, post, put};
    use yingcai_domain::Role::{Admin, Officer};
    vec![
        get("/api/v1/openapi.json", Access::Public, openapi),
        post("/api/v1/accounts", Access::Public, accounts::register),
        post("/api/v1/session", Access::Public, accounts::sign_in),
        delete("/api/v1/session", Access::SignedIn, accounts::sign_out),
        post(
            "/api/v1/session/revoke-all",
            Access::SignedIn,
            accounts::sign_out_everywhere,
        ),
        get("/api/v1/me", Access::SignedIn, accounts::me),
        put(
            "/api/v1/me/password",
            Access::SignedIn,
            accounts::change_password,
        ),
        get(
            "/api/v1/admin/accounts",
            Access::Role(Admin),
            accounts::list,
        ),
        post(
            "/api/v1/admin/accounts",
            Access::Role(Admin),
            accounts::create,
        ),
        get(
            "/api/v1/admin/accounts/{id}",
            Access::Role(Admin),
            accounts::get_one,
        ),
        put(
            "/api/v1/admin/accounts/{id}/roles",
            Access::Role(Admin),
            accounts::set_roles,
        ),
        post(
            "/api/v1/admin/accounts/{id}/password-reset",
            Access::Role(Admin),
            accounts::reset_password,
        ),
        put(
            "/api/v1/admin/accounts/{id}/status",
            Access::Role(Admin),
            accounts::set_status,
        ),
        get(
            "/api/v1/talents/{talent}/explanation",
            Access::OfficerOrOwner,
            policy::explanation,
        ),
        get("/api/v1/cases", Access::SignedIn, cases::list),
        post("/api/v1/cases", Access::SignedIn, cases::raise),
        get("/api/v1/cases/{id}", Access::OfficerOrOwner, cases::get_one),
        post(
            "/api/v1/cases/{id}/actions",
            Access::OfficerOrOwner,
            cases::act,
        ),
        post(
            "/api/v1/cases/{id}/rating",
            Access::OfficerOrOwner,
            cases::rate,
        ),
        post(
            "/api/v1/cases/{id}/transfer",
            Access::OfficerOrOwner,
            cases::transfer,
        ),
        put(
            "/api/v1/cases/{id}/targets",
            Access::OfficerOrOwner,
            cases::targets,
        ),
        post(
            "/api/v1/cases/{id}/items",
            Access::OfficerOrOwner,
            cases::add_item,
        ),
        post(
            "/api/v1/cases/{id}/items/done",
            Access::OfficerOrOwner,
            cases::item_done,
        ),
        get("/api/v1/service-teams", Access::SignedIn, cases::teams),
        get(
            "/api/v1/service-categories",
            Access::SignedIn,
            cases::categories,
        ),
        post(
            "/api/v1/admin/service-teams",
            Access::Role(Admin),
            cases::create_team,
        ),
        put(
            "/api/v1/admin/service-teams/{id}",
            Access::Role(Admin),
            cases::update_team,
        ),
        put(
            "/api/v1/admin/service-categories",
            Access::Role(Admin),
            cases::set_category,
        ),
        get(
            "/api/v1/admin/calendar-years",
            Access::Role(Admin),
            cases::calendar_years,
        ),
        post(
            "/api/v1/admin/calendar-years",
            Access::Role(Admin),
            cases::add_calendar_year,
        ),
        put(
            "/api/v1/enterprises/{id}/team",
            Access::Role(Officer),
            cases::pair,
        ),
        get(
            "/api/v1/service-teams/{id}/figures",
            Access::Public,
            figures::team,
        ),
        get(
            "/api/v1/notifications",
            Access::SignedIn,
            notifications::list,
        ),
        post(
            "/api/v1/notifications/read",
            Access::SignedIn,
            notifications::mark_read,
        ),
        get("/api/v1/needs", Access::SignedIn, competitions::mine),
        post("/api/v1/needs", Access::SignedIn, competitions::draft),
        get(
            "/api/v1/needs/{id}",
            Access::OfficerOrOwner,
            competitions::get_one,
        ),
        put("/api/v1/needs/{id}", Access::Owner, competitions::edit),
        post(
            "/api/v1/needs/{id}/submit",
            Access::Owner,
            competitions::submit,
        ),
        get(
            "/api/v1/officer/needs",
            Access::Role(Officer),
            competitions::queue,
        ),
        post(
            "/api/v1/needs/{id}/return",
            Access::Role(Officer),
            competitions::return_need,
        ),
        post(
            "/api/v1/needs/{id}/accept",
            Access::Role(Officer),
            competitions::accept,
        ),
        post(
            "/api/v1/competition-lists",
            Access::Role(Officer),
            competitions::publish,
        ),
        get(
            "/api/v1/competitions",
            Access::Public,
            competitions::published,
        ),
        get(
            "/api/v1/competitions/needs/{id}",
            Access::Public,
            competitions::public_need,
        ),
    ]
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
