//! The industry service teams' case desk over HTTP: raising a case, the team's answers,
//! internal notes the requester never sees, waiting and resuming, resolving, reopening,
//! rating, transfers that keep the history, duplicates, teams and calendar years — on pages
//! and through the API.

use reqwest::{Method, StatusCode};
use yingcai_domain::Role;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, Visitor, location};

struct Desk {
    app: TestApp,
    requester: Visitor,
    officer: Visitor,
    other_officer: Visitor,
    team: i64,
    other_team: i64,
    officer_id: i64,
    requester_id: i64,
}

/// Two teams, each with its own officer, and a signed-in talent.
async fn desk() -> Desk {
    let app = TestApp::spawn().await;
    let officer_id = app
        .create_account("officer@team.cn", &[Role::Officer])
        .await;
    let other_id = app
        .create_account("officer@other.cn", &[Role::Officer])
        .await;
    let team = |name: &str, member: i64, districts: Vec<String>| yingcai_store::TeamInput {
        name: name.into(),
        leader_account_id: Some(member),
        industries: vec!["next_gen_it".into()],
        districts,
        members: vec![member],
    };
    let system = yingcai_store::Actor::System;
    let team_id = app
        .store
        .save_service_team(None, &team("A team", officer_id, vec![]), &system)
        .await
        .unwrap();
    let other_team = app
        .store
        .save_service_team(
            None,
            &team("B team", other_id, vec!["长安区".into()]),
            &system,
        )
        .await
        .unwrap();
    let requester_id = app
        .create_account("talent@example.cn", &[Role::Talent])
        .await;
    let requester = app.visitor();
    requester.sign_in("talent@example.cn", PASSWORD).await;
    let officer = app.visitor();
    officer.sign_in("officer@team.cn", PASSWORD).await;
    let other_officer = app.visitor();
    other_officer.sign_in("officer@other.cn", PASSWORD).await;
    Desk {
        app,
        requester,
        officer,
        other_officer,
        team: team_id,
        other_team,
        officer_id,
        requester_id,
    }
}

fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn raise(visitor: &Visitor, title: &str, description: &str) -> reqwest::Response {
    visitor
        .post_form(
            "/cases",
            &[
                ("category", "schooling"),
                ("title", title),
                ("description", description),
            ],
        )
        .await
}

fn case_id(location: &str) -> i64 {
    location
        .trim_start_matches("/cases/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a case page: {location}"))
}

async fn act(visitor: &Visitor, case: i64, action: &str, message: &str) -> reqwest::Response {
    visitor
        .post_form(
            &format!("/cases/{case}/act"),
            &[("action", action), ("message", message)],
        )
        .await
}

async fn status_of(desk: &Desk, case: i64) -> yingcai_domain::status::CaseStatus {
    desk.app.store.case(case).await.unwrap().status
}

#[tokio::test]
async fn a_case_goes_from_raised_to_rated_and_the_requester_never_sees_internal_notes() {
    use yingcai_domain::status::CaseStatus::*;
    let desk = desk().await;
    let response = raise(
        &desk.requester,
        "School place for my daughter",
        "We moved to Xiong'an in March; which school can she attend?",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let landing = location(&response);
    assert!(landing.ends_with("?done=opened"), "{landing}");
    let case = case_id(&landing);
    // Feedback on the page the requester lands on.
    let page = text(&desk.requester.page(&landing).await.1);
    assert!(page.contains("sent to the service team"), "{page}");
    assert!(
        page.contains("A team"),
        "the team that serves every district: {page}"
    );
    assert_eq!(status_of(&desk, case).await, New);

    // The team answers (the response clock stops) and writes a note for itself.
    let response = act(
        &desk.officer,
        case,
        "reply",
        "Please send your residence permit.",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = act(
        &desk.officer,
        case,
        "note",
        "Call the district education bureau",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let record = desk.app.store.case(case).await.unwrap();
    assert!(record.first_response_at.is_some());
    let officer_page = text(&desk.officer.page(&format!("/cases/{case}")).await.1);
    assert!(officer_page.contains("Call the district education bureau"));
    let requester_page = text(&desk.requester.page(&format!("/cases/{case}")).await.1);
    assert!(requester_page.contains("Please send your residence permit."));
    assert!(
        !requester_page.contains("education bureau"),
        "an internal note reached the requester: {requester_page}"
    );
    // Nor through the API.
    let api = ApiClient::signed_in(&desk.app, "talent@example.cn", PASSWORD).await;
    let detail = api
        .send(Method::GET, &format!("/api/v1/cases/{case}"), None)
        .await;
    assert_eq!(detail.status(), StatusCode::OK);
    let detail = detail.text().await.unwrap();
    assert!(!detail.contains("education bureau"), "{detail}");

    // Waiting on the requester pauses the clocks; the requester's reply restarts them.
    act(&desk.officer, case, "wait_requester", "").await;
    assert_eq!(status_of(&desk, case).await, WaitingRequester);
    let pauses = desk.app.store.case_pauses(case).await.unwrap();
    assert_eq!(pauses.len(), 1);
    assert!(pauses[0].until_at.is_none());
    let response = act(&desk.requester, case, "reply", "Permit attached: No. 123").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&desk, case).await, InProgress);
    let pauses = desk.app.store.case_pauses(case).await.unwrap();
    assert!(
        pauses[0].until_at.is_some(),
        "the pause ended with the reply"
    );

    // A requester cannot resolve; the team can.
    let response = act(&desk.requester, case, "resolve", "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_of(&desk, case).await, InProgress);
    act(
        &desk.officer,
        case,
        "resolve",
        "Place at No. 2 Primary School.",
    )
    .await;
    assert_eq!(status_of(&desk, case).await, Resolved);

    // Not solved after all: the requester reopens, the team resolves again.
    act(
        &desk.requester,
        case,
        "reopen",
        "The school says it is full.",
    )
    .await;
    let record = desk.app.store.case(case).await.unwrap();
    assert_eq!(record.status, InProgress);
    assert_eq!(record.reopen_count, 1);
    assert!(record.resolved_at.is_none());
    act(
        &desk.officer,
        case,
        "resolve",
        "Place confirmed by the bureau.",
    )
    .await;

    // The requester rates it once; a second rating is refused.
    let response = desk
        .requester
        .post_form(
            &format!("/cases/{case}/rate"),
            &[("rating", "4"), ("comment", "Quick and kind")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(desk.app.store.case(case).await.unwrap().rating, Some(4));
    let response = desk
        .requester
        .post_form(&format!("/cases/{case}/rate"), &[("rating", "1")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(desk.app.store.case(case).await.unwrap().rating, Some(4));
    // A rating outside 1–5 is a field error, and changes nothing.
    act(&desk.requester, case, "close", "").await;
    assert_eq!(status_of(&desk, case).await, Closed);
    // Closed is final.
    let response = act(&desk.officer, case, "reply", "One more thing").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn only_the_cases_team_works_it_others_read_it_and_strangers_do_not_see_it() {
    let desk = desk().await;
    let case = case_id(&location(
        &raise(&desk.requester, "Spouse job", "My husband is a nurse").await,
    ));
    // Another team's officer (the supervising office) reads but cannot act.
    let (status, page) = desk.other_officer.page(&format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("/act\""), "no action form for a reader");
    let response = act(&desk.other_officer, case, "accept", "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        status_of(&desk, case).await,
        yingcai_domain::status::CaseStatus::New
    );
    // Another talent: it does not exist.
    let stranger = desk
        .app
        .signed_in("someone@example.cn", &[Role::Talent])
        .await;
    assert_eq!(
        stranger.get(&format!("/cases/{case}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        act(&stranger, case, "reply", "hello").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_transfer_keeps_the_history_and_the_clock() {
    let desk = desk().await;
    let case = case_id(&location(
        &raise(
            &desk.requester,
            "Permit",
            "Work permit for a foreign expert",
        )
        .await,
    ));
    act(&desk.officer, case, "reply", "We are on it.").await;
    let before = desk.app.store.case(case).await.unwrap();
    let response = desk
        .officer
        .post_form(
            &format!("/cases/{case}/transfer"),
            &[
                ("team", &desk.other_team.to_string()),
                ("reason", "Chang'an district handles permits"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let after = desk.app.store.case(case).await.unwrap();
    assert_eq!(after.team_id, desk.other_team);
    assert_eq!(
        after.opened_at, before.opened_at,
        "the clock started when raised"
    );
    assert_eq!(after.first_response_at, before.first_response_at);
    // The new team sees the whole history and now works it; the old team only reads.
    let page = text(&desk.other_officer.page(&format!("/cases/{case}")).await.1);
    assert!(page.contains("We are on it."), "{page}");
    assert!(page.contains("Moved to B team"), "{page}");
    assert_eq!(
        act(&desk.other_officer, case, "start", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&desk.officer, case, "resolve", "").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Transferring to the same team, or without a reason, is refused.
    let response = desk
        .other_officer
        .post_form(
            &format!("/cases/{case}/transfer"),
            &[("team", &desk.team.to_string()), ("reason", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_similar_open_case_is_shown_before_a_second_one_is_raised() {
    let desk = desk().await;
    raise(
        &desk.requester,
        "孩子入学需要办理什么手续",
        "孩子今年九月上小学",
    )
    .await;
    let response = raise(
        &desk.requester,
        "孩子入学要办什么手续？",
        "孩子今年九月上小学",
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "shown, not raised");
    let page = response.text().await.unwrap();
    assert!(page.contains("despite_duplicates"), "the go-ahead box");
    let cases = desk
        .app
        .store
        .cases(&yingcai_store::CaseFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(cases.len(), 1);
    let response = desk
        .requester
        .post_form(
            "/cases",
            &[
                ("category", "schooling"),
                ("title", "孩子入学要办什么手续？"),
                ("description", "孩子今年九月上小学"),
                ("despite_duplicates", "yes"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Bad input: field errors, nothing written.
    let response = desk
        .requester
        .post_form(
            "/cases",
            &[("category", "bribes"), ("title", ""), ("description", "x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("Choose one of the listed topics"), "{page}");
    assert!(page.contains("This field is required"), "{page}");
    let count = desk
        .app
        .store
        .cases(&yingcai_store::CaseFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .len();
    assert_eq!(count, 2);
}

#[tokio::test]
async fn the_api_twins_follow_the_same_rules() {
    let desk = desk().await;
    let api = ApiClient::signed_in(&desk.app, "talent@example.cn", PASSWORD).await;
    let officer = ApiClient::signed_in(&desk.app, "officer@team.cn", PASSWORD).await;
    let response = api
        .send(
            Method::POST,
            "/api/v1/cases",
            Some(serde_json::json!({"category": "housing", "title": "Apartment", "description": "Need a talent apartment"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["outcome"], "opened");
    let case = body["case_id"].as_i64().unwrap();
    // Field errors in the caller's language, as on the pages.
    let response = officer
        .send(
            Method::POST,
            &format!("/api/v1/cases/{case}/actions"),
            Some(serde_json::json!({"action": "reply"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "message");
    let response = officer
        .send(
            Method::POST,
            &format!("/api/v1/cases/{case}/actions"),
            Some(
                serde_json::json!({"action": "wait_bureau", "message": "Asked the housing bureau"}),
            ),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let detail: serde_json::Value = response.json().await.unwrap();
    assert_eq!(detail["case"]["status"], "waiting_bureau");
    assert_eq!(detail["standing"], "team_officer");
    assert!(
        detail["actions"]
            .as_array()
            .unwrap()
            .contains(&"resume".into())
    );
    // The ledger, for the team's officer; the requester only lists their own.
    let ledger: serde_json::Value = officer
        .send(
            Method::GET,
            &format!("/api/v1/cases?team={}", desk.team),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ledger.as_array().unwrap().len(), 1);
    let refused = api
        .send(
            Method::GET,
            &format!("/api/v1/cases?team={}", desk.team),
            None,
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Targets change; the spent time does not.
    let response = officer
        .send(
            Method::PUT,
            &format!("/api/v1/cases/{case}/targets"),
            Some(serde_json::json!({"response_minutes": 60, "resolution_minutes": 840, "reason": "Bureau needs two days"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let detail: serde_json::Value = response.json().await.unwrap();
    assert_eq!(detail["case"]["resolution_target"], 840);
    // A checklist item, then done.
    let response = officer
        .send(
            Method::POST,
            &format!("/api/v1/cases/{case}/items"),
            Some(serde_json::json!({"text": "Call the housing bureau", "due_date": "2026-12-31"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let item = response.json::<serde_json::Value>().await.unwrap()["item_id"]
        .as_i64()
        .unwrap();
    let response = officer
        .send(
            Method::POST,
            &format!("/api/v1/cases/{case}/items/done"),
            Some(serde_json::json!({"item_id": item})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let items = desk.app.store.case_checklist(case).await.unwrap();
    assert!(items[0].done_at.is_some());
}

#[tokio::test]
async fn administrators_keep_teams_targets_and_calendar_years() {
    let desk = desk().await;
    let admin = desk.app.signed_in("admin@example.cn", &[Role::Admin]).await;
    assert_eq!(
        desk.app
            .store
            .teams_of_officer(desk.officer_id)
            .await
            .unwrap(),
        vec![desk.team]
    );
    // A team needs industries and officers.
    let talent_id = desk.requester_id.to_string();
    let response = admin
        .post_form(
            "/admin/teams",
            &[("name", "C team"), ("members", &talent_id)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(&response.text().await.unwrap());
    assert!(
        page.contains("Members and leaders must be officers"),
        "{page}"
    );
    assert_eq!(desk.app.store.service_teams().await.unwrap().len(), 2);
    let response = admin
        .post_form(
            "/admin/teams",
            &[("name", "C team"), ("industries", "life_sciences")],
        )
        .await;
    assert_eq!(location(&response), "/admin/teams?done=saved");
    // Targets per category, in working hours.
    let response = admin
        .post_form(
            "/admin/service-categories",
            &[
                ("code", "housing"),
                ("response_hours", "3.5"),
                ("resolution_hours", "14"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let housing = desk
        .app
        .store
        .service_categories()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code == "housing")
        .unwrap();
    assert_eq!(
        (housing.response_minutes, housing.resolution_minutes),
        (210, 840)
    );
    // A year without data is named on the page; once added, it counts.
    let page = text(&admin.page("/admin/calendar").await.1);
    assert!(page.contains("Add a year (2027)"), "{page}");
    let year = "[[year]]\nyear = 2027\n\n[[year.holiday]]\nzh = \"元旦\"\nen = \"New Year's Day\"\nfrom = \"2027-01-01\"\nto = \"2027-01-01\"\n";
    let response = admin.post_form("/admin/calendar", &[("data", year)]).await;
    assert_eq!(location(&response), "/admin/calendar?done=calendar");
    let page = text(&admin.page("/admin/calendar").await.1);
    assert!(page.contains("Add a year (2028)"), "{page}");
    // Bad data is a field error and adds nothing.
    let response = admin
        .post_form(
            "/admin/calendar",
            &[("data", "[[year]]\nyear = 2028\nmakeup = 5\n")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(desk.app.store.calendar_years().await.unwrap().len(), 1);
}
