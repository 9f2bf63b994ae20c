//! The population CSV parser (`src/csv.rs`) against the `csv` crate, on 1,000,000 rows.
//!
//! ```text
//! cargo bench -p yingcai-rules --bench csv
//! ```
//!
//! Each variant reads the same bytes (header line, then rows shaped like the benchmark
//! population of talents.md, made here by a seeded generator) into the same `Person`
//! values, checked the same way, on one thread:
//!
//! * `hand-written`: what population evaluation runs per block (the one-pass row reader,
//!   with the checked parser for any row it does not take);
//! * `hand-written, split then check`: the checked parser alone (split the line at
//!   commas, then validate each field);
//! * `csv crate`: `csv::Reader::read_byte_record`, then the same field validation.

#![allow(
    clippy::unwrap_used,
    reason = "a benchmark whose input does not parse has failed; the panic says why"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use yingcai_rules::bench::{parse_row, parse_rows, person_from_fields};
use yingcai_rules::person::{DEFAULT_HONORS, Person};
use yingcai_rules::{COLUMNS, HEADER};

const ROWS: u64 = 1_000_000;

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

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in lo..=hi.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// Index drawn with the given probabilities (summing to 1).
    fn pick(&mut self, p: &[f64]) -> usize {
        let mut u = self.unit();
        for (i, &pi) in p.iter().enumerate() {
            if u < pi {
                return i;
            }
            u -= pi;
        }
        p.len() - 1
    }
}

/// Days since 1970-01-01 of a civil date.
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// Appends the civil date of a day count as YYYY-MM-DD.
fn push_date(out: &mut String, z: i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    out.push_str(&format!("{y:04}-{m:02}-{d:02}"));
}

/// A population file with the generator's distributions of talents.md.
fn population(n: u64, seed: u64) -> Vec<u8> {
    const DEGREES: [&str; 4] = ["none", "bachelor", "master", "phd"];
    const HOUSING: [&str; 4] = ["none", "rent", "talent_apartment", "owns"];
    let mut r = Rng(seed);
    let (birth_lo, birth_hi) = (days(1960, 1, 1), days(2003, 12, 31));
    let (arrival_lo, arrival_hi) = (days(2019, 1, 1), days(2026, 11, 1));
    let mut s = String::with_capacity(n as usize * 60);
    s.push_str(HEADER);
    s.push('\n');
    for id in 1..=n {
        s.push_str(&id.to_string());
        s.push(',');
        push_date(&mut s, r.between(birth_lo, birth_hi));
        s.push(',');
        s.push_str(DEGREES[r.pick(&[0.15, 0.50, 0.25, 0.10])]);
        s.push(',');
        let h = r.unit();
        if h < 0.01 {
            s.push_str(DEFAULT_HONORS[usize::from(h >= 0.0005) + usize::from(h >= 0.003)]);
        }
        s.push(',');
        let arrival = r.between(arrival_lo, arrival_hi);
        push_date(&mut s, arrival);
        s.push(',');
        s.push_str(if r.unit() < 0.95 { "true" } else { "false" });
        s.push(',');
        let housing = r.pick(&[0.20, 0.50, 0.10, 0.20]);
        s.push_str(HOUSING[housing]);
        s.push(',');
        if housing == 3 {
            push_date(&mut s, r.between(arrival - 730, arrival_hi));
        }
        s.push(',');
        s.push_str(&r.between(0, 120).to_string());
        s.push('\n');
    }
    s.into_bytes()
}

fn honors() -> Vec<String> {
    DEFAULT_HONORS.iter().map(|h| h.to_string()).collect()
}

/// Splits off and checks the header line.
fn body(data: &[u8]) -> &[u8] {
    let end = data.iter().position(|&b| b == b'\n').unwrap();
    assert_eq!(&data[..end], HEADER.as_bytes());
    &data[end + 1..]
}

fn hand_written(data: &[u8], honors: &[String], each: impl FnMut(&Person)) -> u64 {
    parse_rows(body(data), honors, each).unwrap()
}

fn hand_written_split(data: &[u8], honors: &[String], mut each: impl FnMut(&Person)) -> u64 {
    let mut n = 0;
    for line in body(data).split(|&b| b == b'\n') {
        if !line.is_empty() {
            each(&parse_row(line, honors).unwrap());
        }
        n += 1;
    }
    n - 1 // the empty piece after the last line end
}

fn csv_crate(data: &[u8], honors: &[String], mut each: impl FnMut(&Person)) -> u64 {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(data);
    let mut record = csv::ByteRecord::new();
    assert!(reader.read_byte_record(&mut record).unwrap());
    assert!(record.iter().eq(COLUMNS.iter().map(|c| c.as_bytes())));
    let mut n = 0;
    // A record of another length is an error of the reader (`flexible` is off).
    while reader.read_byte_record(&mut record).unwrap() {
        let fields: [&[u8]; 9] = std::array::from_fn(|i| &record[i]);
        each(&person_from_fields(&fields, honors).unwrap());
        n += 1;
    }
    n
}

/// A variant, with the persons handed to a callback.
type Parser = fn(&[u8], &[String], &mut dyn FnMut(&Person)) -> u64;

fn bench(c: &mut Criterion) {
    let data = population(ROWS, 7);
    let honors = honors();
    // The same persons from each, before anything is timed.
    let collect = |f: Parser| {
        let mut persons = Vec::with_capacity(ROWS as usize);
        assert_eq!(f(&data, &honors, &mut |p| persons.push(*p)), ROWS);
        persons
    };
    let expected = collect(|d, h, e| hand_written(d, h, e));
    assert_eq!(collect(|d, h, e| hand_written_split(d, h, e)), expected);
    assert_eq!(collect(|d, h, e| csv_crate(d, h, e)), expected);
    drop(expected);

    let mut group = c.benchmark_group("population csv, 1,000,000 rows");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Bytes(data.len() as u64));
    let consume = |p: &Person| {
        black_box(p);
    };
    group.bench_function("hand-written", |b| {
        b.iter(|| hand_written(black_box(&data), &honors, consume))
    });
    group.bench_function("hand-written, split then check", |b| {
        b.iter(|| hand_written_split(black_box(&data), &honors, consume))
    });
    group.bench_function("csv crate", |b| {
        b.iter(|| csv_crate(black_box(&data), &honors, consume))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
