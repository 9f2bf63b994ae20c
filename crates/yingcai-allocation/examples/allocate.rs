//! Reads an instance file, allocates, writes the CSV result, and prints the time
//! of each phase to stderr.
//!
//! ```text
//! cargo run --release --example allocate -- INSTANCE.json RESULT.csv
//! ```

use std::fs::File;
use std::process::ExitCode;
use std::time::Instant;

use yingcai_allocation::{Instance, allocate};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        eprintln!("usage: allocate INSTANCE.json RESULT.csv");
        return ExitCode::from(2);
    };
    match run(input, output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: &str, output: &str) -> Result<(), Box<dyn std::error::Error>> {
    let total = Instant::now();
    let t = Instant::now();
    let bytes = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
    let read = t.elapsed();

    let t = Instant::now();
    let instance = Instance::from_json(&bytes)?;
    let parse = t.elapsed();

    let t = Instant::now();
    let allocation = allocate(&instance);
    let alloc = t.elapsed();

    let t = Instant::now();
    let file = File::create(output).map_err(|e| format!("{output}: {e}"))?;
    allocation.write_csv(file)?;
    let write = t.elapsed();

    eprintln!(
        "applicants {} complexes {} matched {}",
        instance.num_applicants(),
        instance.num_complexes(),
        allocation.matched()
    );
    eprintln!(
        "read {:.3}s  parse {:.3}s  allocate {:.3}s  write {:.3}s  total {:.3}s",
        read.as_secs_f64(),
        parse.as_secs_f64(),
        alloc.as_secs_f64(),
        write.as_secs_f64(),
        total.elapsed().as_secs_f64()
    );
    Ok(())
}
