//! The benefits' API twins against their pages: the same service functions, so the same
//! answers, refusals and field errors (in the caller's language).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yingcai_domain::{Role, TalentInput};
use yingcai_testkit::{ApiClient, PASSWORD, TestApp};

fn phd_renting() -> TalentInput {
    TalentInput {
        name: "王芳".into(),
        resident_id: "11010519491231002X".into(),
        degree: "phd".into(),
        arrival_date: "2024-03-01".into(),
        employed_in_city: "true".into(),
        housing: "rent".into(),
        social_insurance_months: "30".into(),
        bank_account: "6222021234567890123".into(),
        ..TalentInput::default()
    }
}

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON answer"))
}

fn field_codes(body: &Value) -> Vec<(String, String)> {
    body["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap_or_default().to_owned(),
                        f["code"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A verified talent with its entitlements computed, as after an officer's verification.
async fn talent_with_entitlements(app: &TestApp, email: &str) -> i64 {
    let owner = app.create_account(email, &[Role::Talent]).await;
    let talent_id = app.verified_talent(owner, email, &phd_renting()).await;
    yingcai_services::policy::sweep(
        &app.store,
        &yingcai_services::policy::Policies::new(),
        yingcai_services::policy::today(),
        false,
    )
    .await
    .unwrap();
    talent_id
}

#[tokio::test]
async fn a_talent_reads_and_confirms_its_benefits_over_the_api_as_on_the_page() {
    let app = TestApp::spawn().await;
    let talent_id = talent_with_entitlements(&app, "wang@example.cn").await;
    let api = ApiClient::signed_in(&app, "wang@example.cn", PASSWORD).await;

    let (status, body) = json_of(
        api.send(Method::GET, "/api/v1/me/benefits?month=2026-11", None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["record"], true);
    assert_eq!(body["month"], "2026-11");
    assert_eq!(body["explanation"]["card"]["tier"], "B");
    assert_eq!(body["bank_account"], "6222 **** **** 0123");
    let rent = &body["entitlements"][0];
    assert_eq!(rent["benefit"], "rent_allowance");
    assert_eq!(rent["label"]["en"], "Rent allowance");
    assert_eq!(rent["status"], "proposed");
    assert_eq!(rent["total_fen"], 60 * 300_000);
    assert_eq!(rent["schedule"][0]["from"], "2024-03");
    assert_eq!(rent["schedule"][0]["to"], "2029-02");
    assert_eq!(rent["schedule"][0]["amount_fen"], 300_000);
    let id = rent["entitlement_id"].as_i64().unwrap();
    assert_eq!(rent["talent_id"], talent_id);

    // A month that does not parse is the page's field error.
    let (status, body) = json_of(
        api.send(Method::GET, "/api/v1/me/benefits?month=2026-13", None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&body)[0].0, "month");

    // Confirming needs the box ticked, in the caller's language; another talent gets 404.
    let path = format!("/api/v1/me/entitlements/{id}/confirm");
    let (status, body) = json_of(
        api.send(Method::POST, &path, Some(json!({"bank_confirmed": false})))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        [("bank_confirmed".to_owned(), "bank-not-confirmed".to_owned())]
    );
    let response = reqwest::Client::new()
        .post(app.url(&path))
        .bearer_auth(api.token.as_deref().unwrap())
        .header("accept-language", "zh-CN")
        .json(&json!({"bank_confirmed": false}))
        .send()
        .await
        .unwrap();
    let (_, zh) = json_of(response).await;
    let message = zh["fields"][0]["message"].as_str().unwrap();
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "a Chinese message: {message}"
    );
    app.create_account("other@example.cn", &[Role::Talent])
        .await;
    let other = ApiClient::signed_in(&app, "other@example.cn", PASSWORD).await;
    assert_eq!(
        other
            .send(Method::POST, &path, Some(json!({"bank_confirmed": true})))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let (status, body) = json_of(
        api.send(Method::POST, &path, Some(json!({"bank_confirmed": true})))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "confirmed");
    assert_eq!(body["confirmed_bank"], "6222 **** **** 0123");
    // Confirmed once: a second confirmation finds nothing proposed.
    assert_eq!(
        api.send(Method::POST, &path, Some(json!({"bank_confirmed": true})))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // The other talent has no record: its benefits say so, and it has no card.
    let (status, body) = json_of(other.send(Method::GET, "/api/v1/me/benefits", None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["record"], false);
    let (status, body) = json_of(other.send(Method::GET, "/api/v1/me/card", None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["card"].is_null() && body["token"].is_null(), "{body}");
}

#[tokio::test]
async fn officers_issue_check_hold_and_revoke_over_the_api_and_anyone_checks_a_card() {
    let app = TestApp::spawn().await;
    let talent_id = talent_with_entitlements(&app, "wang@example.cn").await;
    app.create_account("officer@example.cn", &[Role::Officer])
        .await;
    let officer = ApiClient::signed_in(&app, "officer@example.cn", PASSWORD).await;
    let talent = ApiClient::signed_in(&app, "wang@example.cn", PASSWORD).await;

    let (status, body) = json_of(
        officer
            .send(
                Method::GET,
                &format!("/api/v1/talents/{talent_id}/benefits?month=2026-11"),
                None,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "王芳");
    assert_eq!(body["resident_id"], "1101**********002X");
    assert_eq!(body["cards"].as_array().unwrap().len(), 0);
    // The talent may not use the officers' view.
    assert_eq!(
        talent
            .send(
                Method::GET,
                &format!("/api/v1/talents/{talent_id}/benefits"),
                None
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // Issue: tier B from the engine; a second issue is refused with the page's reason.
    let issue = format!("/api/v1/talents/{talent_id}/card");
    let (status, card) = json_of(officer.send(Method::POST, &issue, None).await).await;
    assert_eq!(status, StatusCode::CREATED, "{card}");
    assert_eq!(card["tier"], "B");
    assert_eq!(card["status"], "active");
    assert_eq!(card["in_force"], true);
    let (status, body) = json_of(officer.send(Method::POST, &issue, None).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        [("card".to_owned(), "card-already-active".to_owned())]
    );

    // The talent's card carries a token anyone can check, signed in or not.
    let (status, mine) = json_of(talent.send(Method::GET, "/api/v1/me/card", None).await).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["card"]["number"], card["number"]);
    assert_eq!(mine["holder"], "王芳");
    let token = mine["token"].as_str().unwrap().to_owned();
    let anyone = ApiClient::new(&app);
    let verify = format!("/api/v1/cards/verify?token={token}");
    let (status, check) = json_of(anyone.send(Method::GET, &verify, None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(check["genuine"], true);
    assert_eq!(check["state"], "valid");
    assert_eq!(check["tier"], "B");
    assert_eq!(check["holder"], "王*");
    let (_, forged) = json_of(
        anyone
            .send(Method::GET, "/api/v1/cards/verify?token=not-a-token", None)
            .await,
    )
    .await;
    assert_eq!(forged["genuine"], false);
    assert!(forged["state"].is_null());

    // The entitlements list, filtered as the page filters; a filter that does not exist is
    // a field error rather than everything.
    let (status, list) = json_of(
        officer
            .send(Method::GET, "/api/v1/entitlements?status=proposed", None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["count"], 1);
    assert_eq!(list["total_fen"], 60 * 300_000);
    assert_eq!(list["more"], false);
    let id = list["rows"][0]["entitlement_id"].as_i64().unwrap();
    for bad in ["status=nonsense", "benefit=nonsense", "page=0"] {
        let (status, body) = json_of(
            officer
                .send(Method::GET, &format!("/api/v1/entitlements?{bad}"), None)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }

    // Holding needs a reason (the page's error); resuming does not.
    let hold = format!("/api/v1/entitlements/{id}/hold");
    let (status, body) = json_of(
        officer
            .send(
                Method::POST,
                &hold,
                Some(json!({"hold": true, "reason": " "})),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&body),
        [("reason".to_owned(), "required".to_owned())]
    );
    let (status, body) = json_of(
        officer
            .send(
                Method::POST,
                &hold,
                Some(json!({"hold": true, "reason": "材料待补"})),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["held_reason"], "材料待补");
    let (_, body) = json_of(
        officer
            .send(Method::POST, &hold, Some(json!({"hold": false})))
            .await,
    )
    .await;
    assert!(body["held_reason"].is_null(), "{body}");

    // Revoking needs a reason; then the check says revoked, with the reason.
    let revoke = format!("/api/v1/cards/{}/revoke", card["card_id"]);
    let (status, body) = json_of(
        officer
            .send(Method::POST, &revoke, Some(json!({"reason": ""})))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&body)[0].0, "reason");
    let (status, body) = json_of(
        officer
            .send(Method::POST, &revoke, Some(json!({"reason": "离开本市"})))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "revoked");
    assert_eq!(body["in_force"], false);
    let (_, check) = json_of(anyone.send(Method::GET, &verify, None).await).await;
    assert_eq!(check["state"], "revoked");
    assert_eq!(check["revoked_reason"], "离开本市");
    // A card no longer in force cannot be revoked again.
    assert_eq!(
        officer
            .send(Method::POST, &revoke, Some(json!({"reason": "again"})))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_calculator_answers_over_the_api_what_the_page_answers() {
    let app = TestApp::spawn().await;
    let anyone = ApiClient::new(&app);
    let (status, body) = json_of(
        anyone
            .send(
                Method::GET,
                "/api/v1/calculator?degree=phd&arrival_date=2024-03-01&employed_in_city=on&housing=rent&month=2026-11",
                None,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["explanation"]["card"]["tier"], "B");
    let rent = body["explanation"]["benefits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "rent_allowance")
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(rent["eligible"], true, "{rent}");

    // The page's field errors: an impossible date, a purchase date missing for an owner.
    let (status, body) = json_of(
        anyone
            .send(
                Method::GET,
                "/api/v1/calculator?degree=phd&arrival_date=2024-02-30&housing=owns&month=2026-11",
                None,
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_codes(&body).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["arrival_date", "home_purchase_date"]);
    // Nothing asked at all is every required field's error, not a server error.
    let (status, body) = json_of(anyone.send(Method::GET, "/api/v1/calculator", None).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}
