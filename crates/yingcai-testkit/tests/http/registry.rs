use reqwest::StatusCode;
use yingcai_domain::Role;
use yingcai_testkit::{TestApp, location};

const PROFILE: &[(&str, &str)] = &[
    ("name", "王芳"),
    ("resident_id", "11010519491231002X"),
    ("phone", "138 0013 8000"),
    ("email", ""),
    ("degree", "phd"),
    ("degree_institution", "河北大学"),
    ("degree_year", "1980"),
    ("honors", ""),
    ("employer_name", "雄安智芯科技有限公司"),
    ("employer_credit_code", "91350100M000100Y43"),
    ("arrival_date", "2024-03-01"),
    ("employed_in_city", "true"),
    ("social_insurance_months", "30"),
    ("district", "长安区"),
    ("housing", "rent"),
    ("home_purchase_date", ""),
    ("bank_account", "6222021234567890123"),
];

fn with(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    PROFILE
        .iter()
        .map(|(k, v)| {
            (
                *k,
                changes
                    .iter()
                    .find(|(ck, _)| ck == k)
                    .map_or(*v, |(_, cv)| *cv),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_talent_submits_an_officer_returns_the_talent_fixes_and_the_officer_verifies() {
    let app = TestApp::spawn().await;
    let talent = app.signed_in("wang@example.cn", &[Role::Talent]).await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    talent.get("/lang/en").await;
    officer.get("/lang/en").await;

    // A submission with a wrong check digit is refused field by field and saves nothing.
    let mut bad = with(&[("resident_id", "110105194912310021")]);
    bad.push(("action", "submit"));
    let response = talent.post_form("/talent/profile", &bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("id=\"resident_id-error\"") && html.contains("check digit is wrong"),
        "{html}"
    );
    assert!(
        app.store
            .submission_queue(&Default::default())
            .await
            .unwrap()
            .is_empty()
    );

    // A draft may be saved incomplete.
    let mut draft = with(&[("bank_account", "")]);
    draft.push(("action", "save"));
    assert_eq!(
        talent.post_form("/talent/profile", &draft).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = talent.page("/talent/profile").await;
    assert!(
        html.contains("Draft") && html.contains("value=\"11010519491231002X\""),
        "the owner sees their own full number"
    );

    let mut good = with(&[]);
    good.push(("action", "submit"));
    assert_eq!(
        location(&talent.post_form("/talent/profile", &good).await),
        "/talent/profile?saved=1"
    );
    assert!(
        talent
            .page("/talent/profile")
            .await
            .1
            .contains("Awaiting verification")
    );

    // The officer finds it in the queue (filtered by district), and returns it.
    let (status, queue) = officer
        .page("/officer/submissions?district=%E9%95%BF%E5%AE%89%E5%8C%BA")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue.contains("王芳"));
    let id = app
        .store
        .submission_queue(&Default::default())
        .await
        .unwrap()[0]
        .submission_id;
    let (_, detail) = officer.page(&format!("/officer/submissions/{id}")).await;
    assert!(
        detail.contains("11010519491231002X") && detail.contains("6222021234567890123"),
        "officers see full values"
    );
    let response = officer
        .post_form(
            &format!("/officer/submissions/{id}/return"),
            &[("reason", "  ")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = officer
        .post_form(
            &format!("/officer/submissions/{id}/return"),
            &[("reason", "Please give the degree year as on the diploma.")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // The talent reads the reason, fixes and resubmits.
    let (_, html) = talent.page("/talent/profile").await;
    assert!(
        html.contains("Returned")
            && html.contains("Please give the degree year as on the diploma.")
    );
    let mut fixed = with(&[("degree_year", "1981")]);
    fixed.push(("action", "submit"));
    assert_eq!(
        talent.post_form("/talent/profile", &fixed).await.status(),
        StatusCode::SEE_OTHER
    );

    // The officer verifies; the talent sees "Verified" and the history.
    assert_eq!(
        officer
            .post_form(&format!("/officer/submissions/{id}/verify"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = talent.page("/talent/profile").await;
    assert!(html.contains("Verified record in force"), "{html}");
    let (_, history) = talent.page("/talent/profile/history").await;
    assert!(history.contains("Verified"));
    // Verifying twice is refused, not repeated.
    assert_eq!(
        officer
            .post_form(&format!("/officer/submissions/{id}/verify"), &[])
            .await
            .status(),
        StatusCode::CONFLICT
    );
}

/// Dates outside 1900-01-01..=2200-12-31 (and identity numbers of holders born before 1900)
/// are refused on their fields when submitted, so no record can carry one into the engine.
#[tokio::test]
async fn a_profile_with_dates_outside_the_calendar_is_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let talent = app.signed_in("far@example.cn", &[Role::Talent]).await;
    talent.get("/lang/en").await;
    // (changed fields, field in error, part of its message)
    type Case = (
        &'static [(&'static str, &'static str)],
        &'static str,
        &'static str,
    );
    let cases: [Case; 6] = [
        (
            &[("arrival_date", "0999-01-01")],
            "arrival_date",
            "Enter a date from 1900-01-01 to 2200-12-31",
        ),
        (
            &[("arrival_date", "-999-01-01")],
            "arrival_date",
            "Enter a real date as YYYY-MM-DD",
        ),
        (
            &[("housing", "owns"), ("home_purchase_date", "9999-12-31")],
            "home_purchase_date",
            "Enter a date from 1900-01-01 to 2200-12-31",
        ),
        (
            &[("degree_year", "1899")],
            "degree_year",
            "Enter a year such as 2015",
        ),
        (
            &[("degree_year", "99999999999")],
            "degree_year",
            "Enter a year such as 2015",
        ),
        (
            // Valid by GB 11643, born 1880-01-01.
            &[("resident_id", "440524188001010014")],
            "resident_id",
            "before 1900",
        ),
    ];
    for (changes, field, message) in cases {
        let mut form = with(changes);
        form.push(("action", "submit"));
        let response = talent.post_form("/talent/profile", &form).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{changes:?}"
        );
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!("id=\"{field}-error\"")) && html.contains(message),
            "{changes:?}: {html}"
        );
    }
    assert!(
        app.store
            .submission_queue(&Default::default())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn officers_cannot_verify_a_submission_with_invalid_fields() {
    let app = TestApp::spawn().await;
    let talent = app.signed_in("t@example.cn", &[Role::Talent]).await;
    let officer = app.signed_in("o@example.cn", &[Role::Officer]).await;
    let mut draft = with(&[("bank_account", "12")]);
    draft.push(("action", "save"));
    talent.post_form("/talent/profile", &draft).await;
    let submission = app
        .store
        .submission_queue(&yingcai_store::QueueFilter {
            status: Some(yingcai_store::SubmissionStatus::Draft),
            ..Default::default()
        })
        .await
        .unwrap();
    let id = submission[0].submission_id;
    // Still a draft: nothing to verify.
    assert_eq!(
        officer
            .post_form(&format!("/officer/submissions/{id}/verify"), &[])
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(
        app.store
            .talent_of_owner(submission[0].owner_account_id)
            .await
            .unwrap()
            .is_none()
    );
}

fn roster() -> String {
    [
        "id,name,resident_id,birth_date,degree,honors,arrival_date,employed_in_city,housing,home_purchase_date,social_insurance_months",
        "1,王芳,11010519491231002X,1949-12-31,phd,,2023-09-08,true,rent,,50",
        "2,李强,440524198001010013,1980-01-01,master,academician,2024-06-28,true,owns,2024-03-12,43",
    ]
    .join("\n")
}

async fn upload(
    visitor: &yingcai_testkit::Visitor,
    csrf: &str,
    name: &str,
    body: String,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(body.into_bytes()).file_name(name.to_owned()),
        );
    visitor
        .client
        .post(visitor.url("/officer/import"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_officer_imports_a_roster_whole_or_not_at_all_and_downloads_the_problems() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    officer.get("/lang/en").await;
    let csrf = officer.cookie("yc_csrf").unwrap();

    let response = upload(&officer, &csrf, "roster.csv", roster()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Imported 2 verified records from roster.csv")
    );
    assert_eq!(app.store.count_talents().await.unwrap(), 2);

    // Again: both identity numbers are registered now. Refused, listed, downloadable.
    let response = upload(&officer, &csrf, "roster.csv", roster()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("2 problem(s) found") && html.contains("already registered"),
        "{html}"
    );
    let link = html
        .split("href=\"/officer/import/reports/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let report = officer
        .get(&format!("/officer/import/reports/{link}"))
        .await;
    assert_eq!(report.status(), StatusCode::OK);
    assert_eq!(report.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = report.text().await.unwrap();
    assert!(
        csv.contains("resident-id-registered") && csv.contains("already registered"),
        "{csv}"
    );
    assert_eq!(app.store.count_talents().await.unwrap(), 2);

    // The report is its author's alone.
    let other = app.signed_in("other@example.cn", &[Role::Officer]).await;
    assert_eq!(
        other
            .get(&format!("/officer/import/reports/{link}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Without the anti-forgery token nothing is even read.
    assert_eq!(
        upload(
            &officer,
            "forged-token-forged-token-forged-token-0000",
            "x.csv",
            roster()
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    // A talent may not import.
    let talent = app.signed_in("t@example.cn", &[Role::Talent]).await;
    let token = talent.cookie("yc_csrf").unwrap();
    assert_eq!(
        upload(&talent, &token, "x.csv", roster()).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_roster_with_bad_rows_lists_every_problem_and_imports_nothing() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    let csrf = officer.cookie("yc_csrf").unwrap();
    let bad = roster()
        .replace("2023-09-08", "2023-02-30")
        .replace("master", "doctor");
    let response = upload(&officer, &csrf, "bad.csv", bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("<code>arrival_date</code>") && html.contains("<code>degree</code>"),
        "{html}"
    );
    assert_eq!(app.store.count_talents().await.unwrap(), 0);
}

async fn attach(visitor: &yingcai_testkit::Visitor, name: &str, bytes: &[u8]) -> reqwest::Response {
    let csrf = visitor.cookie("yc_csrf").unwrap();
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
    );
    visitor
        .client
        .post(visitor.url("/talent/profile/documents"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn documents_are_checked_by_content_and_shown_only_to_their_owner_and_officers() {
    let app = TestApp::spawn().await;
    let talent = app.signed_in("t@example.cn", &[Role::Talent]).await;
    let stranger = app.signed_in("s@example.cn", &[Role::Talent]).await;
    let officer = app.signed_in("o@example.cn", &[Role::Officer]).await;
    talent.get("/lang/en").await;

    let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
    assert_eq!(
        location(&attach(&talent, "degree.pdf", pdf).await),
        "/talent/profile?saved=1"
    );
    let response = attach(&talent, "degree.pdf", b"<html><script>alert(1)</script>").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Only PDF, JPEG and PNG")
    );

    let (_, html) = talent.page("/talent/profile").await;
    let id = html
        .split("href=\"/documents/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let own = talent.get(&format!("/documents/{id}")).await;
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(own.headers()["content-type"], "application/pdf");
    assert_eq!(own.bytes().await.unwrap().as_ref(), pdf);
    assert_eq!(
        stranger.get(&format!("/documents/{id}")).await.status(),
        StatusCode::NOT_FOUND,
        "another talent: as if it did not exist"
    );
    assert_eq!(
        app.visitor()
            .get(&format!("/documents/{id}"))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        officer.get(&format!("/documents/{id}")).await.status(),
        StatusCode::OK
    );

    // Once submitted, the documents are frozen until the record is edited again.
    let mut good = with(&[]);
    good.push(("action", "submit"));
    talent.post_form("/talent/profile", &good).await;
    assert_eq!(
        attach(&talent, "more.pdf", pdf).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        stranger
            .post_form(&format!("/documents/{id}/delete"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let submission = app
        .store
        .submission_queue(&Default::default())
        .await
        .unwrap()[0]
        .submission_id;
    let (_, review) = officer
        .page(&format!("/officer/submissions/{submission}"))
        .await;
    assert!(review.contains("degree.pdf"));
}

#[tokio::test]
async fn an_enterprise_is_verified_and_sees_its_talents_masked() {
    let app = TestApp::spawn().await;
    let enterprise = app
        .signed_in("hr@chip.example.cn", &[Role::Enterprise])
        .await;
    let officer = app.signed_in("o@example.cn", &[Role::Officer]).await;
    enterprise.get("/lang/en").await;
    let fields = |code: &'static str, action: &'static str| {
        vec![
            ("name", "雄安智芯科技有限公司"),
            ("credit_code", code),
            ("industry", "next_gen_it"),
            ("district", "长安区"),
            ("contact_name", "赵经理"),
            ("contact_phone", "0311 8888 6666"),
            ("contact_email", ""),
            ("action", action),
        ]
    };
    let response = enterprise
        .post_form(
            "/enterprise/profile",
            &fields("91350100M000100Y44", "submit"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("check character is wrong")
    );
    assert_eq!(
        location(
            &enterprise
                .post_form(
                    "/enterprise/profile",
                    &fields("91350100M000100Y43", "submit")
                )
                .await
        ),
        "/enterprise/profile?saved=1"
    );

    let (_, queue) = officer.page("/officer/submissions?kind=enterprise").await;
    assert!(queue.contains("雄安智芯科技有限公司"));
    let id = app
        .store
        .enterprise_queue(&Default::default())
        .await
        .unwrap()[0]
        .submission_id;
    assert!(
        officer
            .page(&format!("/officer/submissions/{id}"))
            .await
            .1
            .contains("91350100M000100Y43")
    );
    assert_eq!(
        officer
            .post_form(&format!("/officer/submissions/{id}/verify"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // A talent verified with this employer's credit code appears, identity number masked.
    let mut roster = String::from(
        "name,resident_id,degree,arrival_date,employed_in_city,housing,social_insurance_months,employer_name,employer_credit_code\n",
    );
    roster.push_str("王芳,11010519491231002X,phd,2024-03-01,true,rent,30,雄安智芯科技有限公司,91350100M000100Y43\n");
    let csrf = officer.cookie("yc_csrf").unwrap();
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(roster.into_bytes()).file_name("r.csv"),
    );
    assert_eq!(
        officer
            .client
            .post(officer.url("/officer/import"))
            .multipart(form)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let (_, html) = enterprise.page("/enterprise/profile").await;
    assert!(html.contains("Verified") && html.contains("王芳"), "{html}");
    assert!(
        html.contains("1101**********002X") && !html.contains("11010519491231002X"),
        "masked for the employer"
    );
}

#[tokio::test]
async fn a_talent_names_an_employer_on_the_platform_and_a_forged_one_is_refused() {
    let app = TestApp::spawn().await;
    let owner = app
        .create_account("hr@example.cn", &[Role::Enterprise])
        .await;
    let input = yingcai_domain::EnterpriseInput {
        name: "雄安智芯科技有限公司".into(),
        credit_code: "91350100M000100Y43".into(),
        industry: "next_gen_it".into(),
        district: "长安区".into(),
        ..Default::default()
    };
    let settings = yingcai_web::WebSettings::default();
    let profile = input
        .parse(&settings.industries, &settings.districts)
        .unwrap();
    let enterprise_id = app
        .store
        .create_verified_enterprise(Some(owner), &profile, &yingcai_store::Actor::System)
        .await
        .unwrap();
    let talent = app.signed_in("t@example.cn", &[Role::Talent]).await;
    talent.get("/lang/en").await;
    assert!(
        talent
            .page("/talent/profile")
            .await
            .1
            .contains("雄安智芯科技有限公司"),
        "offered in the picker"
    );

    let forged = with(&[("employer_name", ""), ("employer_credit_code", "")]);
    let mut forged: Vec<(&str, &str)> = forged;
    forged.push(("employer_enterprise_id", "999999"));
    forged.push(("action", "submit"));
    let response = talent.post_form("/talent/profile", &forged).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Choose an employer from the list.")
    );

    let id = enterprise_id.to_string();
    let mut picked = with(&[("employer_name", ""), ("employer_credit_code", "")]);
    picked.push(("employer_enterprise_id", &id));
    picked.push(("action", "submit"));
    assert_eq!(
        talent.post_form("/talent/profile", &picked).await.status(),
        StatusCode::SEE_OTHER
    );
    let officer = app.signed_in("o@example.cn", &[Role::Officer]).await;
    let submission = app
        .store
        .submission_queue(&Default::default())
        .await
        .unwrap()[0]
        .submission_id;
    // The officer decides on what the talent chose: the enterprise's name and code.
    let (_, review) = officer
        .page(&format!("/officer/submissions/{submission}"))
        .await;
    assert!(
        review.contains("雄安智芯科技有限公司") && review.contains("91350100M000100Y43"),
        "{review}"
    );
    assert_eq!(
        officer
            .post_form(&format!("/officer/submissions/{submission}/verify"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let talents = app
        .store
        .talents_of_enterprise(enterprise_id)
        .await
        .unwrap();
    assert_eq!(talents.len(), 1);
    let (_, page) = officer
        .page(&format!("/officer/talents/{}", talents[0].talent_id))
        .await;
    assert!(page.contains("雄安智芯科技有限公司"), "{page}");
}

#[tokio::test]
async fn an_oversized_document_is_refused_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let talent = app.signed_in("t@example.cn", &[Role::Talent]).await;
    talent.get("/lang/en").await;
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(11 * 1024 * 1024, b' ');
    let response = attach(&talent, "huge.pdf", &big).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("larger than 10 MB"));
    // The 50 MB upload of the bad-input list: read, then refused with the message.
    big.resize(50 * 1024 * 1024, b' ');
    let response = attach(&talent, "huger.pdf", &big).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_enterprise_attaches_its_licence_and_the_officer_sees_it() {
    let app = TestApp::spawn().await;
    let enterprise = app.signed_in("hr@example.cn", &[Role::Enterprise]).await;
    let officer = app.signed_in("o@example.cn", &[Role::Officer]).await;
    let csrf = enterprise.cookie("yc_csrf").unwrap();
    let png =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(png).file_name("licence.png"),
    );
    let response = enterprise
        .client
        .post(enterprise.url("/enterprise/profile/documents"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/enterprise/profile?saved=1");
    let fields = [
        ("name", "雄安智芯科技有限公司"),
        ("credit_code", "91350100M000100Y43"),
        ("industry", "next_gen_it"),
        ("district", "长安区"),
        ("action", "submit"),
    ];
    assert_eq!(
        enterprise
            .post_form("/enterprise/profile", &fields)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let id = app
        .store
        .enterprise_queue(&Default::default())
        .await
        .unwrap()[0]
        .submission_id;
    let (_, html) = officer.page(&format!("/officer/submissions/{id}")).await;
    assert!(html.contains("licence.png"), "{html}");
    let document = html
        .split("href=\"/documents/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        officer
            .get(&format!("/documents/{document}"))
            .await
            .headers()["content-type"],
        "image/png"
    );
    let talent = app.signed_in("t@example.cn", &[Role::Talent]).await;
    assert_eq!(
        talent.get(&format!("/documents/{document}")).await.status(),
        StatusCode::NOT_FOUND
    );
}
