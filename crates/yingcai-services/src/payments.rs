//! The monthly payment run: every confirmed entitlement's amount for the month (and any
//! difference for earlier months since the platform started paying) becomes a payment
//! line, posted to the ledger in the same transaction.
//!
//! Safe to kill and re-run, and to run on two servers at once: lines are keyed by
//! (talent, benefit, service month, run month) and written with "on conflict do nothing"
//! (see `yingcai_store::payments`); a batch is one transaction, so after a crash every
//! batch is either all there or not there at all, and a re-run fills in what is missing.

use yingcai_domain::Month;
use yingcai_domain::status::RunStatus;
use yingcai_payments::{LineKind, Segment, accrue, plan_lines};
use yingcai_store::payments::{ApproveRunError, ExportRunError, RepaymentError, SettleRunError};
use yingcai_store::{
    Actor, BankTransfer, NewPaymentLine, PaymentLineView, PaymentRun, Posting, Settlement,
    SettlementReport, SpendingDimension, Store, StoreError,
};

/// Entitlements per transaction: large enough that a million take a few hundred
/// transactions, small enough that a kill loses little work.
const BATCH: i64 = 2_000;

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub month: Month,
    /// Confirmed entitlements looked at.
    pub entitlements: usize,
    /// Lines written by this invocation (0 when re-run after a complete run).
    pub lines_written: usize,
    /// All lines of the run and their total.
    pub lines: i64,
    pub total_fen: i64,
}

/// Computes (or completes) the run for `month`. `progress(done, total)` is called after
/// each batch.
pub async fn run_month(
    store: &Store,
    run_month: Month,
    actor: &Actor,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> anyhow::Result<RunReport> {
    let run = store.open_payment_run(run_month, actor).await?;
    anyhow::ensure!(
        run.status == RunStatus::Draft,
        "the run for {} is {}: its lines are frozen",
        run.month,
        run.status
    );
    let first = run.first_month;
    let total = store.count_payable_entitlements().await?;
    let mut report = RunReport {
        month: run.month,
        entitlements: 0,
        lines_written: 0,
        lines: 0,
        total_fen: 0,
    };
    let mut after = 0;
    loop {
        let (batch, last) = store.payable_entitlements_after(after, BATCH).await?;
        let Some(last) = last else { break };
        after = last;
        let mut talents: Vec<i64> = batch.iter().map(|e| e.talent_id).collect();
        talents.sort_unstable();
        talents.dedup();
        let sums = store.earlier_line_sums(&talents, run.month).await?;
        let mut lines = Vec::new();
        for e in &batch {
            let due: Vec<Segment> = e
                .schedule
                .iter()
                .map(|s| Segment {
                    from: s.from,
                    to: s.to,
                    amount_fen: s.amount_fen,
                })
                .collect();
            let none = Default::default();
            let already = sums.get(&(e.talent_id, e.benefit.clone())).unwrap_or(&none);
            for planned in plan_lines(run_month, first, &due, already, e.held) {
                lines.push(NewPaymentLine {
                    talent_id: e.talent_id,
                    benefit: e.benefit.clone(),
                    service_month: planned.service_month,
                    kind: match planned.kind {
                        LineKind::Regular => "regular",
                        LineKind::Arrears => "arrears",
                        LineKind::Overpayment => "overpayment",
                    },
                    amount_fen: planned.amount_fen,
                    entitlement_id: e.entitlement_id,
                    policy_version_id: e.policy_version_id,
                });
            }
        }
        report.lines_written += store.insert_payment_lines(&run, &lines, &accrual).await?;
        report.entitlements += batch.len();
        progress(report.entitlements as u64, total.max(0) as u64);
    }
    store.finish_payment_run_computation(&run).await?;
    let (lines, total_fen) = store.payment_run_totals(&run).await?;
    report.lines = lines;
    report.total_fen = total_fen;
    Ok(report)
}

/// The accrual of one line, built by the checked ledger of yingcai-payments.
fn accrual(line: &NewPaymentLine) -> Result<Posting, StoreError> {
    let planned = yingcai_payments::PlannedLine {
        service_month: line.service_month,
        amount_fen: line.amount_fen,
        kind: match line.kind {
            "arrears" => LineKind::Arrears,
            "overpayment" => LineKind::Overpayment,
            _ => LineKind::Regular,
        },
    };
    // plan_lines never plans a zero line and amounts come from checked schedules, so a
    // refusal here means the run's input was not what the planner produced.
    accrue(line.talent_id, &line.benefit, &planned)
        .map(posting)
        .map_err(|error| {
            StoreError::Other(anyhow::anyhow!("a planned line cannot be booked: {error}"))
        })
}

/// A posting the ledger built, or the store error naming what it refused: the ledger
/// refuses only amounts that cannot be booked, which the store never asks for.
fn booked(
    what: &'static str,
    txn: Result<yingcai_payments::Transaction, yingcai_payments::LedgerError>,
) -> Result<Posting, StoreError> {
    txn.map(posting)
        .map_err(|error| StoreError::Other(anyhow::anyhow!("the ledger refused a {what}: {error}")))
}

fn posting(txn: yingcai_payments::Transaction) -> Posting {
    Posting {
        memo: txn.memo().to_owned(),
        entries: txn
            .entries()
            .iter()
            .map(|e| (e.account.key(), e.amount_fen))
            .collect(),
    }
}

/// Exports an approved run: recovers overpayments first, then lists what goes to the bank.
pub async fn export(
    store: &Store,
    month: Month,
    actor: &Actor,
) -> Result<Vec<BankTransfer>, ExportRunError> {
    store
        .export_payment_run(
            month,
            actor,
            &yingcai_payments::bank_amount,
            &|talent, amount| booked("recovery", yingcai_payments::recover(talent, amount)),
        )
        .await
}

/// Records the bank's answers (see [`read_settlement`]).
pub async fn settle(
    store: &Store,
    month: Month,
    answers: &[Settlement],
    actor: &Actor,
) -> Result<SettlementReport, SettleRunError> {
    store
        .settle_payment_run(month, answers, actor, &|talent, amount| {
            booked("settlement", yingcai_payments::settle_paid(talent, amount))
        })
        .await
}

/// Books a repayment of an overpayment by the talent.
pub async fn record_repayment(
    store: &Store,
    talent_id: i64,
    amount_fen: i64,
    actor: &Actor,
) -> Result<(), RepaymentError> {
    store
        .record_repayment(talent_id, amount_fen, actor, &|talent, amount| {
            booked("repayment", yingcai_payments::repaid(talent, amount))
        })
        .await
}

const BANK_HEADER: [&str; 5] = ["reference", "payee", "account", "amount_yuan", "purpose"];

/// The bank file as CSV (UTF-8, header line); accounts in full: this file is for the bank.
pub fn bank_file_csv(month: Month, transfers: &[BankTransfer]) -> anyhow::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(BANK_HEADER)?;
    for t in transfers.iter().filter(|t| t.amount_fen > 0) {
        out.write_record([
            t.reference.as_str(),
            t.payee.as_str(),
            t.account.as_deref().unwrap_or(""),
            &yingcai_domain::Fen(t.amount_fen).bank_plain(),
            &format!("人才补贴 {month}"),
        ])?;
    }
    out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// The bank file as XLSX: accounts as text cells (a number cell would lose digits).
pub fn bank_file_xlsx(month: Month, transfers: &[BankTransfer]) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(month.to_string())?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    for (c, h) in BANK_HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, t) in transfers.iter().filter(|t| t.amount_fen > 0).enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &t.reference)?;
        sheet.write_string(r, 1, &t.payee)?;
        sheet.write_string(r, 2, t.account.as_deref().unwrap_or(""))?;
        // Exact: fen / 100 has at most two decimals, well within a double's precision.
        sheet.write_number_with_format(r, 3, t.amount_fen as f64 / 100.0, &money)?;
        sheet.write_string(r, 4, format!("人才补贴 {month}"))?;
    }
    sheet.autofit();
    Ok(book.save_to_buffer()?)
}

/// Reads the bank's settlement file: CSV with `reference,status,reason`; status `paid` or
/// `failed` (also 成功 / 失败). Errors name the line.
pub fn read_settlement(bytes: &[u8]) -> Result<Vec<Settlement>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| format!("header: {e}"))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(reference), Some(status)) = (col("reference"), col("status")) else {
        return Err(
            "the header must name the columns reference and status (and optionally reason)".into(),
        );
    };
    let reason = col("reason");
    let mut answers = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let paid = match record.get(status).unwrap_or("") {
            "paid" | "PAID" | "成功" => true,
            "failed" | "FAILED" | "失败" => false,
            other => {
                return Err(format!(
                    "line {line}: status `{other}` is neither paid nor failed"
                ));
            }
        };
        answers.push(Settlement {
            reference: record.get(reference).unwrap_or("").to_owned(),
            paid,
            reason: reason
                .and_then(|c| record.get(c))
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        });
    }
    Ok(answers)
}

/// The run a second officer is asked to approve.
pub async fn approve(
    store: &Store,
    month: Month,
    actor: &Actor,
) -> Result<PaymentRun, ApproveRunError> {
    store.approve_payment_run(month, actor).await?;
    Ok(store
        .payment_run(month)
        .await?
        .ok_or(StoreError::NotFound)?)
}

yingcai_store::refusal! {
    /// Why a month's run was not computed.
    pub enum RunMonthError {
        /// The run was approved (or exported): its lines no longer change.
        Frozen => ("month", "run-frozen", "the run is approved: its lines are frozen"),
    }
}

/// Computes (or completes) the run for `month` as an officer asked it on a page or over the
/// API: refused, before anything is opened, once the run is past its draft.
pub async fn compute(
    store: &Store,
    month: Month,
    actor: &Actor,
) -> Result<RunReport, RunMonthError> {
    if let Some(run) = store.payment_run(month).await?
        && run.status != RunStatus::Draft
    {
        return Err(RunMonthError::Frozen);
    }
    Ok(run_month(store, month, actor, &|_, _| {}).await?)
}

/// A run with what officers look at before approving it.
#[derive(Debug, Clone)]
pub struct RunDetail {
    pub run: PaymentRun,
    pub lines: i64,
    pub total_fen: i64,
    /// (kind, lines, fen), by kind.
    pub by_kind: Vec<(String, i64, i64)>,
    /// Whether the whole ledger balances (see `yingcai ledger check`).
    pub ledger_sound: bool,
    /// The bank transfers of an exported (or settled) run; empty before.
    pub transfers: Vec<BankTransfer>,
}

/// A run exported to the bank (and perhaps settled) has its bank file and transfers.
pub fn has_bank_file(status: RunStatus) -> bool {
    matches!(status, RunStatus::Exported | RunStatus::Settled)
}

/// The run of `month` with its totals, its lines by kind, the ledger's soundness and its
/// bank transfers; `NotFound` when the month has no run.
pub async fn run_detail(store: &Store, month: Month) -> Result<RunDetail, StoreError> {
    let run = store
        .payment_run(month)
        .await?
        .ok_or(StoreError::NotFound)?;
    let (lines, total_fen) = store.payment_run_totals(&run).await?;
    let by_kind = store.payment_run_by_kind(&run).await?;
    let ledger_sound = store.check_ledger().await?.is_sound();
    let transfers = if has_bank_file(run.status) {
        store.bank_transfers(&run).await?
    } else {
        Vec::new()
    };
    Ok(RunDetail {
        run,
        lines,
        total_fen,
        by_kind,
        ledger_sound,
        transfers,
    })
}

/// A bank file to download.
pub struct BankFile {
    pub file_name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The bank file `name` (`bank.csv` or `bank.xlsx`) of the exported run of `month`, with
/// full account numbers; `NotFound` for another name, or a run not exported.
pub async fn bank_file(store: &Store, month: Month, name: &str) -> Result<BankFile, crate::Error> {
    let run = store
        .payment_run(month)
        .await?
        .ok_or(StoreError::NotFound)?;
    if !has_bank_file(run.status) {
        return Err(crate::Error::NotFound);
    }
    let transfers = store.bank_transfers(&run).await?;
    let (bytes, media_type) = match name {
        "bank.csv" => (
            bank_file_csv(run.month, &transfers)?,
            "text/csv; charset=utf-8",
        ),
        "bank.xlsx" => (bank_file_xlsx(run.month, &transfers)?, XLSX),
        _ => return Err(crate::Error::NotFound),
    };
    Ok(BankFile {
        file_name: format!("yingcai-{}-{name}", run.month),
        media_type,
        bytes,
    })
}

/// The media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

yingcai_store::refusal! {
    /// Why a bank's settlement file was not imported.
    pub enum SettlementImportError {
        /// The file is not the bank's CSV of references and statuses.
        Unreadable => ("file", "settlement-file-invalid", "the file is not a settlement file"),
        /// Only an exported run is settled.
        NotExported => ("file", "run-not-exported", "the run was not exported to the bank"),
    }
}

/// Reads the bank's settlement file and records its answers: a file that does not read is
/// refused (the reason is logged here, once), nothing recorded.
pub async fn import_settlement(
    store: &Store,
    month: Month,
    bytes: &[u8],
    actor: &Actor,
) -> Result<SettlementReport, SettlementImportError> {
    let answers = read_settlement(bytes).map_err(|message| {
        tracing::info!(%message, "settlement file refused");
        SettlementImportError::Unreadable
    })?;
    settle(store, month, &answers, actor)
        .await
        .map_err(|refusal| match refusal {
            SettleRunError::NotExported => SettlementImportError::NotExported,
            SettleRunError::Store(error) => SettlementImportError::Store(error),
        })
}

/// One dimension of a month's spending: rows of (key, talents, fen), in key order.
pub type SpendingSection = (SpendingDimension, Vec<(String, i64, i64)>);

/// Spending: the total of each run month, and one month by each dimension.
#[derive(Debug, Clone)]
pub struct SpendingReport {
    /// (run month, fen), oldest first.
    pub by_month: Vec<(Month, i64)>,
    /// The month broken down: the one asked for, or else the latest run's; `None` before
    /// the first run.
    pub month: Option<Month>,
    /// (dimension, rows of (key, talents, fen)) for `month`, every dimension in order.
    pub sections: Vec<SpendingSection>,
}

/// The spending report of `month`, or of the latest run month when none is asked for.
pub async fn spending_report(
    store: &Store,
    month: Option<Month>,
) -> Result<SpendingReport, StoreError> {
    let by_month = store.spending_by_month().await?;
    let month = month.or_else(|| by_month.last().map(|(m, _)| *m));
    let mut sections = Vec::new();
    if let Some(month) = month {
        for dimension in SpendingDimension::ALL {
            sections.push((dimension, store.spending_by(month, dimension).await?));
        }
    }
    Ok(SpendingReport {
        by_month,
        month,
        sections,
    })
}

/// A month's spending as an XLSX workbook: one sheet per dimension.
pub fn spending_xlsx(sections: &[SpendingSection]) -> anyhow::Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let money = rust_xlsxwriter::Format::new().set_num_format("#,##0.00");
    for (dimension, rows) in sections {
        let sheet = book.add_worksheet();
        sheet.set_name(dimension.as_str())?;
        for (c, h) in [dimension.as_str(), "talents", "yuan"].iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (r, (key, talents, total)) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string(r, 0, key)?;
            sheet.write_number(r, 1, *talents as f64)?;
            sheet.write_number_with_format(r, 2, *total as f64 / 100.0, &money)?;
        }
        sheet.autofit();
    }
    Ok(book.save_to_buffer()?)
}

/// A talent's payment history: every line written for the talent owned by `account_id`,
/// newest run first (none for an account without a talent record).
pub async fn history_of_owner(
    store: &Store,
    account_id: i64,
) -> Result<Vec<PaymentLineView>, StoreError> {
    match store.talent_of_owner(account_id).await? {
        Some(talent) => store.payment_lines_of_talent(talent.talent_id).await,
        None => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Month {
        text.parse().unwrap()
    }
    use yingcai_store::testing::TestDatabase;

    async fn officer(store: &Store, email: &str) -> Actor {
        let id = store
            .create_account(
                &yingcai_store::NewAccount {
                    email: yingcai_domain::Email::parse(email).unwrap(),
                    display_name: yingcai_domain::DisplayName::parse("name", "Officer").unwrap(),
                    phone: None,
                    password_hash: "x".into(),
                    roles: yingcai_domain::RoleSet::one(yingcai_domain::Role::Officer),
                    locale: yingcai_domain::Locale::En,
                    must_change_password: false,
                },
                &Actor::System,
            )
            .await
            .unwrap();
        Actor::account(id, email)
    }

    async fn set_schedule(store: &Store, talent: i64, json: &str) {
        store
            .execute_unchecked(&format!(
                "update entitlement set schedule = '{json}' where talent_id = {talent}"
            ))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn runs_pay_once_follow_retroactive_changes_and_keep_the_ledger_balanced() {
        for backend in TestDatabase::backends() {
            let (_db, store) = TestDatabase::create(backend).await.unwrap();
            let (lo, hi) = store
                .seed_payable_entitlements(3, "2026-11", "2027-10", 300_000)
                .await
                .unwrap();
            assert_eq!(hi - lo, 2);
            let quiet = |_: u64, _: u64| {};

            // The first run fixes the first month; each entitlement gets its regular line.
            let nov = run_month(&store, m("2026-11"), &Actor::System, &quiet)
                .await
                .unwrap();
            assert_eq!(
                (nov.lines_written, nov.lines, nov.total_fen),
                (3, 3, 900_000)
            );
            // Re-running writes nothing more.
            let again = run_month(&store, m("2026-11"), &Actor::System, &quiet)
                .await
                .unwrap();
            assert_eq!((again.lines_written, again.lines), (0, 3));

            // A record changes retroactively: talent lo bought a home in 2026-11 (no rent
            // from then on), talent lo+1 turns out to be owed 4,000 a month since 2026-11.
            set_schedule(&store, lo, "[]").await;
            set_schedule(
                &store,
                lo + 1,
                r#"[{"from":"2026-11","to":"2027-10","amount_fen":400000}]"#,
            )
            .await;
            let dec = run_month(&store, m("2026-12"), &Actor::System, &quiet)
                .await
                .unwrap();
            // lo: overpayment for 2026-11 (−3,000); lo+1: arrears for 2026-11 (+1,000) and
            // December (4,000); lo+2: December (3,000).
            assert_eq!(dec.lines_written, 4, "{dec:?}");
            assert_eq!(dec.total_fen, -300_000 + 100_000 + 400_000 + 300_000);
            assert_eq!(
                store
                    .ledger_balance(&format!("receivable:{lo}"))
                    .await
                    .unwrap(),
                300_000
            );
            assert_eq!(
                store
                    .ledger_balance(&format!("payable:{}", lo + 1))
                    .await
                    .unwrap(),
                -(300_000 + 100_000 + 400_000)
            );
            assert_eq!(
                store.ledger_balance("budget:rent_allowance").await.unwrap(),
                900_000 - 300_000 + 500_000 + 300_000
            );
            let report = store.check_ledger().await.unwrap();
            assert!(report.is_sound(), "{report:?}");
            assert_eq!(store.duplicate_payment_lines().await.unwrap(), 0);

            // Approval needs a person (an officer other than the preparer: see the HTTP tests).
            assert_eq!(
                approve(&store, m("2026-12"), &Actor::System)
                    .await
                    .unwrap_err()
                    .field_error()
                    .map(|e| e.code),
                Some("approval-needs-officer")
            );
            let officer = officer(&store, "second@example.cn").await;
            approve(&store, m("2026-12"), &officer).await.unwrap();

            // The bank file: lo+1 gets arrears and December, lo+2 December; lo nothing (its
            // overpayment stays a receivable until something is owed to it).
            let transfers = export(&store, m("2026-12"), &officer).await.unwrap();
            let amounts: Vec<(i64, i64)> = transfers
                .iter()
                .map(|t| (t.talent_id, t.amount_fen))
                .collect();
            assert_eq!(amounts, [(lo + 1, 500_000), (lo + 2, 300_000)]);
            let csv = String::from_utf8(bank_file_csv(m("2026-12"), &transfers).unwrap()).unwrap();
            assert!(
                csv.starts_with("reference,payee,account,amount_yuan,purpose\n"),
                "{csv}"
            );
            assert!(
                csv.contains(&format!("YC-2026-12-{},Seed", lo + 1)) && csv.contains(",5000.00,"),
                "{csv}"
            );
            assert!(
                bank_file_xlsx(m("2026-12"), &transfers)
                    .unwrap()
                    .starts_with(b"PK")
            );
            // Exporting again gives the same file and books nothing more.
            assert_eq!(
                export(&store, m("2026-12"), &officer).await.unwrap(),
                transfers
            );

            // The bank pays one and refuses the other; importing the answer twice is harmless.
            let answers = read_settlement(
                format!("reference,status,reason\nYC-2026-12-{},paid,\nYC-2026-12-{},failed,account closed\n", lo + 1, lo + 2).as_bytes(),
            )
            .unwrap();
            let report = settle(&store, m("2026-12"), &answers, &officer)
                .await
                .unwrap();
            assert_eq!((report.paid, report.failed, report.ignored), (1, 1, 0));
            let again = settle(&store, m("2026-12"), &answers, &officer)
                .await
                .unwrap();
            assert_eq!((again.paid, again.failed, again.ignored), (0, 0, 2));
            assert_eq!(store.ledger_balance("bank").await.unwrap(), -500_000);
            assert!(store.check_ledger().await.unwrap().is_sound());

            // January carries the refused December payment once, with January's own line.
            run_month(&store, m("2027-01"), &Actor::System, &quiet)
                .await
                .unwrap();
            approve(&store, m("2027-01"), &officer).await.unwrap();
            let january = export(&store, m("2027-01"), &officer).await.unwrap();
            let lo2 = january.iter().find(|t| t.talent_id == lo + 2).unwrap();
            assert_eq!(lo2.amount_fen, 600_000);
            assert!(store.check_ledger().await.unwrap().is_sound());
            // lo's overpayment cannot be recovered from a payment (nothing is owed to it):
            // it is listed for repayment, and a repayment is booked, never beyond what is owed.
            let receivables = store.receivables().await.unwrap();
            assert_eq!(receivables.len(), 1);
            assert_eq!((receivables[0].0, receivables[0].2), (lo, 300_000));
            assert!(matches!(
                record_repayment(&store, lo, 400_000, &officer).await,
                Err(RepaymentError::AmountInvalid)
            ));
            record_repayment(&store, lo, 100_000, &officer)
                .await
                .unwrap();
            assert_eq!(
                store
                    .ledger_balance(&format!("receivable:{lo}"))
                    .await
                    .unwrap(),
                200_000
            );
            assert!(store.check_ledger().await.unwrap().is_sound());
            assert!(
                read_settlement(b"reference,status\nX,maybe\n")
                    .unwrap_err()
                    .contains("line 2")
            );
        }
    }

    #[tokio::test]
    async fn a_held_entitlement_is_not_paid_and_is_paid_as_arrears_after_resumption() {
        for backend in TestDatabase::backends() {
            let (_db, store) = TestDatabase::create(backend).await.unwrap();
            let (talent, _) = store
                .seed_payable_entitlements(1, "2026-11", "2027-10", 100_000)
                .await
                .unwrap();
            let quiet = |_: u64, _: u64| {};
            run_month(&store, m("2026-11"), &Actor::System, &quiet)
                .await
                .unwrap();
            let entitlement =
                store.entitlements(&Default::default()).await.unwrap()[0].entitlement_id;
            store
                .hold_entitlement(entitlement, Some("checking the employment"), &Actor::System)
                .await
                .unwrap();
            let dec = run_month(&store, m("2026-12"), &Actor::System, &quiet)
                .await
                .unwrap();
            assert_eq!(dec.lines, 0, "held: nothing paid");
            store
                .hold_entitlement(entitlement, None, &Actor::System)
                .await
                .unwrap();
            run_month(&store, m("2027-01"), &Actor::System, &quiet)
                .await
                .unwrap();
            let run = store.payment_run(m("2027-01")).await.unwrap().unwrap();
            let lines = store
                .payment_lines(&run, Some(talent), 10, 0)
                .await
                .unwrap();
            let got: Vec<(String, &str, i64)> = lines
                .iter()
                .map(|l| (l.service_month.to_string(), l.kind.as_str(), l.amount_fen))
                .collect();
            assert_eq!(
                got,
                [
                    ("2026-12".to_owned(), "arrears", 100_000),
                    ("2027-01".to_owned(), "regular", 100_000)
                ]
            );
            assert!(store.check_ledger().await.unwrap().is_sound());
            // A line's accrual removed behind yingcai's back: the check names it.
            for sql in [
                "delete from ledger_entry where ledger_txn_id in (select ledger_txn_id from ledger_txn where payment_line_id = {})",
                "delete from ledger_txn where payment_line_id = {}",
            ] {
                store
                    .execute_unchecked(&sql.replace("{}", &lines[0].payment_line_id.to_string()))
                    .await
                    .unwrap();
            }
            let report = store.check_ledger().await.unwrap();
            assert!(!report.is_sound());
            let what: Vec<&str> = report.dangling.iter().map(|d| d.0).collect();
            assert_eq!(what, ["lines without their accrual"]);
        }
    }
}
