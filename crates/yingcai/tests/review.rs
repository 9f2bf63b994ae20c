//! `yingcai review assign` on files: an optimal assignment, a random one from a seed, an
//! instance with no assignment (advice, exit code 2), malformed and hostile input (a
//! clear message and exit code 2, never a panic).

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn yingcai(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yingcai"))
        .args(args)
        .current_dir(dir)
        .env_remove("YINGCAI_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SMALL: &str = r#"{"reviewers_per_proposal": 2, "min_load": 1, "max_load": 2,
  "reviewers": {"r1": {}, "r2": {}, "r3": {"max_load": 1}},
  "proposals": {"p1": {"candidates": {"r1": 90, "r2": 80, "r3": 70}, "conflicts": ["r1"]},
                "p2": {"candidates": {"r1": 60, "r2": 50, "r3": 10}}}}"#;

#[test]
fn assigns_optimally_and_writes_pairs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("small.json"), SMALL).unwrap();
    let out = yingcai(
        dir.path(),
        &[
            "review",
            "assign",
            "--instance",
            "small.json",
            "--out",
            "pairs.csv",
        ],
    );
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // p1 cannot have r1: r2 + r3 (150); p2 then r1 + r2 (110).
    assert_eq!(
        std::fs::read_to_string(dir.path().join("pairs.csv")).unwrap(),
        "proposal,reviewer\np1,r2\np1,r3\np2,r1\np2,r2\n"
    );
    assert!(stderr.contains("total affinity 260 (optimal)"), "{stderr}");

    // The random draw: reproducible from its seed.
    std::fs::write(
        dir.path().join("wide.json"),
        r#"{"reviewers_per_proposal": 1, "max_load": 1,
          "reviewers": {"r1": {}, "r2": {}, "r3": {}, "r4": {}},
          "proposals": {"p1": {"candidates": {"r1": 90, "r2": 80, "r3": 70}},
                        "p2": {"candidates": {"r1": 60, "r2": 50, "r4": 10}}}}"#,
    )
    .unwrap();
    let draw = |name: &str| {
        let out = yingcai(
            dir.path(),
            &[
                "review",
                "assign",
                "--instance",
                "wide.json",
                "--out",
                name,
                "--max-probability",
                "0.5",
                "--seed",
                "42",
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        std::fs::read_to_string(dir.path().join(name)).unwrap()
    };
    assert_eq!(draw("a.csv"), draw("b.csv"));

    // --seed without --max-probability is a usage error.
    let out = yingcai(
        dir.path(),
        &[
            "review",
            "assign",
            "--instance",
            "small.json",
            "--out",
            "c.csv",
            "--seed",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_impossible_instance_gets_advice_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("short.json"),
        r#"{"reviewers_per_proposal": 2, "max_load": 1,
          "reviewers": {"a": {}, "b": {}, "c": {"max_load": 9}},
          "proposals": {"p1": {"candidates": {"a": 5, "b": 6}}, "p2": {"candidates": {"a": 7, "b": 8}},
                        "p3": {"candidates": {"c": 1, "a": 1}, "conflicts": ["a"]}}}"#,
    )
    .unwrap();
    let out = yingcai(
        dir.path(),
        &[
            "review",
            "assign",
            "--instance",
            "short.json",
            "--out",
            "pairs.csv",
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no assignment satisfies the constraints"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "proposal p3 has 1 admissible candidate but needs 2 (1 more listed but in conflict)"
        ),
        "{stderr}"
    );
    assert!(!dir.path().join("pairs.csv").exists(), "no output");

    // Under a cap of 0.5 every proposal needs 4 candidates.
    std::fs::write(dir.path().join("small.json"), SMALL).unwrap();
    let out = yingcai(
        dir.path(),
        &[
            "review",
            "assign",
            "--instance",
            "small.json",
            "--out",
            "pairs.csv",
            "--max-probability",
            "0.5",
            "--seed",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("needs 4"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn malformed_and_hostile_input_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("empty.json", ""),
        (
            "truncated.json",
            r#"{"reviewers_per_proposal": 2, "max_load""#,
        ),
        ("list.json", "[1, 2, 3]"),
        (
            "affinity.json",
            r#"{"reviewers_per_proposal": 1, "max_load": 1, "reviewers": {"r1": {}}, "proposals": {"p1": {"candidates": {"r1": 101}}}}"#,
        ),
        (
            "unknown.json",
            r#"{"reviewers_per_proposal": 1, "max_load": 1, "reviewers": {}, "proposals": {"p1": {"candidates": {"ghost": 50}}}}"#,
        ),
        (
            "zero.json",
            r#"{"reviewers_per_proposal": 0, "max_load": 1, "reviewers": {}, "proposals": {}}"#,
        ),
        (
            "huge.json",
            r#"{"reviewers_per_proposal": 99999999999999999999, "max_load": 1, "reviewers": {}, "proposals": {}}"#,
        ),
        ("binary.json", "\u{0}\u{1}\u{7f}中"),
    ];
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
        let out = yingcai(
            dir.path(),
            &["review", "assign", "--instance", name, "--out", "pairs.csv"],
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.starts_with("error: "), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
    }
    let out = yingcai(
        dir.path(),
        &[
            "review",
            "assign",
            "--instance",
            "unknown.json",
            "--out",
            "pairs.csv",
        ],
    );
    assert!(text(&out.stderr).contains("ghost"));
    assert!(!dir.path().join("pairs.csv").exists());

    std::fs::write(dir.path().join("small.json"), SMALL).unwrap();
    for (q, seed) in [
        ("0", "1"),
        ("1.5", "1"),
        ("NaN", "1"),
        ("-1", "1"),
        ("0.5", "-1"),
        ("0.5", "99999999999999999999999"),
        ("中", "1"),
    ] {
        let out = yingcai(
            dir.path(),
            &[
                "review",
                "assign",
                "--instance",
                "small.json",
                "--out",
                "pairs.csv",
                "--max-probability",
                q,
                "--seed",
                seed,
            ],
        );
        let stderr = text(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{q} {seed}: {stderr}");
        assert!(!out.status.success(), "{q} {seed}");
        assert!(!stderr.trim().is_empty(), "{q} {seed}");
    }
    let out = yingcai(
        dir.path(),
        &[
            "review",
            "assign",
            "--instance",
            "/nonexistent/x.json",
            "--out",
            "pairs.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/nonexistent/x.json"));
}
