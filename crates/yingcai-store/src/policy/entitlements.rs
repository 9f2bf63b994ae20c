//! Entitlements found without application: recomputation, confirmation, lists.

use super::*;

impl Store {
    /// Brings a talent's stored entitlements in line with what the engine found, in one
    /// transaction: new ones are proposed and notified, changed schedules are updated
    /// (a confirmation stands), vanished ones are ended.
    pub async fn apply_entitlements(
        &self,
        talent_id: i64,
        found: &[ComputedEntitlement],
        policy_version_id: i64,
        actor: &Actor,
    ) -> Result<EntitlementChanges, StoreError> {
        let now = now_ms();
        let mut changes = EntitlementChanges::default();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        // The schedule stays text: compared with the new one as written, and read as JSON
        // only for the audit entry of a change.
        let existing = sqlx::query_as::<_, (i64, String, String, String, i64)>(
            "select entitlement_id, benefit, status, schedule, policy_version_id from entitlement where talent_id = $1",
        )
        .bind(talent_id)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|(id, benefit, status, schedule, version)| {
            let status: EntitlementStatus = Stored::new("entitlement", id).parse("status", &status)?;
            Ok((id, benefit, status, schedule, version))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        for e in found.iter().filter(|e| !e.schedule.is_empty()) {
            let schedule =
                serde_json::to_string(&e.schedule).map_err(|err| StoreError::Other(err.into()))?;
            let from_month = e.schedule[0].from.to_string();
            let total = e.total_fen();
            let after = json!({"benefit": e.benefit, "from": from_month, "total_fen": total, "policy_version_id": policy_version_id});
            match existing.iter().find(|x| x.1 == e.benefit) {
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "insert into entitlement (talent_id, benefit, status, from_month, schedule, total_fen, policy_version_id, computed_at)
                         values ($1, $2, 'proposed', $3, $4, $5, $6, $7) returning entitlement_id",
                    )
                    .bind(talent_id)
                    .bind(&e.benefit)
                    .bind(&from_month)
                    .bind(&schedule)
                    .bind(total)
                    .bind(policy_version_id)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    notify(
                        &mut tx,
                        talent_id,
                        "entitlement-found",
                        id,
                        json!({"benefit": e.benefit, "from": from_month, "total_fen": total}),
                    )
                    .await?;
                    audit::append(
                        &mut tx,
                        actor,
                        Change {
                            action: "entitlement.found",
                            entity: "entitlement",
                            entity_id: id.to_string(),
                            before: None,
                            after: Some(after),
                        },
                    )
                    .await?;
                    changes.found += 1;
                }
                Some((id, _, status, old, old_version)) => {
                    let revived = *status == EntitlementStatus::Ended;
                    if !revived && *old == schedule && *old_version == policy_version_id {
                        continue;
                    }
                    let new_status = if revived {
                        EntitlementStatus::Proposed
                    } else {
                        *status
                    };
                    sqlx::query(
                        "update entitlement set status = $1, from_month = $2, schedule = $3, total_fen = $4, policy_version_id = $5, computed_at = $6, ended_at = null, ended_reason = null
                         where entitlement_id = $7",
                    )
                    .bind(new_status.as_str())
                    .bind(&from_month)
                    .bind(&schedule)
                    .bind(total)
                    .bind(policy_version_id)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    if revived {
                        notify(
                            &mut tx,
                            talent_id,
                            "entitlement-found",
                            *id,
                            json!({"benefit": e.benefit, "from": from_month, "total_fen": total}),
                        )
                        .await?;
                        changes.found += 1;
                    } else if *old != schedule {
                        changes.changed += 1;
                    }
                    let before: serde_json::Value =
                        serde_json::from_str(old).map_err(|_| StoreError::Corrupt {
                            table: "entitlement",
                            row: *id,
                            column: "schedule",
                        })?;
                    audit::append(
                        &mut tx,
                        actor,
                        Change {
                            action: "entitlement.recompute",
                            entity: "entitlement",
                            entity_id: id.to_string(),
                            before: Some(json!({"status": status, "schedule": before})),
                            after: Some(after),
                        },
                    )
                    .await?;
                }
            }
        }
        for (id, benefit, status, _, _) in &existing {
            let still = found
                .iter()
                .any(|e| &e.benefit == benefit && !e.schedule.is_empty());
            if still || *status == EntitlementStatus::Ended {
                continue;
            }
            sqlx::query("update entitlement set status = 'ended', ended_at = $1, ended_reason = 'no-longer-eligible', computed_at = $1, policy_version_id = $2 where entitlement_id = $3")
                .bind(now)
                .bind(policy_version_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit::append(
                &mut tx,
                actor,
                Change {
                    action: "entitlement.end",
                    entity: "entitlement",
                    entity_id: id.to_string(),
                    before: Some(json!({"status": status})),
                    after: Some(
                        json!({"status": EntitlementStatus::Ended, "reason": "no-longer-eligible"}),
                    ),
                },
            )
            .await?;
            changes.ended += 1;
        }
        tx.commit().await?;
        Ok(changes)
    }

    /// The talent confirms a proposed entitlement with the bank account it will be paid to.
    pub async fn confirm_entitlement(
        &self,
        entitlement_id: i64,
        talent_id: i64,
        bank_masked: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let updated = sqlx::query(
            "update entitlement set status = 'confirmed', confirmed_at = $1, confirmed_bank_masked = $2
             where entitlement_id = $3 and talent_id = $4 and status = 'proposed'",
        )
        .bind(now)
        .bind(bank_masked)
        .bind(entitlement_id)
        .bind(talent_id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "entitlement.confirm",
                entity: "entitlement",
                entity_id: entitlement_id.to_string(),
                before: Some(json!({"status": EntitlementStatus::Proposed})),
                after: Some(
                    json!({"status": EntitlementStatus::Confirmed, "bank_account": bank_masked}),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn entitlements(
        &self,
        filter: &EntitlementFilter,
    ) -> Result<Vec<EntitlementRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "{ENTITLEMENT_SELECT} where ($1 = '' or e.status = $1) and ($2 = '' or e.benefit = $2) and ($3 = 0 or e.talent_id = $3)
             order by e.entitlement_id limit $4 offset $5"
        ))
        .bind(filter.status.map_or("", EntitlementStatus::as_str))
        .bind(filter.benefit.clone().unwrap_or_default())
        .bind(filter.talent_id.unwrap_or(0))
        .bind(if filter.limit > 0 { filter.limit } else { 100 })
        .bind(filter.offset)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entitlement_from_row).collect()
    }

    pub async fn entitlement(&self, entitlement_id: i64) -> Result<EntitlementRecord, StoreError> {
        let row = sqlx::query(&format!("{ENTITLEMENT_SELECT} where e.entitlement_id = $1"))
            .bind(entitlement_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        entitlement_from_row(&row)
    }

    /// How many entitlements match, and their total (fen), for the officers' list.
    pub async fn entitlement_totals(
        &self,
        filter: &EntitlementFilter,
    ) -> Result<(i64, i64), StoreError> {
        Ok(sqlx::query_as(
            "select count(*) as n, cast(coalesce(sum(total_fen), 0) as bigint) as total from entitlement e
             where ($1 = '' or e.status = $1) and ($2 = '' or e.benefit = $2) and ($3 = 0 or e.talent_id = $3)",
        )
        .bind(filter.status.map_or("", EntitlementStatus::as_str))
        .bind(filter.benefit.clone().unwrap_or_default())
        .bind(filter.talent_id.unwrap_or(0))
        .fetch_one(self.pool())
        .await?)
    }
}
