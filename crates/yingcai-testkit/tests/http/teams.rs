//! The service teams a site starts with (one per industry of the catalogue, made at the
//! server's start on a site with no team, once even with two servers starting together) and
//! officers moving an enterprise to another team from a team's page, with the API twins.

use reqwest::{Method, StatusCode};
use yingcai_domain::Role;
use yingcai_store::{Actor, AuditFilter, TeamRecord};
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, Visitor, location};
use yingcai_web::WebSettings;

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

/// A valid unified social credit code ending in `serial` (GB 32100 check character).
fn credit_code(serial: u32) -> String {
    const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let body = format!("91130600MA{serial:07}");
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| ALPHABET.iter().position(|a| *a == b).unwrap() as u32 * w)
        .sum();
    let check = ALPHABET[((31 - sum % 31) % 31) as usize] as char;
    format!("{body}{check}")
}

async fn enterprise(
    app: &TestApp,
    serial: u32,
    owner: Option<i64>,
    industry: &str,
    district: &str,
) -> i64 {
    let profile = yingcai_domain::EnterpriseProfile {
        name: format!("雄安测试企业{serial}有限公司"),
        credit_code: yingcai_domain::CreditCode::parse(&credit_code(serial)).unwrap(),
        industry: industry.into(),
        district: district.into(),
        contact_name: None,
        contact_phone: None,
        contact_email: None,
    };
    app.store
        .create_verified_enterprise(owner, &profile, &Actor::System)
        .await
        .unwrap()
}

async fn audit(app: &TestApp, action: &str) -> Vec<yingcai_domain::audit::AuditEntry> {
    app.store
        .audit_entries(&AuditFilter {
            action: Some(action.into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
}

fn team_of_industry<'a>(teams: &'a [TeamRecord], industry: &str) -> &'a TeamRecord {
    teams
        .iter()
        .find(|t| t.industries == [industry])
        .unwrap_or_else(|| panic!("no team for {industry}"))
}

#[tokio::test]
async fn a_fresh_site_starts_with_one_team_per_industry_of_the_catalogue() {
    let app = TestApp::spawn().await;
    let settings = WebSettings::default();
    let it = enterprise(&app, 1, None, "next_gen_it", "长安区").await;
    let farm = enterprise(&app, 2, None, "green_agriculture", "高新区").await;

    // Two app servers start at once on the fresh database: the teams are made once.
    let second = app.second_server().await;
    let (first_made, second_made) = tokio::join!(
        yingcai_web::create_default_teams(&app.store, &settings),
        yingcai_web::create_default_teams(&second.store, &settings),
    );
    let (first_made, second_made) = (first_made.unwrap(), second_made.unwrap());
    assert_eq!(
        first_made.len() + second_made.len(),
        settings.industries.len(),
        "{first_made:?} and {second_made:?}"
    );
    assert!(first_made.is_empty() || second_made.is_empty());
    // A later start makes nothing more.
    assert!(
        yingcai_web::create_default_teams(&app.store, &settings)
            .await
            .unwrap()
            .is_empty()
    );

    let teams = app.store.service_teams().await.unwrap();
    assert_eq!(teams.len(), settings.industries.len());
    for industry in &settings.industries {
        let team = team_of_industry(&teams, industry);
        assert!(team.districts.is_empty(), "serves every district");
        assert!(team.members.is_empty() && team.leader_account_id.is_none());
        assert!(team.unstaffed());
    }
    let it_team = team_of_industry(&teams, "next_gen_it");
    assert_eq!(it_team.name, "新一代信息技术人才服务专班");
    assert_eq!(
        it_team.name_en.as_deref(),
        Some("Next-generation information technology talent service team")
    );
    // The enterprises are paired with their industry's team, automatically.
    let pairings = app.store.service_pairings().await.unwrap();
    assert!(pairings.contains(&(it, it_team.team_id, None)));
    let farm_team = team_of_industry(&teams, "green_agriculture").team_id;
    assert!(pairings.contains(&(farm, farm_team, None)));
    // Audited as the system, once per team.
    let created = audit(&app, "service_team.create").await;
    assert_eq!(created.len(), settings.industries.len());
    assert!(created.iter().all(|e| e.actor == "system"));

    // Administrators are told the teams have nobody yet, in both languages.
    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    admin.get("/lang/zh-CN").await;
    let (status, html) = admin.page("/admin/teams").await;
    assert_eq!(status, StatusCode::OK);
    let page = text(&html);
    assert!(page.contains("新一代信息技术人才服务专班"), "{page}");
    assert!(page.contains("尚无负责人和成员的专班：5 个"), "{page}");
    assert!(page.contains("尚无负责人") && page.contains("尚无成员"));
    assert!(
        !page.contains("以下产业尚无专班服务"),
        "every industry is served"
    );
    admin.get("/lang/en").await;
    let page = text(&admin.page("/admin/teams").await.1);
    assert!(
        page.contains("Next-generation information technology talent service team"),
        "{page}"
    );
    assert!(
        page.contains("Teams without a leader or members yet: 5."),
        "{page}"
    );
    assert!(page.contains("No leader yet") && page.contains("No members yet"));

    // A case raised with a team that has nobody yet is in its ledger, for every officer to
    // read (the supervising office), though nobody can work it until officers are added.
    let owner = app
        .create_account("hr@example.cn", &[Role::Enterprise])
        .await;
    let owned = enterprise(&app, 3, Some(owner), "next_gen_it", "桥西区").await;
    let requester = app.visitor();
    requester.sign_in("hr@example.cn", PASSWORD).await;
    let raised = requester
        .post_form(
            "/cases",
            &[
                ("category", "recruitment"),
                ("title", "需要招聘芯片工程师"),
                ("description", "希望专班协助对接高校毕业生"),
            ],
        )
        .await;
    assert_eq!(raised.status(), StatusCode::SEE_OTHER);
    let case: i64 = location(&raised)
        .trim_start_matches("/cases/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(app.store.case(case).await.unwrap().team_id, it_team.team_id);
    assert_eq!(
        app.store.team_of_enterprise(owned).await.unwrap(),
        Some(it_team.team_id)
    );
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    officer.get("/lang/zh-CN").await;
    let (status, html) = officer
        .page(&format!("/officer/teams/{}", it_team.team_id))
        .await;
    assert_eq!(status, StatusCode::OK);
    let page = text(&html);
    assert!(page.contains("需要招聘芯片工程师"), "{page}");
    assert!(page.contains("本专班尚无负责人和成员"), "{page}");
    assert_eq!(
        officer.page(&format!("/cases/{case}")).await.0,
        StatusCode::OK
    );
    // Giving the team officers keeps its English name; renaming it drops it (an
    // administrator names a team once, shown in both languages).
    let staffed = yingcai_store::TeamInput {
        name: it_team.name.clone(),
        leader_account_id: None,
        industries: it_team.industries.clone(),
        districts: vec![],
        members: vec![],
    };
    app.store
        .save_service_team(Some(it_team.team_id), &staffed, &Actor::System)
        .await
        .unwrap();
    let kept = app.store.service_team(it_team.team_id).await.unwrap();
    assert_eq!(kept.name_en, it_team.name_en);
    let renamed = yingcai_store::TeamInput {
        name: "信息技术专班".into(),
        ..staffed
    };
    app.store
        .save_service_team(Some(it_team.team_id), &renamed, &Actor::System)
        .await
        .unwrap();
    let renamed = app.store.service_team(it_team.team_id).await.unwrap();
    assert_eq!(renamed.name_en, None);
    assert_eq!(renamed.name_in(yingcai_domain::Locale::En), "信息技术专班");
    let refused = officer
        .post_form(
            &format!("/cases/{case}/act"),
            &[("action", "accept"), ("message", "")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_demo_keeps_its_own_teams() {
    let app = TestApp::spawn().await;
    let store = &app.store;
    let settings = WebSettings::default();
    yingcai_services::accounts::seed_demo(store).await.unwrap();
    let owner = store
        .credentials_by_email(&yingcai_domain::Email::parse("enterprise@demo.yingcai.cn").unwrap())
        .await
        .unwrap()
        .unwrap()
        .account
        .account_id;
    yingcai_web::demo::seed_registry(
        store,
        &settings,
        Some(owner),
        jiff::civil::date(2026, 12, 4),
    )
    .await
    .unwrap();
    let now: yingcai_worktime::BeijingMinute = "2026-12-04T16:00".parse().unwrap();
    yingcai_web::demo::seed_service_desk(store, &settings, now.to_timestamp().as_millisecond())
        .await
        .unwrap()
        .expect("seeded");
    let before = store.service_teams().await.unwrap();
    let pairings = store.service_pairings().await.unwrap();
    let audit_before = store
        .audit_entries(&Default::default())
        .await
        .unwrap()
        .len();

    assert!(
        yingcai_web::create_default_teams(store, &settings)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.service_teams().await.unwrap(), before);
    assert!(before.iter().all(|t| t.leader_account_id.is_some()));
    assert_eq!(store.service_pairings().await.unwrap(), pairings);
    assert_eq!(
        store
            .audit_entries(&Default::default())
            .await
            .unwrap()
            .len(),
        audit_before
    );
}

#[tokio::test]
async fn an_administrator_creates_a_team_for_each_industry_without_one() {
    let app = TestApp::spawn().await;
    let officer = app
        .create_account("officer@example.cn", &[Role::Officer])
        .await;
    let own = app
        .store
        .save_service_team(
            None,
            &yingcai_store::TeamInput {
                name: "数字经济专班".into(),
                leader_account_id: Some(officer),
                industries: vec!["next_gen_it".into(), "new_materials".into()],
                districts: vec![],
                members: vec![officer],
            },
            &Actor::System,
        )
        .await
        .unwrap();
    let farm = enterprise(&app, 4, None, "green_agriculture", "长安区").await;
    // The site has a team: a start makes none.
    let settings = WebSettings::default();
    assert!(
        yingcai_web::create_default_teams(&app.store, &settings)
            .await
            .unwrap()
            .is_empty()
    );

    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    admin.get("/lang/zh-CN").await;
    let page = text(&admin.page("/admin/teams").await.1);
    assert!(
        page.contains(
            "以下产业尚无专班服务： 现代生命科学和生物技术、高端现代服务业、绿色生态农业"
        ),
        "{page}"
    );
    let made = admin.post_form("/admin/teams/defaults", &[]).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&made), "/admin/teams?done=defaults");
    let page = text(&admin.page(&location(&made)).await.1);
    assert!(page.contains("已为尚无专班的产业各创建一个专班"), "{page}");
    assert!(page.contains("尚无负责人和成员的专班：3 个"), "{page}");
    let teams = app.store.service_teams().await.unwrap();
    assert_eq!(teams.len(), 4);
    assert!(
        teams
            .iter()
            .filter(|t| t.industries.iter().any(|i| i == "next_gen_it"))
            .all(|t| t.team_id == own),
        "not a second team for an industry already served"
    );
    assert_eq!(
        app.store.team_of_enterprise(farm).await.unwrap(),
        Some(team_of_industry(&teams, "green_agriculture").team_id)
    );
    let entries = audit(&app, "service_team.create").await;
    assert!(entries.iter().any(|e| e.actor == "admin@example.cn"));

    // Again: nothing to make, and the page says so. The API twin answers the same.
    let again = admin.post_form("/admin/teams/defaults", &[]).await;
    assert_eq!(location(&again), "/admin/teams?done=defaults_none");
    assert!(text(&admin.page(&location(&again)).await.1).contains("每个产业都已有专班"));
    let api = ApiClient::signed_in(&app, "admin@example.cn", PASSWORD).await;
    let response = api
        .send(Method::POST, "/api/v1/admin/service-teams/defaults", None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({ "created": [] }));
    // Only administrators.
    let officer_api = ApiClient::signed_in(&app, "officer@example.cn", PASSWORD).await;
    let refused = officer_api
        .send(Method::POST, "/api/v1/admin/service-teams/defaults", None)
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

struct Pairing {
    app: TestApp,
    officer: Visitor,
    from: i64,
    to: i64,
    enterprise: i64,
    owner: Visitor,
}

/// Two teams for the same industry; an enterprise (with its account) paired automatically
/// with the first.
async fn pairing() -> Pairing {
    let app = TestApp::spawn().await;
    let officer_id = app
        .create_account("officer@example.cn", &[Role::Officer])
        .await;
    let team = |name: &str, districts: Vec<String>| yingcai_store::TeamInput {
        name: name.into(),
        leader_account_id: Some(officer_id),
        industries: vec!["next_gen_it".into()],
        districts,
        members: vec![officer_id],
    };
    let from = app
        .store
        .save_service_team(None, &team("甲专班", vec![]), &Actor::System)
        .await
        .unwrap();
    let to = app
        .store
        .save_service_team(None, &team("乙专班", vec!["高新区".into()]), &Actor::System)
        .await
        .unwrap();
    let owner_id = app
        .create_account("hr@example.cn", &[Role::Enterprise])
        .await;
    let enterprise = enterprise(&app, 5, Some(owner_id), "next_gen_it", "长安区").await;
    yingcai_services::service_desk::pair_unpaired(&app.store)
        .await
        .unwrap();
    assert_eq!(
        app.store.team_of_enterprise(enterprise).await.unwrap(),
        Some(from)
    );
    let officer = app.visitor();
    officer.sign_in("officer@example.cn", PASSWORD).await;
    let owner = app.visitor();
    owner.sign_in("hr@example.cn", PASSWORD).await;
    Pairing {
        app,
        officer,
        from,
        to,
        enterprise,
        owner,
    }
}

#[tokio::test]
async fn an_officer_moves_an_enterprise_to_another_team_from_the_team_page() {
    let Pairing {
        app,
        officer,
        from,
        to,
        enterprise,
        owner,
    } = pairing().await;
    officer.get("/lang/zh-CN").await;
    let (status, html) = officer.page(&format!("/officer/teams/{from}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!(
        "action=\"/officer/enterprises/{enterprise}/team\""
    )));
    let page = text(&html);
    assert!(page.contains("本专班服务的企业"), "{page}");
    assert!(page.contains("雄安测试企业5有限公司 "), "{page}");
    assert!(page.contains("按产业和区县自动结对"), "{page}");

    // A team that is not one of the listed ones: the form says so, nothing moves.
    let path = format!("/officer/enterprises/{enterprise}/team");
    let from_text = from.to_string();
    let refused = officer
        .post_form(&path, &[("team", "999999"), ("from", &from_text)])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(text(&html).contains("请选择列出的专班。"), "{html}");
    let refused = officer
        .post_form(&path, &[("team", ""), ("from", &from_text)])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.store.team_of_enterprise(enterprise).await.unwrap(),
        Some(from)
    );

    // Moved: back on the team's page with a confirmation naming the new team.
    let to_text = to.to_string();
    let moved = officer
        .post_form(&path, &[("team", &to_text), ("from", &from_text)])
        .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&moved),
        format!("/officer/teams/{from}?done=paired&to={to}#enterprises")
    );
    let page = text(&officer.page(&location(&moved)).await.1);
    assert!(page.contains("该企业现由乙专班服务"), "{page}");
    assert!(page.contains("尚无企业与本专班结对"), "{page}");
    officer.get("/lang/en").await;
    let page = text(&officer.page(&format!("/officer/teams/{to}")).await.1);
    assert!(page.contains("By an officer"), "{page}");
    assert!(
        page.contains("Enterprises paired with this team: 1."),
        "{page}"
    );

    // Audited, as the officer's choice, which automatic pairing keeps.
    let entries = audit(&app, "service_team.pair").await;
    let last = entries
        .iter()
        .find(|e| e.entity_id == enterprise.to_string() && e.actor == "officer@example.cn")
        .expect("the officer's pairing is audited");
    assert!(
        last.after
            .as_deref()
            .unwrap()
            .contains(&format!("\"team_id\":{to}"))
    );
    yingcai_services::service_desk::pair_unpaired(&app.store)
        .await
        .unwrap();
    assert_eq!(
        app.store.team_of_enterprise(enterprise).await.unwrap(),
        Some(to)
    );

    // The enterprise's next case lands with the new team.
    let raised = owner
        .post_form(
            "/cases",
            &[
                ("category", "recruitment"),
                ("title", "招聘数据工程师"),
                ("description", "请协助发布招聘信息"),
            ],
        )
        .await;
    assert_eq!(raised.status(), StatusCode::SEE_OTHER);
    let case: i64 = location(&raised)
        .trim_start_matches("/cases/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(app.store.case(case).await.unwrap().team_id, to);

    // Not an officer: refused, nothing moves.
    let refused = owner
        .post_form(&path, &[("team", &from_text), ("from", &to_text)])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.store.team_of_enterprise(enterprise).await.unwrap(),
        Some(to)
    );
}

#[tokio::test]
async fn the_pairing_api_twin_answers_as_the_page() {
    let Pairing {
        app,
        from,
        to,
        enterprise,
        ..
    } = pairing().await;
    let path = format!("/api/v1/enterprises/{enterprise}/team");
    let officer = ApiClient::signed_in(&app, "officer@example.cn", PASSWORD).await;
    let refused = officer
        .send(
            Method::PUT,
            &path,
            Some(serde_json::json!({ "team_id": 999999 })),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "team", "{body}");
    assert_eq!(body["fields"][0]["code"], "team-unknown", "{body}");
    let owner = ApiClient::signed_in(&app, "hr@example.cn", PASSWORD).await;
    let forbidden = owner
        .send(
            Method::PUT,
            &path,
            Some(serde_json::json!({ "team_id": to })),
        )
        .await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.store.team_of_enterprise(enterprise).await.unwrap(),
        Some(from)
    );
    let moved = officer
        .send(
            Method::PUT,
            &path,
            Some(serde_json::json!({ "team_id": to })),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.store.team_of_enterprise(enterprise).await.unwrap(),
        Some(to)
    );
    assert!(
        audit(&app, "service_team.pair")
            .await
            .iter()
            .any(|e| e.actor == "officer@example.cn")
    );
}
