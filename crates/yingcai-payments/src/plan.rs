//! Planning the payment lines of one entitlement for one payment run.
//!
//! The platform never stores "what was decided"; it stores *lines* (money
//! actually accrued per service month) and recomputes a *due schedule*
//! whenever the talent's record or the policy changes. A run then pays
//! the difference between what is due and what earlier lines already
//! accrued, month by month. That single rule covers regular payments,
//! back-pay after a late approval or a hold, and clawback after a
//! retroactive cut, and it makes planning idempotent: once a run's lines
//! are stored, planning the same run again yields nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use yingcai_domain::Month;

/// One run of the due schedule: `amount_fen` is owed for every month in
/// `from..=to` (both inclusive).
///
/// A segment with `from > to` covers no month. Overlapping segments add
/// up, so a schedule may be given as a base allowance plus supplements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Segment {
    /// First month owed.
    pub from: Month,
    /// Last month owed (inclusive).
    pub to: Month,
    /// Amount owed for each month of the segment, in fen.
    pub amount_fen: i64,
}

impl Segment {
    /// Whether this segment owes money for month `m`.
    pub fn covers(&self, m: Month) -> bool {
        self.from <= m && m <= self.to
    }
}

/// What a planned line is, for reporting and for choosing its postings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LineKind {
    /// The run's own month, positive amount: the ordinary monthly payment.
    Regular,
    /// An earlier month, positive amount: owed but not yet accrued (late
    /// approval, a raise applied retroactively, the months of a hold).
    Arrears,
    /// Any month, negative amount: accrued but not owed (a retroactive cut
    /// or revocation). Posted to the talent's receivable.
    Overpayment,
}

/// One line the run must store: `amount_fen` for `service_month`.
///
/// The talent, benefit and run month are the caller's key; they are not
/// repeated here because a plan is always for one entitlement and one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlannedLine {
    /// The month the money is for.
    pub service_month: Month,
    /// Signed amount in fen; never zero.
    pub amount_fen: i64,
    /// Classification derived from the sign and the month.
    pub kind: LineKind,
}

/// Why a plan could not be computed. Only reachable with amounts far
/// beyond any real allowance (an `i64` of fen is about 9.2e16 yuan).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    /// Adding up overlapping segments for one month overflowed `i64`.
    #[error("due amount for service month {month} overflows i64 fen")]
    DueOverflow {
        /// The service month whose due amount overflowed.
        month: Month,
    },
    /// `due - already` for one month overflowed `i64`.
    #[error("difference due {due} - already {already} for service month {month} overflows i64 fen")]
    DifferenceOverflow {
        /// The service month.
        month: Month,
        /// What the schedule says is due.
        due: i64,
        /// What earlier lines already accrued.
        already: i64,
    },
    /// Adding a line to the running per-month total overflowed `i64`.
    #[error(
        "recording {amount_fen} fen onto {already} fen for service month {month} overflows i64"
    )]
    RecordOverflow {
        /// The service month.
        month: Month,
        /// The total before the line.
        already: i64,
        /// The line being recorded.
        amount_fen: i64,
    },
}

/// The amount owed for month `m` under `due`: the sum of the segments
/// covering it, `0` when none does.
///
/// # Errors
/// [`PlanError::DueOverflow`] if the covering segments' sum overflows.
pub fn due_at(due: &[Segment], m: Month) -> Result<i64, PlanError> {
    due.iter()
        .filter(|s| s.covers(m))
        .try_fold(0i64, |acc, s| acc.checked_add(s.amount_fen))
        .ok_or(PlanError::DueOverflow { month: m })
}

/// Plans the lines of run `run` for one entitlement; see [`try_plan_lines`]
/// for the rules. This is the infallible form for real-world amounts.
///
/// # Panics
/// Only if an amount computation overflows `i64` fen (see [`PlanError`]),
/// which no real allowance can reach; use [`try_plan_lines`] to get the
/// error instead.
pub fn plan_lines(
    run: Month,
    first: Month,
    due: &[Segment],
    already: &BTreeMap<Month, i64>,
    held: bool,
) -> Vec<PlannedLine> {
    match try_plan_lines(run, first, due, already, held) {
        Ok(lines) => lines,
        Err(e) => panic!("plan_lines: {e}"),
    }
}

/// Plans the lines of run `run` for one entitlement.
///
/// * `first` is the first month the platform pays; earlier months were
///   paid outside it and are never reconsidered, whatever `due` says.
/// * `due` is the entitlement's current due schedule.
/// * `already[m]` is the sum of every line stored so far for service
///   month `m` (any earlier run, and this run too if it already stored
///   lines). Months outside `first..=run` are ignored.
/// * `held`: an officer suspended the entitlement. A hold pays nothing
///   but does not forgive: the months stay owed and come out as
///   [`LineKind::Arrears`] in the first run after the hold is lifted. A
///   hold also defers clawbacks, since no line at all is produced.
///
/// For every month `m` in `first..=run`, `due(m) - already(m)` becomes a
/// line when non-zero. Lines are in ascending service-month order.
///
/// **Idempotence:** once the returned lines are added to `already` (see
/// [`record_lines`]), planning the same run again returns an empty plan,
/// so a crashed or repeated run cannot pay twice. **Convergence:** after
/// any run that is not held, the stored lines of each month in
/// `first..=run` add up to exactly what the latest schedule says is due.
///
/// # Errors
/// [`PlanError`] when an amount overflows `i64` fen.
pub fn try_plan_lines(
    run: Month,
    first: Month,
    due: &[Segment],
    already: &BTreeMap<Month, i64>,
    held: bool,
) -> Result<Vec<PlannedLine>, PlanError> {
    if held {
        return Ok(Vec::new());
    }
    let mut lines = Vec::new();
    // An empty range when first > run: nothing is payable yet.
    for m in first.through(run) {
        let owed = due_at(due, m)?;
        let paid = already.get(&m).copied().unwrap_or(0);
        let diff = owed
            .checked_sub(paid)
            .ok_or(PlanError::DifferenceOverflow {
                month: m,
                due: owed,
                already: paid,
            })?;
        if diff == 0 {
            continue;
        }
        let kind = if diff < 0 {
            LineKind::Overpayment
        } else if m == run {
            LineKind::Regular
        } else {
            LineKind::Arrears
        };
        lines.push(PlannedLine {
            service_month: m,
            amount_fen: diff,
            kind,
        });
    }
    Ok(lines)
}

/// Adds stored lines to the per-month totals that [`plan_lines`] reads as
/// `already`. Atomic: on error `already` is left unchanged.
///
/// # Errors
/// [`PlanError::RecordOverflow`] if a month's total would overflow.
pub fn record_lines(
    already: &mut BTreeMap<Month, i64>,
    lines: &[PlannedLine],
) -> Result<(), PlanError> {
    let mut updated = already.clone();
    for line in lines {
        let total = updated.entry(line.service_month).or_insert(0);
        *total = total
            .checked_add(line.amount_fen)
            .ok_or(PlanError::RecordOverflow {
                month: line.service_month,
                already: *total,
                amount_fen: line.amount_fen,
            })?;
    }
    *already = updated;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(y: i16, mo: i8) -> Month {
        Month::new(y, mo).expect("valid month")
    }

    /// `n` months after `from`.
    fn at(from: Month, n: i32) -> Month {
        from.plus(n).expect("in range")
    }

    /// The `n`th month of the calendar.
    fn nth(n: i32) -> Month {
        at(Month::MIN, n)
    }

    fn seg(from: Month, to: Month, amount_fen: i64) -> Segment {
        Segment {
            from,
            to,
            amount_fen,
        }
    }

    #[test]
    fn regular_month_only() {
        let first = m(2024, 1);
        let due = [seg(first, at(first, 100), 150_000)];
        let lines = plan_lines(first, first, &due, &BTreeMap::new(), false);
        assert_eq!(
            lines,
            vec![PlannedLine {
                service_month: first,
                amount_fen: 150_000,
                kind: LineKind::Regular
            }]
        );
    }

    #[test]
    fn late_approval_pays_arrears_in_order() {
        let first = m(2024, 1);
        let run = m(2024, 4);
        let due = [seg(m(2024, 2), m(2026, 12), 100)];
        let lines = plan_lines(run, first, &due, &BTreeMap::new(), false);
        let got: Vec<_> = lines
            .iter()
            .map(|l| (l.service_month, l.amount_fen, l.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                (m(2024, 2), 100, LineKind::Arrears),
                (m(2024, 3), 100, LineKind::Arrears),
                (m(2024, 4), 100, LineKind::Regular),
            ]
        );
    }

    #[test]
    fn retroactive_cut_is_an_overpayment() {
        let first = m(2024, 1);
        let mut already = BTreeMap::new();
        already.insert(m(2024, 1), 100);
        already.insert(m(2024, 2), 100);
        // Entitlement revoked from February on.
        let due = [seg(m(2024, 1), m(2024, 1), 100)];
        let lines = plan_lines(m(2024, 3), first, &due, &already, false);
        assert_eq!(
            lines,
            vec![PlannedLine {
                service_month: m(2024, 2),
                amount_fen: -100,
                kind: LineKind::Overpayment
            }]
        );
    }

    #[test]
    fn current_month_correction_downwards_is_an_overpayment() {
        let run = m(2024, 5);
        let mut already = BTreeMap::new();
        already.insert(run, 300);
        let lines = plan_lines(run, run, &[seg(run, run, 200)], &already, false);
        assert_eq!(lines[0].kind, LineKind::Overpayment);
        assert_eq!(lines[0].amount_fen, -100);
    }

    #[test]
    fn months_before_first_are_never_reconsidered() {
        let first = m(2024, 6);
        let due = [seg(m(2023, 1), m(2024, 6), 100)];
        let mut already = BTreeMap::new();
        already.insert(m(2024, 1), 999); // paid outside, wrong amount: ignored
        let lines = plan_lines(first, first, &due, &already, false);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].service_month, first);
    }

    #[test]
    fn run_before_first_plans_nothing() {
        let first = m(2024, 6);
        let due = [seg(m(2023, 1), m(2030, 1), 100)];
        assert!(plan_lines(at(first, -1), first, &due, &BTreeMap::new(), false).is_empty());
    }

    #[test]
    fn hold_pays_nothing_then_arrears() {
        let first = m(2024, 1);
        let due = [seg(first, at(first, 24), 100)];
        let mut already = BTreeMap::new();
        for run in first.through(at(first, 2)) {
            let held = run == at(first, 1);
            let lines = plan_lines(run, first, &due, &already, held);
            if held {
                assert!(lines.is_empty());
            }
            record_lines(&mut already, &lines).expect("no overflow");
        }
        // The held month was paid as arrears in the following run.
        assert_eq!(already.get(&at(first, 1)), Some(&100));
        assert_eq!(already.values().sum::<i64>(), 300);
    }

    #[test]
    fn replanning_after_recording_is_empty() {
        let first = m(2024, 1);
        let due = [
            seg(first, at(first, 5), 100),
            seg(at(first, 2), at(first, 3), 50),
        ];
        let mut already = BTreeMap::new();
        let lines = plan_lines(at(first, 4), first, &due, &already, false);
        assert_eq!(lines.len(), 5);
        record_lines(&mut already, &lines).expect("no overflow");
        assert!(plan_lines(at(first, 4), first, &due, &already, false).is_empty());
    }

    #[test]
    fn overlapping_segments_add_and_inverted_ones_are_empty() {
        let due = [
            seg(nth(10), nth(20), 100),
            seg(nth(15), nth(15), 7),
            seg(nth(30), nth(25), 1_000),
        ];
        assert_eq!(due_at(&due, nth(15)), Ok(107));
        assert_eq!(due_at(&due, nth(27)), Ok(0));
        assert_eq!(due_at(&due, nth(21)), Ok(0));
    }

    #[test]
    fn overflow_is_reported_not_panicking() {
        let due = [seg(nth(0), nth(0), i64::MAX), seg(nth(0), nth(0), 1)];
        assert_eq!(
            try_plan_lines(nth(0), nth(0), &due, &BTreeMap::new(), false),
            Err(PlanError::DueOverflow { month: nth(0) })
        );
        let mut already = BTreeMap::new();
        already.insert(nth(0), i64::MIN);
        assert!(matches!(
            try_plan_lines(nth(0), nth(0), &[seg(nth(0), nth(0), 1)], &already, false),
            Err(PlanError::DifferenceOverflow { month, .. }) if month == nth(0)
        ));
        let before = already.clone();
        let line = PlannedLine {
            service_month: nth(0),
            amount_fen: -1,
            kind: LineKind::Overpayment,
        };
        assert!(record_lines(&mut already, &[line]).is_err());
        assert_eq!(already, before, "record_lines is atomic");
    }

    #[test]
    #[should_panic(expected = "overflows")]
    fn plan_lines_panics_only_on_overflow() {
        let due = [seg(nth(0), nth(0), i64::MAX), seg(nth(0), nth(0), 1)];
        let _ = plan_lines(nth(0), nth(0), &due, &BTreeMap::new(), false);
    }
}
