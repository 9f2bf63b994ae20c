//! Open competitions (揭榜挂帅), second slice: sealed bids. Nobody reads a bid before its
//! need's deadline — not the issuer, an officer, an administrator, a reviewer, a stranger,
//! the API or a reader of the database and the file store; the opening job opens bids
//! once, and the formal check gives its reasons; field errors in the caller's language.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yingcai_domain::Role;
use yingcai_domain::competition::{CriterionInput, IndicatorInput, NeedInput};
use yingcai_domain::status::NeedStatus;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, Visitor, location};

/// A phrase that appears in the plan and in the document, and nowhere else.
const SECRET: &str = "量子隧穿烧结秘方QX-7731";

fn today() -> yingcai_domain::Date {
    yingcai_domain::Date::try_from(yingcai_services::policy::today()).unwrap()
}

/// A published need of `issuer`'s: ¥1,000,000 over 12 months, closing in 40 days.
pub(crate) async fn published_need(app: &TestApp, issuer: i64, title: &str) -> i64 {
    let deadline = today().plus_days(40).unwrap();
    let need = NeedInput {
        title: title.into(),
        field: "new_materials".into(),
        description: "高导热陶瓷基板。".into(),
        indicators: vec![IndicatorInput {
            name: "热导率".into(),
            target: "≥ 170".into(),
            unit: "W/(m·K)".into(),
        }],
        budget: "1,000,000".into(),
        duration_months: "12".into(),
        bid_deadline: deadline.to_string(),
        ip_terms: "shared".into(),
        confidentiality: "none".into(),
        criteria: vec![CriterionInput {
            name: "技术方案".into(),
            weight: "100".into(),
        }],
        stages: "1".into(),
        winners: "1".into(),
        ..Default::default()
    }
    .parse(&["new_materials".to_owned()], today())
    .unwrap();
    let actor = yingcai_store::Actor::System;
    let now = yingcai_store::now_ms();
    let id = app
        .store
        .create_need(
            &yingcai_store::NewNeed {
                owner_account_id: issuer,
                enterprise_id: None,
                issuer: "保定陶瓷科技有限公司",
                need: &need,
                at: now,
            },
            &actor,
        )
        .await
        .unwrap();
    for (from, to) in [
        (NeedStatus::Draft, NeedStatus::Submitted),
        (NeedStatus::Submitted, NeedStatus::Accepted),
    ] {
        app.store
            .move_need(id, from, to, "", now, &actor)
            .await
            .unwrap();
    }
    app.store
        .publish_list(
            &yingcai_store::NewList {
                title: "第一批",
                year: today().year(),
                min_window_days: 30,
                earliest_deadline: today(),
                need_ids: &[id],
                at: now,
            },
            &actor,
        )
        .await
        .unwrap();
    id
}

/// Makes the need's deadline pass (yesterday) without waiting.
pub(crate) async fn close(app: &TestApp, need: i64) {
    app.store
        .set_need_deadline(need, today().plus_days(-1).unwrap())
        .await
        .unwrap();
}

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {text}\n%%EOF\n").into_bytes()
}

/// Posts the bid form (with files) as a browser does.
async fn post_bid(
    visitor: &Visitor,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, Vec<u8>)],
) -> reqwest::Response {
    if visitor.cookie("yc_csrf").is_none() {
        visitor.get("/").await;
    }
    let mut form = reqwest::multipart::Form::new().text("csrf", visitor.cookie("yc_csrf").unwrap());
    for (name, value) in fields {
        form = form.text((*name).to_owned(), (*value).to_owned());
    }
    for (name, bytes) in files {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name((*name).to_owned()),
        );
    }
    visitor
        .client
        .post(visitor.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn bid_fields(need: &str) -> Vec<(&str, &str)> {
    vec![
        ("need_id", need),
        ("title", "流延成型氮化铝基板"),
        ("plan", "采用流延成型与常压烧结：量子隧穿烧结秘方QX-7731。"),
        ("lead_organisation", "河北工业大学"),
        ("member_name", "李四"),
        ("member_role", "工艺负责人"),
        ("member_organisation", "某陶瓷研究所"),
        ("member_email", "li@example.cn"),
        ("member_name", ""),
        ("member_role", ""),
        ("member_organisation", ""),
        ("member_email", ""),
        ("budget", "900,000"),
        ("milestone_title", "样品"),
        ("milestone_deliverable", "检测报告"),
        ("milestone_month", "6"),
        ("milestone_amount", "400,000"),
        ("milestone_title", "验收"),
        ("milestone_deliverable", "小批量产品"),
        ("milestone_month", "12"),
        ("milestone_amount", "500,000"),
        ("relation_party", "王五"),
        ("relation_organisation", "保定陶瓷科技有限公司"),
        ("relation_nature", "曾为同事"),
    ]
}

fn bid_id(response: &reqwest::Response) -> i64 {
    let to = location(response);
    to.trim_start_matches("/bids/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a bid: {to}"))
}

/// Every file under the file store, as a reader of the disk sees it.
fn stored_files(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn api(app: &TestApp, email: &str) -> ApiClient {
    ApiClient::signed_in(app, email, PASSWORD).await
}

async fn get_json(client: &ApiClient, path: &str) -> (StatusCode, Value) {
    let response = client.send(Method::GET, path, None).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_sealed_bid_is_read_by_nobody_before_the_deadline() {
    let app = TestApp::spawn().await;
    let issuer_id = app
        .create_account("issuer@example.cn", &[Role::Enterprise])
        .await;
    let need = published_need(&app, issuer_id, "高导热氮化铝陶瓷基板").await;
    let need_text = need.to_string();
    let bidder = app.signed_in("bidder@example.cn", &[Role::Talent]).await;
    let issuer = app.visitor();
    issuer.sign_in("issuer@example.cn", PASSWORD).await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    let reviewer = app
        .signed_in("reviewer@example.cn", &[Role::Reviewer])
        .await;
    let other = app.signed_in("other@example.cn", &[Role::Talent]).await;
    let stranger = app.visitor();

    // The public need page offers the bidder a "Bid" button; the officer none.
    let (_, html) = bidder.page(&format!("/competitions/needs/{need}")).await;
    assert!(html.contains(&format!("/bids/new?need={need}")), "{html}");
    let (_, html) = officer.page(&format!("/competitions/needs/{need}")).await;
    assert!(!html.contains("/bids/new?need="));

    // A draft with a document: its author reads it.
    let (status, html) = bidder.page(&format!("/bids/new?need={need}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("name=\"member_name\"").count(), 2);
    let document = pdf(SECRET);
    let response = post_bid(
        &bidder,
        "/bids",
        &bid_fields(&need_text),
        &[("方案.pdf", document.clone())],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = bid_id(&response);
    let (status, html) = bidder.page(&format!("/bids/{id}?done=drafted")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(SECRET), "the author reads the draft");
    assert!(
        html.contains("The draft is saved and encrypted."),
        "the confirmation: {html}"
    );
    let doc_link = html
        .split(&format!("href=\"/bids/{id}/documents/"))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no document link: {html}"))
        .to_owned();
    let doc_path = format!("/bids/{id}/documents/{doc_link}");
    let response = bidder.get(&doc_path).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        document.as_slice()
    );

    // Neither the database nor the file store holds the phrase or the document.
    let secret = SECRET.as_bytes();
    let raw = app.store.raw_bid_bytes().await.unwrap();
    assert!(!contains(&raw, secret), "a bid row or audit entry in clear");
    assert!(!contains(&raw, "李四".as_bytes()));
    let files = stored_files(app.documents_dir());
    assert!(!files.is_empty(), "the document is stored");
    for file in &files {
        assert!(!contains(file, secret), "a stored file in clear");
        assert!(!contains(file, b"%PDF"), "a stored file in clear");
    }

    // Submitted: sealed, for its author too, who keeps the receipt.
    let response = bidder.post_form(&format!("/bids/{id}/submit"), &[]).await;
    assert_eq!(location(&response), format!("/bids/{id}?done=submitted"));
    let (status, html) = bidder.page(&format!("/bids/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains(SECRET));
    assert!(html.contains(&format!("TB{id:06}")));
    let author_api = api(&app, "bidder@example.cn").await;
    let (status, body) = get_json(&author_api, &format!("/api/v1/bids/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "submitted");
    assert!(body["content"].is_null());
    assert_eq!(body["sealed_digest"].as_str().unwrap().len(), 64);
    assert!(!body.to_string().contains(SECRET));
    assert_eq!(
        bidder.get(&doc_path).await.status(),
        StatusCode::NOT_FOUND,
        "the author's document is sealed too"
    );
    let author = app.store.bid(id).await.unwrap().bidder_account_id;
    assert!(
        matches!(
            app.store.open_bid_content(id, author).await,
            Err(yingcai_store::BidChangeError::Sealed)
        ),
        "the store itself refuses to open a submitted bid"
    );

    // Every other role, pages and API: nothing.
    for (who, visitor, email) in [
        ("issuer", &issuer, "issuer@example.cn"),
        ("officer", &officer, "officer@example.cn"),
        ("admin", &admin, "admin@example.cn"),
        ("reviewer", &reviewer, "reviewer@example.cn"),
        ("another talent", &other, "other@example.cn"),
    ] {
        for path in [format!("/bids/{id}"), doc_path.clone()] {
            assert_eq!(
                visitor.get(&path).await.status(),
                StatusCode::NOT_FOUND,
                "{who} {path}"
            );
        }
        let client = api(&app, email).await;
        for path in [
            format!("/api/v1/bids/{id}"),
            format!("/api/v1/bids/{id}/documents/{doc_link}"),
        ] {
            let response = client.send(Method::GET, &path, None).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{who} {path}");
        }
        let (status, html) = visitor
            .page(&format!("/competitions/needs/{need}/bids"))
            .await;
        assert!(!html.contains(SECRET), "{who}");
        let (api_status, body) = get_json(&client, &format!("/api/v1/needs/{need}/bids")).await;
        assert!(!body.to_string().contains(SECRET), "{who}");
        match who {
            "officer" => {
                assert_eq!((status, api_status), (StatusCode::OK, StatusCode::OK));
                assert_eq!(body["received"], 1, "officers see how many");
                assert_eq!(body["bids"], json!([]));
            }
            "issuer" => {
                assert_eq!((status, api_status), (StatusCode::OK, StatusCode::OK));
                assert!(
                    body["received"].is_null(),
                    "the issuer sees nothing: {body}"
                );
                assert_eq!(body["bids"], json!([]));
            }
            _ => assert_eq!(
                (status, api_status),
                (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
                "{who}"
            ),
        }
    }
    let response = stranger.get(&format!("/bids/{id}")).await;
    assert!(location(&response).starts_with("/login"));
    let anonymous = ApiClient::new(&app);
    let (status, _) = get_json(&anonymous, &format!("/api/v1/bids/{id}")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, body) = get_json(
        &anonymous,
        &format!("/api/v1/competitions/needs/{need}/bid-count"),
    )
    .await;
    assert!(body["received"].is_null(), "no count before the deadline");
    let (_, html) = stranger.page(&format!("/competitions/needs/{need}")).await;
    assert!(!html.contains(SECRET));

    // Withdrawn to a draft (readable again by its author) and submitted again.
    let response = bidder.post_form(&format!("/bids/{id}/withdraw"), &[]).await;
    assert_eq!(location(&response), format!("/bids/{id}?done=withdrawn"));
    assert!(bidder.page(&format!("/bids/{id}")).await.1.contains(SECRET));
    let response = author_api
        .send(Method::POST, &format!("/api/v1/bids/{id}/submit"), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    // After the deadline the job opens it: officers, the issuer and its author read it.
    close(&app, need).await;
    let report =
        yingcai_services::bids::open_due(&app.store, app.documents_dir(), yingcai_store::now_ms())
            .await
            .unwrap();
    assert_eq!((report.opened, report.checked), (1, 1));
    for (who, visitor) in [
        ("officer", &officer),
        ("issuer", &issuer),
        ("author", &bidder),
    ] {
        let (status, html) = visitor.page(&format!("/bids/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{who}");
        assert!(html.contains(SECRET), "{who}");
        let response = visitor.get(&doc_path).await;
        assert_eq!(response.status(), StatusCode::OK, "{who}");
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            document.as_slice()
        );
    }
    for visitor in [&admin, &reviewer, &other] {
        assert_eq!(
            visitor.get(&format!("/bids/{id}")).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    let (_, body) = get_json(
        &api(&app, "issuer@example.cn").await,
        &format!("/api/v1/needs/{need}/bids"),
    )
    .await;
    assert_eq!(body["received"], 1);
    assert_eq!(body["bids"][0]["content"]["title"], "流延成型氮化铝基板");
    assert_eq!(body["bids"][0]["check"], "passed");
    let (_, body) = get_json(
        &anonymous,
        &format!("/api/v1/competitions/needs/{need}/bid-count"),
    )
    .await;
    assert_eq!(body["received"], 1, "the public sees the number, after");
    let (_, html) = stranger.page(&format!("/competitions/needs/{need}")).await;
    assert!(html.contains("收到申报：1 份"), "{html}");
    assert!(!html.contains(SECRET));
}

/// Starts and (unless `draft_only`) submits a bid through the API; `documents` PDFs.
async fn api_bid(
    app: &TestApp,
    email: &str,
    need: i64,
    body: Value,
    documents: usize,
    draft_only: bool,
) -> (i64, Vec<i64>) {
    app.create_account(email, &[Role::Talent]).await;
    let client = api(app, email).await;
    let mut body = body;
    body["need_id"] = json!(need);
    let response = client.send(Method::POST, "/api/v1/bids", Some(body)).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{email}");
    let id = response.json::<Value>().await.unwrap()["bid_id"]
        .as_i64()
        .unwrap();
    let mut document_ids = Vec::new();
    for n in 0..documents {
        let form = reqwest::multipart::Form::new().part(
            "files",
            reqwest::multipart::Part::bytes(pdf(&format!("{email} {n}"))).file_name("plan.pdf"),
        );
        let response = reqwest::Client::new()
            .post(app.url(&format!("/api/v1/bids/{id}/documents")))
            .bearer_auth(client.token.clone().unwrap())
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "document of {email}");
        let view: Value = response.json().await.unwrap();
        document_ids.push(
            view["content"]["documents"][n]["document_id"]
                .as_i64()
                .unwrap(),
        );
    }
    if !draft_only {
        let response = client
            .send(Method::POST, &format!("/api/v1/bids/{id}/submit"), None)
            .await;
        assert_eq!(response.status(), StatusCode::OK, "submit of {email}");
    }
    (id, document_ids)
}

fn complete() -> Value {
    json!({
        "title": "完整方案",
        "plan": "方案正文",
        "members": [{"name": "张三", "role": "负责人", "organisation": "某大学"}],
        "milestones": [
            {"title": "一", "deliverable": "样品", "month": 6, "amount_fen": 30_000_000},
            {"title": "二", "deliverable": "验收", "month": 12, "amount_fen": 50_000_000}
        ],
        "budget_fen": 80_000_000
    })
}

#[tokio::test]
async fn the_opening_job_opens_once_and_the_formal_check_gives_reasons() {
    let app = TestApp::spawn().await;
    let issuer = app
        .create_account("issuer@example.cn", &[Role::Enterprise])
        .await;
    let need = published_need(&app, issuer, "工业视觉缺陷检测").await;
    let (passed, _) = api_bid(&app, "a@example.cn", need, complete(), 1, false).await;
    let mut sloppy = complete();
    sloppy["budget_fen"] = json!(90_000_000);
    let (failed, _) = api_bid(&app, "b@example.cn", need, sloppy, 0, false).await;
    let (altered, documents) = api_bid(&app, "c@example.cn", need, complete(), 1, false).await;
    let (lapsed, _) = api_bid(&app, "d@example.cn", need, complete(), 0, true).await;
    let (swapped, _) = api_bid(&app, "e@example.cn", need, complete(), 0, false).await;
    // Someone with write access copies another bid's sealed content over this one.
    app.store
        .execute_unchecked(&format!(
            "update competition_bid set content_sealed = (select content_sealed from competition_bid where bid_id = {passed}) where bid_id = {swapped}"
        ))
        .await
        .unwrap();
    // Someone alters the sealed file of one document on disk.
    let c_file = app
        .store
        .bid_document_file(altered, documents[0])
        .await
        .unwrap();
    let path = app.documents_dir().join(&c_file[..2]).join(&c_file);
    std::fs::write(&path, b"tampered").unwrap();

    // Before the deadline the job opens nothing.
    let now = yingcai_store::now_ms();
    let report = yingcai_services::bids::open_due(&app.store, app.documents_dir(), now)
        .await
        .unwrap();
    assert_eq!(report, yingcai_services::bids::OpenReport::default());

    close(&app, need).await;
    let first = yingcai_services::bids::open_due(&app.store, app.documents_dir(), now)
        .await
        .unwrap();
    assert_eq!(
        (first.needs, first.opened, first.lapsed, first.checked),
        (1, 4, 1, 4),
        "a bid that no longer opens fails its check; the others are checked"
    );
    let second = yingcai_services::bids::open_due(&app.store, app.documents_dir(), now)
        .await
        .unwrap();
    assert_eq!(second, yingcai_services::bids::OpenReport::default());
    assert_eq!(
        app.store
            .count_audit_action("competition_bid.open")
            .await
            .unwrap(),
        1,
        "one audit entry for the opening, however often the job runs"
    );
    assert_eq!(
        app.store
            .count_audit_action("competition_bid.check")
            .await
            .unwrap(),
        4
    );

    let officer_email = "officer@example.cn";
    app.create_account(officer_email, &[Role::Officer]).await;
    let officer = api(&app, officer_email).await;
    let (_, body) = get_json(&officer, &format!("/api/v1/needs/{need}/bids")).await;
    let check = |id: i64| {
        body["bids"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["bid_id"] == id)
            .map(|b| (b["check"].clone(), b["check_reasons"].clone()))
            .unwrap()
    };
    assert_eq!(check(passed), (json!("passed"), json!([])));
    assert_eq!(
        check(failed),
        (
            json!("failed"),
            json!(["documents-missing", "milestones-sum"])
        )
    );
    assert_eq!(
        check(altered),
        (json!("failed"), json!(["document-altered"]))
    );
    assert_eq!(
        check(swapped),
        (json!("failed"), json!(["content-altered"]))
    );
    assert_eq!(body["received"], 4);
    assert_eq!(
        app.store.bid(lapsed).await.unwrap().status,
        yingcai_domain::status::BidStatus::Lapsed
    );
    // A lapsed draft is never opened, its author included.
    let d = api(&app, "d@example.cn").await;
    let (status, body) = get_json(&d, &format!("/api/v1/bids/{lapsed}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["content"].is_null());

    // The bidder sees its own result, with the reasons in its language.
    let b = app.visitor();
    b.sign_in("b@example.cn", PASSWORD).await;
    let (_, html) = b.page(&format!("/bids/{failed}")).await;
    assert!(html.contains("No plan document is attached."), "{html}");
    assert!(html.contains("do not add up to the budget requested."));

    // An officer overrides a result, with a reason (required), audited.
    let path = format!("/api/v1/bids/{failed}/check-override");
    let response = officer
        .send(Method::POST, &path, Some(json!({"result": "passed"})))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "reason");
    let response = officer
        .send(
            Method::POST,
            &path,
            Some(json!({"result": "passed", "reason": "文件已线下补交并核验"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["check"].clone(), body["original_check"].clone()),
        (json!("passed"), json!("failed"))
    );
    assert_eq!(
        app.store
            .count_audit_action("competition_bid.check_override")
            .await
            .unwrap(),
        1
    );
    // The page twin: the same refusal for a missing reason.
    let page_officer = app.visitor();
    page_officer.sign_in(officer_email, PASSWORD).await;
    let response = page_officer
        .post_form(
            &format!("/officer/bids/{failed}/check"),
            &[("result", "failed")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn bid_fields_are_refused_in_the_callers_language() {
    let app = TestApp::spawn().await;
    let issuer = app
        .create_account("issuer@example.cn", &[Role::Enterprise])
        .await;
    let need = published_need(&app, issuer, "氢能储运").await;
    app.create_account("t@example.cn", &[Role::Talent]).await;
    let talent = api(&app, "t@example.cn").await;
    let body = json!({
        "need_id": need,
        "title": "",
        "budget_fen": 100_000_001,
        "milestones": [{"title": "一", "deliverable": "样品", "month": 13, "amount_fen": 100}],
        "members": [{"name": "张三", "role": ""}],
    });
    let response = talent
        .send(Method::POST, "/api/v1/bids", Some(body.clone()))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let answer: Value = response.json().await.unwrap();
    let fields: Vec<(String, String)> = answer["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("title".to_owned(), "required".to_owned()),
            ("members".to_owned(), "bid-member-incomplete".to_owned()),
            ("milestones".to_owned(), "bid-milestone-month".to_owned()),
            ("budget".to_owned(), "bid-budget-over".to_owned()),
        ]
    );
    assert!(
        answer["fields"][3]["message"]
            .as_str()
            .unwrap()
            .contains("超过需求预算")
    );
    let english = reqwest::Client::new()
        .post(app.url("/api/v1/bids"))
        .bearer_auth(talent.token.clone().unwrap())
        .header("accept-language", "en")
        .json(&body)
        .send()
        .await
        .unwrap();
    let answer: Value = english.json().await.unwrap();
    assert_eq!(
        answer["fields"][3]["message"],
        "The budget requested is more than the need's budget."
    );

    // The page says the same, in the language the visitor chose.
    let visitor = app.visitor();
    visitor.sign_in("t@example.cn", PASSWORD).await;
    visitor.post_form("/lang/zh-CN", &[]).await;
    let need_text = need.to_string();
    let mut fields = bid_fields(&need_text);
    fields.retain(|(k, _)| *k != "budget");
    fields.push(("budget", "1,000,000.01"));
    let response = post_bid(&visitor, "/bids", &fields, &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("申请经费超过需求预算。")
    );
    // A file that is not a PDF, JPEG or PNG.
    let response = post_bid(
        &visitor,
        "/bids",
        &bid_fields(&need_text),
        &[("run.pdf", b"MZ\x90\0 not a document".to_vec())],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Officers and administrators run the competition: they may not bid.
    for (email, role) in [
        ("o@example.cn", Role::Officer),
        ("a@example.cn", Role::Admin),
    ] {
        app.create_account(email, &[role]).await;
        let response = api(&app, email)
            .await
            .send(
                Method::POST,
                "/api/v1/bids",
                Some(json!({"need_id": need, "title": "x"})),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["fields"][0]["code"], "bid-role", "{email}");
    }
    // One bid per need; none after the deadline.
    let ok = json!({"need_id": need, "title": "第一份"});
    assert_eq!(
        talent
            .send(Method::POST, "/api/v1/bids", Some(ok.clone()))
            .await
            .status(),
        StatusCode::CREATED
    );
    let answer: Value = talent
        .send(Method::POST, "/api/v1/bids", Some(ok.clone()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["fields"][0]["code"], "bid-duplicate");
    close(&app, need).await;
    app.create_account("late@example.cn", &[Role::Reviewer])
        .await;
    let answer: Value = api(&app, "late@example.cn")
        .await
        .send(Method::POST, "/api/v1/bids", Some(ok))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["fields"][0]["code"], "bid-closed");
}

#[tokio::test]
async fn the_demo_has_a_need_with_sealed_bids_and_one_with_opened_checked_bids() {
    let app = TestApp::spawn().await;
    let settings = yingcai_web::WebSettings {
        documents_dir: app.documents_dir().display().to_string(),
        ..Default::default()
    };
    yingcai_services::accounts::seed_demo(&app.store)
        .await
        .unwrap();
    let enterprise = app
        .store
        .credentials_by_email(&yingcai_domain::Email::parse("enterprise@demo.yingcai.cn").unwrap())
        .await
        .unwrap()
        .unwrap()
        .account
        .account_id;
    yingcai_web::demo::seed_registry(&app.store, &settings, Some(enterprise), today().jiff())
        .await
        .unwrap();
    let now = yingcai_store::now_ms();
    yingcai_web::demo::seed_competitions(&app.store, &settings, today(), now)
        .await
        .unwrap()
        .unwrap();
    let seeded = yingcai_web::demo::seed_bids(&app.store, &settings, today(), now)
        .await
        .unwrap()
        .unwrap();
    assert!(
        yingcai_web::demo::seed_bids(&app.store, &settings, today(), now)
            .await
            .unwrap()
            .is_none(),
        "seeded once"
    );
    let open = app.store.bid_count(seeded.open_need).await.unwrap();
    assert_eq!((open.received, open.opened), (2, 0));
    let closed = app
        .store
        .opened_bids_of_need(seeded.closed_need)
        .await
        .unwrap();
    let checks: Vec<_> = closed
        .iter()
        .map(|b| (b.check, b.check_reasons.clone()))
        .collect();
    use yingcai_domain::bid::CheckReason;
    use yingcai_domain::status::BidCheck;
    assert_eq!(
        checks,
        [
            (Some(BidCheck::Passed), vec![]),
            (
                Some(BidCheck::Failed),
                vec![CheckReason::DocumentsMissing, CheckReason::MilestonesSum]
            ),
        ]
    );
}

#[tokio::test]
async fn a_drafts_documents_are_added_and_taken_off_within_the_limit() {
    let app = TestApp::spawn().await;
    let issuer = app
        .create_account("issuer@example.cn", &[Role::Enterprise])
        .await;
    let need = published_need(&app, issuer, "储能电池热管理").await;
    let (id, documents) = api_bid(
        &app,
        "t@example.cn",
        need,
        json!({"title": "草稿"}),
        2,
        true,
    )
    .await;
    let client = api(&app, "t@example.cn").await;
    let response = client
        .send(
            Method::DELETE,
            &format!("/api/v1/bids/{id}/documents/{}", documents[0]),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: Value = response.json().await.unwrap();
    assert_eq!(view["content"]["documents"].as_array().unwrap().len(), 1);
    assert_eq!(
        client
            .send(
                Method::DELETE,
                &format!("/api/v1/bids/{id}/documents/{}", documents[0]),
                None,
            )
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "gone"
    );
    // Ten at most: one is there, ten more are refused on the files' field.
    let mut form = reqwest::multipart::Form::new();
    for n in 0..10 {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(pdf(&n.to_string())).file_name("p.pdf"),
        );
    }
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/bids/{id}/documents")))
        .bearer_auth(client.token.clone().unwrap())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["fields"][0]["field"], "files");
    assert_eq!(answer["fields"][0]["code"], "bid-documents-too-many");
    // The page takes the other one off with the form's checkbox.
    let visitor = app.visitor();
    visitor.sign_in("t@example.cn", PASSWORD).await;
    let need_text = need.to_string();
    let remaining = documents[1].to_string();
    let mut fields = bid_fields(&need_text);
    fields.push(("remove_document", &remaining));
    let response = post_bid(&visitor, &format!("/bids/{id}"), &fields, &[]).await;
    assert_eq!(location(&response), format!("/bids/{id}?done=saved"));
    let (_, body) = get_json(&client, &format!("/api/v1/bids/{id}")).await;
    assert_eq!(body["content"]["documents"], json!([]));
    assert_eq!(body["content"]["title"], "流延成型氮化铝基板");
}
