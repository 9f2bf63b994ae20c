//! Payment runs, their lines and the double-entry ledger.
//!
//! What is owed is decided by the caller (yingcai-jobs plans lines from entitlement
//! schedules); this module makes the writing exact: a line is keyed by (talent, benefit,
//! service month, run month), inserted with `on conflict do nothing`, and its ledger
//! postings are written in the same transaction only for lines really inserted. Killing a
//! run, running it twice, or running it on two servers at once therefore leaves one line
//! per key and a balanced ledger.

use std::collections::{BTreeMap, HashMap};

use serde_json::json;
use sqlx::Row as _;
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

fn run_from_row(row: &AnyRow) -> Result<PaymentRun, StoreError> {
    let id: i64 = row.try_get("payment_run_id")?;
    Ok(PaymentRun {
        payment_run_id: id,
        month: columns::month(row, "payment_run", id, "month")?,
        status: columns::parsed(row, "payment_run", id, "status")?,
        first_month: columns::month(row, "payment_run", id, "first_month")?,
        prepared_by: row.try_get("prepared_by")?,
        prepared_at: row.try_get("prepared_at")?,
        computed_at: row.try_get("computed_at")?,
        approved_by: row.try_get("approved_by")?,
        approved_at: row.try_get("approved_at")?,
    })
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

fn line_from_row(row: &AnyRow) -> Result<PaymentLineView, StoreError> {
    let id: i64 = row.try_get("payment_line_id")?;
    Ok(PaymentLineView {
        payment_line_id: id,
        talent_id: row.try_get("talent_id")?,
        talent_name: row.try_get("talent_name")?,
        benefit: row.try_get("benefit")?,
        service_month: columns::month(row, "payment_line", id, "service_month")?,
        run_month: columns::month(row, "payment_line", id, "run_month")?,
        kind: row.try_get("kind")?,
        amount_fen: row.try_get("amount_fen")?,
        status: columns::parsed(row, "payment_line", id, "status")?,
        policy_version_id: row.try_get("policy_version_id")?,
    })
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

impl Store {
    /// The run for `month`, created as a draft if there is none. The first run ever fixes
    /// the first month the platform pays; later runs inherit it.
    pub async fn open_payment_run(
        &self,
        month: Month,
        actor: &Actor,
    ) -> Result<PaymentRun, StoreError> {
        if let Some(run) = self.payment_run(month).await? {
            return Ok(run);
        }
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        // The earliest first month of any run, read with its row so a bad one can be named.
        let earliest = sqlx::query(
            "select payment_run_id, first_month from payment_run order by first_month limit 1",
        )
        .fetch_optional(&mut *tx)
        .await?;
        let first = match earliest {
            None => month,
            Some(row) => {
                let id: i64 = row.try_get("payment_run_id")?;
                columns::month(&row, "payment_run", id, "first_month")?.min(month)
            }
        };
        let prepared_by = match actor {
            Actor::Account { account_id, .. } => Some(*account_id),
            _ => None,
        };
        // Two processes opening the same month: one insert wins, both read it back.
        let inserted = sqlx::query(
            "insert into payment_run (month, status, first_month, prepared_by, prepared_at) values ($1, 'draft', $2, $3, $4) on conflict do nothing",
        )
        .bind(month.to_string())
        .bind(first.to_string())
        .bind(prepared_by)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 1 {
            audit::append(
                &mut tx,
                actor,
                Change {
                    action: "payment_run.open",
                    entity: "payment_run",
                    entity_id: month.to_string(),
                    before: None,
                    after: Some(json!({"month": month, "first_month": first})),
                },
            )
            .await?;
        }
        tx.commit().await?;
        self.payment_run(month).await?.ok_or(StoreError::NotFound)
    }

    pub async fn payment_run(&self, month: Month) -> Result<Option<PaymentRun>, StoreError> {
        let row = sqlx::query("select * from payment_run where month = $1")
            .bind(month.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(run_from_row).transpose()
    }

    pub async fn payment_runs(&self) -> Result<Vec<PaymentRun>, StoreError> {
        let rows = sqlx::query("select * from payment_run order by month desc")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(run_from_row).collect()
    }

    pub async fn count_payable_entitlements(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("select count(*) from entitlement where status = 'confirmed'")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Confirmed entitlements among the next `limit` entitlements after `after_id`, and the
    /// last id looked at (`None` at the end), for a run to page through.
    pub async fn payable_entitlements_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<(Vec<PayableEntitlement>, Option<i64>), StoreError> {
        let rows = sqlx::query(
            // Paged by id alone, so both databases walk the primary key whatever their
            // statistics say; the few unconfirmed rows in a page are skipped here.
            "select entitlement_id, talent_id, benefit, status, schedule, policy_version_id, held_at from entitlement
             where entitlement_id > $1 order by entitlement_id limit $2",
        )
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut last = None;
        for row in &rows {
            let id: i64 = row.try_get("entitlement_id")?;
            let status: EntitlementStatus = columns::parsed(row, "entitlement", id, "status")?;
            last = Some(id);
            if status != EntitlementStatus::Confirmed {
                continue;
            }
            out.push({
                let schedule: String = row.try_get("schedule")?;
                PayableEntitlement {
                    entitlement_id: row.try_get("entitlement_id")?,
                    talent_id: row.try_get("talent_id")?,
                    benefit: row.try_get("benefit")?,
                    schedule: serde_json::from_str(&schedule).map_err(|_| StoreError::Corrupt {
                        table: "entitlement",
                        row: id,
                        column: "schedule",
                    })?,
                    policy_version_id: row.try_get("policy_version_id")?,
                    held: row.try_get::<Option<i64>, _>("held_at")?.is_some(),
                }
            });
        }
        Ok((out, last))
    }

    /// What earlier runs wrote for these talents, per (talent, benefit) and service month.
    ///
    /// Asked by ranges of talent ids, not by a list: a batch's talents are nearly
    /// contiguous (entitlements are created talent by talent), and a range uses the line
    /// key's index whatever the planner's statistics say, where a list of a thousand ids
    /// made PostgreSQL scan every line while the table was growing under the run (21 s of
    /// a 1,000,000-line run). Scattered ids fall back to lists.
    pub async fn earlier_line_sums(
        &self,
        talent_ids: &[i64],
        before_run_month: Month,
    ) -> Result<LineSums, StoreError> {
        let before_run_month = before_run_month.to_string();
        let mut sums = LineSums::new();
        let mut sorted = talent_ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let ranges = id_ranges(&sorted, 1_000);
        let rows = if ranges.len() <= 16 {
            let mut rows = Vec::new();
            for (lo, hi) in ranges {
                rows.extend(
                    sqlx::query(
                        "select talent_id, benefit, service_month, min(payment_line_id) as id, cast(sum(amount_fen) as bigint) as total from payment_line
                         where talent_id >= $1 and talent_id <= $2 and run_month < $3
                         group by talent_id, benefit, service_month",
                    )
                    .bind(lo)
                    .bind(hi)
                    .bind(&before_run_month)
                    .fetch_all(self.pool())
                    .await?,
                );
            }
            rows
        } else {
            let mut rows = Vec::new();
            for chunk in sorted.chunks(BATCH) {
                let sql = format!(
                    "select talent_id, benefit, service_month, min(payment_line_id) as id, cast(sum(amount_fen) as bigint) as total from payment_line
                     where run_month < {} and talent_id in ({}) group by talent_id, benefit, service_month",
                    dialect::placeholders(self.backend(), 1, 1),
                    dialect::placeholders(self.backend(), 2, chunk.len()),
                );
                let mut query = sqlx::query(&sql).bind(&before_run_month);
                for id in chunk {
                    query = query.bind(*id);
                }
                rows.extend(query.fetch_all(self.pool()).await?);
            }
            rows
        };
        for row in rows {
            let talent_id: i64 = row.try_get("talent_id")?;
            // A range also returns talents between the batch's own.
            if sorted.binary_search(&talent_id).is_err() {
                continue;
            }
            let id: i64 = row.try_get("id")?;
            let service_month = columns::month(&row, "payment_line", id, "service_month")?;
            sums.entry((talent_id, row.try_get::<String, _>("benefit")?))
                .or_default()
                .insert(service_month, row.try_get("total")?);
        }
        Ok(sums)
    }

    /// Writes lines for a draft run, each with its accrual posted, in one transaction.
    /// Lines whose key exists already are skipped (and not posted again). Returns how many
    /// were inserted.
    pub async fn insert_payment_lines(
        &self,
        run: &PaymentRun,
        lines: &[NewPaymentLine],
        accrual: &(dyn Fn(&NewPaymentLine) -> Result<Posting, StoreError> + Sync),
    ) -> Result<usize, StoreError> {
        if lines.is_empty() {
            return Ok(0);
        }
        let backend = self.backend();
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), backend).await?;
        let status: String =
            sqlx::query_scalar("select status from payment_run where payment_run_id = $1")
                .bind(run.payment_run_id)
                .fetch_one(&mut *tx)
                .await?;
        let status: RunStatus = status.parse().map_err(|_| StoreError::Corrupt {
            table: "payment_run",
            row: run.payment_run_id,
            column: "status",
        })?;
        if status != RunStatus::Draft {
            return Err(StoreError::Conflict {
                constraint: "payment_run.status".into(),
            });
        }
        let mut inserted: Vec<(i64, usize)> = Vec::new();
        for (chunk_no, chunk) in lines.chunks(BATCH).enumerate() {
            const N: usize = 11;
            let values: Vec<String> = (0..chunk.len())
                .map(|r| format!("({})", dialect::placeholders(backend, r * N + 1, N)))
                .collect();
            let sql = format!(
                "insert into payment_line (payment_run_id, talent_id, benefit, service_month, run_month, kind, amount_fen, entitlement_id, policy_version_id, status, created_at)
                 values {} on conflict do nothing returning payment_line_id, talent_id, benefit, service_month",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for line in chunk {
                query = query
                    .bind(run.payment_run_id)
                    .bind(line.talent_id)
                    .bind(&line.benefit)
                    .bind(line.service_month.to_string())
                    .bind(run.month.to_string())
                    .bind(line.kind)
                    .bind(line.amount_fen)
                    .bind(line.entitlement_id)
                    .bind(line.policy_version_id)
                    .bind(LineStatus::Pending.as_str())
                    .bind(now);
            }
            // Returned rows are the lines really inserted; match them back by key.
            let index: HashMap<(i64, &str, Month), usize> = chunk
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    (
                        (l.talent_id, l.benefit.as_str(), l.service_month),
                        chunk_no * BATCH + i,
                    )
                })
                .collect();
            for row in query.fetch_all(&mut *tx).await? {
                let id: i64 = row.try_get("payment_line_id")?;
                let key: (i64, String, Month) = (
                    row.try_get("talent_id")?,
                    row.try_get("benefit")?,
                    columns::month(&row, "payment_line", id, "service_month")?,
                );
                if let Some(&i) = index.get(&(key.0, key.1.as_str(), key.2)) {
                    inserted.push((row.try_get("payment_line_id")?, i));
                }
            }
        }
        // One accrual per inserted line, in the same transaction as the line.
        let postings: Vec<(i64, Posting)> = inserted
            .iter()
            .map(|(line, i)| Ok((*line, accrual(&lines[*i])?)))
            .collect::<Result<_, StoreError>>()?;
        self.post(&mut tx, "accrue", Some(run.payment_run_id), &postings)
            .await?;
        tx.commit().await?;
        Ok(inserted.len())
    }

    /// Writes one ledger transaction per `(line, entries)` and updates the balances, inside
    /// the caller's transaction.
    async fn post(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        kind: &str,
        run_id: Option<i64>,
        postings: &[(i64, Posting)],
    ) -> Result<(), StoreError> {
        let backend = self.backend();
        let now = now_ms();
        let mut balances: BTreeMap<&str, i64> = BTreeMap::new();
        for chunk in postings.chunks(BATCH) {
            let values: Vec<String> = (0..chunk.len())
                .map(|r| format!("({})", dialect::placeholders(backend, r * 5 + 1, 5)))
                .collect();
            let sql = format!(
                "insert into ledger_txn (kind, memo, payment_run_id, payment_line_id, created_at) values {} returning ledger_txn_id, payment_line_id",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (line, posting) in chunk {
                query = query
                    .bind(kind)
                    .bind(&posting.memo)
                    .bind(run_id)
                    .bind(*line)
                    .bind(now);
            }
            let mut txn_of_line: HashMap<i64, i64> = HashMap::new();
            for row in query.fetch_all(&mut **tx).await? {
                txn_of_line.insert(
                    row.try_get("payment_line_id")?,
                    row.try_get("ledger_txn_id")?,
                );
            }
            let mut entries: Vec<(i64, &str, i64)> = Vec::new();
            for (line, posting) in chunk {
                // Every posting was just inserted with its line; one missing from the answer
                // would book entries against no transaction.
                let txn = *txn_of_line.get(line).ok_or(StoreError::Corrupt {
                    table: "ledger_txn",
                    row: *line,
                    column: "payment_line_id",
                })?;
                entries.extend(
                    posting
                        .entries
                        .iter()
                        .map(|(account, amount)| (txn, account.as_str(), *amount)),
                );
            }
            let values: Vec<String> = (0..entries.len())
                .map(|r| format!("({})", dialect::placeholders(backend, r * 3 + 1, 3)))
                .collect();
            let sql = format!(
                "insert into ledger_entry (ledger_txn_id, account, amount_fen) values {}",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (txn, account, amount) in &entries {
                query = query.bind(*txn).bind(*account).bind(*amount);
                *balances.entry(account).or_default() += amount;
            }
            query.execute(&mut **tx).await?;
        }
        let balances: Vec<(&str, i64)> = balances.into_iter().collect();
        for chunk in balances.chunks(BATCH) {
            let values: Vec<String> = (0..chunk.len())
                .map(|r| format!("({})", dialect::placeholders(backend, r * 2 + 1, 2)))
                .collect();
            let sql = format!(
                "insert into ledger_balance (account, balance_fen) values {}
                 on conflict (account) do update set balance_fen = ledger_balance.balance_fen + excluded.balance_fen",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (account, amount) in chunk {
                query = query.bind(*account).bind(*amount);
            }
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Marks the run's lines as computed (after every batch was written).
    pub async fn finish_payment_run_computation(&self, run: &PaymentRun) -> Result<(), StoreError> {
        sqlx::query("update payment_run set computed_at = $1 where payment_run_id = $2")
            .bind(now_ms())
            .bind(run.payment_run_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A second officer approves a computed draft run; the officer who prepared it cannot.
    pub async fn approve_payment_run(
        &self,
        month: Month,
        actor: &Actor,
    ) -> Result<(), ApproveRunError> {
        let Actor::Account { account_id, .. } = actor else {
            return Err(ApproveRunError::NeedsOfficer);
        };
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let row = sqlx::query("select * from payment_run where month = $1")
            .bind(month.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let run = run_from_row(&row)?;
        if run.status != RunStatus::Draft || run.computed_at.is_none() {
            return Err(ApproveRunError::NotApprovable);
        }
        if run.prepared_by == Some(*account_id) {
            return Err(ApproveRunError::ByPreparer);
        }
        sqlx::query("update payment_run set status = 'approved', approved_by = $1, approved_at = $2 where payment_run_id = $3")
            .bind(account_id)
            .bind(now_ms())
            .bind(run.payment_run_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "payment_run.approve",
                entity: "payment_run",
                entity_id: month.to_string(),
                before: Some(json!({"status": RunStatus::Draft})),
                after: Some(json!({"status": RunStatus::Approved})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes the bank file of an approved run, in one transaction: for each talent, what
    /// the platform owes now (this run's lines and earlier failed ones, less overpayments
    /// already recovered) is first used to recover outstanding overpayments, and the rest is
    /// sent to the bank. `split(owed, receivable)` returns `(recover, pay)`; `recovery`
    /// books a recovery. Exporting an exported run returns the same file.
    pub async fn export_payment_run(
        &self,
        month: Month,
        actor: &Actor,
        split: &(dyn Fn(i64, i64) -> (i64, i64) + Sync),
        recovery: &(dyn Fn(i64, i64) -> Result<Posting, StoreError> + Sync),
    ) -> Result<Vec<BankTransfer>, ExportRunError> {
        let run = self.payment_run(month).await?.ok_or(StoreError::NotFound)?;
        match run.status {
            RunStatus::Approved => {}
            RunStatus::Exported | RunStatus::Settled => {
                return Ok(self.bank_transfers(&run).await?);
            }
            RunStatus::Draft => return Err(ExportRunError::NotApproved),
        }
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        // Taking the run row first serialises two exports of the same run.
        let moved = sqlx::query("update payment_run set status = 'exported', exported_at = $1, exported_by = $2 where payment_run_id = $3 and status = 'approved'")
            .bind(now_ms())
            .bind(match actor {
                Actor::Account { account_id, .. } => Some(*account_id),
                _ => None,
            })
            .bind(run.payment_run_id)
            .execute(&mut *tx)
            .await?;
        if moved.rows_affected() == 0 {
            drop(tx);
            return Ok(self.bank_transfers(&run).await?);
        }
        // This run's lines and every earlier line the bank refused.
        let carried = sqlx::query(
            "select talent_id, cast(sum(case when amount_fen > 0 then amount_fen else 0 end) as bigint) as owed from payment_line
             where (payment_run_id = $1 and status = 'pending') or status = 'failed' group by talent_id order by talent_id",
        )
        .bind(run.payment_run_id)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("update payment_line set status = 'exported', export_run_id = $1 where (payment_run_id = $1 and status = 'pending') or status = 'failed'")
            .bind(run.payment_run_id)
            .execute(&mut *tx)
            .await?;
        let mut recoveries = Vec::new();
        for row in &carried {
            let talent: i64 = row.try_get("talent_id")?;
            let lines_owed: i64 = row.try_get("owed")?;
            let payable: i64 = sqlx::query_scalar::<_, i64>(
                "select balance_fen from ledger_balance where account = $1",
            )
            .bind(format!("payable:{talent}"))
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or(0);
            let receivable: i64 = sqlx::query_scalar::<_, i64>(
                "select balance_fen from ledger_balance where account = $1",
            )
            .bind(format!("receivable:{talent}"))
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or(0);
            // Credits are negative: what is owed to the talent is minus the payable balance.
            let owed = lines_owed.min(-payable).max(0);
            let (recover, pay) = split(owed, receivable.max(0));
            if recover == 0 && pay == 0 {
                continue;
            }
            sqlx::query("insert into bank_transfer (payment_run_id, talent_id, reference, amount_fen, recovered_fen, status) values ($1, $2, $3, $4, $5, $6)")
                .bind(run.payment_run_id)
                .bind(talent)
                .bind(format!("YC-{}-{talent}", run.month))
                .bind(pay)
                .bind(recover)
                .bind(if pay > 0 {
                    TransferStatus::Exported
                } else {
                    TransferStatus::Paid
                }
                .as_str())
                .execute(&mut *tx)
                .await?;
            if recover > 0 {
                recoveries.push((talent, recovery(talent, recover)?));
            }
        }
        self.post_unlinked(&mut tx, "recover", Some(run.payment_run_id), &recoveries)
            .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "payment_run.export",
                entity: "payment_run",
                entity_id: run.month.to_string(),
                before: Some(json!({"status": RunStatus::Approved})),
                after: Some(json!({"status": RunStatus::Exported, "payees": carried.len()})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(self.bank_transfers(&run).await?)
    }

    /// Postings that belong to no single line (recoveries, settlements).
    async fn post_unlinked(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        kind: &str,
        run_id: Option<i64>,
        postings: &[(i64, Posting)],
    ) -> Result<(), StoreError> {
        for (_, posting) in postings {
            let txn: i64 = sqlx::query_scalar("insert into ledger_txn (kind, memo, payment_run_id, created_at) values ($1, $2, $3, $4) returning ledger_txn_id")
                .bind(kind)
                .bind(&posting.memo)
                .bind(run_id)
                .bind(now_ms())
                .fetch_one(&mut **tx)
                .await?;
            for (account, amount) in &posting.entries {
                sqlx::query("insert into ledger_entry (ledger_txn_id, account, amount_fen) values ($1, $2, $3)")
                    .bind(txn)
                    .bind(account)
                    .bind(amount)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("insert into ledger_balance (account, balance_fen) values ($1, $2) on conflict (account) do update set balance_fen = ledger_balance.balance_fen + excluded.balance_fen")
                    .bind(account)
                    .bind(amount)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// A run's bank file rows, with full account numbers (decrypted for the file).
    pub async fn bank_transfers(&self, run: &PaymentRun) -> Result<Vec<BankTransfer>, StoreError> {
        let rows = sqlx::query(
            "select b.*, t.name, t.bank_account_sealed, t.bank_account_masked from bank_transfer b join talent t on t.talent_id = b.talent_id
             where b.payment_run_id = $1 order by b.talent_id",
        )
        .bind(run.payment_run_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let sealed: Option<Vec<u8>> = row.try_get("bank_account_sealed")?;
                let account = sealed
                    .map(|s| -> Result<String, StoreError> {
                        let context = crate::crypto::SealContext::new(
                            crate::crypto::SealedColumn::TalentBankAccount,
                            row.try_get("talent_id")?,
                        );
                        Ok(self.cipher().open(context, &s)?)
                    })
                    .transpose()?;
                Ok(BankTransfer {
                    reference: row.try_get("reference")?,
                    talent_id: row.try_get("talent_id")?,
                    payee: row.try_get("name")?,
                    account,
                    account_masked: row.try_get("bank_account_masked")?,
                    amount_fen: row.try_get("amount_fen")?,
                    recovered_fen: row.try_get("recovered_fen")?,
                    status: columns::parsed(
                        row,
                        "bank_transfer",
                        row.try_get("bank_transfer_id")?,
                        "status",
                    )?,
                    failure_reason: row.try_get("failure_reason")?,
                })
            })
            .collect()
    }

    /// Records the bank's answers for an exported run, in one transaction: a paid transfer
    /// books the payment and marks its lines paid; a failed one marks its lines failed, so
    /// the next run's bank file carries them again (and only then). Answers for transfers
    /// already settled are ignored, so importing a file twice changes nothing.
    pub async fn settle_payment_run(
        &self,
        month: Month,
        answers: &[Settlement],
        actor: &Actor,
        paid: &(dyn Fn(i64, i64) -> Result<Posting, StoreError> + Sync),
    ) -> Result<SettlementReport, SettleRunError> {
        let run = self.payment_run(month).await?.ok_or(StoreError::NotFound)?;
        if !matches!(run.status, RunStatus::Exported | RunStatus::Settled) {
            return Err(SettleRunError::NotExported);
        }
        let mut report = SettlementReport::default();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let mut postings = Vec::new();
        for answer in answers {
            let row = sqlx::query("select talent_id, amount_fen from bank_transfer where reference = $1 and payment_run_id = $2 and status = 'exported'")
                .bind(&answer.reference)
                .bind(run.payment_run_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                report.ignored += 1;
                continue;
            };
            let talent: i64 = row.try_get("talent_id")?;
            let amount: i64 = row.try_get("amount_fen")?;
            let now = now_ms();
            if answer.paid {
                sqlx::query("update bank_transfer set status = 'paid', settled_at = $1 where reference = $2")
                    .bind(now)
                    .bind(&answer.reference)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("update payment_line set status = 'paid' where export_run_id = $1 and talent_id = $2 and status = 'exported'")
                    .bind(run.payment_run_id)
                    .bind(talent)
                    .execute(&mut *tx)
                    .await?;
                postings.push((talent, paid(talent, amount)?));
                report.paid += 1;
            } else {
                sqlx::query("update bank_transfer set status = 'failed', failure_reason = $1, settled_at = $2 where reference = $3")
                    .bind(answer.reason.clone().unwrap_or_default())
                    .bind(now)
                    .bind(&answer.reference)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("update payment_line set status = 'failed', failure_reason = $1 where export_run_id = $2 and talent_id = $3 and status = 'exported' and amount_fen > 0")
                    .bind(answer.reason.clone().unwrap_or_default())
                    .bind(run.payment_run_id)
                    .bind(talent)
                    .execute(&mut *tx)
                    .await?;
                report.failed += 1;
            }
        }
        self.post_unlinked(&mut tx, "settle", Some(run.payment_run_id), &postings)
            .await?;
        let open: i64 = sqlx::query_scalar(
            "select count(*) from bank_transfer where payment_run_id = $1 and status = 'exported'",
        )
        .bind(run.payment_run_id)
        .fetch_one(&mut *tx)
        .await?;
        if open == 0 {
            sqlx::query("update payment_run set status = 'settled', settled_at = $1 where payment_run_id = $2")
                .bind(now_ms())
                .bind(run.payment_run_id)
                .execute(&mut *tx)
                .await?;
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "payment_run.settle",
                entity: "payment_run",
                entity_id: run.month.to_string(),
                before: None,
                after: Some(json!({"paid": report.paid, "failed": report.failed, "ignored": report.ignored})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Lines of a run: count and total.
    pub async fn payment_run_totals(&self, run: &PaymentRun) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query("select count(*) as n, cast(coalesce(sum(amount_fen), 0) as bigint) as total from payment_line where payment_run_id = $1")
            .bind(run.payment_run_id)
            .fetch_one(self.pool())
            .await?;
        Ok((row.try_get("n")?, row.try_get("total")?))
    }

    /// A run's lines by kind: (kind, count, total fen).
    pub async fn payment_run_by_kind(
        &self,
        run: &PaymentRun,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "select kind, count(*) as n, cast(sum(amount_fen) as bigint) as total from payment_line where payment_run_id = $1 group by kind order by kind",
        )
        .bind(run.payment_run_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("kind")?, r.try_get("n")?, r.try_get("total")?)))
            .collect()
    }

    /// A run's lines with the talents' names, in talent order.
    pub async fn payment_lines(
        &self,
        run: &PaymentRun,
        talent_id: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<PaymentLineView>, StoreError> {
        let rows = sqlx::query(
            "select l.*, t.name as talent_name from payment_line l join talent t on t.talent_id = l.talent_id
             where ($1 = 0 or l.payment_run_id = $1) and ($2 = 0 or l.talent_id = $2)
             order by l.run_month desc, l.talent_id, l.benefit, l.service_month limit $3 offset $4",
        )
        .bind(run.payment_run_id)
        .bind(talent_id.unwrap_or(0))
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(line_from_row).collect()
    }

    /// One line.
    pub async fn payment_line(&self, line_id: i64) -> Result<PaymentLineView, StoreError> {
        let row = sqlx::query(
            "select l.*, t.name as talent_name from payment_line l join talent t on t.talent_id = l.talent_id where l.payment_line_id = $1",
        )
        .bind(line_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        line_from_row(&row)
    }

    /// The ledger entries posted for a line: (transaction, kind, memo, account, fen).
    pub async fn ledger_entries_of_line(
        &self,
        line_id: i64,
    ) -> Result<Vec<(i64, String, String, String, i64)>, StoreError> {
        let rows = sqlx::query(
            "select t.ledger_txn_id, t.kind, t.memo, e.account, e.amount_fen from ledger_txn t join ledger_entry e on e.ledger_txn_id = t.ledger_txn_id
             where t.payment_line_id = $1 order by t.ledger_txn_id, e.ledger_entry_id",
        )
        .bind(line_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("ledger_txn_id")?,
                    r.try_get("kind")?,
                    r.try_get("memo")?,
                    r.try_get("account")?,
                    r.try_get("amount_fen")?,
                ))
            })
            .collect()
    }

    /// Every line ever written for a talent (its payment history), newest run first.
    pub async fn payment_lines_of_talent(
        &self,
        talent_id: i64,
    ) -> Result<Vec<PaymentLineView>, StoreError> {
        let rows = sqlx::query(
            "select l.*, t.name as talent_name from payment_line l join talent t on t.talent_id = l.talent_id
             where l.talent_id = $1 order by l.run_month desc, l.benefit, l.service_month limit 500",
        )
        .bind(talent_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(line_from_row).collect()
    }

    /// Spending of the lines written by the run of `month`, by one dimension: (key, talents,
    /// fen). Dimensions: `benefit`, `degree`, `tier` (the card in force now), `district` (the
    /// employer's).
    pub async fn spending_by(
        &self,
        month: Month,
        dimension: SpendingDimension,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        let key = match dimension {
            SpendingDimension::Benefit => "l.benefit",
            SpendingDimension::Degree => "t.degree",
            SpendingDimension::Tier => "coalesce(c.tier, 'none')",
            SpendingDimension::District => "coalesce(e.district, '')",
        };
        let rows = sqlx::query(&format!(
            "select {key} as k, count(distinct l.talent_id) as talents, cast(sum(l.amount_fen) as bigint) as total
             from payment_line l join talent t on t.talent_id = l.talent_id
             left join card c on c.talent_id = l.talent_id and c.status = 'active'
             left join enterprise e on e.enterprise_id = t.employer_enterprise_id
             where l.run_month = $1 group by {key} order by {key}"
        ))
        .bind(month.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("k")?, r.try_get("talents")?, r.try_get("total")?)))
            .collect()
    }

    /// Total spending of each run month, oldest first: (month, fen).
    pub async fn spending_by_month(&self) -> Result<Vec<(Month, i64)>, StoreError> {
        let rows = sqlx::query(
            "select run_month, min(payment_line_id) as id, cast(sum(amount_fen) as bigint) as total from payment_line group by run_month order by run_month",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok((
                    columns::month(r, "payment_line", id, "run_month")?,
                    r.try_get("total")?,
                ))
            })
            .collect()
    }

    /// Talents who owe money back (a positive receivable balance): (talent id, name, fen,
    /// whether a confirmed entitlement can still recover it from future payments).
    pub async fn receivables(&self) -> Result<Vec<(i64, String, i64, bool)>, StoreError> {
        let rows = sqlx::query(
            "select t.talent_id, t.name, b.balance_fen,
                    (select count(*) from entitlement e where e.talent_id = t.talent_id and e.status = 'confirmed') as open
             from ledger_balance b join talent t on t.talent_id = cast(substr(b.account, 12) as bigint)
             where b.account like 'receivable:%' and b.balance_fen > 0 order by t.talent_id limit 500",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("talent_id")?,
                    r.try_get("name")?,
                    r.try_get("balance_fen")?,
                    r.try_get::<i64, _>("open")? > 0,
                ))
            })
            .collect()
    }

    /// Books money a talent paid back (at most what is owed), in one transaction.
    pub async fn record_repayment(
        &self,
        talent_id: i64,
        amount_fen: i64,
        actor: &Actor,
        repaid: &(dyn Fn(i64, i64) -> Result<Posting, StoreError> + Sync),
    ) -> Result<(), RepaymentError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let owed: i64 = sqlx::query_scalar::<_, i64>(
            "select balance_fen from ledger_balance where account = $1",
        )
        .bind(format!("receivable:{talent_id}"))
        .fetch_optional(&mut *tx)
        .await?
        .unwrap_or(0);
        if amount_fen <= 0 || amount_fen > owed {
            return Err(RepaymentError::AmountInvalid);
        }
        let run_id: Option<i64> = sqlx::query_scalar("select max(payment_run_id) from payment_run")
            .fetch_one(&mut *tx)
            .await?;
        let posting = repaid(talent_id, amount_fen)?;
        self.post_unlinked(&mut tx, "repaid", run_id, &[(talent_id, posting)])
            .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "receivable.repaid",
                entity: "talent",
                entity_id: talent_id.to_string(),
                before: Some(json!({"receivable_fen": owed})),
                after: Some(json!({"receivable_fen": owed - amount_fen})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many lines share a key (talent, benefit, service month, run month) with another
    /// line: zero when every line was written exactly once.
    pub async fn duplicate_payment_lines(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "select count(*) from (select 1 from payment_line group by talent_id, benefit, service_month, run_month having count(*) > 1) d",
        )
        .fetch_one(self.pool())
        .await?)
    }

    /// Every transaction balances, and every stored balance equals the sum of its entries.
    pub async fn check_ledger(&self) -> Result<LedgerReport, StoreError> {
        let mut report = LedgerReport {
            transactions: sqlx::query_scalar("select count(*) from ledger_txn")
                .fetch_one(self.pool())
                .await?,
            entries: sqlx::query_scalar("select count(*) from ledger_entry")
                .fetch_one(self.pool())
                .await?,
            ..LedgerReport::default()
        };
        report.unbalanced = sqlx::query_scalar(
            "select t.ledger_txn_id from ledger_txn t left join ledger_entry e on e.ledger_txn_id = t.ledger_txn_id
             group by t.ledger_txn_id having count(e.ledger_entry_id) < 2 or sum(e.amount_fen) <> 0 order by t.ledger_txn_id limit 100",
        )
        .fetch_all(self.pool())
        .await?;
        let rows = sqlx::query(
            // Portable "full outer join": both sides as rows of one union, summed per account.
            "select account, cast(sum(stored) as bigint) as stored, cast(sum(total) as bigint) as total from (
                 select account, balance_fen as stored, 0 as total from ledger_balance
                 union all
                 select account, 0 as stored, amount_fen as total from ledger_entry
             ) x group by account having sum(stored) <> sum(total) order by account limit 100",
        )
        .fetch_all(self.pool())
        .await?;
        for row in rows {
            report.mismatched.push((
                row.try_get("account")?,
                row.try_get("stored")?,
                row.try_get("total")?,
            ));
        }
        report.total_fen = sqlx::query_scalar(
            "select cast(coalesce(sum(balance_fen), 0) as bigint) from ledger_balance",
        )
        .fetch_one(self.pool())
        .await?;
        for (what, sql) in [
            (
                "entries without their transaction",
                "select count(*) from ledger_entry e where not exists (select 1 from ledger_txn t where t.ledger_txn_id = e.ledger_txn_id)",
            ),
            (
                "transactions naming a missing line",
                "select count(*) from ledger_txn t where t.payment_line_id is not null and not exists (select 1 from payment_line l where l.payment_line_id = t.payment_line_id)",
            ),
            (
                "lines of a missing run",
                "select count(*) from payment_line l where not exists (select 1 from payment_run r where r.payment_run_id = l.payment_run_id)",
            ),
            (
                "lines of a missing talent",
                "select count(*) from payment_line l where not exists (select 1 from talent t where t.talent_id = l.talent_id)",
            ),
            (
                "lines of a missing entitlement",
                "select count(*) from payment_line l where not exists (select 1 from entitlement e where e.entitlement_id = l.entitlement_id)",
            ),
            (
                "transactions of a missing run",
                "select count(*) from ledger_txn t where t.payment_run_id is not null and not exists (select 1 from payment_run r where r.payment_run_id = t.payment_run_id)",
            ),
            (
                "lines of a missing policy version",
                "select count(*) from payment_line l where not exists (select 1 from policy_version v where v.policy_version_id = l.policy_version_id)",
            ),
            (
                "lines without their accrual",
                "select count(*) from payment_line l where not exists (select 1 from ledger_txn t where t.payment_line_id = l.payment_line_id)",
            ),
        ] {
            let n: i64 = sqlx::query_scalar(sql).fetch_one(self.pool()).await?;
            if n > 0 {
                report.dangling.push((what, n));
            }
        }
        Ok(report)
    }

    /// The ledger balance of one account (0 if it never moved).
    pub async fn ledger_balance(&self, account: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>(
            "select balance_fen from ledger_balance where account = $1",
        )
        .bind(account)
        .fetch_optional(self.pool())
        .await?
        .unwrap_or(0))
    }

    /// Holds (`Some(reason)`) or resumes (`None`) an entitlement.
    pub async fn hold_entitlement(
        &self,
        entitlement_id: i64,
        reason: Option<&str>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let updated = sqlx::query(
            "update entitlement set held_reason = $1, held_at = $2 where entitlement_id = $3",
        )
        .bind(reason)
        .bind(reason.map(|_| now_ms()))
        .bind(entitlement_id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: if reason.is_some() {
                    "entitlement.hold"
                } else {
                    "entitlement.resume"
                },
                entity: "entitlement",
                entity_id: entitlement_id.to_string(),
                before: None,
                after: Some(json!({"held_reason": reason})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

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
