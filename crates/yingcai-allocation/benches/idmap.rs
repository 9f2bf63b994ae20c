//! The applicant-id table (`src/idmap.rs`) against `HashMap<&str, u32>` with std's
//! hasher and with `rustc_hash`'s, on 40,000 and 1,000,000 applicants.
//!
//! ```text
//! cargo bench -p yingcai-allocation --bench idmap
//! ```
//!
//! The work is what reading an instance does with applicant ids: a table of every
//! applicant id (duplicates refused), then every entry of the complexes' priority lists
//! (each applicant listed 1 to 10 times, 5.5 on average, as in the benchmark instances
//! of allocation.md) resolved to its applicant's index, in a seeded random order. Ids are
//! borrowed from the text of an instance file made here. Two id shapes:
//! the benchmark files' `a1` … `a1000000` (at most 8 bytes), and the platform's own
//! round pseudonyms (`a` and 12 hexadecimal digits, 13 bytes).

#![allow(
    clippy::unwrap_used,
    reason = "a benchmark whose input is refused has failed; the panic says why"
)]

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::{Entry, RandomState};
use std::hash::BuildHasher;
use std::hint::black_box;
use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use rustc_hash::FxBuildHasher;
use yingcai_allocation::bench::resolve_ids;

/// splitmix64: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Clone, Copy)]
enum Shape {
    /// `a1` … `aN`, as in the benchmark instance files.
    Short,
    /// `a` + 12 lowercase hex digits, as `yingcai_housing::pseudonym` makes them.
    Pseudonym,
}

impl Shape {
    fn label(self) -> &'static str {
        match self {
            Shape::Short => "ids a1..aN",
            Shape::Pseudonym => "13-byte pseudonyms",
        }
    }

    fn id(self, i: u64) -> String {
        match self {
            Shape::Short => format!("a{}", i + 1),
            Shape::Pseudonym => {
                // A bijection of 48-bit numbers: distinct and scattered.
                const M: u64 = (1 << 48) - 1;
                let mut x = i.wrapping_mul(0x9e37_79b9_7f4b) & M;
                x ^= x >> 24;
                x = x.wrapping_mul(0xd6e8_feb8_6659) & M;
                format!("a{x:012x}")
            }
        }
    }
}

/// The applicants' and the complexes' sections of an instance file, and where in them
/// the applicant ids are: the ids are borrowed from these texts as from the file, so
/// the applicant ids lie as far apart as they do there (each followed by its
/// preference list).
struct Input {
    names_text: String,
    names: Vec<(usize, usize)>,
    refs_text: String,
    refs: Vec<(usize, usize)>,
}

impl Input {
    /// `n` applicants, each listing 1 to 10 of `complexes`, so each applicant appears
    /// 1 to 10 times in the priority lists, taken here in a shuffled order.
    fn new(n: usize, complexes: usize, shape: Shape) -> Input {
        let mut r = Rng(7);
        let mut names_text = String::from("{\"applicants\":{");
        let mut names = Vec::with_capacity(n);
        let mut entries: Vec<usize> = Vec::with_capacity(n * 11 / 2);
        for i in 0..n {
            names_text.push('"');
            let start = names_text.len();
            names_text.push_str(&shape.id(i as u64));
            names.push((start, names_text.len()));
            names_text.push_str("\":[");
            for k in 0..1 + r.below(10) {
                if k > 0 {
                    names_text.push(',');
                }
                names_text.push_str(&format!("\"c{}\"", 1 + r.below(complexes)));
                entries.push(i);
            }
            names_text.push_str("],");
        }
        for i in (1..entries.len()).rev() {
            entries.swap(i, r.below(i + 1));
        }
        let mut refs_text = String::new();
        let mut refs = Vec::with_capacity(entries.len());
        for a in entries {
            refs_text.push('"');
            let start = refs_text.len();
            let (s, e) = names[a];
            refs_text.push_str(&names_text[s..e]);
            refs.push((start, refs_text.len()));
            refs_text.push_str("\",");
        }
        Input {
            names_text,
            names,
            refs_text,
            refs,
        }
    }

    fn borrowed<'a>(text: &'a str, spans: &[(usize, usize)]) -> Vec<Cow<'a, str>> {
        spans
            .iter()
            .map(|&(s, e)| Cow::Borrowed(&text[s..e]))
            .collect()
    }
}

/// The same work with a hash map from id to index.
fn hash_map<S: BuildHasher + Default>(
    names: &[Cow<'_, str>],
    refs: &[Cow<'_, str>],
) -> Result<Vec<u32>, usize> {
    let mut map: HashMap<&str, u32, S> =
        HashMap::with_capacity_and_hasher(names.len(), S::default());
    for (i, name) in names.iter().enumerate() {
        match map.entry(name) {
            Entry::Occupied(_) => return Err(i),
            Entry::Vacant(v) => {
                v.insert(i as u32);
            }
        }
    }
    Ok(refs
        .iter()
        .map(|r| map.get(&**r).copied().unwrap_or(u32::MAX))
        .collect())
}

type Variant = fn(&[Cow<'_, str>], &[Cow<'_, str>]) -> Result<Vec<u32>, usize>;

const VARIANTS: [(&str, Variant); 3] = [
    ("hand-written IdMap", resolve_ids),
    ("HashMap (std SipHash)", hash_map::<RandomState>),
    ("FxHashMap (rustc-hash)", hash_map::<FxBuildHasher>),
];

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("applicant ids: build + resolve");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (n, complexes) in [(40_000, 400), (1_000_000, 5_000)] {
        for shape in [Shape::Short, Shape::Pseudonym] {
            let input = Input::new(n, complexes, shape);
            let names = Input::borrowed(&input.names_text, &input.names);
            let refs = Input::borrowed(&input.refs_text, &input.refs);
            // Every variant finds every entry, at the same index, before anything is timed.
            let expected = resolve_ids(&names, &refs).unwrap();
            assert!(expected.iter().all(|&a| (a as usize) < n));
            for (label, f) in VARIANTS {
                assert_eq!(f(&names, &refs).unwrap(), expected, "{label}");
            }
            drop(expected);
            let mut repeated = names.clone();
            repeated.push(names[n / 2].clone());
            for (label, f) in VARIANTS {
                assert_eq!(f(&repeated, &refs), Err(n), "{label}");
            }
            drop(repeated);
            group.throughput(Throughput::Elements(refs.len() as u64));
            for (label, f) in VARIANTS {
                let id = BenchmarkId::new(label, format!("{n} applicants, {}", shape.label()));
                group.bench_function(id, |b| {
                    b.iter(|| f(black_box(&names), black_box(&refs)).unwrap())
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
