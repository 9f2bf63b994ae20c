use reqwest::StatusCode;
use yingcai_domain::{Email, Role};
use yingcai_testkit::{PASSWORD, TestApp, location};

#[tokio::test]
async fn a_talent_signs_up_signs_in_and_reaches_their_workspace() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();

    let response = visitor
        .sign_up("talent", "li.wei@example.cn", "correct horse battery")
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?registered=1");

    let response = visitor
        .sign_in("Li.Wei@Example.cn", "correct horse battery")
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");

    let (status, html) = visitor.page("/workspace/talent").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("li.wei@example.cn"));
    // The menu offers what the role may do, and nothing else.
    let (_, home) = visitor.page("/").await;
    assert!(home.contains("/workspace/talent"));
    assert!(!home.contains("/admin/users"));
}

#[tokio::test]
async fn an_enterprise_can_sign_up_but_nobody_can_sign_up_as_officer_or_admin() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    assert_eq!(
        visitor
            .sign_up("enterprise", "hr@chip.example.cn", "correct horse battery")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    for role in ["officer", "admin", "reviewer", "superuser", ""] {
        let email = format!("x{}@example.cn", role.len());
        let response = visitor.sign_up(role, &email, "correct horse battery").await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "role {role}"
        );
        assert!(
            app.store
                .credentials_by_email(&Email::parse(&email).unwrap())
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn registration_errors_are_shown_next_to_each_field_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    visitor.get("/lang/en").await;
    let response = visitor
        .post_form(
            "/register",
            &[
                ("role", "talent"),
                ("display_name", ""),
                ("email", "not-an-email"),
                ("phone", "abc"),
                ("password", "short"),
                ("password_confirm", "other"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for (field, message) in [
        ("display_name", "This field is required."),
        ("email", "Enter an e-mail address"),
        ("phone", "Enter a phone number"),
        ("password", "at least 10 characters"),
    ] {
        assert!(
            html.contains(&format!("id=\"{field}-error\"")),
            "no error next to {field}"
        );
        assert!(html.contains(message), "missing message for {field}");
    }
    assert!(html.contains("aria-invalid=\"true\""));
    // What was typed comes back, except passwords.
    assert!(html.contains("value=\"not-an-email\""));
    assert!(!html.contains("value=\"short\""));
    assert_eq!(
        app.store
            .list_accounts(&Default::default())
            .await
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn errors_come_in_chinese_by_default() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    let response = visitor
        .post_form(
            "/register",
            &[
                ("role", "talent"),
                ("display_name", "李伟"),
                ("email", "bad"),
                ("password", "correct horse battery"),
                ("password_confirm", "correct horse battery"),
            ],
        )
        .await;
    let html = response.text().await.unwrap();
    assert!(html.contains("请输入有效的电子邮箱"), "{html}");
}

#[tokio::test]
async fn a_taken_email_is_refused_on_the_email_field() {
    let app = TestApp::spawn().await;
    app.create_account("taken@example.cn", &[Role::Talent])
        .await;
    let visitor = app.visitor();
    visitor.get("/lang/en").await;
    let response = visitor
        .sign_up("talent", "TAKEN@example.cn", "correct horse battery")
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("already exists"));
}

#[tokio::test]
async fn a_password_change_keeps_this_session_and_ends_the_others() {
    let app = TestApp::spawn().await;
    let here = app.signed_in("a@example.cn", &[Role::Talent]).await;
    let elsewhere = app.visitor();
    elsewhere.sign_in("a@example.cn", PASSWORD).await;

    let wrong = here
        .post_form(
            "/account/password",
            &[
                ("current_password", "wrong password!"),
                ("new_password", "brand new password"),
                ("new_password_confirm", "brand new password"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let response = here
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "brand new password"),
                ("new_password_confirm", "brand new password"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(here.get("/account").await.status(), StatusCode::OK);
    assert_eq!(
        elsewhere.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "other session ended"
    );
    assert_eq!(
        app.visitor()
            .sign_in("a@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.visitor()
            .sign_in("a@example.cn", "brand new password")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session() {
    let app = TestApp::spawn().await;
    let phone = app.signed_in("a@example.cn", &[Role::Talent]).await;
    let laptop = app.visitor();
    laptop.sign_in("a@example.cn", PASSWORD).await;
    let response = phone.post_form("/account/sign-out-everywhere", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(phone.get("/account").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/account").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_out_ends_only_this_session() {
    let app = TestApp::spawn().await;
    let phone = app.signed_in("a@example.cn", &[Role::Talent]).await;
    let laptop = app.visitor();
    laptop.sign_in("a@example.cn", PASSWORD).await;
    assert_eq!(
        phone.post_form("/logout", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(phone.get("/account").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/account").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_admin_creates_an_officer_who_must_choose_a_password_at_first_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    let response = admin
        .post_form(
            "/admin/users/new",
            &[
                ("display_name", "Officer Zhao"),
                ("email", "zhao@bureau.example.cn"),
                ("roles", "officer"),
                ("roles", "reviewer"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let html = response.text().await.unwrap();
    let temporary = html
        .split("id=\"temporary-password\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(temporary.len(), 16);

    let officer = app.visitor();
    let response = officer.sign_in("zhao@bureau.example.cn", &temporary).await;
    assert_eq!(location(&response), "/account/password");
    // Nothing else is reachable until the password is changed.
    let blocked = officer.get("/workspace/officer").await;
    assert_eq!(location(&blocked), "/account/password");
    let response = officer
        .post_form(
            "/account/password",
            &[
                ("current_password", &temporary),
                ("new_password", "officer's own pass"),
                ("new_password_confirm", "officer's own pass"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        officer.get("/workspace/officer").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        officer.get("/workspace/reviewer").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        officer.get("/admin/users").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_admin_reset_gives_a_one_time_password_and_ends_sessions() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    let talent_id = app.create_account("t@example.cn", &[Role::Talent]).await;
    let talent = app.visitor();
    talent.sign_in("t@example.cn", PASSWORD).await;

    let response = admin
        .post_form(&format!("/admin/users/{talent_id}/password"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let temporary = html
        .split("id=\"temporary-password\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();

    assert_eq!(
        talent.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );
    assert_eq!(
        app.visitor()
            .sign_in("t@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        location(&app.visitor().sign_in("t@example.cn", &temporary).await),
        "/account/password"
    );
}

#[tokio::test]
async fn admins_change_roles_and_disable_accounts_but_not_their_own() {
    let app = TestApp::spawn().await;
    let admin_id = app.create_account("admin@example.cn", &[Role::Admin]).await;
    let admin = app.visitor();
    admin.sign_in("admin@example.cn", PASSWORD).await;
    let talent_id = app.create_account("t@example.cn", &[Role::Talent]).await;
    let talent = app.visitor();
    talent.sign_in("t@example.cn", PASSWORD).await;

    let response = admin
        .post_form(
            &format!("/admin/users/{talent_id}/roles"),
            &[("roles", "talent"), ("roles", "reviewer")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        talent.get("/workspace/reviewer").await.status(),
        StatusCode::OK
    );

    let response = admin
        .post_form(
            &format!("/admin/users/{talent_id}/status"),
            &[("status", "disabled")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(talent.get("/account").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.visitor()
            .sign_in("t@example.cn", PASSWORD)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let response = admin
        .post_form(
            &format!("/admin/users/{admin_id}/roles"),
            &[("roles", "officer")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = admin
        .post_form(
            &format!("/admin/users/{admin_id}/status"),
            &[("status", "disabled")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.store
            .account(admin_id)
            .await
            .unwrap()
            .has_role(Role::Admin)
    );

    let (status, html) = admin.page("/admin/users?role=talent&q=t%40example").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("t@example.cn") && !html.contains(">admin@example.cn<"));
}

#[tokio::test]
async fn an_admin_reads_who_changed_what_in_the_audit_log() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    let talent_id = app.create_account("t@example.cn", &[Role::Talent]).await;
    admin
        .post_form(
            &format!("/admin/users/{talent_id}/roles"),
            &[("roles", "talent"), ("roles", "reviewer")],
        )
        .await;

    let (status, html) = admin
        .page(&format!(
            "/admin/audit?action=account.roles&entity_id={talent_id}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("admin@example.cn"), "who");
    assert!(
        html.contains("&quot;roles&quot;:[&quot;talent&quot;]"),
        "before: {html}"
    );
    assert!(html.contains("&quot;reviewer&quot;"), "after");
    assert!(!html.contains("session.sign_in"), "filtered by action");
    assert_eq!(
        app.store.verify_audit(&[]).await.unwrap().entry_id,
        app.store
            .audit_entries(&Default::default())
            .await
            .unwrap()
            .len() as i64
    );
}
