//! Policy pack versions (drafts and published), green cards, entitlements found without
//! application, and talents' notifications.
//!
//! The store keeps pack *text*; compiling and evaluating is the rules engine's business
//! (yingcai-rules), done by the callers. A published version is never edited: cards and
//! entitlements name the version they were computed with, so it must stay readable as it was.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::audit::{self, Actor, Change};
use yingcai_domain::Month;
use yingcai_domain::status::{CardStatus, EntitlementStatus, PolicyStatus};

use crate::{Store, StoreError, dialect, now_ms};

/// One version of a policy pack, as stored.
#[derive(Debug, Clone)]
pub struct PolicyVersionRecord {
    pub policy_version_id: i64,
    pub pack_id: String,
    pub version: String,
    pub status: PolicyStatus,
    /// `YYYY-MM-DD`.
    pub effective_date: String,
    pub file_name: String,
    pub source: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

impl PolicyVersionRecord {
    pub fn is_published(&self) -> bool {
        self.status == PolicyStatus::Published
    }
}

/// What a draft says of itself (empty strings while the text does not compile).
#[derive(Debug, Clone, Default)]
pub struct PolicyDraft {
    pub pack_id: String,
    pub version: String,
    pub effective_date: String,
    pub file_name: String,
    pub source: String,
}

fn version_from_row(row: &AnyRow) -> Result<PolicyVersionRecord, StoreError> {
    let id: i64 = row.try_get("policy_version_id")?;
    Ok(PolicyVersionRecord {
        policy_version_id: id,
        pack_id: row.try_get("pack_id")?,
        version: row.try_get("version")?,
        status: crate::columns::parsed(row, "policy_version", id, "status")?,
        effective_date: row.try_get("effective_date")?,
        file_name: row.try_get("file_name")?,
        source: row.try_get("source")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        published_at: row.try_get("published_at")?,
    })
}

pub(crate) fn actor_id(actor: &Actor) -> Option<i64> {
    match actor {
        Actor::Account { account_id, .. } => Some(*account_id),
        _ => None,
    }
}

/// A green card as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRecord {
    pub card_id: i64,
    pub number: String,
    pub talent_id: i64,
    pub tier: String,
    /// `YYYY-MM-DD`.
    pub valid_from: String,
    /// `YYYY-MM-DD`, inclusive.
    pub valid_until: String,
    /// Expiry is read from `valid_until`.
    pub status: CardStatus,
    pub revoked_reason: Option<String>,
    pub revoked_at: Option<i64>,
    pub policy_version_id: i64,
    pub issued_at: i64,
}

fn card_from_row(row: &AnyRow) -> Result<CardRecord, StoreError> {
    let id: i64 = row.try_get("card_id")?;
    Ok(CardRecord {
        card_id: id,
        number: row.try_get("number")?,
        talent_id: row.try_get("talent_id")?,
        tier: row.try_get("tier")?,
        valid_from: row.try_get("valid_from")?,
        valid_until: row.try_get("valid_until")?,
        status: crate::columns::parsed(row, "card", id, "status")?,
        revoked_reason: row.try_get("revoked_reason")?,
        revoked_at: row.try_get("revoked_at")?,
        policy_version_id: row.try_get("policy_version_id")?,
        issued_at: row.try_get("issued_at")?,
    })
}

/// A card to issue; `number` turns the new card's serial into its number.
pub struct NewCard<'a> {
    pub talent_id: i64,
    pub tier: &'a str,
    pub valid_from: &'a str,
    pub valid_until: &'a str,
    pub policy_version_id: i64,
    pub number: &'a (dyn Fn(i64) -> String + Sync),
}

/// A stretch of months with one amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleSegment {
    pub from: Month,
    /// Inclusive.
    pub to: Month,
    pub amount_fen: i64,
}

/// What the engine found for one benefit of one talent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedEntitlement {
    pub benefit: String,
    pub schedule: Vec<ScheduleSegment>,
}

impl ComputedEntitlement {
    pub fn total_fen(&self) -> i64 {
        self.schedule
            .iter()
            .map(|s| s.amount_fen * (i64::from(s.to.months_since(s.from)) + 1).max(0))
            .sum()
    }
}

/// A stored entitlement.
#[derive(Debug, Clone)]
pub struct EntitlementRecord {
    pub entitlement_id: i64,
    pub talent_id: i64,
    /// The talent's name, for officers' lists.
    pub talent_name: String,
    pub benefit: String,
    pub status: EntitlementStatus,
    pub from_month: Month,
    pub schedule: Vec<ScheduleSegment>,
    pub total_fen: i64,
    pub policy_version_id: i64,
    /// The version's label, e.g. `shijiazhuang-green-card 2023.1`.
    pub policy_version: String,
    pub computed_at: i64,
    pub confirmed_at: Option<i64>,
    pub confirmed_bank_masked: Option<String>,
    pub ended_reason: Option<String>,
    /// Why an officer holds its payments, if held.
    pub held_reason: Option<String>,
}

const ENTITLEMENT_SELECT: &str = "select e.*, t.name as talent_name, p.pack_id, p.version from entitlement e join talent t on t.talent_id = e.talent_id join policy_version p on p.policy_version_id = e.policy_version_id";

fn entitlement_from_row(row: &AnyRow) -> Result<EntitlementRecord, StoreError> {
    let schedule: String = row.try_get("schedule")?;
    let pack_id: String = row.try_get("pack_id")?;
    let version: String = row.try_get("version")?;
    let entitlement_id: i64 = row.try_get("entitlement_id")?;
    Ok(EntitlementRecord {
        entitlement_id,
        talent_id: row.try_get("talent_id")?,
        talent_name: row.try_get("talent_name")?,
        benefit: row.try_get("benefit")?,
        status: crate::columns::parsed(row, "entitlement", entitlement_id, "status")?,
        from_month: crate::columns::month(row, "entitlement", entitlement_id, "from_month")?,
        schedule: serde_json::from_str(&schedule).map_err(|_| StoreError::Corrupt {
            table: "entitlement",
            row: entitlement_id,
            column: "schedule",
        })?,
        total_fen: row.try_get("total_fen")?,
        policy_version_id: row.try_get("policy_version_id")?,
        policy_version: format!("{pack_id} {version}"),
        computed_at: row.try_get("computed_at")?,
        confirmed_at: row.try_get("confirmed_at")?,
        confirmed_bank_masked: row.try_get("confirmed_bank_masked")?,
        ended_reason: row.try_get("ended_reason")?,
        held_reason: row.try_get("held_reason")?,
    })
}

/// What a recomputation changed for one talent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntitlementChanges {
    /// Newly eligible (a notification was sent).
    pub found: usize,
    /// Still eligible, with a different schedule.
    pub changed: usize,
    /// No longer eligible.
    pub ended: usize,
}

impl std::ops::AddAssign for EntitlementChanges {
    fn add_assign(&mut self, o: Self) {
        self.found += o.found;
        self.changed += o.changed;
        self.ended += o.ended;
    }
}

/// Officers' entitlement list filter.
#[derive(Debug, Clone, Default)]
pub struct EntitlementFilter {
    pub status: Option<EntitlementStatus>,
    pub benefit: Option<String>,
    pub talent_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// A message for a talent.
#[derive(Debug, Clone)]
pub struct NotificationRecord {
    pub notification_id: i64,
    pub talent_id: i64,
    pub kind: String,
    pub subject_id: Option<i64>,
    pub payload: serde_json::Value,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

pub(crate) async fn notify(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    talent_id: i64,
    kind: &str,
    subject_id: i64,
    payload: serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("insert into notification (talent_id, kind, subject_id, payload, created_at) values ($1, $2, $3, $4, $5)")
        .bind(talent_id)
        .bind(kind)
        .bind(subject_id)
        .bind(payload.to_string())
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    // ------------------------------------------------------------------ versions

    /// Every version, newest first.
    pub async fn policy_versions(&self) -> Result<Vec<PolicyVersionRecord>, StoreError> {
        let rows = sqlx::query("select * from policy_version order by policy_version_id desc")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(version_from_row).collect()
    }

    /// Published versions, oldest first (the order the engine loads them in).
    pub async fn published_policy_versions(&self) -> Result<Vec<PolicyVersionRecord>, StoreError> {
        let rows = sqlx::query(
            "select * from policy_version where status = 'published' order by policy_version_id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(version_from_row).collect()
    }

    /// A cheap fingerprint of the published set, so app servers notice another server's
    /// publication without reloading every pack on each request.
    pub async fn published_policy_fingerprint(&self) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query("select count(*) as n, coalesce(max(policy_version_id), 0) as last from policy_version where status = 'published'")
            .fetch_one(self.pool())
            .await?;
        Ok((row.try_get("n")?, row.try_get("last")?))
    }

    pub async fn policy_version(&self, id: i64) -> Result<PolicyVersionRecord, StoreError> {
        let row = sqlx::query("select * from policy_version where policy_version_id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        version_from_row(&row)
    }

    /// Publishes the built-in pack when nothing is published yet, so a fresh site has a
    /// policy in force. Safe to call from several servers at once.
    pub async fn ensure_policy_published(&self, draft: &PolicyDraft) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let any: Option<i64> = sqlx::query_scalar(
            "select policy_version_id from policy_version where status = 'published' limit 1",
        )
        .fetch_optional(&mut *tx)
        .await?;
        if any.is_some() {
            return Ok(());
        }
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "insert into policy_version (pack_id, version, status, effective_date, file_name, source, created_at, updated_at, published_at)
             values ($1, $2, 'published', $3, $4, $5, $6, $6, $6) returning policy_version_id",
        )
        .bind(&draft.pack_id)
        .bind(&draft.version)
        .bind(&draft.effective_date)
        .bind(&draft.file_name)
        .bind(&draft.source)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            &Actor::System,
            Change {
                action: "policy.publish",
                entity: "policy_version",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({"pack": draft.pack_id, "version": draft.version, "effective": draft.effective_date, "built_in": true})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates (`id` = None) or updates a draft. Published versions cannot be edited.
    pub async fn save_policy_draft(
        &self,
        id: Option<i64>,
        draft: &PolicyDraft,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let id = match id {
            None => {
                sqlx::query_scalar::<_, i64>(
                    "insert into policy_version (pack_id, version, status, effective_date, file_name, source, created_by, created_at, updated_at)
                     values ($1, $2, 'draft', $3, $4, $5, $6, $7, $7) returning policy_version_id",
                )
                .bind(&draft.pack_id)
                .bind(&draft.version)
                .bind(&draft.effective_date)
                .bind(&draft.file_name)
                .bind(&draft.source)
                .bind(actor_id(actor))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
            }
            Some(id) => {
                let updated = sqlx::query(
                    "update policy_version set pack_id = $1, version = $2, effective_date = $3, file_name = $4, source = $5, updated_at = $6
                     where policy_version_id = $7 and status = 'draft'",
                )
                .bind(&draft.pack_id)
                .bind(&draft.version)
                .bind(&draft.effective_date)
                .bind(&draft.file_name)
                .bind(&draft.source)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                id
            }
        };
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "policy.draft",
                entity: "policy_version",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({"pack": draft.pack_id, "version": draft.version, "bytes": draft.source.len()})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Publishes a draft with its final text (the effective date written into it). A
    /// version already published under the same pack and version is a conflict.
    pub async fn publish_policy_version(
        &self,
        id: i64,
        draft: &PolicyDraft,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let updated = sqlx::query(
            "update policy_version set pack_id = $1, version = $2, effective_date = $3, source = $4, status = 'published', published_by = $5, published_at = $6, updated_at = $6
             where policy_version_id = $7 and status = 'draft'",
        )
        .bind(&draft.pack_id)
        .bind(&draft.version)
        .bind(&draft.effective_date)
        .bind(&draft.source)
        .bind(actor_id(actor))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "policy.publish",
                entity: "policy_version",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({"pack": draft.pack_id, "version": draft.version, "effective": draft.effective_date})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The version the population was last recomputed under.
    pub async fn recomputed_policy_version(&self) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "select recomputed_version_id from policy_state where policy_state_id = 1",
        )
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn set_recomputed_policy_version(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("update policy_state set recomputed_version_id = $1, recomputed_at = $2 where policy_state_id = 1")
            .bind(id)
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    // ------------------------------------------------------------------ cards

    /// Issues a card; a talent with a card in force gets `Conflict`.
    pub async fn issue_card(
        &self,
        card: &NewCard<'_>,
        actor: &Actor,
    ) -> Result<CardRecord, StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let active: Option<i64> = sqlx::query_scalar(
            "select card_id from card where talent_id = $1 and status = 'active'",
        )
        .bind(card.talent_id)
        .fetch_optional(&mut *tx)
        .await?;
        if active.is_some() {
            return Err(StoreError::Conflict {
                constraint: "card_active_idx".into(),
            });
        }
        // The number carries the serial, which is the row id: insert, then number it.
        let pending = format!("pending-{}-{now}", card.talent_id);
        let card_id: i64 = sqlx::query_scalar(
            "insert into card (number, talent_id, tier, valid_from, valid_until, status, policy_version_id, issued_by, issued_at)
             values ($1, $2, $3, $4, $5, 'active', $6, $7, $8) returning card_id",
        )
        .bind(&pending)
        .bind(card.talent_id)
        .bind(card.tier)
        .bind(card.valid_from)
        .bind(card.valid_until)
        .bind(card.policy_version_id)
        .bind(actor_id(actor))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let number = (card.number)(card_id);
        sqlx::query("update card set number = $1 where card_id = $2")
            .bind(&number)
            .bind(card_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "card.issue",
                entity: "card",
                entity_id: card_id.to_string(),
                before: None,
                after: Some(json!({"number": number, "talent_id": card.talent_id, "tier": card.tier, "valid_until": card.valid_until})),
            },
        )
        .await?;
        notify(
            &mut tx,
            card.talent_id,
            "card-issued",
            card_id,
            json!({"number": number, "tier": card.tier}),
        )
        .await?;
        tx.commit().await?;
        self.card(card_id).await
    }

    /// Revokes a card in force, with the reason shown on /verify.
    pub async fn revoke_card(
        &self,
        card_id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let card = sqlx::query("select * from card where card_id = $1 and status = 'active'")
            .bind(card_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let card = card_from_row(&card)?;
        sqlx::query("update card set status = 'revoked', revoked_reason = $1, revoked_at = $2, revoked_by = $3 where card_id = $4")
            .bind(reason)
            .bind(now)
            .bind(actor_id(actor))
            .bind(card_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "card.revoke",
                entity: "card",
                entity_id: card_id.to_string(),
                before: Some(json!({"status": CardStatus::Active})),
                after: Some(json!({"status": CardStatus::Revoked, "reason": reason})),
            },
        )
        .await?;
        notify(
            &mut tx,
            card.talent_id,
            "card-revoked",
            card_id,
            json!({"number": card.number, "reason": reason}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn card(&self, card_id: i64) -> Result<CardRecord, StoreError> {
        let row = sqlx::query("select * from card where card_id = $1")
            .bind(card_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        card_from_row(&row)
    }

    pub async fn card_by_number(&self, number: &str) -> Result<Option<CardRecord>, StoreError> {
        let row = sqlx::query("select * from card where number = $1")
            .bind(number)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(card_from_row).transpose()
    }

    /// A talent's cards, newest first.
    pub async fn cards_of_talent(&self, talent_id: i64) -> Result<Vec<CardRecord>, StoreError> {
        let rows = sqlx::query("select * from card where talent_id = $1 order by card_id desc")
            .bind(talent_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(card_from_row).collect()
    }

    pub async fn count_cards(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("select count(*) from card")
            .fetch_one(self.pool())
            .await?)
    }

    /// Numbers of revoked cards, for the list published next to the public key.
    pub async fn revoked_card_numbers(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("select number from card where status = 'revoked' order by number")
                .fetch_all(self.pool())
                .await?,
        )
    }

    // ------------------------------------------------------------------ entitlements

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
        let rows = sqlx::query("select entitlement_id, benefit, status, schedule, policy_version_id from entitlement where talent_id = $1")
            .bind(talent_id)
            .fetch_all(&mut *tx)
            .await?;
        let mut existing = Vec::new();
        for row in &rows {
            let id = row.try_get::<i64, _>("entitlement_id")?;
            existing.push((
                id,
                row.try_get::<String, _>("benefit")?,
                crate::columns::parsed::<EntitlementStatus>(row, "entitlement", id, "status")?,
                row.try_get::<String, _>("schedule")?,
                row.try_get::<i64, _>("policy_version_id")?,
            ));
        }
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
        let row = sqlx::query(
            "select count(*) as n, cast(coalesce(sum(total_fen), 0) as bigint) as total from entitlement e
             where ($1 = '' or e.status = $1) and ($2 = '' or e.benefit = $2) and ($3 = 0 or e.talent_id = $3)",
        )
        .bind(filter.status.map_or("", EntitlementStatus::as_str))
        .bind(filter.benefit.clone().unwrap_or_default())
        .bind(filter.talent_id.unwrap_or(0))
        .fetch_one(self.pool())
        .await?;
        Ok((row.try_get("n")?, row.try_get("total")?))
    }

    // ------------------------------------------------------------------ notifications

    /// A talent's notifications, newest first.
    pub async fn notifications(
        &self,
        talent_id: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let rows = sqlx::query("select * from notification where talent_id = $1 order by notification_id desc limit 100")
            .bind(talent_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                let payload: String = row.try_get("payload")?;
                let id: i64 = row.try_get("notification_id")?;
                Ok(NotificationRecord {
                    notification_id: id,
                    talent_id: row.try_get("talent_id")?,
                    kind: row.try_get("kind")?,
                    subject_id: row.try_get("subject_id")?,
                    payload: serde_json::from_str(&payload).map_err(|_| StoreError::Corrupt {
                        table: "notification",
                        row: id,
                        column: "payload",
                    })?,
                    created_at: row.try_get("created_at")?,
                    read_at: row.try_get("read_at")?,
                })
            })
            .collect()
    }

    pub async fn unread_notifications(&self, talent_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "select count(*) from notification where talent_id = $1 and read_at is null",
        )
        .bind(talent_id)
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn mark_notifications_read(&self, talent_id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "update notification set read_at = $1 where talent_id = $2 and read_at is null",
        )
        .bind(now_ms())
        .bind(talent_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_totals_count_months_inclusively() {
        let e = ComputedEntitlement {
            benefit: "rent_allowance".into(),
            schedule: vec![
                ScheduleSegment {
                    from: "2026-11".parse().unwrap(),
                    to: "2027-02".parse().unwrap(),
                    amount_fen: 100,
                },
                ScheduleSegment {
                    from: "2027-03".parse().unwrap(),
                    to: "2027-03".parse().unwrap(),
                    amount_fen: 7,
                },
            ],
        };
        assert_eq!(e.total_fen(), 407);
    }
}
