//! One test per way an instance is refused.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use yingcai_allocation::{Instance, InstanceError};

fn err(json: &str) -> InstanceError {
    Instance::from_json(json.as_bytes()).expect_err("instance must be refused")
}

fn err_new(
    applicants: &[(&str, Vec<&str>)],
    complexes: &[(&str, u32, Vec<&str>)],
) -> InstanceError {
    Instance::new(applicants, complexes).expect_err("instance must be refused")
}

#[test]
fn malformed_json_reports_line_and_column() {
    let e = err("{\"applicants\": {\"a1\": [\"c1\",]},\n \"complexes\": {}}");
    match &e {
        InstanceError::Json { line, column, .. } => assert_eq!((*line, *column), (1, 29)),
        other => panic!("unexpected {other:?}"),
    }
    assert!(e.to_string().contains("line 1, column 29"), "{e}");
    // Truncated file.
    assert!(matches!(
        err("{\"applicants\": {"),
        InstanceError::Json { line: 1, .. }
    ));
    // Trailing garbage.
    assert!(matches!(
        err(r#"{"applicants": {}, "complexes": {}} x"#),
        InstanceError::Json { .. }
    ));
}

#[test]
fn wrong_shape_is_a_json_error() {
    for bad in [
        r#"[]"#,
        r#"{"applicants": {}}"#,
        r#"{"complexes": {}}"#,
        r#"{"applicants": {}, "complexes": {}, "extra": 1}"#,
        r#"{"applicants": {}, "applicants": {}, "complexes": {}}"#,
        r#"{"applicants": {"a1": "c1"}, "complexes": {}}"#,
        r#"{"applicants": {"a1": [1]}, "complexes": {}}"#,
        r#"{"applicants": {}, "complexes": {"c1": {"capacity": 1}}}"#,
        r#"{"applicants": {}, "complexes": {"c1": {"priority": []}}}"#,
        r#"{"applicants": {}, "complexes": {"c1": {"capacity": 1, "priority": [], "rent": 3}}}"#,
        r#"{"applicants": {}, "complexes": {"c1": {"capacity": 1, "capacity": 2, "priority": []}}}"#,
    ] {
        let e = err(bad);
        assert!(matches!(e, InstanceError::Json { .. }), "{bad}: {e:?}");
    }
}

#[test]
fn unknown_complex() {
    let e = err(
        r#"{"applicants": {"a1": ["c1", "c9"]}, "complexes": {"c1": {"capacity": 1, "priority": ["a1"]}}}"#,
    );
    assert_eq!(
        e,
        InstanceError::UnknownComplex {
            applicant: "a1".into(),
            complex: "c9".into()
        }
    );
    assert_eq!(
        e.to_string(),
        r#"applicant "a1" lists unknown complex "c9""#
    );
}

#[test]
fn repeated_preference() {
    let e = err(
        r#"{"applicants": {"a1": ["c1", "c1"]}, "complexes": {"c1": {"capacity": 1, "priority": ["a1"]}}}"#,
    );
    assert_eq!(
        e,
        InstanceError::RepeatedPreference {
            applicant: "a1".into(),
            complex: "c1".into()
        }
    );
}

#[test]
fn duplicate_applicant() {
    let e = err(r#"{"applicants": {"a1": [], "a2": [], "a1": []}, "complexes": {}}"#);
    assert_eq!(
        e,
        InstanceError::DuplicateApplicant {
            applicant: "a1".into()
        }
    );
    // Also with long ids (compared by name, not only by hash), and via `new`.
    let long = "applicant-0000000001";
    assert_eq!(
        err_new(&[(long, vec![]), ("b", vec![]), (long, vec![])], &[]),
        InstanceError::DuplicateApplicant {
            applicant: long.into()
        }
    );
}

#[test]
fn duplicate_complex() {
    let e = err(
        r#"{"applicants": {}, "complexes": {"c1": {"capacity": 1, "priority": []}, "c1": {"capacity": 2, "priority": []}}}"#,
    );
    assert_eq!(
        e,
        InstanceError::DuplicateComplex {
            complex: "c1".into()
        }
    );
}

#[test]
fn unknown_applicant_in_priority() {
    let e = err(
        r#"{"applicants": {"a1": ["c1"]}, "complexes": {"c1": {"capacity": 1, "priority": ["a1", "ghost"]}}}"#,
    );
    assert_eq!(
        e,
        InstanceError::UnknownApplicant {
            complex: "c1".into(),
            applicant: "ghost".into()
        }
    );
    let e = err_new(
        &[("a1", vec!["c1"])],
        &[
            ("c1", 1, vec!["a1"]),
            ("c2", 1, vec!["a-rather-long-ghost-id"]),
        ],
    );
    assert_eq!(
        e,
        InstanceError::UnknownApplicant {
            complex: "c2".into(),
            applicant: "a-rather-long-ghost-id".into()
        }
    );
}

#[test]
fn priority_for_applicant_who_did_not_list_it() {
    let e = err(
        r#"{"applicants": {"a1": ["c1"], "a2": []}, "complexes": {"c1": {"capacity": 1, "priority": ["a1", "a2"]}}}"#,
    );
    assert_eq!(
        e,
        InstanceError::UnrequestedPriority {
            complex: "c1".into(),
            applicant: "a2".into()
        }
    );
}

#[test]
fn priority_missing_an_applicant_who_listed_it() {
    let e = err(
        r#"{"applicants": {"a1": ["c1"], "a2": ["c1"]}, "complexes": {"c1": {"capacity": 1, "priority": ["a2"]}}}"#,
    );
    assert_eq!(
        e,
        InstanceError::MissingPriority {
            complex: "c1".into(),
            applicant: "a1".into()
        }
    );
}

#[test]
fn priority_lists_someone_twice() {
    let e = err(
        r#"{"applicants": {"a1": ["c1"]}, "complexes": {"c1": {"capacity": 1, "priority": ["a1", "a1"]}}}"#,
    );
    assert_eq!(
        e,
        InstanceError::RepeatedPriority {
            complex: "c1".into(),
            applicant: "a1".into()
        }
    );
}

#[test]
fn negative_capacity() {
    let e = err(r#"{"applicants": {}, "complexes": {"c7": {"capacity": -2, "priority": []}}}"#);
    assert_eq!(
        e,
        InstanceError::NegativeCapacity {
            complex: "c7".into(),
            capacity: -2
        }
    );
    assert_eq!(e.to_string(), r#"complex "c7" has negative capacity -2"#);
}

#[test]
fn non_integer_capacity() {
    for (cap, found) in [
        ("2.5", "2.5"),
        ("3.0", "3.0"),
        ("1e2", "100.0"),
        (r#""3""#, r#""3""#),
        ("null", "null"),
        ("true", "true"),
        ("[1]", "[1]"),
        ("4294967296", "4294967296"),
    ] {
        let json = format!(
            r#"{{"applicants": {{}}, "complexes": {{"c1": {{"capacity": {cap}, "priority": []}}}}}}"#
        );
        assert_eq!(
            err(&json),
            InstanceError::InvalidCapacity {
                complex: "c1".into(),
                found: found.into()
            },
            "{cap}"
        );
    }
    // The largest u32 is fine.
    let ok = r#"{"applicants": {}, "complexes": {"c1": {"capacity": 4294967295, "priority": []}}}"#;
    assert_eq!(
        Instance::from_json(ok.as_bytes()).unwrap().capacity(0),
        u32::MAX
    );
}

#[test]
fn empty_preference_list_is_allowed() {
    let inst = Instance::from_json(
        br#"{"applicants": {"a1": []}, "complexes": {"c1": {"capacity": 1, "priority": []}}}"#,
    )
    .unwrap();
    assert!(inst.preferences(0).is_empty());
}

#[test]
fn first_problem_in_input_order_is_reported() {
    let e = err(
        r#"{"applicants": {"a1": ["c1"], "a2": ["x2"], "a3": ["x3"]}, "complexes": {"c1": {"capacity": 1, "priority": ["a1"]}}}"#,
    );
    assert_eq!(
        e,
        InstanceError::UnknownComplex {
            applicant: "a2".into(),
            complex: "x2".into()
        }
    );
    let e = err(r#"{"applicants": {"b": [], "a": [], "b": [], "a": []}, "complexes": {}}"#);
    assert_eq!(
        e,
        InstanceError::DuplicateApplicant {
            applicant: "b".into()
        }
    );
}
