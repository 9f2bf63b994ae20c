//! Helpers shared by the integration tests.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of these helpers"
)]
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failure is a test failure"
)]

use yingcai_import::{ImportError, ImportOptions, ImportedTalent, RowError, parse_roster};

pub fn options() -> ImportOptions {
    let honors = ["academician", "national_leading", "provincial_leading"]
        .map(String::from)
        .to_vec();
    ImportOptions::new(honors, jiff::civil::date(2026, 11, 29))
}

/// A valid GB 11643 number: region, birth date (`YYYYMMDD`), 3-digit sequence, check.
pub fn resident_id(region: &str, birth: &str, sequence: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("{region}{birth}{sequence:03}");
    assert_eq!(body.len(), 17);
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// The talents.md header plus `name` and `resident_id`.
pub const POPULATION_HEADER: &str = "id,birth_date,degree,honors,arrival_date,employed_in_city,housing,home_purchase_date,social_insurance_months,name,resident_id";

/// Rows in exactly the talents.md format (the first two are its own example), plus a name
/// and a matching identity number.
pub fn population_rows() -> Vec<[String; 11]> {
    let raw = [
        (
            "1",
            "1982-07-09",
            "bachelor",
            "",
            "2023-09-08",
            "true",
            "rent",
            "",
            "50",
            "李伟",
        ),
        (
            "2",
            "2001-10-26",
            "master",
            "",
            "2024-06-28",
            "true",
            "owns",
            "2024-03-12",
            "43",
            "王芳",
        ),
        (
            "3",
            "1975-01-31",
            "phd",
            "academician",
            "2010-05-01",
            "true",
            "talent_apartment",
            "",
            "600",
            "欧阳明",
        ),
        (
            "4",
            "1999-12-31",
            "none",
            "",
            "2026-11-29",
            "false",
            "none",
            "",
            "0",
            "张三",
        ),
        (
            "5",
            "1968-02-29",
            "phd",
            "provincial_leading",
            "2001-01-01",
            "false",
            "owns",
            "2003-02-28",
            "120",
            "陈静",
        ),
    ];
    raw.iter()
        .enumerate()
        .map(|(i, r)| {
            let birth = r.1.replace('-', "");
            [r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9]
                .map(String::from)
                .into_iter()
                .chain([resident_id("130102", &birth, i as u32 + 1)])
                .collect::<Vec<_>>()
                .try_into()
                .unwrap()
        })
        .collect()
}

pub fn population_csv() -> String {
    let mut out = format!("{POPULATION_HEADER}\n");
    for row in population_rows() {
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

pub fn import(bytes: impl AsRef<[u8]>) -> Result<Vec<ImportedTalent>, ImportError> {
    parse_roster(bytes.as_ref(), &options())
}

/// The row errors of a refused file (panics if the file was accepted or refused whole).
pub fn row_errors(bytes: impl AsRef<[u8]>) -> Vec<RowError> {
    match import(bytes) {
        Err(ImportError::Rows(errors)) => errors,
        other => panic!("expected row errors, got {other:?}"),
    }
}

pub fn file_error(bytes: impl AsRef<[u8]>) -> RowError {
    match import(bytes) {
        Err(ImportError::File(error)) => error,
        other => panic!("expected a file error, got {other:?}"),
    }
}

pub fn header_errors(bytes: impl AsRef<[u8]>) -> Vec<RowError> {
    match import(bytes) {
        Err(ImportError::Header(errors)) => errors,
        other => panic!("expected header errors, got {other:?}"),
    }
}

/// (row, column, code) of each error, for compact assertions.
pub fn located(errors: &[RowError]) -> Vec<(usize, &str, &str)> {
    errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect()
}
