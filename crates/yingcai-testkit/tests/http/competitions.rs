//! Open competitions (揭榜挂帅), first slice: needs drafted, submitted, returned, edited,
//! accepted and published on a numbered list; the minimum bid window; who sees what; the
//! public pages and search; the API twins.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use yingcai_domain::Role;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, Visitor, location};

/// Today in Beijing plus `days`, as a form writes it.
fn in_days(days: i32) -> String {
    yingcai_domain::Date::try_from(yingcai_services::policy::today())
        .unwrap()
        .plus_days(days)
        .unwrap()
        .to_string()
}

/// An enterprise account with its verified record (the need's issuer), signed in.
pub(crate) async fn enterprise(app: &TestApp, email: &str, name: &str, serial: u32) -> Visitor {
    let owner = app.create_account(email, &[Role::Enterprise]).await;
    app.store
        .create_verified_enterprise(
            Some(owner),
            &yingcai_domain::EnterpriseProfile {
                name: name.into(),
                credit_code: yingcai_domain::CreditCode::parse(&yingcai_web::demo::credit_code(
                    serial,
                ))
                .unwrap(),
                industry: "new_materials".into(),
                district: "长安区".into(),
                contact_name: None,
                contact_phone: None,
                contact_email: None,
            },
            &yingcai_store::Actor::System,
        )
        .await
        .unwrap();
    let visitor = app.visitor();
    assert_eq!(
        visitor.sign_in(email, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    visitor
}

fn need_form<'a>(title: &'a str, deadline: &'a str, weight: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("field", "new_materials"),
        (
            "description",
            "用于功率模块的高导热陶瓷基板，替代进口产品。",
        ),
        ("indicator_name", "热导率"),
        ("indicator_target", "≥ 170"),
        ("indicator_unit", "W/(m·K)"),
        ("indicator_name", "抗弯强度"),
        ("indicator_target", "≥ 400"),
        ("indicator_unit", "MPa"),
        ("indicator_name", ""),
        ("indicator_target", ""),
        ("indicator_unit", ""),
        ("budget", "1,500,000"),
        ("duration_months", "24"),
        ("bid_deadline", deadline),
        ("ip_terms", "shared"),
        ("ip_note", ""),
        ("confidentiality", "nda_on_award"),
        ("confidentiality_note", ""),
        ("criterion_name", "技术路线"),
        ("criterion_weight", "60"),
        ("criterion_name", "团队能力"),
        ("criterion_weight", weight),
        ("criterion_name", ""),
        ("criterion_weight", ""),
        ("stages", "2"),
        ("winners", "2"),
    ]
}

/// The need's id from a redirect to `/needs/{id}?done=…`.
fn need_id(response: &reqwest::Response) -> i64 {
    let to = location(response);
    to.trim_start_matches("/needs/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a need: {to}"))
}

#[tokio::test]
async fn a_need_goes_from_draft_to_a_published_list_and_is_public() {
    let app = TestApp::spawn().await;
    let issuer = enterprise(&app, "ent@example.cn", "保定陶瓷科技有限公司", 901).await;
    let rival = enterprise(&app, "rival@example.cn", "另一家企业有限公司", 902).await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    let public = app.visitor();
    let deadline = in_days(45);

    // The form, and a row added without JavaScript (nothing saved).
    let (status, html) = issuer.page("/needs/new").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("name=\"indicator_name\"").count(), 2);
    let mut fields = need_form("高导热氮化铝陶瓷基板", &deadline, "40");
    fields.push(("add_row", "indicator"));
    let response = issuer.post_form("/needs", &fields).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert_eq!(
        html.matches("name=\"indicator_name\"").count(),
        5,
        "2 rows, 2 spare, 1 added"
    );
    assert!(html.contains("抗弯强度"));
    assert!(app.store.count_needs().await.unwrap() == 0);

    // Field errors: the weights do not sum to 100, the deadline is past.
    let past = in_days(0);
    let response = issuer
        .post_form("/needs", &need_form("高导热氮化铝陶瓷基板", &past, "30"))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("The weights must add up to 100."), "{html}");
    assert!(html.contains("The bid deadline must be after today."));

    // Drafted.
    let response = issuer
        .post_form(
            "/needs",
            &need_form("高导热氮化铝陶瓷基板", &deadline, "40"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = need_id(&response);
    let page = format!("/needs/{id}");
    let (status, html) = issuer.page(&format!("{page}?done=drafted")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("saved as a draft") && html.contains("保定陶瓷科技有限公司"));
    assert!(html.contains("¥1,500,000.00"));

    // A draft is its drafter's alone.
    assert_eq!(rival.get(&page).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        rival
            .post_form(&format!("{page}/submit"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        officer.get(&format!("/officer/needs/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let public_page = format!("/competitions/needs/{id}");
    assert_eq!(
        public.get(&public_page).await.status(),
        StatusCode::NOT_FOUND
    );

    // Submitted, then returned with a reason (required).
    let response = issuer.post_form(&format!("{page}/submit"), &[]).await;
    assert_eq!(location(&response), format!("{page}?done=submitted"));
    let (_, html) = officer.page("/officer/needs").await;
    assert!(html.contains("高导热氮化铝陶瓷基板"));
    let response = officer
        .post_form(&format!("/officer/needs/{id}/return"), &[("reason", " ")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = officer
        .post_form(
            &format!("/officer/needs/{id}/return"),
            &[("reason", "请补充可检测的指标测试方法。")],
        )
        .await;
    assert_eq!(
        location(&response),
        format!("/officer/needs/{id}?done=returned")
    );
    assert_eq!(
        public.get(&public_page).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, html) = issuer.page(&page).await;
    assert!(html.contains("请补充可检测的指标测试方法。"));
    assert!(html.contains("Returned"));

    // Edited and submitted again; the officer cannot accept twice.
    let mut edited = need_form("高导热氮化铝陶瓷基板（第三方检测）", &deadline, "40");
    edited.push(("indicator_name", "翘曲度"));
    edited.push(("indicator_target", "< 0.1"));
    edited.push(("indicator_unit", "%"));
    let response = issuer.post_form(&page, &edited).await;
    assert_eq!(location(&response), format!("{page}?done=saved"));
    issuer.post_form(&format!("{page}/submit"), &[]).await;
    let response = officer
        .post_form(&format!("/officer/needs/{id}/accept"), &[])
        .await;
    assert_eq!(
        location(&response),
        format!("/officer/needs/{id}?done=accepted")
    );
    let response = officer
        .post_form(&format!("/officer/needs/{id}/accept"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Accepted: no longer the drafter's to change.
    let response = issuer.post_form(&page, &edited).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A second accepted need that closes too soon for the 30-day window.
    let soon = in_days(10);
    let response = issuer
        .post_form("/needs", &need_form("快速验证项目", &soon, "40"))
        .await;
    let early = need_id(&response);
    issuer
        .post_form(&format!("/needs/{early}/submit"), &[])
        .await;
    officer
        .post_form(&format!("/officer/needs/{early}/accept"), &[])
        .await;
    let (_, html) = officer.page("/officer/lists/new").await;
    assert!(html.contains("快速验证项目") && html.contains("closes too soon"));
    let (id_text, early_text) = (id.to_string(), early.to_string());
    let response = officer
        .post_form(
            "/officer/lists",
            &[
                ("title", "2026 年第一批揭榜挂帅榜单"),
                ("needs", &id_text),
                ("needs", &early_text),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Nothing was published"), "{html}");
    assert!(
        html.contains(&format!("JB{early:05} 快速验证项目")),
        "{html}"
    );
    assert!(
        !html.contains(&format!("JB{id:05} 高导热")),
        "only the early one is named"
    );
    assert_eq!(
        public.get(&public_page).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(app.store.competition_lists().await.unwrap().is_empty());

    // Published without it.
    let response = officer
        .post_form(
            "/officer/lists",
            &[("title", "2026 年第一批揭榜挂帅榜单"), ("needs", &id_text)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).contains("done=published"));
    let lists = app.store.competition_lists().await.unwrap();
    let year = &yingcai_services::policy::today().year().to_string();
    assert_eq!(lists[0].number, format!("{year}-1"));

    // The public page: everything a bidder needs.
    let (status, html) = public.page(&public_page).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "高导热氮化铝陶瓷基板（第三方检测）",
        "保定陶瓷科技有限公司",
        "翘曲度",
        "MPa",
        "¥1,500,000.00",
        &deadline,
        "还剩 45 天",
        "北京时间",
        "技术路线",
        "60",
        "赛马",
        "两个阶段",
        "双方共有",
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    // The issuer sees where it was published; the rival still sees nothing private.
    let (_, html) = issuer.page(&page).await;
    assert!(html.contains(&format!("On list {year}-1")));
    assert_eq!(rival.get(&page).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(rival.get(&public_page).await.status(), StatusCode::OK);
    // The early need stays unpublished.
    assert_eq!(
        public
            .get(&format!("/competitions/needs/{early}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Search, in both languages: words, the field's name, the field.
    let (_, html) = public.page("/competitions").await;
    assert!(html.contains("高导热氮化铝陶瓷基板") && !html.contains("快速验证项目"));
    for (query, found) in [
        ("q=%E9%99%B6%E7%93%B7", true),          // 陶瓷
        ("q=Materials", true),                   // the field's English name
        ("q=%E6%96%B0%E6%9D%90%E6%96%99", true), // 新材料
        ("field=new_materials", true),
        ("field=life_sciences", false),
        ("q=quantum", false),
    ] {
        let (status, html) = public.page(&format!("/competitions?{query}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(html.contains("高导热氮化铝陶瓷基板"), found, "{query}");
    }
    let english = app.visitor();
    english.get("/lang/en").await;
    let (_, html) = english.page("/competitions?q=ceramic").await;
    assert!(html.contains("Open competitions") && html.contains("0 needs found"));

    // The home page links to the lists.
    let (_, html) = public.page("/").await;
    assert!(html.contains("href=\"/competitions\""));
}

#[tokio::test]
async fn an_officer_drafts_for_a_government_unit_and_others_cannot_draft() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    let deadline = in_days(60);
    let response = officer
        .post_form("/needs", &need_form("城市内涝预警模型", &deadline, "40"))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Name the government unit the need is for.")
    );
    let mut fields = need_form("城市内涝预警模型", &deadline, "40");
    fields.push(("issuer", "保定市科学技术局"));
    let response = officer.post_form("/needs", &fields).await;
    let id = need_id(&response);
    let (_, html) = officer.page(&format!("/needs/{id}")).await;
    assert!(html.contains("保定市科学技术局") && html.contains("government unit"));

    // A talent may read the page but drafts nothing.
    let talent = app.signed_in("talent@example.cn", &[Role::Talent]).await;
    let response = talent.post_form("/needs", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // An enterprise without its record is told to fill it in first.
    let bare = app.signed_in("bare@example.cn", &[Role::Enterprise]).await;
    let response = bare.post_form("/needs", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Fill in your enterprise record first")
    );
    assert_eq!(app.store.count_needs().await.unwrap(), 1);
}

fn need_json(title: &str, deadline: &str) -> Value {
    json!({
        "title": title,
        "field": "next_gen_it",
        "description": "产线表面缺陷在线检测。",
        "indicators": [{"name": "检出率", "target": "≥ 99.5", "unit": "%"}],
        "budget_fen": 80_000_000,
        "duration_months": 12,
        "bid_deadline": deadline,
        "ip_terms": "issuer",
        "confidentiality": "none",
        "criteria": [{"name": "技术方案", "weight": 70}, {"name": "团队", "weight": 30}],
        "stages": 1,
        "winners": 1
    })
}

#[tokio::test]
async fn the_api_twins_follow_the_same_rules() {
    let app = TestApp::spawn().await;
    enterprise(&app, "ent@example.cn", "冀云数据有限公司", 903).await;
    enterprise(&app, "rival@example.cn", "另一家企业有限公司", 904).await;
    app.create_account("officer@example.cn", &[Role::Officer])
        .await;
    let issuer = ApiClient::signed_in(&app, "ent@example.cn", PASSWORD).await;
    let rival = ApiClient::signed_in(&app, "rival@example.cn", PASSWORD).await;
    let officer = ApiClient::signed_in(&app, "officer@example.cn", PASSWORD).await;
    let public = ApiClient::new(&app);

    // Field errors, one by one.
    let mut bad = need_json("视觉检测", &in_days(40));
    bad["criteria"] = json!([{"name": "技术方案", "weight": 70}]);
    bad["budget_fen"] = json!(-5);
    let response = issuer.send(Method::POST, "/api/v1/needs", Some(bad)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    let codes: Vec<(&str, &str)> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("budget", "need-budget-invalid"),
            ("criteria", "need-weights-sum")
        ]
    );

    let response = issuer
        .send(
            Method::POST,
            "/api/v1/needs",
            Some(need_json("视觉检测", &in_days(40))),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["need"]["status"], "draft");
    assert_eq!(body["need"]["budget_fen"], 80_000_000);
    let id = body["need"]["need_id"].as_i64().unwrap();
    let one = format!("/api/v1/needs/{id}");

    // Nobody else sees a draft: another enterprise, an officer, the public.
    for client in [&rival, &officer] {
        assert_eq!(
            client.send(Method::GET, &one, None).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        rival
            .send(Method::PUT, &one, Some(need_json("x", &in_days(40))))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        public
            .send(
                Method::GET,
                &format!("/api/v1/competitions/needs/{id}"),
                None
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Submit, return (reason required), edit, submit, accept.
    let submit = format!("{one}/submit");
    assert_eq!(
        issuer.send(Method::POST, &submit, None).await.status(),
        StatusCode::OK
    );
    let queue: Value = officer
        .send(Method::GET, "/api/v1/officer/needs?status=submitted", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue[0]["need_id"], id);
    let response = officer
        .send(Method::POST, &format!("{one}/return"), Some(json!({})))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "reason");
    // A NUL (which PostgreSQL would refuse to store) is a field error, not a failure.
    let response = officer
        .send(
            Method::POST,
            &format!("{one}/return"),
            Some(json!({"reason": "bad\u{0}"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A NUL byte in the search is refused before it reaches the database.
    assert_eq!(
        public
            .send(Method::GET, "/api/v1/competitions?q=%00", None)
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    let response = officer
        .send(
            Method::POST,
            &format!("{one}/return"),
            Some(json!({"reason": "预算说明不足"})),
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["need"]["status"], "returned");
    assert_eq!(body["need"]["return_reason"], "预算说明不足");
    let response = issuer
        .send(
            Method::PUT,
            &one,
            Some(need_json("视觉检测（含说明）", &in_days(40))),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    issuer.send(Method::POST, &submit, None).await;
    let response = officer
        .send(Method::POST, &format!("{one}/accept"), None)
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["need"]["status"], "accepted");
    assert_eq!(body["standing"], "officer");
    let history: Vec<&str> = body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        history,
        ["draft", "submitted", "returned", "submitted", "accepted"]
    );

    // Only officers publish; a deadline inside the window refuses the whole list.
    let early = issuer
        .send(
            Method::POST,
            "/api/v1/needs",
            Some(need_json("短周期需求", &in_days(20))),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["need"]["need_id"]
        .as_i64()
        .unwrap();
    issuer
        .send(Method::POST, &format!("/api/v1/needs/{early}/submit"), None)
        .await;
    officer
        .send(Method::POST, &format!("/api/v1/needs/{early}/accept"), None)
        .await;
    let list = json!({"title": "第二批榜单", "needs": [id, early]});
    assert_eq!(
        issuer
            .send(
                Method::POST,
                "/api/v1/competition-lists",
                Some(list.clone())
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let response = officer
        .send(Method::POST, "/api/v1/competition-lists", Some(list))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["code"], "list-deadline-too-early");
    assert_eq!(body["too_early"][0]["need_id"], early);
    assert_eq!(body["too_early"].as_array().unwrap().len(), 1);
    assert_eq!(body["earliest_deadline"], in_days(30));
    let response = officer
        .send(
            Method::POST,
            "/api/v1/competition-lists",
            Some(json!({"title": "第二批榜单", "needs": [id]})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let list: Value = response.json().await.unwrap();
    assert!(list["number"].as_str().unwrap().ends_with("-1"));

    // Public: the list with its need, the need itself, the search.
    let lists: Value = public
        .send(
            Method::GET,
            "/api/v1/competitions?q=%E8%A7%86%E8%A7%89",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(lists[0]["list"]["title"], "第二批榜单");
    assert_eq!(lists[0]["needs"][0]["need_id"], id);
    let none: Value = public
        .send(
            Method::GET,
            "/api/v1/competitions?field=life_sciences",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]));
    let response = public
        .send(
            Method::GET,
            &format!("/api/v1/competitions/needs/{id}"),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let need: Value = response.json().await.unwrap();
    assert_eq!(need["title"], "视觉检测（含说明）");
    assert_eq!(need["status"], "published");
    assert_eq!(need["issuer"], "冀云数据有限公司");
    // Published needs are frozen.
    assert_eq!(
        issuer
            .send(Method::PUT, &one, Some(need_json("改名", &in_days(40))))
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn the_demo_has_a_need_in_every_state_and_a_published_list() {
    let app = TestApp::spawn().await;
    let store = &app.store;
    let settings = yingcai_web::WebSettings::default();
    yingcai_services::accounts::seed_demo(store).await.unwrap();
    let enterprise = store
        .credentials_by_email(&yingcai_domain::Email::parse("enterprise@demo.yingcai.cn").unwrap())
        .await
        .unwrap()
        .unwrap()
        .account
        .account_id;
    let today = yingcai_domain::Date::try_from(yingcai_services::policy::today()).unwrap();
    yingcai_web::demo::seed_registry(store, &settings, Some(enterprise), today.jiff())
        .await
        .unwrap();
    let now = yingcai_store::now_ms();
    let seeded = yingcai_web::demo::seed_competitions(store, &settings, today, now)
        .await
        .unwrap();
    assert_eq!(seeded, Some(7));
    // Once only.
    assert_eq!(
        yingcai_web::demo::seed_competitions(store, &settings, today, now)
            .await
            .unwrap(),
        None
    );
    let needs = store
        .needs(&yingcai_store::NeedFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let states: std::collections::BTreeSet<&str> =
        needs.iter().map(|n| n.status.as_str()).collect();
    assert_eq!(
        states,
        ["accepted", "draft", "published", "returned", "submitted"]
            .into_iter()
            .collect()
    );
    assert!(
        needs.iter().any(|n| n.enterprise_id.is_none()),
        "a government unit's"
    );
    let lists = store.competition_lists().await.unwrap();
    assert_eq!(lists.len(), 1);
    let (status, html) = app.visitor().page("/competitions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("城市内涝智能预警与调度模型") && !html.contains("生物基可降解包装膜"));
    // The demo officer's queue and the demo enterprise's own list read.
    let officer = app.visitor();
    officer
        .sign_in(
            "officer@demo.yingcai.cn",
            yingcai_services::accounts::DEMO_PASSWORD,
        )
        .await;
    let (status, html) = officer.page("/officer/needs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("农产品冷链温控追溯系统"));
}
