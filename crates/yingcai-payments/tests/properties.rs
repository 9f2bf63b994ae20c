//! Property tests for the promises the crate makes: plans are idempotent
//! and converge on the latest schedule, and the books always balance.

use std::collections::BTreeMap;

use proptest::prelude::*;
use yingcai_domain::Month;
use yingcai_payments::{
    Account, Balances, LineKind, PlannedLine, Segment, Transaction, accrue, bank_amount, due_at,
    plan_lines, record_lines, recover, repaid, settle_paid,
};

/// The platform's first paid month, as a month index.
const FIRST: i32 = 2024 * 12;

/// The month with index `i`.
fn mo(i: i32) -> Month {
    Month::from_index(i64::from(i)).expect("in range")
}

fn segment() -> impl Strategy<Value = Segment> {
    // Months around FIRST (including before it), amounts up to 100k yuan,
    // occasionally negative (a deduction) to exercise every kind.
    (FIRST - 6..FIRST + 30, 0i32..24, -1_000_000i64..10_000_000).prop_map(
        |(from, len, amount_fen)| Segment {
            from: mo(from),
            to: mo(from + len),
            amount_fen,
        },
    )
}

fn schedule() -> impl Strategy<Value = Vec<Segment>> {
    prop::collection::vec(segment(), 0..4)
}

fn already_map() -> impl Strategy<Value = BTreeMap<Month, i64>> {
    prop::collection::btree_map(FIRST - 3..FIRST + 30, -10_000_000i64..10_000_000, 0..10)
        .prop_map(|m| m.into_iter().map(|(k, v)| (mo(k), v)).collect())
}

fn check_line_kinds(run: Month, first: Month, lines: &[PlannedLine]) {
    for w in lines.windows(2) {
        assert!(
            w[0].service_month < w[1].service_month,
            "ascending, one line per month"
        );
    }
    for l in lines {
        assert!((first..=run).contains(&l.service_month));
        assert_ne!(l.amount_fen, 0);
        let expected = if l.amount_fen < 0 {
            LineKind::Overpayment
        } else if l.service_month == run {
            LineKind::Regular
        } else {
            LineKind::Arrears
        };
        assert_eq!(l.kind, expected);
    }
}

proptest! {
    #[test]
    fn replanning_after_recording_is_empty(
        due in schedule(),
        mut already in already_map(),
        run in FIRST - 2..FIRST + 36,
    ) {
        let (run, first) = (mo(run), mo(FIRST));
        let lines = plan_lines(run, first, &due, &already, false);
        check_line_kinds(run, first, &lines);
        record_lines(&mut already, &lines).expect("no overflow");
        prop_assert!(plan_lines(run, first, &due, &already, false).is_empty());
    }

    #[test]
    fn held_plans_nothing(due in schedule(), already in already_map(), run in FIRST..FIRST + 36) {
        prop_assert!(plan_lines(mo(run), mo(FIRST), &due, &already, true).is_empty());
    }

    /// Per run: the schedule may change (`Some`) and the entitlement may be
    /// held. After every run that is not held, each month in FIRST..=run
    /// has received exactly what the latest schedule says is due; months
    /// before FIRST never get a line.
    #[test]
    fn lines_converge_on_the_latest_schedule(
        initial in schedule(),
        runs in prop::collection::vec((prop::option::of(schedule()), prop::bool::weighted(0.2)), 1..18),
    ) {
        let mut due = initial;
        let mut already: BTreeMap<Month, i64> = BTreeMap::new();
        for (offset, (change, held)) in runs.into_iter().enumerate() {
            let (run, first) = (mo(FIRST + offset as i32), mo(FIRST));
            if let Some(new) = change {
                due = new;
            }
            let lines = plan_lines(run, first, &due, &already, held);
            check_line_kinds(run, first, &lines);
            record_lines(&mut already, &lines).expect("no overflow");
            prop_assert!(already.keys().all(|&m| m >= first && m <= run));
            if !held {
                for m in first.through(run) {
                    let paid = already.get(&m).copied().unwrap_or(0);
                    prop_assert_eq!(paid, due_at(&due, m).expect("no overflow"), "month {}", m);
                }
                prop_assert!(plan_lines(run, first, &due, &already, false).is_empty());
            }
        }
    }

    #[test]
    fn bank_amount_is_min_then_rest(p in any::<i64>(), r in any::<i64>()) {
        let (rec, pay) = bank_amount(p, r);
        prop_assert!(rec >= 0 && pay >= 0);
        let (p0, r0) = (p.max(0), r.max(0));
        prop_assert_eq!(rec, p0.min(r0));
        prop_assert_eq!(rec + pay, p0, "everything payable is either recovered or paid");
        prop_assert!(rec <= r0, "never recover more than is receivable");
        prop_assert!(pay == 0 || rec == r0, "pay only once the receivable is cleared");
    }
}

#[derive(Debug, Clone)]
enum Op {
    Accrue {
        talent: i64,
        benefit: usize,
        amount: i64,
    },
    Recover {
        talent: i64,
        amount: i64,
    },
    Settle {
        talent: i64,
        amount: i64,
    },
    Repaid {
        talent: i64,
        amount: i64,
    },
}

const BENEFITS: [&str; 2] = ["housing", "living"];

fn op() -> impl Strategy<Value = Op> {
    let talent = 1i64..4;
    let amount = -10_000_000i64..10_000_000;
    prop_oneof![
        (talent.clone(), 0usize..2, amount.clone()).prop_map(|(talent, benefit, amount)| {
            Op::Accrue {
                talent,
                benefit,
                amount,
            }
        }),
        (talent.clone(), amount.clone())
            .prop_map(|(talent, amount)| Op::Recover { talent, amount }),
        (talent.clone(), amount.clone()).prop_map(|(talent, amount)| Op::Settle { talent, amount }),
        (talent, amount).prop_map(|(talent, amount)| Op::Repaid { talent, amount }),
    ]
}

fn posting(op: &Op) -> Option<Transaction> {
    let line = |amount_fen: i64| PlannedLine {
        service_month: mo(FIRST),
        amount_fen,
        kind: if amount_fen < 0 {
            LineKind::Overpayment
        } else {
            LineKind::Regular
        },
    };
    // Invalid amounts (zero, negative movements) must be refused, never
    // produce a transaction.
    let result = match *op {
        Op::Accrue {
            talent,
            benefit,
            amount,
        } => accrue(talent, BENEFITS[benefit], &line(amount)),
        Op::Recover { talent, amount } => recover(talent, amount),
        Op::Settle { talent, amount } => settle_paid(talent, amount),
        Op::Repaid { talent, amount } => repaid(talent, amount),
    };
    let valid = match *op {
        Op::Accrue { amount, .. } => amount != 0,
        Op::Recover { amount, .. } | Op::Settle { amount, .. } | Op::Repaid { amount, .. } => {
            amount > 0
        }
    };
    assert_eq!(result.is_ok(), valid, "{op:?}");
    result.ok()
}

proptest! {
    /// Whatever the order or size of movements, every transaction balances,
    /// the total stays zero, and the balances match a replay of the journal.
    #[test]
    fn any_movements_keep_the_books_balanced(ops in prop::collection::vec(op(), 0..60)) {
        let mut books = Balances::new();
        let mut journal = Vec::new();
        for op in &ops {
            if let Some(t) = posting(op) {
                prop_assert_eq!(t.entries().iter().map(|e| e.amount_fen).sum::<i64>(), 0);
                prop_assert!(t.validate().is_ok());
                books.apply(&t).expect("no overflow at these amounts");
                journal.push(t);
                prop_assert_eq!(books.total(), 0);
            }
        }
        prop_assert_eq!(books.check(&journal), Ok(()));
        prop_assert_eq!(Balances::from_transactions(&journal), Ok(books));
    }

    /// Runs of accruals (positive and negative lines) each followed by a
    /// settlement per `bank_amount`: nothing is ever overpaid from the bank,
    /// so what we owe never goes negative, and after each settlement either
    /// nothing is owed or nothing is receivable.
    #[test]
    fn settling_per_bank_amount_never_overpays(
        runs in prop::collection::vec(
            prop::collection::vec((1i64..4, 0usize..2, -5_000_000i64..10_000_000), 0..8),
            1..10,
        ),
        repay in prop::collection::vec((1i64..4, 1i64..5_000_000), 0..10),
    ) {
        let mut books = Balances::new();
        let mut journal: Vec<Transaction> = Vec::new();
        let mut post = |books: &mut Balances, t: Transaction| {
            books.apply(&t).expect("no overflow");
            journal.push(t);
        };
        for (i, run) in runs.iter().enumerate() {
            for &(talent, benefit, amount) in run {
                if amount == 0 {
                    continue;
                }
                let line = PlannedLine {
                    service_month: mo(FIRST + i as i32),
                    amount_fen: amount,
                    kind: if amount < 0 { LineKind::Overpayment } else { LineKind::Regular },
                };
                post(&mut books, accrue(talent, BENEFITS[benefit], &line).expect("valid"));
                prop_assert!(books.payable_outstanding(talent) >= 0);
                prop_assert!(books.receivable_outstanding(talent) >= 0);
            }
            for talent in 1..4 {
                let before_bank = books.get(&Account::Bank);
                let (rec, pay) = bank_amount(
                    books.payable_outstanding(talent),
                    books.receivable_outstanding(talent),
                );
                for t in books.settlement(talent).expect("valid") {
                    post(&mut books, t);
                }
                prop_assert_eq!(books.get(&Account::Bank), before_bank - pay);
                prop_assert!(rec >= 0);
                prop_assert_eq!(books.payable_outstanding(talent), 0);
                prop_assert!(books.receivable_outstanding(talent) >= 0);
            }
            // Some talents pay back part of what they owe.
            if let Some(&(talent, amount)) = repay.get(i) {
                let amount = amount.min(books.receivable_outstanding(talent));
                if amount > 0 {
                    post(&mut books, repaid(talent, amount).expect("valid"));
                }
                prop_assert!(books.receivable_outstanding(talent) >= 0);
            }
        }
        prop_assert_eq!(books.total(), 0);
        prop_assert_eq!(books.check(&journal), Ok(()));
    }
}
