//! Payment lines: what a run reads (payable entitlements, earlier sums) and writes, once per key.

use super::*;

impl Store {
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
        let rows = sqlx::query_as::<_, PayableRow>(
            // Paged by id alone, so both databases walk the primary key whatever their
            // statistics say; the few unconfirmed rows in a page are skipped here.
            "select entitlement_id, talent_id, benefit, status, schedule, policy_version_id, held_at from entitlement
             where entitlement_id > $1 order by entitlement_id limit $2",
        )
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let last = rows.last().map(|row| row.entitlement_id);
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(payable) = row.payable()? {
                out.push(payable);
            }
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
                    sqlx::query_as::<_, LineSumRow>(
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
                let mut query = sqlx::query_as::<_, LineSumRow>(&sql).bind(&before_run_month);
                for id in chunk {
                    query = query.bind(*id);
                }
                rows.extend(query.fetch_all(self.pool()).await?);
            }
            rows
        };
        for row in rows {
            // A range also returns talents between the batch's own.
            if sorted.binary_search(&row.talent_id).is_err() {
                continue;
            }
            // The month comes with the lowest line of its group, to name a bad one's row.
            let service_month = columns::Stored::new("payment_line", row.id)
                .parse("service_month", &row.service_month)?;
            sums.entry((row.talent_id, row.benefit))
                .or_default()
                .insert(service_month, row.total);
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
            let mut query = sqlx::query_as::<_, (i64, i64, String, String)>(&sql);
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
            for (id, talent_id, benefit, service_month) in query.fetch_all(&mut *tx).await? {
                let service_month: Month = columns::Stored::new("payment_line", id)
                    .parse("service_month", &service_month)?;
                if let Some(&i) = index.get(&(talent_id, benefit.as_str(), service_month)) {
                    inserted.push((id, i));
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

    /// How many lines share a key (talent, benefit, service month, run month) with another
    /// line: zero when every line was written exactly once.
    pub async fn duplicate_payment_lines(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "select count(*) from (select 1 from payment_line group by talent_id, benefit, service_month, run_month having count(*) > 1) d",
        )
        .fetch_one(self.pool())
        .await?)
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
