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
async fn twenty_wrong_passwords_pause_the_account_even_for_the_right_one() {
    let app = TestApp::spawn().await;
    app.create_account("a@example.cn", &[Role::Talent]).await;
    let attacker = app.visitor();
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
    // Even the owner, from elsewhere, must wait for the window to pass.
    let owner = app.visitor();
    let response = owner.sign_in("a@example.cn", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are not affected by this account's pause...
    app.create_account("b@example.cn", &[Role::Talent]).await;
    assert_eq!(
        app.visitor()
            .sign_in("b@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
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
