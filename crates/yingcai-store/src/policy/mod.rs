//! Policy pack versions (drafts and published), green cards, entitlements found without
//! application, and talents' notifications.
//!
//! The store keeps pack *text*; compiling and evaluating is the rules engine's business
//! (yingcai-rules), done by the callers. A published version is never edited: cards and
//! entitlements name the version they were computed with, so it must stay readable as it was.

mod cards;
mod entitlements;
mod notifications;
mod versions;

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
