//! Collecting ids and lists and checking an instance's consistency, shared by the
//! JSON parser and [`Instance::new`](crate::Instance::new).
//!
//! Both top-level keys must be read before ids can be checked (JSON does not fix
//! their order, and a priority list names applicants defined anywhere in the
//! file), so the builder collects, and [`Builder::finish`] resolves and validates.

use std::borrow::Cow;

use crate::error::InstanceError;
use crate::idmap::{Interner, Refs};
use crate::instance::{IdTable, Instance};

/// Sentinel for "no index". Never a valid index: [`index_from_len`] refuses it.
pub(crate) const NONE: u32 = u32::MAX;

/// Converts a length into the next `u32` index, keeping [`NONE`] free.
pub(crate) fn index_from_len(len: usize) -> Result<u32, InstanceError> {
    match u32::try_from(len) {
        Ok(i) if i != NONE => Ok(i),
        _ => Err(InstanceError::TooLarge),
    }
}

/// Accumulates an instance, then validates it in [`Builder::finish`].
///
/// The driver calls, for each applicant, `begin_applicant`, `add_preference`*,
/// `end_applicant`; for each complex, `begin_complex`, then `add_priority`* and
/// `set_capacity` in any order, then `end_complex`. Applicants and complexes may
/// interleave only at those boundaries.
///
/// Complex ids are interned as they come (there are few). Applicant ids are only
/// collected, and the priority lists' references to them resolved in bulk by
/// `finish` (see [`crate::idmap`] for why).
pub(crate) struct Builder<'s> {
    /// Applicant ids in definition order (index = applicant index).
    applicant_names: Vec<Cow<'s, str>>,
    complexes: Interner<'s>,
    /// Per defined applicant, offsets into `prefs` (leading 0).
    pref_start: Vec<u32>,
    /// Provisional complex indices until `finish` remaps them.
    prefs: Vec<u32>,
    capacity: Vec<u32>,
    /// Per defined complex, offsets into `prio` (leading 0).
    prio_start: Vec<u32>,
    /// Priority entries (applicant ids), in list order.
    prio: Refs<'s>,
    /// Set by a serde visitor before it aborts parsing, so the caller can report
    /// this precise error instead of serde's generic one.
    pub(crate) pending: Option<InstanceError>,
}

impl<'s> Builder<'s> {
    pub(crate) fn new() -> Self {
        Builder {
            applicant_names: Vec::new(),
            complexes: Interner::new(),
            pref_start: vec![0],
            prefs: Vec::new(),
            capacity: Vec::new(),
            prio_start: vec![0],
            prio: Refs::default(),
            pending: None,
        }
    }

    /// Duplicates are detected by `finish`.
    pub(crate) fn begin_applicant(&mut self, name: Cow<'s, str>) -> Result<(), InstanceError> {
        index_from_len(self.applicant_names.len())?;
        self.applicant_names.push(name);
        Ok(())
    }

    #[inline]
    pub(crate) fn add_preference(&mut self, complex: Cow<'s, str>) -> Result<(), InstanceError> {
        let c = self.complexes.reference(complex)?;
        self.prefs.push(c);
        Ok(())
    }

    pub(crate) fn end_applicant(&mut self) -> Result<(), InstanceError> {
        self.pref_start.push(index_from_len(self.prefs.len())?);
        Ok(())
    }

    pub(crate) fn begin_complex(&mut self, name: Cow<'s, str>) -> Result<(), InstanceError> {
        self.complexes
            .define(name, |complex| InstanceError::DuplicateComplex { complex })?;
        self.capacity.push(0);
        Ok(())
    }

    pub(crate) fn set_capacity(&mut self, capacity: u32) {
        if let Some(last) = self.capacity.last_mut() {
            *last = capacity;
        }
    }

    #[inline]
    pub(crate) fn add_priority(&mut self, applicant: Cow<'s, str>) -> Result<(), InstanceError> {
        self.prio.push(applicant)
    }

    pub(crate) fn end_complex(&mut self) -> Result<(), InstanceError> {
        self.prio_start.push(index_from_len(self.prio.len())?);
        Ok(())
    }

    /// Checks consistency and produces the instance with definition-order indices
    /// and the precomputed rank of every (applicant, listed complex) pair.
    pub(crate) fn finish(mut self) -> Result<Instance, InstanceError> {
        let n = self.applicant_names.len();
        let m = self.complexes.prov_of.len();

        let priority = match self.prio.resolve(&self.applicant_names) {
            Ok(priority) => priority,
            Err(a) => {
                return Err(InstanceError::DuplicateApplicant {
                    applicant: self.applicant_names[a].to_string(),
                });
            }
        };

        // References to ids that were never defined, reported in input order.
        for a in 0..n {
            let (s, e) = (self.pref_start[a] as usize, self.pref_start[a + 1] as usize);
            if let Some(&c) = self.prefs[s..e]
                .iter()
                .find(|&&c| !self.complexes.is_defined(c))
            {
                return Err(InstanceError::UnknownComplex {
                    applicant: self.applicant_names[a].to_string(),
                    complex: self.complexes.name(c).to_owned(),
                });
            }
        }
        if let Some(k) = priority.iter().position(|&a| a == NONE) {
            // The complex whose list holds entry k: the last start at or before k.
            let c = self.prio_start.partition_point(|&s| s as usize <= k) - 1;
            return Err(InstanceError::UnknownApplicant {
                complex: self.complexes.def_name(c as u32),
                applicant: self.prio.name(k),
            });
        }
        drop(std::mem::take(&mut self.prio));

        for c in &mut self.prefs {
            *c = self.complexes.def_of[*c as usize];
        }

        let rank = match compute_ranks(
            n,
            m,
            &self.pref_start,
            &self.prefs,
            &self.prio_start,
            &priority,
        ) {
            Ok(rank) => rank,
            Err(problem) => return Err(self.describe(problem)),
        };

        let mut applicants = IdTable::with_capacity(n);
        for name in &self.applicant_names {
            applicants.push(name);
        }
        let mut complexes = IdTable::with_capacity(m);
        for name in self.complexes.defined_names() {
            complexes.push(name);
        }
        Ok(Instance::from_parts(
            applicants,
            complexes,
            self.pref_start,
            self.prefs,
            rank,
            self.capacity,
            self.prio_start,
            priority,
        ))
    }

    fn describe(&self, problem: Problem) -> InstanceError {
        let a_name = |a: u32| self.applicant_names[a as usize].to_string();
        let c_name = |c: u32| self.complexes.def_name(c);
        match problem {
            Problem::RepeatedPreference(a, c) => InstanceError::RepeatedPreference {
                applicant: a_name(a),
                complex: c_name(c),
            },
            Problem::Unrequested(a, c) => InstanceError::UnrequestedPriority {
                complex: c_name(c),
                applicant: a_name(a),
            },
            Problem::RepeatedPriority(a, c) => InstanceError::RepeatedPriority {
                complex: c_name(c),
                applicant: a_name(a),
            },
            Problem::Missing(a, c) => InstanceError::MissingPriority {
                complex: c_name(c),
                applicant: a_name(a),
            },
        }
    }
}

/// A consistency problem between preference and priority lists, as
/// (applicant, complex) definition indices.
enum Problem {
    RepeatedPreference(u32, u32),
    Unrequested(u32, u32),
    RepeatedPriority(u32, u32),
    Missing(u32, u32),
}

/// For each entry `k` of the flat preference array, the 0-based position of its
/// applicant in its complex's priority list; checks on the way that each priority
/// list is exactly the set of applicants who listed that complex.
///
/// Linear in the total list length whatever the list lengths: the priority lists
/// are transposed to applicant-major order, then each applicant's two views (its
/// preference list, and the priority entries naming it) are joined through a
/// per-complex scratch array stamped with the current applicant.
fn compute_ranks(
    n: usize,
    m: usize,
    pref_start: &[u32],
    prefs: &[u32],
    prio_start: &[u32],
    priority: &[u32],
) -> Result<Vec<u32>, Problem> {
    // Transpose: for each applicant, the (complex, position) pairs naming it.
    let mut t_start = vec![0u32; n + 1];
    for &a in priority {
        t_start[a as usize + 1] += 1;
    }
    for a in 0..n {
        t_start[a + 1] += t_start[a];
    }
    let mut fill = t_start.clone();
    let mut t_entries = vec![(0u32, 0u32); priority.len()];
    for c in 0..m {
        let s = prio_start[c] as usize;
        for (pos, &a) in priority[s..prio_start[c + 1] as usize].iter().enumerate() {
            let slot = &mut fill[a as usize];
            // Fits: `end_complex` checked every offset into `priority` against u32.
            t_entries[*slot as usize] = (c as u32, pos as u32);
            *slot += 1;
        }
    }

    let mut rank = vec![NONE; prefs.len()];
    // stamp[c] == a  ⇔  applicant a lists c, at flat position slot_of[c].
    let mut stamp = vec![NONE; m];
    let mut slot_of = vec![0u32; m];
    for a in 0..n {
        let a32 = a as u32;
        let (s, e) = (pref_start[a], pref_start[a + 1]);
        for k in s..e {
            let c = prefs[k as usize] as usize;
            if stamp[c] == a32 {
                return Err(Problem::RepeatedPreference(a32, c as u32));
            }
            stamp[c] = a32;
            slot_of[c] = k;
        }
        for &(c, pos) in &t_entries[t_start[a] as usize..t_start[a + 1] as usize] {
            if stamp[c as usize] != a32 {
                return Err(Problem::Unrequested(a32, c));
            }
            let r = &mut rank[slot_of[c as usize] as usize];
            if *r != NONE {
                return Err(Problem::RepeatedPriority(a32, c));
            }
            *r = pos;
        }
        for k in s..e {
            if rank[k as usize] == NONE {
                return Err(Problem::Missing(a32, prefs[k as usize]));
            }
        }
    }
    Ok(rank)
}
