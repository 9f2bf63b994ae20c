//! The JSON API, `/api/v1`: the same operations as the pages, described by an OpenAPI
//! document generated from these handlers (`GET /api/v1/openapi.json`).
//!
//! Authentication: `POST /api/v1/session` returns a bearer token. A browser that is signed
//! in by cookie may call the API too, sending its anti-forgery token as `X-CSRF-Token` on
//! anything that changes state. Errors are `{"error", "message", "fields"?}` with messages
//! in the caller's language (`Accept-Language`).

mod accounts;
mod audit;
mod bids;
mod case_files;
mod cases;
mod competitions;
mod deadlines;
mod docs;
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
        cases::default_teams,
        case_files::upload,
        case_files::list,
        case_files::download,
        figures::team,
        figures::overview,
        audit::list,
        cases::team,
        notifications::breaches,
        notifications::list,
        notifications::mark_read,
        deadlines::queue,
        deadlines::return_submission,
        deadlines::mine,
        deadlines::my_offers,
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
        bids::mine,
        bids::create,
        bids::get_one,
        bids::edit,
        bids::upload,
        bids::remove_document,
        bids::download,
        bids::submit,
        bids::withdraw,
        bids::need_bids,
        bids::override_check,
        bids::public_count,
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
        cases::DefaultTeamsCreated,
        case_files::AttachmentView,
        case_files::AttachmentUpload,
        case_files::CaseUpload,
        figures::TeamFiguresView,
        figures::MonthFiguresView,
        figures::BacklogView,
        figures::PublicFiguresView,
        audit::AuditEntryView,
        audit::AuditPage,
        notifications::BreachView,
        notifications::BreachList,
        notifications::NotificationView,
        notifications::NotificationList,
        notifications::MarkRead,
        notifications::MarkedRead,
        crate::accounts::RegistrationInput,
        crate::accounts::StaffInput,
        deadlines::SubmissionView,
        deadlines::ReturnRequest,
        deadlines::ReturnedView,
        deadlines::OfferView,
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
        bids::BidRequest,
        bids::BidView,
        bids::BidContentView,
        bids::MemberBody,
        bids::MilestoneBody,
        bids::RelationBody,
        bids::DocumentView,
        bids::DocumentUpload,
        bids::NeedBidsView,
        bids::OverrideRequest,
        bids::BidCountView,
    )),
    modifiers(&BearerAuth, &ErrorAnswers),
    tags(
        (name = "accounts", description = "Sign-up, sign-in, sessions and account administration"),
        (name = "policy", description = "Policy decisions and their explanations"),
        (name = "service-desk", description = "Industry service teams: cases, their clocks on the official calendar, teams and the calendar"),
        (name = "notifications", description = "The caller's notifications: replies, resolutions, warnings before a breach, reminders"),
        (name = "verification", description = "Requests for documents and apartment offers with their answer-by dates, in working days on the official calendar"),
        (name = "competitions", description = "Open competitions (揭榜挂帅): research needs, their review, the numbered lists they are published on, and sealed bids (opened after each need's deadline)")
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

/// Adds to every operation the error answers the site's layers can give it, whatever its
/// handler does: the extractors refuse unreadable input (400) and oversized bodies (413),
/// the route's access rule refuses strangers (401) and other roles (403), anything that
/// changes state needs the anti-forgery token when called with a cookie (403), a path with
/// an id may name nothing the caller can see (404), a body may hold wrong fields (422),
/// sign-in and sign-up are throttled (429). Handlers list their own answers; this only
/// fills in what they left out, from the route table, so the document cannot forget a
/// new route's rule.
struct ErrorAnswers;

impl utoipa::Modify for ErrorAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

        let access: std::collections::HashMap<(&str, &str), crate::routes::Access> =
            crate::routes::route_table()
                .into_iter()
                .map(|r| ((r.method, r.path), r.access))
                .collect();
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            for method in ["GET", "POST", "PUT", "DELETE"] {
                let operation = match method {
                    "GET" => item.get.as_mut(),
                    "POST" => item.post.as_mut(),
                    "PUT" => item.put.as_mut(),
                    _ => item.delete.as_mut(),
                };
                let Some(operation) = operation else { continue };
                let protected = access
                    .get(&(method, path.as_str()))
                    .is_some_and(|a| *a != crate::routes::Access::Public);
                let writes = method != "GET";
                let mut answers = vec![
                    (
                        "400",
                        "The request could not be read: a parameter or the body is not of the documented form.",
                    ),
                    ("500", "An internal error; nothing was changed."),
                ];
                if protected {
                    answers.push(("401", "Not signed in, or the session or token has ended."));
                }
                if protected || writes {
                    answers.push(("403", "The caller's role may not do this, or (with a cookie) the anti-forgery token is missing."));
                }
                if path.contains('{') {
                    answers.push(("404", "Nothing with this id that the caller may see."));
                }
                let has_query = operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query);
                if writes {
                    answers.push(("413", "The body is larger than this operation accepts."));
                }
                if writes || has_query {
                    answers.push(("422", "One or more fields are wrong; each is named with a message in the caller's language."));
                }
                if writes && !protected {
                    answers.push((
                        "429",
                        "Too many attempts from this address or for this account; try again later.",
                    ));
                }
                for (code, description) in answers {
                    operation
                        .responses
                        .responses
                        .entry(code.to_owned())
                        .or_insert_with(|| error(description));
                }
            }
        }
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
    use yingcai_domain::Role::{Admin, Officer, Talent};
    vec![
        get("/api/v1/openapi.json", Access::Public, openapi),
        get("/api/docs", Access::Public, docs::page_view),
        get("/api/docs/{file}", Access::Public, docs::file),
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
        post("/api/v1/cases", Access::SignedIn, cases::raise)
            .body_limit(crate::documents::MAX_BODY),
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
        post(
            "/api/v1/admin/service-teams/defaults",
            Access::Role(Admin),
            cases::default_teams,
        ),
        get(
            "/api/v1/service-teams/{id}/figures",
            Access::Public,
            figures::team,
        ),
        get("/api/v1/admin/audit", Access::Role(Admin), audit::list),
        get(
            "/api/v1/breaches",
            Access::Role(Officer),
            notifications::breaches,
        ),
        get("/api/v1/service-figures", Access::Public, figures::overview),
        get("/api/v1/service-teams/{id}", Access::SignedIn, cases::team),
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
        post(
            "/api/v1/cases/{id}/attachments",
            Access::OfficerOrOwner,
            case_files::upload,
        )
        .body_limit(crate::documents::MAX_BODY),
        get(
            "/api/v1/cases/{id}/attachments",
            Access::OfficerOrOwner,
            case_files::list,
        ),
        get(
            "/api/v1/cases/{id}/attachments/{attachment}",
            Access::OfficerOrOwner,
            case_files::download,
        ),
        get(
            "/api/v1/submissions",
            Access::Role(Officer),
            deadlines::queue,
        ),
        post(
            "/api/v1/submissions/{id}/return",
            Access::Role(Officer),
            deadlines::return_submission,
        ),
        get("/api/v1/me/submissions", Access::SignedIn, deadlines::mine),
        get(
            "/api/v1/me/housing-offers",
            Access::Role(Talent),
            deadlines::my_offers,
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
    .into_iter()
    .chain(bids::routes())
    .collect()
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
