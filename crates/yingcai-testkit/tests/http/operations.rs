//! What administrators see of the platform's own running: the scheduler's jobs, and the
//! audit log's signed checkpoints to download.

use reqwest::StatusCode;
use yingcai_domain::Role;
use yingcai_testkit::TestApp;
use yingcai_web::WebSettings;

#[tokio::test]
async fn the_jobs_page_shows_each_jobs_last_runs_and_a_failing_jobs_error() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    let (status, html) = admin.page("/admin/jobs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No job has run yet."), "{html}");

    // 2026-11-29 00:00 UTC is 08:00 in Beijing.
    let at = 1_795_910_400_000;
    app.store.job_started("cleanup", at).await.unwrap();
    app.store
        .job_succeeded("cleanup", at + 1_000, at + 600_000)
        .await
        .unwrap();
    app.store.job_started("housing", at).await.unwrap();
    for attempt in 0..3 {
        app.store
            .job_failed(
                "housing",
                at + attempt * 60_000,
                "database is locked <retry>",
                at + 120_000,
            )
            .await
            .unwrap();
    }
    let (status, html) = admin.page("/admin/jobs").await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Expired sessions and old sign-in failures",
        "Apartment offers and leases",
        "Working",
        "Failing (3 in a row)",
        "2026-11-29 08:00",
        "2026-11-29 08:02",
        "database is locked &lt;retry&gt;",
        "Never",
    ] {
        assert!(html.contains(shown), "jobs page lacks {shown}: {html}");
    }
    assert!(!html.contains("<retry>"), "errors are escaped");

    let talent = app.signed_in("talent@example.cn", &[Role::Talent]).await;
    assert_eq!(
        talent.get("/admin/jobs").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn admins_download_the_checkpoint_file_as_it_stands() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("checkpoints.txt");
    let app = TestApp::spawn_with(WebSettings {
        audit_checkpoint_file: file.display().to_string(),
        ..WebSettings::default()
    })
    .await;
    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    let (_, audit) = admin.page("/admin/audit").await;
    assert!(
        audit.contains("href=\"/admin/audit/checkpoints\""),
        "{audit}"
    );

    let response = admin.get("/admin/audit/checkpoints").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"yingcai-audit-checkpoints-")
    );
    assert_eq!(response.text().await.unwrap(), "", "no checkpoint yet");

    let setup = yingcai_services::audit::Checkpointing {
        signer: std::sync::Arc::new(yingcai_domain::audit::AuditSigner::from_seed(&[4; 32])),
        file: file.clone(),
        site: app.address.clone(),
    };
    yingcai_services::audit::checkpoint(&app.store, &setup)
        .await
        .unwrap();
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("\"signature\""));
    let response = admin.get("/admin/audit/checkpoints").await;
    assert_eq!(response.text().await.unwrap(), written);

    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    assert_eq!(
        officer.get("/admin/audit/checkpoints").await.status(),
        StatusCode::FORBIDDEN
    );
}
