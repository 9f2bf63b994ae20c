//! yingcai's web front: server-rendered pages in Simplified Chinese and English, and a
//! JSON API under `/api/v1` for the same operations.
//!
//! [`app`] is the only way to get the router, so tests and the binary serve the same thing.
//! Handlers are thin: they parse input into domain types, call a service function
//! (the `yingcai-services` crate) shared by pages, API and CLI, and render. Nothing here knows whether the
//! store runs on SQLite or PostgreSQL, and no handler keeps state between requests.
//!
//! Where things go:
//! - a page: a handler in `pages/<area>.rs`, a template in `templates/`, its strings in
//!   `locales/{zh-CN,en}/main.ftl`, its route with its access rule in that area's
//!   `routes()` (see [`routes`]; the authorisation test picks it up from there);
//! - an API operation: `api/<area>.rs` with a `#[utoipa::path]`, listed in [`api::ApiDoc`]
//!   and, with its access rule, in `api::routes()`.

mod api;
mod assets;
mod context;
mod default_teams;
pub mod demo;
mod error;
mod i18n;
mod layers;
mod pages;
mod policy;
mod render;
pub mod routes;
pub mod twins;

// The operations the pages and the API call; re-exported so handlers name them as before.
pub use yingcai_services::{accounts, documents, registry, security};

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderName;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use yingcai_store::Store;

pub use context::Ctx;
pub use default_teams::create_default_teams;
pub use error::AppError;
pub use i18n::translate;
pub use pages::notifications::notification_mail;

/// Web settings (a part of the binary's settings).
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebSettings {
    /// The address people use to reach the site, e.g. `https://talent.example.gov.cn`.
    /// An `https` address makes cookies `Secure`.
    pub public_url: String,
    /// Hours a sign-in lasts.
    pub session_hours: u32,
    /// The reverse proxies in front of the site (addresses or networks, e.g. `10.0.0.5` or
    /// `10.0.0.0/24`). `X-Forwarded-For` and `X-Forwarded-Proto` are believed only when the
    /// connection comes from one of them; the client is the nearest address in
    /// `X-Forwarded-For` that is not one of them. Empty: the connection's own address.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Failed sign-ins per account from one address within the window before that address
    /// is paused for that account (the owner elsewhere is not).
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
    /// Working hours of a working day for service clocks (Beijing time), e.g.
    /// `["09:00-12:00", "13:00-17:00"]`.
    pub working_hours: Vec<String>,
    /// Calendar days after a resolution in which the requester may reopen a case.
    pub case_reopen_days: u32,
    /// A case's owner and team leader are warned when this percentage of a target is spent.
    pub case_warn_percent: u8,
    /// Working days (official calendar) a talent or enterprise is given to answer when an
    /// officer returns their submission asking for documents or corrections; the date is
    /// shown to both, and nothing happens on its own when it passes.
    pub document_request_working_days: u32,
    /// The mail server that e-mails notifications (`[web.smtp]`); none: notifications are
    /// only shown on the site.
    pub smtp: Option<yingcai_services::mail::SmtpSettings>,
    /// Open competitions: days from a list's publication to the earliest bid deadline of
    /// its needs (a list with a need closing sooner is refused).
    pub competition_min_bid_days: u32,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            public_url: "http://127.0.0.1:8080".into(),
            session_hours: 12,
            trusted_proxies: Vec::new(),
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
            working_hours: ["09:00-12:00", "13:00-17:00"].map(String::from).to_vec(),
            case_reopen_days: 15,
            case_warn_percent: 80,
            document_request_working_days: 10,
            smtp: None,
            competition_min_bid_days: 30,
        }
    }
}

impl WebSettings {
    fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The part of these settings that card issuing applies.
    pub fn card_rules(&self) -> yingcai_services::cards::CardRules {
        yingcai_services::cards::CardRules {
            auto_issue: self.cards_auto_issue,
            valid_years: self.card_valid_years,
        }
    }

    /// Whether the settings hold together (checked when the site starts).
    pub fn check(&self) -> anyhow::Result<()> {
        yingcai_worktime::WorkingHours::parse(&self.working_hours)
            .map_err(|e| anyhow::anyhow!("working_hours: {e}"))?;
        anyhow::ensure!(
            (1..=100).contains(&self.case_warn_percent),
            "case_warn_percent must be between 1 and 100"
        );
        anyhow::ensure!(
            (1..=60).contains(&self.document_request_working_days),
            "document_request_working_days must be between 1 and 60"
        );
        anyhow::ensure!(
            (1..=365).contains(&self.competition_min_bid_days),
            "competition_min_bid_days must be between 1 and 365"
        );
        if let Some(smtp) = &self.smtp {
            yingcai_services::mail::Mailer::new(smtp).map_err(|e| anyhow::anyhow!("smtp: {e}"))?;
        }
        Ok(())
    }

    /// The working hours every working-time deadline is counted in.
    pub fn work_hours(&self) -> yingcai_worktime::WorkingHours {
        // Checked at start (`check`); the default hours otherwise.
        yingcai_worktime::WorkingHours::parse(&self.working_hours)
            .unwrap_or_else(|_| yingcai_worktime::WorkCalendar::builtin().hours().clone())
    }

    /// The part of these settings that the service teams' case desk applies.
    pub fn desk_rules(&self) -> yingcai_services::service_desk::DeskRules {
        yingcai_services::service_desk::DeskRules {
            hours: self.work_hours(),
            reopen_days: self.case_reopen_days,
            warn_percent: self.case_warn_percent,
        }
    }

    /// How a notification reads as an e-mail: the catalogues' words, with links to this
    /// site (`public_url`).
    pub fn mail_renderer(&self) -> yingcai_services::mail::RenderMail {
        let public_url = self.public_url.clone();
        Arc::new(move |notification, locale| notification_mail(&public_url, notification, locale))
    }

    /// The part of these settings that sign-in applies.
    pub fn sign_in_rules(&self) -> accounts::SignInRules {
        accounts::SignInRules {
            session_hours: self.session_hours,
            max_failures_per_account: self.max_failures_per_account,
            max_failures_per_address: self.max_failures_per_address,
            throttle_minutes: self.throttle_minutes,
        }
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
    policies: yingcai_services::policy::Policies,
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
        settings.check()?;
        Ok(AppState {
            inner: Arc::new(Inner {
                store,
                settings,
                templates: render::environment()?,
                policies: yingcai_services::policy::Policies::new(),
                card_signer,
            }),
        })
    }

    pub fn policies(&self) -> &yingcai_services::policy::Policies {
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
    app_with(state, Router::new())
}

/// The site with `extra` routes beside its own, behind the same layers (tests add a
/// handler that panics, to see the visitor still gets a page).
pub fn app_with(state: AppState, extra: Router<AppState>) -> Router {
    let pages = routes::router(&state);

    Router::new()
        .merge(pages)
        .merge(extra)
        .fallback(pages::home::not_found)
        // Inside the error middleware, so a panic is rendered and logged like any 500.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            layers::panic_to_error,
        ))
        .layer(axum::middleware::from_fn(layers::refuse_nul_in_query))
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
        // Outermost, so even the timeout's answer carries the headers.
        .layer(axum::middleware::from_fn(layers::security_headers))
        .with_state(state)
}
