//! A small double-entry ledger for allowance money.
//!
//! Signs: a debit is positive, a credit negative, and every transaction
//! sums to zero. With that convention:
//!
//! * `Budget { benefit }` is an expense account: its (positive) balance is
//!   what the benefit has cost its budget line.
//! * `Payable { talent }` is a liability: its balance is normally negative
//!   (credit), and `-balance` is what the platform still owes the talent.
//! * `Receivable { talent }` is an asset: its positive balance is money
//!   paid that was not owed and is still to be recovered.
//! * `Bank` is cash: it goes negative as allowances are paid out.
//!
//! Transactions can only be built through [`Transaction::new`] (and the
//! posting functions built on it), so an unbalanced transaction cannot
//! exist, not even by deserializing one.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

use crate::plan::PlannedLine;
use yingcai_domain::Month;

/// An account of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Account {
    /// Expense charged to a benefit's budget line.
    Budget {
        /// The benefit's code.
        benefit: String,
    },
    /// What the platform owes one talent (credit balance, i.e. negative).
    Payable {
        /// The talent's id.
        talent: i64,
    },
    /// Overpayments one talent has to give back (debit balance).
    Receivable {
        /// The talent's id.
        talent: i64,
    },
    /// The platform's bank account.
    Bank,
}

impl Account {
    /// The account's name in storage: `budget:<benefit>`, `payable:<talent>`,
    /// `receivable:<talent>`, `bank`.
    pub fn key(&self) -> String {
        match self {
            Account::Budget { benefit } => format!("budget:{benefit}"),
            Account::Payable { talent } => format!("payable:{talent}"),
            Account::Receivable { talent } => format!("receivable:{talent}"),
            Account::Bank => "bank".to_owned(),
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Account::Budget { benefit } => write!(f, "Budget({benefit})"),
            Account::Payable { talent } => write!(f, "Payable(talent {talent})"),
            Account::Receivable { talent } => write!(f, "Receivable(talent {talent})"),
            Account::Bank => f.write_str("Bank"),
        }
    }
}

/// One leg of a transaction: debit if positive, credit if negative.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// The account moved.
    pub account: Account,
    /// Signed amount in fen (debit positive, credit negative); never zero
    /// inside a [`Transaction`].
    pub amount_fen: i64,
}

impl Entry {
    /// Convenience constructor; validation happens in [`Transaction::new`].
    pub fn new(account: Account, amount_fen: i64) -> Self {
        Self {
            account,
            amount_fen,
        }
    }
}

/// Which domain movement a transaction records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TxnKind {
    /// A planned line booked: expense and payable, or receivable and
    /// expense reversal for an overpayment.
    Accrual,
    /// An overpayment recovered by withholding it from what we owe.
    Recovery,
    /// Money sent to the talent's bank account.
    Settlement,
    /// The talent paid an overpayment back.
    Repayment,
    /// An unrecoverable overpayment charged back to the benefit's budget.
    WriteOff,
}

/// Everything that can be wrong with a transaction, a posting or a set of
/// balances. Each variant names what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LedgerError {
    /// A transaction with no entries records nothing and is refused.
    #[error("transaction {memo:?} has no entries")]
    Empty {
        /// The transaction's memo.
        memo: String,
    },
    /// A zero entry would be noise in every report and is refused.
    #[error("transaction {memo:?}: entry #{index} on {account} has a zero amount")]
    ZeroEntry {
        /// The transaction's memo.
        memo: String,
        /// Position of the entry in the transaction.
        index: usize,
        /// The entry's account.
        account: Account,
    },
    /// The entries' running sum left `i64`.
    #[error("transaction {memo:?}: sum of entries overflows i64 at entry #{index}")]
    SumOverflow {
        /// The transaction's memo.
        memo: String,
        /// Position of the entry whose addition overflowed.
        index: usize,
    },
    /// Debits and credits differ.
    #[error("transaction {memo:?} is unbalanced: entries sum to {sum} fen, not 0")]
    Unbalanced {
        /// The transaction's memo.
        memo: String,
        /// The non-zero sum of the entries.
        sum: i64,
    },
    /// A posting function was given an amount that is zero or negative.
    #[error("{operation} for talent {talent}: amount {amount_fen} fen must be positive")]
    NonPositiveAmount {
        /// The posting function (`recover`, `settle_paid`, ...).
        operation: &'static str,
        /// The talent concerned.
        talent: i64,
        /// The rejected amount.
        amount_fen: i64,
    },
    /// A planned line with a zero amount cannot be accrued.
    #[error(
        "accrue for talent {talent}, benefit {benefit}: line for {service_month} has a zero amount"
    )]
    ZeroLine {
        /// The talent concerned.
        talent: i64,
        /// The benefit concerned.
        benefit: String,
        /// The line's service month.
        service_month: Month,
    },
    /// An overpayment of `i64::MIN` fen cannot be negated into a debit.
    #[error(
        "accrue for talent {talent}, benefit {benefit}: amount {amount_fen} fen cannot be negated"
    )]
    AmountOverflow {
        /// The talent concerned.
        talent: i64,
        /// The benefit concerned.
        benefit: String,
        /// The rejected amount.
        amount_fen: i64,
    },
    /// Applying a transaction would push an account balance out of `i64`.
    #[error(
        "transaction {memo:?}: balance of {account} ({balance} fen) overflows when moved by {delta} fen"
    )]
    BalanceOverflow {
        /// The transaction's memo.
        memo: String,
        /// The account whose balance overflowed.
        account: Account,
        /// The balance before the transaction.
        balance: i64,
        /// The transaction's net movement on that account.
        delta: i64,
    },
    /// A recorded balance disagrees with the sum of the journal's entries.
    #[error("balance of {account} is {recorded} fen but the journal sums to {recomputed} fen")]
    BalanceMismatch {
        /// The account.
        account: Account,
        /// The balance held in [`Balances`].
        recorded: i64,
        /// The balance recomputed from the transactions.
        recomputed: i64,
    },
    /// The balances do not sum to zero, so some money appeared or vanished.
    #[error("balances sum to {total} fen, not 0")]
    NonZeroTotal {
        /// The sum of all balances (as `i128`, which cannot overflow here).
        total: i128,
    },
    /// A transaction of a journal failed its own checks.
    #[error("journal transaction #{index}: {source}")]
    InJournal {
        /// Position of the transaction in the journal.
        index: usize,
        /// What is wrong with it.
        source: Box<LedgerError>,
    },
}

/// A balanced, non-empty set of non-zero entries.
///
/// The fields are private so that the invariants checked by
/// [`Transaction::new`] hold for every value of this type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Transaction {
    kind: TxnKind,
    memo: String,
    entries: Vec<Entry>,
}

/// The wire shape of a transaction, validated before it becomes one.
#[derive(Deserialize)]
struct TransactionParts {
    kind: TxnKind,
    memo: String,
    entries: Vec<Entry>,
}

impl<'de> Deserialize<'de> for Transaction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parts = TransactionParts::deserialize(deserializer)?;
        Transaction::new(parts.kind, parts.memo, parts.entries).map_err(serde::de::Error::custom)
    }
}

impl Transaction {
    /// Builds a transaction, refusing it when it is empty, has a zero
    /// entry, its entries' sum overflows, or it does not balance.
    ///
    /// # Errors
    /// [`LedgerError::Empty`], [`LedgerError::ZeroEntry`],
    /// [`LedgerError::SumOverflow`] or [`LedgerError::Unbalanced`].
    pub fn new(
        kind: TxnKind,
        memo: impl Into<String>,
        entries: Vec<Entry>,
    ) -> Result<Self, LedgerError> {
        let memo = memo.into();
        validate(&memo, &entries)?;
        Ok(Self {
            kind,
            memo,
            entries,
        })
    }

    /// Re-runs the checks of [`Transaction::new`]; always `Ok` for a value
    /// of this type, used by [`Balances::check`] as defence in depth.
    ///
    /// # Errors
    /// As [`Transaction::new`].
    pub fn validate(&self) -> Result<(), LedgerError> {
        validate(&self.memo, &self.entries)
    }

    /// The movement this transaction records.
    pub fn kind(&self) -> TxnKind {
        self.kind
    }

    /// Free text for people reading the journal.
    pub fn memo(&self) -> &str {
        &self.memo
    }

    /// The entries, in the order given.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Net movement per account (an account may appear in several entries).
    fn deltas(&self) -> Result<BTreeMap<&Account, i64>, LedgerError> {
        let mut deltas: BTreeMap<&Account, i64> = BTreeMap::new();
        for (index, e) in self.entries.iter().enumerate() {
            let d = deltas.entry(&e.account).or_insert(0);
            *d = d
                .checked_add(e.amount_fen)
                .ok_or(LedgerError::SumOverflow {
                    memo: self.memo.clone(),
                    index,
                })?;
        }
        Ok(deltas)
    }
}

fn validate(memo: &str, entries: &[Entry]) -> Result<(), LedgerError> {
    if entries.is_empty() {
        return Err(LedgerError::Empty {
            memo: memo.to_owned(),
        });
    }
    let mut sum = 0i64;
    for (index, e) in entries.iter().enumerate() {
        if e.amount_fen == 0 {
            return Err(LedgerError::ZeroEntry {
                memo: memo.to_owned(),
                index,
                account: e.account.clone(),
            });
        }
        sum = sum
            .checked_add(e.amount_fen)
            .ok_or_else(|| LedgerError::SumOverflow {
                memo: memo.to_owned(),
                index,
            })?;
    }
    if sum != 0 {
        return Err(LedgerError::Unbalanced {
            memo: memo.to_owned(),
            sum,
        });
    }
    Ok(())
}

/// A two-legged transaction: debit `dr`, credit `cr`, for `amount > 0`.
fn pair(
    kind: TxnKind,
    memo: String,
    dr: Account,
    cr: Account,
    amount: i64,
) -> Result<Transaction, LedgerError> {
    Transaction::new(
        kind,
        memo,
        vec![Entry::new(dr, amount), Entry::new(cr, -amount)],
    )
}

fn positive(operation: &'static str, talent: i64, amount_fen: i64) -> Result<i64, LedgerError> {
    if amount_fen > 0 {
        Ok(amount_fen)
    } else {
        Err(LedgerError::NonPositiveAmount {
            operation,
            talent,
            amount_fen,
        })
    }
}

/// Books a planned line for `talent`'s `benefit`.
///
/// A positive line is an expense the platform now owes: Dr `Budget` /
/// Cr `Payable`. A negative line (overpayment) reverses the expense and
/// records a claim on the talent: Dr `Receivable` / Cr `Budget`, so the
/// budget line shows the net cost and the claim is recovered later by
/// [`recover`] or [`repaid`].
///
/// # Errors
/// [`LedgerError::ZeroLine`] for a zero amount,
/// [`LedgerError::AmountOverflow`] for `i64::MIN`.
pub fn accrue(talent: i64, benefit: &str, line: &PlannedLine) -> Result<Transaction, LedgerError> {
    let memo = format!(
        "accrual talent {talent} benefit {benefit} service {} ({:?})",
        line.service_month, line.kind
    );
    let budget = Account::Budget {
        benefit: benefit.to_owned(),
    };
    match line.amount_fen {
        0 => Err(LedgerError::ZeroLine {
            talent,
            benefit: benefit.to_owned(),
            service_month: line.service_month,
        }),
        a if a > 0 => pair(
            TxnKind::Accrual,
            memo,
            budget,
            Account::Payable { talent },
            a,
        ),
        a => {
            let owed_back = a.checked_neg().ok_or_else(|| LedgerError::AmountOverflow {
                talent,
                benefit: benefit.to_owned(),
                amount_fen: a,
            })?;
            pair(
                TxnKind::Accrual,
                memo,
                Account::Receivable { talent },
                budget,
                owed_back,
            )
        }
    }
}

/// Recovers `amount_fen` of an overpayment by withholding it from what we
/// owe the talent: Dr `Payable` / Cr `Receivable`. Use [`bank_amount`] to
/// choose the amount so neither side overshoots.
///
/// # Errors
/// [`LedgerError::NonPositiveAmount`] unless `amount_fen > 0`.
pub fn recover(talent: i64, amount_fen: i64) -> Result<Transaction, LedgerError> {
    let amount = positive("recover", talent, amount_fen)?;
    pair(
        TxnKind::Recovery,
        format!("recovery talent {talent}"),
        Account::Payable { talent },
        Account::Receivable { talent },
        amount,
    )
}

/// Records money sent to the talent: Dr `Payable` / Cr `Bank`.
///
/// # Errors
/// [`LedgerError::NonPositiveAmount`] unless `amount_fen > 0`.
pub fn settle_paid(talent: i64, amount_fen: i64) -> Result<Transaction, LedgerError> {
    let amount = positive("settle_paid", talent, amount_fen)?;
    pair(
        TxnKind::Settlement,
        format!("payment to talent {talent}"),
        Account::Payable { talent },
        Account::Bank,
        amount,
    )
}

/// Records the talent paying an overpayment back: Dr `Bank` /
/// Cr `Receivable`.
///
/// # Errors
/// [`LedgerError::NonPositiveAmount`] unless `amount_fen > 0`.
pub fn repaid(talent: i64, amount_fen: i64) -> Result<Transaction, LedgerError> {
    let amount = positive("repaid", talent, amount_fen)?;
    pair(
        TxnKind::Repayment,
        format!("repayment from talent {talent}"),
        Account::Bank,
        Account::Receivable { talent },
        amount,
    )
}

/// Gives up on recovering `amount_fen` of an overpayment and charges it
/// back to the benefit's budget: Dr `Budget` / Cr `Receivable`. Kept
/// separate from [`repaid`] because no cash moves.
///
/// # Errors
/// [`LedgerError::NonPositiveAmount`] unless `amount_fen > 0`.
pub fn write_off(talent: i64, benefit: &str, amount_fen: i64) -> Result<Transaction, LedgerError> {
    let amount = positive("write_off", talent, amount_fen)?;
    pair(
        TxnKind::WriteOff,
        format!("write-off talent {talent} benefit {benefit}"),
        Account::Budget {
            benefit: benefit.to_owned(),
        },
        Account::Receivable { talent },
        amount,
    )
}

/// Splits one talent's position in one run into `(recover, pay)`.
///
/// `payable_outstanding` is what we owe (`-balance` of `Payable`) and
/// `receivable_outstanding` what they owe us (`balance` of `Receivable`);
/// negative inputs count as zero. Overpayments are recovered first, from
/// what we owe, so we never send money while holding a claim:
/// `recover = min(payable, receivable)`, `pay = payable - recover`, both
/// never negative. If the receivable is larger, everything payable is
/// recovered, nothing is paid, and `receivable - recover` stays
/// receivable, to be marked for repayment ([`repaid`]).
pub fn bank_amount(payable_outstanding: i64, receivable_outstanding: i64) -> (i64, i64) {
    let payable = payable_outstanding.max(0);
    let receivable = receivable_outstanding.max(0);
    let recover = payable.min(receivable);
    // recover <= payable and both are >= 0, so this cannot overflow.
    (recover, payable - recover)
}

/// The running balance of every account touched so far.
///
/// Zero balances are not stored, so two `Balances` are equal exactly when
/// every account has the same balance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balances(BTreeMap<Account, i64>);

impl Balances {
    /// No account has moved yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replays a journal from zero.
    ///
    /// # Errors
    /// [`LedgerError::InJournal`] wrapping the first failure.
    pub fn from_transactions<'a>(
        transactions: impl IntoIterator<Item = &'a Transaction>,
    ) -> Result<Self, LedgerError> {
        let mut balances = Self::new();
        for (index, t) in transactions.into_iter().enumerate() {
            balances.apply(t).map_err(|e| LedgerError::InJournal {
                index,
                source: Box::new(e),
            })?;
        }
        Ok(balances)
    }

    /// The balance of `account` (zero when it never moved).
    pub fn get(&self, account: &Account) -> i64 {
        self.0.get(account).copied().unwrap_or(0)
    }

    /// All non-zero balances, in account order.
    pub fn iter(&self) -> impl Iterator<Item = (&Account, i64)> {
        self.0.iter().map(|(a, b)| (a, *b))
    }

    /// What the platform still owes `talent` (`-balance` of `Payable`);
    /// saturates at `i64::MAX` for the impossible `i64::MIN` balance.
    pub fn payable_outstanding(&self, talent: i64) -> i64 {
        self.get(&Account::Payable { talent }).saturating_neg()
    }

    /// What `talent` still owes the platform (`balance` of `Receivable`).
    pub fn receivable_outstanding(&self, talent: i64) -> i64 {
        self.get(&Account::Receivable { talent })
    }

    /// The sum of all balances; `0` whenever only balanced transactions
    /// were applied. `i128` so the sum itself cannot overflow.
    pub fn total(&self) -> i128 {
        self.0.values().map(|&b| i128::from(b)).sum()
    }

    /// Applies a transaction. Atomic: on error nothing changed.
    ///
    /// # Errors
    /// [`LedgerError::BalanceOverflow`] or [`LedgerError::SumOverflow`].
    pub fn apply(&mut self, t: &Transaction) -> Result<(), LedgerError> {
        let deltas = t.deltas()?;
        let mut updates = Vec::with_capacity(deltas.len());
        for (account, delta) in deltas {
            let balance = self.get(account);
            let new = balance
                .checked_add(delta)
                .ok_or_else(|| LedgerError::BalanceOverflow {
                    memo: t.memo.clone(),
                    account: account.clone(),
                    balance,
                    delta,
                })?;
            updates.push((account, new));
        }
        for (account, new) in updates {
            if new == 0 {
                self.0.remove(account);
            } else {
                self.0.insert(account.clone(), new);
            }
        }
        Ok(())
    }

    /// Verifies these balances against the journal they claim to come
    /// from: every transaction balances, each account's balance equals the
    /// sum of its entries, and all balances sum to zero.
    ///
    /// # Errors
    /// [`LedgerError::InJournal`] for a bad transaction,
    /// [`LedgerError::BalanceMismatch`] for the first differing account,
    /// [`LedgerError::NonZeroTotal`] if money appeared or vanished.
    pub fn check<'a>(
        &self,
        transactions: impl IntoIterator<Item = &'a Transaction>,
    ) -> Result<(), LedgerError> {
        let mut replayed = Balances::new();
        for (index, t) in transactions.into_iter().enumerate() {
            let in_journal = |e| LedgerError::InJournal {
                index,
                source: Box::new(e),
            };
            t.validate().map_err(in_journal)?;
            replayed.apply(t).map_err(in_journal)?;
        }
        let accounts: std::collections::BTreeSet<&Account> =
            self.0.keys().chain(replayed.0.keys()).collect();
        for account in accounts {
            let (recorded, recomputed) = (self.get(account), replayed.get(account));
            if recorded != recomputed {
                return Err(LedgerError::BalanceMismatch {
                    account: account.clone(),
                    recorded,
                    recomputed,
                });
            }
        }
        match self.total() {
            0 => Ok(()),
            total => Err(LedgerError::NonZeroTotal { total }),
        }
    }

    /// The transactions that close `talent`'s position for a run, per
    /// [`bank_amount`]: first a [`recover`] of what can be withheld, then a
    /// [`settle_paid`] of the rest; either is omitted when zero. The
    /// caller applies them after the bank confirms the payment.
    ///
    /// # Errors
    /// Never for balances built by [`Balances::apply`]; propagated from
    /// the posting functions otherwise.
    pub fn settlement(&self, talent: i64) -> Result<Vec<Transaction>, LedgerError> {
        let (to_recover, to_pay) = bank_amount(
            self.payable_outstanding(talent),
            self.receivable_outstanding(talent),
        );
        let mut out = Vec::new();
        if to_recover > 0 {
            out.push(recover(talent, to_recover)?);
        }
        if to_pay > 0 {
            out.push(settle_paid(talent, to_pay)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::LineKind;

    fn line(amount_fen: i64) -> PlannedLine {
        PlannedLine {
            service_month: Month::new(2024, 1).expect("in range"),
            amount_fen,
            kind: if amount_fen < 0 {
                LineKind::Overpayment
            } else {
                LineKind::Regular
            },
        }
    }

    fn budget(b: &str) -> Account {
        Account::Budget {
            benefit: b.to_owned(),
        }
    }

    #[test]
    fn new_refuses_empty() {
        assert_eq!(
            Transaction::new(TxnKind::Accrual, "x", vec![]),
            Err(LedgerError::Empty { memo: "x".into() })
        );
    }

    #[test]
    fn new_refuses_zero_entry() {
        let e = Transaction::new(
            TxnKind::Accrual,
            "x",
            vec![Entry::new(Account::Bank, 0), Entry::new(Account::Bank, 0)],
        );
        assert!(matches!(e, Err(LedgerError::ZeroEntry { index: 0, .. })));
    }

    #[test]
    fn new_refuses_unbalanced() {
        let e = Transaction::new(
            TxnKind::Settlement,
            "x",
            vec![
                Entry::new(Account::Payable { talent: 1 }, 100),
                Entry::new(Account::Bank, -99),
            ],
        );
        assert_eq!(
            e,
            Err(LedgerError::Unbalanced {
                memo: "x".into(),
                sum: 1
            })
        );
    }

    #[test]
    fn new_refuses_overflowing_sum() {
        let e = Transaction::new(
            TxnKind::Settlement,
            "x",
            vec![
                Entry::new(Account::Bank, i64::MAX),
                Entry::new(Account::Bank, 1),
                Entry::new(Account::Bank, i64::MIN),
            ],
        );
        assert!(matches!(e, Err(LedgerError::SumOverflow { index: 1, .. })));
    }

    #[test]
    fn new_accepts_multi_leg_balanced() {
        let t = Transaction::new(
            TxnKind::Accrual,
            "split",
            vec![
                Entry::new(budget("a"), 70),
                Entry::new(budget("b"), 30),
                Entry::new(Account::Payable { talent: 1 }, -100),
            ],
        )
        .expect("balanced");
        assert_eq!(t.entries().len(), 3);
        assert_eq!(t.kind(), TxnKind::Accrual);
        assert_eq!(t.memo(), "split");
    }

    #[test]
    fn accrue_positive_and_negative() {
        let t = accrue(7, "housing", &line(500)).expect("ok");
        assert_eq!(
            t.entries(),
            &[
                Entry::new(budget("housing"), 500),
                Entry::new(Account::Payable { talent: 7 }, -500)
            ]
        );
        let t = accrue(7, "housing", &line(-200)).expect("ok");
        assert_eq!(
            t.entries(),
            &[
                Entry::new(Account::Receivable { talent: 7 }, 200),
                Entry::new(budget("housing"), -200)
            ]
        );
    }

    #[test]
    fn accrue_refuses_zero_and_min() {
        assert!(matches!(
            accrue(7, "h", &line(0)),
            Err(LedgerError::ZeroLine { talent: 7, .. })
        ));
        assert!(matches!(
            accrue(7, "h", &line(i64::MIN)),
            Err(LedgerError::AmountOverflow { .. })
        ));
        assert!(accrue(7, "h", &line(i64::MAX)).is_ok());
        assert!(accrue(7, "h", &line(i64::MIN + 1)).is_ok());
    }

    #[test]
    fn movements_post_the_documented_legs() {
        let p = Account::Payable { talent: 3 };
        let r = Account::Receivable { talent: 3 };
        let legs = |t: Transaction| (t.kind(), t.entries().to_vec());
        assert_eq!(
            legs(recover(3, 10).expect("ok")),
            (
                TxnKind::Recovery,
                vec![Entry::new(p.clone(), 10), Entry::new(r.clone(), -10)]
            )
        );
        assert_eq!(
            legs(settle_paid(3, 10).expect("ok")),
            (
                TxnKind::Settlement,
                vec![Entry::new(p, 10), Entry::new(Account::Bank, -10)]
            )
        );
        assert_eq!(
            legs(repaid(3, 10).expect("ok")),
            (
                TxnKind::Repayment,
                vec![Entry::new(Account::Bank, 10), Entry::new(r.clone(), -10)]
            )
        );
        assert_eq!(
            legs(write_off(3, "h", 10).expect("ok")),
            (
                TxnKind::WriteOff,
                vec![Entry::new(budget("h"), 10), Entry::new(r, -10)]
            )
        );
    }

    #[test]
    fn movements_refuse_non_positive_amounts() {
        for amount in [0, -1, i64::MIN] {
            assert!(matches!(
                recover(1, amount),
                Err(LedgerError::NonPositiveAmount {
                    operation: "recover",
                    ..
                })
            ));
            assert!(matches!(
                settle_paid(1, amount),
                Err(LedgerError::NonPositiveAmount {
                    operation: "settle_paid",
                    ..
                })
            ));
            assert!(matches!(
                repaid(1, amount),
                Err(LedgerError::NonPositiveAmount {
                    operation: "repaid",
                    ..
                })
            ));
            assert!(matches!(
                write_off(1, "h", amount),
                Err(LedgerError::NonPositiveAmount {
                    operation: "write_off",
                    ..
                })
            ));
        }
    }

    #[test]
    fn bank_amount_edges() {
        assert_eq!(bank_amount(0, 0), (0, 0));
        assert_eq!(bank_amount(100, 0), (0, 100));
        assert_eq!(bank_amount(100, 30), (30, 70));
        assert_eq!(bank_amount(100, 100), (100, 0));
        assert_eq!(bank_amount(30, 100), (30, 0));
        assert_eq!(bank_amount(-5, 100), (0, 0));
        assert_eq!(bank_amount(100, -5), (0, 100));
        assert_eq!(bank_amount(i64::MAX, i64::MAX), (i64::MAX, 0));
        assert_eq!(bank_amount(i64::MIN, i64::MIN), (0, 0));
    }

    #[test]
    fn full_cycle_with_recovery_and_repayment() {
        let mut journal = vec![
            accrue(1, "h", &line(1_000)).expect("ok"),
            settle_paid(1, 1_000).expect("ok"),
            // Retroactive cut of 1,500 against a next month of 1,000.
            accrue(1, "h", &line(-1_500)).expect("ok"),
            accrue(1, "h", &line(1_000)).expect("ok"),
        ];
        let mut b = Balances::from_transactions(&journal).expect("ok");
        let settle = b.settlement(1).expect("ok");
        assert_eq!(settle.len(), 1, "nothing to pay, only a recovery");
        for t in &settle {
            b.apply(t).expect("ok");
        }
        journal.extend(settle);
        assert_eq!(b.payable_outstanding(1), 0);
        assert_eq!(b.receivable_outstanding(1), 500, "marked for repayment");
        let t = repaid(1, 500).expect("ok");
        b.apply(&t).expect("ok");
        journal.push(t);
        assert_eq!(b.receivable_outstanding(1), 0);
        assert_eq!(b.get(&budget("h")), 500);
        assert_eq!(b.get(&Account::Bank), -500);
        assert_eq!(b.total(), 0);
        b.check(&journal).expect("consistent");
    }

    #[test]
    fn zero_balances_are_dropped() {
        let mut b = Balances::new();
        b.apply(&accrue(1, "h", &line(10)).expect("ok"))
            .expect("ok");
        b.apply(&settle_paid(1, 10).expect("ok")).expect("ok");
        assert_eq!(b.iter().count(), 2, "budget and bank only");
    }

    #[test]
    fn apply_is_atomic_on_overflow() {
        let mut b = Balances::new();
        b.apply(&accrue(1, "h", &line(i64::MAX)).expect("ok"))
            .expect("ok");
        let before = b.clone();
        let err = b.apply(&accrue(1, "h", &line(1)).expect("ok"));
        assert!(matches!(err, Err(LedgerError::BalanceOverflow { .. })));
        assert_eq!(b, before);
    }

    #[test]
    fn check_detects_mismatch_and_bad_journal() {
        let journal = vec![accrue(1, "h", &line(10)).expect("ok")];
        let b = Balances::from_transactions(&journal).expect("ok");
        b.check(&journal).expect("consistent");
        let err = Balances::new().check(&journal);
        assert!(matches!(
            err,
            Err(LedgerError::BalanceMismatch { recorded: 0, .. })
        ));
        let err = b.check(&[]);
        assert!(matches!(
            err,
            Err(LedgerError::BalanceMismatch { recomputed: 0, .. })
        ));
    }

    #[test]
    fn check_catches_forged_transactions_and_tampered_balances() {
        // A forged (unbalanced) transaction can only be built inside this
        // module; `check` still refuses it rather than trusting the type.
        let forged = Transaction {
            kind: TxnKind::Settlement,
            memo: "forged".into(),
            entries: vec![Entry::new(Account::Bank, -5)],
        };
        let err = Balances::new().check([&forged]);
        assert_eq!(
            err,
            Err(LedgerError::InJournal {
                index: 0,
                source: Box::new(LedgerError::Unbalanced {
                    memo: "forged".into(),
                    sum: -5
                }),
            })
        );
        let mut map = BTreeMap::new();
        map.insert(Account::Bank, 5);
        let tampered = Balances(map);
        assert_eq!(tampered.total(), 5);
        assert!(matches!(
            tampered.check(&[]),
            Err(LedgerError::BalanceMismatch { .. })
        ));
    }

    #[test]
    fn error_messages_say_what_and_where() {
        let e = Transaction::new(
            TxnKind::Accrual,
            "run 2024-03",
            vec![Entry::new(Account::Payable { talent: 9 }, 0)],
        )
        .expect_err("zero entry");
        assert_eq!(
            e.to_string(),
            "transaction \"run 2024-03\": entry #0 on Payable(talent 9) has a zero amount"
        );
        let e = LedgerError::InJournal {
            index: 4,
            source: Box::new(LedgerError::NonZeroTotal { total: 1 }),
        };
        assert_eq!(
            e.to_string(),
            "journal transaction #4: balances sum to 1 fen, not 0"
        );
    }
}
