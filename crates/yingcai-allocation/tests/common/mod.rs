//! Shared test helpers: a textbook reference implementation, a stability checker,
//! and random instance specifications.

#![allow(dead_code)] // each test binary uses a different subset

use proptest::prelude::*;
use yingcai_allocation::{Allocation, Instance};

/// Textbook round-based deferred acceptance with plain Vec scans: each round every
/// free applicant with a remaining choice proposes to it; each complex keeps its
/// best `capacity` among held and new proposers (ranks found by linear search)
/// and rejects the rest. Deliberately shares no code with the library's loop.
pub fn reference(inst: &Instance) -> Vec<Option<u32>> {
    let n = inst.num_applicants() as usize;
    let m = inst.num_complexes() as usize;
    let mut next = vec![0usize; n];
    let mut matched: Vec<Option<u32>> = vec![None; n];
    let mut held: Vec<Vec<u32>> = vec![Vec::new(); m];
    loop {
        let mut proposals: Vec<Vec<u32>> = vec![Vec::new(); m];
        let mut any = false;
        for a in 0..n {
            let prefs = inst.preferences(a as u32);
            if matched[a].is_none() && next[a] < prefs.len() {
                proposals[prefs[next[a]] as usize].push(a as u32);
                next[a] += 1;
                any = true;
            }
        }
        if !any {
            return matched;
        }
        for c in 0..m {
            if proposals[c].is_empty() {
                continue;
            }
            let mut pool = held[c].clone();
            pool.extend(&proposals[c]);
            pool.sort_by_key(|&a| rank_of(inst, c as u32, a));
            let keep = (inst.capacity(c as u32) as usize).min(pool.len());
            for &a in &pool[keep..] {
                matched[a as usize] = None;
            }
            for &a in &pool[..keep] {
                matched[a as usize] = Some(c as u32);
            }
            pool.truncate(keep);
            held[c] = pool;
        }
    }
}

/// Position of `a` in complex `c`'s priority list (linear search).
pub fn rank_of(inst: &Instance, c: u32, a: u32) -> usize {
    inst.priority(c)
        .iter()
        .position(|&x| x == a)
        .expect("applicant is in the priority list of a complex it listed")
}

pub fn assignments(alloc: &Allocation<'_>) -> Vec<Option<u32>> {
    (0..alloc.instance().num_applicants())
        .map(|a| alloc.assignment(a))
        .collect()
}

/// Checks capacities, that matches are to listed complexes, stability, and that
/// cutoffs are as documented. Returns a description of the first violation.
pub fn check_allocation(alloc: &Allocation<'_>) -> Result<(), String> {
    let inst = alloc.instance();
    let m = inst.num_complexes();
    let assigned = assignments(alloc);
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); m as usize];
    for (a, c) in assigned.iter().enumerate() {
        if let Some(c) = *c {
            if !inst.preferences(a as u32).contains(&c) {
                return Err(format!("applicant {a} matched to unlisted complex {c}"));
            }
            members[c as usize].push(a as u32);
        }
    }
    for c in 0..m {
        let held = &members[c as usize];
        if held.len() > inst.capacity(c) as usize {
            return Err(format!("complex {c} over capacity"));
        }
        let full = held.len() == inst.capacity(c) as usize;
        let worst = held.iter().map(|&a| rank_of(inst, c, a)).max();
        let expected = if full { worst } else { None };
        let got = alloc.cutoff(c).map(|cut| cut.rank as usize);
        if got != expected {
            return Err(format!(
                "complex {c}: cutoff {got:?}, expected {expected:?}"
            ));
        }
        if let Some(cut) = alloc.cutoff(c) {
            let a = inst.priority(c)[cut.rank as usize];
            if cut.applicant != inst.applicant_id(a) {
                return Err(format!("complex {c}: cutoff applicant id mismatch"));
            }
        }
    }
    // No blocking pair: every complex a prefers to its match is full of
    // applicants it ranks above a.
    for (a, c) in assigned.iter().enumerate() {
        let a = a as u32;
        for &better in inst.preferences(a) {
            if Some(better) == *c {
                break;
            }
            let held = &members[better as usize];
            let r = rank_of(inst, better, a);
            if held.len() < inst.capacity(better) as usize {
                return Err(format!(
                    "blocking pair: applicant {a}, complex {better} has room"
                ));
            }
            if held.iter().any(|&b| rank_of(inst, better, b) > r) {
                return Err(format!(
                    "blocking pair: applicant {a}, complex {better} holds someone worse"
                ));
            }
            // The documented cutoff explanation.
            if let Some(cut) = alloc.cutoff(better)
                && r <= cut.rank as usize
            {
                return Err(format!(
                    "applicant {a} is not behind complex {better}'s cutoff"
                ));
            }
        }
    }
    Ok(())
}

/// An instance in index form, with each complex's hidden priority order over
/// *all* applicants; the published priority list is its restriction to the
/// applicants who listed the complex.
#[derive(Debug, Clone)]
pub struct Spec {
    pub capacities: Vec<u32>,
    pub prefs: Vec<Vec<usize>>,
    pub orders: Vec<Vec<usize>>,
}

impl Spec {
    pub fn instance(&self) -> Instance {
        let applicants: Vec<(String, Vec<String>)> = self
            .prefs
            .iter()
            .enumerate()
            .map(|(a, p)| (format!("a{a}"), p.iter().map(|c| format!("c{c}")).collect()))
            .collect();
        let complexes: Vec<(String, u32, Vec<String>)> = self
            .orders
            .iter()
            .enumerate()
            .map(|(c, order)| {
                let priority = order
                    .iter()
                    .filter(|&&a| self.prefs[a].contains(&c))
                    .map(|a| format!("a{a}"))
                    .collect();
                (format!("c{c}"), self.capacities[c], priority)
            })
            .collect();
        Instance::new(&applicants, &complexes).expect("a spec always yields a valid instance")
    }
}

/// Random specs: `n` applicants in `applicants`, `m` complexes in `complexes`,
/// capacities in `capacity`, each applicant listing a random ordered subset
/// (possibly empty) of the complexes.
pub fn arb_spec(
    applicants: std::ops::Range<usize>,
    complexes: std::ops::Range<usize>,
    capacity: std::ops::Range<u32>,
) -> impl Strategy<Value = Spec> {
    (applicants, complexes).prop_flat_map(move |(n, m)| {
        let capacities = proptest::collection::vec(capacity.clone(), m);
        let prefs =
            proptest::collection::vec((Just((0..m).collect::<Vec<_>>()).prop_shuffle(), 0..=m), n)
                .prop_map(|lists| {
                    lists
                        .into_iter()
                        .map(|(mut list, len)| {
                            list.truncate(len);
                            list
                        })
                        .collect::<Vec<_>>()
                });
        let orders = proptest::collection::vec(Just((0..n).collect::<Vec<_>>()).prop_shuffle(), m);
        (capacities, prefs, orders).prop_map(|(capacities, prefs, orders)| Spec {
            capacities,
            prefs,
            orders,
        })
    })
}
