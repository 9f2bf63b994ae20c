//! Reads an instance file, assigns reviewers, checks the result, writes the CSV, and
//! prints the time of each phase to stderr.
//!
//! ```text
//! cargo run --release -p yingcai-assignment --example assign -- INSTANCE.json RESULT.csv [MAX_PROBABILITY SEED]
//! ```

use std::fs::File;
use std::process::ExitCode;
use std::time::Instant;

use yingcai_assignment::{Instance, Probability, Timer, assign_randomized, assign_timed, check};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (input, output, random) = match args.as_slice() {
        [_, input, output] => (input, output, None),
        [_, input, output, q, seed] => (input, output, Some((q, seed))),
        _ => {
            eprintln!("usage: assign INSTANCE.json RESULT.csv [MAX_PROBABILITY SEED]");
            return ExitCode::from(2);
        }
    };
    match run(input, output, random) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    input: &str,
    output: &str,
    random: Option<(&String, &String)>,
) -> Result<(), Box<dyn std::error::Error>> {
    let total = Instant::now();
    let t = Instant::now();
    let bytes = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
    let read = t.elapsed();

    let t = Instant::now();
    let instance = Instance::from_json(&bytes)?;
    drop(bytes);
    let parse = t.elapsed();

    let t = Instant::now();
    let mut timer = Timer::default();
    let assignment = match random {
        None => assign_timed(&instance, Some(&mut timer))?,
        Some((q, seed)) => {
            let q = Probability::new(q.parse()?).ok_or("probability must be in 0.001..=1")?;
            let r = assign_randomized(&instance, q, seed.parse()?)?;
            eprintln!("expected affinity {:.3}", r.expected_affinity());
            r.assignment
        }
    };
    let solve = t.elapsed();

    let t = Instant::now();
    let total_affinity = check(&instance, &assignment)?;
    let checked = t.elapsed();

    let t = Instant::now();
    let file = File::create(output).map_err(|e| format!("{output}: {e}"))?;
    assignment.write_csv(&instance, file)?;
    let write = t.elapsed();

    eprintln!(
        "proposals {} reviewers {} pairs {} total affinity {total_affinity}",
        instance.num_proposals(),
        instance.num_reviewers(),
        assignment.pairs().len()
    );
    let [build, feasible, cost] = timer.phases.map(|d| d.as_secs_f64());
    eprintln!(
        "read {:.3}s  parse {:.3}s  assign {:.3}s (network {build:.3}s, max flow {feasible:.3}s, min cost {cost:.3}s)  check {:.3}s  write {:.3}s  total {:.3}s",
        read.as_secs_f64(),
        parse.as_secs_f64(),
        solve.as_secs_f64(),
        checked.as_secs_f64(),
        write.as_secs_f64(),
        total.elapsed().as_secs_f64()
    );
    Ok(())
}
