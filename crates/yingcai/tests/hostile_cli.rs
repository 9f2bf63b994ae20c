//! Every command that reads values from an operator, given values that have broken parsers
//! elsewhere: the binary answers with an error message and exit code 1 or 2, never a panic
//! (exit code 101).

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use std::process::{Command, Stdio};

const HOSTILE: &[&str] = &[
    "",
    "0999-01",
    "-999-01",
    "0000-00",
    "9999-12",
    "2200-13",
    "1899-12",
    "2026-1",
    "-1",
    "99999999999999999999999",
    "-9223372036854775808",
    "9223372036854775807",
    "NaN",
    "\u{7f}\t",
    "../../../etc/passwd",
    "中中中中",
    "/nonexistent/file.csv",
];

#[test]
fn no_command_panics_on_hostile_values() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_yingcai"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("YINGCAI_DATABASE_URL")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    assert!(run(&["migrate"]).status.success());
    let talents = dir.path().join("talents.csv");
    std::fs::write(
        &talents,
        "id,birth_date,degree,honors,arrival_date,employed_in_city,housing,home_purchase_date,social_insurance_months\n1,0999-01-01,phd,,2024-03-01,true,rent,,12\n",
    )
    .unwrap();
    let talents = talents.to_str().unwrap();
    for value in HOSTILE {
        let commands: Vec<Vec<&str>> = vec![
            vec!["payments", "run", "--month", value],
            vec!["payments", "approve", "--month", value, "--officer", value],
            vec![
                "payments",
                "export",
                "--month",
                value,
                "--out",
                value,
                "--officer",
                "o@example.cn",
            ],
            vec![
                "payments",
                "settle",
                "--month",
                value,
                value,
                "--officer",
                "o@example.cn",
            ],
            vec!["housing", "run", "--round", value],
            vec!["import", "talents", value],
            vec!["allocate", "--instance", value, "--out", "pairs.csv"],
            vec![
                "review",
                "assign",
                "--instance",
                value,
                "--out",
                "pairs.csv",
            ],
            vec!["card", "verify", value, "--public-key", value],
            vec!["policy", "evaluate", talents, "--month", value],
            vec!["policy", "evaluate", value, "--month", "2026-01"],
            vec!["--database-url", value, "migrate"],
        ];
        for args in commands {
            let out = run(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {stderr}");
            assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
            if !out.status.success() {
                assert!(!stderr.trim().is_empty(), "{args:?} failed without a word");
            }
        }
    }
}
