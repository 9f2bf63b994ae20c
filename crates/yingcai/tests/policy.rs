//! `yingcai policy`: the rules engine through the binary, on small populations whose
//! results are worked out by hand from shared/data/talents.md.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use std::process::{Command, Output};

const HEADER: &str = "id,birth_date,degree,honors,arrival_date,employed_in_city,housing,home_purchase_date,social_insurance_months";

/// For 2026-11:
/// 1 PhD renting, arrived 2024-01 (month 34 of 60): card B, rent 3,000 yuan.
/// 2 honours, bought a home this month, arrived this month: card A, purchase 100,000 (master).
/// 3 bachelor, arrived 2020-01: window over (month 82), card B, nothing paid.
/// 4 no degree, no honours: no card.
/// 5 bachelor not employed in the city: no card.
/// 6 master in a talent apartment, arrived 2026-01: card B, no rent (housed).
fn population() -> String {
    [
        HEADER,
        "1,1990-01-01,phd,,2024-01-15,true,rent,,10",
        "2,1985-05-05,master,national_leading,2026-11-03,true,owns,2026-11-20,5",
        "3,1995-03-03,bachelor,,2020-01-01,true,none,,70",
        "4,1999-09-09,none,,2025-01-01,true,rent,,20",
        "5,1992-02-02,bachelor,,2026-01-10,false,rent,,3",
        "6,1993-06-06,master,,2026-01-10,true,talent_apartment,,10",
    ]
    .join("\n")
        + "\n"
}

fn yingcai(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yingcai"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn evaluate_prints_the_cards_and_totals_of_the_month() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), population()).unwrap();
    let out = yingcai(
        dir.path(),
        &[
            "policy",
            "evaluate",
            "--talents",
            "t.csv",
            "--month",
            "2026-11",
            "--json",
            "--out",
            "rows.csv",
        ],
    );
    assert_eq!(
        json(&out),
        serde_json::json!({"month": "2026-11", "talents": 6, "cards": {"A": 1, "B": 3},
                           "totals_fen": {"rent_allowance": 300_000, "purchase_allowance": 10_000_000}})
    );
    let rows = std::fs::read_to_string(dir.path().join("rows.csv")).unwrap();
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(lines.len(), 7, "{rows}");
    assert!(lines[1].starts_with("1,B,"), "{rows}");
}

#[test]
fn forecast_sums_the_monthly_benefits() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), population()).unwrap();
    let out = yingcai(
        dir.path(),
        &[
            "policy",
            "forecast",
            "--talents",
            "t.csv",
            "--from",
            "2026-12",
            "--months",
            "3",
            "--json",
        ],
    );
    assert_eq!(
        json(&out),
        serde_json::json!({"from": "2026-12", "months": 3, "monthly_fen": [300_000, 300_000, 300_000], "total_fen": 900_000})
    );
}

#[test]
fn an_edited_pack_file_changes_the_totals_without_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), population()).unwrap();
    let original = include_str!("../../yingcai-rules/packs/shijiazhuang-green-card/pack.toml");
    // An amount (PhD rent 3,000 → 4,000) and a condition (talent apartments qualify).
    let edited = original
        .replacen("amounts = { phd = 3000,", "amounts = { phd = 4000,", 1)
        .replacen(
            "when = \"housing in ['none', 'rent']\"",
            "when = \"housing in ['none', 'rent', 'talent_apartment']\"",
            1,
        );
    assert_ne!(edited, original);
    std::fs::create_dir(dir.path().join("edited")).unwrap();
    std::fs::write(dir.path().join("edited/pack.toml"), edited).unwrap();
    let out = yingcai(
        dir.path(),
        &[
            "policy",
            "evaluate",
            "--talents",
            "t.csv",
            "--month",
            "2026-11",
            "--pack",
            "edited",
            "--json",
        ],
    );
    // Talent 1 now gets 4,000; talent 6 (master, talent apartment) now gets 1,500.
    assert_eq!(
        json(&out)["totals_fen"]["rent_allowance"],
        400_000 + 150_000
    );

    let out = yingcai(
        dir.path(),
        &[
            "policy",
            "forecast",
            "--talents",
            "t.csv",
            "--from",
            "2026-12",
            "--months",
            "2",
            "--reform",
            "edited",
            "--json",
        ],
    );
    let both = json(&out);
    assert_eq!(both["baseline"]["total_fen"], 600_000);
    assert_eq!(both["reform"]["total_fen"], 2 * 550_000);
    assert_eq!(both["difference"]["total_fen"], 2 * 550_000 - 600_000);
}

#[test]
fn a_malformed_row_is_named_by_line_and_column_with_exit_code_2_and_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = population().replace("3,1995-03-03,bachelor", "3,1995-02-30,bachelor");
    std::fs::write(dir.path().join("bad.csv"), bad).unwrap();
    let out = yingcai(
        dir.path(),
        &[
            "policy",
            "evaluate",
            "--talents",
            "bad.csv",
            "--month",
            "2026-11",
            "--json",
            "--out",
            "rows.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 4") && err.contains("birth_date"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    assert!(!dir.path().join("rows.csv").exists(), "no partial output");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left either"
    );

    let out = yingcai(
        dir.path(),
        &[
            "policy",
            "evaluate",
            "--talents",
            "bad.csv",
            "--month",
            "2026-13",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(dir.path().join("pack.toml"), "[pack]\nid = 1\n").unwrap();
    let out = yingcai(
        dir.path(),
        &[
            "policy",
            "evaluate",
            "--talents",
            "bad.csv",
            "--month",
            "2026-11",
            "--pack",
            "pack.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pack.toml"));
}

#[test]
fn the_shipped_scenario_cases_pass() {
    let cases = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../yingcai-rules/packs/shijiazhuang-green-card/cases"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = yingcai(dir.path(), &["policy", "test", cases]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 failed"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
