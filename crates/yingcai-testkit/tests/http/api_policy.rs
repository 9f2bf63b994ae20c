//! The policy sandbox's API twins: the same drafts, impacts, refusals and publication as
//! the administrators' pages.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yingcai_domain::{Role, TalentInput};
use yingcai_testkit::{ApiClient, PASSWORD, TestApp};

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON answer"))
}

fn codes(body: &Value) -> Vec<(String, String)> {
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

#[tokio::test]
async fn an_admin_drafts_measures_and_publishes_a_reform_over_the_api() {
    let app = TestApp::spawn().await;
    let owner = app.create_account("wang@example.cn", &[Role::Talent]).await;
    let input = TalentInput {
        name: "王芳".into(),
        resident_id: "11010519491231002X".into(),
        degree: "phd".into(),
        arrival_date: "2024-03-01".into(),
        employed_in_city: "true".into(),
        housing: "rent".into(),
        social_insurance_months: "30".into(),
        bank_account: "6222021234567890123".into(),
        ..TalentInput::default()
    };
    app.verified_talent(owner, "wang@example.cn", &input).await;
    app.create_account("admin@example.cn", &[Role::Admin]).await;
    app.create_account("officer@example.cn", &[Role::Officer])
        .await;
    let admin = ApiClient::signed_in(&app, "admin@example.cn", PASSWORD).await;
    let officer = ApiClient::signed_in(&app, "officer@example.cn", PASSWORD).await;
    assert_eq!(
        officer
            .send(Method::GET, "/api/v1/policy", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    let (status, versions) = json_of(admin.send(Method::GET, "/api/v1/policy", None).await).await;
    assert_eq!(status, StatusCode::OK, "{versions}");
    let in_force = versions
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["in_force"] == true)
        .unwrap_or_else(|| panic!("{versions}"));
    assert_eq!(in_force["status"], "published");
    let in_force_id = in_force["policy_version_id"].as_i64().unwrap();
    let (_, detail) = json_of(
        admin
            .send(Method::GET, &format!("/api/v1/policy/{in_force_id}"), None)
            .await,
    )
    .await;
    let source = detail["source"].as_str().unwrap().to_owned();
    assert!(source.contains("phd = 3000"));
    assert!(detail["impact"].is_null(), "a published version has none");
    // A published version never changes.
    assert_eq!(
        admin
            .send(
                Method::PUT,
                &format!("/api/v1/policy/{in_force_id}"),
                Some(json!({"source": source}))
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // An empty text is a field error; a broken one is kept with its problem.
    let (status, body) = json_of(
        admin
            .send(
                Method::POST,
                "/api/v1/policy",
                Some(json!({"source": "  "})),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&body), [("source".to_owned(), "required".to_owned())]);
    let broken = source.replace("when = \"employed_in_city\"", "when = \"employed_in_cty\"");
    let (status, created) = json_of(
        admin
            .send(
                Method::POST,
                "/api/v1/policy",
                Some(json!({"source": broken})),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["policy_version_id"].as_i64().unwrap();
    let draft = format!("/api/v1/policy/{id}");
    let (_, detail) = json_of(admin.send(Method::GET, &draft, None).await).await;
    assert_eq!(detail["version"]["status"], "draft");
    assert!(
        detail["problem"]
            .as_str()
            .unwrap()
            .contains("unknown variable `employed_in_cty`"),
        "{detail}"
    );
    let (status, body) = json_of(
        admin
            .send(
                Method::POST,
                &format!("{draft}/publish"),
                Some(json!({"effective_date": "2027-01-01"})),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&body),
        [("effective_date".to_owned(), "pack-invalid".to_owned())]
    );

    // Mended: the PhD rent allowance rises to 4,000 yuan; 12 months from 2027-01 at +1,000.
    let reform = source
        .replace("amounts = { phd = 3000,", "amounts = { phd = 4000,")
        .replace("version = \"2023.1\"", "version = \"2027.1\"");
    let (status, saved) = json_of(
        admin
            .send(Method::PUT, &draft, Some(json!({"source": reform})))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], "2027.1");
    let (status, detail) = json_of(
        admin
            .send(
                Method::GET,
                &format!("{draft}?from=2027-01&months=12"),
                None,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert!(detail["problem"].is_null(), "{detail}");
    let impact = &detail["impact"];
    assert_eq!(impact["talents"], 1);
    assert_eq!(impact["baseline_total_fen"], 3_600_000);
    assert_eq!(impact["draft_total_fen"], 4_800_000);
    assert_eq!(impact["difference_total_fen"], 1_200_000);
    assert_eq!(
        (impact["gainers"].clone(), impact["losers"].clone()),
        (json!(1), json!(0))
    );
    assert_eq!(impact["by_month"].as_array().unwrap().len(), 12);
    assert_eq!(impact["by_month"][0]["month"], "2027-01");
    assert_eq!(impact["by_month"][0]["difference_fen"], 100_000);
    // The page's horizon errors, one per field.
    let (status, body) = json_of(
        admin
            .send(
                Method::GET,
                &format!("{draft}?from=2027-13&months=500"),
                None,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = codes(&body).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["from", "months"]);

    // Publication: a date that does not exist, then the in-force version's own date, are
    // refused with the page's reasons; then it is published.
    for (date, code) in [
        ("2027-02-30", "date-invalid"),
        (
            in_force["effective_date"].as_str().unwrap(),
            "pack-effective-taken",
        ),
    ] {
        let (status, body) = json_of(
            admin
                .send(
                    Method::POST,
                    &format!("{draft}/publish"),
                    Some(json!({"effective_date": date})),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{date}");
        assert_eq!(
            codes(&body),
            [("effective_date".to_owned(), code.to_owned())]
        );
    }
    let (status, published) = json_of(
        admin
            .send(
                Method::POST,
                &format!("{draft}/publish"),
                Some(json!({"effective_date": "2027-01-01"})),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["status"], "published");
    assert_eq!(published["effective_date"], "2027-01-01");
    assert_eq!(
        admin
            .send(
                Method::POST,
                &format!("{draft}/publish"),
                Some(json!({"effective_date": "2027-01-01"}))
            )
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "published once"
    );
}

#[tokio::test]
async fn a_pack_file_uploaded_over_the_api_becomes_a_draft_and_other_bytes_are_refused() {
    let app = TestApp::spawn().await;
    app.create_account("admin@example.cn", &[Role::Admin]).await;
    let admin = ApiClient::signed_in(&app, "admin@example.cn", PASSWORD).await;
    let client = reqwest::Client::new();
    let send = |bytes: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        client
            .post(app.url("/api/v1/policy/upload"))
            .bearer_auth(admin.token.as_deref().unwrap())
            .multipart(form)
            .send()
    };
    let (status, created) = json_of(
        send(b"[pack]\nid = \"x\"\n".to_vec(), "reform.toml")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["policy_version_id"].as_i64().unwrap();
    let (_, detail) = json_of(
        admin
            .send(Method::GET, &format!("/api/v1/policy/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(detail["version"]["file_name"], "reform.toml");
    assert!(detail["problem"].is_string(), "{detail}");

    let (status, body) = json_of(send(vec![0xff, 0xfe, 0x00], "x.toml").await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&body),
        [("file".to_owned(), "encoding-not-utf8".to_owned())]
    );
}
