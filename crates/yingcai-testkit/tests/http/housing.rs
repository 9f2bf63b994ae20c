//! Talent apartments over HTTP: inventory, a round's life cycle from opening to lease,
//! what each party may see, and the lease exits.

use reqwest::StatusCode;
use yingcai_domain::{Housing, Role, TalentInput};
use yingcai_testkit::{PASSWORD, TestApp, Visitor, location};

pub(crate) fn talent(name: &str, resident_id: &str, housing: &str, months: &str) -> TalentInput {
    TalentInput {
        name: name.into(),
        resident_id: resident_id.into(),
        degree: "phd".into(),
        arrival_date: "2024-03-01".into(),
        employed_in_city: "true".into(),
        housing: housing.into(),
        home_purchase_date: if housing == "owns" {
            "2025-05-01".into()
        } else {
            String::new()
        },
        social_insurance_months: months.into(),
        bank_account: "6222021234567890123".into(),
        ..TalentInput::default()
    }
}

pub(crate) fn text(html: &str) -> String {
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

pub(crate) async fn upload(visitor: &Visitor, name: &str, body: &str) -> reqwest::Response {
    let csrf = visitor.cookie("yc_csrf").unwrap();
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name(name.to_owned()),
    );
    visitor
        .client
        .post(visitor.url("/officer/housing/import"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub(crate) async fn ballot(round_id: i64, v: &Visitor, ranks: Vec<(&str, &str)>) -> StatusCode {
    v.post_form(&format!("/talent/housing/rounds/{round_id}/ballot"), &ranks)
        .await
        .status()
}

/// A talent with an account, a verified record and a green card issued by `officer`.
pub(crate) async fn card_holder(
    app: &TestApp,
    officer: &Visitor,
    email: &str,
    input: &TalentInput,
) -> (i64, Visitor) {
    let owner = app.create_account(email, &[Role::Talent]).await;
    let talent_id = app.verified_talent(owner, email, input).await;
    let response = officer
        .post_form(&format!("/officer/talents/{talent_id}/card"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "card for {email}");
    let visitor = app.visitor();
    visitor.sign_in(email, PASSWORD).await;
    visitor.get("/lang/en").await;
    (talent_id, visitor)
}

pub(crate) const INVENTORY: &str = "complex_code,complex_name,district,address,operator,unit_type,area_m2,bedrooms,rent_yuan,unit_number\n\
    C1,Yuhua Talent Court,长安区,1 Yuhua Road,City Housing Co,Two rooms,75.5,2,1500,101\n\
    C2,Qiaoxi Talent Court,桥西区,9 Zhongshan Road,City Housing Co,One room,45,1,900.50,201\n";

#[tokio::test]
async fn inventory_is_managed_in_the_browser_and_imported_whole_or_not_at_all() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    officer.get("/lang/en").await;

    let response = officer
        .post_form(
            "/officer/housing/complexes",
            &[
                ("code", "C 1"),
                ("name", ""),
                ("district", "nowhere"),
                ("address", "x"),
                ("operator", "y"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let t = text(&response.text().await.unwrap());
    assert!(t.contains("Use 1 to 20 letters, digits or hyphens"), "{t}");
    assert!(t.contains("Choose a district from the list"), "{t}");
    assert!(app.store.complexes().await.unwrap().is_empty());

    let response = officer
        .post_form(
            "/officer/housing/complexes",
            &[
                ("code", "C9"),
                ("name", "Test Court"),
                ("district", "长安区"),
                ("address", "1 Road"),
                ("operator", "Op"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = location(&response);
    let complex_id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let response = officer
        .post_form(
            &format!("/officer/housing/complexes/{complex_id}/unit-types"),
            &[
                ("unit_type", "Studio"),
                ("area_m2", "30.255"),
                ("bedrooms", "1"),
                ("rent_yuan", "abc"),
                ("unit_numbers", "1-3"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let t = text(&response.text().await.unwrap());
    assert!(
        t.contains("at most two decimals") && t.contains("monthly rent in yuan"),
        "{t}"
    );
    let response = officer
        .post_form(
            &format!("/officer/housing/complexes/{complex_id}/unit-types"),
            &[
                ("unit_type", "Studio"),
                ("area_m2", "30.25"),
                ("bedrooms", "1"),
                ("rent_yuan", "800"),
                ("unit_numbers", "01-03"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let units = app.store.units_of(complex_id).await.unwrap();
    assert_eq!(
        units.iter().map(|u| u.number.as_str()).collect::<Vec<_>>(),
        ["01", "02", "03"]
    );
    // A unit number already registered refuses the whole unit type.
    let response = officer
        .post_form(
            &format!("/officer/housing/complexes/{complex_id}/unit-types"),
            &[
                ("unit_type", "Loft"),
                ("area_m2", "50"),
                ("bedrooms", "1"),
                ("rent_yuan", "1000"),
                ("unit_numbers", "03, 04"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(app.store.units_of(complex_id).await.unwrap().len(), 3);
    // Out of service and back.
    let unit = units[0].unit_id;
    let response = officer
        .post_form(
            &format!("/officer/housing/units/{unit}/status"),
            &[
                ("status", "maintenance"),
                ("complex", &complex_id.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.store.units_of(complex_id).await.unwrap()[0].status,
        yingcai_domain::UnitStatus::Maintenance
    );

    // Import: a bad row refuses the file, with row and column.
    let bad = format!(
        "{INVENTORY}C2,Qiaoxi Talent Court,桥西区,9 Zhongshan Road,City Housing Co,One room,45,1,-5,202\n"
    );
    let response = upload(&officer, "bad.csv", &bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let t = text(&response.text().await.unwrap());
    assert!(t.contains("4 rent_yuan"), "{t}");
    assert_eq!(app.store.complexes().await.unwrap().len(), 1);
    let response = upload(&officer, "inventory.csv", INVENTORY).await;
    assert_eq!(response.status(), StatusCode::OK);
    let t = text(&response.text().await.unwrap());
    assert!(
        t.contains("2 new complex(es), 2 new unit type(s), 2 unit(s) imported"),
        "{t}"
    );
    // The same file again clashes with what is registered: nothing more is written.
    let response = upload(&officer, "inventory.csv", INVENTORY).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, html) = officer.page("/officer/housing").await;
    let t = text(&html);
    assert!(
        t.contains("Yuhua Talent Court") && t.contains("Qiaoxi Talent Court"),
        "{t}"
    );
}

#[tokio::test]
async fn a_round_runs_from_ballots_to_a_published_result_offers_and_a_lease() {
    let app = TestApp::spawn().await;
    app.cover_calendar_years_from_now().await;
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    officer.get("/lang/en").await;
    assert_eq!(
        upload(&officer, "inventory.csv", INVENTORY).await.status(),
        StatusCode::OK
    );

    let (first, first_v) = card_holder(
        &app,
        &officer,
        "first@example.cn",
        &talent("王芳", "11010519491231002X", "rent", "40"),
    )
    .await;
    let (second, second_v) = card_holder(
        &app,
        &officer,
        "second@example.cn",
        &talent("李伟", "110101199003074477", "rent", "10"),
    )
    .await;
    let (_, owner_v) = card_holder(
        &app,
        &officer,
        "owner@example.cn",
        &talent("张敏", "110101198001010053", "owns", "60"),
    )
    .await;

    let types: Vec<String> = app
        .store
        .all_unit_types()
        .await
        .unwrap()
        .iter()
        .map(|(_, t)| t.unit_type_id.to_string())
        .collect();
    let tomorrow = (jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        + jiff::Span::new().days(1))
    .datetime()
    .strftime("%Y-%m-%dT%H:%M")
    .to_string();
    let defaults = |key: &str| match key {
        "priority" => yingcai_housing::PriorityRules::default().to_toml(),
        "offer" => yingcai_housing::OfferRules::default().to_toml(),
        _ => yingcai_housing::LeaseRules::default().to_toml(),
    };
    let (priority, offer, lease) = (defaults("priority"), defaults("offer"), defaults("lease"));
    let mut fields = vec![
        ("name", "Winter 2026"),
        ("deadline", tomorrow.as_str()),
        ("requirement", "card"),
        ("requirement", "no_home"),
        ("requirement", "employed"),
        ("priority_rules", priority.as_str()),
        ("offer_rules", offer.as_str()),
        ("lease_rules", lease.as_str()),
    ];
    // Broken rules are refused with the line.
    let mut broken = fields.clone();
    broken[5] = ("priority_rules", "[[key]]\ncriterion = \"age\"\n");
    broken.push(("unit_type", types[0].as_str()));
    let response = officer.post_form("/officer/housing/rounds", &broken).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&response.text().await.unwrap()).contains("line 2"));
    for t in &types {
        fields.push(("unit_type", t.as_str()));
    }
    let response = officer.post_form("/officer/housing/rounds", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let round_id: i64 = location(&response)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let round = app.store.round(round_id).await.unwrap();
    assert_eq!(
        round.seed.len(),
        64,
        "the seed is published when the round opens"
    );

    // The home owner is told why not, and cannot apply.
    let (_, html) = owner_v.page("/talent/housing").await;
    let t = text(&html);
    assert!(t.contains("Owns no home in the city owns not met"), "{t}");
    let response = owner_v
        .post_form(
            &format!("/talent/housing/rounds/{round_id}/ballot"),
            &[("rank1", "C1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Ballots: checked, changeable until the deadline.
    assert_eq!(
        ballot(round_id, &first_v, vec![("rank1", "C1"), ("rank2", "C1")]).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        ballot(round_id, &first_v, vec![("rank1", "C7")]).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        ballot(round_id, &first_v, vec![("rank1", "C2")]).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        ballot(round_id, &first_v, vec![("rank1", "C1"), ("rank2", "C2")]).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        ballot(round_id, &second_v, vec![("rank1", "C1")]).await,
        StatusCode::SEE_OTHER
    );
    let application = app
        .store
        .application(round_id, first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(application.ranking, ["C1", "C2"]);

    // Not before the deadline.
    let run = format!("/officer/housing/rounds/{round_id}/run");
    assert_eq!(
        officer.post_form(&run, &[]).await.status(),
        StatusCode::CONFLICT
    );
    app.store
        .execute_unchecked(&format!(
            "update housing_round set deadline_at = 1 where round_id = {round_id}"
        ))
        .await
        .unwrap();
    assert_eq!(
        ballot(round_id, &second_v, vec![("rank1", "C2")]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ballots close at the deadline"
    );
    assert_eq!(
        officer.post_form(&run, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        officer.post_form(&run, &[]).await.status(),
        StatusCode::CONFLICT,
        "once only"
    );
    let (_, html) = officer
        .page(&format!("/officer/housing/rounds/{round_id}"))
        .await;
    let t = text(&html);
    assert!(
        t.contains("Waiting lists") && t.contains("Yuhua Talent Court 1 李伟"),
        "the unmatched applicant waits for C1: {t}"
    );

    // Published: anyone can re-run the instance and get the result.
    let anonymous = app.visitor();
    anonymous.get("/lang/en").await;
    let (status, html) = anonymous.page(&format!("/housing/rounds/{round_id}")).await;
    assert_eq!(status, StatusCode::OK);
    let t = text(&html);
    assert!(
        t.contains(&round.seed) && t.contains("2 applicant(s); 1 offered a unit"),
        "{t}"
    );
    assert!(
        !t.contains("王芳") && !t.contains("李伟"),
        "no names in public: {t}"
    );
    let file = |name: &str| {
        let v = &anonymous;
        let path = format!("/housing/rounds/{round_id}/{name}");
        async move { v.get(&path).await.text().await.unwrap() }
    };
    let instance_json = file("instance.json").await;
    let result_csv = file("result.csv").await;
    let ranking_csv = file("ranking.csv").await;
    assert!(
        !instance_json.contains(&first.to_string()) || instance_json.contains("\"a"),
        "{instance_json}"
    );
    let instance = yingcai_allocation::Instance::from_json(instance_json.as_bytes()).unwrap();
    let mut rerun = Vec::new();
    yingcai_allocation::allocate(&instance)
        .write_csv(&mut rerun)
        .unwrap();
    assert_eq!(String::from_utf8(rerun).unwrap(), result_csv);
    let first_pseudonym = app.store.round_pseudonym(round_id, first);
    assert_eq!(
        result_csv,
        format!("applicant,complex\n{first_pseudonym},C1\n")
    );
    assert!(
        ranking_csv.starts_with("position,pseudonym,tier,insurance_months,arrival_date,ticket\n1,"),
        "{ranking_csv}"
    );

    // The unmatched applicant sees why: their position and the cut-off.
    let (_, html) = second_v.page("/talent/housing").await;
    let t = text(&html);
    assert!(
        t.contains("No unit could be offered to you in this round"),
        "{t}"
    );
    assert!(
        t.contains("Yuhua Talent Court 2 last admitted: 1 (1 unit(s))"),
        "{t}"
    );
    assert!(!t.contains("王芳"), "another's offer is not shown: {t}");

    // The offer: only its holder can answer it.
    let offer = app.store.offers_of_talent(first).await.unwrap().remove(0);
    assert_eq!(
        (offer.complex_code.as_str(), offer.status.as_str()),
        ("C1", "pending")
    );
    let accept = format!("/talent/housing/offers/{}/accept", offer.offer_id);
    assert_eq!(
        second_v.post_form(&accept, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, html) = first_v.page("/talent/housing").await;
    assert!(text(&html).contains("awaiting your answer"));

    // Declined: the unit goes to the next in priority on the waiting list.
    let decline = format!("/talent/housing/offers/{}/decline", offer.offer_id);
    assert_eq!(
        first_v.post_form(&decline, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        first_v.post_form(&accept, &[]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let offers = app.store.offers_of_talent(second).await.unwrap();
    assert_eq!(offers.len(), 1);
    assert_eq!(
        (offers[0].source.as_str(), offers[0].complex_code.as_str()),
        ("waiting_list", "C1")
    );

    // Accepted: a lease, the unit let, the record housed, the rent allowance stops.
    let policies = yingcai_services::policy::Policies::new();
    yingcai_services::policy::sweep(
        &app.store,
        &policies,
        yingcai_services::policy::today(),
        false,
    )
    .await
    .unwrap();
    let rent_before: i64 = app
        .store
        .entitlements(&yingcai_store::EntitlementFilter {
            talent_id: Some(second),
            ..Default::default()
        })
        .await
        .unwrap()
        .iter()
        .map(|e| e.total_fen)
        .sum();
    let response = second_v
        .post_form(
            &format!("/talent/housing/offers/{}/accept", offers[0].offer_id),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = second_v.page("/talent/housing").await;
    let t = text(&html);
    assert!(
        t.contains("Lease: Yuhua Talent Court 101") && t.contains("In force"),
        "{t}"
    );
    assert!(t.contains("rent ¥1,500.00 a month"), "{t}");
    let record = app.store.talent(second).await.unwrap();
    assert_eq!(record.profile.housing, Housing::TalentApartment);
    let rent_after: i64 = app
        .store
        .entitlements(&yingcai_store::EntitlementFilter {
            talent_id: Some(second),
            ..Default::default()
        })
        .await
        .unwrap()
        .iter()
        .filter(|e| e.status != yingcai_domain::EntitlementStatus::Ended)
        .map(|e| e.total_fen)
        .sum();
    assert!(
        rent_before > 0 && rent_after < rent_before,
        "{rent_after} < {rent_before}"
    );
    let (_, html) = officer.page("/officer/housing/occupancy").await;
    assert!(text(&html).contains("李伟 Yuhua Talent Court 101"));

    // The tenant buys a home: notice, then the lease ends and the unit is free again.
    app.store
        .execute_unchecked(&format!(
            "update talent set housing = 'owns', home_purchase_date = '2026-11-01' where talent_id = {second}"
        ))
        .await
        .unwrap();
    let set = yingcai_services::policy::Policies::new()
        .current(&app.store)
        .await
        .unwrap();
    let today = jiff::civil::date(2026, 11, 29);
    let review = yingcai_services::housing::review_leases(&app.store, &set, today)
        .await
        .unwrap();
    assert_eq!((review.notices, review.ended), (1, 0));
    let lease = app.store.leases_of_talent(second).await.unwrap().remove(0);
    assert_eq!(
        (
            lease.status.as_str(),
            lease.end_reason.as_deref(),
            lease.ends_on.map(|d| d.to_string())
        ),
        ("ending", Some("bought_home"), Some("2026-12-01".to_owned()))
    );
    let again = yingcai_services::housing::review_leases(&app.store, &set, today)
        .await
        .unwrap();
    assert_eq!((again.notices, again.ended), (0, 0), "idempotent");
    let later =
        yingcai_services::housing::review_leases(&app.store, &set, jiff::civil::date(2026, 12, 2))
            .await
            .unwrap();
    assert_eq!(later.ended, 1);
    let complexes = app.store.complexes().await.unwrap();
    let c1 = complexes.iter().find(|c| c.complex.code == "C1").unwrap();
    assert_eq!((c1.free, c1.let_), (1, 0));
}

#[tokio::test]
async fn an_offer_not_answered_in_time_lapses_and_counts_as_a_refusal() {
    let app = TestApp::spawn().await;
    app.cover_calendar_years_from_now().await;
    let calendar = yingcai_services::work_calendar::calendar(
        &app.store,
        &yingcai_worktime::WorkingHours::default(),
    )
    .await
    .unwrap();
    let officer = app.signed_in("officer@example.cn", &[Role::Officer]).await;
    officer.get("/lang/en").await;
    assert_eq!(
        upload(&officer, "inventory.csv", INVENTORY).await.status(),
        StatusCode::OK
    );
    let (first, first_v) = card_holder(
        &app,
        &officer,
        "first@example.cn",
        &talent("王芳", "11010519491231002X", "rent", "40"),
    )
    .await;
    let unit_types: Vec<i64> = app
        .store
        .all_unit_types()
        .await
        .unwrap()
        .iter()
        .map(|(_, t)| t.unit_type_id)
        .collect();
    let offer_rules =
        "response_days = 1\nrefusal_limit = 1\nbar_months = 6\nrefill = \"next_round\"\n";
    let round_id = app
        .store
        .open_round(
            &yingcai_store::NewRound {
                name: "Spring",
                deadline_at: yingcai_store::now_ms() + 60_000,
                seed: "00ff",
                requirements: &["card".to_owned()],
                priority_rules: &yingcai_housing::PriorityRules::default().to_toml(),
                offer_rules,
                lease_rules: &yingcai_housing::LeaseRules::default().to_toml(),
                unit_types: &unit_types,
            },
            &yingcai_store::Actor::System,
        )
        .await
        .unwrap();
    let response = first_v
        .post_form(
            &format!("/talent/housing/rounds/{round_id}/ballot"),
            &[("rank1", "C2")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.store
        .execute_unchecked(&format!(
            "update housing_round set deadline_at = 1 where round_id = {round_id}"
        ))
        .await
        .unwrap();
    assert_eq!(
        officer
            .post_form(&format!("/officer/housing/rounds/{round_id}/run"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        yingcai_services::housing::expire_and_refill(&app.store, &calendar)
            .await
            .unwrap()
            .expired,
        0
    );
    app.store
        .execute_unchecked("update offer set respond_by = 1")
        .await
        .unwrap();
    assert_eq!(
        yingcai_services::housing::expire_and_refill(&app.store, &calendar)
            .await
            .unwrap()
            .expired,
        1
    );
    assert_eq!(
        yingcai_services::housing::expire_and_refill(&app.store, &calendar)
            .await
            .unwrap()
            .expired,
        0
    );
    let offer = app.store.offers_of_talent(first).await.unwrap().remove(0);
    assert_eq!(offer.status, yingcai_domain::OfferStatus::Expired);
    let complexes = app.store.complexes().await.unwrap();
    assert!(
        complexes.iter().all(|c| c.offered == 0),
        "the unit is free for the next round"
    );
    // One refusal bars for six months under these rules: a new round says so.
    let next = app
        .store
        .open_round(
            &yingcai_store::NewRound {
                name: "Summer",
                deadline_at: yingcai_store::now_ms() + 600_000,
                seed: "0a",
                requirements: &["card".to_owned()],
                priority_rules: &yingcai_housing::PriorityRules::default().to_toml(),
                offer_rules,
                lease_rules: &yingcai_housing::LeaseRules::default().to_toml(),
                unit_types: &unit_types,
            },
            &yingcai_store::Actor::System,
        )
        .await
        .unwrap();
    let (_, html) = first_v.page("/talent/housing").await;
    assert!(
        text(&html).contains("Barred after refused offers until"),
        "{html}"
    );
    // Without a card, the engine's criteria say why.
    let owner = app
        .create_account("nocard@example.cn", &[Role::Talent])
        .await;
    app.verified_talent(
        owner,
        "nocard@example.cn",
        &TalentInput {
            employed_in_city: "false".into(),
            ..talent("赵强", "110101199003074477", "rent", "5")
        },
    )
    .await;
    let visitor = app.visitor();
    visitor.sign_in("nocard@example.cn", PASSWORD).await;
    visitor.get("/lang/en").await;
    let (_, html) = visitor.page("/talent/housing").await;
    let t = text(&html);
    assert!(t.contains("No green card is in force"), "{t}");
    assert!(t.contains("employed in the city: false"), "{t}");
    let response = first_v
        .post_form(
            &format!("/talent/housing/rounds/{next}/ballot"),
            &[("rank1", "C2")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
