use reqwest::StatusCode;
use yingcai_domain::Role;
use yingcai_testkit::{PASSWORD, TestApp, location};

#[tokio::test]
async fn the_language_follows_accept_language_then_the_switcher() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let zh = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(zh.contains("lang=\"zh-CN\"") && zh.contains("人才服务一窗通办"));
    let en = client
        .get(app.url("/"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("lang=\"en\"") && en.contains("One window for talent services"));

    let visitor = app.visitor();
    let response = visitor.get("/lang/en?next=/login").await;
    assert_eq!(location(&response), "/login");
    let (_, html) = visitor.page("/login").await;
    assert!(html.contains("<h1>Sign in</h1>"));
    visitor.get("/lang/zh-CN").await;
    let (_, html) = visitor.page("/login").await;
    assert!(html.contains("<h1>登录</h1>"));
    assert_eq!(
        visitor.get("/lang/fr").await.status(),
        StatusCode::NOT_FOUND
    );
    // Only local targets.
    assert_eq!(
        location(&visitor.get("/lang/en?next=https://evil.example").await),
        "/"
    );
}

#[tokio::test]
async fn a_signed_in_persons_language_choice_is_remembered_on_the_account() {
    let app = TestApp::spawn().await;
    let id = app.create_account("a@example.cn", &[Role::Talent]).await;
    let visitor = app.visitor();
    visitor.sign_in("a@example.cn", PASSWORD).await;
    visitor.post_form("/lang/zh-CN", &[("next", "/")]).await;
    assert_eq!(
        app.store.account(id).await.unwrap().locale,
        yingcai_domain::Locale::ZhCn
    );
}

#[tokio::test]
async fn unknown_pages_are_404_in_the_visitors_language() {
    let app = TestApp::spawn().await;
    let response = reqwest::Client::new()
        .get(app.url("/no/such/page"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Not found"));
    let response = reqwest::get(app.url("/api/v1/nothing")).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not-found");
}

#[tokio::test]
async fn health_checks_and_embedded_assets() {
    let app = TestApp::spawn().await;
    assert_eq!(
        reqwest::get(app.url("/healthz")).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        reqwest::get(app.url("/readyz"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ready"
    );
    let css = reqwest::get(app.url("/static/style.css")).await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css");
    assert_eq!(
        reqwest::get(app.url("/static/nope.js"))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let response = reqwest::get(app.url("/")).await.unwrap();
    assert!(response.headers().contains_key("x-request-id"));
    let html = response.text().await.unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "pages load nothing from elsewhere"
    );
}

#[tokio::test]
async fn two_app_servers_on_one_database_behave_as_one_site() {
    let first = TestApp::spawn().await;
    let second = first.second_server().await;
    first.create_account("a@example.cn", &[Role::Talent]).await;
    let visitor = first.visitor();
    visitor.sign_in("a@example.cn", PASSWORD).await;
    let session = visitor.cookie("yc_session").unwrap();
    let csrf = visitor.cookie("yc_csrf").unwrap();
    let cookie = format!("yc_session={session}; yc_csrf={csrf}");

    // The same cookies work on the other server...
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get(second.url("/account"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // ...and signing out there signs out here.
    let response = client
        .post(second.url("/logout"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        visitor.get("/account").await.status(),
        StatusCode::SEE_OTHER
    );
}
