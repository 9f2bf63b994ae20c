//! The shipped scenario cases pass; a wrong expectation fails; a malformed file is refused.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

mod common;
use common::*;
use yingcai_rules::run_scenarios;

fn shipped_cases() -> Vec<(String, String)> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/packs/shijiazhuang-green-card/cases"
    );
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn shipped_cases_pass() {
    let r = run_scenarios(&default_pack(), &shipped_cases()).unwrap();
    assert!(r.cases.len() >= 25, "{}", r.cases.len());
    assert_eq!(r.failed(), 0, "{r}");
    assert!(
        r.to_string()
            .ends_with(&format!("{} passed, 0 failed", r.cases.len()))
    );
}

#[test]
fn a_wrong_expectation_fails() {
    let src = r#"
[[case]]
name = "wrong"
month = "2024-01"
person = { degree = "phd", arrival_date = "2023-09-08", employed_in_city = true, housing = "rent" }
expect = { card = "A", rent_allowance = 1 }
"#;
    let r = run_scenarios(&default_pack(), &[("w.toml", src)]).unwrap();
    assert_eq!(r.failed(), 1);
    let text = r.to_string();
    assert!(text.contains("FAIL w.toml:3: wrong"), "{text}");
    assert!(
        text.contains("rent_allowance expected 1 fen, got 300000 fen"),
        "{text}"
    );
    assert!(text.contains("card expected \"A\", got \"B\""), "{text}");
}

#[test]
fn the_cases_fail_against_a_different_pack() {
    let edited = yingcai_rules::CompiledPack::load(
        "e.toml",
        &DEFAULT_PACK.replacen("months = 60", "months = 61", 1),
    )
    .unwrap();
    let r = run_scenarios(&edited, &shipped_cases()).unwrap();
    assert!(
        r.failed() >= 1,
        "the month-60 case must catch a 61-month window"
    );
}

#[test]
fn malformed_case_files_are_refused_with_a_line() {
    let pack = default_pack();
    let bad_field = "[[case]]\nname = \"x\"\nmonth = \"2024-01\"\nperson = { degree = \"doctor\", arrival_date = \"2023-09-08\", employed_in_city = true, housing = \"rent\" }\nexpect = { card = \"B\" }\n";
    let e = run_scenarios(&pack, &[("b.toml", bad_field)]).unwrap_err();
    assert_eq!((e.file.as_str(), e.line), ("b.toml", 4));
    assert!(e.message.contains("person.degree"), "{e}");
    let bad_benefit = "[[case]]\nname = \"x\"\nmonth = \"2024-01\"\nperson = { degree = \"phd\", arrival_date = \"2023-09-08\", employed_in_city = true, housing = \"rent\" }\nexpect = { card = \"B\", bonus = 1 }\n";
    let e = run_scenarios(&pack, &[("c.toml", bad_benefit)]).unwrap_err();
    assert!(
        e.to_string().starts_with("c.toml:5:") && e.message.contains("no benefit `bonus`"),
        "{e}"
    );
    let unknown = "[[case]]\nname = \"x\"\nmonth = \"2024-01\"\nwhen = 1\n";
    let e = run_scenarios(&pack, &[("d.toml", unknown)]).unwrap_err();
    assert_eq!(e.line, 4, "{e}");
}
