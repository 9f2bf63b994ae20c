//! Payment planning and bookkeeping for yingcai's monthly talent allowances.
//!
//! Pure functions only: no I/O, no clock, no database. Callers load the
//! due schedule and the lines already stored, call [`plan_lines`], store
//! the lines, and book them with the [`ledger`] postings. Keeping this
//! core pure is what lets it be property-tested for the two promises the
//! platform makes to talents and auditors: *everything owed is paid
//! exactly once, including retroactive changes*, and *the books balance*.
//!
//! Money is integer fen (`i64`) throughout; floats never appear. Months
//! are yingcai's one [`yingcai_domain::Month`] (1900-01 to 2200-12).
//!
//! ```
//! use std::collections::BTreeMap;
//! use yingcai_domain::Month;
//! use yingcai_payments::{Balances, LineKind, Segment, accrue, plan_lines, record_lines};
//!
//! let first: Month = "2024-01".parse()?;
//! // Approved late: 1,500 yuan a month owed from January, first run in March.
//! let due = [Segment { from: first, to: "2026-12".parse()?, amount_fen: 150_000 }];
//! let mut already = BTreeMap::new();
//! let run: Month = "2024-03".parse()?;
//! let lines = plan_lines(run, first, &due, &already, false);
//! let kinds: Vec<LineKind> = lines.iter().map(|l| l.kind).collect();
//! assert_eq!(kinds, [LineKind::Arrears, LineKind::Arrears, LineKind::Regular]);
//!
//! // Book the lines, then settle the talent.
//! let mut books = Balances::new();
//! for line in &lines {
//!     books.apply(&accrue(42, "housing", line)?)?;
//! }
//! for t in books.settlement(42)? {
//!     books.apply(&t)?;
//! }
//! assert_eq!(books.payable_outstanding(42), 0);
//! assert_eq!(books.total(), 0);
//!
//! // Storing the lines makes the run idempotent.
//! record_lines(&mut already, &lines)?;
//! assert!(plan_lines(run, first, &due, &already, false).is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ledger;
pub mod plan;

pub use ledger::{
    Account, Balances, Entry, LedgerError, Transaction, TxnKind, accrue, bank_amount, recover,
    repaid, settle_paid, write_off,
};
pub use plan::{
    LineKind, PlanError, PlannedLine, Segment, due_at, plan_lines, record_lines, try_plan_lines,
};
