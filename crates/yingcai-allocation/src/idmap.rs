//! Id → index tables tuned for million-entry instances.
//!
//! A million-applicant instance makes ~5 million lookups of applicant ids, in
//! random order, into a table of a million ids. Done one by one, each lookup is a
//! cache *and* TLB miss (the table spans tens of MiB of 4 KiB pages), about 200 ns
//! on the target machines: a second per instance. So applicant ids are resolved in
//! bulk after parsing instead ([`IdMap::build`], [`IdMap::resolve`]): keys are
//! radix-partitioned by the table region they hash to, each region is then
//! visited once while it is cache-resident, and results are put back in input
//! order by a streaming merge. Every pass is sequential or touches a few hundred
//! streams at once.
//!
//! A slot holds the key itself when it is at most 8 bytes (typical ids such as
//! `a123456`), so most hits never follow a pointer; longer keys store a 64-bit hash
//! and are confirmed against the name.
//!
//! `benches/idmap.rs` measures this against `FxHashMap<&str, u32>` (README,
//! "Performance"): 2.3× faster on a million ids of up to 8 bytes, the benchmark
//! instances' shape; on ids longer than 8 bytes, or tables that fit in the cache,
//! `FxHashMap` is faster.
//!
//! The hash is not flooding-resistant: an instance comes from the platform's own
//! database or from a file the operator chose, and a crafted file can only slow
//! down its own run.

use std::borrow::Cow;

use crate::build::{NONE, index_from_len};
use crate::error::InstanceError;

/// An id as the table compares it, plus a payload for the caller.
#[derive(Clone, Copy, Default)]
pub(crate) struct Key {
    /// The id's bytes, zero-padded, if `len <= 8`; else a hash of them.
    head: u64,
    /// The id's length, saturated at `u32::MAX` (still > 8, so still hashed).
    len: u32,
    /// Not part of the key: what the caller needs to find the id's name again when
    /// the key is not exact, carried through partitioning.
    pub(crate) aux: u32,
}

impl Key {
    #[inline]
    pub(crate) fn of(name: &str, aux: u32) -> Key {
        let bytes = name.as_bytes();
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        if bytes.len() <= 8 {
            return Key {
                head: word(bytes),
                len,
                aux,
            };
        }
        let mut h = 0u64;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            h = (h.rotate_left(5) ^ word(chunk)).wrapping_mul(K);
        }
        h = (h.rotate_left(5) ^ word(chunks.remainder())).wrapping_mul(K);
        Key { head: h, len, aux }
    }

    /// The id of an exact key.
    pub(crate) fn exact_name(self) -> String {
        let bytes = self.head.to_le_bytes();
        let len = (self.len as usize).min(bytes.len());
        String::from_utf8_lossy(&bytes[..len]).into_owned()
    }

    /// Whether the keys are equal (payloads aside).
    #[inline]
    fn matches(self, head: u64, len: u32) -> bool {
        self.head == head && self.len == len
    }

    /// Whether equal keys mean equal names (no need to compare the names).
    #[inline]
    pub(crate) fn is_exact(self) -> bool {
        self.len <= 8
    }

    #[inline]
    fn home(self, mask: usize) -> usize {
        home(self.head, self.len, mask)
    }
}

const K: u64 = 0x517c_c1b7_2722_0a95;

/// murmur3's 64-bit finaliser: spreads every input bit over the slot index bits.
#[inline]
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[inline]
fn home(head: u64, len: u32, mask: usize) -> usize {
    (fmix64(head ^ u64::from(len).wrapping_mul(K)) as usize) & mask
}

#[inline]
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(w)
}

/// 16 bytes: four slots per cache line.
#[derive(Clone, Copy)]
struct Slot {
    head: u64,
    len: u32,
    /// Index of the name, [`NONE`] if the slot is empty.
    idx: u32,
}

const EMPTY: Slot = Slot {
    head: 0,
    len: 0,
    idx: NONE,
};

impl Slot {
    fn new(key: Key, idx: u32) -> Slot {
        Slot {
            head: key.head,
            len: key.len,
            idx,
        }
    }
}

/// log2 of the slots per partition region: 4096 slots × 16 bytes = 64 KiB, which
/// stays in L2 while its region is processed.
const REGION_BITS: u32 = 12;

/// Open-addressing (linear probing) table from [`Key`] to index. Names are kept by
/// the caller, who confirms matches of long keys.
pub(crate) struct IdMap {
    /// Power-of-two length; at most half full.
    slots: Vec<Slot>,
}

impl IdMap {
    fn with_slots(n: usize) -> Self {
        IdMap {
            slots: vec![EMPTY; n],
        }
    }

    #[inline]
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    #[inline]
    fn region(&self, key: Key) -> usize {
        key.home(self.mask()) >> REGION_BITS
    }

    fn regions(&self) -> usize {
        (self.slots.len() >> REGION_BITS).max(1)
    }

    /// The index stored for `key` (confirmed by `same` for long keys), or the empty
    /// slot where it would go.
    #[inline]
    fn probe(&self, key: Key, same: impl Fn(u32) -> bool) -> Result<u32, usize> {
        let mask = self.mask();
        let mut i = key.home(mask);
        loop {
            let slot = self.slots[i];
            if slot.idx == NONE {
                return Err(i);
            }
            if key.matches(slot.head, slot.len) && (key.is_exact() || same(slot.idx)) {
                return Ok(slot.idx);
            }
            i = (i + 1) & mask;
        }
    }

    /// Table of `names` (index = position). Returns the table and the position of
    /// the first name (in input order) equal to an earlier one, if any; only the
    /// first occurrence of a name is in the table.
    ///
    /// The caller guarantees `names.len() < u32::MAX`.
    pub(crate) fn build(names: &[Cow<'_, str>]) -> (IdMap, Option<usize>) {
        let mut map = IdMap::with_slots((names.len() * 2).next_power_of_two().max(16));
        let keys: Vec<Key> = names
            .iter()
            .enumerate()
            .map(|(i, name)| Key::of(name, i as u32))
            .collect();
        let mut first_duplicate: Option<usize> = None;
        // Stable partition: within a region, names come in input order, so a later
        // duplicate always meets the earlier occurrence already inserted.
        for key in partition(&map, &keys) {
            let i = key.aux;
            match map.probe(key, |j| names[j as usize] == names[i as usize]) {
                Ok(_) => {
                    let i = i as usize;
                    first_duplicate = Some(first_duplicate.map_or(i, |d| d.min(i)));
                }
                Err(slot) => map.slots[slot] = Slot::new(key, i),
            }
        }
        (map, first_duplicate)
    }

    /// Index of each key in `keys` ([`NONE`] if absent), in input order.
    /// `same(key, idx)` confirms a match of an inexact key with the name of `idx`.
    pub(crate) fn resolve(&self, keys: &[Key], same: impl Fn(Key, u32) -> bool) -> Vec<u32> {
        let parted = partition(self, keys);
        let found: Vec<u32> = parted
            .iter()
            .map(|&key| self.probe(key, |idx| same(key, idx)).unwrap_or(NONE))
            .collect();
        drop(parted);
        // Merge back: `found` is grouped by region, input order within a region.
        let mut next = region_starts(self, keys.iter().copied());
        keys.iter()
            .map(|&key| {
                let r = self.region(key);
                let idx = found[next[r]];
                next[r] += 1;
                idx
            })
            .collect()
    }
}

/// References to ids collected for one bulk [`IdMap::resolve`]: keys, and the names
/// of the inexact ones (ids longer than 8 bytes) to confirm matches with.
#[derive(Default)]
pub(crate) struct Refs<'s> {
    /// `aux` indexes `long` for inexact keys.
    keys: Vec<Key>,
    long: Vec<Cow<'s, str>>,
}

impl<'s> Refs<'s> {
    #[inline]
    pub(crate) fn push(&mut self, name: Cow<'s, str>) -> Result<(), InstanceError> {
        let key = Key::of(&name, index_from_len(self.long.len())?);
        if !key.is_exact() {
            self.long.push(name);
        }
        self.keys.push(key);
        Ok(())
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The id of reference `k`.
    pub(crate) fn name(&self, k: usize) -> String {
        let key = self.keys[k];
        if key.is_exact() {
            key.exact_name()
        } else {
            self.long[key.aux as usize].to_string()
        }
    }

    /// Index of each reference among `names` (index = position; [`NONE`] if absent),
    /// in reference order; `Err` holds the position of the first name (in input
    /// order) equal to an earlier one.
    ///
    /// The caller guarantees `names.len() < u32::MAX`.
    pub(crate) fn resolve(&self, names: &[Cow<'_, str>]) -> Result<Vec<u32>, usize> {
        let (map, duplicate) = IdMap::build(names);
        if let Some(d) = duplicate {
            return Err(d);
        }
        Ok(map.resolve(&self.keys, |key, a| {
            self.long[key.aux as usize] == names[a as usize]
        }))
    }
}

/// [`Refs::resolve`] of `refs`, for the benchmark; `Err(usize::MAX)` if `refs` has
/// too many long ids to number them in `u32`.
pub(crate) fn resolve_ids(
    names: &[Cow<'_, str>],
    refs: &[Cow<'_, str>],
) -> Result<Vec<u32>, usize> {
    let mut collected = Refs::default();
    for r in refs {
        collected.push(r.clone()).map_err(|_| usize::MAX)?;
    }
    collected.resolve(names)
}

/// Start of each region's run in the partitioned order (counting sort).
fn region_starts(map: &IdMap, keys: impl Iterator<Item = Key>) -> Vec<usize> {
    let mut starts = vec![0usize; map.regions() + 1];
    for key in keys {
        starts[map.region(key) + 1] += 1;
    }
    for r in 0..map.regions() {
        starts[r + 1] += starts[r];
    }
    starts
}

/// `keys` stably reordered by the table region they hash to.
fn partition(map: &IdMap, keys: &[Key]) -> Vec<Key> {
    let mut next = region_starts(map, keys.iter().copied());
    let mut out = vec![Key::default(); keys.len()];
    for &key in keys {
        let r = map.region(key);
        out[next[r]] = key;
        next[r] += 1;
    }
    out
}

/// Interns ids of one kind on the fly, for the few thousand complexes: names may
/// be *referenced* (in an applicant's list) before they are *defined* (as a key of
/// `complexes`), since JSON does not fix the order of the two top-level keys.
/// References get a provisional index in order of first appearance.
pub(crate) struct Interner<'s> {
    map: IdMap,
    /// Names by provisional index.
    names: Vec<Cow<'s, str>>,
    /// Provisional index → definition index, or [`NONE`] while only referenced.
    pub(crate) def_of: Vec<u32>,
    /// Definition index → provisional index.
    pub(crate) prov_of: Vec<u32>,
}

impl<'s> Interner<'s> {
    pub(crate) fn new() -> Self {
        Interner {
            map: IdMap::with_slots(16),
            names: Vec::new(),
            def_of: Vec::new(),
            prov_of: Vec::new(),
        }
    }

    /// Provisional index of `name`, interning it if new.
    #[inline]
    pub(crate) fn reference(&mut self, name: Cow<'s, str>) -> Result<u32, InstanceError> {
        let key = Key::of(&name, 0);
        match self.map.probe(key, |j| self.names[j as usize] == name) {
            Ok(idx) => Ok(idx),
            Err(slot) => {
                let idx = index_from_len(self.names.len())?;
                self.map.slots[slot] = Slot::new(key, idx);
                self.names.push(name);
                self.def_of.push(NONE);
                if self.names.len() * 2 > self.map.slots.len() {
                    self.grow();
                }
                Ok(idx)
            }
        }
    }

    fn grow(&mut self) {
        let mut map = IdMap::with_slots(self.map.slots.len() * 2);
        let mask = map.mask();
        for slot in self.map.slots.iter().filter(|s| s.idx != NONE) {
            let mut i = home(slot.head, slot.len, mask);
            while map.slots[i].idx != NONE {
                i = (i + 1) & mask;
            }
            map.slots[i] = *slot;
        }
        self.map = map;
    }

    /// Defines `name`; a name already defined is the error `duplicate(name)` makes.
    pub(crate) fn define(
        &mut self,
        name: Cow<'s, str>,
        duplicate: impl FnOnce(String) -> InstanceError,
    ) -> Result<(), InstanceError> {
        let prov = self.reference(name)? as usize;
        if self.def_of[prov] != NONE {
            return Err(duplicate(self.names[prov].to_string()));
        }
        self.def_of[prov] = index_from_len(self.prov_of.len())?;
        self.prov_of.push(prov as u32);
        Ok(())
    }

    pub(crate) fn is_defined(&self, prov: u32) -> bool {
        self.def_of[prov as usize] != NONE
    }

    /// Name of the id with provisional index `prov`.
    pub(crate) fn name(&self, prov: u32) -> &str {
        &self.names[prov as usize]
    }

    /// Name of the id with definition index `def`.
    pub(crate) fn def_name(&self, def: u32) -> String {
        self.name(self.prov_of[def as usize]).to_owned()
    }

    /// Defined names in definition order.
    pub(crate) fn defined_names(&self) -> impl Iterator<Item = &str> {
        self.prov_of.iter().map(|&p| self.name(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Ids around the 8-byte inline limit, with NULs, and long ids sharing prefixes.
    fn names(n: usize) -> Vec<Cow<'static, str>> {
        (0..n)
            .map(|i| {
                Cow::Owned(match i % 5 {
                    0 => format!("a{i}"),
                    1 => format!("applicant-with-long-id-{i:08}"),
                    2 => format!("{:08}", i), // exactly 8 bytes
                    3 => format!("{:09}", i), // 9 bytes: hashed
                    _ => format!("x\0{i}"),   // NUL inside
                })
            })
            .collect()
    }

    #[test]
    fn build_and_resolve_agree_with_std_hashmap() {
        // > 2048 names so the table has several partition regions.
        let names = names(20_000);
        let (map, dup) = IdMap::build(&names);
        assert_eq!(dup, None);
        let expected: HashMap<&str, u32> = names
            .iter()
            .enumerate()
            .map(|(i, s)| (&**s, i as u32))
            .collect();

        // Queries in scrambled order, with unknown ids of every shape mixed in.
        let mut queries: Vec<String> = (0..30_000)
            .map(|i| {
                let j = (i * 7919) % 25_000;
                match names.get(j) {
                    Some(name) if i % 3 != 0 => name.to_string(),
                    _ => format!("{}", names[j % 20_000]).replace('0', "9") + "?",
                }
            })
            .collect();
        queries.push("x".into());
        queries.push("x\0".into());
        queries.push(String::new());
        let keys: Vec<Key> = queries
            .iter()
            .enumerate()
            .map(|(i, q)| Key::of(q, i as u32))
            .collect();
        let got = map.resolve(&keys, |key, idx| {
            queries[key.aux as usize] == names[idx as usize]
        });
        for (q, idx) in queries.iter().zip(got) {
            assert_eq!(
                expected.get(q.as_str()).copied().unwrap_or(NONE),
                idx,
                "{q:?}"
            );
        }
    }

    #[test]
    fn build_reports_the_first_duplicate_in_input_order() {
        let mut names = names(10_000);
        names.push(names[7_001].clone()); // long id
        names.push(names[42].clone()); // short id
        let (_, dup) = IdMap::build(&names);
        assert_eq!(dup, Some(10_000));
        let (_, dup) = IdMap::build(&names[..10_000]);
        assert_eq!(dup, None);
    }

    #[test]
    fn exact_keys_distinguish_length_and_recover_names() {
        for (a, b) in [("a", "a\0"), ("", "\0"), ("abcdefgh", "abcdefg")] {
            let (ka, kb) = (Key::of(a, 0), Key::of(b, 0));
            assert!(ka.is_exact() && kb.is_exact());
            assert!(!ka.matches(kb.head, kb.len), "{a:?} vs {b:?}");
            assert_eq!(ka.exact_name(), a);
            assert_eq!(kb.exact_name(), b);
        }
        assert!(!Key::of("abcdefghi", 0).is_exact());
    }

    #[test]
    fn interner_defines_references_and_grows() {
        let mut interner = Interner::new();
        for i in 0..1000 {
            assert_eq!(interner.reference(Cow::Owned(format!("c{i}"))).unwrap(), i);
        }
        let duplicate = |complex| InstanceError::DuplicateComplex { complex };
        assert_eq!(interner.define(Cow::Borrowed("c500"), duplicate), Ok(()));
        assert_eq!(interner.define(Cow::Borrowed("new"), duplicate), Ok(()));
        assert_eq!(
            interner.define(Cow::Borrowed("c500"), duplicate),
            Err(InstanceError::DuplicateComplex {
                complex: "c500".into()
            })
        );
        assert_eq!(
            interner.defined_names().collect::<Vec<_>>(),
            ["c500", "new"]
        );
        assert!(interner.is_defined(500) && !interner.is_defined(499));
        assert_eq!(interner.reference(Cow::Borrowed("new")).unwrap(), 1000);
    }
}
