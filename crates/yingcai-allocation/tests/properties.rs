//! Property tests on random instances.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

mod common;

use common::{Spec, arb_spec, assignments, check_allocation, reference};
use proptest::prelude::*;
use yingcai_allocation::{Instance, allocate};

/// Every ordered subset of `0..m` (all possible reports over `m` complexes).
fn all_reports(m: usize) -> Vec<Vec<usize>> {
    fn extend(m: usize, current: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        out.push(current.clone());
        for c in 0..m {
            if !current.contains(&c) {
                current.push(c);
                extend(m, current, out);
                current.pop();
            }
        }
    }
    let mut out = Vec::new();
    extend(m, &mut Vec::new(), &mut out);
    out
}

/// Position of `outcome` in the true list `truth`; unmatched or an unlisted
/// (unacceptable) complex rank after every listed one.
fn true_rank(truth: &[usize], outcome: Option<u32>) -> usize {
    outcome
        .and_then(|c| truth.iter().position(|&t| t == c as usize))
        .unwrap_or(truth.len())
}

/// All matchings that are feasible and stable, by brute force.
fn all_stable_matchings(inst: &Instance) -> Vec<Vec<Option<u32>>> {
    let n = inst.num_applicants() as usize;
    let mut out = Vec::new();
    let mut current: Vec<Option<u32>> = vec![None; n];
    fn rec(
        inst: &Instance,
        a: usize,
        current: &mut Vec<Option<u32>>,
        out: &mut Vec<Vec<Option<u32>>>,
    ) {
        if a == current.len() {
            if is_stable(inst, current) {
                out.push(current.clone());
            }
            return;
        }
        current[a] = None;
        rec(inst, a + 1, current, out);
        for &c in inst.preferences(a as u32) {
            current[a] = Some(c);
            rec(inst, a + 1, current, out);
        }
        current[a] = None;
    }
    rec(inst, 0, &mut current, &mut out);
    out
}

fn is_stable(inst: &Instance, matching: &[Option<u32>]) -> bool {
    let m = inst.num_complexes();
    let members = |c: u32| (0..matching.len()).filter(move |&a| matching[a] == Some(c));
    if (0..m).any(|c| members(c).count() > inst.capacity(c) as usize) {
        return false;
    }
    for (a, &got) in matching.iter().enumerate() {
        for &c in inst.preferences(a as u32) {
            if Some(c) == got {
                break;
            }
            let r = common::rank_of(inst, c, a as u32);
            let room = members(c).count() < inst.capacity(c) as usize;
            let worse = members(c).any(|b| common::rank_of(inst, c, b as u32) > r);
            if room || worse {
                return false;
            }
        }
    }
    true
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Capacities, listed-only matches, stability, cutoffs, and exact agreement
    /// with the textbook reference.
    #[test]
    fn agrees_with_reference_and_is_stable(spec in arb_spec(0..40, 1..8, 0..5)) {
        let inst = spec.instance();
        let alloc = allocate(&inst);
        if let Err(problem) = check_allocation(&alloc) {
            prop_assert!(false, "{}", problem);
        }
        prop_assert_eq!(assignments(&alloc), reference(&inst));
    }

    /// The result is the applicant-optimal stable matching: every applicant weakly
    /// prefers it to its match in any stable matching (found by brute force).
    #[test]
    fn applicant_optimal(spec in arb_spec(0..6, 1..4, 0..3)) {
        let inst = spec.instance();
        let da = assignments(&allocate(&inst));
        let stable = all_stable_matchings(&inst);
        prop_assert!(stable.contains(&da), "DA result is not among the stable matchings");
        for other in &stable {
            for a in 0..da.len() {
                let truth: Vec<usize> = spec.prefs[a].clone();
                prop_assert!(true_rank(&truth, da[a]) <= true_rank(&truth, other[a]),
                    "applicant {} prefers another stable matching", a);
            }
        }
    }

    /// No applicant gains by any misreport (every ordered subset of the
    /// complexes, which covers truncations, swaps and additions) while everyone
    /// else is truthful.
    #[test]
    fn strategy_proof(spec in arb_spec(1..7, 1..4, 0..3)) {
        let m = spec.capacities.len();
        let truthful = assignments(&allocate(&spec.instance()));
        let reports = all_reports(m);
        for a in 0..spec.prefs.len() {
            let truth = &spec.prefs[a];
            let honest = true_rank(truth, truthful[a]);
            for report in &reports {
                let lie = Spec { prefs: {
                    let mut p = spec.prefs.clone();
                    p[a] = report.clone();
                    p
                }, ..spec.clone() };
                let got = allocate(&lie.instance()).assignment(a as u32);
                prop_assert!(true_rank(truth, got) >= honest,
                    "applicant {} gains by reporting {:?} instead of {:?}", a, report, truth);
            }
        }
    }

    /// `to_json` then `from_json` gives the same instance and allocation.
    #[test]
    fn json_round_trip(spec in arb_spec(0..30, 1..6, 0..4)) {
        let inst = spec.instance();
        let back = Instance::from_json(inst.to_json().as_bytes()).unwrap();
        prop_assert_eq!(&back, &inst);
        prop_assert_eq!(back.to_json(), inst.to_json());
        let (a, b) = (allocate(&inst), allocate(&back));
        prop_assert_eq!(a.pairs().collect::<Vec<_>>(), b.pairs().collect::<Vec<_>>());
        let (mut csv_a, mut csv_b) = (Vec::new(), Vec::new());
        a.write_csv(&mut csv_a).unwrap();
        b.write_csv(&mut csv_b).unwrap();
        prop_assert_eq!(csv_a, csv_b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Larger instances, where long eviction chains and many full complexes occur.
    #[test]
    fn agrees_with_reference_on_larger_instances(spec in arb_spec(500..1500, 5..30, 0..40)) {
        let inst = spec.instance();
        let alloc = allocate(&inst);
        if let Err(problem) = check_allocation(&alloc) {
            prop_assert!(false, "{}", problem);
        }
        prop_assert_eq!(assignments(&alloc), reference(&inst));
    }
}
