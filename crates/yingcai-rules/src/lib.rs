//! # yingcai-rules: talent policy packs, compiled
//!
//! Policies (talent green cards, allowances, their exclusions and legal references)
//! are **data**: versioned TOML packs (format: `packs/README.md`). A pack is checked
//! and compiled once, on load; a wrong pack is refused with the file, line and field.
//! Conditions are written in [CEL](https://github.com/google/cel-spec) syntax, parsed by
//! the `cel` crate and type-checked against a fixed set of typed talent variables, then
//! compiled into a small typed condition tree over integers and bit masks. Nothing is
//! interpreted per row: the measured cost of a CEL interpreter per evaluation is
//! 350–1,300 ns against 2–4 ns for native code, and populations have 10⁷ talents.
//!
//! * [`evaluate`] / [`explain`]: one talent, one month; the explanation lists every
//!   condition with the talent's value, the clause and dated amount used, and what
//!   would change a refusal ("eligible from 2027-03 if …"), in Chinese and English.
//! * [`evaluate_population`], [`forecast_population`] and their `_reform` variants
//!   stream a population CSV through worker threads with bounded memory. Forecasts are
//!   linear in talents: every month-dependent part of a pack can only change a result
//!   at a few known months, so each talent is evaluated once per constant segment.
//! * [`compare_packs`] (rule by rule) and [`compare_population`] (costs, gainers,
//!   losers) for reforms; [`run_scenarios`] for OpenFisca-style test cases as data.
//!
//! Money is integer fen (`i64`) everywhere. Months are `year * 12 + month - 1`.
//! The library opens no files and spawns no processes: packs come in as text,
//! populations as [`std::io::Read`], row output goes to [`std::io::Write`].
//!
//! ```
//! use yingcai_rules::{CompiledPack, evaluate, explain, person::*, time::Month};
//!
//! let pack = CompiledPack::load(
//!     "pack.toml",
//!     include_str!("../packs/shijiazhuang-green-card/pack.toml"),
//! )?;
//! let talent = Person {
//!     id: 1,
//!     birth_date: "1990-05-15".parse()?,
//!     degree: Degree::Phd,
//!     honors: 0,
//!     arrival_date: "2023-09-08".parse()?,
//!     employed_in_city: true,
//!     housing: Housing::Rent,
//!     home_purchase_date: None,
//!     social_insurance_months: 30,
//! };
//! let month: Month = "2026-11".parse()?;
//! let d = evaluate(&pack, &talent, month);
//! assert_eq!(d.card.as_deref(), Some("B"));
//! assert_eq!(d.amount("rent_allowance"), Some(300_000)); // 3,000 yuan in fen
//!
//! // The window closes after 60 months; the explanation says when.
//! let e = explain(&pack, &talent, "2028-09".parse()?);
//! assert!(e.benefits[0].reasons[0].en.contains("the 60-month window ended 2028-08"));
//!
//! // A population, streamed (a CSV with the header line of talents.md).
//! let csv = format!("{}\n1,1990-05-15,phd,,2023-09-08,true,rent,,30\n", yingcai_rules::HEADER);
//! let s = yingcai_rules::evaluate_population::<_, Vec<u8>>(&pack, csv.as_bytes(), month, None)?;
//! assert_eq!(s.totals_fen["rent_allowance"], 300_000);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod compile;
mod cond;
mod csv;
mod diff;
mod eval;
mod explain;
mod pack;
pub mod person;
mod pipeline;
mod population;
mod scenario;
mod schedule;
mod spec;
pub mod time;

pub use compile::VARIABLES;
pub use csv::{COLUMNS, HEADER};
pub use diff::*;
pub use eval::*;
pub use explain::*;
pub use pack::*;
pub use population::*;
pub use scenario::*;
pub use schedule::*;
pub use spec::Text;

/// Not part of the API (no stability promise): the population row parser on its own,
/// so that `benches/csv.rs` can time it against the `csv` crate.
#[doc(hidden)]
pub mod bench {
    use crate::person::Person;

    /// Parses a block of whole data lines (no header) as the population workers do,
    /// calling `each` per person; the number of lines, or the first fault.
    pub fn parse_rows(
        data: &[u8],
        honors: &[String],
        each: impl FnMut(&Person),
    ) -> Result<u64, String> {
        crate::csv::parse_block(data, honors, each)
            .map_err(|(line, f)| format!("line {line}, column {}: {}", f.column, f.message))
    }

    /// The checked parser of one line (split, then every field validated).
    pub fn parse_row(line: &[u8], honors: &[String]) -> Result<Person, String> {
        crate::csv::parse_row(line, honors).map_err(|f| format!("{}: {}", f.column, f.message))
    }

    /// The field validation of the checked parser, on fields split by someone else.
    pub fn person_from_fields(fields: &[&[u8]; 9], honors: &[String]) -> Result<Person, String> {
        crate::csv::person_from_fields(fields, honors)
            .map_err(|f| format!("{}: {}", f.column, f.message))
    }
}

/// The default pack (Shijiazhuang's talent green card), compiled into every build so that
/// `yingcai policy …` works without a pack directory. `--pack` loads another one at run
/// time: changing a policy never needs a rebuild.
pub const BUILTIN_PACK: (&str, &str) = (
    "packs/shijiazhuang-green-card/pack.toml",
    include_str!("../packs/shijiazhuang-green-card/pack.toml"),
);
