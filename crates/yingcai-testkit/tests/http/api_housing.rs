//! The housing API: each twin of a housing page, its field errors in both languages (the
//! page's messages), and who may call it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yingcai_domain::Role;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp};

use crate::housing::{INVENTORY, card_holder, talent, text};

/// An API call as `client`, in `language`.
async fn call(
    app: &TestApp,
    client: &ApiClient,
    language: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .request(method, app.url(path))
        .header("accept-language", language);
    if let Some(token) = &client.token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

/// The field errors of a 422 answer: (field, code, message), in the body's order.
async fn field_errors(response: reqwest::Response) -> Vec<(String, String, String)> {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid", "{body}");
    body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_owned();
            (s("field"), s("code"), s("message"))
        })
        .collect()
}

async fn import(app: &TestApp, officer: &ApiClient, body: &str) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name("inventory.csv"),
    );
    reqwest::Client::new()
        .post(app.url("/api/v1/housing/inventory-imports"))
        .header("accept-language", "en")
        .bearer_auth(officer.token.as_deref().unwrap())
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_inventory_is_managed_and_imported_over_the_api() {
    let app = TestApp::spawn().await;
    let page = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    let officer = ApiClient::signed_in(&app, "officer@example.cn", PASSWORD).await;

    // A wrong complex: the page's fields and messages, in either language.
    for (language, page_language) in [("en", "/lang/en"), ("zh-CN", "/lang/zh-CN")] {
        let errors = field_errors(
            call(
                &app,
                &officer,
                language,
                Method::POST,
                "/api/v1/housing/complexes",
                Some(json!({"code": "C 1", "name": "Court", "district": "nowhere", "address": "x", "operator": "y"})),
            )
            .await,
        )
        .await;
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|(f, c, _)| (f.as_str(), c.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("code", "complex-code-invalid"),
                ("district", "district-invalid")
            ]
        );
        page.get(page_language).await;
        let response = page
            .post_form(
                "/officer/housing/complexes",
                &[
                    ("code", "C 1"),
                    ("name", "Court"),
                    ("district", "nowhere"),
                    ("address", "x"),
                    ("operator", "y"),
                ],
            )
            .await;
        let html = text(&response.text().await.unwrap());
        for (_, _, message) in &errors {
            assert!(html.contains(message.as_str()), "{message} not in {html}");
        }
    }
    let complex = json!({"code": "C0", "name": "Court", "district": "长安区", "address": "1 Road", "operator": "Op"});
    let response = officer
        .send(
            Method::POST,
            "/api/v1/housing/complexes",
            Some(complex.clone()),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["complex"]["code"], "C0");
    let id = created["complex"]["complex_id"].as_i64().unwrap();
    let errors = field_errors(
        officer
            .send(Method::POST, "/api/v1/housing/complexes", Some(complex))
            .await,
    )
    .await;
    assert_eq!(
        (errors[0].0.as_str(), errors[0].1.as_str()),
        ("code", "complex-code-taken")
    );

    // Unit types: checked as the page's form is, the fields named as there.
    let path = format!("/api/v1/housing/complexes/{id}/unit-types");
    let errors = field_errors(
        officer
            .send(
                Method::POST,
                &path,
                Some(json!({"unit_type": "Studio", "area_centi_m2": 0, "bedrooms": 1, "rent_fen": 80000, "unit_numbers": ""})),
            )
            .await,
    )
    .await;
    let fields: Vec<&str> = errors.iter().map(|(f, _, _)| f.as_str()).collect();
    assert_eq!(fields, ["area_m2", "unit_numbers"]);
    let response = officer
        .send(
            Method::POST,
            &path,
            Some(json!({"unit_type": "Studio", "area_centi_m2": 3050, "bedrooms": 1, "rent_fen": 80050, "unit_numbers": "101-103"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let detail: Value = response.json().await.unwrap();
    assert_eq!(
        detail["unit_types"][0],
        json!({"unit_type_id": detail["unit_types"][0]["unit_type_id"], "name": "Studio", "area_centi_m2": 3050, "bedrooms": 1, "rent_fen": 80050})
    );
    let numbers: Vec<&str> = detail["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_object().unwrap()["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["101", "102", "103"]);
    // The same numbers again clash with the registered units.
    let errors = field_errors(
        officer
            .send(
                Method::POST,
                &path,
                Some(json!({"unit_type": "Studio", "area_centi_m2": 3050, "bedrooms": 1, "rent_fen": 80050, "unit_numbers": "103"})),
            )
            .await,
    )
    .await;
    assert_eq!(
        (errors[0].0.as_str(), errors[0].1.as_str()),
        ("unit_numbers", "unit-number-taken")
    );

    // A unit out of service and back; a status that is not one of the two.
    let unit = detail["units"][0]["unit_id"].as_i64().unwrap();
    let status_path = format!("/api/v1/housing/units/{unit}/status");
    let response = officer
        .send(
            Method::PUT,
            &status_path,
            Some(json!({"status": "maintenance"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let detail: Value = officer
        .send(
            Method::GET,
            &format!("/api/v1/housing/complexes/{id}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["units"][0]["status"], "maintenance");
    let errors = field_errors(
        officer
            .send(Method::PUT, &status_path, Some(json!({"status": "let"})))
            .await,
    )
    .await;
    assert_eq!(
        (errors[0].0.as_str(), errors[0].1.as_str()),
        ("status", "status-invalid")
    );
    assert_eq!(
        officer
            .send(
                Method::PUT,
                "/api/v1/housing/units/999999/status",
                Some(json!({"status": "free"}))
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // An inventory file: whole, or refused row by row with nothing registered.
    let broken = INVENTORY.replace("桥西区", "nowhere");
    let response = import(&app, &officer, &broken).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused: Value = response.json().await.unwrap();
    assert_eq!(refused["fields"][0]["code"], "inventory-rows-invalid");
    assert_eq!(refused["rows"][0]["row"], 3);
    assert_eq!(refused["rows"][0]["code"], "district-invalid");
    assert_eq!(
        refused["rows"][0]["message"],
        "Choose a district from the list."
    );
    assert!(refused["report_id"].as_i64().is_some());
    assert_eq!(app.store.complexes().await.unwrap().len(), 1);
    let response = import(&app, &officer, INVENTORY).await;
    assert_eq!(response.status(), StatusCode::OK);
    let imported: Value = response.json().await.unwrap();
    assert_eq!(
        imported,
        json!({"complexes_created": 2, "unit_types_created": 2, "units_created": 2})
    );

    // The list, in code order, a page at a time.
    let list: Value = officer
        .send(Method::GET, "/api/v1/housing/complexes", None)
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["complex"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["C0", "C1", "C2"]);
    assert_eq!(list[0]["maintenance"], 1);
    assert_eq!(list[0]["free"], 2);
    let second: Value = officer
        .send(
            Method::GET,
            "/api/v1/housing/complexes?limit=1&offset=1",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second.as_array().unwrap().len(), 1);
    assert_eq!(second[0]["complex"]["code"], "C1");
    let errors = field_errors(
        officer
            .send(Method::GET, "/api/v1/housing/complexes?limit=501", None)
            .await,
    )
    .await;
    assert_eq!(errors[0].0, "limit");

    // Talents may not.
    app.create_account("t@example.cn", &[Role::Talent]).await;
    let talent = ApiClient::signed_in(&app, "t@example.cn", PASSWORD).await;
    for (method, path) in [
        (Method::GET, "/api/v1/housing/complexes"),
        (Method::GET, "/api/v1/housing/rounds"),
        (Method::GET, "/api/v1/housing/occupancy"),
    ] {
        assert_eq!(
            talent.send(method, path, None).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_round_runs_over_the_api_from_ballots_to_a_lease() {
    let app = TestApp::spawn().await;
    app.cover_calendar_years_from_now().await;
    let officer_page = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    officer_page.get("/lang/en").await;
    let officer = ApiClient::signed_in(&app, "officer@example.cn", PASSWORD).await;
    assert_eq!(
        import(&app, &officer, INVENTORY).await.status(),
        StatusCode::OK
    );
    let (_, applicant_page) = card_holder(
        &app,
        &officer_page,
        "li@example.cn",
        &talent("Li", "11010519491231002X", "rent", "24"),
    )
    .await;
    let applicant = ApiClient::signed_in(&app, "li@example.cn", PASSWORD).await;
    card_holder(
        &app,
        &officer_page,
        "wu@example.cn",
        &talent("Wu", "110101199003074477", "rent", "12"),
    )
    .await;
    let other = ApiClient::signed_in(&app, "wu@example.cn", PASSWORD).await;
    let unit_types: Vec<i64> = app
        .store
        .all_unit_types()
        .await
        .unwrap()
        .iter()
        .map(|(_, t)| t.unit_type_id)
        .collect();

    // A round with a deadline passed and no unit type: the page's fields and messages.
    for language in ["en", "zh-CN"] {
        let errors = field_errors(
            call(
                &app,
                &officer,
                language,
                Method::POST,
                "/api/v1/housing/rounds",
                Some(json!({"name": "Spring", "deadline_at": 1, "unit_type_ids": [], "requirements": ["card"]})),
            )
            .await,
        )
        .await;
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|(f, c, _)| (f.as_str(), c.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("deadline", "deadline-past"),
                ("unit_type", "unit-types-required")
            ]
        );
        let expected = if language == "en" {
            "The deadline must be in the future."
        } else {
            "截止时间必须在将来。"
        };
        assert!(errors[0].2.contains(expected), "{errors:?}");
    }
    let deadline = yingcai_store::now_ms() + 60_000;
    let response = officer
        .send(
            Method::POST,
            "/api/v1/housing/rounds",
            Some(json!({"name": "Spring", "deadline_at": deadline, "unit_type_ids": unit_types, "requirements": ["card"]})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let opened: Value = response.json().await.unwrap();
    let round_id = opened["round"]["round_id"].as_i64().unwrap();
    assert_eq!(opened["round"]["seed"].as_str().unwrap().len(), 64);
    assert_eq!(opened["round"]["accepts_ballots"], true);
    assert_eq!(opened["figures"]["complexes"].as_array().unwrap().len(), 2);

    // The applicant sees the round, is eligible, and ranks the complexes.
    let mine: Value = applicant
        .send(Method::GET, "/api/v1/me/housing", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["has_record"], true);
    let open = &mine["open_rounds"][0];
    assert_eq!(open["round"]["round_id"], round_id);
    assert_eq!(open["eligible"], true, "{open}");
    assert_eq!(open["complexes"][1]["code"], "C2");
    let ballot = format!("/api/v1/housing-rounds/{round_id}/ballot");
    for (language, page_language) in [("en", "/lang/en"), ("zh-CN", "/lang/zh-CN")] {
        let errors = field_errors(
            call(
                &app,
                &applicant,
                language,
                Method::PUT,
                &ballot,
                Some(json!({"ranking": ["C9"]})),
            )
            .await,
        )
        .await;
        assert_eq!(
            (errors[0].0.as_str(), errors[0].1.as_str()),
            ("ranking", "complex-unknown")
        );
        applicant_page.get(page_language).await;
        let response = applicant_page
            .post_form(
                &format!("/talent/housing/rounds/{round_id}/ballot"),
                &[("rank1", "C9")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(&response.text().await.unwrap()).contains(&errors[0].2));
    }
    let response = applicant
        .send(Method::PUT, &ballot, Some(json!({"ranking": ["C2", "C1"]})))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let mine: Value = response.json().await.unwrap();
    assert_eq!(mine["open_rounds"][0]["ranking"], json!(["C2", "C1"]));
    assert!(mine["open_rounds"][0]["pseudonym"].is_string());
    // Officers do not cast ballots.
    assert_eq!(
        officer
            .send(Method::PUT, &ballot, Some(json!({"ranking": ["C1"]})))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // Not before the deadline; then the run, its offers, and the public figures.
    let run = format!("/api/v1/housing/rounds/{round_id}/run");
    let errors = field_errors(officer.send(Method::POST, &run, None).await).await;
    assert_eq!(
        (errors[0].0.as_str(), errors[0].1.as_str()),
        ("round", "round-before-deadline")
    );
    app.store
        .execute_unchecked(&format!(
            "update housing_round set deadline_at = 1 where round_id = {round_id}"
        ))
        .await
        .unwrap();
    let response = officer.send(Method::POST, &run, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let allocated: Value = response.json().await.unwrap();
    assert_eq!(allocated["round"]["status"], "allocated");
    let offers = allocated["offers"].as_array().unwrap();
    assert_eq!(offers.len(), 1, "{allocated}");
    assert_eq!(offers[0]["talent_name"], "Li");
    assert_eq!(offers[0]["offer"]["complex_name"], "Qiaoxi Talent Court");
    let errors = field_errors(officer.send(Method::POST, &run, None).await).await;
    assert_eq!(errors[0].1, "round-already-run");
    let public: Value = ApiClient::new(&app)
        .send(
            Method::GET,
            &format!("/api/v1/housing-rounds/{round_id}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["figures"]["applicants"], 1);
    assert_eq!(public["figures"]["matched"], 1);
    assert_eq!(
        public["files"][1],
        format!("/housing/rounds/{round_id}/result.csv")
    );
    assert!(public.get("offers").is_none(), "no names in public");

    // The offer is the applicant's alone to answer.
    let offer = offers[0]["offer"]["offer_id"].as_i64().unwrap();
    let accept = format!("/api/v1/housing-offers/{offer}/accept");
    assert_eq!(
        other.send(Method::POST, &accept, None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        officer.send(Method::POST, &accept, None).await.status(),
        StatusCode::FORBIDDEN
    );
    let mine: Value = applicant
        .send(Method::GET, "/api/v1/me/housing", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["offers"][0]["answerable"], true);
    assert_eq!(mine["results"][0]["round"]["round_id"], round_id);
    let response = applicant.send(Method::POST, &accept, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mine: Value = response.json().await.unwrap();
    assert_eq!(mine["leases"][0]["status"], "active");
    assert_eq!(mine["leases"][0]["rent_fen"], 90_050);
    // Answered: neither accepted again nor declined, in the caller's language.
    for (path, language, expected) in [
        (
            accept.clone(),
            "en",
            "This offer can no longer be answered.",
        ),
        (
            format!("/api/v1/housing-offers/{offer}/decline"),
            "zh-CN",
            "此配租通知已无法答复。",
        ),
    ] {
        let errors =
            field_errors(call(&app, &applicant, language, Method::POST, &path, None).await).await;
        assert_eq!(
            (errors[0].0.as_str(), errors[0].1.as_str()),
            ("offer", "offer-closed")
        );
        assert_eq!(errors[0].2, expected);
    }
    // The round is closed to ballots now.
    let errors = field_errors(applicant.send(Method::DELETE, &ballot, None).await).await;
    assert_eq!(errors[0].1, "round-closed");

    // Occupancy and notice on the lease.
    let occupancy: Value = officer
        .send(Method::GET, "/api/v1/housing/occupancy", None)
        .await
        .json()
        .await
        .unwrap();
    let lease = occupancy["leases"][0]["lease_id"].as_i64().unwrap();
    assert_eq!(occupancy["leases"][0]["talent_name"], "Li");
    let complexes = occupancy["complexes"].as_array().unwrap();
    assert_eq!(complexes[1]["let"], 1);
    // A let unit is the lettings' to change, not an officer's by hand.
    let unit = occupancy["leases"][0]["unit_id"].as_i64().unwrap();
    let errors = field_errors(
        call(
            &app,
            &officer,
            "zh-CN",
            Method::PUT,
            &format!("/api/v1/housing/units/{unit}/status"),
            Some(json!({"status": "maintenance"})),
        )
        .await,
    )
    .await;
    assert_eq!(
        errors[0],
        (
            "status".to_owned(),
            "unit-busy".to_owned(),
            "该房源已配租或出租，暂不能更改状态。".to_owned()
        )
    );
    let notice = format!("/api/v1/housing/leases/{lease}/notice");
    for (language, page_language) in [("en", "/lang/en"), ("zh-CN", "/lang/zh-CN")] {
        let errors = field_errors(
            call(
                &app,
                &officer,
                language,
                Method::POST,
                &notice,
                Some(json!({"ends_on": "2000-01-01"})),
            )
            .await,
        )
        .await;
        assert_eq!(
            (errors[0].0.as_str(), errors[0].1.as_str()),
            ("ends_on", "date-invalid")
        );
        officer_page.get(page_language).await;
        let response = officer_page
            .post_form(
                &format!("/officer/housing/leases/{lease}/notice"),
                &[("ends_on", "2000-01-01")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(&response.text().await.unwrap()).contains(&errors[0].2));
    }
    let ends_on = jiff::Zoned::now()
        .date()
        .checked_add(jiff::Span::new().days(40))
        .unwrap()
        .to_string();
    let response = officer
        .send(Method::POST, &notice, Some(json!({ "ends_on": ends_on })))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let ending: Value = response.json().await.unwrap();
    assert_eq!(ending["ends_on"], ends_on);
    assert_eq!(ending["end_reason"], "officer");
    assert_eq!(
        applicant
            .send(Method::GET, "/api/v1/housing/occupancy", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}
