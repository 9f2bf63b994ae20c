//! A wrong pack is refused on load, naming the file, the line and the field.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

mod common;
use common::DEFAULT_PACK;
use yingcai_rules::{CompiledPack, PackErrorKind, PackVersions};

/// Replaces `from` (must occur exactly `nth`-th... once) with `to` and expects a refusal
/// of `kind` on the line containing `marker`, naming `field`.
fn refused(from: &str, to: &str, kind: PackErrorKind, marker: &str, field: &str) -> String {
    assert_eq!(
        DEFAULT_PACK.matches(from).count(),
        1,
        "fixture `{from}` must be unique"
    );
    let src = DEFAULT_PACK.replacen(from, to, 1);
    let err = CompiledPack::load("sjz.toml", &src).expect_err("must be refused");
    let msg = err.to_string();
    let line = src
        .lines()
        .position(|l| l.contains(marker))
        .expect("marker present")
        + 1;
    assert!(
        msg.starts_with(&format!("sjz.toml:{line}: ")),
        "wrong file/line in: {msg}"
    );
    assert!(msg.contains(field), "field `{field}` not named in: {msg}");
    assert_eq!(err.kind(), Some(kind), "{msg}");
    msg
}

#[test]
fn the_default_pack_loads() {
    let p = common::default_pack();
    assert_eq!(p.tiers().collect::<Vec<_>>(), ["A", "B"]);
    assert_eq!(
        p.benefit_ids().collect::<Vec<_>>(),
        ["rent_allowance", "purchase_allowance"]
    );
}

#[test]
fn unknown_field() {
    let m = refused(
        "kind = \"monthly\"\n",
        "kind = \"monthly\"\ncolour = \"red\"\n",
        PackErrorKind::UnknownField,
        "colour",
        "benefits.colour",
    );
    assert!(m.contains("unknown field `colour`"));
}

#[test]
fn type_error() {
    let m = refused(
        "window = { start = \"arrival_month\", months = 60 }\n\n[[benefits.conditions]]\nid = \"card\"\nlabel = { zh = \"持有人才绿卡（A类或B类）\", en = \"holds a talent green card (A or B)\" }\nwhen = \"has_card\"\n\n[[benefits.conditions]]\nid = \"housing\"",
        "window = { start = \"arrival_month\", months = \"sixty\" }\n\n[[benefits.conditions]]\nid = \"card\"\nlabel = { zh = \"持有人才绿卡（A类或B类）\", en = \"holds a talent green card (A or B)\" }\nwhen = \"has_card\"\n\n[[benefits.conditions]]\nid = \"housing\"",
        PackErrorKind::Type,
        "\"sixty\"",
        "benefits.window",
    );
    assert!(m.contains("invalid type"));
}

#[test]
fn float_money_is_a_type_error() {
    refused(
        "amounts = { phd = 3000, master = 1500",
        "amounts = { phd = 3000.5, master = 1500",
        PackErrorKind::Type,
        "3000.5",
        "parameters.values.amounts",
    );
}

#[test]
fn unknown_variable_in_a_condition() {
    let m = refused(
        "when = \"housing in ['none', 'rent']\"",
        "when = \"housng in ['none', 'rent']\"",
        PackErrorKind::UnknownVariable,
        "housng",
        "benefits[rent_allowance].conditions[housing].when",
    );
    assert!(m.contains("unknown variable `housng`"));
}

#[test]
fn condition_that_is_not_boolean() {
    let m = refused(
        "when = \"housing in ['none', 'rent']\"",
        "when = \"social_insurance_months + 1\"",
        PackErrorKind::NotBoolean,
        "social_insurance_months + 1",
        "benefits[rent_allowance].conditions[housing].when",
    );
    assert!(m.contains("not boolean"));
}

#[test]
fn condition_with_a_type_error_or_bad_syntax() {
    refused(
        "when = \"honors != ''\"",
        "when = \"honors != 'nobel'\"",
        PackErrorKind::Condition,
        "nobel",
        "cards[A].criteria[honors].when",
    );
    refused(
        "when = \"honors != ''\"",
        "when = \"honors != \"",
        PackErrorKind::Condition,
        "when = \"honors != \"",
        "cards[A].criteria[honors].when",
    );
    refused(
        "when = \"months_since_purchase >= 0\"",
        "when = \"arrival_month >= 0\"",
        PackErrorKind::Condition,
        "arrival_month >= 0",
        "exclusions[home_purchased].when",
    );
}

#[test]
fn overlapping_dated_values() {
    let m = refused(
        "until = \"2018-12-31\"",
        "until = \"2019-06-30\"",
        PackErrorKind::Overlap,
        "from = \"2019-01-01\"",
        "parameters[purchase_allowance].values.from",
    );
    assert!(m.contains("overlaps"));
}

#[test]
fn open_ended_value_followed_by_another_overlaps() {
    refused(
        "until = \"2018-12-31\"\n",
        "",
        PackErrorKind::Overlap,
        "from = \"2019-01-01\"",
        "parameters[purchase_allowance].values.from",
    );
}

#[test]
fn duplicate_dated_values() {
    let src = DEFAULT_PACK.replacen(
        "from = \"2019-01-01\"",
        "from = \"2017-01-01\"\nuntil = \"2017-06-30\"",
        1,
    );
    let err = CompiledPack::load("sjz.toml", &src).unwrap_err();
    // the second value starting 2017-01-01 in the purchase allowance's list
    let line = src
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "from = \"2017-01-01\"")
        .nth(2)
        .unwrap()
        .0
        + 1;
    assert_eq!(err.kind(), Some(PackErrorKind::Duplicate));
    assert!(
        err.to_string().starts_with(&format!("sjz.toml:{line}: parameters[purchase_allowance].values.from: two values take effect on 2017-01-01")),
        "{err}"
    );
}

#[test]
fn duplicate_ids() {
    let src = DEFAULT_PACK.replacen(
        "id = \"purchase_allowance\"\nkind",
        "id = \"rent_allowance\"\nkind",
        1,
    );
    let msg = CompiledPack::load("sjz.toml", &src)
        .unwrap_err()
        .to_string();
    let line = src
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "id = \"rent_allowance\"")
        .nth(1)
        .unwrap()
        .0
        + 1;
    assert!(
        msg.starts_with(&format!("sjz.toml:{line}: benefits[rent_allowance].id")),
        "{msg}"
    );
}

#[test]
fn cycle_between_benefits() {
    // rent is excluded *by* the purchase allowance, so purchase may not depend on rent.
    let m = refused(
        "when = \"has_card\"\n\n# -----",
        "when = \"has_card\"\n\n[[benefits.conditions]]\nid = \"no_rent\"\nlabel = { zh = \"未领租房补贴\", en = \"no rent allowance\" }\nwhen = \"!benefit.rent_allowance\"\n\n# -----",
        PackErrorKind::Cycle,
        "id = \"rent_allowance\"",
        "benefits[rent_allowance]",
    );
    assert!(
        m.contains("rent_allowance -> purchase_allowance -> rent_allowance"),
        "{m}"
    );
}

#[test]
fn exclusion_naming_an_unknown_benefit() {
    let m = refused(
        "excludes = [\"rent_allowance\"]\nwhen",
        "excludes = [\"rent_alowance\"]\nwhen",
        PackErrorKind::UnknownReference,
        "rent_alowance",
        "exclusions[home_purchased].excludes",
    );
    assert!(m.contains("unknown benefit `rent_alowance`"));
    refused(
        "by = [\"purchase_allowance\"]",
        "by = [\"bonus\"]",
        PackErrorKind::UnknownReference,
        "by = [\"bonus\"]",
        "exclusions[purchase_allowance_paid].by",
    );
}

#[test]
fn unknown_references() {
    refused(
        "amount = \"rent_allowance\"",
        "amount = \"rent\"",
        PackErrorKind::UnknownReference,
        "amount = \"rent\"",
        "benefits[rent_allowance].amount",
    );
    refused(
        "reference = { document = \"hebei-scorecard-2023\", article = \"para. 2\" }\nby = \"degree\"\nunit = \"yuan\"\n\n[[parameters.values]]\n# Start",
        "reference = { document = \"hebei-2023\", article = \"para. 2\" }\nby = \"degree\"\nunit = \"yuan\"\n\n[[parameters.values]]\n# Start",
        PackErrorKind::UnknownReference,
        "hebei-2023",
        "parameters[rent_allowance].reference.document",
    );
    refused(
        "month.\nwindow = { start = \"arrival_month\"",
        "month.\nwindow = { start = \"arrival\"",
        PackErrorKind::UnknownVariable,
        "start = \"arrival\"",
        "benefits[purchase_allowance].window.start",
    );
}

#[test]
fn amount_tables_must_match_their_key() {
    refused(
        "amounts = { phd = 3000, master = 1500, bachelor = 1000, none = 0 }",
        "amounts = { phd = 3000, master = 1500, bachelor = 1000 }",
        PackErrorKind::MissingField,
        "amounts = { phd = 3000, master = 1500, bachelor = 1000 }",
        "parameters[rent_allowance].values[0].amounts",
    );
    refused(
        "amounts = { phd = 3000, master = 1500, bachelor = 1000, none = 0 }",
        "amounts = { phd = 3000, master = 1500, bachelor = 1000, none = 0, doctor = 1 }",
        PackErrorKind::UnknownReference,
        "doctor",
        "amounts.doctor",
    );
    refused(
        "amounts = { phd = 3000, master = 1500, bachelor = 1000, none = 0 }",
        "amounts = { phd = -3000, master = 1500, bachelor = 1000, none = 0 }",
        PackErrorKind::Value,
        "-3000",
        "amounts.phd",
    );
}

#[test]
fn cards_cannot_refer_to_benefits() {
    refused(
        "when = \"honors != ''\"",
        "when = \"benefit.rent_allowance\"",
        PackErrorKind::Condition,
        "when = \"benefit.rent_allowance\"",
        "cards[A].criteria[honors].when",
    );
}

#[test]
fn toml_syntax_error() {
    let src = DEFAULT_PACK.replacen("tier = \"B\"", "tier = \"B", 1);
    let err = CompiledPack::load("sjz.toml", &src).unwrap_err();
    assert_eq!(err.kind(), Some(PackErrorKind::Syntax));
    let line = src.lines().position(|l| l == "tier = \"B").unwrap() + 1;
    assert!(
        err.to_string().starts_with(&format!("sjz.toml:{line}:")),
        "{err}"
    );
}

#[test]
fn versions_must_be_distinct_versions_of_one_pack() {
    let newer = DEFAULT_PACK
        .replacen("version = \"2023.1\"", "version = \"2024.1\"", 1)
        .replacen(
            "effective = \"2023-05-21\"",
            "effective = \"2024-01-01\"",
            1,
        );
    let v = PackVersions::load(&[("a.toml", DEFAULT_PACK), ("b.toml", newer.as_str())]).unwrap();
    assert_eq!(v.latest().info().version, "2024.1");
    assert_eq!(
        v.in_force_on("2023-12-31".parse().unwrap())
            .unwrap()
            .info()
            .version,
        "2023.1"
    );
    assert!(v.in_force_on("2020-01-01".parse().unwrap()).is_none());
    let err =
        PackVersions::load(&[("a.toml", DEFAULT_PACK), ("c.toml", DEFAULT_PACK)]).unwrap_err();
    assert!(err.to_string().contains("not distinct"), "{err}");
}
