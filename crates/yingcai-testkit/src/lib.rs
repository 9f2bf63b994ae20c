//! The test harness: [`TestApp::spawn`] starts the real router on `127.0.0.1:0` over a fresh
//! database (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set) and hands out
//! [`Visitor`]s — independent cookie-keeping clients, one per simulated person.
//!
//! ```no_run
//! # async fn demo() {
//! let app = yingcai_testkit::TestApp::spawn().await;
//! let talent = app.visitor();
//! talent.sign_up("talent", "li@example.cn", "correct horse battery").await;
//! # }
//! ```

pub mod browser;
pub mod smtp;

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::{Response, StatusCode};
use tokio::sync::oneshot;
use yingcai_domain::{DisplayName, Email, Locale, Role, RoleSet};
use yingcai_services::security;
use yingcai_store::testing::TestDatabase;
use yingcai_store::{Backend, NewAccount, Store};
use yingcai_web::{AppState, WebSettings};

/// The password every account made by [`TestApp::create_account`] has.
pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub address: String,
    pub store: Store,
    db: Arc<TestDatabase>,
    /// Uploaded documents go here, not into the source tree; shared with a second server.
    documents: Arc<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
}

impl TestApp {
    /// The app over a new database on the backend chosen by the environment.
    pub async fn spawn() -> TestApp {
        let (db, store) = TestDatabase::from_env().await.expect("test database");
        Self::serve(Arc::new(db), store, WebSettings::default(), None).await
    }

    pub async fn spawn_on(backend: Backend) -> TestApp {
        let (db, store) = TestDatabase::create(backend).await.expect("test database");
        Self::serve(Arc::new(db), store, WebSettings::default(), None).await
    }

    pub async fn spawn_with(settings: WebSettings) -> TestApp {
        let (db, store) = TestDatabase::from_env().await.expect("test database");
        Self::serve(Arc::new(db), store, settings, None).await
    }

    /// The app as it runs behind a reverse proxy on the loopback address: visitors made
    /// with [`TestApp::visitor_from`] appear to come from different addresses.
    pub async fn spawn_behind_proxy() -> TestApp {
        TestApp::spawn_with(WebSettings {
            trusted_proxies: vec!["127.0.0.0/8".parse().expect("network")],
            ..Default::default()
        })
        .await
    }

    /// The app with `extra` routes beside the site's own, behind the same layers.
    pub async fn spawn_with_routes(extra: axum::Router<yingcai_web::AppState>) -> TestApp {
        let (db, store) = TestDatabase::from_env().await.expect("test database");
        Self::serve_routes(Arc::new(db), store, WebSettings::default(), None, extra).await
    }

    /// A second app server on the same database, with its own connection pool: what a
    /// load balancer in front of two `yingcai serve` processes gives.
    pub async fn second_server(&self) -> TestApp {
        let store = self.db.connect_again().await.expect("second pool");
        Self::serve(
            self.db.clone(),
            store,
            WebSettings::default(),
            Some(self.documents.clone()),
        )
        .await
    }

    async fn serve(
        db: Arc<TestDatabase>,
        store: Store,
        settings: WebSettings,
        documents: Option<Arc<tempfile::TempDir>>,
    ) -> TestApp {
        Self::serve_routes(db, store, settings, documents, axum::Router::new()).await
    }

    async fn serve_routes(
        db: Arc<TestDatabase>,
        store: Store,
        mut settings: WebSettings,
        documents: Option<Arc<tempfile::TempDir>>,
        extra: axum::Router<yingcai_web::AppState>,
    ) -> TestApp {
        let documents =
            documents.unwrap_or_else(|| Arc::new(tempfile::tempdir().expect("documents dir")));
        settings.documents_dir = documents.path().display().to_string();
        // TEST_LOG=1 shows the app's logs (errors with their causes) in test output.
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter("info")
                .with_test_writer()
                .try_init();
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("free port");
        let address = format!("http://{}", listener.local_addr().expect("bound"));
        let state = AppState::new(store.clone(), settings, test_card_signer()).expect("app state");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let app = yingcai_web::app_with(state, extra)
                .into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        TestApp {
            address,
            store,
            db,
            documents,
            stop: Some(stop),
        }
    }

    /// Where this server keeps uploaded files.
    pub fn documents_dir(&self) -> &std::path::Path {
        self.documents.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A new person with an empty cookie jar.
    pub fn visitor(&self) -> Visitor {
        Visitor::new(&self.address, None)
    }

    /// A new person whose requests say (in `X-Forwarded-For`) that they come from `addr`:
    /// what a reverse proxy adds. The app believes it only when it trusts the loopback
    /// address as a proxy (see [`TestApp::spawn_behind_proxy`]).
    pub fn visitor_from(&self, addr: &str) -> Visitor {
        Visitor::new(&self.address, Some(addr))
    }

    /// An account made directly in the store, with password [`PASSWORD`].
    pub async fn create_account(&self, email: &str, roles: &[Role]) -> i64 {
        let new = NewAccount {
            email: Email::parse(email).expect("test e-mail"),
            display_name: DisplayName::parse("display_name", &format!("Test {email}"))
                .expect("name"),
            phone: None,
            password_hash: security::hash_password(PASSWORD.into())
                .await
                .expect("hash"),
            roles: RoleSet::new(roles.to_vec()).expect("roles"),
            locale: Locale::En,
            must_change_password: false,
        };
        self.store
            .create_account(&new, &yingcai_store::Actor::System)
            .await
            .expect("create account")
    }

    /// A verified talent record owned by `owner`, made through the store's own workflow
    /// (draft, submit, verify by a system officer). `input` is checked like a form.
    pub async fn verified_talent(
        &self,
        owner: i64,
        email: &str,
        input: &yingcai_domain::TalentInput,
    ) -> i64 {
        let actor = yingcai_store::Actor::account(owner, email);
        let profile = input
            .parse(
                &WebSettings::default().honors,
                jiff::civil::Date::new(2026, 11, 29).expect("date"),
            )
            .expect("a valid test record");
        let submission = self
            .store
            .save_talent_draft(&actor, input, "长安区")
            .await
            .expect("draft");
        self.store
            .submit(submission, &actor)
            .await
            .expect("submittable");
        self.store
            .verify_talent_submission(submission, &profile, &yingcai_store::Actor::System)
            .await
            .expect("verifiable")
    }

    /// Working-calendar data, as an administrator would add it, for this year and the next
    /// when they are not built in: weekdays only, no holidays. Tests that make deadlines at
    /// the real current time (offers, requests for documents) call it, so a deadline that
    /// crosses into a year without published data does not fail them.
    pub async fn cover_calendar_years_from_now(&self) {
        let this_year = jiff::Zoned::now().year();
        let builtin = yingcai_worktime::WorkCalendar::builtin();
        for year in [this_year, this_year + 1] {
            if builtin.covers(year) {
                continue;
            }
            // A calendar year needs no holiday; an empty one is weekdays Monday to Friday.
            let data = format!("[[year]]\nyear = {year}\n");
            self.store
                .save_calendar_year(i64::from(year), &data, &yingcai_store::Actor::System)
                .await
                .expect("test calendar year");
        }
    }

    /// A visitor signed in as a new account holding `roles`.
    pub async fn signed_in(&self, email: &str, roles: &[Role]) -> Visitor {
        self.create_account(email, roles).await;
        let visitor = self.visitor();
        let response = visitor.sign_in(email, PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-in of {email} failed"
        );
        visitor
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// One person's browser, minus the rendering: keeps cookies, does not follow redirects.
pub struct Visitor {
    pub client: reqwest::Client,
    jar: Arc<Jar>,
    base: String,
}

impl Visitor {
    fn new(base: &str, forwarded_for: Option<&str>) -> Visitor {
        let jar = Arc::new(Jar::default());
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(addr) = forwarded_for {
            headers.insert("x-forwarded-for", addr.parse().expect("address header"));
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Visitor {
            client,
            jar,
            base: base.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = self.base.parse().ok()?;
        let header = self.jar.cookies(&url)?;
        let header = header.to_str().ok()?.to_owned();
        header.split("; ").find_map(|kv| {
            kv.split_once('=')
                .filter(|(k, _)| *k == name)
                .map(|(_, v)| v.to_owned())
        })
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GET and return status and body.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    /// POSTs a form with this visitor's anti-forgery token (fetching a page first if the
    /// visitor has none yet), as a browser submitting a rendered form would.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        if self.cookie("yc_csrf").is_none() {
            self.get("/").await;
        }
        let token = self.cookie("yc_csrf").unwrap_or_default();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &token));
        self.post_form_raw(path, &all).await
    }

    /// POSTs exactly these fields: for testing forgery protection.
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_up(&self, role: &str, email: &str, password: &str) -> Response {
        self.post_form(
            "/register",
            &[
                ("role", role),
                ("display_name", "Test Person"),
                ("email", email),
                ("password", password),
                ("password_confirm", password),
            ],
        )
        .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.post_form("/login", &[("email", email), ("password", password)])
            .await
    }
}

/// `Location` of a redirect.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// A JSON API client authenticated by bearer token.
pub struct ApiClient {
    client: reqwest::Client,
    base: String,
    pub token: Option<String>,
}

impl ApiClient {
    pub fn new(app: &TestApp) -> ApiClient {
        ApiClient {
            client: reqwest::Client::new(),
            base: app.address.clone(),
            token: None,
        }
    }

    pub async fn signed_in(app: &TestApp, email: &str, password: &str) -> ApiClient {
        let mut api = ApiClient::new(app);
        let response = api
            .send(
                reqwest::Method::POST,
                "/api/v1/session",
                Some(serde_json::json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "API sign-in of {email}");
        let body: serde_json::Value = response.json().await.expect("json");
        api.token = body["token"].as_str().map(str::to_owned);
        api
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Response {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("API request")
    }
}

/// The card-signing key of every test server: fixed, so a second server on the same
/// database signs the same tokens and tests can verify them offline.
pub fn test_card_signer() -> yingcai_card::CardSigner {
    yingcai_card::CardSigner::from_seed(&[7u8; 32])
}
