//! The bank file of an approved run and the bank's settlement answers.

use super::*;

impl Store {
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
        let carried = sqlx::query_as::<_, (i64, i64)>(
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
        for &(talent, lines_owed) in &carried {
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

    /// A run's bank file rows, with full account numbers (decrypted for the file).
    pub async fn bank_transfers(&self, run: &PaymentRun) -> Result<Vec<BankTransfer>, StoreError> {
        sqlx::query_as::<_, TransferRow>(
            "select b.*, t.name, t.bank_account_sealed, t.bank_account_masked from bank_transfer b join talent t on t.talent_id = b.talent_id
             where b.payment_run_id = $1 order by b.talent_id",
        )
        .bind(run.payment_run_id)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|row| row.open(self.cipher()))
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
            let transfer = sqlx::query_as::<_, (i64, i64)>("select talent_id, amount_fen from bank_transfer where reference = $1 and payment_run_id = $2 and status = 'exported'")
                .bind(&answer.reference)
                .bind(run.payment_run_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((talent, amount)) = transfer else {
                report.ignored += 1;
                continue;
            };
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
}
