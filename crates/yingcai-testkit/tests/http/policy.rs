//! Policies at work over HTTP: the public calculator and card check, explanations,
//! entitlements found without application, green cards, and the policy sandbox.

use reqwest::StatusCode;
use yingcai_domain::{Role, TalentInput};
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, location, test_card_signer};

fn phd_renting() -> TalentInput {
    TalentInput {
        name: "王芳".into(),
        resident_id: "11010519491231002X".into(),
        degree: "phd".into(),
        arrival_date: "2024-03-01".into(),
        employed_in_city: "true".into(),
        housing: "rent".into(),
        social_insurance_months: "30".into(),
        bank_account: "6222021234567890123".into(),
        ..TalentInput::default()
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

/// Dates outside the platform's calendar (1900-01-01 to 2200-12-31) were once accepted by
/// the form and crashed the worker in the engine: now they are field errors, and the last
/// days of the calendar are answered like any other.
#[tokio::test]
async fn the_calculator_answers_dates_at_and_beyond_the_calendar_edge_without_crashing() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    visitor.get("/lang/en").await;
    let (status, html) = visitor
        .page("/calculator?degree=phd&birth_date=0999-01-01&arrival_date=2024-03-01&housing=rent")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"birth_date-error\"")
            && html.contains("Enter a date from 1900-01-01 to 2200-12-31"),
        "{html}"
    );
    for (query, field) in [
        (
            "birth_date=-999-01-01&arrival_date=2024-03-01",
            "birth_date",
        ),
        (
            "birth_date=1899-12-31&arrival_date=2024-03-01",
            "birth_date",
        ),
        ("arrival_date=9999-12-31", "arrival_date"),
        ("arrival_date=0000-01-01", "arrival_date"),
        (
            "arrival_date=2024-03-01&home_purchase_date=2201-01-01",
            "home_purchase_date",
        ),
        ("arrival_date=2024-03-01&month=0000-01", "month"),
        ("arrival_date=2024-03-01&month=9999-12", "month"),
        ("arrival_date=2024-03-01&month=-999-01", "month"),
        (
            "arrival_date=2024-03-01&social_insurance_months=99999999999999999999",
            "social_insurance_months",
        ),
    ] {
        let url = format!("/calculator?degree=phd&housing=rent&employed_in_city=on&{query}");
        let (status, html) = visitor.page(&url).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(
            html.contains(&format!("id=\"{field}-error\"")),
            "{url}: {html}"
        );
    }
    // The calendar's last days: windows that would run past 2200 are still explained.
    for url in [
        "/calculator?degree=phd&birth_date=1900-01-01&arrival_date=2200-12-31&employed_in_city=on&housing=rent&month=2200-12",
        "/calculator?degree=phd&arrival_date=2200-12-01&employed_in_city=on&housing=owns&home_purchase_date=2200-12-31&month=2200-12",
        "/calculator?degree=phd&birth_date=1900-01-01&arrival_date=1900-01-01&employed_in_city=on&housing=rent&month=1900-01",
    ] {
        let (status, html) = visitor.page(url).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert!(html.contains("explain-heading"), "{url}: {html}");
    }
}

#[tokio::test]
async fn the_calculator_answers_anyone_from_the_same_engine_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor();
    visitor.get("/lang/en").await;
    // The first page that needs policies publishes the built-in pack (and audits that).
    visitor.get("/calculator").await;
    let audit_before = app
        .store
        .audit_entries(&Default::default())
        .await
        .unwrap()
        .len();

    let (status, html) = visitor.page("/calculator").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"degree\"") && !html.contains("explain-heading"));

    // A PhD renting, arrived 2024-03: tier B, 3,000 yuan rent allowance in 2026-11.
    let (status, html) = visitor
        .page("/calculator?degree=phd&arrival_date=2024-03-01&employed_in_city=on&housing=rent&month=2026-11")
        .await;
    assert_eq!(status, StatusCode::OK);
    let t = text(&html);
    assert!(t.contains("Green card: Tier B"), "{t}");
    assert!(t.contains("Rent allowance: Eligible ¥3,000.00"), "{t}");
    // The explanation's own sentence prints the amount the same way.
    assert!(t.contains("eligible for Rent allowance, ¥3,000.00"), "{t}");

    // The window closes after 60 months, and the explanation says when and why.
    let (_, html) = visitor
        .page("/calculator?degree=master&arrival_date=2020-03-01&employed_in_city=on&housing=rent&month=2026-11")
        .await;
    let t = text(&html);
    assert!(t.contains("Rent allowance: Not eligible"), "{t}");
    assert!(t.contains("the 60-month window ended 2025-02"), "{t}");

    // Owning a home: the purchase allowance in the purchase month, no rent allowance.
    let (_, html) = visitor
        .page("/calculator?degree=bachelor&arrival_date=2024-03-01&employed_in_city=on&housing=owns&home_purchase_date=2026-11-05&month=2026-11")
        .await;
    let t = text(&html);
    assert!(
        t.contains("Home purchase allowance: Eligible ¥50,000.00"),
        "{t}"
    );
    assert!(t.contains("housing = owns"), "{t}");

    // No degree, no honour: no card, and the page says what would change it.
    let (_, html) = visitor
        .page("/calculator?degree=none&arrival_date=2024-03-01&employed_in_city=on&housing=rent&month=2026-11")
        .await;
    let t = text(&html);
    assert!(t.contains("Green card: No card"), "{t}");

    // Bad input: field errors, 422.
    let (status, html) = visitor
        .page("/calculator?degree=phd&arrival_date=2024-02-30&housing=owns&month=2026-11")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"arrival_date-error\"")
            && html.contains("id=\"home_purchase_date-error\""),
        "{html}"
    );

    let audit_after = app
        .store
        .audit_entries(&Default::default())
        .await
        .unwrap()
        .len();
    assert_eq!(audit_before, audit_after, "the calculator wrote nothing");
}

#[tokio::test]
async fn verification_finds_entitlements_the_talent_confirms_and_a_card_is_issued_checked_and_revoked()
 {
    let app = TestApp::spawn().await;
    let owner = app.create_account("wang@example.cn", &[Role::Talent]).await;
    let talent = app.visitor();
    talent.sign_in("wang@example.cn", PASSWORD).await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    let other = app.signed_in("other@example.cn", &[Role::Talent]).await;
    talent.get("/lang/en").await;
    officer.get("/lang/en").await;

    // The talent submits through the pages; the officer verifies through the pages.
    let mut form: Vec<(&str, String)> = vec![
        ("name", "王芳".into()),
        ("resident_id", "11010519491231002X".into()),
        ("degree", "phd".into()),
        ("arrival_date", "2024-03-01".into()),
        ("employed_in_city", "true".into()),
        ("housing", "rent".into()),
        ("social_insurance_months", "30".into()),
        ("bank_account", "6222021234567890123".into()),
        ("district", "长安区".into()),
        ("action", "submit".into()),
    ];
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        talent.post_form("/talent/profile", &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    let submission = app
        .store
        .submission_queue(&Default::default())
        .await
        .unwrap()[0]
        .submission_id;
    let response = officer
        .post_form(&format!("/officer/submissions/{submission}/verify"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    form.clear();
    let record = app.store.talent_of_owner(owner).await.unwrap().unwrap();

    // Without applying, the engine found the rent allowance: 60 months of 3,000 yuan from
    // the arrival month, computed with the published version, and told the talent.
    let entitlements = app
        .store
        .entitlements(&yingcai_store::EntitlementFilter {
            talent_id: Some(record.talent_id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(entitlements.len(), 1);
    let rent = &entitlements[0];
    assert_eq!(rent.benefit, "rent_allowance");
    assert_eq!(rent.status, yingcai_domain::EntitlementStatus::Proposed);
    assert_eq!(rent.schedule.len(), 1);
    assert_eq!(
        (
            rent.schedule[0].from.to_string().as_str(),
            rent.schedule[0].to.to_string().as_str()
        ),
        ("2024-03", "2029-02")
    );
    assert_eq!(rent.total_fen, 60 * 300_000);
    assert!(
        rent.policy_version
            .contains("shijiazhuang-green-card 2023.1")
    );

    let (_, html) = talent.page("/talent/benefits?month=2026-11").await;
    let t = text(&html);
    assert!(
        t.contains("You are entitled to a benefit (rent_allowance) without applying"),
        "{t}"
    );
    assert!(
        t.contains("Awaiting your confirmation") && t.contains("¥180,000.00"),
        "{t}"
    );
    assert!(t.contains("Rent allowance: Eligible ¥3,000.00"), "{t}");

    // Another talent cannot confirm it; confirming needs the bank account ticked.
    let path = format!("/talent/entitlements/{}/confirm", rent.entitlement_id);
    assert_eq!(
        other
            .post_form(&path, &[("bank_confirmed", "yes")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        talent.post_form(&path, &[]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        talent
            .post_form(&path, &[("bank_confirmed", "yes")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = talent.page("/talent/benefits").await;
    assert!(
        text(&html).contains("paid to 6222 **** **** 0123"),
        "{html}"
    );
    let (_, list) = officer.page("/officer/entitlements?status=confirmed").await;
    assert!(
        text(&list).contains("王芳") && text(&list).contains("1 entitlements, ¥180,000.00 in all"),
        "{list}"
    );

    // The same explanation over the API, for the owner and for officers; 404 for others.
    let api = ApiClient::signed_in(&app, "wang@example.cn", PASSWORD).await;
    let response = api
        .send(
            reqwest::Method::GET,
            &format!(
                "/api/v1/talents/{}/explanation?month=2029-03",
                record.talent_id
            ),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["explanation"]["card"]["tier"], "B");
    assert_eq!(body["explanation"]["benefits"][0]["eligible"], false);
    assert!(
        body["explanation"]["benefits"][0]["reasons"][0]["en"]
            .as_str()
            .unwrap()
            .contains("window ended 2029-02")
            || body["explanation"]["benefits"][0]["reasons"]
                .to_string()
                .contains("2029"),
        "{body}"
    );
    let stranger = ApiClient::signed_in(&app, "other@example.cn", PASSWORD).await;
    assert_eq!(
        stranger
            .send(
                reqwest::Method::GET,
                &format!("/api/v1/talents/{}/explanation", record.talent_id),
                None
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // The officer issues the card: tier B from the engine, signed QR token. Before
    // that, "my card" leads to the benefits page, which says what is missing.
    let response = talent.get("/talent/card").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(yingcai_testkit::location(&response), "/talent/benefits");
    let response = officer
        .post_form(&format!("/officer/talents/{}/card", record.talent_id), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let again = officer
        .post_form(&format!("/officer/talents/{}/card", record.talent_id), &[])
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let (status, card_html) = talent.page("/talent/card").await;
    assert_eq!(status, StatusCode::OK);
    assert!(card_html.contains("<svg") && card_html.contains("王芳"));
    let token = card_html
        .split("<code class=\"token\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    // Offline: the published key verifies the token.
    let key_pem = app
        .visitor()
        .get("/verify/public-key.pem")
        .await
        .text()
        .await
        .unwrap();
    let key = yingcai_card::CardPublicKey::from_pem(&key_pem).unwrap();
    assert_eq!(key, test_card_signer().public_key());
    let claims = key.verify(&token).unwrap();
    assert_eq!(claims.tier, "B");
    assert_eq!(claims.holder, "王*");

    // Online: anyone checks it.
    let public = app.visitor();
    public.get("/lang/en").await;
    let encoded: String = url_encode(&token);
    let (status, html) = public.page(&format!("/verify?token={encoded}")).await;
    assert_eq!(status, StatusCode::OK);
    let t = text(&html);
    assert!(
        t.contains("Genuine and in force")
            && t.contains("王*")
            && t.contains("Medical treatment green channel"),
        "{t}"
    );
    assert!(!html.contains("王芳"), "the holder's name is masked");

    // A forged token is not genuine.
    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    let (status, html) = public
        .page(&format!("/verify?token={}", url_encode(&forged)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&html).contains("Not genuine"));

    // Revoked with a reason: the check says so, and the list for offline checks names it.
    let card = &app.store.cards_of_talent(record.talent_id).await.unwrap()[0];
    let path = format!("/officer/cards/{}/revoke", card.card_id);
    assert_eq!(
        officer.post_form(&path, &[("reason", "")]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        officer
            .post_form(&path, &[("reason", "Left the city")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = public.page(&format!("/verify?token={encoded}")).await;
    let t = text(&html);
    assert!(
        t.contains("Genuine, but revoked") && t.contains("Left the city"),
        "{t}"
    );
    let revoked = public
        .get("/verify/revoked.txt")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(revoked.trim(), card.number);
    let (_, html) = talent.page("/talent/benefits").await;
    assert!(text(&html).contains("was revoked: Left the city"));
}

#[tokio::test]
async fn an_expired_card_says_so() {
    let app = TestApp::spawn().await;
    let owner = app.create_account("li@example.cn", &[Role::Talent]).await;
    let talent_id = app
        .verified_talent(owner, "li@example.cn", &phd_renting())
        .await;
    let talent = app.visitor();
    talent.sign_in("li@example.cn", PASSWORD).await;
    talent.get("/lang/en").await;
    // The first page that needs policies publishes the built-in pack as version 1.
    app.visitor().get("/calculator").await;
    let card = app
        .store
        .issue_card(
            &yingcai_store::NewCard {
                talent_id,
                tier: "B",
                valid_from: "2020-01-01",
                valid_until: "2022-12-31",
                policy_version_id: 1,
                number: &|serial| {
                    yingcai_card::CardNumber::new(2020, serial as u32)
                        .unwrap()
                        .to_string()
                },
            },
            &yingcai_store::Actor::System,
        )
        .await
        .unwrap();
    let (_, html) = talent.page("/talent/card").await;
    assert!(text(&html).contains("Expired"), "{html}");
    let token = html
        .split("<code class=\"token\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap();
    let (_, html) = app
        .visitor()
        .page(&format!("/verify?token={}", url_encode(token)))
        .await;
    assert!(html.contains("verify-expired"), "{html}");
    assert!(html.contains(&card.number));
}

#[tokio::test]
async fn an_admin_drafts_checks_measures_and_publishes_a_reform() {
    let app = TestApp::spawn().await;
    let owner = app.create_account("wang@example.cn", &[Role::Talent]).await;
    let talent_id = app
        .verified_talent(owner, "wang@example.cn", &phd_renting())
        .await;
    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    admin.get("/lang/en").await;
    assert_eq!(
        officer.get("/admin/policy").await.status(),
        StatusCode::FORBIDDEN
    );

    let (status, html) = admin.page("/admin/policy").await;
    assert_eq!(status, StatusCode::OK);
    let source = html
        .split("class=\"pack-source\"")
        .nth(1)
        .and_then(|s| s.split_once('>'))
        .and_then(|(_, s)| s.split("</textarea>").next())
        .map(unescape)
        .unwrap();
    assert!(
        source.contains("phd = 3000"),
        "the draft starts from the version in force"
    );

    // A broken draft is kept, with the file, line and field of the problem.
    let broken = source.replace("when = \"employed_in_city\"", "when = \"employed_in_cty\"");
    let response = admin
        .post_form("/admin/policy", &[("source", &broken)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let draft_path = location(&response);
    let (_, html) = admin.page(&draft_path).await;
    assert!(
        html.contains("id=\"pack-problem\"")
            && html.contains("draft.toml:")
            && html.contains("unknown variable `employed_in_cty`"),
        "{html}"
    );
    let refused = admin
        .post_form(
            &format!("{draft_path}/publish"),
            &[("effective_date", "2027-01-01")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Fixed: the PhD rent allowance rises to 4,000 yuan in a new version.
    let reform = source
        .replace("amounts = { phd = 3000,", "amounts = { phd = 4000,")
        .replace("version = \"2023.1\"", "version = \"2027.1\"");
    let response = admin.post_form(&draft_path, &[("source", &reform)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // The PhD renting since 2024-03 is paid until 2029-02: 12 months from 2027-01 at +1,000.
    let (status, html) = admin
        .page(&format!("{draft_path}?from=2027-01&months=12"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let t = text(&html);
    assert!(html.contains("id=\"pack-valid\""), "{t}");
    assert!(t.contains("Talents compared 1"), "{t}");
    assert!(
        t.contains("Cost under the version in force ¥36,000.00"),
        "{t}"
    );
    assert!(t.contains("Cost under the draft ¥48,000.00"), "{t}");
    assert!(t.contains("Difference ¥12,000.00"), "{t}");
    assert!(
        t.contains("Talents who gain 1") && t.contains("Talents who lose 0"),
        "{t}"
    );
    assert!(
        html.contains("<svg") && html.contains("role=\"img\""),
        "a chart"
    );

    // Bad publication dates are refused; then it is published from 2027-01-01.
    let publish = format!("{draft_path}/publish");
    assert_eq!(
        admin
            .post_form(&publish, &[("effective_date", "2027-02-30")])
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        admin
            .post_form(&publish, &[("effective_date", "2023-05-21")])
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        admin
            .post_form(&publish, &[("effective_date", "2027-01-01")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = admin.page(&draft_path).await;
    let t = text(&html);
    assert!(
        t.contains("Published") && t.contains("Effective from: 2027-01-01"),
        "{t}"
    );
    assert!(
        unescape(&html).contains("effective = \"2027-01-01\""),
        "the date is written into the pack"
    );
    // Published versions cannot be edited.
    assert_eq!(
        admin
            .post_form(&draft_path, &[("source", &reform)])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The earlier version stays readable.
    let (status, html) = admin.page("/admin/policy/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("phd = 3000"));

    // Entitlements are recomputed with it: months from 2027-01 at 4,000 yuan.
    // The recomputation runs in the background after publication: wait for it (10 s at most).
    let mut schedule = Vec::new();
    for _ in 0..200 {
        let e = app
            .store
            .entitlements(&yingcai_store::EntitlementFilter {
                talent_id: Some(talent_id),
                ..Default::default()
            })
            .await
            .unwrap();
        schedule = e.first().map(|e| e.schedule.clone()).unwrap_or_default();
        if schedule.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(schedule.len(), 2, "{schedule:?}");
    assert_eq!(
        (schedule[0].to.to_string().as_str(), schedule[0].amount_fen),
        ("2026-12", 300_000)
    );
    assert_eq!(
        (
            schedule[1].from.to_string().as_str(),
            schedule[1].to.to_string().as_str(),
            schedule[1].amount_fen
        ),
        ("2027-01", "2029-02", 400_000)
    );
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn an_uploaded_pack_becomes_a_draft_and_a_non_utf8_file_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    admin.get("/lang/en").await;
    let csrf = admin.cookie("yc_csrf").unwrap();
    let send = |bytes: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        admin
            .client
            .post(admin.url("/admin/policy/upload"))
            .multipart(form)
            .send()
    };
    let (_, source) = yingcai_rules::BUILTIN_PACK;
    let reform = source.replace("version = \"2023.1\"", "version = \"2028.1\"");
    let response = send(reform.into_bytes(), "reform-2028.toml").await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, html) = admin.page(&location(&response)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"pack-valid\"") && html.contains("2028.1"),
        "{html}"
    );

    // GBK bytes are not a pack text.
    let response = send(vec![0xd6, 0xd0, 0xce, 0xc4], "gbk.toml")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn with_automatic_issue_a_verified_record_gets_its_card_at_once() {
    let app = TestApp::spawn_with(yingcai_web::WebSettings {
        cards_auto_issue: true,
        ..Default::default()
    })
    .await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    let owner = app.create_account("zhao@example.cn", &[Role::Talent]).await;
    let actor = yingcai_store::Actor::account(owner, "zhao@example.cn");
    let submission = app
        .store
        .save_talent_draft(&actor, &phd_renting(), "长安区")
        .await
        .unwrap();
    app.store.submit(submission, &actor).await.unwrap();
    let response = officer
        .post_form(&format!("/officer/submissions/{submission}/verify"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let talent = app.store.talent_of_owner(owner).await.unwrap().unwrap();
    let cards = app.store.cards_of_talent(talent.talent_id).await.unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(
        (cards[0].tier.as_str(), cards[0].status.as_str()),
        ("B", "active")
    );
    // Valid for the configured three years from today, the last day included.
    let from: jiff::civil::Date = cards[0].valid_from.parse().unwrap();
    let until: jiff::civil::Date = cards[0].valid_until.parse().unwrap();
    assert_eq!(
        until,
        from.checked_add(jiff::Span::new().years(3))
            .unwrap()
            .yesterday()
            .unwrap()
    );
}

#[tokio::test]
async fn a_payment_run_is_approved_by_a_second_officer_only() {
    let app = TestApp::spawn().await;
    let owner = app.create_account("wang@example.cn", &[Role::Talent]).await;
    let talent_id = app
        .verified_talent(owner, "wang@example.cn", &phd_renting())
        .await;
    let preparer = app.signed_in("prep@example.cn", &[Role::Officer]).await;
    let second = app.signed_in("second@example.cn", &[Role::Officer]).await;
    preparer.get("/lang/en").await;
    second.get("/lang/en").await;
    // The engine finds the rent allowance (the scheduler's sweep: the record was verified
    // through the store), and the talent confirms it.
    let policies = yingcai_services::policy::Policies::new();
    yingcai_services::policy::sweep(
        &app.store,
        &policies,
        yingcai_services::policy::today(),
        false,
    )
    .await
    .unwrap();
    let entitlements = app.store.entitlements(&Default::default()).await.unwrap();
    assert_eq!(entitlements.len(), 1);
    assert_eq!(entitlements[0].talent_id, talent_id);
    let visitor = app.visitor();
    visitor.sign_in("wang@example.cn", PASSWORD).await;
    let response = visitor
        .post_form(
            &format!(
                "/talent/entitlements/{}/confirm",
                entitlements[0].entitlement_id
            ),
            &[("bank_confirmed", "yes")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let response = preparer
        .post_form("/officer/payments", &[("month", "2026-13")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = preparer
        .post_form("/officer/payments", &[("month", "2026-12")])
        .await;
    assert_eq!(location(&response), "/officer/payments/2026-12");
    let (_, html) = preparer.page("/officer/payments/2026-12").await;
    let t = text(&html);
    assert!(
        t.contains("Lines 1") && t.contains("Total ¥3,000.00") && t.contains("balanced"),
        "{t}"
    );
    assert!(t.contains("another officer must approve it"), "{t}");
    let response = preparer
        .post_form("/officer/payments/2026-12/approve", &[])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(text(&response.text().await.unwrap()).contains("cannot approve it"));
    let response = second
        .post_form("/officer/payments/2026-12/approve", &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = second.page("/officer/payments/2026-12").await;
    assert!(text(&html).contains("Status Approved"), "{html}");
    // An approved run is frozen.
    let response = preparer
        .post_form("/officer/payments", &[("month", "2026-12")])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    // Talents cannot see runs.
    assert_eq!(
        visitor.get("/officer/payments/2026-12").await.status(),
        StatusCode::FORBIDDEN
    );
}
