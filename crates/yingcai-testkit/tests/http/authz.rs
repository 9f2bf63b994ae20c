//! Every protected route, called as every role and as a stranger. Routes — pages and JSON
//! API — come from the site's own route table (`yingcai_web::routes::route_table`), so a new
//! route is tested as soon as it exists (and fails here until its path parameters have a
//! fixture); the OpenAPI test in `api.rs` checks the same table's API rows against the
//! document.

use reqwest::{Method, StatusCode};
use yingcai_domain::Role;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, Visitor};
use yingcai_web::routes::{Access as PageAccess, RouteInfo, route_table};

/// The JSON API's rows of the route table.
pub(crate) fn api_routes() -> Vec<RouteInfo> {
    route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1/"))
        .collect()
}

/// Ids the routes' placeholders stand for.
#[derive(Clone, Copy)]
struct Records {
    talent: i64,
    card: i64,
    policy: i64,
    entitlement: i64,
    complex: i64,
    unit: i64,
    round: i64,
    offer: i64,
    document: i64,
    import_report: i64,
    payment_line: i64,
    case: i64,
    team: i64,
    enterprise: i64,
    attachment: i64,
    need: i64,
    bid: i64,
    bid_document: i64,
}

/// The month of a payment run that has been computed, approved and exported.
const EXPORTED_MONTH: &str = "2025-12";

fn exported_month() -> yingcai_domain::Month {
    EXPORTED_MONTH.parse().unwrap()
}

/// Another person's verified record with a green card, a policy draft, and an allocated
/// apartment round in which that person holds an offer.
async fn records(app: &TestApp) -> Records {
    let owner = app
        .create_account("record-owner@example.cn", &[Role::Talent])
        .await;
    let talent = app
        .verified_talent(
            owner,
            "record-owner@example.cn",
            &yingcai_domain::TalentInput {
                name: "Owner".into(),
                resident_id: "11010519491231002X".into(),
                degree: "master".into(),
                arrival_date: "2024-03-01".into(),
                employed_in_city: "true".into(),
                housing: "rent".into(),
                social_insurance_months: "12".into(),
                ..Default::default()
            },
        )
        .await;
    // Publishes the built-in pack as version 1.
    app.visitor().get("/calculator").await;
    let card = app
        .store
        .issue_card(
            &yingcai_store::NewCard {
                talent_id: talent,
                tier: "B",
                valid_from: "2026-01-01",
                valid_until: "2028-12-31",
                policy_version_id: 1,
                number: &|serial| format!("SJZ-2026-{serial:06}-0"),
            },
            &yingcai_store::Actor::System,
        )
        .await
        .unwrap();
    let policy = app
        .store
        .save_policy_draft(
            None,
            &yingcai_store::PolicyDraft {
                file_name: "draft.toml".into(),
                source: "[pack]\n".into(),
                ..Default::default()
            },
            &yingcai_store::Actor::System,
        )
        .await
        .unwrap();
    app.store
        .open_payment_run("2026-01".parse().unwrap(), &yingcai_store::Actor::System)
        .await
        .unwrap();
    yingcai_services::policy::sweep(
        &app.store,
        &yingcai_services::policy::Policies::new(),
        yingcai_services::policy::today(),
        false,
    )
    .await
    .unwrap();
    let entitlement = app.store.entitlements(&Default::default()).await.unwrap()[0].entitlement_id;
    let system = yingcai_store::Actor::System;
    let complex = app
        .store
        .create_complex(
            &yingcai_store::NewComplex {
                code: "C1".into(),
                name: "Court".into(),
                district: "长安区".into(),
                address: "1 Road".into(),
                operator: "Op".into(),
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
                name: "Studio".into(),
                area_centi_m2: 3_000,
                bedrooms: 1,
                rent_fen: 80_000,
                units: vec![yingcai_store::NewUnit {
                    number: "101".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
            &system,
        )
        .await
        .unwrap();
    let unit_types: Vec<i64> = app
        .store
        .all_unit_types()
        .await
        .unwrap()
        .iter()
        .map(|(_, t)| t.unit_type_id)
        .collect();
    let round = app
        .store
        .open_round(
            &yingcai_store::NewRound {
                name: "Round",
                deadline_at: yingcai_store::now_ms() + 60_000,
                seed: "00ff",
                requirements: &[],
                priority_rules: &yingcai_housing::PriorityRules::default().to_toml(),
                offer_rules: &yingcai_housing::OfferRules::default().to_toml(),
                lease_rules: &yingcai_housing::LeaseRules::default().to_toml(),
                unit_types: &unit_types,
            },
            &system,
        )
        .await
        .unwrap();
    app.store
        .save_application(
            round,
            talent,
            &app.store.round_pseudonym(round, talent),
            &["C1".to_owned()],
            &system,
        )
        .await
        .unwrap();
    app.store
        .execute_unchecked(&format!(
            "update housing_round set deadline_at = 1 where round_id = {round}"
        ))
        .await
        .unwrap();
    let record = app.store.round(round).await.unwrap();
    app.cover_calendar_years_from_now().await;
    let calendar = yingcai_services::work_calendar::calendar(
        &app.store,
        &yingcai_worktime::WorkingHours::default(),
    )
    .await
    .unwrap();
    yingcai_services::housing::run_round(&app.store, &record, &calendar, &system)
        .await
        .unwrap();
    let offer = app.store.offers_of_talent(talent).await.unwrap()[0].offer_id;
    let unit = app.store.units_of(complex).await.unwrap()[0].unit_id;
    // A document of that person's, on their submission.
    let owner_visitor = app.visitor();
    owner_visitor
        .sign_in("record-owner@example.cn", PASSWORD)
        .await;
    let png =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("csrf", owner_visitor.cookie("yc_csrf").unwrap())
        .part(
            "file",
            reqwest::multipart::Part::bytes(png).file_name("degree.png"),
        );
    let response = owner_visitor
        .client
        .post(owner_visitor.url("/talent/profile/documents"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "document upload");
    let html = owner_visitor.page("/talent/profile").await.1;
    let document: i64 = html
        .split("href=\"/documents/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|id| id.parse().ok())
        .expect("the uploaded document's link");
    // Another officer's refused import.
    let author = app
        .create_account("import-author@example.cn", &[Role::Officer])
        .await;
    let import_report = app
        .store
        .save_import_report(
            author,
            "roster.csv",
            1,
            "row,column,problem\n2,name,required\n",
            &system,
        )
        .await
        .unwrap();
    // A payment run computed by one officer, approved by another and exported.
    app.store
        .seed_payable_entitlements(2, EXPORTED_MONTH, "2026-11", 100_000)
        .await
        .unwrap();
    let preparer = app
        .create_account("preparer@example.cn", &[Role::Officer])
        .await;
    let approver = app
        .create_account("approver@example.cn", &[Role::Officer])
        .await;
    let preparer = yingcai_store::Actor::account(preparer, "preparer@example.cn");
    let approver = yingcai_store::Actor::account(approver, "approver@example.cn");
    yingcai_services::payments::run_month(&app.store, exported_month(), &preparer, &|_, _| {})
        .await
        .unwrap();
    yingcai_services::payments::approve(&app.store, exported_month(), &approver)
        .await
        .unwrap();
    yingcai_services::payments::export(&app.store, exported_month(), &approver)
        .await
        .unwrap();
    let run = app
        .store
        .payment_run(exported_month())
        .await
        .unwrap()
        .unwrap();
    let payment_line = app.store.payment_lines(&run, None, 1, 0).await.unwrap()[0].payment_line_id;
    // A service team (with its own officer) and a case the record's owner raised with it.
    let team_officer = app
        .create_account("team-officer@example.cn", &[Role::Officer])
        .await;
    let team = app
        .store
        .save_service_team(
            None,
            &yingcai_store::TeamInput {
                name: "Team".into(),
                leader_account_id: Some(team_officer),
                industries: vec!["next_gen_it".into()],
                districts: vec![],
                members: vec![team_officer],
            },
            &system,
        )
        .await
        .unwrap();
    let raised = yingcai_services::service_desk::raise_case_with_files(
        &app.store,
        &yingcai_services::service_desk::Caller {
            account_id: owner,
            email: "record-owner@example.cn".into(),
            officer: false,
        },
        &yingcai_services::service_desk::CaseInput {
            category: "schooling".into(),
            title: "School place".into(),
            description: "A school place for my daughter".into(),
            despite_duplicates: false,
        },
        yingcai_services::case_attachments::Files {
            dir: app.documents_dir(),
            uploads: vec![yingcai_services::case_attachments::Upload {
                file_name: "report.pdf".into(),
                bytes: b"%PDF-1.7 school report".to_vec(),
                too_large: false,
            }],
        },
        yingcai_store::now_ms(),
    )
    .await
    .unwrap();
    let yingcai_services::service_desk::Raised::Opened { case_id: case, .. } = raised else {
        panic!("the case was not raised: {raised:?}");
    };
    let attachment = app.store.case_attachments(case, false).await.unwrap()[0].attachment_id;
    let enterprise = app
        .store
        .create_verified_enterprise(
            None,
            &yingcai_domain::EnterpriseProfile {
                name: "Fixture Co".into(),
                credit_code: yingcai_domain::CreditCode::parse("91350100M000100Y43").unwrap(),
                industry: "next_gen_it".into(),
                district: "长安区".into(),
                contact_name: None,
                contact_phone: None,
                contact_email: None,
            },
            &system,
        )
        .await
        .unwrap();
    // Another enterprise's need, submitted: officers review it, nobody else sees it.
    let input = yingcai_domain::competition::NeedInput {
        title: "Fixture need".into(),
        field: "next_gen_it".into(),
        description: "A need".into(),
        indicators: vec![yingcai_domain::competition::IndicatorInput {
            name: "Accuracy".into(),
            target: "99".into(),
            unit: "%".into(),
        }],
        budget: "1000".into(),
        duration_months: "6".into(),
        bid_deadline: "2099-12-31".into(),
        ip_terms: "shared".into(),
        confidentiality: "none".into(),
        criteria: vec![yingcai_domain::competition::CriterionInput {
            name: "Plan".into(),
            weight: "100".into(),
        }],
        stages: "1".into(),
        winners: "1".into(),
        ..Default::default()
    };
    let need = input
        .parse(
            &["next_gen_it".to_owned()],
            yingcai_domain::Date::new(2026, 1, 1).unwrap(),
        )
        .unwrap();
    let drafter = yingcai_store::Actor::account(team_officer, "team-officer@example.cn");
    let need = app
        .store
        .create_need(
            &yingcai_store::NewNeed {
                owner_account_id: team_officer,
                enterprise_id: Some(enterprise),
                issuer: "Fixture Co",
                need: &need,
                at: yingcai_store::now_ms(),
            },
            &drafter,
        )
        .await
        .unwrap();
    app.store
        .move_need(
            need,
            yingcai_domain::status::NeedStatus::Draft,
            yingcai_domain::status::NeedStatus::Submitted,
            "",
            yingcai_store::now_ms(),
            &drafter,
        )
        .await
        .unwrap();
    // The record's owner's bid, with a document, on a published need whose deadline has
    // passed: opened, so officers read it and nobody else does.
    let bid_need = crate::bids::published_need(app, team_officer, "Fixture bid need").await;
    let bidder = yingcai_services::bids::Caller {
        account_id: owner,
        email: "record-owner@example.cn".into(),
        may_bid: true,
        officer: false,
    };
    let bid = yingcai_services::bids::start_bid(
        &app.store,
        app.documents_dir(),
        &bidder,
        bid_need,
        &yingcai_domain::bid::BidInput {
            title: "Fixture bid".into(),
            ..Default::default()
        }
        .parse(yingcai_domain::bid::NeedTerms {
            budget: yingcai_domain::Fen(100_000_000),
            duration_months: 12,
        })
        .unwrap(),
        vec![yingcai_services::case_attachments::Upload {
            file_name: "plan.pdf".into(),
            bytes: b"%PDF-1.7 fixture plan".to_vec(),
            too_large: false,
        }],
        yingcai_store::now_ms(),
    )
    .await
    .unwrap();
    yingcai_services::bids::submit(&app.store, &bidder, bid, yingcai_store::now_ms())
        .await
        .unwrap();
    crate::bids::close(app, bid_need).await;
    yingcai_services::bids::open_due(&app.store, app.documents_dir(), yingcai_store::now_ms())
        .await
        .unwrap();
    let bid_document = app
        .store
        .open_bid_content(bid, owner)
        .await
        .unwrap()
        .documents[0]
        .document_id;
    Records {
        bid,
        bid_document,
        need,
        case,
        attachment,
        team,
        enterprise,
        talent,
        card: card.card_id,
        policy,
        entitlement,
        complex,
        unit,
        round,
        offer,
        document,
        import_report,
        payment_line,
    }
}

/// A page route's path with each parameter replaced by the record it stands for, chosen by
/// the path segment before it (`/officer/talents/{id}` → the talent). A new kind of
/// parameter fails here until it is given a fixture.
fn fill_route(template: &str, target: i64, submission: i64, r: Records) -> String {
    let mut out = Vec::new();
    let mut previous = "";
    for segment in template.split('/') {
        let value = if segment.starts_with('{') {
            match (previous, segment) {
                ("users", "{id}") => target.to_string(),
                ("submissions", "{id}") => submission.to_string(),
                ("talents", "{id}" | "{talent}") | ("receivables", "{talent}") => {
                    r.talent.to_string()
                }
                ("cards", "{id}") => r.card.to_string(),
                ("policy", "{id}") => r.policy.to_string(),
                ("entitlements", "{id}") => r.entitlement.to_string(),
                ("complexes", "{id}") => r.complex.to_string(),
                ("units", "{id}") => r.unit.to_string(),
                ("rounds" | "housing-rounds", "{id}") => r.round.to_string(),
                ("offers" | "leases" | "housing-offers", "{id}") => r.offer.to_string(),
                ("documents", "{id}") => r.document.to_string(),
                ("reports", "{id}") => r.import_report.to_string(),
                ("lines", "{id}") => r.payment_line.to_string(),
                ("cases", "{id}") => r.case.to_string(),
                ("attachments", "{attachment}") => r.attachment.to_string(),
                ("teams" | "service-teams", "{id}") => r.team.to_string(),
                ("enterprises", "{id}") => r.enterprise.to_string(),
                ("needs", "{id}") => r.need.to_string(),
                ("bids", "{id}") => r.bid.to_string(),
                ("documents", "{document}") => r.bid_document.to_string(),
                ("accounts", "{id}") => target.to_string(),
                ("payments" | "reports" | "payment-runs" | "spending-reports", "{month}") => {
                    EXPORTED_MONTH.to_owned()
                }
                ("{month}" | "bank-files", "{file}") => "bank.csv".to_owned(),
                ("payment-lines", "{id}") => r.payment_line.to_string(),
                _ => panic!("no fixture for {segment} after {previous:?} in {template}: add one"),
            }
        } else {
            segment.to_owned()
        };
        out.push(value);
        previous = segment;
    }
    out.join("/")
}

fn page_allowed(access: PageAccess, role: Role) -> bool {
    match access {
        PageAccess::Public | PageAccess::SignedIn => true,
        PageAccess::Role(needed) => needed == role,
        PageAccess::OfficerOrOwner => role == Role::Officer,
        // The fixtures belong to someone else.
        PageAccess::Owner | PageAccess::OwnTalent | PageAccess::OwnOfficer => false,
    }
}

/// What a role that may not use a page gets: 404 where the role could own such a thing
/// (someone else's must look as if it did not exist), 403 otherwise.
fn page_refusal(access: PageAccess, role: Role) -> StatusCode {
    match access {
        PageAccess::OfficerOrOwner | PageAccess::Owner => StatusCode::NOT_FOUND,
        PageAccess::OwnTalent if role == Role::Talent => StatusCode::NOT_FOUND,
        PageAccess::OwnOfficer if role == Role::Officer => StatusCode::NOT_FOUND,
        _ => StatusCode::FORBIDDEN,
    }
}

async fn call_page(visitor: &Visitor, method: &str, path: &str) -> (StatusCode, String) {
    let response = if method == "GET" {
        visitor.get(path).await
    } else {
        visitor.post_form(path, &[]).await
    };
    let status = response.status();
    let location = yingcai_testkit::location(&response);
    (status, location)
}

#[tokio::test]
async fn every_page_answers_each_role_and_strangers_correctly() {
    let app = TestApp::spawn().await;
    let target = app
        .create_account("target@example.cn", &[Role::Talent])
        .await;
    // Someone else's submission, awaiting verification.
    let owner = yingcai_store::Actor::account(target, "target@example.cn");
    let draft = yingcai_domain::TalentInput {
        name: "Target".into(),
        ..Default::default()
    };
    let submission = app
        .store
        .save_talent_draft(&owner, &draft, "")
        .await
        .unwrap();
    app.store.submit(submission, &owner).await.unwrap();
    let records = records(&app).await;
    let table = route_table();
    assert!(table.len() > 80, "the whole site: {}", table.len());
    for route in table
        .iter()
        .filter(|r| r.access != PageAccess::Public && !r.path.starts_with("/api/"))
    {
        let (method, access) = (&route.method, &route.access);
        let path = fill_route(route.path, target, submission, records);
        // A stranger is sent to sign in, and comes back here afterwards.
        let (status, location) = call_page(&app.visitor(), method, &path).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "stranger {method} {path}");
        assert!(
            location.starts_with("/login?next="),
            "stranger {method} {path} -> {location}"
        );

        for role in Role::ALL {
            // A fresh account per call: some routes (sign out everywhere) end the session.
            let email = format!(
                "{}-{}-{}@example.cn",
                role.as_str(),
                method.to_lowercase(),
                path.replace('/', "_")
            );
            let visitor = app.signed_in(&email, &[role]).await;
            let (status, location) = call_page(&visitor, method, &path).await;
            if page_allowed(*access, role) {
                assert!(
                    [
                        StatusCode::OK,
                        StatusCode::CREATED,
                        StatusCode::SEE_OTHER,
                        StatusCode::BAD_REQUEST,
                        // Issuing a second card for the same talent.
                        StatusCode::CONFLICT,
                        StatusCode::UNPROCESSABLE_ENTITY
                    ]
                    .contains(&status),
                    "{role} {method} {path}: {status}"
                );
                assert!(
                    !location.starts_with("/login"),
                    "{role} {method} {path} was sent to sign in"
                );
            } else {
                assert_eq!(
                    status,
                    page_refusal(*access, role),
                    "{role} {method} {path}"
                );
            }
        }
    }
}

#[tokio::test]
async fn every_api_operation_answers_each_role_and_strangers_correctly() {
    let app = TestApp::spawn().await;
    let target = app
        .create_account("target@example.cn", &[Role::Talent])
        .await;
    // Someone else's submission, awaiting verification (`/api/v1/submissions/{id}/…`).
    let owner = yingcai_store::Actor::account(target, "target@example.cn");
    let draft = yingcai_domain::TalentInput {
        name: "Target".into(),
        ..Default::default()
    };
    let submission = app
        .store
        .save_talent_draft(&owner, &draft, "")
        .await
        .unwrap();
    app.store.submit(submission, &owner).await.unwrap();
    let records = records(&app).await;
    let table = api_routes();
    assert!(table.len() > 10, "the whole API: {}", table.len());
    for (n, route) in table
        .iter()
        .filter(|r| r.access != PageAccess::Public)
        .enumerate()
    {
        let (method, access) = (route.method, route.access);
        let path = fill_route(route.path, target, submission, records);
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let stranger = ApiClient::new(&app);
        let response = stranger
            .send(method.clone(), &path, Some(serde_json::json!({})))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "stranger {method} {path}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unauthenticated");

        for role in Role::ALL {
            // Numbered: a long path would make too long an address.
            let email = format!("api-{}-{n}@example.cn", role.as_str());
            app.create_account(&email, &[role]).await;
            let client = ApiClient::signed_in(&app, &email, PASSWORD).await;
            let status = client
                .send(method.clone(), &path, Some(serde_json::json!({})))
                .await
                .status();
            if page_allowed(access, role) {
                assert!(
                    status.is_success()
                        || [StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY]
                            .contains(&status),
                    "{role} {method} {path}: {status}"
                );
            } else {
                assert_eq!(status, page_refusal(access, role), "{role} {method} {path}");
            }
        }
    }
}

#[tokio::test]
async fn unknown_ids_are_404_for_admins_and_403_for_others() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    let talent = app.signed_in("t@example.cn", &[Role::Talent]).await;
    for path in ["/admin/users/999999", "/admin/users/not-a-number"] {
        assert_eq!(
            admin.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
        assert_eq!(
            talent.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        admin
            .post_form("/admin/users/999999/password", &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // Ids are read by one extractor: anything but a positive number does not exist.
    let officer = app.signed_in("o@example.cn", &[Role::Officer]).await;
    for path in [
        "/officer/talents/abc",
        "/officer/talents/-5",
        "/officer/talents/0",
        "/officer/talents/99999999999999999999",
        "/officer/submissions/1.5",
        "/documents/%00",
    ] {
        assert_eq!(
            officer.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        talent.get("/workspace/admin").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        talent.get("/workspace/nobody").await.status(),
        StatusCode::NOT_FOUND
    );
}
