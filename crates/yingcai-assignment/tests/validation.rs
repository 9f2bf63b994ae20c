//! One test per way an instance is refused.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use yingcai_assignment::{Instance, InstanceError};

fn err(json: &str) -> InstanceError {
    Instance::from_json(json.as_bytes()).expect_err("instance must be refused")
}

/// A valid instance with `proposals` as its proposals object.
fn with_proposals(proposals: &str) -> String {
    format!(
        r#"{{"reviewers_per_proposal": 1, "min_load": 0, "max_load": 2,
            "reviewers": {{"r1": {{}}, "r2": {{"max_load": 1}}}}, "proposals": {proposals}}}"#
    )
}

#[test]
fn malformed_json_reports_line_and_column() {
    let e = err("{\"reviewers_per_proposal\": 1,\n \"max_load\": }");
    match &e {
        InstanceError::Json { line, column, .. } => assert_eq!((*line, *column), (2, 14)),
        other => panic!("unexpected {other:?}"),
    }
    assert!(e.to_string().contains("line 2, column 14"), "{e}");
    assert!(matches!(err(""), InstanceError::Json { .. }));
    assert!(matches!(
        err(&(with_proposals("{}") + " x")),
        InstanceError::Json { .. }
    ));
}

#[test]
fn wrong_shapes_are_json_errors() {
    // Missing field, unknown field, negative or fractional loads, wrong types.
    for bad in [
        r#"{"reviewers_per_proposal": 1, "reviewers": {}, "proposals": {}}"#,
        r#"{"reviewers_per_proposal": 1, "max_load": 1, "reviewers": {}, "proposals": {}, "x": 1}"#,
        r#"{"reviewers_per_proposal": 1, "max_load": -1, "reviewers": {}, "proposals": {}}"#,
        r#"{"reviewers_per_proposal": 1.5, "max_load": 1, "reviewers": {}, "proposals": {}}"#,
        r#"{"reviewers_per_proposal": 1, "max_load": 1, "reviewers": {"r1": {"max_load": "2"}}, "proposals": {}}"#,
        r#"{"reviewers_per_proposal": 1, "max_load": 1, "reviewers": [], "proposals": {}}"#,
    ] {
        assert!(matches!(err(bad), InstanceError::Json { .. }), "{bad}");
    }
    let e = err(&with_proposals(
        r#"{"p1": {"candidates": {"r1": 5}, "conflicts": "r2"}}"#,
    ));
    assert!(matches!(e, InstanceError::Json { .. }), "{e:?}");
}

#[test]
fn k_zero_and_min_above_max() {
    assert_eq!(
        err(r#"{"reviewers_per_proposal": 0, "max_load": 1, "reviewers": {}, "proposals": {}}"#),
        InstanceError::ZeroReviewersPerProposal
    );
    assert_eq!(
        err(
            r#"{"reviewers_per_proposal": 1, "min_load": 3, "max_load": 2, "reviewers": {}, "proposals": {}}"#
        ),
        InstanceError::MinAboveMax {
            min_load: 3,
            max_load: 2
        }
    );
}

#[test]
fn duplicates_are_named() {
    assert_eq!(
        err(
            r#"{"reviewers_per_proposal": 1, "max_load": 1, "reviewers": {"r1": {}, "r1": {}}, "proposals": {}}"#
        ),
        InstanceError::DuplicateReviewer {
            reviewer: "r1".into()
        }
    );
    assert_eq!(
        err(&with_proposals(
            r#"{"p1": {"candidates": {"r1": 5}}, "p1": {"candidates": {"r2": 5}}}"#
        )),
        InstanceError::DuplicateProposal {
            proposal: "p1".into()
        }
    );
    assert_eq!(
        err(&with_proposals(
            r#"{"p1": {"candidates": {"r1": 5, "r1": 6}}}"#
        )),
        InstanceError::RepeatedCandidate {
            proposal: "p1".into(),
            reviewer: "r1".into()
        }
    );
}

#[test]
fn unknown_reviewers_are_named() {
    assert_eq!(
        err(&with_proposals(
            r#"{"p1": {"candidates": {"r1": 5, "r9": 6}}}"#
        )),
        InstanceError::UnknownCandidate {
            proposal: "p1".into(),
            reviewer: "r9".into()
        }
    );
    assert_eq!(
        err(&with_proposals(
            r#"{"p1": {"candidates": {"r1": 5}, "conflicts": ["r2", "x"]}}"#
        )),
        InstanceError::UnknownConflict {
            proposal: "p1".into(),
            reviewer: "x".into()
        }
    );
}

#[test]
fn affinity_must_be_an_integer_from_1_to_100() {
    for (found, text) in [
        ("0", "0"),
        ("101", "101"),
        ("-3", "-3"),
        ("87.5", "87.5"),
        ("1e2", "100.0"),
    ] {
        let e = err(&with_proposals(&format!(
            r#"{{"p1": {{"candidates": {{"r1": 5, "r2": {found}}}}}}}"#
        )));
        assert_eq!(
            e,
            InstanceError::AffinityOutOfRange {
                proposal: "p1".into(),
                reviewer: "r2".into(),
                found: text.into()
            },
            "{found}"
        );
        assert!(e.to_string().contains("\"p1\""), "{e}");
    }
    let e = err(&with_proposals(r#"{"p1": {"candidates": {"r1": "5"}}}"#));
    assert!(matches!(e, InstanceError::Json { .. }), "{e:?}");
}

#[test]
fn loads_overrides_and_conflicts_are_read() {
    let json = r#"{"reviewers_per_proposal": 2, "min_load": 2, "max_load": 5,
        "reviewers": {"r1": {"max_load": 1}, "r2": {}, "r3": {"max_load": 0}},
        "proposals": {"p1": {"candidates": {"r1": 10, "r2": 20, "r3": 30}, "conflicts": ["r3", "r3"]},
                      "p2": {"candidates": {"r2": 40}}}}"#;
    let instance = Instance::from_json(json.as_bytes()).unwrap();
    assert_eq!(instance.num_proposals(), 2);
    assert_eq!(instance.num_reviewers(), 3);
    let r1 = instance.reviewer_index("r1").unwrap();
    let r2 = instance.reviewer_index("r2").unwrap();
    let r3 = instance.reviewer_index("r3").unwrap();
    // An own max_load below the global min_load lowers the minimum too.
    assert_eq!((instance.min_load(r1), instance.max_load(r1)), (1, 1));
    assert_eq!((instance.min_load(r2), instance.max_load(r2)), (2, 5));
    assert_eq!((instance.min_load(r3), instance.max_load(r3)), (0, 0));
    let p1 = instance.proposal_index("p1").unwrap();
    assert_eq!(
        instance.candidates(p1).collect::<Vec<_>>(),
        [(r1, 10), (r2, 20)]
    );
    assert_eq!(instance.conflicted_candidates(p1), 1);
    assert!(instance.is_conflict(p1, r3));
    assert_eq!(instance.affinity(p1, r3), None);
    // Escaped ids are read like any other.
    let json = r#"{"reviewers_per_proposal": 1, "max_load": 1,
        "reviewers": {"r\u00e9": {}}, "proposals": {"p\"1": {"candidates": {"r\u00e9": 7}}}}"#;
    let instance = Instance::from_json(json.as_bytes()).unwrap();
    assert_eq!(instance.reviewer_id(0), "ré");
    assert_eq!(instance.proposal_id(0), "p\"1");
}
