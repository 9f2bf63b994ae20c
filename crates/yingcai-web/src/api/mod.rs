//! The JSON API, `/api/v1`: the same operations as the pages, described by an OpenAPI
//! document generated from these handlers (`GET /api/v1/openapi.json`).
//!
//! Authentication: `POST /api/v1/session` returns a bearer token. A browser that is signed
//! in by cookie may call the API too, sending its anti-forgery token as `X-CSRF-Token` on
//! anything that changes state. Errors are `{"error", "message", "fields"?}` with messages
//! in the caller's language (`Accept-Language`).

mod accounts;
mod audit;
mod benefits;
mod bids;
mod case_files;
mod cases;
mod competitions;
mod deadlines;
mod docs;
mod figures;
mod housing;
mod imports;
mod notifications;
mod payments;
mod policy;
mod registry;
mod sandbox;

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
        benefits::mine,
        benefits::confirm,
        benefits::my_card,
        benefits::of_talent,
        benefits::issue,
        benefits::revoke,
        benefits::list,
        benefits::hold,
        benefits::calculator,
        benefits::verify,
        sandbox::list,
        sandbox::create,
        sandbox::upload,
        sandbox::get_one,
        sandbox::save,
        sandbox::publish,
        registry::my_profile,
        registry::save_profile,
        registry::history,
        registry::attach,
        registry::download,
        registry::remove,
        registry::my_enterprise,
        registry::save_enterprise,
        registry::attach_enterprise,
        registry::submission,
        registry::verify,
        imports::talents,
        imports::report,
        imports::jobs,
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
        payments::mine,
        payments::runs,
        payments::compute,
        payments::run,
        payments::lines,
        payments::line,
        payments::approve,
        payments::export,
        payments::bank_file,
        payments::settle,
        payments::report,
        payments::month_report,
        payments::receivables,
        payments::repayment,
        housing::mine,
        housing::ballot,
        housing::withdraw,
        housing::accept,
        housing::decline,
        housing::complexes,
        housing::create_complex,
        housing::complex,
        housing::add_unit_type,
        housing::unit_status,
        housing::import,
        housing::rounds,
        housing::open_round,
        housing::round,
        housing::run_round,
        housing::public_round,
        housing::occupancy,
        housing::lease_notice,
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
        benefits::TextView,
        benefits::ServiceView,
        benefits::CardView,
        benefits::ScheduleView,
        benefits::EntitlementView,
        benefits::BenefitNoticeView,
        benefits::MyBenefitsView,
        benefits::ConfirmRequest,
        benefits::MyCardView,
        benefits::TalentBenefitsView,
        benefits::ReasonRequest,
        benefits::EntitlementPage,
        benefits::HoldRequest,
        benefits::CalculationView,
        benefits::CardCheckView,
        sandbox::PolicyVersionView,
        sandbox::SourceRequest,
        sandbox::DraftCreated,
        sandbox::PackUpload,
        sandbox::ImpactMonth,
        sandbox::ImpactView,
        sandbox::PolicyVersionDetail,
        sandbox::PublishRequest,
        registry::DocumentView,
        registry::SubmissionEntry,
        registry::ProfileView,
        registry::TalentProfileRequest,
        registry::SavedSubmission,
        registry::DocumentUpload,
        registry::AttachedView,
        registry::EnterpriseProfileRequest,
        registry::SubmissionDetail,
        registry::VerifiedView,
        imports::RosterUpload,
        imports::ImportedView,
        imports::RowProblem,
        imports::ImportRefusedBody,
        imports::JobView,
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
        payments::RunView,
        payments::KindTotal,
        payments::TransferView,
        payments::RunDetailView,
        payments::LineView,
        payments::LedgerEntryView,
        payments::LineDetail,
        payments::RunRequest,
        payments::SettlementView,
        payments::SettlementUpload,
        payments::MonthTotal,
        payments::SpendingRow,
        payments::SpendingSection,
        payments::SpendingReportView,
        payments::ReceivableView,
        payments::RepaymentRequest,
        housing::ComplexView,
        housing::ComplexSummaryView,
        housing::UnitTypeView,
        housing::UnitView,
        housing::ComplexDetailView,
        housing::ComplexRequest,
        housing::UnitTypeRequest,
        housing::UnitStatusRequest,
        housing::UnitStatusView,
        housing::RoundView,
        housing::HousingOfferView,
        housing::LeaseView,
        housing::RoundOfferView,
        housing::WaitingListView,
        housing::RoundDetailView,
        housing::PublicRoundView,
        housing::RoundRequest,
        housing::OccupancyView,
        housing::NoticeRequest,
        housing::CheckView,
        housing::RoundComplexView,
        housing::OpenRoundView,
        housing::RoundResultView,
        housing::TalentHousingView,
        housing::BallotRequest,
        housing::InventoryRefusedBody,
        housing::RowProblem,
        housing::InventoryImported,
        housing::InventoryUpload,
        yingcai_services::housing::RoundFigures,
        yingcai_services::housing::ComplexFigures,
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
    modifiers(&BearerAuth, &ErrorAnswers, &OperationIds),
    tags(
        (name = "accounts", description = "Sign-up, sign-in, sessions and account administration"),
        (name = "policy", description = "Policy decisions and their explanations"),
        (name = "registry", description = "A talent's and an enterprise's own record, its submissions for verification and its documents"),
        (name = "benefits", description = "Benefits without application: a talent's entitlements and card, officers' holds, issues and revocations, the public calculator and card check"),
        (name = "service-desk", description = "Industry service teams: cases, their clocks on the official calendar, teams and the calendar"),
        (name = "notifications", description = "The caller's notifications: replies, resolutions, warnings before a breach, reminders"),
        (name = "verification", description = "Requests for documents and apartment offers with their answer-by dates, in working days on the official calendar"),
        (name = "housing", description = "Talent apartments: the inventory and its import, application rounds with a published lottery seed, ballots, the allocation run, offers, leases and occupancy"),
        (name = "payments", description = "Monthly payment runs: computing, approval by a second officer, the bank file and the bank's settlement, payment lines and their ledger postings, spending reports, overpayments owed back"),
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

/// Names every operation after its method and path (`get_cases_by_id`,
/// `post_policy_by_id_publish`, `get_housingRounds_by_id`): unique by construction, stable while the path is, and what
/// a generated client calls its methods. The handlers' own names repeat across areas
/// (`list`, `get_one`), which OpenAPI forbids.
struct OperationIds;

impl utoipa::Modify for OperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let name: Vec<String> = path
                .trim_start_matches("/api/v1/")
                .trim_start_matches('/')
                .split('/')
                .map(|segment| match segment.strip_prefix('{') {
                    Some(parameter) => format!("by_{}", parameter.trim_end_matches('}')),
                    // `housing-rounds` → `housingRounds`, so it cannot meet the path
                    // `housing/rounds` (`housing_rounds`).
                    None => segment
                        .split(['-', '.'])
                        .enumerate()
                        .map(|(i, word)| {
                            let mut chars = word.chars();
                            match (i, chars.next()) {
                                (0, _) | (_, None) => word.to_owned(),
                                (_, Some(first)) => {
                                    first.to_ascii_uppercase().to_string() + chars.as_str()
                                }
                            }
                        })
                        .collect(),
                })
                .collect();
            let name = name.join("_");
            for (method, operation) in [
                ("get", item.get.as_mut()),
                ("post", item.post.as_mut()),
                ("put", item.put.as_mut()),
                ("delete", item.delete.as_mut()),
            ] {
                if let Some(operation) = operation {
                    operation.operation_id = Some(format!("{method}_{name}"));
                }
            }
        }
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

/// Field errors as the API's error body gives them, in the caller's language.
pub(crate) fn field_messages(
    errors: &yingcai_domain::FieldErrors,
    locale: yingcai_domain::Locale,
) -> Vec<FieldMessage> {
    errors
        .iter()
        .map(|f| FieldMessage {
            field: f.field.to_owned(),
            code: f.code.to_owned(),
            message: crate::i18n::translate(locale, &format!("err-{}", f.code), &[]),
        })
        .collect()
}

/// The API's routes and who may use each (see [`crate::routes`]). An unknown `/api/…` path
/// falls through to the site's 404, which the error layer answers in JSON.
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, delete, get, post, put};
    use yingcai_domain::Role::{Admin, Enterprise, Officer, Talent};
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
        get("/api/v1/me/benefits", Access::Role(Talent), benefits::mine),
        post(
            "/api/v1/me/entitlements/{id}/confirm",
            Access::OwnTalent,
            benefits::confirm,
        ),
        get("/api/v1/me/card", Access::Role(Talent), benefits::my_card),
        get(
            "/api/v1/talents/{id}/benefits",
            Access::Role(Officer),
            benefits::of_talent,
        ),
        post(
            "/api/v1/talents/{id}/card",
            Access::Role(Officer),
            benefits::issue,
        ),
        post(
            "/api/v1/cards/{id}/revoke",
            Access::Role(Officer),
            benefits::revoke,
        ),
        get(
            "/api/v1/entitlements",
            Access::Role(Officer),
            benefits::list,
        ),
        post(
            "/api/v1/entitlements/{id}/hold",
            Access::Role(Officer),
            benefits::hold,
        ),
        get("/api/v1/calculator", Access::Public, benefits::calculator),
        get("/api/v1/cards/verify", Access::Public, benefits::verify),
        get("/api/v1/policy", Access::Role(Admin), sandbox::list),
        post(
            "/api/v1/imports/talents",
            Access::Role(Officer),
            imports::talents,
        )
        .body_limit(crate::pages::import::MAX_UPLOAD),
        get(
            "/api/v1/imports/reports/{id}",
            Access::OwnOfficer,
            imports::report,
        ),
        get("/api/v1/admin/jobs", Access::Role(Admin), imports::jobs),
        get(
            "/api/v1/me/profile",
            Access::Role(Talent),
            registry::my_profile,
        ),
        put(
            "/api/v1/me/profile",
            Access::Role(Talent),
            registry::save_profile,
        ),
        get(
            "/api/v1/me/profile/history",
            Access::Role(Talent),
            registry::history,
        ),
        post(
            "/api/v1/me/profile/documents",
            Access::Role(Talent),
            registry::attach,
        )
        .body_limit(crate::documents::MAX_BODY),
        get(
            "/api/v1/documents/{id}",
            Access::OfficerOrOwner,
            registry::download,
        ),
        delete("/api/v1/documents/{id}", Access::Owner, registry::remove),
        get(
            "/api/v1/me/enterprise",
            Access::Role(Enterprise),
            registry::my_enterprise,
        ),
        put(
            "/api/v1/me/enterprise",
            Access::Role(Enterprise),
            registry::save_enterprise,
        ),
        post(
            "/api/v1/me/enterprise/documents",
            Access::Role(Enterprise),
            registry::attach_enterprise,
        )
        .body_limit(crate::documents::MAX_BODY),
        get(
            "/api/v1/submissions/{id}",
            Access::Role(Officer),
            registry::submission,
        ),
        post(
            "/api/v1/submissions/{id}/verify",
            Access::Role(Officer),
            registry::verify,
        ),
        post("/api/v1/policy", Access::Role(Admin), sandbox::create),
        post(
            "/api/v1/policy/upload",
            Access::Role(Admin),
            sandbox::upload,
        )
        .body_limit(crate::documents::MAX_BODY),
        get("/api/v1/policy/{id}", Access::Role(Admin), sandbox::get_one),
        put("/api/v1/policy/{id}", Access::Role(Admin), sandbox::save),
        post(
            "/api/v1/policy/{id}/publish",
            Access::Role(Admin),
            sandbox::publish,
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
        get("/api/v1/me/payments", Access::Role(Talent), payments::mine),
        get(
            "/api/v1/payment-runs",
            Access::Role(Officer),
            payments::runs,
        ),
        post(
            "/api/v1/payment-runs",
            Access::Role(Officer),
            payments::compute,
        ),
        get(
            "/api/v1/payment-runs/{month}",
            Access::Role(Officer),
            payments::run,
        ),
        get(
            "/api/v1/payment-runs/{month}/lines",
            Access::Role(Officer),
            payments::lines,
        ),
        get(
            "/api/v1/payment-lines/{id}",
            Access::Role(Officer),
            payments::line,
        ),
        post(
            "/api/v1/payment-runs/{month}/approve",
            Access::Role(Officer),
            payments::approve,
        ),
        post(
            "/api/v1/payment-runs/{month}/export",
            Access::Role(Officer),
            payments::export,
        ),
        get(
            "/api/v1/payment-runs/{month}/bank-files/{file}",
            Access::Role(Officer),
            payments::bank_file,
        ),
        post(
            "/api/v1/payment-runs/{month}/settlement",
            Access::Role(Officer),
            payments::settle,
        )
        .body_limit(crate::pages::import::MAX_UPLOAD),
        get(
            "/api/v1/spending-reports",
            Access::Role(Officer),
            payments::report,
        ),
        get(
            "/api/v1/spending-reports/{month}",
            Access::Role(Officer),
            payments::month_report,
        ),
        get(
            "/api/v1/receivables",
            Access::Role(Officer),
            payments::receivables,
        ),
        post(
            "/api/v1/receivables/{talent}/repayments",
            Access::Role(Officer),
            payments::repayment,
        ),
        get("/api/v1/me/housing", Access::Role(Talent), housing::mine),
        put(
            "/api/v1/housing-rounds/{id}/ballot",
            Access::Role(Talent),
            housing::ballot,
        ),
        delete(
            "/api/v1/housing-rounds/{id}/ballot",
            Access::Role(Talent),
            housing::withdraw,
        ),
        post(
            "/api/v1/housing-offers/{id}/accept",
            Access::OwnTalent,
            housing::accept,
        ),
        post(
            "/api/v1/housing-offers/{id}/decline",
            Access::OwnTalent,
            housing::decline,
        ),
        get(
            "/api/v1/housing/complexes",
            Access::Role(Officer),
            housing::complexes,
        ),
        post(
            "/api/v1/housing/complexes",
            Access::Role(Officer),
            housing::create_complex,
        ),
        get(
            "/api/v1/housing/complexes/{id}",
            Access::Role(Officer),
            housing::complex,
        ),
        post(
            "/api/v1/housing/complexes/{id}/unit-types",
            Access::Role(Officer),
            housing::add_unit_type,
        ),
        put(
            "/api/v1/housing/units/{id}/status",
            Access::Role(Officer),
            housing::unit_status,
        ),
        post(
            "/api/v1/housing/inventory-imports",
            Access::Role(Officer),
            housing::import,
        )
        .body_limit(crate::pages::import::MAX_UPLOAD),
        get(
            "/api/v1/housing/rounds",
            Access::Role(Officer),
            housing::rounds,
        ),
        post(
            "/api/v1/housing/rounds",
            Access::Role(Officer),
            housing::open_round,
        ),
        get(
            "/api/v1/housing/rounds/{id}",
            Access::Role(Officer),
            housing::round,
        ),
        post(
            "/api/v1/housing/rounds/{id}/run",
            Access::Role(Officer),
            housing::run_round,
        ),
        get(
            "/api/v1/housing-rounds/{id}",
            Access::Public,
            housing::public_round,
        ),
        get(
            "/api/v1/housing/occupancy",
            Access::Role(Officer),
            housing::occupancy,
        ),
        post(
            "/api/v1/housing/leases/{id}/notice",
            Access::Role(Officer),
            housing::lease_notice,
        ),
    ]
    .into_iter()
    .chain(bids::routes())
    .collect()
}

async fn openapi() -> Json<serde_json::Value> {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    if let Some(schemas) = document.pointer_mut("/components/schemas") {
        drop_defaults(schemas, true);
    }
    Json(document)
}

/// Request types are read with `#[serde(default)]` (a missing field is an empty one,
/// refused with its field error), so the generator documents `default: ""`, `0` or `[]`,
/// which contradicts the field's own pattern, minimum or length: the server has no default
/// a client could rely on, so none is documented. `names` is true for a map of schemas by
/// name (a property may be called `default`).
fn drop_defaults(value: &mut serde_json::Value, names: bool) {
    match value {
        serde_json::Value::Object(map) => {
            if !names {
                map.remove("default");
            }
            for (key, child) in map.iter_mut() {
                drop_defaults(child, !names && key == "properties");
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| drop_defaults(i, false)),
        _ => {}
    }
}
