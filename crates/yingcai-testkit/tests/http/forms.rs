//! Forms read into their input structs: text where a number belongs, repeated fields, and
//! the anti-forgery token every form route still demands.

use reqwest::StatusCode;
use yingcai_domain::Role;
use yingcai_store::AccountFilter;
use yingcai_testkit::{TestApp, Visitor, location};
use yingcai_web::routes::{Access, route_table};

async fn complex(officer: &Visitor) -> i64 {
    let response = officer
        .post_form(
            "/officer/housing/complexes",
            &[
                ("code", "F1"),
                ("name", "Form Court"),
                ("district", "长安区"),
                ("address", "1 Road"),
                ("operator", "Op"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(&response)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn text_where_a_number_belongs_is_a_field_error_on_the_page_not_a_server_error() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    let complex_id = complex(&officer).await;
    let response = officer
        .post_form(
            &format!("/officer/housing/complexes/{complex_id}/unit-types"),
            &[
                ("unit_type", "Studio"),
                ("area_m2", "thirty"),
                ("bedrooms", "two"),
                ("rent_yuan", "800"),
                ("unit_numbers", "1-3"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    // The complex's own page, each field with its error, the text kept for correction.
    for field in ["area_m2", "bedrooms"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert!(!html.contains("id=\"rent_yuan-error\""));
    assert!(html.contains("value=\"two\""));
    assert!(app.store.units_of(complex_id).await.unwrap().is_empty());

    // A month and an amount, given as words.
    let response = officer
        .post_form("/officer/payments", &[("month", "next month")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = officer
        .post_form("/officer/receivables/1/repayment", &[("amount", "a lot")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_repeated_field_carries_every_value_and_a_single_one_its_first() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin@example.cn", &[Role::Admin]).await;
    let response = admin
        .post_form(
            "/admin/users/new",
            &[
                ("display_name", "Officer Qian"),
                ("email", "qian@bureau.example.cn"),
                // A crafted second e-mail: the first counts, as it always did.
                ("email", "other@bureau.example.cn"),
                ("roles", "officer"),
                ("roles", "reviewer"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let accounts = app
        .store
        .list_accounts(&AccountFilter {
            text: Some("bureau.example.cn".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(accounts.len(), 1);
    let account = &accounts[0];
    assert_eq!(account.email, "qian@bureau.example.cn");
    assert!(account.has_role(Role::Officer) && account.has_role(Role::Reviewer));
    assert!(!account.has_role(Role::Admin));

    let path = format!("/admin/users/{}/roles", account.account_id);
    let response = admin
        .post_form(&path, &[("roles", "reviewer"), ("roles", "admin")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let account = app.store.account(account.account_id).await.unwrap();
    assert!(account.has_role(Role::Admin) && account.has_role(Role::Reviewer));
    assert!(!account.has_role(Role::Officer));
    // No box ticked sends no field at all: the roles error, on the account's page.
    let response = admin.post_form(&path, &[]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<fieldset class=\"field has-error\">")
    );
}

/// Every form route the route table lists, as a role that may use it: without the
/// anti-forgery token it answers 403 whatever the fields, as an upload too.
#[tokio::test]
async fn a_form_without_its_token_is_refused_on_every_form_route() {
    let app = TestApp::spawn().await;
    let mut visitors: Vec<(Role, Visitor)> = Vec::new();
    for role in Role::ALL {
        let email = format!("forms-{}@example.cn", role.as_str());
        visitors.push((role, app.signed_in(&email, &[role]).await));
    }
    let stranger = app.visitor();
    stranger.get("/").await;
    let everyone = AccountFilter {
        limit: 1000,
        ..Default::default()
    };
    let accounts = app.store.list_accounts(&everyone).await.unwrap().len();
    let routes: Vec<_> = route_table()
        .into_iter()
        // The language switcher is deliberately usable without a token; the JSON API reads
        // no forms (a browser session sends the token as a header there, tested in api.rs).
        .filter(|r| r.method == "POST" && r.path != "/lang/{tag}" && !r.path.starts_with("/api/"))
        .collect();
    assert!(routes.len() > 30, "{}", routes.len());
    for route in routes {
        let role = match route.access {
            Access::Public => None,
            Access::SignedIn | Access::Owner | Access::OwnTalent => Some(Role::Talent),
            Access::Role(role) => Some(role),
            Access::OfficerOrOwner | Access::OwnOfficer => Some(Role::Officer),
        };
        let visitor = match role {
            None => &stranger,
            Some(role) => &visitors.iter().find(|(r, _)| *r == role).unwrap().1,
        };
        let path = route
            .path
            .split('/')
            .map(|segment| match segment {
                "{month}" => "2026-01",
                s if s.starts_with('{') => "1",
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/");
        let fields = [
            ("reason", "x"),
            ("month", "2026-01"),
            ("roles", "officer"),
            ("email", "x@example.cn"),
        ];
        let mut status = visitor.post_form_raw(&path, &fields).await.status();
        if status == StatusCode::BAD_REQUEST {
            // An upload route: the same refusal for a file without the token.
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(b"a,b\n1,2\n".to_vec()).file_name("f.csv"),
            );
            status = visitor
                .client
                .post(visitor.url(&path))
                .multipart(form)
                .send()
                .await
                .unwrap()
                .status();
        }
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} POST {path}");
    }
    assert_eq!(
        app.store.list_accounts(&everyone).await.unwrap().len(),
        accounts
    );
}
