//! The demo's case desk (`serve --demo`): hundreds of cases across the teams and the
//! months, every status, ratings given and not yet, the demo accounts' own cases, histories
//! inside working hours whose stored clock figures are what the clock reads from the stored
//! events — and seeding twice writes nothing more.

use std::collections::BTreeSet;

use yingcai_casedesk::Timeline;
use yingcai_domain::Email;
use yingcai_domain::status::CaseStatus;
use yingcai_store::{CaseFilter, EventKind, Store};
use yingcai_testkit::TestApp;
use yingcai_web::WebSettings;
use yingcai_worktime::{BeijingMinute, WorkCalendar};

fn minute(ms: i64) -> BeijingMinute {
    BeijingMinute::from_timestamp(jiff::Timestamp::from_millisecond(ms).unwrap()).unwrap()
}

async fn account_id(store: &Store, email: &str) -> i64 {
    store
        .credentials_by_email(&Email::parse(email).unwrap())
        .await
        .unwrap()
        .unwrap()
        .account
        .account_id
}

fn is_pause(status: CaseStatus) -> bool {
    matches!(
        status,
        CaseStatus::WaitingRequester | CaseStatus::WaitingBureau | CaseStatus::Resolved
    )
}

/// A working minute: on a working day, from 09:00 to 11:59 or 13:00 to 16:59.
fn in_working_hours(calendar: &WorkCalendar, at: BeijingMinute) -> bool {
    let of_day = at.minute_of_day();
    calendar.is_working_day(at.date()).unwrap()
        && ((9 * 60..12 * 60).contains(&of_day) || (13 * 60..17 * 60).contains(&of_day))
}

#[tokio::test]
async fn the_demo_desk_has_hundreds_of_cases_across_teams_months_and_states() {
    let app = TestApp::spawn().await;
    let store = &app.store;
    let settings = WebSettings {
        documents_dir: app.documents_dir().display().to_string(),
        ..Default::default()
    };
    yingcai_services::accounts::seed_demo(store).await.unwrap();
    let enterprise = account_id(store, "enterprise@demo.yingcai.cn").await;
    let talent = account_id(store, "talent@demo.yingcai.cn").await;
    let officer = account_id(store, "officer@demo.yingcai.cn").await;
    // A fixed end of the history, before the real clock: the two transfers the demo makes
    // are stamped when made, after every other step.
    let today = jiff::civil::date(2026, 12, 4);
    yingcai_web::demo::seed_registry(store, &settings, Some(enterprise), today)
        .await
        .unwrap();
    let now_minute: BeijingMinute = "2026-12-04T16:00".parse().unwrap();
    let now = now_minute.to_timestamp().as_millisecond();

    let started = std::time::Instant::now();
    let seeded = yingcai_web::demo::seed_service_desk(store, &settings, now)
        .await
        .unwrap()
        .expect("seeded on a fresh demo database");
    eprintln!(
        "the demo case desk: {} teams, {} cases seeded in {:?}",
        seeded.teams,
        seeded.cases,
        started.elapsed()
    );
    assert_eq!(seeded.teams, 5, "one team per industry");
    assert_eq!(
        yingcai_web::demo::seed_service_desk(store, &settings, now)
            .await
            .unwrap(),
        None,
        "a second start seeds nothing"
    );

    let cases = store
        .cases(&CaseFilter {
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(cases.len(), seeded.cases);
    assert!(cases.len() >= 250, "only {} cases", cases.len());
    // A few were raised with a small PDF the requester can read back.
    let mut with_files = 0;
    for case in &cases {
        for file in store.case_attachments(case.case_id, false).await.unwrap() {
            with_files += 1;
            let bytes = yingcai_services::documents::load(app.documents_dir(), &file.sha256)
                .await
                .unwrap();
            assert_eq!(
                yingcai_services::documents::media_type(&bytes),
                Some("application/pdf")
            );
            assert_eq!(file.size_bytes, bytes.len() as i64);
        }
    }
    assert!((3..=6).contains(&with_files), "{with_files} demo files");

    let teams = store.service_teams().await.unwrap();
    assert_eq!(teams.len(), 5);
    for team in &teams {
        assert!(team.leader_account_id.is_some());
        assert!((1..=3).contains(&team.members.len()), "{}", team.name);
        let months: BTreeSet<_> = cases
            .iter()
            .filter(|c| c.team_id == team.team_id)
            .map(|c| minute(c.opened_at).date().year_month())
            .collect();
        assert!(
            months.len() >= 6,
            "{} has cases in {} months",
            team.name,
            months.len()
        );
    }
    assert!(store.teams_of_officer(officer).await.unwrap().len() >= 2);
    assert!(store.unpaired_enterprises().await.unwrap().is_empty());

    let statuses: BTreeSet<_> = cases.iter().map(|c| c.status.as_str()).collect();
    assert_eq!(statuses.len(), CaseStatus::ALL.len(), "{statuses:?}");
    let done = |c: &&yingcai_store::CaseRecord| {
        matches!(c.status, CaseStatus::Resolved | CaseStatus::Closed)
    };
    let rated = cases
        .iter()
        .filter(done)
        .filter(|c| c.rating.is_some())
        .count();
    let unrated = cases
        .iter()
        .filter(done)
        .filter(|c| c.rating.is_none())
        .count();
    assert!(rated > 0 && unrated > 0, "{rated} rated, {unrated} not");
    assert!(
        cases.iter().any(|c| c.reopen_count > 0),
        "some cases were reopened"
    );
    let categories: BTreeSet<_> = cases.iter().map(|c| c.category.as_str()).collect();
    assert_eq!(categories.len(), 8, "{categories:?}");

    // The demo enterprise's and talent's own cases, in the states worth showing.
    for own in [enterprise, talent] {
        let mine: Vec<_> = cases
            .iter()
            .filter(|c| c.requester_account_id == own)
            .collect();
        assert!(mine.len() >= 5, "{} cases of account {own}", mine.len());
        assert!(
            mine.iter()
                .any(|c| c.status == CaseStatus::Resolved && c.rating.is_none())
        );
        assert!(
            mine.iter()
                .any(|c| c.status == CaseStatus::WaitingRequester)
        );
        assert!(
            mine.iter()
                .any(|c| c.status == CaseStatus::Closed && c.rating.is_some())
        );
        let mut noted = false;
        for case in &mine {
            let events = store.case_events(case.case_id, true).await.unwrap();
            noted |= events.iter().any(|e| e.kind == EventKind::Note);
        }
        assert!(noted, "an internal note on a case of account {own}");
    }

    // Every history is ordered and inside working hours, and the stored clock figures are
    // what the clock reads from the stored events.
    let calendar = WorkCalendar::builtin();
    let mut open = 0;
    for case in &cases {
        assert!(in_working_hours(&calendar, minute(case.opened_at)));
        let events = store.case_events(case.case_id, true).await.unwrap();
        let mut status = CaseStatus::New;
        let mut pauses: Vec<(BeijingMinute, Option<BeijingMinute>)> = Vec::new();
        let mut last = case.opened_at;
        for event in &events {
            assert!(event.at >= last, "case {} goes back in time", case.case_id);
            last = event.at;
            if event.kind == EventKind::Transfer {
                // Stamped when it was made.
                continue;
            }
            assert!(
                event.at <= now + 60_000,
                "case {} in the future",
                case.case_id
            );
            assert!(
                in_working_hours(&calendar, minute(event.at)),
                "case {}: {:?} at {}",
                case.case_id,
                event.kind,
                minute(event.at)
            );
            if event.kind == EventKind::Status {
                let to: CaseStatus = event.body.parse().unwrap();
                if is_pause(status) {
                    pauses.last_mut().unwrap().1 = Some(minute(event.at));
                }
                if is_pause(to) {
                    pauses.push((minute(event.at), None));
                }
                status = to;
            }
        }
        assert_eq!(status, case.status, "case {}", case.case_id);
        let stored: Vec<_> = store
            .case_pauses(case.case_id)
            .await
            .unwrap()
            .iter()
            .map(|p| (minute(p.from_at), p.until_at.map(minute)))
            .collect();
        assert_eq!(stored, pauses, "case {}", case.case_id);
        let timeline = Timeline {
            opened: minute(case.opened_at),
            first_response: case.first_response_at.map(minute),
            resolved: case.resolved_at.map(minute),
            pauses,
            response_target: case.response_target as u64,
            resolution_target: case.resolution_target as u64,
        };
        let clocks = yingcai_casedesk::read(&timeline, &calendar, now_minute, 80);
        let clocks = clocks.unwrap_or_else(|e| panic!("case {}: {e}", case.case_id));
        assert_eq!(
            case.first_response_at.map(|_| clocks.response.spent as i64),
            case.response_spent,
            "case {}",
            case.case_id
        );
        if case.resolved_at.is_some() {
            assert_eq!(
                Some(clocks.resolution.spent as i64),
                case.resolution_spent,
                "case {}",
                case.case_id
            );
        }
        if !done(&case) {
            open += 1;
        }
    }
    assert!(open > 0);

    // The pages show them: the enterprise's list, and the demo officer's teams.
    let visitor = app.visitor();
    visitor
        .sign_in("enterprise@demo.yingcai.cn", "yingcai-demo-2026")
        .await;
    let (status, html) = visitor.page("/cases").await;
    assert_eq!(status, 200);
    let own = cases
        .iter()
        .filter(|c| c.requester_account_id == enterprise)
        .count();
    assert_eq!(html.matches(">FW").count(), own, "{html}");
    let unrated = cases
        .iter()
        .find(|c| {
            c.requester_account_id == enterprise
                && c.status == CaseStatus::Resolved
                && c.rating.is_none()
        })
        .unwrap();
    let (status, html) = visitor.page(&format!("/cases/{}", unrated.case_id)).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("action=\"/cases/{}/rate\"", unrated.case_id)));
    let visitor = app.visitor();
    visitor
        .sign_in("officer@demo.yingcai.cn", "yingcai-demo-2026")
        .await;
    let (status, html) = visitor.page("/officer/cases").await;
    assert_eq!(status, 200);
    for team in &teams {
        assert!(html.contains(&team.name), "{}", team.name);
    }
}
