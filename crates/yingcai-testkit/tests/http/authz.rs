//! Every protected route, called as every role and as a stranger. A new protected route
//! must be added to `PAGES` or `API`; the OpenAPI test in `api.rs` fails when an API path
//! is missing from this table.

use reqwest::{Method, StatusCode};
use yingcai_domain::Role;
use yingcai_testkit::{ApiClient, PASSWORD, TestApp, Visitor};

/// Who may use a route.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Access {
    /// Any signed-in account.
    SignedIn,
    /// Only accounts holding this role.
    Role(Role),
    /// Officers; a talent asking for another's record gets 404 (as if it did not exist);
    /// anyone else 403.
    OfficerOrOwner,
    /// Only the talent it belongs to: another talent gets 404, anyone else 403.
    OwnTalent,
}

/// `{id}` is replaced by the id of another person's account, `{submission}` by the id of
/// another person's submission, `{talent}` by another person's verified record, `{card}`
/// by its green card, `{policy}` by a policy draft.
const PAGES: &[(&str, &str, Access)] = &[
    ("GET", "/account", Access::SignedIn),
    ("GET", "/account/password", Access::SignedIn),
    ("POST", "/account/password", Access::SignedIn),
    ("POST", "/account/sign-out-everywhere", Access::SignedIn),
    ("GET", "/workspace/talent", Access::Role(Role::Talent)),
    ("GET", "/talent/profile", Access::Role(Role::Talent)),
    ("POST", "/talent/profile", Access::Role(Role::Talent)),
    ("GET", "/talent/profile/history", Access::Role(Role::Talent)),
    (
        "POST",
        "/talent/profile/documents",
        Access::Role(Role::Talent),
    ),
    ("GET", "/enterprise/profile", Access::Role(Role::Enterprise)),
    (
        "POST",
        "/enterprise/profile",
        Access::Role(Role::Enterprise),
    ),
    ("GET", "/officer/submissions", Access::Role(Role::Officer)),
    ("GET", "/officer/import", Access::Role(Role::Officer)),
    ("POST", "/officer/import", Access::Role(Role::Officer)),
    (
        "GET",
        "/officer/submissions/{submission}",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/submissions/{submission}/verify",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/submissions/{submission}/return",
        Access::Role(Role::Officer),
    ),
    (
        "GET",
        "/workspace/enterprise",
        Access::Role(Role::Enterprise),
    ),
    ("GET", "/workspace/officer", Access::Role(Role::Officer)),
    ("GET", "/workspace/reviewer", Access::Role(Role::Reviewer)),
    ("GET", "/talent/benefits", Access::Role(Role::Talent)),
    (
        "GET",
        "/officer/talents/{talent}",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/talents/{talent}/card",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/cards/{card}/revoke",
        Access::Role(Role::Officer),
    ),
    ("GET", "/officer/entitlements", Access::Role(Role::Officer)),
    (
        "POST",
        "/officer/entitlements/{entitlement}/hold",
        Access::Role(Role::Officer),
    ),
    ("GET", "/officer/payments", Access::Role(Role::Officer)),
    ("POST", "/officer/payments", Access::Role(Role::Officer)),
    (
        "GET",
        "/officer/payments/2026-01",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/payments/2026-01/approve",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/payments/2026-01/export",
        Access::Role(Role::Officer),
    ),
    ("GET", "/talent/payments", Access::Role(Role::Talent)),
    ("GET", "/officer/housing", Access::Role(Role::Officer)),
    (
        "POST",
        "/officer/housing/complexes",
        Access::Role(Role::Officer),
    ),
    (
        "GET",
        "/officer/housing/complexes/{complex}",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/housing/complexes/{complex}/unit-types",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/housing/units/{unit}/status",
        Access::Role(Role::Officer),
    ),
    (
        "GET",
        "/officer/housing/import",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/housing/import",
        Access::Role(Role::Officer),
    ),
    (
        "GET",
        "/officer/housing/rounds",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/housing/rounds",
        Access::Role(Role::Officer),
    ),
    (
        "GET",
        "/officer/housing/rounds/{round}",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/housing/rounds/{round}/run",
        Access::Role(Role::Officer),
    ),
    (
        "GET",
        "/officer/housing/occupancy",
        Access::Role(Role::Officer),
    ),
    (
        "POST",
        "/officer/housing/leases/{offer}/notice",
        Access::Role(Role::Officer),
    ),
    ("GET", "/talent/housing", Access::Role(Role::Talent)),
    (
        "POST",
        "/talent/housing/rounds/{round}/ballot",
        Access::Role(Role::Talent),
    ),
    (
        "POST",
        "/talent/housing/rounds/{round}/withdraw",
        Access::Role(Role::Talent),
    ),
    (
        "POST",
        "/talent/housing/offers/{offer}/accept",
        Access::OwnTalent,
    ),
    (
        "POST",
        "/talent/housing/offers/{offer}/decline",
        Access::OwnTalent,
    ),
    ("GET", "/officer/reports", Access::Role(Role::Officer)),
    ("GET", "/officer/receivables", Access::Role(Role::Officer)),
    (
        "POST",
        "/officer/receivables/{talent}/repayment",
        Access::Role(Role::Officer),
    ),
    ("GET", "/admin/policy", Access::Role(Role::Admin)),
    ("POST", "/admin/policy", Access::Role(Role::Admin)),
    ("GET", "/admin/policy/{policy}", Access::Role(Role::Admin)),
    ("POST", "/admin/policy/{policy}", Access::Role(Role::Admin)),
    (
        "POST",
        "/admin/policy/{policy}/publish",
        Access::Role(Role::Admin),
    ),
    ("GET", "/admin/users", Access::Role(Role::Admin)),
    ("GET", "/admin/audit", Access::Role(Role::Admin)),
    ("GET", "/admin/users/new", Access::Role(Role::Admin)),
    ("POST", "/admin/users/new", Access::Role(Role::Admin)),
    ("GET", "/admin/users/{id}", Access::Role(Role::Admin)),
    ("POST", "/admin/users/{id}/roles", Access::Role(Role::Admin)),
    (
        "POST",
        "/admin/users/{id}/password",
        Access::Role(Role::Admin),
    ),
    (
        "POST",
        "/admin/users/{id}/status",
        Access::Role(Role::Admin),
    ),
];

pub(crate) const API: &[(&str, &str, Access)] = &[
    ("DELETE", "/api/v1/session", Access::SignedIn),
    ("POST", "/api/v1/session/revoke-all", Access::SignedIn),
    ("GET", "/api/v1/me", Access::SignedIn),
    ("PUT", "/api/v1/me/password", Access::SignedIn),
    ("GET", "/api/v1/admin/accounts", Access::Role(Role::Admin)),
    ("POST", "/api/v1/admin/accounts", Access::Role(Role::Admin)),
    (
        "GET",
        "/api/v1/admin/accounts/{id}",
        Access::Role(Role::Admin),
    ),
    (
        "PUT",
        "/api/v1/admin/accounts/{id}/roles",
        Access::Role(Role::Admin),
    ),
    (
        "POST",
        "/api/v1/admin/accounts/{id}/password-reset",
        Access::Role(Role::Admin),
    ),
    (
        "PUT",
        "/api/v1/admin/accounts/{id}/status",
        Access::Role(Role::Admin),
    ),
    (
        "GET",
        "/api/v1/talents/{talent}/explanation",
        Access::OfficerOrOwner,
    ),
];

/// Public API operations (no sign-in needed), for the OpenAPI completeness check.
pub(crate) const API_PUBLIC: &[(&str, &str)] =
    &[("POST", "/api/v1/accounts"), ("POST", "/api/v1/session")];

fn allowed(access: Access, role: Role) -> bool {
    match access {
        Access::SignedIn => true,
        Access::Role(needed) => needed == role,
        Access::OfficerOrOwner => role == Role::Officer,
        Access::OwnTalent => false,
    }
}

/// What a role that may not use a route gets.
fn refusal(access: Access, role: Role) -> StatusCode {
    match access {
        Access::OfficerOrOwner | Access::OwnTalent if role == Role::Talent => StatusCode::NOT_FOUND,
        _ => StatusCode::FORBIDDEN,
    }
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
    yingcai_jobs::policy::sweep(
        &app.store,
        &yingcai_jobs::policy::Policies::new(),
        yingcai_jobs::policy::today(),
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
        .unwrap()
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
    yingcai_jobs::housing::run_round(&app.store, &record, &system)
        .await
        .unwrap();
    let offer = app.store.offers_of_talent(talent).await.unwrap()[0].offer_id;
    let unit = app.store.units_of(complex).await.unwrap()[0].unit_id;
    Records {
        talent,
        card: card.card_id,
        policy,
        entitlement,
        complex,
        unit,
        round,
        offer,
    }
}

fn fill(template: &str, target: i64, submission: i64, r: Records) -> String {
    template
        .replace("{id}", &target.to_string())
        .replace("{submission}", &submission.to_string())
        .replace("{talent}", &r.talent.to_string())
        .replace("{card}", &r.card.to_string())
        .replace("{policy}", &r.policy.to_string())
        .replace("{entitlement}", &r.entitlement.to_string())
        .replace("{complex}", &r.complex.to_string())
        .replace("{unit}", &r.unit.to_string())
        .replace("{round}", &r.round.to_string())
        .replace("{offer}", &r.offer.to_string())
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
    app.store.submit(submission, &owner).await.unwrap().unwrap();
    let records = records(&app).await;
    for (method, template, access) in PAGES {
        let path = fill(template, target, submission, records);
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
            if allowed(*access, role) {
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
                assert_eq!(status, refusal(*access, role), "{role} {method} {path}");
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
    let records = records(&app).await;
    for (method, template, access) in API {
        let path = fill(template, target, 0, records);
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
            let email = format!(
                "api-{}-{}-{}@example.cn",
                role.as_str(),
                method.as_str().to_lowercase(),
                path.replace('/', "_")
            );
            app.create_account(&email, &[role]).await;
            let client = ApiClient::signed_in(&app, &email, PASSWORD).await;
            let status = client
                .send(method.clone(), &path, Some(serde_json::json!({})))
                .await
                .status();
            if allowed(*access, role) {
                assert!(
                    status.is_success()
                        || [StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY]
                            .contains(&status),
                    "{role} {method} {path}: {status}"
                );
            } else {
                assert_eq!(status, refusal(*access, role), "{role} {method} {path}");
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
    assert_eq!(
        talent.get("/workspace/admin").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        talent.get("/workspace/nobody").await.status(),
        StatusCode::NOT_FOUND
    );
}
