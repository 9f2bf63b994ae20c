//! Payment runs, their lines and the double-entry ledger.
//!
//! What is owed is decided by the caller (yingcai-jobs plans lines from entitlement
//! schedules); this module makes the writing exact: a line is keyed by (talent, benefit,
//! service month, run month), inserted with `on conflict do nothing`, and its ledger
//! postings are written in the same transaction only for lines really inserted. Killing a
//! run, running it twice, or running it on two servers at once therefore leaves one line
//! per key and a balanced ledger.

mod bank;
mod ledger;
mod lines;
mod reports;
mod runs;

use std::collections::{BTreeMap, HashMap};

use serde_json::json;
use sqlx::FromRow as _;
use sqlx::any::AnyRow;

use crate::audit::{self, Actor, Change};
use yingcai_domain::Month;
use yingcai_domain::status::{EntitlementStatus, LineStatus, RunStatus, TransferStatus};

use crate::columns;
use crate::{ScheduleSegment, Store, StoreError, dialect, now_ms};

/// A payment run as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRun {
    pub payment_run_id: i64,
    pub month: Month,
    pub status: RunStatus,
    /// Months before this were paid outside the platform.
    pub first_month: Month,
    pub prepared_by: Option<i64>,
    pub prepared_at: i64,
    pub computed_at: Option<i64>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<i64>,
}

/// A `payment_run` row as stored; [`PaymentRun`] is it checked.
#[derive(sqlx::FromRow)]
struct RunRow {
    payment_run_id: i64,
    month: String,
    status: String,
    first_month: String,
    prepared_by: Option<i64>,
    prepared_at: i64,
    computed_at: Option<i64>,
    approved_by: Option<i64>,
    approved_at: Option<i64>,
}

impl TryFrom<RunRow> for PaymentRun {
    type Error = StoreError;

    fn try_from(row: RunRow) -> Result<Self, StoreError> {
        let cell = columns::Stored::new("payment_run", row.payment_run_id);
        Ok(PaymentRun {
            payment_run_id: row.payment_run_id,
            month: cell.parse("month", &row.month)?,
            status: cell.parse("status", &row.status)?,
            first_month: cell.parse("first_month", &row.first_month)?,
            prepared_by: row.prepared_by,
            prepared_at: row.prepared_at,
            computed_at: row.computed_at,
            approved_by: row.approved_by,
            approved_at: row.approved_at,
        })
    }
}

fn run_from_row(row: &AnyRow) -> Result<PaymentRun, StoreError> {
    RunRow::from_row(row)?.try_into()
}

/// What spending is broken down by in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpendingDimension {
    Benefit,
    Degree,
    Tier,
    District,
}

impl SpendingDimension {
    pub const ALL: [SpendingDimension; 4] = [
        SpendingDimension::Benefit,
        SpendingDimension::Degree,
        SpendingDimension::Tier,
        SpendingDimension::District,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SpendingDimension::Benefit => "benefit",
            SpendingDimension::Degree => "degree",
            SpendingDimension::Tier => "tier",
            SpendingDimension::District => "district",
        }
    }
}

/// One payee of a bank file. `Debug` shows the account masked.
#[derive(Clone, PartialEq, Eq)]
pub struct BankTransfer {
    pub reference: String,
    pub talent_id: i64,
    pub payee: String,
    /// The full account number (for the bank file only; pages show it masked).
    pub account: Option<String>,
    pub account_masked: Option<String>,
    pub amount_fen: i64,
    pub recovered_fen: i64,
    pub status: TransferStatus,
    pub failure_reason: Option<String>,
}

impl std::fmt::Debug for BankTransfer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BankTransfer")
            .field("reference", &self.reference)
            .field("talent_id", &self.talent_id)
            .field("payee", &self.payee)
            .field("account", &self.account_masked)
            .field("amount_fen", &self.amount_fen)
            .field("recovered_fen", &self.recovered_fen)
            .field("status", &self.status)
            .field("failure_reason", &self.failure_reason)
            .finish()
    }
}

/// A `bank_transfer` row with its talent's name and sealed bank account; [`BankTransfer`]
/// is it opened and checked ([`TransferRow::open`]).
#[derive(sqlx::FromRow)]
struct TransferRow {
    bank_transfer_id: i64,
    reference: String,
    talent_id: i64,
    name: String,
    bank_account_sealed: Option<Vec<u8>>,
    bank_account_masked: Option<String>,
    amount_fen: i64,
    recovered_fen: i64,
    status: String,
    failure_reason: Option<String>,
}

impl TransferRow {
    /// The transfer, its payee's account opened with `cipher` (bound to
    /// `talent.bank_account_sealed` of the talent's row); a status that does not read back
    /// is an error naming this row.
    fn open(self, cipher: &crate::crypto::FieldCipher) -> Result<BankTransfer, StoreError> {
        let account = self
            .bank_account_sealed
            .map(|sealed| {
                cipher.open(
                    crate::crypto::SealContext::new(
                        crate::crypto::SealedColumn::TalentBankAccount,
                        self.talent_id,
                    ),
                    &sealed,
                )
            })
            .transpose()?;
        Ok(BankTransfer {
            status: columns::Stored::new("bank_transfer", self.bank_transfer_id)
                .parse("status", &self.status)?,
            reference: self.reference,
            talent_id: self.talent_id,
            payee: self.name,
            account,
            account_masked: self.bank_account_masked,
            amount_fen: self.amount_fen,
            recovered_fen: self.recovered_fen,
            failure_reason: self.failure_reason,
        })
    }
}

/// The bank's answer for one reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub reference: String,
    pub paid: bool,
    pub reason: Option<String>,
}

/// What importing a settlement file did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SettlementReport {
    pub paid: usize,
    pub failed: usize,
    /// References already settled (a file imported twice) or unknown.
    pub ignored: usize,
}

/// A stored line, for pages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PaymentLineView {
    pub payment_line_id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub benefit: String,
    pub service_month: Month,
    pub run_month: Month,
    pub kind: String,
    pub amount_fen: i64,
    pub status: LineStatus,
    pub policy_version_id: i64,
}

/// A `payment_line` row with its talent's name; [`PaymentLineView`] is it checked.
#[derive(sqlx::FromRow)]
struct LineRow {
    payment_line_id: i64,
    talent_id: i64,
    talent_name: String,
    benefit: String,
    service_month: String,
    run_month: String,
    kind: String,
    amount_fen: i64,
    status: String,
    policy_version_id: i64,
}

impl TryFrom<LineRow> for PaymentLineView {
    type Error = StoreError;

    fn try_from(row: LineRow) -> Result<Self, StoreError> {
        let cell = columns::Stored::new("payment_line", row.payment_line_id);
        Ok(PaymentLineView {
            payment_line_id: row.payment_line_id,
            talent_id: row.talent_id,
            talent_name: row.talent_name,
            benefit: row.benefit,
            service_month: cell.parse("service_month", &row.service_month)?,
            run_month: cell.parse("run_month", &row.run_month)?,
            kind: row.kind,
            amount_fen: row.amount_fen,
            status: cell.parse("status", &row.status)?,
            policy_version_id: row.policy_version_id,
        })
    }
}

fn line_from_row(row: &AnyRow) -> Result<PaymentLineView, StoreError> {
    LineRow::from_row(row)?.try_into()
}

/// A confirmed entitlement, as a payment run reads it.
#[derive(Debug, Clone)]
pub struct PayableEntitlement {
    pub entitlement_id: i64,
    pub talent_id: i64,
    pub benefit: String,
    pub schedule: Vec<ScheduleSegment>,
    pub policy_version_id: i64,
    /// Held by an officer: no lines while held; the months stay owed.
    pub held: bool,
}

/// An `entitlement` row as a payment run pages through it.
#[derive(sqlx::FromRow)]
struct PayableRow {
    entitlement_id: i64,
    talent_id: i64,
    benefit: String,
    status: String,
    schedule: String,
    policy_version_id: i64,
    held_at: Option<i64>,
}

impl PayableRow {
    /// The entitlement checked, if it is confirmed (`None` otherwise, its schedule unread):
    /// a status or schedule that does not read back is an error naming this row.
    fn payable(self) -> Result<Option<PayableEntitlement>, StoreError> {
        let cell = columns::Stored::new("entitlement", self.entitlement_id);
        let status: EntitlementStatus = cell.parse("status", &self.status)?;
        if status != EntitlementStatus::Confirmed {
            return Ok(None);
        }
        Ok(Some(PayableEntitlement {
            entitlement_id: self.entitlement_id,
            talent_id: self.talent_id,
            benefit: self.benefit,
            schedule: serde_json::from_str(&self.schedule).map_err(|_| cell.corrupt("schedule"))?,
            policy_version_id: self.policy_version_id,
            held: self.held_at.is_some(),
        }))
    }
}

/// What earlier runs wrote for one talent, benefit and service month: `id` is the group's
/// lowest line, the row a bad `service_month` is named by.
#[derive(sqlx::FromRow)]
struct LineSumRow {
    talent_id: i64,
    benefit: String,
    service_month: String,
    id: i64,
    total: i64,
}

/// A line to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPaymentLine {
    pub talent_id: i64,
    pub benefit: String,
    pub service_month: Month,
    /// `regular`, `arrears` or `overpayment`.
    pub kind: &'static str,
    pub amount_fen: i64,
    pub entitlement_id: i64,
    pub policy_version_id: i64,
}

/// Sums of the lines already written, per (talent, benefit) and service month.
pub type LineSums = HashMap<(i64, String), BTreeMap<Month, i64>>;

/// What `ledger check` found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LedgerReport {
    pub transactions: i64,
    pub entries: i64,
    /// Transactions whose entries do not sum to zero.
    pub unbalanced: Vec<i64>,
    /// Accounts whose stored balance differs from the sum of their entries:
    /// (account, stored, sum of entries).
    pub mismatched: Vec<(String, i64, i64)>,
    /// The sum of all balances (zero in a sound ledger).
    pub total_fen: i64,
    /// Rows pointing at something that does not exist, or lines without their accrual:
    /// (what, how many). Foreign keys prevent most of it; a row removed behind yingcai's
    /// back is caught here.
    pub dangling: Vec<(&'static str, i64)>,
}

impl LedgerReport {
    pub fn is_sound(&self) -> bool {
        self.unbalanced.is_empty()
            && self.mismatched.is_empty()
            && self.total_fen == 0
            && self.dangling.is_empty()
    }
}

/// One ledger transaction to write: entries `(account, fen)`, debits positive, summing to
/// zero (built and checked by yingcai-payments; accounts named by `Account::key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub memo: String,
    pub entries: Vec<(String, i64)>,
}

crate::refusal! {
    /// Why a payment run was not approved.
    pub enum ApproveRunError {
        /// Approval is a person's act: the system cannot approve.
        NeedsOfficer => ("approval", "approval-needs-officer", "a run is approved by a signed-in officer"),
        /// The run is not a computed draft.
        NotApprovable => ("approval", "run-not-approvable", "the run is not a computed draft"),
        /// The officer who prepared the run cannot approve it.
        ByPreparer => ("approval", "approval-by-preparer", "the officer who prepared the run cannot approve it"),
    }
}

crate::refusal! {
    /// Why a payment run's bank file was not written.
    pub enum ExportRunError {
        /// Only an approved run is exported.
        NotApproved => ("export", "run-not-approved", "the run is not approved"),
    }
}

crate::refusal! {
    /// Why a bank's settlement file was not imported.
    pub enum SettleRunError {
        /// Only an exported run is settled.
        NotExported => ("file", "run-not-exported", "the run was not exported to the bank"),
    }
}

crate::refusal! {
    /// Why a repayment was not booked.
    pub enum RepaymentError {
        /// Nothing, or more than is owed.
        AmountInvalid => ("amount", "repayment-amount-invalid", "the amount is not positive or exceeds what is owed"),
    }
}

/// Lines per statement: 9 parameters each keeps a batch well under both databases' limits.
const BATCH: usize = 1_000;

/// Sorted ids as inclusive ranges, cut where two neighbours are more than `gap` apart.
fn id_ranges(sorted: &[i64], gap: i64) -> Vec<(i64, i64)> {
    let mut ranges: Vec<(i64, i64)> = Vec::new();
    for &id in sorted {
        match ranges.last_mut() {
            Some((_, hi)) if id - *hi <= gap => *hi = id,
            _ => ranges.push((id, id)),
        }
    }
    ranges
}

#[cfg(test)]
mod range_tests {
    #[test]
    fn ids_are_cut_into_ranges_at_wide_gaps() {
        assert_eq!(super::id_ranges(&[], 10), vec![]);
        assert_eq!(super::id_ranges(&[5], 10), vec![(5, 5)]);
        assert_eq!(
            super::id_ranges(&[1, 2, 12, 30, 31, 100], 10),
            vec![(1, 12), (30, 31), (100, 100)]
        );
    }
}
