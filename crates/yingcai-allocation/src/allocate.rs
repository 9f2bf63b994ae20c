//! Applicant-proposing deferred acceptance and its result.

use std::io::{self, Write};

use crate::build::NONE;
use crate::instance::{FLUSH_AT, Instance};

/// Computes the applicant-optimal stable matching by applicant-proposing deferred
/// acceptance (many-to-one Gale–Shapley).
///
/// Runs in O(total preference-list length): every proposal is O(1) amortised
/// (ranks were precomputed by [`Instance`], so nothing is hashed or searched here).
/// The result does not depend on the order in which free applicants propose, so
/// it is the unique applicant-optimal stable matching.
pub fn allocate(instance: &Instance) -> Allocation<'_> {
    let (pref_start, prefs, rank, capacity, prio_start, priority) = instance.raw();
    let n = instance.num_applicants() as usize;
    let m = instance.num_complexes() as usize;

    // Next entry of `prefs` each applicant will propose to.
    let mut next: Vec<u32> = pref_start[..n].to_vec();
    // `held[prio_start[c] + r]`: complex c tentatively holds the applicant of rank r.
    let mut held = vec![false; priority.len()];
    let mut count = vec![0u32; m];
    // INVARIANT: if count[c] > 0, worst[c] is the largest held rank at c.
    let mut worst = vec![0u32; m];
    let mut assigned = vec![NONE; n];

    for first in 0..n {
        // Each applicant enters once; an eviction hands the turn to the evicted
        // applicant, so this inner loop plays the role of the free-applicant stack.
        let mut a = first;
        loop {
            let k = next[a];
            if k == pref_start[a + 1] {
                break; // list exhausted: stays unmatched
            }
            next[a] = k + 1;
            let (c, r) = (prefs[k as usize] as usize, rank[k as usize]);
            let base = prio_start[c] as usize;
            if count[c] < capacity[c] {
                held[base + r as usize] = true;
                worst[c] = if count[c] == 0 { r } else { worst[c].max(r) };
                count[c] += 1;
                assigned[a] = c as u32;
                break;
            }
            // Full (or capacity 0, where count == 0 and nobody is held).
            if count[c] == 0 || r > worst[c] {
                continue; // rejected: propose to the next complex
            }
            // Admit `a`, evict the lowest-priority holder.
            let w = worst[c] as usize;
            held[base + w] = false;
            held[base + r as usize] = true;
            assigned[a] = c as u32;
            let evicted = priority[base + w] as usize;
            assigned[evicted] = NONE;
            // A full complex never becomes non-full again and only admits applicants
            // better than its worst, so `worst` only moves down from here on: the
            // scans below cost O(priority list length) per complex in total.
            // INVARIANT: `r < w` and rank r is held, so the scan stops at or above r.
            let mut p = w - 1;
            while !held[base + p] {
                p -= 1;
            }
            worst[c] = p as u32;
            a = evicted;
        }
    }

    let cutoff = (0..m)
        .map(|c| {
            if count[c] > 0 && count[c] == capacity[c] {
                worst[c]
            } else {
                NONE
            }
        })
        .collect();
    Allocation {
        instance,
        assigned,
        cutoff,
    }
}

/// The lowest-priority applicant admitted to a full complex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoff<'i> {
    /// 0-based position of that applicant in the complex's priority list.
    pub rank: u32,
    /// That applicant's id.
    pub applicant: &'i str,
}

/// The result of [`allocate`]: each applicant's complex, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation<'i> {
    instance: &'i Instance,
    /// Complex index per applicant, [`NONE`] if unmatched.
    assigned: Vec<u32>,
    /// Cutoff rank per complex, [`NONE`] if the complex is not full.
    cutoff: Vec<u32>,
}

impl<'i> Allocation<'i> {
    /// The instance this allocation is for.
    pub fn instance(&self) -> &'i Instance {
        self.instance
    }

    /// Complex index assigned to applicant `a`, or `None` if unmatched.
    /// Panics if `a` is not an applicant index.
    pub fn assignment(&self, a: u32) -> Option<u32> {
        Some(self.assigned[a as usize]).filter(|&c| c != NONE)
    }

    /// Complex id assigned to the applicant with id `applicant`; `None` if that
    /// applicant is unmatched or not in the instance
    /// (see [`Instance::applicant_index`] for the lookup cost).
    pub fn complex_of(&self, applicant: &str) -> Option<&'i str> {
        let a = self.instance.applicant_index(applicant)?;
        self.assignment(a).map(|c| self.instance.complex_id(c))
    }

    /// Number of matched applicants.
    pub fn matched(&self) -> usize {
        self.assigned.iter().filter(|&&c| c != NONE).count()
    }

    /// `(applicant id, complex id)` for every matched applicant, in the applicants'
    /// input order.
    pub fn pairs(&self) -> impl Iterator<Item = (&'i str, &'i str)> + '_ {
        let inst = self.instance;
        self.assigned
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c != NONE)
            .map(move |(a, &c)| (inst.applicant_id(a as u32), inst.complex_id(c)))
    }

    /// Complex `c`'s cutoff: the lowest-priority applicant it admitted, if it is
    /// full; `None` if it has free units (or capacity 0).
    ///
    /// This explains every refusal: an applicant who listed `c` above the complex
    /// they got (or who is unmatched) has a rank in `c`'s priority list strictly
    /// greater than (behind) `c`'s cutoff rank, and a complex without a cutoff was
    /// never ranked by anyone above what they got. Equivalently, the stability of
    /// the allocation. Panics if `c` is not a complex index.
    pub fn cutoff(&self, c: u32) -> Option<Cutoff<'i>> {
        let rank = self.cutoff[c as usize];
        (rank != NONE).then(|| Cutoff {
            rank,
            applicant: self
                .instance
                .applicant_id(self.instance.priority(c)[rank as usize]),
        })
    }

    /// [`Allocation::cutoff`] of every complex, in complex input order.
    pub fn cutoffs(&self) -> impl ExactSizeIterator<Item = Option<Cutoff<'i>>> + '_ {
        (0..self.instance.num_complexes()).map(|c| self.cutoff(c))
    }

    /// Writes the result as CSV: header `applicant,complex`, then one row per
    /// matched applicant in input order. Ids that contain `,`, `"`, CR or LF are
    /// quoted (RFC 4180). Buffers internally; `out` sees writes of ~64 KiB.
    pub fn write_csv<W: Write>(&self, mut out: W) -> io::Result<()> {
        let mut buf: Vec<u8> = Vec::with_capacity(FLUSH_AT + 1024);
        buf.extend_from_slice(b"applicant,complex\n");
        for (a, c) in self.pairs() {
            push_csv_field(&mut buf, a);
            buf.push(b',');
            push_csv_field(&mut buf, c);
            buf.push(b'\n');
            if buf.len() >= FLUSH_AT {
                out.write_all(&buf)?;
                buf.clear();
            }
        }
        out.write_all(&buf)
    }
}

fn push_csv_field(buf: &mut Vec<u8>, field: &str) {
    if field
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        buf.push(b'"');
        for b in field.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(field.as_bytes());
    }
}
