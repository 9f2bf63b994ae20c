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
