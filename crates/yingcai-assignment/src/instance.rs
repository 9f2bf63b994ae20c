//! The assignment instance: ids mapped to dense indices, admissible candidates in
//! compressed rows.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::error::InstanceError;

/// A validated reviewer-assignment instance.
///
/// Proposals and reviewers are numbered `0..n` in the order they appear in the input;
/// these `u32` indices are what the accessors take and return.
///
/// INVARIANT (checked at construction): every candidate and conflict names a defined
/// reviewer, a proposal lists each candidate once, affinities are 1–100, `k ≥ 1`, and
/// every reviewer's `min_load ≤ max_load`.
#[derive(Debug, Clone)]
pub struct Instance {
    k: u32,
    proposals: Vec<Box<str>>,
    reviewers: Vec<Box<str>>,
    proposal_index: FxHashMap<Box<str>, u32>,
    reviewer_index: FxHashMap<Box<str>, u32>,
    min_load: Vec<u32>,
    max_load: Vec<u32>,
    /// Proposal `p`'s admissible candidates (conflicts removed), in file order, are
    /// `cand[cand_start[p]..cand_start[p + 1]]` with affinities `affinity[..]`.
    cand_start: Vec<u32>,
    cand: Vec<u32>,
    affinity: Vec<u8>,
    /// Proposal `p`'s declared conflicts, sorted, deduplicated:
    /// `conflicts[conflict_start[p]..conflict_start[p + 1]]`.
    conflict_start: Vec<u32>,
    conflicts: Vec<u32>,
    /// Per proposal: how many of its listed candidates are removed by a conflict.
    conflicted_candidates: Vec<u32>,
}

impl Instance {
    /// Reads an instance from JSON (the format of `review-assignment.md`).
    ///
    /// # Errors
    /// The first problem found, naming the proposal or reviewer concerned.
    pub fn from_json(bytes: &[u8]) -> Result<Instance, InstanceError> {
        let raw: RawInstance<'_> =
            serde_json::from_slice(bytes).map_err(|e| InstanceError::from_json(&e))?;
        build(raw)
    }

    /// `k`: how many distinct reviewers every proposal gets.
    pub fn reviewers_per_proposal(&self) -> u32 {
        self.k
    }

    /// Number of proposals.
    pub fn num_proposals(&self) -> usize {
        self.proposals.len()
    }

    /// Number of reviewers.
    pub fn num_reviewers(&self) -> usize {
        self.reviewers.len()
    }

    /// Id of proposal `p`. Panics if `p` is out of range.
    pub fn proposal_id(&self, p: u32) -> &str {
        &self.proposals[p as usize]
    }

    /// Id of reviewer `r`. Panics if `r` is out of range.
    pub fn reviewer_id(&self, r: u32) -> &str {
        &self.reviewers[r as usize]
    }

    /// Index of the proposal with this id.
    pub fn proposal_index(&self, id: &str) -> Option<u32> {
        self.proposal_index.get(id).copied()
    }

    /// Index of the reviewer with this id.
    pub fn reviewer_index(&self, id: &str) -> Option<u32> {
        self.reviewer_index.get(id).copied()
    }

    /// Reviewer `r`'s least load: `min(min_load, its max_load)`.
    pub fn min_load(&self, r: u32) -> u32 {
        self.min_load[r as usize]
    }

    /// Reviewer `r`'s largest load (its own `max_load`, else the global one).
    pub fn max_load(&self, r: u32) -> u32 {
        self.max_load[r as usize]
    }

    /// Proposal `p`'s admissible candidates (listed and not in conflict) with their
    /// affinities, in file order.
    pub fn candidates(&self, p: u32) -> impl ExactSizeIterator<Item = (u32, u8)> + '_ {
        let range = self.cand_range(p);
        self.cand[range.clone()]
            .iter()
            .copied()
            .zip(self.affinity[range].iter().copied())
    }

    /// How many candidates proposal `p` lists that a conflict rules out.
    pub fn conflicted_candidates(&self, p: u32) -> u32 {
        self.conflicted_candidates[p as usize]
    }

    /// Whether proposal `p` declares a conflict with reviewer `r`.
    pub fn is_conflict(&self, p: u32, r: u32) -> bool {
        let (s, e) = (
            self.conflict_start[p as usize] as usize,
            self.conflict_start[p as usize + 1] as usize,
        );
        self.conflicts[s..e].binary_search(&r).is_ok()
    }

    /// The affinity of reviewer `r` for proposal `p` if `r` may review `p` (a candidate
    /// without a conflict).
    pub fn affinity(&self, p: u32, r: u32) -> Option<u8> {
        self.candidates(p).find(|&(c, _)| c == r).map(|(_, a)| a)
    }

    pub(crate) fn cand_range(&self, p: u32) -> std::ops::Range<usize> {
        self.cand_start[p as usize] as usize..self.cand_start[p as usize + 1] as usize
    }

    pub(crate) fn cand_slice(&self) -> (&[u32], &[u32], &[u8]) {
        (&self.cand_start, &self.cand, &self.affinity)
    }
}

/// Most proposals and reviewers together: the solver's scaled costs (affinity × nodes)
/// must fit `i32`.
pub(crate) const MAX_NODES: usize = 20_000_000;

fn build(raw: RawInstance<'_>) -> Result<Instance, InstanceError> {
    if raw.reviewers_per_proposal == 0 {
        return Err(InstanceError::ZeroReviewersPerProposal);
    }
    if raw.min_load > raw.max_load {
        return Err(InstanceError::MinAboveMax {
            min_load: raw.min_load,
            max_load: raw.max_load,
        });
    }
    let limit = i32::MAX as usize;
    let np = raw.proposals.0.len();
    let nr = raw.reviewers.0.len();
    let entries: usize = raw
        .proposals
        .0
        .iter()
        .map(|(_, p)| p.candidates.0.len())
        .sum();
    let reviews = np as u64 * u64::from(raw.reviewers_per_proposal);
    if np + nr > MAX_NODES || entries > limit || reviews > limit as u64 {
        return Err(InstanceError::TooLarge);
    }

    let mut reviewers = Vec::with_capacity(nr);
    let mut reviewer_index = FxHashMap::default();
    reviewer_index.reserve(nr);
    let mut min_load = Vec::with_capacity(nr);
    let mut max_load = Vec::with_capacity(nr);
    for (id, r) in raw.reviewers.0 {
        let id: Box<str> = id.0.into();
        if reviewer_index
            .insert(id.clone(), reviewers.len() as u32)
            .is_some()
        {
            return Err(InstanceError::DuplicateReviewer {
                reviewer: id.into(),
            });
        }
        reviewers.push(id);
        let max = r.max_load.unwrap_or(raw.max_load);
        max_load.push(max);
        min_load.push(raw.min_load.min(max));
    }

    let mut proposals = Vec::with_capacity(np);
    let mut proposal_index = FxHashMap::default();
    proposal_index.reserve(np);
    let mut cand_start = Vec::with_capacity(np + 1);
    let mut cand = Vec::with_capacity(entries);
    let mut affinity = Vec::with_capacity(entries);
    let mut conflict_start = Vec::with_capacity(np + 1);
    let mut conflicts = Vec::new();
    let mut conflicted_candidates = Vec::with_capacity(np);
    // Per reviewer: the last proposal that listed it (repeat detection) and whether
    // the current proposal declares a conflict with it.
    let mut seen = vec![u32::MAX; nr];
    let mut conflicted = vec![u32::MAX; nr];
    cand_start.push(0);
    conflict_start.push(0);
    for (id, p) in raw.proposals.0 {
        let pi = proposals.len() as u32;
        let id: Box<str> = id.0.into();
        if proposal_index.insert(id.clone(), pi).is_some() {
            return Err(InstanceError::DuplicateProposal {
                proposal: id.into(),
            });
        }
        let first_conflict = conflicts.len();
        for r in &p.conflicts {
            let Some(&ri) = reviewer_index.get(&*r.0) else {
                return Err(InstanceError::UnknownConflict {
                    proposal: id.into(),
                    reviewer: r.0.clone().into_owned(),
                });
            };
            conflicted[ri as usize] = pi;
            conflicts.push(ri);
        }
        conflicts[first_conflict..].sort_unstable();
        let mut w = first_conflict;
        for i in first_conflict..conflicts.len() {
            if w == first_conflict || conflicts[w - 1] != conflicts[i] {
                conflicts[w] = conflicts[i];
                w += 1;
            }
        }
        conflicts.truncate(w);
        conflict_start.push(conflicts.len() as u32);

        let mut removed = 0;
        for (r, a) in p.candidates.0 {
            let Some(&ri) = reviewer_index.get(&*r.0) else {
                return Err(InstanceError::UnknownCandidate {
                    proposal: id.into(),
                    reviewer: r.0.into_owned(),
                });
            };
            if seen[ri as usize] == pi {
                return Err(InstanceError::RepeatedCandidate {
                    proposal: id.into(),
                    reviewer: r.0.into_owned(),
                });
            }
            seen[ri as usize] = pi;
            let aff = match a.as_u64() {
                Some(v @ 1..=100) => v as u8,
                _ => {
                    return Err(InstanceError::AffinityOutOfRange {
                        proposal: id.into(),
                        reviewer: r.0.into_owned(),
                        found: a.to_string(),
                    });
                }
            };
            if conflicted[ri as usize] == pi {
                removed += 1;
            } else {
                cand.push(ri);
                affinity.push(aff);
            }
        }
        conflicted_candidates.push(removed);
        cand_start.push(cand.len() as u32);
        proposals.push(id);
    }
    Ok(Instance {
        k: raw.reviewers_per_proposal,
        proposals,
        reviewers,
        proposal_index,
        reviewer_index,
        min_load,
        max_load,
        cand_start,
        cand,
        affinity,
        conflict_start,
        conflicts,
        conflicted_candidates,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstance<'a> {
    reviewers_per_proposal: u32,
    #[serde(default)]
    min_load: u32,
    max_load: u32,
    #[serde(borrow)]
    reviewers: Entries<'a, RawReviewer>,
    #[serde(borrow)]
    proposals: Entries<'a, RawProposal<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReviewer {
    #[serde(default)]
    max_load: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProposal<'a> {
    #[serde(borrow)]
    candidates: Entries<'a, serde_json::Number>,
    #[serde(default, borrow)]
    conflicts: Vec<Id<'a>>,
}

/// An id string, borrowed from the input when it has no escapes.
struct Id<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Id<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an id string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
        }
        d.deserialize_str(V).map(Id)
    }
}

/// A JSON object read as its entries in file order, duplicate keys kept (so that they
/// can be reported by name rather than silently overwritten).
struct Entries<'a, T>(Vec<(Id<'a>, T)>);

impl<'de: 'a, 'a, T: Deserialize<'de>> Deserialize<'de> for Entries<'a, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a, T>(PhantomData<(&'a (), T)>);
        impl<'de: 'a, 'a, T: Deserialize<'de>> Visitor<'de> for V<'a, T> {
            type Value = Entries<'a, T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object keyed by id")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((k, v)) = map.next_entry::<Id<'a>, T>()? {
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}
