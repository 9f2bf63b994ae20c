//! Leases: reading them, notice, and the end that frees the unit.

use super::*;

impl Store {
    pub async fn lease(&self, lease_id: i64) -> Result<LeaseRecord, StoreError> {
        let row = sqlx::query(&format!("{LEASE_VIEW} where l.lease_id = $1"))
            .bind(lease_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        lease_from_row(&row)
    }

    /// A talent's leases, newest first.
    pub async fn leases_of_talent(&self, talent_id: i64) -> Result<Vec<LeaseRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "{LEASE_VIEW} where l.talent_id = $1 order by l.lease_id desc"
        ))
        .bind(talent_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(lease_from_row).collect()
    }

    /// Leases in force (active or under notice), by complex and unit.
    pub async fn live_leases(&self) -> Result<Vec<LeaseRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "{LEASE_VIEW} where l.status in ('active', 'ending') order by c.code, u.number"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(lease_from_row).collect()
    }

    /// Gives notice on a lease in force: it ends on `ends_on` for `reason`. A lease
    /// already under notice keeps the earlier date.
    pub async fn give_lease_notice(
        &self,
        lease_id: i64,
        reason: &str,
        ends_on: &str,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let changed = sqlx::query(
            "update lease set status = 'ending', end_reason = $1, ends_on = $2, noticed_at = $3
              where lease_id = $4 and (status = 'active' or (status = 'ending' and ends_on > $2))",
        )
        .bind(reason)
        .bind(ends_on)
        .bind(now_ms())
        .bind(lease_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let talent_id: i64 = sqlx::query_scalar("select talent_id from lease where lease_id = $1")
            .bind(lease_id)
            .fetch_one(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "lease.notice",
                entity: "lease",
                entity_id: lease_id.to_string(),
                before: None,
                after: Some(json!({"reason": reason, "ends_on": ends_on})),
            },
        )
        .await?;
        crate::policy::notify(
            &mut tx,
            talent_id,
            "lease-notice",
            lease_id,
            json!({"reason": reason, "ends_on": ends_on}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Ends a lease whose notice ran out (`ends_on` before `today`): the unit is free and
    /// a talent still recorded in a talent apartment is recorded without housing.
    pub async fn end_lease(
        &self,
        lease_id: i64,
        today: &str,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let ended = sqlx::query_as::<_, (i64, i64)>(
            "update lease set status = 'ended', ended_at = $1
              where lease_id = $2 and status = 'ending' and ends_on < $3 returning talent_id, unit_id",
        )
        .bind(now_ms())
        .bind(lease_id)
        .bind(today)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((talent_id, unit_id)) = ended else {
            return Ok(false);
        };
        sqlx::query("update unit set status = 'free', updated_at = $1 where unit_id = $2")
            .bind(now_ms())
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
        set_talent_housing(&mut tx, talent_id, "talent_apartment", "none", actor).await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "lease.end",
                entity: "lease",
                entity_id: lease_id.to_string(),
                before: Some(json!({"status": LeaseStatus::Ending})),
                after: Some(json!({"status": LeaseStatus::Ended})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
