//! Small instances worked by hand: the optimum, minimum loads, conflicts, the result
//! file, the checker, and each kind of advice when no assignment exists.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

use yingcai_assignment::{
    Assignment, Finding, Instance, Probability, Violation, assign, assign_randomized, check,
};

fn instance(json: &str) -> Instance {
    Instance::from_json(json.as_bytes()).unwrap()
}

fn pairs(instance: &Instance, assignment: &Assignment) -> Vec<(String, String)> {
    assignment
        .pairs()
        .iter()
        .map(|&(p, r)| {
            (
                instance.proposal_id(p).to_owned(),
                instance.reviewer_id(r).to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_global_optimum_is_not_each_proposals_favourite() {
    // Both proposals prefer a (load 1); giving a to p2 loses 10 on p2 but gains 50 on p1.
    let i = instance(
        r#"{"reviewers_per_proposal": 1, "max_load": 1, "reviewers": {"a": {}, "b": {}},
        "proposals": {"p1": {"candidates": {"a": 90, "b": 80}}, "p2": {"candidates": {"a": 70, "b": 20}}}}"#,
    );
    let a = assign(&i).unwrap();
    assert_eq!(check(&i, &a).unwrap(), 150);
    assert_eq!(
        pairs(&i, &a),
        [("p1".into(), "b".into()), ("p2".into(), "a".into())]
    );
}

#[test]
fn minimum_loads_force_lower_affinities() {
    // Without min loads both proposals would take a and b; c must review one.
    let i = instance(
        r#"{"reviewers_per_proposal": 2, "min_load": 1, "max_load": 2,
        "reviewers": {"a": {}, "b": {}, "c": {}},
        "proposals": {"p1": {"candidates": {"a": 100, "b": 100, "c": 1}},
                      "p2": {"candidates": {"a": 100, "b": 90, "c": 30}}}}"#,
    );
    let a = assign(&i).unwrap();
    assert_eq!(check(&i, &a).unwrap(), 100 + 100 + 100 + 30);
    // With the per-reviewer maximum 0, c's minimum is 0 too.
    let i = instance(
        r#"{"reviewers_per_proposal": 2, "min_load": 1, "max_load": 2,
        "reviewers": {"a": {}, "b": {}, "c": {"max_load": 0}},
        "proposals": {"p1": {"candidates": {"a": 100, "b": 100, "c": 1}},
                      "p2": {"candidates": {"a": 100, "b": 90, "c": 30}}}}"#,
    );
    assert_eq!(check(&i, &assign(&i).unwrap()).unwrap(), 390);
}

#[test]
fn conflicts_win_over_candidates() {
    let i = instance(
        r#"{"reviewers_per_proposal": 1, "max_load": 5, "reviewers": {"a": {}, "b": {}},
        "proposals": {"p1": {"candidates": {"a": 100, "b": 1}, "conflicts": ["a"]}}}"#,
    );
    let a = assign(&i).unwrap();
    assert_eq!(pairs(&i, &a), [("p1".into(), "b".into())]);
    let forced = Assignment::from_pairs(&i, [("p1", "a")]).unwrap();
    assert_eq!(
        check(&i, &forced),
        Err(Violation::Conflict {
            proposal: "p1".into(),
            reviewer: "a".into()
        })
    );
}

#[test]
fn result_file_and_empty_instance() {
    let i = instance(
        r#"{"reviewers_per_proposal": 1, "max_load": 1, "reviewers": {"r,1": {}},
        "proposals": {"p1": {"candidates": {"r,1": 3}}}}"#,
    );
    let mut csv = Vec::new();
    assign(&i).unwrap().write_csv(&i, &mut csv).unwrap();
    assert_eq!(csv, b"proposal,reviewer\np1,\"r,1\"\n");
    let empty = instance(
        r#"{"reviewers_per_proposal": 2, "max_load": 1, "reviewers": {}, "proposals": {}}"#,
    );
    let a = assign(&empty).unwrap();
    assert!(a.pairs().is_empty());
    assert_eq!(check(&empty, &a).unwrap(), 0);
}

#[test]
fn the_checker_names_each_violation() {
    let i = instance(
        r#"{"reviewers_per_proposal": 2, "min_load": 1, "max_load": 2,
        "reviewers": {"a": {}, "b": {}, "c": {}, "d": {"max_load": 1}},
        "proposals": {"p1": {"candidates": {"a": 5, "b": 6, "d": 7}},
                      "p2": {"candidates": {"a": 5, "c": 6, "d": 7}}}}"#,
    );
    let check_pairs = |ps: &[(&str, &str)]| {
        let a = Assignment::from_pairs(&i, ps.iter().copied()).unwrap();
        check(&i, &a)
    };
    assert_eq!(
        check_pairs(&[("p1", "a"), ("p1", "b"), ("p2", "c"), ("p2", "d")]),
        Ok(5 + 6 + 6 + 7)
    );
    assert!(matches!(
        check_pairs(&[("p1", "a"), ("p1", "c"), ("p2", "c"), ("p2", "d")]),
        Err(Violation::NotCandidate { .. })
    ));
    assert!(matches!(
        check_pairs(&[("p1", "a"), ("p1", "a"), ("p2", "c"), ("p2", "d")]),
        Err(Violation::Repeated { .. })
    ));
    assert!(matches!(
        check_pairs(&[("p1", "a"), ("p2", "c"), ("p2", "d")]),
        Err(Violation::WrongCount {
            reviewers: 1,
            k: 2,
            ..
        })
    ));
    // d over its maximum of 1 (and b under its minimum: reviewers in order).
    assert_eq!(
        check_pairs(&[("p1", "a"), ("p1", "d"), ("p2", "c"), ("p2", "d")])
            .unwrap_err()
            .to_string(),
        "reviewer \"b\" has load 0, outside 1..=2"
    );
    let one = instance(
        r#"{"reviewers_per_proposal": 1, "max_load": 1, "reviewers": {"a": {}},
        "proposals": {"p1": {"candidates": {"a": 5}}, "p2": {"candidates": {"a": 5}}}}"#,
    );
    let over = Assignment::from_pairs(&one, [("p1", "a"), ("p2", "a")]).unwrap();
    assert!(matches!(
        check(&one, &over),
        Err(Violation::Load {
            load: 2,
            max: 1,
            ..
        })
    ));
    assert!(matches!(
        check_pairs(&[("p1", "a"), ("p1", "b"), ("p2", "a"), ("p2", "c")]),
        Err(Violation::Load {
            load: 0,
            min: 1,
            ..
        })
    ));
    assert!(matches!(
        Assignment::from_pairs(&i, [("p9", "a")]),
        Err(Violation::UnknownProposal { .. })
    ));
    assert!(matches!(
        Assignment::from_pairs(&i, [("p1", "z")]),
        Err(Violation::UnknownReviewer { .. })
    ));
}

#[test]
fn advice_for_simple_shortages() {
    let i = instance(
        r#"{"reviewers_per_proposal": 2, "min_load": 0, "max_load": 1,
        "reviewers": {"a": {}, "b": {}},
        "proposals": {"p1": {"candidates": {"a": 5, "b": 6}, "conflicts": ["b"]},
                      "p2": {"candidates": {"a": 5, "b": 6}}}}"#,
    );
    let e = assign(&i).unwrap_err();
    assert_eq!(
        e.findings,
        [
            Finding::TooFewCandidates {
                proposal: "p1".into(),
                admissible: 1,
                conflicted: 1,
                needed: 2
            },
            Finding::CapacityShort {
                reviews_needed: 4,
                max_load_total: 2
            }
        ]
    );
    let text = e.to_string();
    assert!(
        text.contains(
            "proposal p1 has 1 admissible candidate but needs 2 (1 more listed but in conflict)"
        ),
        "{text}"
    );
    assert!(
        text.contains("need 4 reviews but all reviewers together may take at most 2"),
        "{text}"
    );

    let i = instance(
        r#"{"reviewers_per_proposal": 1, "min_load": 2, "max_load": 3,
        "reviewers": {"a": {}, "b": {}},
        "proposals": {"p1": {"candidates": {"a": 5, "b": 6}}, "p2": {"candidates": {"a": 5, "b": 6}}, "p3": {"candidates": {"a": 1}}}}"#,
    );
    let e = assign(&i).unwrap_err();
    assert_eq!(
        e.findings,
        [Finding::MinLoadsTooHigh {
            min_load_total: 4,
            reviews_available: 3
        }]
    );
    assert!(
        e.to_string()
            .contains("lower the minimum loads by 1 in total"),
        "{e}"
    );
}

#[test]
fn advice_names_the_reviewers_whose_capacity_must_rise() {
    // p1 and p2 may only be reviewed by a and b (1 review each): 4 reviews needed, 2
    // possible. c has room but is no candidate for them.
    let i = instance(
        r#"{"reviewers_per_proposal": 2, "max_load": 1,
        "reviewers": {"a": {}, "b": {}, "c": {"max_load": 9}, "d": {"max_load": 9}},
        "proposals": {"p1": {"candidates": {"a": 5, "b": 6}}, "p2": {"candidates": {"a": 7, "b": 8}},
                      "p3": {"candidates": {"c": 1, "d": 1}}}}"#,
    );
    let e = assign(&i).unwrap_err();
    assert_eq!(
        e.findings,
        [Finding::ProposalsShort {
            proposals: vec!["p1".into(), "p2".into()],
            reviews_needed: 4,
            reviews_possible: 2,
            reviewers_at_max: vec!["a".into(), "b".into()],
        }]
    );
    let text = e.to_string();
    assert!(
        text.contains("2 proposal(s) (p1, p2) need 4 reviews but can get at most 2"),
        "{text}"
    );
    assert!(
        text.contains("raise those reviewers' maximum loads by 2 in total"),
        "{text}"
    );
}

#[test]
fn advice_names_the_reviewers_whose_minimum_cannot_be_met() {
    // c and d must review 2 proposals each, but only p3 lists them.
    let i = instance(
        r#"{"reviewers_per_proposal": 1, "min_load": 0, "max_load": 5,
        "reviewers": {"a": {}, "b": {}, "c": {}, "d": {}},
        "proposals": {"p1": {"candidates": {"a": 5, "b": 6}}, "p2": {"candidates": {"a": 7, "b": 8}},
                      "p3": {"candidates": {"c": 1, "d": 1}}, "p4": {"candidates": {"a": 1}}}}"#,
    );
    assert!(assign(&i).is_ok());
    let i = instance(
        r#"{"reviewers_per_proposal": 1, "min_load": 1, "max_load": 5,
        "reviewers": {"a": {}, "b": {}, "c": {}, "d": {}},
        "proposals": {"p1": {"candidates": {"a": 5, "b": 6}}, "p2": {"candidates": {"a": 7, "b": 8}},
                      "p3": {"candidates": {"c": 1, "d": 1}}, "p4": {"candidates": {"a": 1}}}}"#,
    );
    let e = assign(&i).unwrap_err();
    assert_eq!(
        e.findings,
        [Finding::ReviewersShort {
            reviewers: vec!["c".into(), "d".into()],
            min_load_total: 2,
            reviews_possible: 1,
        }]
    );
    assert!(
        e.to_string()
            .contains("lower their minimum loads by 1 in total"),
        "{e}"
    );
}

#[test]
fn randomized_caps_and_is_reproducible() {
    let i = instance(
        r#"{"reviewers_per_proposal": 1, "max_load": 2,
        "reviewers": {"a": {}, "b": {}, "c": {}},
        "proposals": {"p1": {"candidates": {"a": 90, "b": 80, "c": 10}},
                      "p2": {"candidates": {"a": 85, "b": 20, "c": 60}}}}"#,
    );
    let half = Probability::new(0.5).unwrap();
    let r = assign_randomized(&i, half, 7).unwrap();
    check(&i, &r.assignment).unwrap();
    // Fractional optimum: p1 a/b halves (85), p2 a/c halves (72.5).
    assert!(
        (r.expected_affinity() - 157.5).abs() < 1e-9,
        "{}",
        r.expected_affinity()
    );
    assert!(r.marginals().all(|(_, _, x)| x <= 0.5));
    assert_eq!(
        assign_randomized(&i, half, 7).unwrap().assignment,
        r.assignment
    );
    // A cap of 1 is the exact problem.
    let one = Probability::new(1.0).unwrap();
    let exact = check(&i, &assign(&i).unwrap()).unwrap();
    let r1 = assign_randomized(&i, one, 1).unwrap();
    assert_eq!(check(&i, &r1.assignment).unwrap(), exact);
    // Caps outside (0, 1] are refused; thousandths are kept.
    assert!(Probability::new(0.0).is_none());
    assert!(Probability::new(1.5).is_none());
    assert!(Probability::new(f64::NAN).is_none());
    assert!((Probability::new(0.3333).unwrap().value() - 0.333).abs() < 1e-12);
    // Under q = 0.3 a proposal needs ⌈1 / 0.3⌉ = 4 candidates.
    let e = assign_randomized(&i, Probability::new(0.3).unwrap(), 1).unwrap_err();
    assert!(matches!(
        e.findings[0],
        Finding::TooFewCandidates {
            admissible: 3,
            needed: 4,
            ..
        }
    ));
}
