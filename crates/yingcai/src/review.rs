//! `yingcai review assign`: reviewers for an open competition's proposals, from an
//! instance file (the format of `review-assignment.md`). No database, no network.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
use yingcai_assignment::{Instance, Probability, assign, assign_randomized, check};

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// Assign exactly k conflict-free reviewers to every proposal, every reviewer within
    /// their load bounds, with the largest total affinity (optimal, by min-cost flow), and
    /// write `proposal,reviewer` pairs. With --max-probability, a random assignment
    /// instead, drawn from --seed, in which no reviewer–proposal pair has a higher
    /// probability than the cap. Exit code 2 if no assignment exists (the reasons are
    /// printed) or the file cannot be read.
    Assign {
        /// The instance file (JSON: reviewers_per_proposal, min_load, max_load,
        /// reviewers, proposals with candidates and conflicts).
        #[arg(long, value_name = "FILE")]
        instance: PathBuf,
        /// Where to write the pairs (CSV). Written whole or not at all.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Cap on every reviewer–proposal probability, in (0, 1], rounded to thousandths
        /// (e.g. 0.5); requires --seed.
        #[arg(long, value_name = "Q", requires = "seed")]
        max_probability: Option<f64>,
        /// The published seed of the random draw; requires --max-probability.
        #[arg(long, value_name = "S", requires = "max_probability")]
        seed: Option<u64>,
    },
}

pub fn run(command: ReviewCommand) -> ExitCode {
    match command {
        ReviewCommand::Assign {
            instance,
            out,
            max_probability,
            seed,
        } => {
            let random = max_probability.zip(seed);
            match assign_file(&instance, &out, random) {
                Ok(()) => ExitCode::SUCCESS,
                Err(Refusal::Input(message)) => {
                    eprintln!("error: {message}");
                    ExitCode::from(2)
                }
                Err(Refusal::Output(error)) => crate::fail(&error),
            }
        }
    }
}

enum Refusal {
    /// The instance cannot be read, or has no assignment: exit code 2.
    Input(String),
    /// The result cannot be written: exit code 1.
    Output(anyhow::Error),
}

fn assign_file(path: &Path, out: &Path, random: Option<(f64, u64)>) -> Result<(), Refusal> {
    let start = Instant::now();
    let bytes =
        std::fs::read(path).map_err(|e| Refusal::Input(format!("{}: {e}", path.display())))?;
    let instance = Instance::from_json(&bytes)
        .map_err(|e| Refusal::Input(format!("{}: {e}", path.display())))?;
    drop(bytes);
    let (assignment, how) = match random {
        None => {
            let assignment = assign(&instance).map_err(|e| Refusal::Input(e.to_string()))?;
            (assignment, "optimal".to_owned())
        }
        Some((q, seed)) => {
            let cap = Probability::new(q).ok_or_else(|| {
                Refusal::Input(format!(
                    "--max-probability {q}: expected a probability from 0.001 to 1"
                ))
            })?;
            let drawn = assign_randomized(&instance, cap, seed)
                .map_err(|e| Refusal::Input(e.to_string()))?;
            let how = format!(
                "drawn with seed {seed}, every pair at most {}; expected total {:.1}",
                cap.value(),
                drawn.expected_affinity()
            );
            (drawn.assignment, how)
        }
    };
    // The solver's result is checked against every constraint before it is written.
    let total = check(&instance, &assignment)
        .map_err(|e| Refusal::Output(anyhow::anyhow!("internal error, result refused: {e}")))?;
    crate::write_atomically(out, |file| assignment.write_csv(&instance, file))
        .map_err(Refusal::Output)?;
    eprintln!(
        "{} reviews for {} proposals by {} reviewers: total affinity {total} ({how}); {:.2} s; pairs written to {}",
        assignment.pairs().len(),
        instance.num_proposals(),
        instance.num_reviewers(),
        start.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(())
}
