//! `yingcai sla clock` on small files: the answers in order, and bad files refused with the
//! line and field (exit code 2), never a panic and never a half-written output.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn sla_clock(dir: &Path, cases: &str, extra: &[&str]) -> (Output, Option<String>) {
    let input = dir.join("cases.csv");
    let out = dir.join("out.csv");
    let _ = std::fs::remove_file(&out);
    std::fs::write(&input, cases).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_yingcai"))
        .args(["sla", "clock", "--cases"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .current_dir(dir)
        .env_remove("YINGCAI_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (output, std::fs::read_to_string(&out).ok())
}

#[test]
fn clocks_each_case_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let cases = "case,start,minutes,end\n\
        k1,2026-09-30T16:00,61,2026-10-08T09:01\n\
        k2,2026-03-02T09:00,180,2026-03-02T08:00\n\
        k3,2026-03-02T12:30,0,2026-03-02T13:30\n\
        \"k,4\",2025-12-31T16:00,120,2026-01-05T09:00\n\
        k5,2026-02-14T16:00,120,2026-02-24T09:00\n";
    let (output, written) = sla_clock(dir.path(), cases, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        written.unwrap(),
        "case,due,elapsed\n\
         k1,2026-10-08T09:01,61\n\
         k2,2026-03-02T12:00,0\n\
         k3,2026-03-02T12:30,30\n\
         \"k,4\",2026-01-04T10:00,480\n\
         k5,2026-02-24T10:00,60\n"
    );
    assert!(stderr.contains("5 cases"), "{stderr}");
}

#[test]
fn another_calendar_file_can_be_given() {
    let dir = tempfile::tempdir().unwrap();
    let builtin = Command::new(env!("CARGO_BIN_EXE_yingcai"))
        .args(["sla", "calendar"])
        .output()
        .unwrap();
    assert!(builtin.status.success());
    let builtin = String::from_utf8(builtin.stdout).unwrap();
    assert!(builtin.contains("zh = \"春节\"") && builtin.contains("year = 2026"));
    let calendar = dir.path().join("calendar.toml");
    std::fs::write(&calendar, &builtin).unwrap();
    let (output, written) = sla_clock(
        dir.path(),
        "case,start,minutes,end\nk1,2026-09-30T16:00,61,2026-10-08T09:01\n",
        &["--calendar", calendar.to_str().unwrap()],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        written.unwrap(),
        "case,due,elapsed\nk1,2026-10-08T09:01,61\n"
    );
    std::fs::write(
        &calendar,
        "hours = [\"08:30-12:00\", \"14:30-17:30\"]\n[[year]]\nyear = 2027\n",
    )
    .unwrap();
    let (output, written) = sla_clock(
        dir.path(),
        "case,start,minutes,end\nc,2027-03-01T12:00,1,2027-03-01T18:00\n",
        &["--calendar", calendar.to_str().unwrap()],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        written.unwrap(),
        "case,due,elapsed\nc,2027-03-01T14:31,180\n"
    );
    std::fs::write(&calendar, "[[year]]\nyear = 2026\nyear = 2027\n").unwrap();
    let (output, _) = sla_clock(
        dir.path(),
        "case,start,minutes,end\n",
        &["--calendar", calendar.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn bad_rows_are_refused_with_their_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let good = "k1,2026-09-30T16:00,61,2026-10-08T09:01\n";
    let refusals: &[(&str, &str)] = &[
        (
            "case,start,minutes\n",
            "line 1: expected the header case,start,minutes,end",
        ),
        ("", "line 1: expected the header"),
        (
            "k2,2026-09-31T16:00,61,2026-10-08T09:01\n",
            "line 3, field start: `2026-09-31T16:00` is not an instant",
        ),
        (
            "k2,2026-09-30 16:00,61,2026-10-08T09:01\n",
            "line 3, field start",
        ),
        (
            "k2,2026-09-30T16:00,-1,2026-10-08T09:01\n",
            "line 3, field minutes: `-1` is not a whole number",
        ),
        (
            "k2,2026-09-30T16:00,,2026-10-08T09:01\n",
            "line 3, field minutes",
        ),
        (
            "k2,2026-09-30T16:00,99999999999999999999999,2026-10-08T09:01\n",
            "line 3, field minutes: `99999999999999999999999` minutes is too many",
        ),
        (
            "k2,2026-09-30T16:00,61,2026-10-08T24:00\n",
            "line 3, field end",
        ),
        ("k2,2026-09-30T16:00,61\n", "line 3: expected 4 fields"),
        (
            ",2026-09-30T16:00,61,2026-10-08T09:01\n",
            "line 3, field case: is empty",
        ),
        (
            "k2,2027-01-04T09:00,61,2027-01-05T09:00\n",
            "line 3, field start: the working-time calendar has no data for the year 2027",
        ),
        (
            "k2,2026-12-31T16:00,120,2026-12-31T17:00\n",
            "line 3, field minutes: the due instant cannot be known: the working-time calendar has no data for the year 2027",
        ),
        (
            "k2,2026-12-31T16:00,60,2027-01-04T09:00\n",
            "line 3, field end: the working-time calendar has no data for the year 2027",
        ),
        (
            "k2,0999-01-01T00:00,1,2026-01-01T00:00\n",
            "line 3, field start: `0999-01-01T00:00` is outside the years 1900 to 2200",
        ),
        ("k2,\u{7f}中中中,1,\n", "line 3, field start"),
    ];
    for (row, needle) in refusals {
        let file = if needle.starts_with("line 1") {
            row.to_string()
        } else {
            format!("case,start,minutes,end\n{good}{row}{good}")
        };
        let (output, written) = sla_clock(dir.path(), &file, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{row}: {stderr}");
        assert!(stderr.contains(needle), "{row}: {stderr}");
        assert!(stderr.contains("cases.csv"), "{row}: {stderr}");
        assert!(!stderr.contains("panicked"), "{row}: {stderr}");
        assert_eq!(written, None, "{row}: a refused file leaves no output");
    }
    let missing = Command::new(env!("CARGO_BIN_EXE_yingcai"))
        .args(["sla", "clock", "--cases", "/nonexistent/cases.csv", "--out"])
        .arg(dir.path().join("x.csv"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/cases.csv"));
}
