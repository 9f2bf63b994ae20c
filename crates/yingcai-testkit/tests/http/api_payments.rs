//! The payments API: each twin of a payments page, its field errors in both languages (the
//! page's messages), and who may call it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yingcai_domain::Role;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, Visitor};

use crate::housing::text;

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
        .header("accept-language", language)
        .bearer_auth(client.token.as_deref().unwrap());
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

/// The one field error of a 422 answer: (field, code, message).
async fn field_error(response: reqwest::Response) -> (String, String, String) {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid", "{body}");
    let fields = body["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{body}");
    let s = |k: &str| fields[0][k].as_str().unwrap().to_owned();
    (s("field"), s("code"), s("message"))
}

/// An officer signed in on the pages (in English) and over the API.
async fn officer(app: &TestApp, email: &str) -> (Visitor, ApiClient) {
    let visitor = app.signed_in(email, &[Role::Officer]).await;
    visitor.get("/lang/en").await;
    (visitor, ApiClient::signed_in(app, email, PASSWORD).await)
}

fn month(text: &str) -> yingcai_domain::Month {
    text.parse().unwrap()
}

#[tokio::test]
async fn a_run_is_computed_approved_exported_and_settled_over_the_api() {
    let app = TestApp::spawn().await;
    let (lo, hi) = app
        .store
        .seed_payable_entitlements(2, "2026-11", "2027-10", 300_000)
        .await
        .unwrap();
    let (preparer_page, preparer) = officer(&app, "prep@example.cn").await;
    let (_, second) = officer(&app, "second@example.cn").await;

    // A month that is not one: the page's field and message, in either language.
    for (language, page_language) in [("en", "/lang/en"), ("zh-CN,zh;q=0.9", "/lang/zh-CN")] {
        let (field, code, message) = field_error(
            call(
                &app,
                &preparer,
                language,
                Method::POST,
                "/api/v1/payment-runs",
                Some(json!({"month": "2026-13"})),
            )
            .await,
        )
        .await;
        assert_eq!((field.as_str(), code.as_str()), ("month", "month-invalid"));
        preparer_page.get(page_language).await;
        let response = preparer_page
            .post_form("/officer/payments", &[("month", "2026-13")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = text(&response.text().await.unwrap());
        assert!(page.contains(&message), "{message} not in {page}");
    }
    let en = "en";
    let response = call(
        &app,
        &preparer,
        en,
        Method::POST,
        "/api/v1/payment-runs",
        Some(json!({"month": "2026-11"})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let run: Value = response.json().await.unwrap();
    assert_eq!(run["run"]["month"], "2026-11");
    assert_eq!(run["run"]["status"], "draft");
    assert_eq!(run["run"]["lines"], 2);
    assert_eq!(run["run"]["total_fen"], 600_000);
    assert_eq!(run["prepared_by_caller"], true);
    assert_eq!(
        run["by_kind"],
        json!([{"kind": "regular", "lines": 2, "total_fen": 600_000}])
    );
    assert_eq!(run["ledger_sound"], true);

    // The list, the lines a page at a time, one line with its postings.
    let runs: Value = call(&app, &second, en, Method::GET, "/api/v1/payment-runs", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(runs[0]["month"], "2026-11");
    let lines: Value = call(
        &app,
        &second,
        en,
        Method::GET,
        "/api/v1/payment-runs/2026-11/lines?limit=1&offset=1",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(lines.as_array().unwrap().len(), 1);
    assert_eq!(lines[0]["talent_id"], hi);
    assert_eq!(lines[0]["service_month"], "2026-11");
    let (field, _, _) = field_error(
        call(
            &app,
            &second,
            en,
            Method::GET,
            "/api/v1/payment-runs/2026-11/lines?limit=0",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(field, "limit");
    let line_id = lines[0]["payment_line_id"].as_i64().unwrap();
    let line: Value = call(
        &app,
        &second,
        en,
        Method::GET,
        &format!("/api/v1/payment-lines/{line_id}"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(line["line"]["amount_fen"], 300_000);
    let entries = line["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    let sum: i64 = entries
        .iter()
        .map(|e| e["amount_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, 0, "an accrual balances: {line}");

    // The preparer may not approve; in Chinese, the page's message.
    let (field, code, message) = field_error(
        call(
            &app,
            &preparer,
            "zh-CN",
            Method::POST,
            "/api/v1/payment-runs/2026-11/approve",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (field.as_str(), code.as_str()),
        ("approval", "approval-by-preparer")
    );
    assert_eq!(message, "编制批次的工作人员不能审核该批次。");
    // Exporting before approval is refused.
    let (_, code, _) = field_error(
        call(
            &app,
            &second,
            en,
            Method::POST,
            "/api/v1/payment-runs/2026-11/export",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(code, "run-not-approved");
    let response = call(
        &app,
        &second,
        en,
        Method::POST,
        "/api/v1/payment-runs/2026-11/approve",
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let approved: Value = response.json().await.unwrap();
    assert_eq!(approved["run"]["status"], "approved");
    assert_eq!(approved["prepared_by_caller"], false);
    // An approved run is frozen.
    let (field, code, message) = field_error(
        call(
            &app,
            &preparer,
            en,
            Method::POST,
            "/api/v1/payment-runs",
            Some(json!({"month": "2026-11"})),
        )
        .await,
    )
    .await;
    assert_eq!((field.as_str(), code.as_str()), ("month", "run-frozen"));
    assert_eq!(
        message,
        "This run is approved: its lines can no longer change."
    );
    // No bank file before export.
    assert_eq!(
        call(
            &app,
            &second,
            en,
            Method::GET,
            "/api/v1/payment-runs/2026-11/bank-files/bank.csv",
            None
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );

    let response = call(
        &app,
        &second,
        en,
        Method::POST,
        "/api/v1/payment-runs/2026-11/export",
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let exported: Value = response.json().await.unwrap();
    assert_eq!(exported["run"]["status"], "exported");
    let transfers = exported["transfers"].as_array().unwrap();
    assert_eq!(transfers.len(), 2);
    assert_eq!(transfers[0]["amount_fen"], 300_000);
    // Only the masked account: the full one is for the bank file.
    assert!(transfers[0].get("account").is_none(), "{exported}");
    assert!(transfers[0].get("account_masked").is_some(), "{exported}");

    // The bank files, with the page's content types.
    let response = call(
        &app,
        &second,
        en,
        Method::GET,
        "/api/v1/payment-runs/2026-11/bank-files/bank.csv",
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    let csv = response.text().await.unwrap();
    assert!(
        csv.starts_with("reference,payee,account,amount_yuan,purpose\n")
            && csv.contains(&format!("YC-2026-11-{lo},"))
            && csv.contains(",3000.00,"),
        "{csv}"
    );
    let response = call(
        &app,
        &second,
        en,
        Method::GET,
        "/api/v1/payment-runs/2026-11/bank-files/bank.xlsx",
        None,
    )
    .await;
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(response.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(
        call(
            &app,
            &second,
            en,
            Method::GET,
            "/api/v1/payment-runs/2026-11/bank-files/bank.pdf",
            None
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );

    // The bank's answer, uploaded as on the page; a file that does not read is refused with
    // the page's message.
    let settle = |bytes: Vec<u8>, language: &'static str| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("answer.csv"),
        );
        reqwest::Client::new()
            .post(app.url("/api/v1/payment-runs/2026-11/settlement"))
            .header("accept-language", language)
            .bearer_auth(second.token.as_deref().unwrap())
            .multipart(form)
            .send()
    };
    for (language, expected) in [
        ("en", "The settlement file could not be read"),
        ("zh-CN", "无法读取回单文件"),
    ] {
        let (field, code, message) = field_error(
            settle(b"reference,status\nX,maybe\n".to_vec(), language)
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (field.as_str(), code.as_str()),
            ("file", "settlement-file-invalid")
        );
        assert!(message.starts_with(expected), "{message}");
    }
    let answer = format!(
        "reference,status,reason\nYC-2026-11-{lo},paid,\nYC-2026-11-{hi},failed,account closed\n"
    );
    let response = settle(answer.into_bytes(), "en").await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let settled: Value = response.json().await.unwrap();
    assert_eq!(
        (&settled["paid"], &settled["failed"], &settled["ignored"]),
        (&json!(1), &json!(1), &json!(0))
    );
    assert_eq!(settled["run"]["run"]["status"], "settled");
    let failed = settled["run"]["transfers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["talent_id"] == hi)
        .unwrap();
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["failure_reason"], "account closed");
    assert!(app.store.check_ledger().await.unwrap().is_sound());

    // Spending reports: the latest run month when none is asked for.
    let report: Value = call(
        &app,
        &second,
        en,
        Method::GET,
        "/api/v1/spending-reports",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        report["by_month"],
        json!([{"month": "2026-11", "total_fen": 600_000}])
    );
    assert_eq!(report["month"], "2026-11");
    let dimensions: Vec<&str> = report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["dimension"].as_str().unwrap())
        .collect();
    assert_eq!(dimensions, ["benefit", "degree", "tier", "district"]);
    assert_eq!(
        report["sections"][0]["rows"],
        json!([{"key": "rent_allowance", "talents": 2, "total_fen": 600_000}])
    );
    let month_report: Value = call(
        &app,
        &second,
        en,
        Method::GET,
        "/api/v1/spending-reports/2026-11",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(month_report["sections"], report["sections"]);
    assert_eq!(
        call(
            &app,
            &second,
            en,
            Method::GET,
            "/api/v1/spending-reports/2026-13",
            None
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    for (language, page_language) in [("en", "/lang/en"), ("zh-CN", "/lang/zh-CN")] {
        let (field, code, message) = field_error(
            call(
                &app,
                &second,
                language,
                Method::GET,
                "/api/v1/spending-reports?month=13-2026",
                None,
            )
            .await,
        )
        .await;
        assert_eq!((field.as_str(), code.as_str()), ("month", "month-invalid"));
        preparer_page.get(page_language).await;
        let response = preparer_page.get("/officer/reports?month=13-2026").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            text(&response.text().await.unwrap()).contains(&message),
            "{message}"
        );
    }
}

#[tokio::test]
async fn a_talent_reads_its_own_payments_and_an_officer_books_a_repayment() {
    let app = TestApp::spawn().await;
    let (lo, hi) = app
        .store
        .seed_payable_entitlements(2, "2026-11", "2027-10", 300_000)
        .await
        .unwrap();
    // A talent with a record of its own (the seeded ones have none to open) takes over the
    // second seeded entitlement.
    let owner = app.create_account("hi@example.cn", &[Role::Talent]).await;
    let input = yingcai_domain::TalentInput {
        name: "Owner".into(),
        resident_id: "11010519491231002X".into(),
        degree: "master".into(),
        arrival_date: "2024-03-01".into(),
        employed_in_city: "true".into(),
        housing: "rent".into(),
        social_insurance_months: "12".into(),
        ..Default::default()
    };
    let hi = {
        let real = app.verified_talent(owner, "hi@example.cn", &input).await;
        app.store
            .execute_unchecked(&format!(
                "update entitlement set talent_id = {real} where talent_id = {hi}"
            ))
            .await
            .unwrap();
        real
    };
    let system = yingcai_store::Actor::System;
    yingcai_services::payments::run_month(&app.store, month("2026-11"), &system, &|_, _| {})
        .await
        .unwrap();
    // Talent lo bought a home in November: nothing was owed, 3,000 comes back.
    app.store
        .execute_unchecked(&format!(
            "update entitlement set schedule = '[]' where talent_id = {lo}"
        ))
        .await
        .unwrap();
    yingcai_services::payments::run_month(&app.store, month("2026-12"), &system, &|_, _| {})
        .await
        .unwrap();

    // Each talent sees its own lines only, newest run first; others may not ask.
    let talent = ApiClient::signed_in(&app, "hi@example.cn", PASSWORD).await;
    let mine: Value = talent
        .send(Method::GET, "/api/v1/me/payments", None)
        .await
        .json()
        .await
        .unwrap();
    let months: Vec<(&str, i64)> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            assert_eq!(l["talent_id"], hi);
            (
                l["run_month"].as_str().unwrap(),
                l["amount_fen"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(months, [("2026-12", 300_000), ("2026-11", 300_000)]);
    app.create_account("none@example.cn", &[Role::Talent]).await;
    let without_record = ApiClient::signed_in(&app, "none@example.cn", PASSWORD).await;
    let none: Value = without_record
        .send(Method::GET, "/api/v1/me/payments", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]));
    for path in [
        "/api/v1/payment-runs",
        "/api/v1/receivables",
        "/api/v1/spending-reports",
    ] {
        assert_eq!(
            talent.send(Method::GET, path, None).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        talent
            .send(
                Method::POST,
                &format!("/api/v1/receivables/{lo}/repayments"),
                Some(json!({"amount_fen": 100}))
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let (officer_page, officer) = officer(&app, "officer@example.cn").await;
    assert_eq!(
        officer
            .send(Method::GET, "/api/v1/me/payments", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    let receivables: Value = officer
        .send(Method::GET, "/api/v1/receivables", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        receivables,
        json!([{"talent_id": lo, "name": receivables[0]["name"], "owed_fen": 300_000, "recoverable": true}])
    );
    // More than is owed, or nothing: the page's field and message, in either language.
    for (language, page_language, amount) in
        [("en", "/lang/en", 400_000), ("zh-CN", "/lang/zh-CN", 0)]
    {
        let (field, code, message) = field_error(
            call(
                &app,
                &officer,
                language,
                Method::POST,
                &format!("/api/v1/receivables/{lo}/repayments"),
                Some(json!({ "amount_fen": amount })),
            )
            .await,
        )
        .await;
        assert_eq!(
            (field.as_str(), code.as_str()),
            ("amount", "repayment-amount-invalid")
        );
        officer_page.get(page_language).await;
        let response = officer_page
            .post_form(
                &format!("/officer/receivables/{lo}/repayment"),
                &[("amount", &(amount / 100).to_string())],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            text(&response.text().await.unwrap()).contains(&message),
            "{message}"
        );
    }
    let response = officer
        .send(
            Method::POST,
            &format!("/api/v1/receivables/{lo}/repayments"),
            Some(json!({"amount_fen": 100_050})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let after: Value = response.json().await.unwrap();
    assert_eq!(after[0]["owed_fen"], 300_000 - 100_050);
    assert_eq!(
        app.store
            .ledger_balance(&format!("receivable:{lo}"))
            .await
            .unwrap(),
        300_000 - 100_050
    );
    // Unreadable JSON is a 400, nothing booked.
    let response = officer
        .send(
            Method::POST,
            &format!("/api/v1/receivables/{lo}/repayments"),
            Some(json!({"amount_fen": "a lot"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(app.store.check_ledger().await.unwrap().is_sound());
}
