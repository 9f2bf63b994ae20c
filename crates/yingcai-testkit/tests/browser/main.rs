//! Real-browser tests: headless Chromium over WebDriver against the app on a free port.
//! Skipped when Chromium is not installed, unless TEST_REQUIRE_BROWSER=1 (as in CI).
//!
//! Keep these few: one per end-to-end journey. Everything else belongs in the HTTP suite.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use fantoccini::Locator;
use fantoccini::key::Key;
use yingcai_testkit::TestApp;
use yingcai_testkit::browser::Browser;

async fn path_of(browser: &Browser) -> String {
    let url = browser.client.current_url().await.expect("url");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Clicks return before the next page has loaded: wait (up to 10 s) until the page at
/// `path` shows `text`.
async fn wait_for(browser: &Browser, path: &str, text: &str) {
    let mut last = (String::new(), String::new());
    for _ in 0..200 {
        let now = path_of(browser).await;
        let html = browser.client.source().await.unwrap_or_default();
        if now == path && html.contains(text) {
            return;
        }
        last = (now, html);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "waited for {path} showing {text:?}; at {} showing:\n{}",
        last.0, last.1
    );
}

async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser
        .client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("field {id}: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

#[tokio::test]
async fn a_visitor_signs_up_signs_in_switches_language_is_refused_an_admin_page_and_signs_out() {
    let Some(browser) = Browser::start("zh-CN").await else {
        return;
    };
    let app = TestApp::spawn().await;
    let c = &browser.client;

    // Sign up (the browser prefers Chinese, so the page is in Chinese).
    c.goto(&app.url("/")).await.expect("home");
    c.find(Locator::LinkText("注册"))
        .await
        .expect("register link")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "/register", "注册账号").await;
    fill(&browser, "display_name", "李伟").await;
    fill(&browser, "email", "li.wei@example.cn").await;
    fill(&browser, "password", "correct horse battery").await;
    fill(&browser, "password_confirm", "correct horse battery").await;
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "/login?registered=1", "账号已创建").await;

    // Sign in with the keyboard only: type, then Enter submits the form.
    fill(&browser, "email", "li.wei@example.cn").await;
    let password = c.find(Locator::Id("password")).await.expect("password");
    password
        .send_keys("correct horse battery")
        .await
        .expect("type");
    password
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .expect("enter");
    wait_for(&browser, "/", "欢迎您，李伟").await;

    // Switch to English (a form button, not a link: a GET writes nothing); the choice
    // sticks across pages.
    c.find(Locator::Css(".lang-switch button[lang=en]"))
        .await
        .expect("switcher")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "/", "Welcome, 李伟.").await;
    c.goto(&app.url("/account")).await.expect("account");
    wait_for(&browser, "/account", "My account").await;

    // An admin page is refused with a readable 403 page.
    c.goto(&app.url("/admin/users")).await.expect("admin page");
    wait_for(&browser, "/admin/users", "Not allowed").await;
    assert!(c.source().await.expect("source").contains("(403)"));

    // Sign out; the account page now asks to sign in.
    c.find(Locator::Css(
        "header form[action='/logout'] button[type=submit]",
    ))
    .await
    .expect("sign out")
    .click()
    .await
    .expect("click");
    wait_for(&browser, "/", ">Sign in<").await;
    c.goto(&app.url("/account")).await.expect("account");
    wait_for(&browser, "/login?next=%2Faccount", "<h1>Sign in</h1>").await;

    browser.close().await;
}

async fn sign_in(browser: &Browser, app: &TestApp, email: &str) {
    browser
        .client
        .goto(&app.url("/login"))
        .await
        .expect("login page");
    fill(browser, "email", email).await;
    fill(browser, "password", yingcai_testkit::PASSWORD).await;
    browser
        .client
        .find(Locator::Css("main form button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    wait_for(browser, "/", "Sign out").await;
}

async fn sign_out(browser: &Browser) {
    browser
        .client
        .find(Locator::Css(
            "header form[action='/logout'] button[type=submit]",
        ))
        .await
        .expect("sign out")
        .click()
        .await
        .expect("click");
    wait_for(browser, "/", ">Sign in<").await;
}

#[tokio::test]
async fn a_talent_submits_a_record_with_a_document_an_officer_returns_it_and_then_verifies_it() {
    let Some(browser) = Browser::start("en").await else {
        return;
    };
    let app = TestApp::spawn().await;
    // The return's answer-by date is counted from today: cover the year it may fall in.
    app.cover_calendar_years_from_now().await;
    app.create_account("wang@example.cn", &[yingcai_domain::Role::Talent])
        .await;
    app.create_account("officer@example.cn", &[yingcai_domain::Role::Officer])
        .await;
    let c = &browser.client;
    // The talent fills in the record, attaches a document and submits.
    sign_in(&browser, &app, "wang@example.cn").await;
    c.goto(&app.url("/talent/profile")).await.expect("profile");
    wait_for(&browser, "/talent/profile", "My talent record").await;
    let pdf = std::env::temp_dir().join(format!("yingcai-degree-{}.pdf", std::process::id()));
    std::fs::write(
        &pdf,
        b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    )
    .expect("write pdf");
    c.find(Locator::Id("document"))
        .await
        .expect("file input")
        .send_keys(&pdf.display().to_string())
        .await
        .expect("choose file");
    c.find(Locator::Css("section.documents button[type=submit]"))
        .await
        .expect("attach")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "/talent/profile?saved=1", "yingcai-degree-").await;
    for (id, value) in [
        ("name", "王芳"),
        ("resident_id", "11010519491231002X"),
        ("degree_year", "1980"),
        ("social_insurance_months", "30"),
        ("bank_account", "6222021234567890123"),
    ] {
        fill(&browser, id, value).await;
    }
    // A date field's typing depends on the browser's locale; set the value as a person
    // picking from the calendar would.
    c.execute(
        "document.getElementById('arrival_date').value = '2024-03-01'",
        vec![],
    )
    .await
    .expect("date");
    c.find(Locator::Css("select#degree option[value=phd]"))
        .await
        .expect("phd")
        .click()
        .await
        .expect("select");
    c.find(Locator::Css("select#housing option[value=rent]"))
        .await
        .expect("rent")
        .click()
        .await
        .expect("select");
    c.find(Locator::Css("button[name=action][value=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "/talent/profile?saved=1", "Awaiting verification").await;
    sign_out(&browser).await;

    // The officer opens it from the queue and returns it with a reason.
    sign_in(&browser, &app, "officer@example.cn").await;
    c.goto(&app.url("/officer/submissions"))
        .await
        .expect("queue");
    wait_for(&browser, "/officer/submissions", "王芳").await;
    c.find(Locator::LinkText("王芳"))
        .await
        .expect("open")
        .click()
        .await
        .expect("click");
    let submission_path = {
        let mut path = String::new();
        for _ in 0..100 {
            path = path_of(&browser).await;
            if path.starts_with("/officer/submissions/") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        path
    };
    wait_for(&browser, &submission_path, "yingcai-degree-").await;
    fill(
        &browser,
        "reason",
        "The degree year does not match the certificate.",
    )
    .await;
    c.find(Locator::Css("form[action$='/return'] button[type=submit]"))
        .await
        .expect("return")
        .click()
        .await
        .expect("click");
    // The officer is told the request went back (with its answer-by date when the
    // working calendar covers it); the queue is empty.
    wait_for(
        &browser,
        &format!("{submission_path}?done=returned"),
        "Returned to the owner",
    )
    .await;
    c.goto(&app.url("/officer/submissions"))
        .await
        .expect("queue");
    wait_for(&browser, "/officer/submissions", "Nothing in the queue").await;
    sign_out(&browser).await;

    // The talent reads the reason, fixes the year and resubmits.
    sign_in(&browser, &app, "wang@example.cn").await;
    c.goto(&app.url("/talent/profile")).await.expect("profile");
    wait_for(
        &browser,
        "/talent/profile",
        "The degree year does not match the certificate.",
    )
    .await;
    fill(&browser, "degree_year", "1981").await;
    c.find(Locator::Css("button[name=action][value=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "/talent/profile?saved=1", "Awaiting verification").await;
    sign_out(&browser).await;

    // The officer verifies.
    sign_in(&browser, &app, "officer@example.cn").await;
    c.goto(&app.url(&submission_path))
        .await
        .expect("submission");
    wait_for(&browser, &submission_path, "1981").await;
    c.find(Locator::Css("form[action$='/verify'] button[type=submit]"))
        .await
        .expect("verify")
        .click()
        .await
        .expect("click");
    wait_for(&browser, &submission_path, "Verified").await;
    sign_out(&browser).await;

    // The talent sees "verified".
    sign_in(&browser, &app, "wang@example.cn").await;
    c.goto(&app.url("/talent/profile")).await.expect("profile");
    wait_for(&browser, "/talent/profile", "Verified record in force").await;

    let _ = std::fs::remove_file(&pdf);
    browser.close().await;
}

#[tokio::test]
async fn an_admin_drafts_a_reform_raising_the_phd_rent_allowance_sees_its_cost_and_publishes_it() {
    let Some(browser) = Browser::start("en").await else {
        return;
    };
    let app = TestApp::spawn().await;
    let owner = app
        .create_account("wang@example.cn", &[yingcai_domain::Role::Talent])
        .await;
    app.verified_talent(
        owner,
        "wang@example.cn",
        &yingcai_domain::TalentInput {
            name: "王芳".into(),
            resident_id: "11010519491231002X".into(),
            degree: "phd".into(),
            arrival_date: "2024-03-01".into(),
            employed_in_city: "true".into(),
            housing: "rent".into(),
            social_insurance_months: "30".into(),
            ..Default::default()
        },
    )
    .await;
    app.create_account("admin@example.cn", &[yingcai_domain::Role::Admin])
        .await;
    let c = &browser.client;
    sign_in(&browser, &app, "admin@example.cn").await;
    c.goto(&app.url("/admin/policy")).await.expect("policy");
    wait_for(
        &browser,
        "/admin/policy",
        "New draft from the version in force",
    )
    .await;
    // The admin edits the text of the version in force in the page's editor.
    c.execute(
        "const t = document.getElementById('source');
         t.value = t.value.replace('amounts = { phd = 3000,', 'amounts = { phd = 4000,')
                          .replace('version = \"2023.1\"', 'version = \"2027.1\"');",
        vec![],
    )
    .await
    .expect("edit");
    c.find(Locator::Css(
        "form[action='/admin/policy'] button[type=submit]",
    ))
    .await
    .expect("create")
    .click()
    .await
    .expect("click");
    // One PhD renting since 2024-03: 12 months from next month at 1,000 yuan more.
    wait_for(&browser, "/admin/policy/2", "The pack is valid.").await;
    let difference = c
        .find(Locator::Id("impact-difference"))
        .await
        .expect("difference")
        .text()
        .await
        .expect("text");
    assert_eq!(difference, "¥12,000.00");
    assert!(
        c.find(Locator::Css("figure.chart svg")).await.is_ok(),
        "the cost chart is shown"
    );
    c.execute(
        "document.getElementById('effective_date').value = '2027-01-01';",
        vec![],
    )
    .await
    .expect("date");
    c.find(Locator::Id("publish"))
        .await
        .expect("publish")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "/admin/policy/2", "Effective from: 2027-01-01").await;
    let status = c
        .find(Locator::Css("main .badge"))
        .await
        .expect("badge")
        .text()
        .await
        .expect("text");
    assert_eq!(status, "Published");
    browser.close().await;
}

async fn click(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("click");
}

#[tokio::test]
async fn an_officer_runs_a_month_a_second_approves_the_bank_pays_and_the_talent_sees_paid() {
    let Some(browser) = Browser::start("en").await else {
        return;
    };
    let app = TestApp::spawn().await;
    let owner = app
        .create_account("wang@example.cn", &[yingcai_domain::Role::Talent])
        .await;
    let talent_id = app
        .verified_talent(
            owner,
            "wang@example.cn",
            &yingcai_domain::TalentInput {
                name: "王芳".into(),
                resident_id: "11010519491231002X".into(),
                degree: "phd".into(),
                arrival_date: "2024-03-01".into(),
                employed_in_city: "true".into(),
                housing: "rent".into(),
                social_insurance_months: "30".into(),
                bank_account: "6222021234567890123".into(),
                ..Default::default()
            },
        )
        .await;
    app.create_account("prep@example.cn", &[yingcai_domain::Role::Officer])
        .await;
    app.create_account("second@example.cn", &[yingcai_domain::Role::Officer])
        .await;
    yingcai_services::policy::sweep(
        &app.store,
        &yingcai_services::policy::Policies::new(),
        yingcai_services::policy::today(),
        false,
    )
    .await
    .expect("sweep");
    let c = &browser.client;

    // The talent confirms the rent allowance the platform found.
    sign_in(&browser, &app, "wang@example.cn").await;
    c.goto(&app.url("/talent/benefits"))
        .await
        .expect("benefits");
    wait_for(&browser, "/talent/benefits", "Awaiting your confirmation").await;
    click(&browser, "input[name=bank_confirmed]").await;
    click(&browser, "form[action$='/confirm'] button[type=submit]").await;
    wait_for(&browser, "/talent/benefits", "Confirmed on").await;
    sign_out(&browser).await;

    // The first officer computes December.
    sign_in(&browser, &app, "prep@example.cn").await;
    c.goto(&app.url("/officer/payments"))
        .await
        .expect("payments");
    wait_for(&browser, "/officer/payments", "Compute the run").await;
    c.execute(
        "document.getElementById('month').value = '2026-12';",
        vec![],
    )
    .await
    .expect("month");
    click(
        &browser,
        "form[action='/officer/payments'] button[type=submit]",
    )
    .await;
    wait_for(
        &browser,
        "/officer/payments/2026-12",
        "another officer must approve it",
    )
    .await;
    sign_out(&browser).await;

    // The second approves and exports; the bank file is downloaded.
    sign_in(&browser, &app, "second@example.cn").await;
    c.goto(&app.url("/officer/payments/2026-12"))
        .await
        .expect("run");
    wait_for(&browser, "/officer/payments/2026-12", "Approve this run").await;
    click(&browser, "#approve").await;
    wait_for(
        &browser,
        "/officer/payments/2026-12",
        "Approve the bank file",
    )
    .await;
    click(&browser, "#export").await;
    wait_for(
        &browser,
        "/officer/payments/2026-12",
        "Import the settlement",
    )
    .await;
    let csv = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/officer/payments/2026-12/bank.csv').then(r => r.text()).then(done);",
            vec![],
        )
        .await
        .expect("download");
    let csv = csv.as_str().expect("text").to_owned();
    let reference = format!("YC-2026-12-{talent_id}");
    assert!(
        csv.contains(&format!("{reference},王芳,6222021234567890123,3000.00")),
        "{csv}"
    );

    // The bank's answer is imported.
    let answer =
        std::env::temp_dir().join(format!("yingcai-settlement-{}.csv", std::process::id()));
    std::fs::write(
        &answer,
        format!("reference,status,reason\n{reference},paid,\n"),
    )
    .expect("write");
    c.find(Locator::Id("file"))
        .await
        .expect("file input")
        .send_keys(&answer.display().to_string())
        .await
        .expect("choose file");
    click(&browser, "#settle").await;
    wait_for(&browser, "/officer/payments/2026-12", "Settled").await;
    sign_out(&browser).await;

    // The talent sees "Paid".
    sign_in(&browser, &app, "wang@example.cn").await;
    c.goto(&app.url("/talent/payments"))
        .await
        .expect("payments");
    wait_for(&browser, "/talent/payments", "Paid").await;
    let _ = std::fs::remove_file(&answer);
    browser.close().await;
}

#[tokio::test]
async fn an_officer_opens_a_round_two_talents_rank_it_runs_and_a_talent_accepts_a_lease() {
    let Some(browser) = Browser::start("en").await else {
        return;
    };
    let app = TestApp::spawn().await;
    let system = yingcai_store::Actor::System;
    for (code, name, number) in [("C1", "Yuhua Court", "101"), ("C2", "Qiaoxi Court", "201")] {
        let complex = app
            .store
            .create_complex(
                &yingcai_store::NewComplex {
                    code: code.into(),
                    name: name.into(),
                    district: "长安区".into(),
                    address: "1 Road".into(),
                    operator: "City Housing".into(),
                    ..Default::default()
                },
                &system,
            )
            .await
            .unwrap();
        app.store
            .add_unit_type(
                complex,
                &yingcai_store::NewUnitType {
                    name: "Two rooms".into(),
                    area_centi_m2: 7_550,
                    bedrooms: 2,
                    rent_fen: 150_000,
                    units: vec![yingcai_store::NewUnit {
                        number: number.into(),
                        ..Default::default()
                    }],
                    ..Default::default()
                },
                &system,
            )
            .await
            .unwrap();
    }
    // The built-in pack is published on first use; cards name its version.
    app.visitor().get("/calculator").await;
    for (email, name, resident_id, months) in [
        ("wang@example.cn", "王芳", "11010519491231002X", "40"),
        ("li@example.cn", "李伟", "110101199003074477", "10"),
    ] {
        let owner = app
            .create_account(email, &[yingcai_domain::Role::Talent])
            .await;
        let talent_id = app
            .verified_talent(
                owner,
                email,
                &yingcai_domain::TalentInput {
                    name: name.into(),
                    resident_id: resident_id.into(),
                    degree: "phd".into(),
                    arrival_date: "2024-03-01".into(),
                    employed_in_city: "true".into(),
                    housing: "rent".into(),
                    social_insurance_months: months.into(),
                    ..Default::default()
                },
            )
            .await;
        app.store
            .issue_card(
                &yingcai_store::NewCard {
                    talent_id,
                    tier: "B",
                    valid_from: "2026-01-01",
                    valid_until: "2028-12-31",
                    policy_version_id: 1,
                    number: &|serial| format!("SJZ-2026-{serial:06}-0"),
                },
                &system,
            )
            .await
            .unwrap();
    }
    app.create_account("officer@example.cn", &[yingcai_domain::Role::Officer])
        .await;
    let c = &browser.client;

    // The officer opens a round on both complexes.
    sign_in(&browser, &app, "officer@example.cn").await;
    c.goto(&app.url("/officer/housing/rounds"))
        .await
        .expect("rounds");
    wait_for(&browser, "/officer/housing/rounds", "Open the round").await;
    fill(&browser, "name", "Winter 2026").await;
    c.execute(
        "document.getElementById('deadline').value = '2030-01-01T18:00';
         document.querySelectorAll('input[name=unit_type]').forEach(b => b.checked = true);",
        vec![],
    )
    .await
    .expect("deadline");
    click(
        &browser,
        "form[action='/officer/housing/rounds'] button[type=submit]",
    )
    .await;
    wait_for(&browser, "/officer/housing/rounds/1", "Open for ballots").await;
    sign_out(&browser).await;

    // Two talents rank complexes.
    for (email, first) in [("wang@example.cn", "C1"), ("li@example.cn", "C1")] {
        sign_in(&browser, &app, email).await;
        c.goto(&app.url("/talent/housing")).await.expect("housing");
        wait_for(&browser, "/talent/housing", "Save my ballot").await;
        c.execute(
            &format!(
                "document.getElementById('r1-rank1').value = '{first}';
                 document.getElementById('r1-rank2').value = 'C2';"
            ),
            vec![],
        )
        .await
        .expect("rank");
        click(&browser, "form[action$='/ballot'] button[type=submit]").await;
        wait_for(&browser, "/talent/housing", "Your ballot is saved").await;
        sign_out(&browser).await;
    }

    // The deadline passes; the officer runs the round.
    app.store
        .execute_unchecked("update housing_round set deadline_at = 1")
        .await
        .unwrap();
    sign_in(&browser, &app, "officer@example.cn").await;
    c.goto(&app.url("/officer/housing/rounds/1"))
        .await
        .expect("round");
    wait_for(&browser, "/officer/housing/rounds/1", "Run the allocation").await;
    click(&browser, "form[action$='/run'] button[type=submit]").await;
    wait_for(
        &browser,
        "/officer/housing/rounds/1",
        "Allocated and published",
    )
    .await;
    sign_out(&browser).await;

    // The higher priority gets the first choice and accepts; the lease is shown.
    sign_in(&browser, &app, "wang@example.cn").await;
    c.goto(&app.url("/talent/housing")).await.expect("housing");
    wait_for(&browser, "/talent/housing", "awaiting your answer").await;
    click(&browser, "form[action$='/accept'] button[type=submit]").await;
    wait_for(&browser, "/talent/housing", "Lease: Yuhua Court 101").await;
    let html = c.source().await.unwrap();
    assert!(html.contains("In force"), "{html}");
    sign_out(&browser).await;
    sign_in(&browser, &app, "li@example.cn").await;
    c.goto(&app.url("/talent/housing")).await.expect("housing");
    wait_for(&browser, "/talent/housing", "Qiaoxi Court").await;
    browser.close().await;
}

/// With `SCREENSHOTS=<dir>`, saves what the browser shows as `<dir>/<name>.png` (full
/// page height), for people to look at the pages a journey passes through.
async fn shot(browser: &Browser, name: &str) {
    shot_at(browser, name, None).await;
}

/// [`shot`] at a given window width (e.g. 390 for a phone).
async fn shot_at(browser: &Browser, name: &str, width: Option<u32>) {
    let Ok(dir) = std::env::var("SCREENSHOTS") else {
        return;
    };
    if let Some(width) = width {
        browser
            .client
            .set_window_size(width, 900)
            .await
            .expect("resize");
    }
    let height = browser
        .client
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(900)
        .min(4000) as u32;
    let width = browser
        .client
        .get_window_size()
        .await
        .map(|(w, _)| w as u32)
        .unwrap_or(1280);
    browser
        .client
        .set_window_size(width, height + 100)
        .await
        .expect("resize");
    let png = browser.client.screenshot().await.expect("screenshot");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    std::fs::write(format!("{dir}/{name}.png"), png).expect("write screenshot");
}

/// Signs in through the form in a Chinese-speaking browser (the header then says 退出).
async fn sign_in_zh(browser: &Browser, app: &TestApp, email: &str) {
    browser
        .client
        .goto(&app.url("/login"))
        .await
        .expect("login page");
    fill(browser, "email", email).await;
    fill(browser, "password", yingcai_testkit::PASSWORD).await;
    click(browser, "main form button[type=submit]").await;
    wait_for(browser, "/", "/logout").await;
}

/// What the public dashboard of a team (`/service-teams/{team}`) shows of the last twelve
/// months: requests raised, solved, and open now, read off the page in the browser's
/// language (whose heading for requests raised is `raised_label`).
async fn dashboard(browser: &Browser, app: &TestApp, team: i64, raised_label: &str) -> [u32; 3] {
    let path = format!("/service-teams/{team}");
    browser.client.goto(&app.url(&path)).await.unwrap();
    wait_for(browser, &path, raised_label).await;
    let number = |text: String| -> u32 {
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("not a count: {text:?}"))
    };
    // The summary: raised first, open now last (ratings stay hidden below five).
    let facts = browser
        .client
        .find_all(Locator::Css("dl.facts.figures > dd"))
        .await
        .unwrap();
    let raised = number(facts.first().unwrap().text().await.unwrap());
    let open = number(facts.last().unwrap().text().await.unwrap());
    // The months table's total row: raised, on-time answers, solved, …
    let total = browser
        .client
        .find_all(Locator::Css("tfoot tr td"))
        .await
        .unwrap();
    assert_eq!(number(total[0].text().await.unwrap()), raised);
    let solved = number(total[2].text().await.unwrap());
    [raised, solved, open]
}

/// The case desk end to end, in both languages: an enterprise raises a request in Chinese,
/// the team answers in English and waits for the enterprise, the enterprise replies, the
/// team resolves it, the enterprise rates it — and the team's ledger and its public
/// dashboard move with it.
#[tokio::test]
async fn an_enterprise_raises_a_request_the_team_answers_waits_resolves_and_the_enterprise_rates_it()
 {
    let Some(zh) = Browser::start("zh-CN").await else {
        return;
    };
    let Some(en) = Browser::start("en").await else {
        return;
    };
    let app = TestApp::spawn().await;
    let officer = app
        .create_account("officer@team.cn", &[yingcai_domain::Role::Officer])
        .await;
    let hr = app
        .create_account("hr@enterprise.cn", &[yingcai_domain::Role::Enterprise])
        .await;
    app.store
        .create_verified_enterprise(
            Some(hr),
            &yingcai_domain::EnterpriseProfile {
                name: "雄安智芯科技有限公司".into(),
                credit_code: yingcai_domain::CreditCode::parse("91350100M000100Y43").unwrap(),
                industry: "next_gen_it".into(),
                district: "长安区".into(),
                contact_name: None,
                contact_phone: None,
                contact_email: None,
            },
            &yingcai_store::Actor::System,
        )
        .await
        .unwrap();
    let team = app
        .store
        .save_service_team(
            None,
            &yingcai_store::TeamInput {
                name: "信息技术产业人才服务专班".into(),
                leader_account_id: Some(officer),
                industries: vec!["next_gen_it".into()],
                districts: vec![],
                members: vec![officer],
            },
            &yingcai_store::Actor::System,
        )
        .await
        .unwrap();
    // Another team, which an officer could move the enterprise to.
    app.store
        .save_service_team(
            None,
            &yingcai_store::TeamInput {
                name: "新材料产业人才服务专班".into(),
                leader_account_id: Some(officer),
                industries: vec!["new_materials".into()],
                districts: vec![],
                members: vec![officer],
            },
            &yingcai_store::Actor::System,
        )
        .await
        .unwrap();

    // The team's public dashboard, in both languages, before anything happened.
    assert_eq!(dashboard(&zh, &app, team, "受理诉求").await, [0, 0, 0]);
    assert_eq!(
        dashboard(&en, &app, team, "Requests raised").await,
        [0, 0, 0]
    );

    // The enterprise raises a request, in Chinese.
    sign_in_zh(&zh, &app, "hr@enterprise.cn").await;
    zh.client.goto(&app.url("/cases/new")).await.unwrap();
    wait_for(&zh, "/cases/new", "提出诉求").await;
    shot(&zh, "case-new-zh").await;
    zh.client
        .find(Locator::Css(
            "select#category option[value='spouse_employment']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&zh, "title", "研发总监配偶就业").await;
    fill(
        &zh,
        "description",
        "新引进的研发总监配偶是护士，希望在雄安就业。",
    )
    .await;
    click(&zh, "main form[action='/cases'] button[type=submit]").await;
    // The click returns before the server has answered: wait for the request to exist.
    let mut case = None;
    for _ in 0..200 {
        let cases = app
            .store
            .cases(&yingcai_store::CaseFilter {
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        if let Some(first) = cases.first() {
            case = Some(first.case_id);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let case = case.expect("the request was raised");
    let case_page = format!("/cases/{case}");
    wait_for(
        &zh,
        &format!("{case_page}?done=opened"),
        "您的诉求已发送给服务专班",
    )
    .await;

    // Raised and open: the dashboard counts it.
    assert_eq!(dashboard(&zh, &app, team, "受理诉求").await, [1, 0, 1]);

    // The team sees it in its ledger and answers, in English.
    sign_in(&en, &app, "officer@team.cn").await;
    en.client
        .goto(&app.url(&format!("/officer/teams/{team}")))
        .await
        .unwrap();
    wait_for(&en, &format!("/officer/teams/{team}"), "研发总监配偶就业").await;
    // The enterprise was paired with the team by its industry when it raised the request.
    assert!(
        en.client
            .source()
            .await
            .unwrap()
            .contains("雄安智芯科技有限公司")
    );
    shot(&en, "ledger-en").await;
    shot_at(&en, "ledger-en-390", Some(390)).await;
    shot_at(&en, "ledger-en-wide", Some(1280)).await;
    en.client.goto(&app.url(&case_page)).await.unwrap();
    wait_for(&en, &case_page, "Service times").await;
    shot(&en, "case-officer-en").await;
    fill(&en, "message", "Please send her nursing licence.").await;
    click(&en, "button[value='wait_requester']").await;
    wait_for(
        &en,
        &format!("{case_page}?done=wait_requester"),
        "waits for the requester",
    )
    .await;

    // The enterprise sees the question and replies; the clock runs again.
    zh.client.goto(&app.url(&case_page)).await.unwrap();
    wait_for(&zh, &case_page, "Please send her nursing licence.").await;
    assert!(zh.client.source().await.unwrap().contains("等待提出方补充"));
    fill(&zh, "message", "执业证书编号 110123，已上传。").await;
    click(&zh, "button[value='reply']").await;
    wait_for(&zh, &format!("{case_page}?done=reply"), "办理中").await;

    // The team resolves it.
    en.client.goto(&app.url(&case_page)).await.unwrap();
    wait_for(&en, &case_page, "执业证书编号 110123").await;
    fill(
        &en,
        "message",
        "An interview at the Xiong'an hospital is booked.",
    )
    .await;
    click(&en, "button[value='resolve']").await;
    wait_for(
        &en,
        &format!("{case_page}?done=resolve"),
        "marked as solved",
    )
    .await;

    // The enterprise rates it; the team's ledger and the case say so.
    zh.client.goto(&app.url(&case_page)).await.unwrap();
    wait_for(&zh, &case_page, "您对本次服务满意吗").await;
    shot(&zh, "case-resolved-zh").await;
    shot_at(&zh, "case-resolved-zh-390", Some(390)).await;
    shot_at(&zh, "case-resolved-zh-wide", Some(1280)).await;
    click(&zh, "input[name='rating'][value='5']").await;
    fill(&zh, "comment", "很及时").await;
    click(&zh, "form[action$='/rate'] button[type=submit]").await;
    wait_for(&zh, &format!("{case_page}?done=rated"), "感谢您的评价").await;
    assert_eq!(app.store.case(case).await.unwrap().rating, Some(5));
    en.client
        .goto(&app.url(&format!("/officer/teams/{team}")))
        .await
        .unwrap();
    wait_for(&en, &format!("/officer/teams/{team}"), "Resolved").await;

    // Solved and rated: the public dashboard moved, in both languages.
    assert_eq!(
        dashboard(&en, &app, team, "Requests raised").await,
        [1, 1, 0]
    );
    assert_eq!(dashboard(&zh, &app, team, "受理诉求").await, [1, 1, 0]);
    shot(&zh, "dashboard-after-zh").await;

    zh.close().await;
    en.close().await;
}
