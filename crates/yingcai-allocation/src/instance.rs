//! The allocation instance: interned ids, preference and priority lists.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::OnceLock;

use crate::build::Builder;
use crate::error::InstanceError;

/// Ids of one kind, stored in one string so that a million ids cost two allocations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct IdTable {
    text: String,
    /// `ends[i]` is the end of id `i` in `text`; id `i` starts at `ends[i - 1]` (or 0).
    ends: Vec<usize>,
}

impl IdTable {
    pub(crate) fn with_capacity(n: usize) -> Self {
        IdTable {
            text: String::with_capacity(n * 8),
            ends: Vec::with_capacity(n),
        }
    }

    pub(crate) fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// Indices sorted by id, for binary search.
    fn sorted(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.len() as u32).collect();
        order.sort_unstable_by(|&x, &y| self.get(x as usize).cmp(self.get(y as usize)));
        order
    }

    fn find(&self, sorted: &[u32], id: &str) -> Option<u32> {
        sorted
            .binary_search_by(|&i| self.get(i as usize).cmp(id))
            .ok()
            .map(|pos| sorted[pos])
    }
}

/// A validated allocation instance.
///
/// Applicants and complexes are numbered `0..n` and `0..m` in the order they appear
/// in the input; these `u32` indices are what the accessors take and return.
///
/// INVARIANT (checked at construction): every complex's priority list is a
/// permutation of exactly the applicants who listed it, every preference list
/// names distinct existing complexes, and `rank` agrees with the priority lists.
#[derive(Debug, Clone)]
pub struct Instance {
    applicants: IdTable,
    complexes: IdTable,
    /// Applicant `a`'s preference list is `prefs[pref_start[a]..pref_start[a + 1]]`.
    pref_start: Vec<u32>,
    prefs: Vec<u32>,
    /// `rank[k]`: position of the applicant owning entry `k` of `prefs` in the
    /// priority list of complex `prefs[k]`. Precomputed so allocation never hashes.
    rank: Vec<u32>,
    capacity: Vec<u32>,
    /// Complex `c`'s priority list is `priority[prio_start[c]..prio_start[c + 1]]`.
    prio_start: Vec<u32>,
    priority: Vec<u32>,
    /// Built on first lookup by id: the bulk path (parse, allocate, write) never
    /// needs it.
    applicant_lookup: OnceLock<Vec<u32>>,
    complex_lookup: OnceLock<Vec<u32>>,
}

impl PartialEq for Instance {
    fn eq(&self, other: &Self) -> bool {
        // `rank` and `prio_start` follow from the compared fields; the lookup caches
        // are not part of the value.
        self.applicants == other.applicants
            && self.complexes == other.complexes
            && self.pref_start == other.pref_start
            && self.prefs == other.prefs
            && self.capacity == other.capacity
            && self.priority == other.priority
    }
}

impl Eq for Instance {}

impl Instance {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        applicants: IdTable,
        complexes: IdTable,
        pref_start: Vec<u32>,
        prefs: Vec<u32>,
        rank: Vec<u32>,
        capacity: Vec<u32>,
        prio_start: Vec<u32>,
        priority: Vec<u32>,
    ) -> Self {
        Instance {
            applicants,
            complexes,
            pref_start,
            prefs,
            rank,
            capacity,
            prio_start,
            priority,
            applicant_lookup: OnceLock::new(),
            complex_lookup: OnceLock::new(),
        }
    }

    /// Parses and validates an instance in the JSON format
    /// `{"applicants": {id: [complex, ...]}, "complexes": {id: {"capacity": n, "priority": [applicant, ...]}}}`.
    ///
    /// Object keys keep their file order, which fixes the indices (and the order of
    /// [`Allocation::pairs`](crate::Allocation::pairs)). Unknown fields are refused.
    pub fn from_json(bytes: &[u8]) -> Result<Instance, InstanceError> {
        crate::json::parse(bytes)
    }

    /// Builds and validates an instance from in-memory lists, e.g. rows from a database.
    ///
    /// `applicants`: `(id, preference list, most preferred first)`.
    /// `complexes`: `(id, capacity, priority list, highest priority first)`.
    /// Input order fixes the indices. The same checks as [`Instance::from_json`] apply.
    pub fn new<S: AsRef<str>>(
        applicants: &[(S, Vec<S>)],
        complexes: &[(S, u32, Vec<S>)],
    ) -> Result<Instance, InstanceError> {
        let mut b = Builder::new();
        for (id, prefs) in applicants {
            b.begin_applicant(Cow::Borrowed(id.as_ref()))?;
            for c in prefs {
                b.add_preference(Cow::Borrowed(c.as_ref()))?;
            }
            b.end_applicant()?;
        }
        for (id, capacity, priority) in complexes {
            b.begin_complex(Cow::Borrowed(id.as_ref()))?;
            b.set_capacity(*capacity);
            for a in priority {
                b.add_priority(Cow::Borrowed(a.as_ref()))?;
            }
            b.end_complex()?;
        }
        b.finish()
    }

    /// The instance as compact JSON in the format read by [`Instance::from_json`]
    /// (for ASCII ids, byte-identical to the project generator's output without its
    /// trailing newline).
    pub fn to_json(&self) -> String {
        let mut buf = Vec::new();
        self.write_json(&mut buf)
            .expect("writing to a Vec<u8> cannot fail");
        String::from_utf8(buf).expect("serde_json escapes UTF-8 ids into UTF-8")
    }

    /// Writes [`Instance::to_json`]'s text to `out`, buffering internally.
    pub fn write_json<W: Write>(&self, mut out: W) -> io::Result<()> {
        let mut buf: Vec<u8> = Vec::with_capacity(FLUSH_AT + 1024);
        let flush = |buf: &mut Vec<u8>, out: &mut W, force: bool| -> io::Result<()> {
            if force || buf.len() >= FLUSH_AT {
                out.write_all(buf)?;
                buf.clear();
            }
            Ok(())
        };
        buf.extend_from_slice(b"{\"applicants\":{");
        for a in 0..self.num_applicants() {
            if a > 0 {
                buf.push(b',');
            }
            serde_json::to_writer(&mut buf, self.applicant_id(a))?;
            buf.extend_from_slice(b":[");
            for (i, &c) in self.preferences(a).iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                serde_json::to_writer(&mut buf, self.complex_id(c))?;
            }
            buf.push(b']');
            flush(&mut buf, &mut out, false)?;
        }
        buf.extend_from_slice(b"},\"complexes\":{");
        for c in 0..self.num_complexes() {
            if c > 0 {
                buf.push(b',');
            }
            serde_json::to_writer(&mut buf, self.complex_id(c))?;
            buf.extend_from_slice(b":{\"capacity\":");
            buf.extend_from_slice(self.capacity(c).to_string().as_bytes());
            buf.extend_from_slice(b",\"priority\":[");
            for (i, &a) in self.priority(c).iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                serde_json::to_writer(&mut buf, self.applicant_id(a))?;
                flush(&mut buf, &mut out, false)?;
            }
            buf.extend_from_slice(b"]}");
        }
        buf.extend_from_slice(b"}}");
        flush(&mut buf, &mut out, true)
    }

    /// Number of applicants.
    pub fn num_applicants(&self) -> u32 {
        self.applicants.len() as u32
    }

    /// Number of complexes.
    pub fn num_complexes(&self) -> u32 {
        self.complexes.len() as u32
    }

    /// Id of applicant `a`. Panics if `a >= num_applicants()`.
    pub fn applicant_id(&self, a: u32) -> &str {
        self.applicants.get(a as usize)
    }

    /// Id of complex `c`. Panics if `c >= num_complexes()`.
    pub fn complex_id(&self, c: u32) -> &str {
        self.complexes.get(c as usize)
    }

    /// Index of the applicant with id `id`. The first call builds a sorted index
    /// (O(n log n)); later calls are O(log n).
    pub fn applicant_index(&self, id: &str) -> Option<u32> {
        let sorted = self
            .applicant_lookup
            .get_or_init(|| self.applicants.sorted());
        self.applicants.find(sorted, id)
    }

    /// Index of the complex with id `id` (see [`Instance::applicant_index`]).
    pub fn complex_index(&self, id: &str) -> Option<u32> {
        let sorted = self.complex_lookup.get_or_init(|| self.complexes.sorted());
        self.complexes.find(sorted, id)
    }

    /// Applicant `a`'s acceptable complexes, most preferred first.
    pub fn preferences(&self, a: u32) -> &[u32] {
        let a = a as usize;
        &self.prefs[self.pref_start[a] as usize..self.pref_start[a + 1] as usize]
    }

    /// Units available in complex `c`.
    pub fn capacity(&self, c: u32) -> u32 {
        self.capacity[c as usize]
    }

    /// Complex `c`'s priority order over exactly the applicants who listed it,
    /// highest priority (rank 0) first.
    pub fn priority(&self, c: u32) -> &[u32] {
        let c = c as usize;
        &self.priority[self.prio_start[c] as usize..self.prio_start[c + 1] as usize]
    }

    /// Flat views for the allocation loop: (pref_start, prefs, rank, capacity,
    /// prio_start, priority).
    #[allow(clippy::type_complexity)]
    pub(crate) fn raw(&self) -> (&[u32], &[u32], &[u32], &[u32], &[u32], &[u32]) {
        (
            &self.pref_start,
            &self.prefs,
            &self.rank,
            &self.capacity,
            &self.prio_start,
            &self.priority,
        )
    }
}

/// Output buffers are handed to the writer in chunks of about this size, so that an
/// unbuffered writer (a `File`) still sees few large writes.
pub(crate) const FLUSH_AT: usize = 64 * 1024;
