//! yingcai's web front: server-rendered pages in Simplified Chinese and English, and a
//! JSON API under `/api/v1` for the same operations.
//!
//! [`app`] is the only way to get the router, so tests and the binary serve the same thing.
//! Handlers are thin: they parse input into domain types, call a service function
//! ([`accounts`]) shared by pages, API and CLI, and render. Nothing here knows whether the
//! store runs on SQLite or PostgreSQL, and no handler keeps state between requests.
//!
//! Where things go:
//! - a page: a handler in `pages/<area>.rs`, a template in `templates/`, its strings in
//!   `locales/{zh-CN,en}/main.ftl`, its route in [`app`];
//! - an API operation: `api/<area>.rs` with a `#[utoipa::path]`, listed in [`api::ApiDoc`].

pub mod accounts;
mod api;
mod assets;
mod context;
pub mod demo;
pub mod documents;
mod error;
mod i18n;
mod pages;
mod policy;
pub mod registry;
mod render;
pub mod security;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderName;
use axum::routing::{get, post};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use yingcai_store::Store;

pub use context::Ctx;
pub use error::AppError;
pub use i18n::translate;

/// Web settings (a part of the binary's settings).
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebSettings {
    /// The address people use to reach the site, e.g. `https://talent.example.gov.cn`.
    /// An `https` address makes cookies `Secure`.
    pub public_url: String,
    /// Hours a sign-in lasts.
    pub session_hours: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Failed sign-ins per account within the window before the account is paused.
    pub max_failures_per_account: u32,
    /// Failed sign-ins per client address within the window before it is paused.
    pub max_failures_per_address: u32,
    /// The throttling window, in minutes.
    pub throttle_minutes: u32,
    /// Honour codes a talent may hold (labels: `honors-<code>` in the catalogues, or the code).
    pub honors: Vec<String>,
    /// The city's districts, for records and the officers' queue.
    pub districts: Vec<String>,
    /// Where uploaded documents are kept (shared by every app server of a site).
    pub documents_dir: String,
    /// Industry codes enterprises choose from (labels: `industry-<code>` in the catalogues).
    pub industries: Vec<String>,
    /// Issue a green card as soon as a verified record qualifies, without an officer.
    pub cards_auto_issue: bool,
    /// Years a green card is valid from its issue date.
    pub card_valid_years: u16,
    /// The audit log's signed checkpoints, appended outside the database (by `serve` and
    /// `yingcai audit checkpoint`) and offered to administrators at /admin/audit/checkpoints.
    pub audit_checkpoint_file: String,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            public_url: "http://127.0.0.1:8080".into(),
            session_hours: 12,
            trust_forwarded_for: false,
            max_failures_per_account: 5,
            max_failures_per_address: 20,
            throttle_minutes: 15,
            honors: ["academician", "national_leading", "provincial_leading"]
                .map(String::from)
                .to_vec(),
            districts: [
                "长安区",
                "桥西区",
                "新华区",
                "裕华区",
                "井陉矿区",
                "藁城区",
                "鹿泉区",
                "栾城区",
                "高新区",
            ]
            .map(String::from)
            .to_vec(),
            documents_dir: "data/documents".into(),
            // Xiong'an's industry directions.
            industries: [
                "next_gen_it",
                "life_sciences",
                "new_materials",
                "modern_services",
                "green_agriculture",
            ]
            .map(String::from)
            .to_vec(),
            cards_auto_issue: false,
            card_valid_years: 3,
            audit_checkpoint_file: "data/audit-checkpoints.txt".into(),
        }
    }
}

impl WebSettings {
    fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// What every handler can reach. Holds no per-user state: that lives in the database.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    settings: WebSettings,
    templates: minijinja::Environment<'static>,
    policies: yingcai_jobs::policy::Policies,
    card_signer: yingcai_card::CardSigner,
}

impl AppState {
    /// `card_signer` signs the green cards' QR tokens; every app server of a site needs
    /// the same key, and its public half is published at `/verify/public-key.pem`.
    pub fn new(
        store: Store,
        settings: WebSettings,
        card_signer: yingcai_card::CardSigner,
    ) -> anyhow::Result<AppState> {
        Ok(AppState {
            inner: Arc::new(Inner {
                store,
                settings,
                templates: render::environment()?,
                policies: yingcai_jobs::policy::Policies::new(),
                card_signer,
            }),
        })
    }

    pub fn policies(&self) -> &yingcai_jobs::policy::Policies {
        &self.inner.policies
    }

    pub fn card_signer(&self) -> &yingcai_card::CardSigner {
        &self.inner.card_signer
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn settings(&self) -> &WebSettings {
        &self.inner.settings
    }

    fn templates(&self) -> &minijinja::Environment<'static> {
        &self.inner.templates
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole site: pages, API, assets, health checks.
pub fn app(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(pages::home::home))
        .route("/lang/{tag}", get(pages::home::switch_language))
        .route(
            "/register",
            get(pages::auth::register_form).post(pages::auth::register),
        )
        .route(
            "/login",
            get(pages::auth::login_form).post(pages::auth::login),
        )
        .route("/logout", post(pages::auth::logout))
        .route("/account", get(pages::account::show))
        .route(
            "/account/password",
            get(pages::account::password_form).post(pages::account::change_password),
        )
        .route(
            "/account/sign-out-everywhere",
            post(pages::account::sign_out_everywhere),
        )
        .route("/workspace/{role}", get(pages::workspace::show))
        .route(
            "/talent/profile",
            get(pages::talent::profile).post(pages::talent::save_profile),
        )
        .route("/talent/profile/history", get(pages::talent::history))
        .route(
            "/enterprise/profile",
            get(pages::enterprise::profile).post(pages::enterprise::save_profile),
        )
        .route(
            "/talent/profile/documents",
            post(pages::talent::attach)
                .layer(axum::extract::DefaultBodyLimit::max(documents::MAX_BODY)),
        )
        .route("/documents/{id}/delete", post(pages::talent::detach))
        .route(
            "/enterprise/profile/documents",
            post(pages::enterprise::attach)
                .layer(axum::extract::DefaultBodyLimit::max(documents::MAX_BODY)),
        )
        .route("/documents/{id}", get(pages::talent::download))
        .route(
            "/officer/import",
            get(pages::import::form).post(pages::import::upload).layer(
                axum::extract::DefaultBodyLimit::max(pages::import::MAX_UPLOAD),
            ),
        )
        .route("/officer/import/reports/{id}", get(pages::import::report))
        .route("/officer/submissions", get(pages::review::queue))
        .route("/officer/submissions/{id}", get(pages::review::show))
        .route(
            "/officer/submissions/{id}/verify",
            post(pages::review::verify),
        )
        .route(
            "/officer/submissions/{id}/return",
            post(pages::review::send_back),
        )
        .route("/admin/users", get(pages::admin::list))
        .route("/admin/audit", get(pages::audit::list))
        .route("/admin/audit/checkpoints", get(pages::audit::checkpoints))
        .route("/admin/jobs", get(pages::jobs::list))
        .route(
            "/admin/users/new",
            get(pages::admin::new_form).post(pages::admin::create),
        )
        .route("/admin/users/{id}", get(pages::admin::show))
        .route("/admin/users/{id}/roles", post(pages::admin::set_roles))
        .route(
            "/admin/users/{id}/password",
            post(pages::admin::reset_password),
        )
        .route("/admin/users/{id}/status", post(pages::admin::set_status))
        .route("/talent/benefits", get(pages::policy::benefits))
        .route(
            "/talent/entitlements/{id}/confirm",
            post(pages::policy::confirm_entitlement),
        )
        .route("/talent/card", get(pages::policy::card_page))
        .route("/talent/payments", get(pages::payments::history))
        .route("/officer/talents/{id}", get(pages::policy::officer_talent))
        .route(
            "/officer/talents/{id}/card",
            post(pages::policy::officer_issue_card),
        )
        .route(
            "/officer/cards/{id}/revoke",
            post(pages::policy::officer_revoke_card),
        )
        .route(
            "/officer/entitlements",
            get(pages::policy::officer_entitlements),
        )
        .route(
            "/officer/entitlements/{id}/hold",
            post(pages::policy::officer_hold_entitlement),
        )
        .route("/officer/housing", get(pages::housing::inventory))
        .route(
            "/officer/housing/complexes",
            post(pages::housing::create_complex),
        )
        .route(
            "/officer/housing/complexes/{id}",
            get(pages::housing::complex),
        )
        .route(
            "/officer/housing/complexes/{id}/unit-types",
            post(pages::housing::add_unit_type),
        )
        .route(
            "/officer/housing/units/{id}/status",
            post(pages::housing::unit_status),
        )
        .route(
            "/officer/housing/import",
            get(pages::housing::import_form)
                .post(pages::housing::import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    pages::import::MAX_UPLOAD,
                )),
        )
        .route(
            "/officer/housing/rounds",
            get(pages::housing::rounds).post(pages::housing::open_round),
        )
        .route("/officer/housing/rounds/{id}", get(pages::housing::round))
        .route(
            "/officer/housing/rounds/{id}/run",
            post(pages::housing::run_round),
        )
        .route("/officer/housing/occupancy", get(pages::housing::occupancy))
        .route(
            "/officer/housing/leases/{id}/notice",
            post(pages::housing::lease_notice),
        )
        .route("/housing/rounds/{id}", get(pages::housing::public_round))
        .route(
            "/housing/rounds/{id}/{file}",
            get(pages::housing::round_file),
        )
        .route("/talent/housing", get(pages::apartment::page))
        .route(
            "/talent/housing/rounds/{id}/ballot",
            post(pages::apartment::ballot),
        )
        .route(
            "/talent/housing/rounds/{id}/withdraw",
            post(pages::apartment::withdraw),
        )
        .route(
            "/talent/housing/offers/{id}/accept",
            post(pages::apartment::accept),
        )
        .route(
            "/talent/housing/offers/{id}/decline",
            post(pages::apartment::decline),
        )
        .route(
            "/officer/payments",
            get(pages::payments::list).post(pages::payments::run),
        )
        .route("/officer/payments/{month}", get(pages::payments::show))
        .route("/officer/payments/lines/{id}", get(pages::payments::line))
        .route(
            "/officer/payments/{month}/approve",
            post(pages::payments::approve),
        )
        .route(
            "/officer/payments/{month}/export",
            post(pages::payments::export),
        )
        .route(
            "/officer/payments/{month}/settlement",
            post(pages::payments::settle).layer(axum::extract::DefaultBodyLimit::max(
                pages::import::MAX_UPLOAD,
            )),
        )
        .route(
            "/officer/payments/{month}/{file}",
            get(pages::payments::bank_file),
        )
        .route("/officer/reports", get(pages::payments::reports))
        .route("/officer/receivables", get(pages::payments::receivables))
        .route(
            "/officer/receivables/{talent}/repayment",
            post(pages::payments::repayment),
        )
        .route(
            "/officer/reports/{month}",
            get(pages::payments::report_xlsx),
        )
        .route("/calculator", get(pages::policy::calculator))
        .route("/verify", get(pages::policy::verify))
        .route("/verify/public-key.pem", get(pages::policy::public_key))
        .route("/verify/revoked.txt", get(pages::policy::revoked))
        .route(
            "/admin/policy",
            get(pages::sandbox::list).post(pages::sandbox::create),
        )
        .route(
            "/admin/policy/upload",
            post(pages::sandbox::upload)
                .layer(axum::extract::DefaultBodyLimit::max(documents::MAX_BODY)),
        )
        .route(
            "/admin/policy/{id}",
            get(pages::sandbox::show).post(pages::sandbox::save),
        )
        .route("/admin/policy/{id}/publish", post(pages::sandbox::publish))
        .route("/healthz", get(pages::health::healthz))
        .route("/readyz", get(pages::health::readyz))
        .route("/static/{*path}", get(assets::serve));

    Router::new()
        .merge(pages)
        .nest("/api/v1", api::router())
        .fallback(pages::home::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::log_errors))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let request_id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
        })
        .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}
