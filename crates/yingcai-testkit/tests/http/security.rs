use reqwest::StatusCode;
use yingcai_domain::Role;
use yingcai_testkit::{PASSWORD, TestApp, location};

#[tokio::test]
async fn a_form_without_or_with_a_stale_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    visitor.get("/").await;
    let fields = [
        ("role", "talent"),
        ("display_name", "X"),
        ("email", "x@example.cn"),
        ("password", "correct horse battery"),
        ("password_confirm", "correct horse battery"),
    ];

    let response = visitor.post_form_raw("/register", &fields).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let mut forged = fields.to_vec();
    forged.push(("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    assert_eq!(
        visitor.post_form_raw("/register", &forged).await.status(),
        StatusCode::FORBIDDEN
    );
    // A stranger's browser with no cookie at all, replaying a valid-looking token.
    let stranger = app.visitor();
    let token = visitor.cookie("yc_csrf").unwrap();
    let mut replayed = fields.to_vec();
    replayed.push(("csrf", &token));
    assert_eq!(
        stranger
            .post_form_raw("/register", &replayed)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert!(
        app.store
            .list_accounts(&Default::default())
            .await
            .unwrap()
            .is_empty()
    );

    // Signing in rotates the token: a form rendered before is now stale.
    app.create_account("a@example.cn", &[Role::Talent]).await;
    let before = visitor.cookie("yc_csrf").unwrap();
    visitor.sign_in("a@example.cn", PASSWORD).await;
    assert_ne!(visitor.cookie("yc_csrf").unwrap(), before);
    let response = visitor
        .post_form_raw("/account/sign-out-everywhere", &[("csrf", &before)])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        visitor.get("/account").await.status(),
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn wrong_passwords_pause_the_guesser_but_never_lock_the_owner_out() {
    let app = TestApp::spawn_behind_proxy().await;
    app.create_account("a@example.cn", &[Role::Talent]).await;
    let attacker = app.visitor_from("198.51.100.66");
    let mut statuses = Vec::new();
    for i in 0..20 {
        statuses.push(
            attacker
                .sign_in("a@example.cn", &format!("guess number {i}"))
                .await
                .status(),
        );
    }
    assert!(
        statuses[..5]
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    assert!(
        statuses[5..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Even with the right password, the guesser's address must wait for the window.
    assert_eq!(
        attacker.sign_in("a@example.cn", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // The owner, from their own address, signs in as usual.
    let owner = app.visitor_from("203.0.113.20");
    assert_eq!(
        owner.sign_in("a@example.cn", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    // A guesser cannot pretend to be the owner's address: without a trusted proxy in
    // front, X-Forwarded-For is ignored.
    let direct = TestApp::spawn().await;
    direct.create_account("a@example.cn", &[Role::Talent]).await;
    for i in 0..5 {
        let claimed = format!("203.0.113.{i}");
        let status = direct
            .visitor_from(&claimed)
            .sign_in("a@example.cn", "wrong guess!!")
            .await
            .status();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    assert_eq!(
        direct
            .visitor_from("192.0.2.1")
            .sign_in("a@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS,
        "all five came from the same real address"
    );
}

#[tokio::test]
async fn one_address_guessing_across_many_accounts_is_paused_too() {
    let app = TestApp::spawn().await;
    app.create_account("victim@example.cn", &[Role::Talent])
        .await;
    let attacker = app.visitor();
    for i in 0..20 {
        let status = attacker
            .sign_in(&format!("user{i}@example.cn"), "wrong password!!")
            .await
            .status();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    // The 21st try from the same address is refused before the password is even checked.
    assert_eq!(
        attacker
            .sign_in("victim@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn a_script_in_a_name_is_shown_as_text() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    let payload = "<script>alert('x')</script>";
    visitor
        .post_form(
            "/register",
            &[
                ("role", "talent"),
                ("display_name", payload),
                ("email", "x@example.cn"),
                ("password", "correct horse battery"),
                ("password_confirm", "correct horse battery"),
            ],
        )
        .await;
    visitor
        .sign_in("x@example.cn", "correct horse battery")
        .await;
    let (_, html) = visitor.page("/account").await;
    assert!(!html.contains(payload));
    assert!(html.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn empty_overlong_and_non_utf8_fields_get_field_errors_not_500s() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    visitor.get("/").await;
    let token = visitor.cookie("yc_csrf").unwrap();

    let response = visitor.post_form("/register", &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let long = "x".repeat(10_000);
    let long_email = format!("{long}@example.cn");
    let response = visitor
        .post_form(
            "/register",
            &[
                ("role", "talent"),
                ("display_name", &long),
                ("email", &long_email),
                ("password", &long),
                ("password_confirm", &long),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("id=\"display_name-error\"")
    );

    let body = format!(
        "role=talent&display_name=%FF%FE&email=a%40example.cn&password=correct+horse+battery&password_confirm=correct+horse+battery&csrf={token}"
    );
    let response = visitor
        .client
        .post(visitor.url("/register"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let response = visitor
        .client
        .post(visitor.url("/register"))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = visitor.sign_in("a@example.cn", &"p".repeat(100_000)).await;
    assert!(response.status().is_client_error());
    assert!(
        app.store
            .list_accounts(&Default::default())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn session_cookies_are_http_only_and_same_site_lax() {
    let app = TestApp::spawn().await;
    app.create_account("a@example.cn", &[Role::Talent]).await;
    let visitor = app.visitor();
    let response = visitor.sign_in("a@example.cn", PASSWORD).await;
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("yc_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "plain http in tests");
}

#[tokio::test]
async fn cookies_are_secure_when_the_site_is_served_over_tls() {
    let app = TestApp::spawn_with(yingcai_web::WebSettings {
        public_url: "https://talent.example.gov.cn".into(),
        ..Default::default()
    })
    .await;
    let response = app.visitor().get("/").await;
    let csrf = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csrf.contains("Secure"), "{csrf}");
}

#[tokio::test]
async fn a_sign_in_never_redirects_off_site() {
    let app = TestApp::spawn().await;
    app.create_account("a@example.cn", &[Role::Talent]).await;
    let visitor = app.visitor();
    let response = visitor
        .post_form(
            "/login",
            &[
                ("email", "a@example.cn"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn a_disabled_account_cannot_use_an_old_session_or_sign_in() {
    let app = TestApp::spawn().await;
    let id = app.create_account("a@example.cn", &[Role::Talent]).await;
    let visitor = app.visitor();
    visitor.sign_in("a@example.cn", PASSWORD).await;
    app.store
        .set_disabled(id, true, &yingcai_store::Actor::System)
        .await
        .unwrap();
    assert_eq!(
        visitor.get("/account").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.visitor()
            .sign_in("a@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn next_never_leaves_the_site_and_never_fails() {
    let app = TestApp::spawn().await;
    app.create_account("a@example.cn", &[Role::Talent]).await;
    let visitor = app.visitor();
    for (query, expected) in [
        // A tab or a newline after the first slash: browsers drop them and read `//host`.
        ("%09/evil.example", "/"),
        ("/%09/evil.example", "/"),
        ("/%0A/x", "/"),
        ("/%0D%0A/x", "/"),
        ("/%5Cevil.example", "/"),
        ("%5C%5Cevil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/account", "/account"),
    ] {
        let response = visitor.get(&format!("/lang/en?next={query}")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{query}");
        assert_eq!(location(&response), expected, "{query}");
    }
    // The same for the sign-in form.
    for next in [
        "/\t/evil.example",
        "/\n/x",
        "/\\evil.example",
        "//evil.example",
    ] {
        let response = app
            .visitor()
            .post_form(
                "/login",
                &[
                    ("email", "a@example.cn"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&response), "/", "{next:?}");
    }
    // And the sign-in page's hidden field.
    let (status, html) = app.visitor().page("/login?next=/%09/evil.example").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"name="next" value="&#x2f;">"#),
        "the target is dropped: {html}"
    );
}

#[tokio::test]
async fn choosing_a_language_by_link_writes_nothing_and_by_form_remembers_it() {
    let app = TestApp::spawn().await;
    let id = app.create_account("a@example.cn", &[Role::Talent]).await;
    let visitor = app.visitor();
    visitor.sign_in("a@example.cn", PASSWORD).await;
    let before = app.store.account(id).await.unwrap().locale;
    assert_eq!(before, yingcai_domain::Locale::En);

    // A link (which any other site could embed as an image) only sets the cookie.
    let response = visitor.get("/lang/zh-CN?next=/account").await;
    assert_eq!(location(&response), "/account");
    assert_eq!(visitor.cookie("yc_lang").as_deref(), Some("zh-CN"));
    assert_eq!(app.store.account(id).await.unwrap().locale, before);

    // The switcher's form, with the anti-forgery token, also saves it on the account.
    let response = visitor
        .post_form("/lang/zh-CN", &[("next", "/account")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/account");
    assert_eq!(
        app.store.account(id).await.unwrap().locale,
        yingcai_domain::Locale::ZhCn
    );
    // A forged form (no token) sets the cookie but does not touch the account.
    let response = visitor
        .post_form_raw("/lang/en", &[("next", "/\t/evil.example")])
        .await;
    assert_eq!(location(&response), "/");
    assert_eq!(visitor.cookie("yc_lang").as_deref(), Some("en"));
    assert_eq!(
        app.store.account(id).await.unwrap().locale,
        yingcai_domain::Locale::ZhCn
    );
    // Every page's header offers the switch as a form.
    let (_, html) = visitor.page("/").await;
    assert!(
        html.contains(r#"<form method="post" action="/lang/zh-CN""#),
        "{html}"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    let api = yingcai_testkit::ApiClient::new(&app);
    let responses = [
        ("page", visitor.get("/").await),
        ("error page", visitor.get("/no/such/page").await),
        ("forbidden page", visitor.get("/admin/users").await),
        ("asset", visitor.get("/static/style.css").await),
        ("health", visitor.get("/healthz").await),
        (
            "API error",
            api.send(reqwest::Method::GET, "/api/v1/me", None).await,
        ),
        (
            "API document",
            api.send(reqwest::Method::GET, "/api/v1/openapi.json", None)
                .await,
        ),
    ];
    for (what, response) in responses {
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{what}: no CSP"))
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert_eq!(
            headers.get("x-content-type-options").unwrap(),
            "nosniff",
            "{what}"
        );
        assert_eq!(
            headers.get("referrer-policy").unwrap(),
            "same-origin",
            "{what}"
        );
        assert_eq!(headers.get("x-frame-options").unwrap(), "DENY", "{what}");
    }
}

#[tokio::test]
async fn a_panicking_handler_answers_a_500_page_or_json_and_the_server_goes_on() {
    async fn boom() -> &'static str {
        panic!("deliberate failure in a test handler")
    }
    let extra = axum::Router::new()
        .route("/test/boom", axum::routing::get(boom))
        .route("/api/v1/test/boom", axum::routing::get(boom));
    let app = TestApp::spawn_with_routes(extra).await;
    let visitor = app.visitor();
    visitor.get("/lang/en").await;
    let (status, html) = visitor.page("/test/boom").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(html.contains("Something went wrong"), "{html}");
    assert!(
        !html.contains("deliberate"),
        "the panic's text stays in the log"
    );

    let chinese = app.visitor();
    let (status, html) = chinese.page("/test/boom").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(html.contains("出错了"), "{html}");

    let api = yingcai_testkit::ApiClient::new(&app);
    let response = api
        .send(reqwest::Method::GET, "/api/v1/test/boom", None)
        .await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.headers().get("content-security-policy").is_some());
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "internal");

    // The worker is still serving.
    assert_eq!(visitor.get("/").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_administrator_cannot_give_itself_a_role_but_another_can() {
    let app = TestApp::spawn().await;
    let first = app.create_account("first@example.cn", &[Role::Admin]).await;
    app.create_account("second@example.cn", &[Role::Admin])
        .await;
    let admin = app.visitor();
    admin.sign_in("first@example.cn", PASSWORD).await;
    admin.get("/lang/en").await;
    let response = admin
        .post_form(
            &format!("/admin/users/{first}/roles"),
            &[("roles", "admin"), ("roles", "officer")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("another administrator must"), "{html}");
    assert!(
        !app.store
            .account(first)
            .await
            .unwrap()
            .roles
            .contains(Role::Officer)
    );
    // The API twin refuses the same way.
    let api = yingcai_testkit::ApiClient::signed_in(&app, "first@example.cn", PASSWORD).await;
    let response = api
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/admin/accounts/{first}/roles"),
            Some(serde_json::json!({"roles": ["admin", "officer"]})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["code"], "cannot-grant-self");
    assert!(
        !app.store
            .account(first)
            .await
            .unwrap()
            .roles
            .contains(Role::Officer)
    );

    // Another administrator can.
    let other = app.visitor();
    other.sign_in("second@example.cn", PASSWORD).await;
    let response = other
        .post_form(
            &format!("/admin/users/{first}/roles"),
            &[("roles", "admin"), ("roles", "officer")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        app.store
            .account(first)
            .await
            .unwrap()
            .roles
            .contains(Role::Officer)
    );
}

#[test]
fn debug_output_never_shows_identity_numbers_accounts_tokens_or_passwords() {
    use yingcai_domain::{DisplayName, Email, Locale, RoleSet, TalentInput};
    let id = "11010519491231002X";
    let bank = "6222020200112233445";
    let talent = TalentInput {
        name: "李伟".into(),
        resident_id: id.into(),
        bank_account: bank.into(),
        ..Default::default()
    };
    let transfer = yingcai_store::BankTransfer {
        reference: "YC-2026-12-1".into(),
        talent_id: 1,
        payee: "李伟".into(),
        account: Some(bank.into()),
        account_masked: Some("6222***********3445".into()),
        amount_fen: 100,
        recovered_fen: 0,
        status: yingcai_domain::TransferStatus::Exported,
        failure_reason: None,
    };
    let account = yingcai_store::Account {
        account_id: 1,
        email: "a@example.cn".into(),
        display_name: "A".into(),
        phone: None,
        locale: Locale::En,
        roles: RoleSet::one(Role::Talent),
        disabled: false,
        must_change_password: false,
        created_at: 0,
    };
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    let signed_in = yingcai_services::accounts::SignedIn {
        account: account.clone(),
        token: "sessionTOKEN0123456789".into(),
        expires_at: 0,
    };
    let credentials = yingcai_store::AccountCredentials {
        account,
        password_hash: hash.into(),
    };
    let new_account = yingcai_store::NewAccount {
        email: Email::parse("a@example.cn").unwrap(),
        display_name: DisplayName::parse("display_name", "A").unwrap(),
        phone: None,
        password_hash: hash.into(),
        roles: RoleSet::one(Role::Talent),
        locale: Locale::En,
        must_change_password: false,
    };
    let registration = yingcai_web::accounts::RegistrationInput {
        password: "correct horse battery".into(),
        password_confirm: Some("correct horse battery".into()),
        ..Default::default()
    };
    let shown = [
        format!("{talent:?}"),
        format!("{transfer:?}"),
        format!("{signed_in:?}"),
        format!("{credentials:?}"),
        format!("{new_account:?}"),
        format!("{registration:?}"),
    ];
    for text in &shown {
        for secret in [id, bank, "sessionTOKEN0123456789", hash, "correct horse"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    assert!(shown[1].contains("6222***********3445"), "{}", shown[1]);
}

/// PostgreSQL refuses a NUL byte in text, so one in a query string once reached the
/// database and answered 500; it is now a 400 before any handler reads it.
#[tokio::test]
async fn a_nul_byte_in_a_query_is_a_bad_request_not_a_server_error() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("o@example.cn", &[Role::Officer]).await;
    for path in [
        "/officer/submissions?district=%00",
        "/competitions?q=a%00b",
        "/calculator?degree=%00",
    ] {
        assert_eq!(
            officer.get(path).await.status(),
            StatusCode::BAD_REQUEST,
            "{path}"
        );
    }
    let response = reqwest::get(app.url("/api/v1/calculator?degree=%00"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "bad-request");
}
