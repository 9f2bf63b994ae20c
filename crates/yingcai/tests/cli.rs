//! The binary as an operator uses it: real processes, a scratch directory each.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn yingcai(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yingcai"))
        .args(args)
        .current_dir(dir)
        .env_remove("YINGCAI_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_explains_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = yingcai(dir.path(), &["--help"], None);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for command in [
        "serve", "migrate", "admin", "backup", "jobs", "allocate", "config",
    ] {
        assert!(help.contains(command), "--help lacks {command}");
    }
}

#[test]
fn an_unknown_database_scheme_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = yingcai(
        dir.path(),
        &["--database-url", "mysql://root@localhost/x", "migrate"],
        None,
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("unsupported database URL scheme `mysql`") && err.contains("postgres://"),
        "{err}"
    );
}

#[test]
fn migrate_admin_create_and_backup_on_the_default_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = yingcai(dir.path(), &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("applied"));
    assert!(
        dir.path().join("data/yingcai.sqlite").exists(),
        "default database under ./data/"
    );

    let out = yingcai(
        dir.path(),
        &[
            "admin",
            "create",
            "--email",
            "chief@bureau.example.cn",
            "--name",
            "Chief",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = yingcai(
        dir.path(),
        &[
            "admin",
            "create",
            "--email",
            "x@bureau.example.cn",
            "--name",
            "X",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("at least 10 characters"));

    let out = yingcai(dir.path(), &["backup", "--out", "copy.sqlite"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("copy.sqlite").metadata().unwrap().len() > 0);
    let out = yingcai(
        dir.path(),
        &[
            "--database-url",
            "sqlite://copy.sqlite",
            "migrate",
            "--status",
        ],
        None,
    );
    assert!(text(&out.stdout).contains("applied"));
}

#[test]
fn config_show_masks_the_database_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = yingcai(
        dir.path(),
        &[
            "--database-url",
            "postgres://app:s3cret@db/yingcai",
            "config",
            "show",
        ],
        None,
    );
    assert!(out.status.success());
    let shown = text(&out.stdout);
    assert!(
        shown.contains("postgres://app:****@db/yingcai") && !shown.contains("s3cret"),
        "{shown}"
    );
}

#[test]
fn allocate_reproduces_the_stable_matching_and_refuses_bad_instances() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("round.json"),
        r#"{"applicants": {"a1": ["c1", "c2"], "a2": ["c1"], "a3": ["c1", "c2"]},
            "complexes": {"c1": {"capacity": 1, "priority": ["a2", "a1", "a3"]},
                          "c2": {"capacity": 1, "priority": ["a3", "a1"]}}}"#,
    )
    .unwrap();
    let out = yingcai(
        dir.path(),
        &["allocate", "--instance", "round.json", "--out", "pairs.csv"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("pairs.csv")).unwrap(),
        "applicant,complex\na2,c1\na3,c2\n"
    );

    std::fs::write(
        dir.path().join("bad.json"),
        r#"{"applicants": {"a1": ["c9"]}, "complexes": {}}"#,
    )
    .unwrap();
    let out = yingcai(
        dir.path(),
        &["allocate", "--instance", "bad.json", "--out", "bad.csv"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("c9"), "{}", text(&out.stderr));
    assert!(!dir.path().join("bad.csv").exists(), "no partial output");
}

#[test]
fn audit_verify_names_the_entry_altered_behind_yingcais_back() {
    let dir = tempfile::tempdir().unwrap();
    for email in [
        "a@bureau.example.cn",
        "b@bureau.example.cn",
        "c@bureau.example.cn",
    ] {
        let out = yingcai(
            dir.path(),
            &[
                "admin",
                "create",
                "--email",
                email,
                "--name",
                "Admin",
                "--password-stdin",
            ],
            Some("a long enough password"),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let out = yingcai(dir.path(), &["audit", "verify"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("3 entries"));

    // Tamper with the second entry directly in the SQLite file, as an intruder would.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = yingcai_store::DatabaseUrl::parse(&format!(
            "sqlite://{}",
            dir.path().join("data/yingcai.sqlite").display()
        ))
        .unwrap();
        let store = yingcai_store::Store::connect(&url, yingcai_store::testing::test_cipher())
            .await
            .unwrap();
        store
            .execute_unchecked("update audit_entry set after_json = '{}' where audit_entry_id = 2")
            .await
            .unwrap();
        store.close().await;
    });
    let out = yingcai(dir.path(), &["audit", "verify"], None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("audit entry 2 was altered"),
        "{}",
        text(&out.stderr)
    );
}

fn roster(rows: &[&str]) -> String {
    let mut text = String::from(
        "id,name,resident_id,birth_date,degree,honors,arrival_date,employed_in_city,housing,home_purchase_date,social_insurance_months\n",
    );
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

#[test]
fn import_talents_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = roster(&[
        "1,王芳,11010519491231002X,1949-12-31,phd,,2023-09-08,true,rent,,50",
        "2,李强,440524198001010013,1980-01-01,master,academician,2024-06-28,true,owns,2024-03-12,43",
    ]);
    std::fs::write(dir.path().join("good.csv"), &good).unwrap();
    let out = yingcai(dir.path(), &["import", "talents", "good.csv"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("imported 2 verified talent records"),
        "{}",
        text(&out.stdout)
    );

    // The same people again: refused, named by row, nothing written, exit code 2.
    let out = yingcai(
        dir.path(),
        &["import", "talents", "good.csv", "--errors", "errors.csv"],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr)
            .contains("row 2, resident_id: This identity number is already registered."),
        "{}",
        text(&out.stderr)
    );
    let listed = std::fs::read_to_string(dir.path().join("errors.csv")).unwrap();
    assert!(listed.contains("resident-id-registered"), "{listed}");

    // A bad cell anywhere rejects the whole file.
    let bad = roster(&[
        "3,赵敏,110105194912310021,1949-12-31,phd,,2023-09-08,true,rent,,50",
        "4,钱多,11010519800101001X,1980-01-01,doctor,,2023-09-08,true,rent,,50",
    ]);
    std::fs::write(dir.path().join("bad.csv"), bad).unwrap();
    let out = yingcai(dir.path(), &["import", "talents", "bad.csv"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("row 2, resident_id") && err.contains("row 3, degree"),
        "{err}"
    );
    assert!(
        !err.contains("110105194912310021"),
        "identity numbers are never echoed"
    );

    let out = yingcai(dir.path(), &["audit", "verify"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
