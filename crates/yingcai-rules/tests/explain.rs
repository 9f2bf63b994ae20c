//! Explanations: refusals say why and what would change the result, in zh and en.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

mod common;
use common::*;
use yingcai_rules::person::{Degree, Housing, Person};
use yingcai_rules::{evaluate, explain};

fn phd(arrival: &str, housing: Housing, purchase: Option<&str>) -> Person {
    Person {
        id: 1,
        birth_date: "1990-05-15".parse().unwrap(),
        degree: Degree::Phd,
        honors: 0,
        arrival_date: arrival.parse().unwrap(),
        employed_in_city: true,
        housing,
        home_purchase_date: purchase.map(|p| p.parse().unwrap()),
        social_insurance_months: 10,
    }
}

fn reasons_en(e: &yingcai_rules::BenefitExplanation) -> String {
    e.reasons
        .iter()
        .map(|r| r.en.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn window_not_yet_open() {
    let e = explain(
        &default_pack(),
        &phd("2027-03-05", Housing::Rent, None),
        month("2026-11"),
    );
    let rent = &e.benefits[0];
    assert!(!rent.eligible);
    assert!(
        reasons_en(rent).contains("eligible from 2027-03"),
        "{}",
        reasons_en(rent)
    );
    assert!(
        rent.reasons
            .iter()
            .any(|r| r.zh.contains("自2027-03起可享受"))
    );
    assert_eq!(
        rent.window.as_ref().unwrap().first.unwrap().to_string(),
        "2027-03"
    );
}

#[test]
fn window_closed() {
    let e = explain(
        &default_pack(),
        &phd("2020-09-01", Housing::Rent, None),
        month("2026-11"),
    );
    let rent = &e.benefits[0];
    assert!(
        reasons_en(rent).contains("the 60-month window ended 2025-08"),
        "{}",
        reasons_en(rent)
    );
    assert!(
        rent.reasons
            .iter()
            .any(|r| r.zh.contains("60个月的享受期已于2025-08结束"))
    );
}

#[test]
fn housing_requirement_shows_the_talents_value() {
    let e = explain(
        &default_pack(),
        &phd("2024-09-01", Housing::Owns, None),
        month("2026-11"),
    );
    let rent = &e.benefits[0];
    assert!(!rent.eligible);
    let housing = rent.conditions.iter().find(|c| c.id == "housing").unwrap();
    assert!(!housing.held);
    assert_eq!(housing.values[0].value, "owns");
    assert!(reasons_en(rent).contains("requires: has no place to live of their own (no housing or renting); yours: housing = owns"), "{}", reasons_en(rent));
    assert!(
        rent.reasons
            .iter()
            .any(|r| r.zh.contains("住房情况 = owns"))
    );
}

#[test]
fn eligible_benefit_names_amount_clause_and_dated_value() {
    let pack = default_pack();
    let p = phd("2024-09-01", Housing::Rent, Some("2026-02-10"));
    let e = explain(&pack, &p, month("2026-02"));
    assert_eq!(e.card.tier.as_deref(), Some("B"));
    assert!(
        e.card.tiers[0]
            .conditions
            .iter()
            .any(|c| c.id == "honors" && !c.held)
    );
    assert_eq!(e.card.services.len(), 3);
    let buy = &e.benefits[1];
    assert!(buy.eligible);
    assert_eq!(buy.amount_fen, 30_000_000);
    let amount = buy.amount.as_ref().unwrap();
    assert_eq!(amount.key_value.as_deref(), Some("phd"));
    assert_eq!(amount.in_force_from.to_string(), "2019-01-01");
    assert_eq!(amount.reference.document_id, "hebei-scorecard-2023");
    assert_eq!(e.pack.version, "2023.1");
    // the rent allowance is refused by both exclusions this month
    let rent = &e.benefits[0];
    assert!(!rent.eligible);
    assert!(rent.exclusions.iter().all(|x| x.applied));
    assert!(
        reasons_en(rent).contains("not payable: home bought in the city"),
        "{}",
        reasons_en(rent)
    );
    // and agrees with evaluate()
    let d = evaluate(&pack, &p, month("2026-02"));
    assert_eq!(d.amount("purchase_allowance"), Some(buy.amount_fen));
    assert_eq!(d.amount("rent_allowance"), Some(0));
    // serialisable for the API, with both languages
    let json = serde_json::to_value(&e).unwrap();
    assert!(json["benefits"][0]["reasons"][0]["zh"].is_string());
    assert!(
        json["benefits"][1]["outcome"]["en"]
            .as_str()
            .unwrap()
            .contains("¥300,000.00")
    );
    assert!(
        json["benefits"][1]["outcome"]["zh"]
            .as_str()
            .unwrap()
            .ends_with("：¥300,000.00")
    );
}

#[test]
fn one_time_benefit_outside_its_month() {
    let e = explain(
        &default_pack(),
        &phd("2024-09-01", Housing::Owns, Some("2026-02-10")),
        month("2026-05"),
    );
    let buy = &e.benefits[1];
    assert!(
        reasons_en(buy).contains("paid once, in the month of the purchase month (2026-02)"),
        "{}",
        reasons_en(buy)
    );
}

#[test]
fn generic_next_month_hint() {
    // Not in the window yet is said by the window; here the blocker is the purchase
    // month, which only one month fixes: the hint finds it from the breakpoints.
    let e = explain(
        &default_pack(),
        &phd("2024-09-01", Housing::Owns, Some("2027-06-10")),
        month("2026-05"),
    );
    let buy = &e.benefits[1];
    assert!(
        reasons_en(buy).contains("payable from 2027-06 if nothing else changes"),
        "{}",
        reasons_en(buy)
    );
}
