//! Times `parse_roster` on a file, as the import page would run it.
//!
//! ```text
//! cargo run --release --example parse_roster -- /tmp/import-data/roster_100000.csv
//! /usr/bin/time -v target/release/examples/parse_roster /tmp/import-data/roster_100000.xlsx
//! ```
//! With a second file, also checks that both give the same records (a CSV and its XLSX).
//! `today` is 2026-11-29 (gen.py's snapshot), the honours are the default pack's.

use std::error::Error;
use std::time::Instant;

use yingcai_import::{ImportError, ImportOptions, parse_roster};

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).ok_or("usage: parse_roster FILE")?;
    let honors = ["academician", "national_leading", "provincial_leading"]
        .map(String::from)
        .to_vec();
    let options = ImportOptions::new(honors, jiff::civil::date(2026, 11, 29));

    let started = Instant::now();
    let bytes = std::fs::read(&path)?;
    let read = started.elapsed();
    let started = Instant::now();
    let result = parse_roster(&bytes, &options);
    let parsed = started.elapsed();
    match &result {
        Ok(talents) => println!("{path}: {} talents imported", talents.len()),
        Err(error) => {
            println!("{path}: {error}");
            for e in error.errors().iter().take(10) {
                println!(
                    "  row {} column {:?} code {} value {:?}",
                    e.row, e.column, e.code, e.value
                );
            }
        }
    }
    println!(
        "read {:.3} s, parse_roster {:.3} s ({} bytes)",
        read.as_secs_f64(),
        parsed.as_secs_f64(),
        bytes.len()
    );
    if let Some(other) = std::env::args().nth(2) {
        let same = parse_roster(&std::fs::read(&other)?, &options) == result;
        println!("{other}: same result as {path}: {same}");
        if !same {
            return Err("results differ".into());
        }
    }
    if matches!(result, Err(ImportError::File(_) | ImportError::Header(_))) {
        return Err("file refused".into());
    }
    Ok(())
}
