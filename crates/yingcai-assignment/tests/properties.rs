//! Property tests on random small instances: every constraint holds, no conflict is
//! ever assigned, the total equals the reference optimum, infeasibility is reported
//! exactly when the reference finds no solution, and every finding is a valid
//! certificate; the randomised assignment respects its cap and its seed.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

mod common;

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use serde_json::{Value, json};
use yingcai_assignment::{Finding, Instance, Probability, assign, assign_randomized, check};

/// A random instance of at most `np` proposals and `nr` reviewers, as JSON.
fn instance_json(np: usize, nr: usize, max_k: u32) -> impl Strategy<Value = String> {
    (1..=np, 1..=nr, 1..=max_k, 0..=2u32, 0..=4u32)
        .prop_flat_map(|(np, nr, k, min, extra)| {
            (
                Just((k, min, min + extra)),
                proptest::collection::vec(proptest::option::weighted(0.3, 0..=5u32), nr),
                proptest::collection::vec(
                    proptest::collection::vec(
                        (
                            proptest::bool::weighted(0.7),
                            1..=100u32,
                            proptest::bool::weighted(0.15),
                        ),
                        nr,
                    ),
                    np,
                ),
            )
        })
        .prop_map(|((k, min, max), overrides, cells)| {
            let reviewers: serde_json::Map<String, Value> = overrides
                .iter()
                .enumerate()
                .map(|(r, o)| {
                    let v = match o {
                        Some(m) => json!({ "max_load": m }),
                        None => json!({}),
                    };
                    (format!("r{r}"), v)
                })
                .collect();
            let proposals: serde_json::Map<String, Value> = cells
                .iter()
                .enumerate()
                .map(|(p, row)| {
                    let candidates: serde_json::Map<String, Value> = row
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.0)
                        .map(|(r, c)| (format!("r{r}"), json!(c.1)))
                        .collect();
                    let conflicts: Vec<String> = row
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.2)
                        .map(|(r, _)| format!("r{r}"))
                        .collect();
                    (
                        format!("p{p}"),
                        json!({ "candidates": candidates, "conflicts": conflicts }),
                    )
                })
                .collect();
            json!({
                "reviewers_per_proposal": k, "min_load": min, "max_load": max,
                "reviewers": reviewers, "proposals": proposals,
            })
            .to_string()
        })
}

/// Checks that `finding` by itself proves that no assignment exists.
fn assert_certificate(instance: &Instance, finding: &Finding) {
    let plain = common::plain(instance);
    let k = plain.k as u64;
    let np = instance.num_proposals() as u64;
    match finding {
        Finding::TooFewCandidates {
            proposal,
            admissible,
            conflicted,
            needed,
        } => {
            let p = instance.proposal_index(proposal).unwrap();
            assert_eq!(plain.adm[p as usize].len() as u32, *admissible);
            assert_eq!(instance.conflicted_candidates(p), *conflicted);
            assert!(admissible < needed);
        }
        Finding::CapacityShort {
            reviews_needed,
            max_load_total,
        } => {
            assert_eq!(*reviews_needed, k * np);
            assert_eq!(
                *max_load_total,
                plain.hi.iter().map(|&h| u64::from(h)).sum::<u64>()
            );
            assert!(max_load_total < reviews_needed);
        }
        Finding::MinLoadsTooHigh {
            min_load_total,
            reviews_available,
        } => {
            assert_eq!(*reviews_available, k * np);
            assert_eq!(
                *min_load_total,
                plain.lo.iter().map(|&l| u64::from(l)).sum::<u64>()
            );
            assert!(min_load_total > reviews_available);
        }
        Finding::ProposalsShort {
            proposals,
            reviews_needed,
            reviews_possible,
            reviewers_at_max,
        } => {
            let x: HashSet<usize> = proposals
                .iter()
                .map(|p| instance.proposal_index(p).unwrap() as usize)
                .collect();
            assert_eq!(*reviews_needed, k * x.len() as u64);
            assert!(reviews_possible < reviews_needed);
            // Independent bound: each reviewer takes at most min(max load, how many
            // of these proposals it may review).
            let mut per_reviewer: HashMap<usize, u64> = HashMap::new();
            for &p in &x {
                for &(r, _) in &plain.adm[p] {
                    *per_reviewer.entry(r).or_default() += 1;
                }
            }
            let bound: u64 = per_reviewer
                .iter()
                .map(|(&r, &c)| c.min(u64::from(plain.hi[r])))
                .sum();
            assert!(bound <= *reviews_possible, "{bound} > {reviews_possible}");
            for r in reviewers_at_max {
                assert!(instance.reviewer_index(r).is_some());
            }
        }
        Finding::ReviewersShort {
            reviewers,
            min_load_total,
            reviews_possible,
        } => {
            let y: HashSet<usize> = reviewers
                .iter()
                .map(|r| instance.reviewer_index(r).unwrap() as usize)
                .collect();
            assert_eq!(
                *min_load_total,
                y.iter().map(|&r| u64::from(plain.lo[r])).sum::<u64>()
            );
            assert!(reviews_possible < min_load_total);
            // Independent bound: each proposal sends at most min(k, its admissible
            // reviewers among them).
            let bound: u64 = plain
                .adm
                .iter()
                .map(|c| (c.iter().filter(|(r, _)| y.contains(r)).count() as u64).min(k))
                .sum();
            assert!(bound <= *reviews_possible, "{bound} > {reviews_possible}");
        }
        other => panic!("unexpected finding {other:?}"),
    }
}

fn compare(json: &str, reference: fn(&common::Plain) -> Option<u64>) {
    let instance = Instance::from_json(json.as_bytes()).unwrap();
    let expected = reference(&common::plain(&instance));
    match (assign(&instance), expected) {
        (Ok(assignment), Some(optimum)) => {
            let total = check(&instance, &assignment).unwrap();
            assert_eq!(total, optimum, "{json}");
        }
        (Err(infeasible), None) => {
            assert!(!infeasible.findings.is_empty());
            for finding in &infeasible.findings {
                assert_certificate(&instance, finding);
            }
            assert!(!infeasible.to_string().is_empty());
        }
        (Ok(a), None) => panic!("reference finds no assignment, solver found {a:?}: {json}"),
        (Err(e), Some(o)) => panic!("reference optimum {o}, solver says {e}: {json}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn optimal_against_enumeration(json in instance_json(4, 4, 3)) {
        compare(&json, common::brute_force);
    }

    #[test]
    fn optimal_against_successive_shortest_paths(json in instance_json(9, 7, 3)) {
        compare(&json, common::successive_shortest_paths);
    }

    #[test]
    fn randomized_respects_cap_and_seed(json in instance_json(6, 7, 2), seed in any::<u64>()) {
        let instance = Instance::from_json(json.as_bytes()).unwrap();
        let cap = Probability::new(0.5).unwrap();
        let result = assign_randomized(&instance, cap, seed);
        if let Ok(r) = result {
            let total = check(&instance, &r.assignment).unwrap();
            let exact = check(&instance, &assign(&instance).unwrap()).unwrap();
            prop_assert!(r.expected_affinity() <= exact as f64 + 1e-9);
            prop_assert!(total <= exact);
            let mut per_proposal = vec![0.0; instance.num_proposals()];
            for (p, r_, x) in r.marginals() {
                prop_assert!(x > 0.0 && x <= 0.5 + 1e-12);
                prop_assert!(instance.affinity(p, r_).is_some());
                per_proposal[p as usize] += x;
            }
            for s in per_proposal {
                prop_assert!((s - f64::from(instance.reviewers_per_proposal())).abs() < 1e-9);
            }
            // Every pair drawn had a positive probability.
            let positive: HashSet<(u32, u32)> = r.marginals().map(|(p, r_, _)| (p, r_)).collect();
            for pair in r.assignment.pairs() {
                prop_assert!(positive.contains(pair));
            }
            let again = assign_randomized(&instance, cap, seed).unwrap();
            prop_assert_eq!(again.assignment, r.assignment);
        } else if let Err(e) = result {
            prop_assert!(!e.findings.is_empty());
            // A proposal with fewer than k / q admissible candidates is always named.
            let needs = 2 * instance.reviewers_per_proposal();
            for p in 0..instance.num_proposals() as u32 {
                if (instance.candidates(p).len() as u32) < needs {
                    let id = instance.proposal_id(p);
                    let named = e.findings.iter().any(|f| matches!(
                        f, Finding::TooFewCandidates { proposal, needed, .. }
                            if proposal == id && *needed == needs));
                    prop_assert!(named, "{} not named in {}", id, e);
                }
            }
        }
    }
}

/// Drawn many times from different seeds, each pair's frequency is its marginal, and
/// no pair is drawn more often than the cap allows (beyond sampling noise).
#[test]
fn randomized_marginals_match_frequencies() {
    let json = r#"{"reviewers_per_proposal": 2, "min_load": 1, "max_load": 3,
      "reviewers": {"a": {}, "b": {}, "c": {}, "d": {}, "e": {"max_load": 2}},
      "proposals": {
        "p1": {"candidates": {"a": 90, "b": 80, "c": 20, "d": 10}},
        "p2": {"candidates": {"a": 85, "b": 60, "c": 50, "e": 40}},
        "p3": {"candidates": {"b": 70, "c": 65, "d": 30, "e": 90}, "conflicts": ["a"]},
        "p4": {"candidates": {"a": 30, "c": 40, "d": 95, "e": 15}},
        "p5": {"candidates": {"a": 55, "b": 45, "d": 35, "e": 25}}}}"#;
    let instance = Instance::from_json(json.as_bytes()).unwrap();
    let cap = Probability::new(0.6).unwrap();
    let runs = 3000;
    let mut counts: HashMap<(u32, u32), u32> = HashMap::new();
    let first = assign_randomized(&instance, cap, 0).unwrap();
    let marginals: Vec<(u32, u32, f64)> = first.marginals().collect();
    for seed in 0..runs {
        let r = assign_randomized(&instance, cap, seed).unwrap();
        check(&instance, &r.assignment).unwrap();
        for &pair in r.assignment.pairs() {
            *counts.entry(pair).or_default() += 1;
        }
    }
    for (p, r, x) in marginals {
        assert!(x <= 0.6 + 1e-12);
        let freq = f64::from(counts.get(&(p, r)).copied().unwrap_or(0)) / runs as f64;
        // Five standard deviations of a frequency over 3000 draws is at most 0.046.
        assert!(
            (freq - x).abs() < 0.046,
            "pair ({p}, {r}): frequency {freq}, marginal {x}"
        );
        assert!(freq < 0.6 + 0.046);
    }
}
