//! The double-entry ledger: postings, balances, the soundness check, receivables and repayments.

use super::*;

impl Store {
    /// Writes one ledger transaction per `(line, entries)` and updates the balances, inside
    /// the caller's transaction.
    pub(super) async fn post(
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
            let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
            for (line, posting) in chunk {
                query = query
                    .bind(kind)
                    .bind(&posting.memo)
                    .bind(run_id)
                    .bind(*line)
                    .bind(now);
            }
            let txn_of_line: HashMap<i64, i64> = query
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(|(txn, line)| (line, txn))
                .collect();
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

    /// Postings that belong to no single line (recoveries, settlements).
    pub(super) async fn post_unlinked(
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

    /// The ledger entries posted for a line: (transaction, kind, memo, account, fen).
    pub async fn ledger_entries_of_line(
        &self,
        line_id: i64,
    ) -> Result<Vec<(i64, String, String, String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "select t.ledger_txn_id, t.kind, t.memo, e.account, e.amount_fen from ledger_txn t join ledger_entry e on e.ledger_txn_id = t.ledger_txn_id
             where t.payment_line_id = $1 order by t.ledger_txn_id, e.ledger_entry_id",
        )
        .bind(line_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Talents who owe money back (a positive receivable balance): (talent id, name, fen,
    /// whether a confirmed entitlement can still recover it from future payments).
    pub async fn receivables(&self) -> Result<Vec<(i64, String, i64, bool)>, StoreError> {
        let rows = sqlx::query_as::<_, (i64, String, i64, i64)>(
            "select t.talent_id, t.name, b.balance_fen,
                    (select count(*) from entitlement e where e.talent_id = t.talent_id and e.status = 'confirmed') as open
             from ledger_balance b join talent t on t.talent_id = cast(substr(b.account, 12) as bigint)
             where b.account like 'receivable:%' and b.balance_fen > 0 order by t.talent_id limit 500",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(talent_id, name, balance_fen, open)| (talent_id, name, balance_fen, open > 0))
            .collect())
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
        report.mismatched = sqlx::query_as(
            // Portable "full outer join": both sides as rows of one union, summed per account.
            "select account, cast(sum(stored) as bigint) as stored, cast(sum(total) as bigint) as total from (
                 select account, balance_fen as stored, 0 as total from ledger_balance
                 union all
                 select account, 0 as stored, amount_fen as total from ledger_entry
             ) x group by account having sum(stored) <> sum(total) order by account limit 100",
        )
        .fetch_all(self.pool())
        .await?;
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
}
