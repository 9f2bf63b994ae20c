//! Service teams' figures over HTTP: the officers' page and its workbook, the public
//! dashboard that shows only totals, and the API twin — from cases raised, answered,
//! solved and rated through the site.

use reqwest::{Method, StatusCode};
use yingcai_domain::Role;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, Visitor, location};

const TITLES: [&str; 3] = [
    "Work permit for a Dutch engineer",
    "Kindergarten place in Zhengding",
    "Spouse employment at a hospital",
];
const COMMENT: &str = "Quick and friendly service from Ms Zhao";

struct Served {
    app: TestApp,
    officer: Visitor,
    team: i64,
}

fn case_id(location: &str) -> i64 {
    location
        .trim_start_matches("/cases/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a case page: {location}"))
}

async fn act(visitor: &Visitor, case: i64, action: &str, message: &str) {
    let response = visitor
        .post_form(
            &format!("/cases/{case}/act"),
            &[("action", action), ("message", message)],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{action} on {case}"
    );
}

/// A team with one officer, and three requests of one talent (targets of the schooling
/// topic: 420 working minutes to answer, 6300 to solve): the first answered and solved
/// on time and rated 5, the second answered and solved late and not rated, the third
/// answered just on time and still open. The working minutes are set in the store, so the
/// figures do not depend on when the test runs.
async fn served() -> Served {
    let app = TestApp::spawn().await;
    let officer_id = app
        .create_account("officer@figures.cn", &[Role::Officer])
        .await;
    let team = app
        .store
        .save_service_team(
            None,
            &yingcai_store::TeamInput {
                name: "Biomedicine team".into(),
                leader_account_id: Some(officer_id),
                industries: vec!["life_sciences".into()],
                districts: vec![],
                members: vec![officer_id],
            },
            &yingcai_store::Actor::System,
        )
        .await
        .unwrap();
    app.create_account("requester@figures.cn", &[Role::Talent])
        .await;
    let requester = app.visitor();
    requester.sign_in("requester@figures.cn", PASSWORD).await;
    let officer = app.visitor();
    officer.sign_in("officer@figures.cn", PASSWORD).await;
    let mut cases = Vec::new();
    for title in TITLES {
        let response = requester
            .post_form(
                "/cases",
                &[
                    ("category", "schooling"),
                    ("title", title),
                    ("description", &format!("{title}: please advise.")),
                    ("despite_duplicates", "true"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{title}");
        let case = case_id(&location(&response));
        act(&officer, case, "reply", "We are on it.").await;
        cases.push(case);
    }
    for &case in &cases[..2] {
        act(&officer, case, "resolve", "Done.").await;
    }
    let response = requester
        .post_form(
            &format!("/cases/{}/rate", cases[0]),
            &[("rating", "5"), ("comment", COMMENT)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "rating");
    for (case, response, resolution) in [
        (cases[0], "30", "600"),
        (cases[1], "500", "7000"),
        (cases[2], "420", "null"),
    ] {
        app.store
            .execute_unchecked(&format!(
                "update service_case set response_spent = {response}, resolution_spent = {resolution} where case_id = {case}"
            ))
            .await
            .unwrap();
    }
    for case in &cases {
        let record = app.store.case(*case).await.unwrap();
        assert_eq!(record.team_id, team);
        assert_eq!(
            (record.response_target, record.resolution_target),
            (420, 6300)
        );
    }
    Served { app, officer, team }
}

/// Whatever the public may read must not name a case, a person or what they wrote.
fn assert_anonymous(body: &str) {
    for secret in TITLES.iter().chain([
        &COMMENT,
        &"requester@figures.cn",
        &"officer@figures.cn",
        &"Test requester",
        &"please advise",
        &"We are on it",
        &"FW0",
    ]) {
        assert!(!body.contains(secret), "{secret:?} was published: {body}");
    }
}

#[tokio::test]
async fn the_figures_count_on_time_answers_solutions_and_ratings_and_publish_only_totals() {
    let Served { app, officer, team } = served().await;

    // The officers' page: this month's row and the twelve months.
    let (status, html) = officer
        .page(&format!("/officer/teams/{team}/figures"))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    // 2 of 3 answers on time; 1 of 2 solutions; the middle of 600 and 7000 minutes.
    assert!(html.contains("66.7%"), "{html}");
    assert!(html.contains("2 of 3"), "{html}");
    assert!(html.contains("50%"), "{html}");
    assert!(html.contains("63 h 20 min"), "{html}");
    // The one rating is satisfied; the unrated solution is not counted as satisfied.
    assert!(html.contains("100%"), "{html}");
    assert!(html.contains("1 of 2 solutions rated (50%)"), "{html}");
    // Months without requests read "—", not 0%.
    assert!(html.contains("—"), "{html}");
    assert!(html.contains("<svg"), "the charts: {html}");
    assert!(html.contains(&format!("/officer/teams/{team}/figures.xlsx")));
    // Linked from the ledger and the teams page.
    let ledger = officer.page(&format!("/officer/teams/{team}")).await.1;
    assert!(ledger.contains(&format!("/officer/teams/{team}/figures\"")));
    let teams = officer.page("/officer/cases").await.1;
    assert!(teams.contains(&format!("/officer/teams/{team}/figures\"")));

    // The workbook.
    let response = officer
        .get(&format!("/officer/teams/{team}/figures.xlsx"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("yingcai-team-{team}-figures")),
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX file is a ZIP archive");

    // The public dashboard and the team's page, for anyone, in either language.
    let stranger = app.visitor();
    let home = stranger.page("/").await.1;
    assert!(home.contains("href=\"/service-teams\""), "{home}");
    for path in [
        "/service-teams".to_owned(),
        format!("/service-teams/{team}"),
    ] {
        let (status, html) = stranger.page(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        assert!(html.contains("Biomedicine team"), "{path}: {html}");
        assert!(html.contains("66.7%"), "{path}: {html}");
        assert!(html.contains("<svg"), "{path}: the charts");
        assert!(
            !html.contains("figures.xlsx"),
            "{path}: the officers' workbook"
        );
        assert_anonymous(&html);
    }
    let english = app.visitor();
    english.get("/lang/en").await;
    let html = english.page(&format!("/service-teams/{team}")).await.1;
    assert!(html.contains("Modern life sciences"), "{html}");
    assert!(html.contains("63 h 20 min"), "{html}");
    assert_anonymous(&html);
    assert_eq!(
        stranger.page("/service-teams/999999").await.0,
        StatusCode::NOT_FOUND
    );

    // The API twin, without signing in.
    let api = ApiClient::new(&app);
    let response = api
        .send(
            Method::GET,
            &format!("/api/v1/service-teams/{team}/figures"),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert_anonymous(&text);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["team_id"], team);
    assert_eq!(json["name"], "Biomedicine team");
    let months = json["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    let now = &months[11];
    assert_eq!(now["opened"], 3);
    assert_eq!(now["responded"], 3);
    assert_eq!(now["responded_on_time"], 2);
    let share = now["on_time_response_percent"].as_f64().unwrap();
    assert!((share - 200.0 / 3.0).abs() < 1e-9, "{share}");
    assert_eq!(
        (now["resolved"].clone(), now["resolved_on_time"].clone()),
        (2.into(), 1.into())
    );
    assert_eq!(now["on_time_resolution_percent"], 50.0);
    assert_eq!(now["median_resolution_minutes"], 3800);
    // One rating is too few to publish: it would be that requester's own.
    assert_eq!(
        (now["rated"].clone(), now["satisfied"].clone()),
        (0.into(), 0.into())
    );
    assert!(now["satisfaction_percent"].is_null());
    assert!(now["mean_rating"].is_null());
    assert_eq!(now["reopen_rate_percent"], 0.0);
    // A month with nothing to divide by has no share at all.
    assert_eq!(months[0]["opened"], 0);
    assert!(months[0]["on_time_response_percent"].is_null());
    assert!(months[0]["satisfaction_percent"].is_null());
    assert_eq!(json["backlog"]["under_2_days"], 1);
    assert_eq!(json["backlog"]["total"], 1);
    let missing = api
        .send(Method::GET, "/api/v1/service-teams/999999/figures", None)
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // The overview's twin: every team, and all together, as anonymous as the page.
    let response = api.send(Method::GET, "/api/v1/service-figures", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert_anonymous(&text);
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    let listed = all["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["team_id"] == team)
        .unwrap();
    assert_eq!(listed["months"], json["months"]);
    assert_eq!(all["months"][11]["opened"], 3);
    assert_eq!(all["backlog"]["total"], 1);
}

#[tokio::test]
async fn the_officers_figures_are_for_officers() {
    let Served { app, team, .. } = served().await;
    let requester = app.visitor();
    requester.sign_in("requester@figures.cn", PASSWORD).await;
    for path in [
        format!("/officer/teams/{team}/figures"),
        format!("/officer/teams/{team}/figures.xlsx"),
    ] {
        assert_eq!(
            requester.page(&path).await.0,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        let stranger = app.visitor().get(&path).await;
        assert_eq!(stranger.status(), StatusCode::SEE_OTHER, "{path}");
    }
    // Another officer (the supervising office) may read them; an unknown team is 404.
    let other = app.signed_in("other@figures.cn", &[Role::Officer]).await;
    assert_eq!(
        other
            .page(&format!("/officer/teams/{team}/figures"))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        other.page("/officer/teams/999999/figures").await.0,
        StatusCode::NOT_FOUND
    );
}
