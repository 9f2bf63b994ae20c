//! The registry's API twins: a record saved, refused and submitted, documents attached,
//! read and removed, and an officer's review and verification — the same service
//! functions and field errors as the pages.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yingcai_domain::Role;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON answer"))
}

fn fields(body: &Value) -> Vec<(String, String)> {
    body["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default().to_owned(),
                f["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn talent_input() -> Value {
    json!({
        "name": "王芳",
        "resident_id": "11010519491231002X",
        "degree": "phd",
        "arrival_date": "2024-03-01",
        "employed_in_city": "true",
        "housing": "rent",
        "social_insurance_months": "30",
        "bank_account": "6222021234567890123",
    })
}

async fn upload(
    app: &TestApp,
    api: &ApiClient,
    path: &str,
    bytes: &[u8],
    name: &str,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
    );
    reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(api.token.as_deref().unwrap())
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_talent_keeps_its_record_and_documents_over_the_api_and_an_officer_verifies_it() {
    let app = TestApp::spawn().await;
    for (email, role) in [
        ("wang@example.cn", Role::Talent),
        ("other@example.cn", Role::Talent),
        ("officer@example.cn", Role::Officer),
    ] {
        app.create_account(email, &[role]).await;
    }
    let talent = ApiClient::signed_in(&app, "wang@example.cn", PASSWORD).await;
    let other = ApiClient::signed_in(&app, "other@example.cn", PASSWORD).await;
    let officer = ApiClient::signed_in(&app, "officer@example.cn", PASSWORD).await;

    let (status, first) = json_of(talent.send(Method::GET, "/api/v1/me/profile", None).await).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert!(first["open"].is_null() && first["verified_id"].is_null());
    assert_eq!(first["editable"], true);

    // Submitting with a wrong field is refused field by field and saves nothing.
    let mut wrong = talent_input();
    wrong["degree"] = json!("wizard");
    wrong["arrival_date"] = json!("2024-02-30");
    let (status, body) = json_of(
        talent
            .send(
                Method::PUT,
                "/api/v1/me/profile",
                Some(json!({"input": wrong, "district": "长安区", "submit": true})),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let named: Vec<String> = fields(&body).into_iter().map(|(f, _)| f).collect();
    assert!(
        named.contains(&"degree".to_owned()) && named.contains(&"arrival_date".to_owned()),
        "{body}"
    );
    let (_, still) = json_of(talent.send(Method::GET, "/api/v1/me/profile", None).await).await;
    assert!(still["open"].is_null(), "nothing saved: {still}");

    // A draft, a document, then the submission.
    let (status, saved) = json_of(
        talent
            .send(
                Method::PUT,
                "/api/v1/me/profile",
                Some(json!({"input": talent_input(), "district": "长安区"})),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["status"], "draft");
    let (status, body) = json_of(
        upload(
            &app,
            &talent,
            "/api/v1/me/profile/documents",
            b"MZ\x90\x00 not a pdf",
            "cv.pdf",
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        [("document".to_owned(), "document-type".to_owned())]
    );
    let (status, attached) = json_of(
        upload(
            &app,
            &talent,
            "/api/v1/me/profile/documents",
            PDF,
            "degree.pdf",
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{attached}");
    assert_eq!(attached["submission_id"], saved["submission_id"]);
    let document = attached["url"].as_str().unwrap().to_owned();

    // The owner and officers read it; to another talent it does not exist.
    let response = talent.send(Method::GET, &document, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);
    assert_eq!(
        officer.send(Method::GET, &document, None).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        other.send(Method::GET, &document, None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.send(Method::DELETE, &document, None).await.status(),
        StatusCode::NOT_FOUND
    );

    let (status, submitted) = json_of(
        talent
            .send(
                Method::PUT,
                "/api/v1/me/profile",
                Some(json!({"input": talent_input(), "district": "长安区", "submit": true})),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["status"], "submitted");
    let (_, mine) = json_of(talent.send(Method::GET, "/api/v1/me/profile", None).await).await;
    assert_eq!(mine["input"]["resident_id"], "1101**********002X", "{mine}");
    assert_eq!(mine["input"]["bank_account"], "6222***********0123");
    assert_eq!(mine["editable"], false);
    assert_eq!(mine["documents"].as_array().unwrap().len(), 1);
    // Nothing may be added or removed while it awaits a decision.
    let (status, body) = json_of(
        upload(
            &app,
            &talent,
            "/api/v1/me/profile/documents",
            PDF,
            "more.pdf",
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        [("document".to_owned(), "document-submitted".to_owned())]
    );
    assert_eq!(
        talent.send(Method::DELETE, &document, None).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, history) = json_of(
        talent
            .send(Method::GET, "/api/v1/me/profile/history", None)
            .await,
    )
    .await;
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["status"], "submitted");

    // The officer reads it whole, with no problem found, and verifies it once.
    let id = submitted["submission_id"].as_i64().unwrap();
    let (status, detail) = json_of(
        officer
            .send(Method::GET, &format!("/api/v1/submissions/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["kind"], "talent");
    assert_eq!(detail["input"]["resident_id"], "11010519491231002X");
    assert_eq!(detail["problems"].as_array().unwrap().len(), 0);
    assert_eq!(detail["documents"].as_array().unwrap().len(), 1);
    assert_eq!(
        talent
            .send(Method::GET, &format!("/api/v1/submissions/{id}"), None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let verify = format!("/api/v1/submissions/{id}/verify");
    let (status, verified) = json_of(officer.send(Method::POST, &verify, None).await).await;
    assert_eq!(status, StatusCode::OK, "{verified}");
    assert_eq!(verified["kind"], "talent");
    let (status, again) = json_of(officer.send(Method::POST, &verify, None).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    // Verified: the engine found the rent allowance at once.
    let (_, mine) = json_of(talent.send(Method::GET, "/api/v1/me/profile", None).await).await;
    assert_eq!(mine["verified_id"], verified["record_id"]);
    let (_, benefits) = json_of(talent.send(Method::GET, "/api/v1/me/benefits", None).await).await;
    assert_eq!(
        benefits["entitlements"][0]["benefit"], "rent_allowance",
        "{benefits}"
    );
}

#[tokio::test]
async fn an_enterprise_submits_its_record_over_the_api_and_an_officer_verifies_it() {
    let app = TestApp::spawn().await;
    app.create_account("hr@chip.example.cn", &[Role::Enterprise])
        .await;
    app.create_account("officer@example.cn", &[Role::Officer])
        .await;
    let enterprise = ApiClient::signed_in(&app, "hr@chip.example.cn", PASSWORD).await;
    let officer = ApiClient::signed_in(&app, "officer@example.cn", PASSWORD).await;
    let input = |code: &str| {
        json!({
            "name": "雄安智芯科技有限公司",
            "credit_code": code,
            "industry": "next_gen_it",
            "district": "长安区",
            "contact_name": "赵经理",
            "contact_phone": "0311 8888 6666",
        })
    };
    let (status, body) = json_of(
        enterprise
            .send(
                Method::PUT,
                "/api/v1/me/enterprise",
                Some(json!({"input": input("12345"), "submit": true})),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body)[0].0, "credit_code");
    let (status, saved) = json_of(
        enterprise
            .send(
                Method::PUT,
                "/api/v1/me/enterprise",
                Some(json!({"input": input("91350100M000100Y43")})),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, attached) = json_of(
        upload(
            &app,
            &enterprise,
            "/api/v1/me/enterprise/documents",
            PDF,
            "licence.pdf",
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{attached}");
    let (_, submitted) = json_of(
        enterprise
            .send(
                Method::PUT,
                "/api/v1/me/enterprise",
                Some(json!({"input": input("91350100M000100Y43"), "submit": true})),
            )
            .await,
    )
    .await;
    assert_eq!(submitted["status"], "submitted");
    let id = submitted["submission_id"].as_i64().unwrap();
    let (_, detail) = json_of(
        officer
            .send(Method::GET, &format!("/api/v1/submissions/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(detail["kind"], "enterprise");
    assert_eq!(detail["display_name"], "雄安智芯科技有限公司");
    let (status, verified) = json_of(
        officer
            .send(
                Method::POST,
                &format!("/api/v1/submissions/{id}/verify"),
                None,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{verified}");
    assert_eq!(verified["kind"], "enterprise");
    let (_, mine) = json_of(
        enterprise
            .send(Method::GET, "/api/v1/me/enterprise", None)
            .await,
    )
    .await;
    assert_eq!(mine["verified_id"], verified["record_id"]);
    assert_eq!(mine["input"]["credit_code"], "91350100M000100Y43");
}

#[tokio::test]
async fn an_officer_imports_a_roster_over_the_api_all_or_nothing_and_reads_the_report() {
    let app = TestApp::spawn().await;
    for email in ["officer@example.cn", "other@example.cn"] {
        app.create_account(email, &[Role::Officer]).await;
    }
    app.create_account("admin@example.cn", &[Role::Admin]).await;
    let officer = ApiClient::signed_in(&app, "officer@example.cn", PASSWORD).await;
    let other = ApiClient::signed_in(&app, "other@example.cn", PASSWORD).await;
    let admin = ApiClient::signed_in(&app, "admin@example.cn", PASSWORD).await;
    let header =
        "name,resident_id,degree,arrival_date,employed_in_city,housing,social_insurance_months\n";

    // One bad row refuses the whole file, with the row, the column and a report.
    let bad = format!(
        "{header}王芳,11010519491231002X,phd,2024-03-01,true,rent,30\n李雷,11010519491231002X,wizard,2024-03-01,true,rent,30\n"
    );
    let (status, body) = json_of(
        upload(
            &app,
            &officer,
            "/api/v1/imports/talents",
            bad.as_bytes(),
            "roster.csv",
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        fields(&body),
        [("file".to_owned(), "import-refused".to_owned())]
    );
    let problems = body["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["row"] == 3 && p["column"] == "degree"),
        "{body}"
    );
    assert_eq!(
        app.store.count_talents().await.unwrap(),
        0,
        "nothing imported"
    );
    let report = body["report_url"].as_str().unwrap().to_owned();
    let response = officer.send(Method::GET, &report, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(response.text().await.unwrap().contains("degree"));
    assert_eq!(
        other.send(Method::GET, &report, None).await.status(),
        StatusCode::NOT_FOUND
    );

    let good = format!("{header}王芳,11010519491231002X,phd,2024-03-01,true,rent,30\n");
    let (status, body) = json_of(
        upload(
            &app,
            &officer,
            "/api/v1/imports/talents",
            good.as_bytes(),
            "roster.csv",
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["imported"], 1);
    assert_eq!(app.store.count_talents().await.unwrap(), 1);
    let (status, body) =
        json_of(upload(&app, &officer, "/api/v1/imports/talents", b"", "empty.csv").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), [("file".to_owned(), "required".to_owned())]);

    // The scheduler's jobs, for administrators only.
    let (status, jobs) = json_of(admin.send(Method::GET, "/api/v1/admin/jobs", None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(jobs.is_array());
    assert_eq!(
        officer
            .send(Method::GET, "/api/v1/admin/jobs", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}
