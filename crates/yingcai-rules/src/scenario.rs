//! Scenario tests as data (OpenFisca's YAML tests, in TOML): a person and a month in,
//! the expected card and benefit amounts (fen) out.
//!
//! ```toml
//! [[case]]
//! name = "PhD renting, first month of the window"
//! month = "2023-09"
//! person = { degree = "phd", arrival_date = "2023-09-08", employed_in_city = true, housing = "rent" }
//! expect = { card = "B", rent_allowance = 300000, purchase_allowance = 0 }
//! ```
//! Person fields are the CSV columns; `id` (1), `birth_date` (1990-01-01), `honors` (""),
//! `home_purchase_date` (none) and `social_insurance_months` (0) may be left out.
//! `expect.card` is a tier id or "" for no card; other `expect` keys are benefit ids.

use crate::csv::parse_row;
use crate::eval::evaluate;
use crate::pack::CompiledPack;
use crate::time::Month;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    case: Vec<CaseSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseSpec {
    name: Spanned<String>,
    month: Spanned<String>,
    person: Spanned<PersonSpec>,
    expect: Spanned<BTreeMap<String, Spanned<toml::Value>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonSpec {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    birth_date: Option<String>,
    degree: String,
    #[serde(default)]
    honors: Option<String>,
    arrival_date: String,
    employed_in_city: bool,
    housing: String,
    #[serde(default)]
    home_purchase_date: Option<String>,
    #[serde(default)]
    social_insurance_months: Option<u16>,
}

/// A case file could not be read (its cases were not run).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ScenarioFileFault {
    /// File name as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// One expected value that did not match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// `card` or a benefit id.
    pub what: String,
    /// Expected value (tier id or fen).
    pub expected: String,
    /// Actual value.
    pub actual: String,
}

/// One case's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    /// File name.
    pub file: String,
    /// Line of the case's name.
    pub line: usize,
    /// Case name.
    pub name: String,
    /// Mismatches; empty = passed.
    pub mismatches: Vec<Mismatch>,
}

/// All cases' outcomes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScenarioReport {
    /// In file order, then case order.
    pub cases: Vec<CaseResult>,
}

impl ScenarioReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| c.mismatches.is_empty())
            .count()
    }
    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

impl fmt::Display for ScenarioReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.cases {
            if c.mismatches.is_empty() {
                writeln!(f, "ok   {}:{}: {}", c.file, c.line, c.name)?;
            } else {
                let what: Vec<String> = c
                    .mismatches
                    .iter()
                    .map(|m| format!("{} expected {}, got {}", m.what, m.expected, m.actual))
                    .collect();
                writeln!(
                    f,
                    "FAIL {}:{}: {}: {}",
                    c.file,
                    c.line,
                    c.name,
                    what.join("; ")
                )?;
            }
        }
        write!(f, "{} passed, {} failed", self.passed(), self.failed())
    }
}

/// Runs scenario files `(name, contents)` against `pack`. A malformed file (bad TOML,
/// unknown field, unknown benefit in `expect`, invalid person field) stops the run with
/// its file and line; mismatching cases are reported, not errors.
pub fn run_scenarios<N: AsRef<str>, S: AsRef<str>>(
    pack: &CompiledPack,
    files: &[(N, S)],
) -> Result<ScenarioReport, ScenarioFileFault> {
    let mut report = ScenarioReport::default();
    for (name, src) in files {
        let (name, src) = (name.as_ref(), src.as_ref());
        let line_of = |off: usize| src[..off.min(src.len())].matches('\n').count() + 1;
        let fault = |off: usize, message: String| ScenarioFileFault {
            file: name.to_string(),
            line: line_of(off),
            message,
        };
        let file: CaseFile = toml::from_str(src)
            .map_err(|e| fault(e.span().map_or(0, |s| s.start), e.message().to_string()))?;
        for c in &file.case {
            let month: Month = c
                .month
                .get_ref()
                .parse()
                .map_err(|e| fault(c.month.span().start, format!("month: {e}")))?;
            let p = c.person.get_ref();
            let line = format!(
                "{},{},{},{},{},{},{},{},{}",
                p.id.unwrap_or(1),
                p.birth_date.as_deref().unwrap_or("1990-01-01"),
                p.degree,
                p.honors.as_deref().unwrap_or(""),
                p.arrival_date,
                p.employed_in_city,
                p.housing,
                p.home_purchase_date.as_deref().unwrap_or(""),
                p.social_insurance_months.unwrap_or(0),
            );
            let person = parse_row(line.as_bytes(), pack.honors()).map_err(|f| {
                fault(
                    c.person.span().start,
                    format!("person.{}: {}", f.column, f.message),
                )
            })?;
            let d = evaluate(pack, &person, month);
            let mut mismatches = Vec::new();
            if c.expect.get_ref().is_empty() {
                return Err(fault(c.expect.span().start, "expect is empty".into()));
            }
            for (k, v) in c.expect.get_ref() {
                if k == "card" {
                    let Some(want) = v.get_ref().as_str() else {
                        return Err(fault(
                            v.span().start,
                            "expect.card must be a string (\"\" = no card)".into(),
                        ));
                    };
                    let got = d.card.clone().unwrap_or_default();
                    if want != got {
                        mismatches.push(Mismatch {
                            what: "card".into(),
                            expected: format!("{want:?}"),
                            actual: format!("{got:?}"),
                        });
                    }
                    continue;
                }
                let Some(got) = d.amount(k) else {
                    return Err(fault(
                        v.span().start,
                        format!("expect.{k}: the pack has no benefit `{k}`"),
                    ));
                };
                let Some(want) = v.get_ref().as_integer() else {
                    return Err(fault(
                        v.span().start,
                        format!("expect.{k} must be an integer amount in fen"),
                    ));
                };
                if want != got {
                    mismatches.push(Mismatch {
                        what: k.clone(),
                        expected: format!("{want} fen"),
                        actual: format!("{got} fen"),
                    });
                }
            }
            report.cases.push(CaseResult {
                file: name.to_string(),
                line: line_of(c.name.span().start),
                name: c.name.get_ref().clone(),
                mismatches,
            });
        }
    }
    Ok(report)
}
