//! `yingcai policy …`: the rules engine over files — population CSVs and pack directories.
//! Everything goes through `yingcai_rules`, the same engine as the web pages; the default
//! pack is compiled in, `--pack` loads another at run time.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use yingcai_rules::CompiledPack;
use yingcai_rules::time::Month;

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Evaluate one month for every talent of a population CSV: card counts and the total of
    /// each benefit; `--out` writes one row per talent.
    Evaluate {
        /// Population CSV (the format of shared/data/talents.md).
        #[arg(long, value_name = "FILE")]
        talents: PathBuf,
        /// The month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// A pack directory (holding pack.toml) or file [default: the built-in green-card pack].
        #[arg(long, value_name = "P")]
        pack: Option<PathBuf>,
        /// A second pack: print baseline, reform and their difference.
        #[arg(long, value_name = "P2")]
        reform: Option<PathBuf>,
        /// Print the result as one JSON object.
        #[arg(long)]
        json: bool,
        /// Write `id,card,<benefit…>` per talent (amounts in fen). Whole or not at all.
        #[arg(long, value_name = "FILE.csv")]
        out: Option<PathBuf>,
    },
    /// Forecast the monthly benefits of a population over the coming months.
    Forecast {
        #[arg(long, value_name = "FILE")]
        talents: PathBuf,
        /// First month, YYYY-MM.
        #[arg(long)]
        from: String,
        /// Number of months.
        #[arg(long)]
        months: u32,
        #[arg(long, value_name = "P")]
        pack: Option<PathBuf>,
        #[arg(long, value_name = "P2")]
        reform: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Run a directory of scenario cases (TOML: person + month → expected card and amounts).
    Test {
        /// The directory of `*.toml` cases.
        dir: PathBuf,
        #[arg(long, value_name = "P")]
        pack: Option<PathBuf>,
    },
}

/// Bad input (a pack, a CSV row, an argument): exit code 2. Anything else: 1.
enum Failure {
    Input(String),
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::Other(error)
    }
}

pub fn run(command: PolicyCommand) -> ExitCode {
    match dispatch(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Other(error)) => crate::fail(&error),
    }
}

fn load_pack(path: Option<&Path>) -> Result<CompiledPack, Failure> {
    let Some(path) = path else {
        let (name, source) = yingcai_rules::BUILTIN_PACK;
        return CompiledPack::load(name, source)
            .map_err(|e| Failure::Other(anyhow::anyhow!("built-in pack: {e}")));
    };
    let file = if path.is_dir() {
        path.join("pack.toml")
    } else {
        path.to_path_buf()
    };
    let source = std::fs::read_to_string(&file)
        .map_err(|e| Failure::Input(format!("{}: {e}", file.display())))?;
    CompiledPack::load(&file.display().to_string(), &source)
        .map_err(|e| Failure::Input(e.to_string()))
}

fn month(flag: &str, raw: &str) -> Result<Month, Failure> {
    raw.parse()
        .map_err(|e: yingcai_domain::CalendarError| Failure::Input(format!("--{flag}: {e}")))
}

fn open(path: &Path) -> Result<File, Failure> {
    File::open(path).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}

fn population_error(file: &Path, error: yingcai_rules::PopulationError) -> Failure {
    use yingcai_rules::PopulationError as E;
    match error {
        E::Io(_) | E::Output(_) => Failure::Other(anyhow::anyhow!("{}: {error}", file.display())),
        other => Failure::Input(format!("{}: {other}", file.display())),
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    println!(
        "{}",
        serde_json::to_string(value).map_err(|e| Failure::Other(e.into()))?
    );
    Ok(())
}

fn dispatch(command: PolicyCommand) -> Result<(), Failure> {
    match command {
        PolicyCommand::Evaluate {
            talents,
            month: m,
            pack,
            reform,
            json,
            out,
        } => {
            let pack = load_pack(pack.as_deref())?;
            let m = month("month", &m)?;
            if let Some(reform) = reform {
                if out.is_some() {
                    return Err(Failure::Input(
                        "--out and --reform cannot be combined".into(),
                    ));
                }
                let reform = load_pack(Some(&reform))?;
                let summary =
                    yingcai_rules::evaluate_population_reform(&pack, &reform, open(&talents)?, m)
                        .map_err(|e| population_error(&talents, e))?;
                return if json {
                    print_json(&summary)
                } else {
                    print_evaluate_text(&summary.baseline, Some(&summary))
                };
            }
            let summary = match &out {
                None => yingcai_rules::evaluate_population(
                    &pack,
                    open(&talents)?,
                    m,
                    None::<&mut std::io::Sink>,
                )
                .map_err(|e| population_error(&talents, e))?,
                Some(out) => {
                    // Rows go to a temporary file renamed into place only when every row was
                    // valid: a malformed line leaves no partial output behind.
                    let dir = out
                        .parent()
                        .filter(|d| !d.as_os_str().is_empty())
                        .unwrap_or(Path::new("."));
                    let temporary = tempfile::NamedTempFile::new_in(dir)
                        .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?;
                    let mut writer = std::io::BufWriter::with_capacity(
                        1 << 20,
                        temporary.reopen().map_err(|e| Failure::Other(e.into()))?,
                    );
                    let summary = yingcai_rules::evaluate_population(
                        &pack,
                        open(&talents)?,
                        m,
                        Some(&mut writer),
                    )
                    .map_err(|e| population_error(&talents, e))?;
                    std::io::Write::flush(&mut writer).map_err(|e| Failure::Other(e.into()))?;
                    drop(writer);
                    temporary
                        .persist(out)
                        .map_err(|e| Failure::Other(anyhow::anyhow!("{}: {e}", out.display())))?;
                    summary
                }
            };
            if json {
                print_json(&summary)
            } else {
                print_evaluate_text(&summary, None)
            }
        }
        PolicyCommand::Forecast {
            talents,
            from,
            months,
            pack,
            reform,
            json,
        } => {
            let pack = load_pack(pack.as_deref())?;
            let from = month("from", &from)?;
            if months == 0 || months > 1200 {
                return Err(Failure::Input("--months must be between 1 and 1200".into()));
            }
            if let Some(reform) = reform {
                let reform = load_pack(Some(&reform))?;
                let summary = yingcai_rules::forecast_population_reform(
                    &pack,
                    &reform,
                    open(&talents)?,
                    from,
                    months,
                )
                .map_err(|e| population_error(&talents, e))?;
                return if json {
                    print_json(&summary)
                } else {
                    println!("baseline:   {}", yuan(summary.baseline.total_fen));
                    println!("reform:     {}", yuan(summary.reform.total_fen));
                    println!("difference: {}", yuan(summary.difference.total_fen));
                    Ok(())
                };
            }
            let summary = yingcai_rules::forecast_population(&pack, open(&talents)?, from, months)
                .map_err(|e| population_error(&talents, e))?;
            if json {
                print_json(&summary)
            } else {
                for (i, amount) in summary.monthly_fen.iter().enumerate() {
                    println!("{}  {}", from_plus(&summary.from, i), yuan(*amount));
                }
                println!("total    {}", yuan(summary.total_fen));
                Ok(())
            }
        }
        PolicyCommand::Test { dir, pack } => {
            let pack = load_pack(pack.as_deref())?;
            let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            names.sort();
            if names.is_empty() {
                return Err(Failure::Input(format!(
                    "{}: no *.toml scenario files",
                    dir.display()
                )));
            }
            let mut files = Vec::with_capacity(names.len());
            for path in names {
                let source = std::fs::read_to_string(&path)
                    .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
                files.push((path.display().to_string(), source));
            }
            let report = yingcai_rules::run_scenarios(&pack, &files)
                .map_err(|e| Failure::Input(e.to_string()))?;
            println!("{report}");
            if report.failed() > 0 {
                return Err(Failure::Input(format!(
                    "{} scenario(s) failed",
                    report.failed()
                )));
            }
            Ok(())
        }
    }
}

fn from_plus(from: &Month, offset: usize) -> String {
    // A horizon may run past the calendar's last month; its labels simply continue.
    let index = i64::from(from.index()) + offset as i64;
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

fn yuan(fen: i64) -> String {
    yingcai_domain::Fen(fen).yuan_grouped()
}

fn print_evaluate_text(
    summary: &yingcai_rules::EvaluateSummary,
    reform: Option<&yingcai_rules::ReformSummary<yingcai_rules::EvaluateSummary>>,
) -> Result<(), Failure> {
    println!("month {}: {} talents", summary.month, summary.talents);
    for (tier, count) in &summary.cards {
        println!("  card {tier}: {count}");
    }
    for (benefit, total) in &summary.totals_fen {
        println!("  {benefit}: {}", yuan(*total));
    }
    if let Some(reform) = reform {
        println!("under the reform:");
        for (benefit, total) in &reform.reform.totals_fen {
            let diff = reform
                .difference
                .totals_fen
                .get(benefit)
                .copied()
                .unwrap_or(0);
            println!(
                "  {benefit}: {} ({}{})",
                yuan(*total),
                if diff >= 0 { "+" } else { "" },
                yuan(diff)
            );
        }
    }
    Ok(())
}
