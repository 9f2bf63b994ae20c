//! Notifications: what the service desk tells requesters and teams (on the site, through the
//! API and by e-mail), the case-clocks job's warnings and breaches (once, however often and
//! on however many servers it runs), and the supervising office's list of overdue cases.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use yingcai_domain::Role;
use yingcai_testkit::smtp::SmtpSink;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, Visitor, location};
use yingcai_web::WebSettings;

struct Desk {
    app: TestApp,
    requester: Visitor,
    /// A member of the team.
    officer: Visitor,
    requester_id: i64,
    officer_id: i64,
    leader_id: i64,
}

/// A team with a member and a separate leader, and a signed-in talent it serves.
async fn desk_with(settings: WebSettings) -> Desk {
    let app = TestApp::spawn_with(settings).await;
    let officer_id = app
        .create_account("officer@team.cn", &[Role::Officer])
        .await;
    let leader_id = app.create_account("leader@team.cn", &[Role::Officer]).await;
    app.store
        .save_service_team(
            None,
            &yingcai_store::TeamInput {
                name: "A team".into(),
                leader_account_id: Some(leader_id),
                industries: vec!["next_gen_it".into()],
                districts: vec![],
                members: vec![officer_id],
            },
            &yingcai_store::Actor::System,
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
    Desk {
        app,
        requester,
        officer,
        requester_id,
        officer_id,
        leader_id,
    }
}

async fn desk() -> Desk {
    desk_with(WebSettings::default()).await
}

/// What a person reads on a page: the text without tags, spaces collapsed, the escapes
/// that templates write undone.
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
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

async fn raise(desk: &Desk, title: &str) -> i64 {
    let response = desk
        .requester
        .post_form(
            "/cases",
            &[
                ("category", "schooling"),
                ("title", title),
                ("description", "Which school can my daughter attend?"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(&response)
        .trim_start_matches("/cases/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("a case page")
}

async fn act(visitor: &Visitor, case: i64, action: &str, message: &str) {
    let response = visitor
        .post_form(
            &format!("/cases/{case}/act"),
            &[("action", action), ("message", message)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{action}");
}

/// The kinds of an account's notifications about `case`, oldest first.
async fn told(desk: &Desk, account: i64, case: i64) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = desk
        .app
        .store
        .account_notifications(account, 100)
        .await
        .unwrap()
        .iter()
        .filter(|n| n.case_id == Some(case))
        .map(|n| n.kind.as_str())
        .collect();
    kinds.reverse();
    kinds
}

fn number(case: i64) -> String {
    format!("FW{case:06}")
}

#[tokio::test]
async fn a_reply_tells_the_requester_and_an_internal_note_does_not() {
    let desk = desk().await;
    let case = raise(&desk, "School place").await;
    // The team hears of the new case; the requester of nothing yet.
    for officer in [desk.officer_id, desk.leader_id] {
        assert_eq!(told(&desk, officer, case).await, ["case-opened"]);
    }
    act(&desk.officer, case, "note", "Call the education bureau").await;
    assert!(told(&desk, desk.requester_id, case).await.is_empty());
    let page = text(&desk.requester.page("/cases").await.1);
    assert!(!page.contains("unread"), "{page}");

    act(
        &desk.officer,
        case,
        "reply",
        "Please send your residence permit.",
    )
    .await;
    assert_eq!(told(&desk, desk.requester_id, case).await, ["case-reply"]);
    // The header counts it on every page until the list is read.
    let page = text(&desk.requester.page("/cases").await.1);
    assert!(page.contains("Notifications 1 1 unread"), "{page}");
    let (status, html) = desk.requester.page("/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("href=\"/cases/{case}\"")), "{html}");
    let page = text(&html);
    assert!(
        page.contains(&format!(
            "The service team answered your request {} “School place”.",
            number(case)
        )),
        "{page}"
    );
    assert!(!page.contains("education bureau"), "{page}");
    assert!(!page.contains("1 unread"), "read once shown: {page}");
    let page = text(&desk.requester.page("/cases").await.1);
    assert!(!page.contains("unread"), "{page}");
    // In Chinese too.
    desk.requester
        .post_form("/lang/zh-CN", &[("next", "/notifications")])
        .await;
    let page = text(&desk.requester.page("/notifications").await.1);
    assert!(
        page.contains(&format!(
            "服务专班答复了您的诉求 {}“School place”",
            number(case)
        )),
        "{page}"
    );

    // The API twin: the same list in the caller's language, and marking read.
    act(&desk.officer, case, "wait_requester", "").await;
    let api = ApiClient::signed_in(&desk.app, "talent@example.cn", PASSWORD).await;
    let response = api.send(Method::GET, "/api/v1/notifications", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: serde_json::Value = response.json().await.unwrap();
    assert_eq!(list["unread"], 1, "{list}");
    let newest = &list["notifications"][0];
    assert_eq!(newest["kind"], "case-waiting");
    assert_eq!(newest["case_id"], case);
    assert_eq!(newest["case_number"], number(case));
    assert!(newest["read_at"].is_null());
    // In the language the requester chose on the site (it is kept on the account).
    assert!(
        newest["text"].as_str().unwrap().contains("需要您补充"),
        "{newest}"
    );
    assert_eq!(list["notifications"][1]["kind"], "case-reply");
    let response = api
        .send(
            Method::POST,
            "/api/v1/notifications/read",
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let marked: serde_json::Value = response.json().await.unwrap();
    assert_eq!(marked["marked"], 1);
    assert_eq!(
        desk.app
            .store
            .unread_account_notifications(desk.requester_id)
            .await
            .unwrap(),
        0
    );
    // Only the caller's own.
    let officer_api = ApiClient::signed_in(&desk.app, "officer@team.cn", PASSWORD).await;
    let list: serde_json::Value = officer_api
        .send(Method::GET, "/api/v1/notifications", None)
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = list["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["case-opened"]);
}

#[tokio::test]
async fn the_requesters_reply_and_reopening_tell_the_team() {
    let desk = desk().await;
    let case = raise(&desk, "Spouse's work permit").await;
    act(&desk.officer, case, "wait_requester", "Which employer?").await;
    act(&desk.requester, case, "reply", "Hebei Steel, from May").await;
    for officer in [desk.officer_id, desk.leader_id] {
        assert_eq!(
            told(&desk, officer, case).await,
            ["case-opened", "case-requester-reply"]
        );
    }
    // Waiting with a message is one notice, not two; the requester's own reply tells them
    // nothing.
    assert_eq!(told(&desk, desk.requester_id, case).await, ["case-waiting"]);
    act(
        &desk.officer,
        case,
        "resolve",
        "The permit office expects you.",
    )
    .await;
    act(
        &desk.requester,
        case,
        "reopen",
        "They had no appointment for me",
    )
    .await;
    assert_eq!(
        told(&desk, desk.requester_id, case).await,
        ["case-waiting", "case-resolved"]
    );
    assert_eq!(
        told(&desk, desk.leader_id, case).await,
        ["case-opened", "case-requester-reply", "case-reopened"]
    );
    let page = text(&desk.officer.page("/notifications").await.1);
    assert!(
        page.contains(&format!(
            "The requester reopened request {} “Spouse's work permit”",
            number(case)
        )),
        "{page}"
    );
}

/// Beijing time as Unix milliseconds.
fn at(text: &str) -> i64 {
    text.parse::<yingcai_worktime::BeijingMinute>()
        .unwrap()
        .to_timestamp()
        .as_millisecond()
}

#[tokio::test]
async fn the_clocks_job_warns_once_tells_a_breach_once_and_the_office_sees_it() {
    let desk = desk().await;
    let store = &desk.app.store;
    let case = raise(&desk, "School place").await;
    // Raised on a Monday at 09:00; a first answer is due in 100 working minutes (10:40).
    store
        .execute_unchecked(&format!(
            "update service_case set opened_at = {} where case_id = {case}",
            at("2026-03-02T09:00")
        ))
        .await
        .unwrap();
    store
        .set_case_targets(case, 100, 4200, "test", &yingcai_store::Actor::System)
        .await
        .unwrap();
    // Clocks are read at set instants; the office's page reads them again today.
    let rules = WebSettings::default().desk_rules();
    let soon = at("2026-03-02T10:25");
    for warned in [1, 0] {
        let report = yingcai_jobs::case_clocks(store, &rules, soon)
            .await
            .unwrap();
        assert_eq!(report.clocks.warned, warned);
    }
    let other = desk.app.second_server().await;
    let (a, b) = tokio::join!(
        yingcai_jobs::case_clocks(store, &rules, soon),
        yingcai_jobs::case_clocks(&other.store, &rules, soon),
    );
    assert_eq!(a.unwrap().clocks.warned + b.unwrap().clocks.warned, 0);
    for officer in [desk.officer_id, desk.leader_id] {
        assert_eq!(
            told(&desk, officer, case).await,
            ["case-opened", "case-due-soon"]
        );
    }
    let page = text(&desk.officer.page("/notifications").await.1);
    assert!(
        page.contains(&format!(
            "Request {} “School place”: the first answer is due soon, by 2026-03-02 10:40",
            number(case)
        )),
        "{page}"
    );
    // Nothing is overdue yet.
    let page = text(&desk.officer.page("/officer/breaches").await.1);
    assert!(page.contains("No request is overdue."), "{page}");

    // The next day the first answer is overdue: two servers at once record it once.
    let now = at("2026-03-03T10:00");
    let (a, b) = tokio::join!(
        yingcai_jobs::case_clocks(store, &rules, now),
        yingcai_jobs::case_clocks(&other.store, &rules, now),
    );
    assert_eq!(a.unwrap().clocks.breached + b.unwrap().clocks.breached, 1);
    for officer in [desk.officer_id, desk.leader_id] {
        assert_eq!(
            told(&desk, officer, case).await,
            ["case-opened", "case-due-soon", "case-breached"]
        );
    }
    assert_eq!(
        told(&desk, desk.requester_id, case).await,
        Vec::<&str>::new()
    );
    let leader = desk.app.visitor();
    leader.sign_in("leader@team.cn", PASSWORD).await;
    let page = text(&leader.page("/notifications").await.1);
    assert!(
        page.contains(&format!(
            "Request {} “School place” is overdue: the first answer was due by 2026-03-02 10:40.",
            number(case)
        )),
        "{page}"
    );

    // The supervising office: any officer, across teams.
    let office = desk
        .app
        .signed_in("office@province.cn", &[Role::Officer])
        .await;
    let (status, html) = office.page("/officer/breaches").await;
    assert_eq!(status, StatusCode::OK);
    let page = text(&html);
    assert!(
        page.contains(&format!(
            "A team {} School place New First answer 2026-03-02 10:40",
            number(case)
        )),
        "{page}"
    );
    assert!(html.contains(&format!("href=\"/cases/{case}\"")), "{html}");
    let (status, _) = desk.requester.page("/officer/breaches").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The API twin lists the same request, for officers only.
    let office_api = ApiClient::signed_in(&desk.app, "office@province.cn", PASSWORD).await;
    let listed: serde_json::Value = office_api
        .send(reqwest::Method::GET, "/api/v1/breaches", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["breaches"][0]["case_id"], case);
    assert_eq!(listed["breaches"][0]["case_number"], number(case));
    assert_eq!(listed["breaches"][0]["clock"], "response");
    assert!(listed["breaches"][0]["late_minutes"].as_i64().unwrap() > 0);
    let requester_api = ApiClient::signed_in(&desk.app, "talent@example.cn", PASSWORD).await;
    assert_eq!(
        requester_api
            .send(reqwest::Method::GET, "/api/v1/breaches", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // The team answers: the first answer is late but given, so the case is no longer listed.
    act(
        &desk.officer,
        case,
        "reply",
        "Here is the school's address.",
    )
    .await;
    let page = text(&office.page("/officer/breaches").await.1);
    assert!(page.contains("No request is overdue."), "{page}");
}

#[tokio::test]
async fn a_year_missing_from_the_calendar_is_named_on_the_jobs_page() {
    let desk = desk().await;
    let store = desk.app.store.clone();
    let case = raise(&desk, "School place").await;
    store
        .execute_unchecked(&format!(
            "update service_case set opened_at = {} where case_id = {case}",
            at("2024-06-03T09:00")
        ))
        .await
        .unwrap();
    let jobs = yingcai_jobs::desk_jobs(&store, WebSettings::default().desk_rules(), None);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let scheduler = tokio::spawn(yingcai_jobs::scheduler(
        store.clone(),
        jobs,
        yingcai_jobs::Backoff::default(),
        async {
            let _ = stopped.await;
        },
    ));
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let statuses = store.job_statuses().await.unwrap();
            if statuses
                .iter()
                .any(|s| s.job == "case-clocks" && s.last_error.is_some())
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the job ran");
    let _ = stop.send(());
    scheduler.await.unwrap();
    let admin = desk
        .app
        .signed_in("admin@province.cn", &[Role::Admin])
        .await;
    let page = text(&admin.page("/admin/jobs").await.1);
    assert!(
        page.contains("Service clocks: warnings, overdue requests and rating reminders"),
        "{page}"
    );
    assert!(
        page.contains(
            "the working-time calendar has no data for 2024 (1 case skipped): add the year at /admin/calendar"
        ),
        "{page}"
    );
}

#[tokio::test]
async fn notifications_are_emailed_once_to_their_reader_and_retried_after_a_failure() {
    let sink = SmtpSink::start().await;
    let smtp = |port: u16| yingcai_services::mail::SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        from: "Yingcai <noreply@talent.example.gov.cn>".into(),
        username: None,
        password: None,
        starttls: false,
    };
    let settings = WebSettings {
        public_url: "https://talent.example.gov.cn".into(),
        smtp: Some(smtp(sink.port)),
        ..WebSettings::default()
    };
    let setup = |port: u16| yingcai_jobs::MailSetup {
        mailer: yingcai_services::mail::Mailer::new(&smtp(port)).unwrap(),
        render: settings.mail_renderer(),
    };
    let desk = desk_with(settings.clone()).await;
    let store = &desk.app.store;
    let case = raise(&desk, "School place").await;
    act(&desk.officer, case, "note", "internal only").await;
    act(
        &desk.officer,
        case,
        "reply",
        "Please send your residence permit.",
    )
    .await;

    let report = yingcai_jobs::notification_mail(store, &setup(sink.port))
        .await
        .unwrap();
    // The team's two officers hear of the new case, the requester of the reply.
    assert_eq!((report.sent, report.refused), (3, 0));
    let again = yingcai_jobs::notification_mail(store, &setup(sink.port))
        .await
        .unwrap();
    assert_eq!(again.sent, 0, "each is e-mailed once");
    let received = sink.received();
    assert_eq!(received.len(), 3);
    let mut recipients: Vec<&str> = received.iter().map(|m| m.to[0].as_str()).collect();
    recipients.sort_unstable();
    assert_eq!(
        recipients,
        ["leader@team.cn", "officer@team.cn", "talent@example.cn"]
    );
    let to_requester = received
        .iter()
        .find(|m| m.to == ["talent@example.cn"])
        .unwrap();
    assert_eq!(to_requester.from, "noreply@talent.example.gov.cn");
    let subject = to_requester.subject();
    assert!(
        subject.starts_with("[Yingcai Talent Services]") && subject.contains(&number(case)),
        "{subject}"
    );
    let body = to_requester.text();
    assert!(
        body.contains(&format!(
            "The service team answered your request {} “School place”.",
            number(case)
        )),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            "See it at https://talent.example.gov.cn/cases/{case}"
        )),
        "{body}"
    );
    assert!(!body.contains("internal only"), "{body}");
    let to_officer = received
        .iter()
        .find(|m| m.to == ["officer@team.cn"])
        .unwrap();
    assert!(
        to_officer
            .text()
            .contains(&format!("New request {} for your team", number(case))),
        "{}",
        to_officer.text()
    );

    // The mail server is gone: the run fails and the notification waits for the next one.
    let port = sink.port;
    drop(sink);
    tokio::time::sleep(Duration::from_millis(100)).await;
    act(&desk.officer, case, "resolve", "Done.").await;
    let error = yingcai_jobs::notification_mail(store, &setup(port))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("the mail server did not take"), "{error}");
    let newest = &store
        .account_notifications(desk.requester_id, 1)
        .await
        .unwrap()[0];
    assert_eq!(newest.kind.as_str(), "case-resolved");
    assert!(newest.emailed_at.is_none(), "given back for the next run");
    let sink = SmtpSink::start().await;
    let report = yingcai_jobs::notification_mail(store, &setup(sink.port))
        .await
        .unwrap();
    assert_eq!(report.sent, 1);
    let received = sink.received();
    assert_eq!(received[0].to, ["talent@example.cn"]);
    assert!(
        received[0].text().contains("is solved"),
        "{}",
        received[0].text()
    );
}
