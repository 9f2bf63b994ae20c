//! Payment runs: opening a month, its totals, and a second officer's approval.

use super::*;

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
        let earliest = sqlx::query_as::<_, (i64, String)>(
            "select payment_run_id, first_month from payment_run order by first_month limit 1",
        )
        .fetch_optional(&mut *tx)
        .await?;
        let first = match earliest {
            None => month,
            Some((id, first_month)) => columns::Stored::new("payment_run", id)
                .parse::<Month>("first_month", &first_month)?
                .min(month),
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

    /// Lines of a run: count and total.
    pub async fn payment_run_totals(&self, run: &PaymentRun) -> Result<(i64, i64), StoreError> {
        Ok(sqlx::query_as("select count(*) as n, cast(coalesce(sum(amount_fen), 0) as bigint) as total from payment_line where payment_run_id = $1")
            .bind(run.payment_run_id)
            .fetch_one(self.pool())
            .await?)
    }

    /// A run's lines by kind: (kind, count, total fen).
    pub async fn payment_run_by_kind(
        &self,
        run: &PaymentRun,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "select kind, count(*) as n, cast(sum(amount_fen) as bigint) as total from payment_line where payment_run_id = $1 group by kind order by kind",
        )
        .bind(run.payment_run_id)
        .fetch_all(self.pool())
        .await?)
    }
}
