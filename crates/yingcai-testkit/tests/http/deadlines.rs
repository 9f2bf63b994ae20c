//! Answer-by dates on the official working calendar: apartment offers (made before a
//! holiday span, due after it; refused when the date falls in a year without calendar
//! data) and requests for documents (an officer's return of a submission), as the talent,
//! the officer and the API see them.
//!
//! These run at the real current time, so they add the calendar years they need as an
//! administrator would (weekdays, plus a test holiday span) instead of relying on the
//! built-in years: a deadline crossing into a year without published data must not fail
//! them, and the refusal test asks for a date beyond the years it adds.

use jiff::civil::Date;
use reqwest::{Method, StatusCode};
use serde_json::json;
use yingcai_domain::Role;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, Visitor};
use yingcai_worktime::{WorkCalendar, WorkingHours};

use crate::housing::{INVENTORY, ballot, card_holder, talent, text, upload};

fn beijing() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::fixed(jiff::tz::offset(8))
}

fn today() -> Date {
    jiff::Timestamp::now().to_zoned(beijing()).date()
}

/// Unix ms of 17:00 Beijing time on `day` (the close of the default working day).
fn close_of(day: Date) -> i64 {
    day.at(17, 0, 0, 0)
        .to_zoned(beijing())
        .unwrap()
        .timestamp()
        .as_millisecond()
}

fn is_weekday(day: Date) -> bool {
    !matches!(
        day.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    )
}

/// Adds (or replaces) `year` in the working calendar over the API as `admin`, with the
/// days off `off` (inclusive) when given.
async fn add_year(admin: &ApiClient, year: i16, off: Option<(Date, Date)>) {
    let mut data = format!("[[year]]\nyear = {year}\n");
    if let Some((from, to)) = off {
        data.push_str(&format!(
            "\n[[year.holiday]]\nzh = \"测试假期\"\nen = \"Test holiday\"\nfrom = \"{from}\"\nto = \"{to}\"\n"
        ));
    }
    let response = admin
        .send(
            Method::POST,
            "/api/v1/admin/calendar-years",
            Some(json!({ "data": data })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "year {year}");
}

async fn admin(app: &TestApp) -> ApiClient {
    app.create_account("admin@example.cn", &[Role::Admin]).await;
    ApiClient::signed_in(app, "admin@example.cn", PASSWORD).await
}

/// An open round of the inventory's unit types with one applicant (a card holder who
/// ranked C1), its deadline passed. Returns the round, the talent and their visitor.
async fn round_with_one_applicant(
    app: &TestApp,
    officer: &Visitor,
    offer_rules: &str,
) -> (i64, i64, Visitor) {
    assert_eq!(
        upload(officer, "inventory.csv", INVENTORY).await.status(),
        StatusCode::OK
    );
    let (talent_id, talent_v) = card_holder(
        app,
        officer,
        "applicant@example.cn",
        &talent("王芳", "11010519491231002X", "rent", "40"),
    )
    .await;
    let unit_types: Vec<i64> = app
        .store
        .all_unit_types()
        .await
        .unwrap()
        .iter()
        .map(|(_, t)| t.unit_type_id)
        .collect();
    let round_id = app
        .store
        .open_round(
            &yingcai_store::NewRound {
                name: "Winter",
                deadline_at: yingcai_store::now_ms() + 60_000,
                seed: "00ff",
                requirements: &["card".to_owned()],
                priority_rules: &yingcai_housing::PriorityRules::default().to_toml(),
                offer_rules,
                lease_rules: &yingcai_housing::LeaseRules::default().to_toml(),
                unit_types: &unit_types,
            },
            &yingcai_store::Actor::System,
        )
        .await
        .unwrap();
    assert_eq!(
        ballot(round_id, &talent_v, vec![("rank1", "C1")]).await,
        StatusCode::SEE_OTHER
    );
    app.store
        .execute_unchecked(&format!(
            "update housing_round set deadline_at = 1 where round_id = {round_id}"
        ))
        .await
        .unwrap();
    (round_id, talent_id, talent_v)
}

#[tokio::test]
async fn an_offer_made_before_a_holiday_span_is_due_after_it_in_working_days() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    // Nine days off from tomorrow, as an administrator would add a year's notice (this
    // year and the next replaced by test data: weekdays and this span only).
    let today = today();
    let (first_off, last_off) = (
        today.tomorrow().unwrap(),
        today.checked_add(jiff::Span::new().days(9)).unwrap(),
    );
    for year in [today.year(), today.year() + 1] {
        let in_year = |d: Date| d.year() == year;
        let off = match (in_year(first_off), in_year(last_off)) {
            (true, true) => Some((first_off, last_off)),
            (true, false) => Some((first_off, Date::new(year, 12, 31).unwrap())),
            (false, true) => Some((Date::new(year, 1, 1).unwrap(), last_off)),
            (false, false) => None,
        };
        add_year(&admin, year, off).await;
    }
    // Five working days (the default rules) counted after the span: weekdays from the day
    // after it.
    let mut due = last_off;
    let mut left = 5;
    while left > 0 {
        due = due.tomorrow().unwrap();
        if is_weekday(due) {
            left -= 1;
        }
    }

    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    officer.get("/lang/en").await;
    let (round_id, talent_id, talent_v) = round_with_one_applicant(
        &app,
        &officer,
        &yingcai_housing::OfferRules::default().to_toml(),
    )
    .await;
    let response = officer
        .post_form(&format!("/officer/housing/rounds/{round_id}/run"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let offer = app
        .store
        .offers_of_talent(talent_id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(offer.respond_by, close_of(due), "due {due} 17:00");

    // The talent and the officer read the same date, Beijing time.
    let shown = format!("{due} 17:00");
    let (_, html) = talent_v.page("/talent/housing").await;
    assert!(text(&html).contains(&shown), "{shown} in {}", text(&html));
    let (_, html) = officer
        .page(&format!("/officer/housing/rounds/{round_id}"))
        .await;
    assert!(text(&html).contains(&shown), "{}", text(&html));
    // The API twin gives the same instant.
    let api = ApiClient::signed_in(&app, "applicant@example.cn", PASSWORD).await;
    let offers: serde_json::Value = api
        .send(Method::GET, "/api/v1/me/housing-offers", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(offers[0]["respond_by"], json!(close_of(due)), "{offers}");
    assert_eq!(offers[0]["status"], "pending");
}

#[tokio::test]
async fn an_offer_due_in_a_year_without_calendar_data_is_not_made() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    officer.get("/lang/en").await;
    // 365 working days: beyond the calendar's data whatever today is.
    let rules = "response_working_days = 365\nrefusal_limit = 3\nbar_months = 12\nrefill = \"next_in_priority\"\n";
    let (round_id, talent_id, _) = round_with_one_applicant(&app, &officer, rules).await;
    let this_year = today().year();
    let missing = if WorkCalendar::builtin().covers(this_year) {
        this_year + 1
    } else {
        this_year
    };
    let run = format!("/officer/housing/rounds/{round_id}/run");
    let response = officer.post_form(&run, &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    let t = text(&html);
    assert!(
        t.contains(&format!(
            "falls in {missing}, which the working calendar has no data for"
        )),
        "{t}"
    );
    assert!(
        html.contains("href=\"/admin/calendar\""),
        "a link to add the year"
    );
    // Nothing half-written: the round is still open, no offer, no file.
    let round = app.store.round(round_id).await.unwrap();
    assert_eq!(round.status, yingcai_domain::status::RoundStatus::Open);
    assert!(
        app.store
            .offers_of_talent(talent_id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        app.store
            .offers_of_round(round_id)
            .await
            .unwrap()
            .is_empty()
    );
    // The same in Chinese.
    officer.get("/lang/zh-CN").await;
    let html = officer.post_form(&run, &[]).await.text().await.unwrap();
    assert!(
        text(&html).contains(&format!("落在 {missing} 年，而工作日历尚无该年数据")),
        "{}",
        text(&html)
    );

    // Once an administrator adds the years, the same run makes the offer.
    let admin = admin(&app).await;
    for year in missing..=missing + 2 {
        add_year(&admin, year, None).await;
    }
    assert_eq!(
        officer.post_form(&run, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let offer = app
        .store
        .offers_of_talent(talent_id)
        .await
        .unwrap()
        .remove(0);
    let calendar = yingcai_services::work_calendar::calendar(&app.store, &WorkingHours::default())
        .await
        .unwrap();
    let offered = yingcai_services::work_calendar::minute(offer.offered_at).unwrap();
    assert_eq!(
        offer.respond_by,
        yingcai_services::work_calendar::millis(
            calendar.end_of_working_days(offered, 365).unwrap()
        )
    );
}

/// A talent account with a submitted record; returns its submission and the visitor.
async fn submitted(app: &TestApp, email: &str) -> (i64, Visitor) {
    let owner = app.create_account(email, &[Role::Talent]).await;
    let actor = yingcai_store::Actor::account(owner, email);
    let input = talent("李伟", "11010519491231002X", "rent", "40");
    let id = app
        .store
        .save_talent_draft(&actor, &input, "长安区")
        .await
        .unwrap();
    app.store.submit(id, &actor).await.unwrap();
    let visitor = app.visitor();
    visitor.sign_in(email, PASSWORD).await;
    visitor.get("/lang/en").await;
    (id, visitor)
}

#[tokio::test]
async fn a_request_for_documents_has_an_answer_by_date_for_talent_and_officer() {
    let app = TestApp::spawn().await;
    app.cover_calendar_years_from_now().await;
    let calendar = yingcai_services::work_calendar::calendar(&app.store, &WorkingHours::default())
        .await
        .unwrap();
    let (id, talent_v) = submitted(&app, "talent@example.cn").await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    officer.get("/lang/en").await;

    let before = yingcai_store::now_ms();
    let response = officer
        .post_form(
            &format!("/officer/submissions/{id}/return"),
            &[("reason", "请上传学位证书")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let next = yingcai_testkit::location(&response);
    assert_eq!(next, format!("/officer/submissions/{id}?done=returned"));
    // Ten working days (the default setting) after today, at the close of the day.
    let expected = calendar
        .end_of_working_days(yingcai_services::work_calendar::minute(before).unwrap(), 10)
        .unwrap();
    let stored = app.store.talent_submission(id).await.unwrap();
    assert_eq!(
        stored.respond_by,
        Some(yingcai_services::work_calendar::millis(expected))
    );
    let shown = format!(
        "{} {:02}:{:02}",
        expected.date(),
        expected.hour(),
        expected.minute()
    );
    assert!(shown.ends_with("17:00"), "{shown}");

    // The officer's confirmation, the submission and the queue show it.
    let (_, html) = officer.page(&next).await;
    let t = text(&html);
    assert!(
        t.contains(&format!(
            "Returned to the owner. They are asked to answer by {shown}, Beijing time."
        )),
        "{t}"
    );
    let (_, html) = officer.page("/officer/submissions?status=returned").await;
    let t = text(&html);
    assert!(
        t.contains("Answer by (Beijing time)") && t.contains(&shown),
        "{t}"
    );
    assert!(!t.contains("overdue"), "{t}");
    // The talent is asked to answer by that date.
    let (_, html) = talent_v.page("/talent/profile").await;
    let t = text(&html);
    assert!(
        t.contains(&format!("Please answer by {shown}, Beijing time")),
        "{t}"
    );
    // The API twins: the officers' queue and the owner's open submission.
    let officer_api = ApiClient::signed_in(&app, "officer@example.cn", PASSWORD).await;
    let queue: serde_json::Value = officer_api
        .send(Method::GET, "/api/v1/submissions?status=returned", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue[0]["submission_id"], json!(id), "{queue}");
    assert_eq!(queue[0]["respond_by"], json!(stored.respond_by), "{queue}");
    assert_eq!(queue[0]["overdue"], json!(false));
    let talent_api = ApiClient::signed_in(&app, "talent@example.cn", PASSWORD).await;
    let mine: serde_json::Value = talent_api
        .send(Method::GET, "/api/v1/me/submissions", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine[0]["respond_by"], json!(stored.respond_by), "{mine}");
    assert_eq!(mine[0]["reason"], "请上传学位证书");

    // Past the date nothing happens on its own; both see it overdue.
    app.store
        .execute_unchecked(&format!(
            "update submission set respond_by = 1000 where submission_id = {id}"
        ))
        .await
        .unwrap();
    let (_, html) = officer.page("/officer/submissions?status=returned").await;
    assert!(html.contains("class=\"late\"") && text(&html).contains("overdue"));
    let (_, html) = talent_v.page("/talent/profile").await;
    assert!(text(&html).contains("has passed"), "{}", text(&html));
    let queue: serde_json::Value = officer_api
        .send(Method::GET, "/api/v1/submissions?status=returned", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue[0]["overdue"], json!(true));
    assert_eq!(
        app.store.talent_submission(id).await.unwrap().status,
        yingcai_store::SubmissionStatus::Returned
    );

    // Submitted again and returned over the API: the same date rule, the same checks.
    let owner = app
        .store
        .talent_submission(id)
        .await
        .unwrap()
        .owner_account_id;
    app.store
        .submit(
            id,
            &yingcai_store::Actor::account(owner, "talent@example.cn"),
        )
        .await
        .unwrap();
    assert_eq!(
        app.store.talent_submission(id).await.unwrap().respond_by,
        None,
        "answered: no date stands"
    );
    let path = format!("/api/v1/submissions/{id}/return");
    let response = officer_api
        .send(Method::POST, &path, Some(json!({ "reason": "  " })))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "reason");
    let response = officer_api
        .send(
            Method::POST,
            &path,
            Some(json!({ "reason": "请补充社保证明" })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    let respond_by = body["respond_by"].as_i64().unwrap();
    let by = yingcai_services::work_calendar::minute(respond_by).unwrap();
    assert_eq!((by.hour(), by.minute()), (17, 0));
    assert!(by >= expected, "{by} not before the first date {expected}");
    assert_eq!(body["calendar_missing_year"], json!(null));
    // Returning it twice is refused as on the page.
    let response = officer_api
        .send(Method::POST, &path, Some(json!({ "reason": "again" })))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_request_for_documents_is_returned_even_when_its_date_cannot_be_counted() {
    // Sixty working days: past the built-in years in December 2026.
    let settings = yingcai_web::WebSettings {
        document_request_working_days: 60,
        ..yingcai_web::WebSettings::default()
    };
    let app = TestApp::spawn_with(settings).await;
    let (id, talent_v) = submitted(&app, "talent@example.cn").await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    officer.get("/lang/en").await;
    let now = yingcai_services::work_calendar::minute(yingcai_store::now_ms()).unwrap();
    let counted = WorkCalendar::builtin().end_of_working_days(now, 60);
    let response = officer
        .post_form(
            &format!("/officer/submissions/{id}/return"),
            &[("reason", "请上传学位证书")],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the return is not blocked"
    );
    let next = yingcai_testkit::location(&response);
    let stored = app.store.talent_submission(id).await.unwrap();
    assert_eq!(stored.status, yingcai_store::SubmissionStatus::Returned);
    match counted {
        Err(yingcai_worktime::WorkTimeError::YearNotCovered(year)) => {
            assert_eq!(
                next,
                format!("/officer/submissions/{id}?done=returned&missing={year}")
            );
            assert_eq!(stored.respond_by, None);
            let (_, html) = officer.page(&next).await;
            let t = text(&html);
            assert!(
                t.contains("Returned to the owner, without an answer-by date."),
                "{t}"
            );
            assert!(
                t.contains(&format!("the working calendar has no data for {year} yet; ask an administrator to add it")),
                "{t}"
            );
            assert!(html.contains("href=\"/admin/calendar\""));
            officer.get("/lang/zh-CN").await;
            let (_, html) = officer.page(&next).await;
            assert!(
                text(&html).contains(&format!("工作日历尚无 {year} 年数据")),
                "{}",
                text(&html)
            );
            // The talent reads the reason, without a date.
            let (_, html) = talent_v.page("/talent/profile").await;
            let t = text(&html);
            assert!(
                t.contains("请上传学位证书") && !t.contains("Please answer by"),
                "{t}"
            );
        }
        Ok(by) => {
            // Early in a covered year sixty working days still fit: the date is given.
            assert_eq!(
                stored.respond_by,
                Some(yingcai_services::work_calendar::millis(by))
            );
        }
    }
}
