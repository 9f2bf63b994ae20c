use reqwest::{Method, StatusCode};
use serde_json::json;
use yingcai_domain::Role;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp};

#[tokio::test]
async fn register_sign_in_and_read_me_over_the_api() {
    let app = TestApp::spawn().await;
    let api = ApiClient::new(&app);
    let response = api
        .send(Method::POST, "/api/v1/accounts", Some(json!({"role": "talent", "display_name": "Li Wei", "email": "li@example.cn", "password": "correct horse battery"})))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let account: serde_json::Value = response.json().await.unwrap();
    assert_eq!(account["roles"], json!(["talent"]));

    let client = ApiClient::signed_in(&app, "li@example.cn", "correct horse battery").await;
    let me: serde_json::Value = client
        .send(Method::GET, "/api/v1/me", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "li@example.cn");

    assert_eq!(
        client
            .send(Method::DELETE, "/api/v1/session", None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        client.send(Method::GET, "/api/v1/me", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn invalid_fields_come_back_one_by_one_in_the_callers_language() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    for (language, expected) in [
        ("en", "Enter an e-mail address"),
        ("zh-CN,zh;q=0.9", "请输入有效的电子邮箱"),
    ] {
        let response = client
            .post(app.url("/api/v1/accounts"))
            .header("accept-language", language)
            .json(
                &json!({"role": "admin", "display_name": "", "email": "nope", "password": "short"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid");
        let fields: Vec<&str> = body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["role", "display_name", "email", "password"]);
        let email = body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == "email")
            .unwrap();
        assert!(
            email["message"].as_str().unwrap().contains(expected),
            "{body}"
        );
    }
    assert!(
        app.store
            .list_accounts(&Default::default())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn malformed_json_is_a_400_in_the_api_format() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    for body in ["{not json", "[]", "{\"email\": 5}"] {
        let response = client
            .post(app.url("/api/v1/session"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["error"], "bad-request");
    }
}

#[tokio::test]
async fn an_admin_manages_staff_over_the_api() {
    let app = TestApp::spawn().await;
    app.create_account("admin@example.cn", &[Role::Admin]).await;
    let admin = ApiClient::signed_in(&app, "admin@example.cn", PASSWORD).await;
    let response = admin
        .send(Method::POST, "/api/v1/admin/accounts", Some(json!({"display_name": "Reviewer Sun", "email": "sun@example.cn", "roles": ["reviewer"]})))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: serde_json::Value = response.json().await.unwrap();
    let id = created["account"]["account_id"].as_i64().unwrap();
    assert_eq!(created["account"]["must_change_password"], true);
    let temporary = created["temporary_password"].as_str().unwrap().to_owned();

    let reviewer = ApiClient::signed_in(&app, "sun@example.cn", &temporary).await;
    let response = reviewer
        .send(
            Method::PUT,
            "/api/v1/me/password",
            Some(json!({"current_password": temporary, "new_password": "my own password"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let updated: serde_json::Value = admin
        .send(
            Method::PUT,
            &format!("/api/v1/admin/accounts/{id}/roles"),
            Some(json!({"roles": ["reviewer", "officer"]})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(updated["roles"], json!(["officer", "reviewer"]));
    let listed: serde_json::Value = admin
        .send(Method::GET, "/api/v1/admin/accounts?role=officer", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let response = admin
        .send(
            Method::PUT,
            &format!("/api/v1/admin/accounts/{id}/roles"),
            Some(json!({"roles": ["king"]})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = admin
        .send(Method::GET, "/api/v1/admin/accounts/424242", None)
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_browser_session_may_use_the_api_only_with_its_csrf_header() {
    let app = TestApp::spawn().await;
    let visitor = app.signed_in("a@example.cn", &[Role::Talent]).await;
    let me = visitor
        .client
        .get(visitor.url("/api/v1/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let forged = visitor
        .client
        .post(visitor.url("/api/v1/session/revoke-all"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let token = visitor.cookie("yc_csrf").unwrap();
    let allowed = visitor
        .client
        .post(visitor.url("/api/v1/session/revoke-all"))
        .header("x-csrf-token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_bearer_token_is_not_a_cookie_and_a_cookie_is_not_a_bearer_token() {
    let app = TestApp::spawn().await;
    app.create_account("a@example.cn", &[Role::Talent]).await;
    let api = ApiClient::signed_in(&app, "a@example.cn", PASSWORD).await;
    let token = api.token.clone().unwrap();
    let response = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("yc_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    documented.sort();
    // Operation ids name client methods: each is present and unique.
    let mut ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|operations| operations.as_object().unwrap().values())
        .map(|operation| operation["operationId"].as_str().expect("an operation id"))
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids repeat");
    assert!(ids.contains(&"post_policy_by_id_publish"), "{ids:?}");
    let mut routed: Vec<(String, String)> = crate::authz::api_routes()
        .iter()
        .filter(|r| r.path != "/api/v1/openapi.json")
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    routed.sort();
    assert_eq!(documented, routed);
}

#[tokio::test]
async fn the_interactive_documentation_is_served_from_the_binary_and_linked_from_every_page() {
    let app = TestApp::spawn().await;
    let home = reqwest::get(app.url("/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("href=\"/api/docs\""), "footer link");

    let page = reqwest::get(app.url("/api/docs")).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    // Scripts only from the site itself, even on this page.
    assert!(
        policy.contains("default-src 'self'") && !policy.contains("script-src"),
        "{policy}"
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"swagger-ui\""));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing from elsewhere"
    );

    for (file, kind) in [
        ("/api/docs/swagger-ui-bundle.js", "javascript"),
        ("/api/docs/swagger-ui.css", "css"),
        ("/static/api-docs.js", "javascript"),
    ] {
        let response = reqwest::get(app.url(file)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{file}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(content_type.contains(kind), "{file}: {content_type}");
        assert!(response.bytes().await.unwrap().len() > 100, "{file}");
    }
    // Only the bundle's script, style sheet and icons; not its own index page.
    for path in [
        "/api/docs/index.html",
        "/api/docs/swagger-initializer.js",
        "/api/docs/..%2Fsecret",
    ] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn the_audit_log_reads_over_the_api_for_administrators_page_by_page() {
    let app = TestApp::spawn().await;
    app.create_account("chief@bureau.cn", &[Role::Admin]).await;
    app.create_account("talent@example.cn", &[Role::Talent])
        .await;
    let admin = ApiClient::signed_in(&app, "chief@bureau.cn", PASSWORD).await;
    // Something to read: an administrator creates a staff account.
    let created = admin
        .send(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(json!({"email": "officer@bureau.cn", "display_name": "Officer", "roles": ["officer"]})),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);

    let page: serde_json::Value = admin
        .send(Method::GET, "/api/v1/admin/audit?limit=1", None)
        .await
        .json()
        .await
        .unwrap();
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let newest = entries[0]["entry_id"].as_i64().unwrap();
    assert_eq!(page["next_before"], newest);
    let older: serde_json::Value = admin
        .send(
            Method::GET,
            &format!("/api/v1/admin/audit?limit=500&before={newest}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let older = older["entries"].as_array().unwrap();
    assert!(!older.is_empty());
    assert!(
        older
            .iter()
            .all(|e| e["entry_id"].as_i64().unwrap() < newest)
    );

    let filtered: serde_json::Value = admin
        .send(
            Method::GET,
            "/api/v1/admin/audit?action=account.create",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let filtered = filtered["entries"].as_array().unwrap();
    assert!(!filtered.is_empty());
    assert!(filtered.iter().all(|e| e["action"] == "account.create"));

    let talent = ApiClient::signed_in(&app, "talent@example.cn", PASSWORD).await;
    assert_eq!(
        talent
            .send(Method::GET, "/api/v1/admin/audit", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}
