//! Hostile input: random and extreme values (dates out of every range, huge and negative
//! numbers, control characters, very long strings, non-UTF-8 escapes) in the path and query
//! of every page the route table lists, as a role that may see it, and in the public forms.
//! Whatever arrives, the answer is below 500: a field error, a 404 or a redirect, never a
//! crash.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use yingcai_domain::Role;
use yingcai_testkit::{TestApp, Visitor};
use yingcai_web::routes::{Access, route_table};

/// The query parameter names the site's pages read, each with a plausible value: a case
/// starts from all of them (so a page goes as deep as it can) and spoils a few.
const QUERY: &[(&str, &str)] = &[
    ("next", "/account"),
    ("status", "submitted"),
    ("kind", "talent"),
    ("district", "长安区"),
    ("days", "7"),
    ("page", "2"),
    ("q", "李"),
    ("role", "talent"),
    ("month", "2026-01"),
    ("as_of", "2026-01-01"),
    ("degree", "phd"),
    ("honors", "academician"),
    ("birth_date", "1990-05-01"),
    ("arrival_date", "2024-03-01"),
    ("employed_in_city", "true"),
    ("housing", "rent"),
    ("home_purchase_date", "2025-01-01"),
    ("social_insurance_months", "12"),
    ("token", "YC1.abc.def"),
    ("benefit", "rent_allowance"),
    ("from", "2026-01"),
    ("to", "2026-12"),
    ("dimension", "degree"),
    ("version", "1"),
    ("entity", "talent"),
    ("actor", "admin"),
    ("action", "talent.verify"),
    ("saved", "1"),
    ("done", "roles"),
    ("registered", "1"),
];

/// Values that have broken parsers somewhere.
const FIXED: &[&str] = &[
    "",
    "0999-01-01",
    "-999-01-01",
    "0000-00-00",
    "9999-12-31",
    "2200-13-45",
    "1899-12-31",
    "2024-02-30",
    "0000-01",
    "9999-12",
    "-1",
    "99999999999999999999999",
    "-9223372036854775808",
    "9223372036854775807",
    "1e309",
    "NaN",
    "%00%FF%FE",
    "\u{0}\t\n\r\u{7f}",
    "../../../etc/passwd",
    "/\t/evil.example",
    "<script>alert(1)</script>",
];

/// Values that have broken parsers somewhere, plus random text; `long` adds strings of
/// thousands of characters (kept out of query strings, whose total a client limits).
fn hostile_values(long: bool) -> impl Strategy<Value = String> {
    let long = if long {
        prop_oneof![Just("x".repeat(4_000)), Just("中".repeat(600))].boxed()
    } else {
        Just("x".repeat(200)).boxed()
    };
    prop_oneof![
        long,
        proptest::sample::select(FIXED).prop_map(str::to_owned),
        "\\PC{0,40}",
        "[0-9-]{0,12}",
        any::<i64>().prop_map(|n| n.to_string()),
    ]
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Every GET page route, with `{params}` filled by `value`, and the role to ask as.
fn pages() -> Vec<(&'static str, Option<Role>)> {
    route_table()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| match r.access {
            Access::Public => (r.path, None),
            Access::SignedIn => (r.path, Some(Role::Talent)),
            Access::Role(role) => (r.path, Some(role)),
            Access::OfficerOrOwner => (r.path, Some(Role::Officer)),
            Access::OwnOfficer => (r.path, Some(Role::Officer)),
            Access::Owner | Access::OwnTalent => (r.path, Some(Role::Talent)),
        })
        .collect()
}

fn fill(template: &str, value: &str) -> String {
    template
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                encode(value)
            } else {
                segment.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn no_page_answers_a_server_error_whatever_its_path_and_query_hold() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (app, visitors) = runtime.block_on(async {
        let app = TestApp::spawn().await;
        // Publishes the built-in policy, so the calculator and explanations really run.
        app.visitor().get("/calculator").await;
        let mut visitors: Vec<(Role, Visitor)> = Vec::new();
        for role in Role::ALL {
            let email = format!("hostile-{}@example.cn", role.as_str());
            visitors.push((role, app.signed_in(&email, &[role]).await));
        }
        (app, visitors)
    });
    let stranger = app.visitor();
    let routes = pages();
    assert!(routes.len() > 40, "{}", routes.len());
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let spoiled = (0..QUERY.len(), hostile_values(false));
    let strategy = (
        hostile_values(true),
        proptest::collection::vec(spoiled, 1..4),
    );
    runner
        .run(&strategy, |(param, spoiled)| {
            let mut values: Vec<String> = QUERY.iter().map(|(_, v)| (*v).to_owned()).collect();
            for (index, value) in spoiled {
                values[index] = value;
            }
            let query: Vec<String> = QUERY
                .iter()
                .zip(&values)
                .map(|((name, _), value)| format!("{name}={}", encode(value)))
                .collect();
            let query = query.join("&");
            for (template, role) in &routes {
                let path = format!("{}?{query}", fill(template, &param));
                let visitor = match role {
                    None => &stranger,
                    Some(role) => &visitors.iter().find(|(r, _)| r == role).unwrap().1,
                };
                let status = runtime.block_on(visitor.get(&path)).status();
                prop_assert!(
                    status.as_u16() < 500,
                    "{role:?} GET {template} with path value {param:?} and query {query}: {status}"
                );
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn public_forms_answer_field_errors_not_server_errors() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(TestApp::spawn());
    let visitor = app.visitor();
    runtime.block_on(visitor.get("/"));
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = proptest::collection::vec(hostile_values(true), 6);
    runner
        .run(&strategy, |v| {
            let register = [
                ("role", v[0].as_str()),
                ("display_name", v[1].as_str()),
                ("email", v[2].as_str()),
                ("phone", v[3].as_str()),
                ("password", v[4].as_str()),
                ("password_confirm", v[5].as_str()),
            ];
            let login = [
                ("email", v[2].as_str()),
                ("password", v[4].as_str()),
                ("next", v[1].as_str()),
            ];
            for (path, fields) in [("/register", &register[..]), ("/login", &login[..])] {
                let status = runtime.block_on(visitor.post_form(path, fields)).status();
                prop_assert!(status.as_u16() < 500, "POST {path} {fields:?}: {status}");
                // A wrong field is said as such, on the page, not as a bare refusal.
                prop_assert!(
                    [
                        StatusCode::SEE_OTHER,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        StatusCode::TOO_MANY_REQUESTS
                    ]
                    .contains(&status),
                    "POST {path} {fields:?}: {status}"
                );
            }
            let lang = runtime
                .block_on(
                    visitor.post_form(&format!("/lang/{}", encode(&v[0])), &[("next", &v[1])]),
                )
                .status();
            prop_assert!(lang.as_u16() < 500, "POST /lang/{:?}: {lang}", v[0]);
            Ok(())
        })
        .unwrap();
}

/// Every public page, with each query field in turn set to each of the values that have
/// broken parsers, the others plausible: deterministic, so a regression is always caught.
#[tokio::test]
async fn every_public_page_survives_each_field_spoiled_in_turn() {
    let app = TestApp::spawn().await;
    app.visitor().get("/calculator").await;
    let visitor = app.visitor();
    let public: Vec<&str> = route_table()
        .into_iter()
        .filter(|r| r.method == "GET" && r.access == Access::Public)
        .map(|r| r.path)
        .collect();
    for (index, (name, _)) in QUERY.iter().enumerate() {
        for bad in FIXED {
            let query: Vec<String> = QUERY
                .iter()
                .enumerate()
                .map(|(i, (n, plausible))| {
                    format!("{n}={}", encode(if i == index { bad } else { plausible }))
                })
                .collect();
            let query = query.join("&");
            for template in &public {
                let path = format!("{}?{query}", fill(template, bad));
                let status = visitor.get(&path).await.status();
                assert!(
                    status.as_u16() < 500,
                    "GET {template} with {name}={bad:?}: {status}"
                );
            }
        }
    }
}
