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
use sqlx::FromRow as _;
use sqlx::any::AnyRow;

use crate::columns::Stored;

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

/// A `policy_version` row as stored; [`PolicyVersionRecord`] is it checked.
#[derive(sqlx::FromRow)]
struct VersionRow {
    policy_version_id: i64,
    pack_id: String,
    version: String,
    status: String,
    effective_date: String,
    file_name: String,
    source: String,
    created_by: Option<i64>,
    created_at: i64,
    updated_at: i64,
    published_at: Option<i64>,
}

impl TryFrom<VersionRow> for PolicyVersionRecord {
    type Error = StoreError;

    fn try_from(row: VersionRow) -> Result<Self, StoreError> {
        let cell = Stored::new("policy_version", row.policy_version_id);
        Ok(PolicyVersionRecord {
            policy_version_id: row.policy_version_id,
            pack_id: row.pack_id,
            version: row.version,
            status: cell.parse("status", &row.status)?,
            effective_date: row.effective_date,
            file_name: row.file_name,
            source: row.source,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
            published_at: row.published_at,
        })
    }
}

fn version_from_row(row: &AnyRow) -> Result<PolicyVersionRecord, StoreError> {
    VersionRow::from_row(row)?.try_into()
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

/// A `card` row as stored; [`CardRecord`] is it checked.
#[derive(sqlx::FromRow)]
struct CardRow {
    card_id: i64,
    number: String,
    talent_id: i64,
    tier: String,
    valid_from: String,
    valid_until: String,
    status: String,
    revoked_reason: Option<String>,
    revoked_at: Option<i64>,
    policy_version_id: i64,
    issued_at: i64,
}

impl TryFrom<CardRow> for CardRecord {
    type Error = StoreError;

    fn try_from(row: CardRow) -> Result<Self, StoreError> {
        Ok(CardRecord {
            status: Stored::new("card", row.card_id).parse("status", &row.status)?,
            card_id: row.card_id,
            number: row.number,
            talent_id: row.talent_id,
            tier: row.tier,
            valid_from: row.valid_from,
            valid_until: row.valid_until,
            revoked_reason: row.revoked_reason,
            revoked_at: row.revoked_at,
            policy_version_id: row.policy_version_id,
            issued_at: row.issued_at,
        })
    }
}

fn card_from_row(row: &AnyRow) -> Result<CardRecord, StoreError> {
    CardRow::from_row(row)?.try_into()
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

/// An `entitlement` row with its talent's name and its version's pack and version
/// ([`ENTITLEMENT_SELECT`]); [`EntitlementRecord`] is it checked.
#[derive(sqlx::FromRow)]
struct EntitlementRow {
    entitlement_id: i64,
    talent_id: i64,
    talent_name: String,
    benefit: String,
    status: String,
    from_month: String,
    schedule: String,
    total_fen: i64,
    policy_version_id: i64,
    pack_id: String,
    version: String,
    computed_at: i64,
    confirmed_at: Option<i64>,
    confirmed_bank_masked: Option<String>,
    ended_reason: Option<String>,
    held_reason: Option<String>,
}

impl TryFrom<EntitlementRow> for EntitlementRecord {
    type Error = StoreError;

    fn try_from(row: EntitlementRow) -> Result<Self, StoreError> {
        let cell = Stored::new("entitlement", row.entitlement_id);
        Ok(EntitlementRecord {
            entitlement_id: row.entitlement_id,
            talent_id: row.talent_id,
            talent_name: row.talent_name,
            benefit: row.benefit,
            status: cell.parse("status", &row.status)?,
            from_month: cell.parse("from_month", &row.from_month)?,
            schedule: serde_json::from_str(&row.schedule).map_err(|_| cell.corrupt("schedule"))?,
            total_fen: row.total_fen,
            policy_version_id: row.policy_version_id,
            policy_version: format!("{} {}", row.pack_id, row.version),
            computed_at: row.computed_at,
            confirmed_at: row.confirmed_at,
            confirmed_bank_masked: row.confirmed_bank_masked,
            ended_reason: row.ended_reason,
            held_reason: row.held_reason,
        })
    }
}

fn entitlement_from_row(row: &AnyRow) -> Result<EntitlementRecord, StoreError> {
    EntitlementRow::from_row(row)?.try_into()
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

/// A `notification` row as stored; [`NotificationRecord`] is it checked.
#[derive(sqlx::FromRow)]
struct NotificationRow {
    notification_id: i64,
    talent_id: i64,
    kind: String,
    subject_id: Option<i64>,
    payload: String,
    created_at: i64,
    read_at: Option<i64>,
}

impl TryFrom<NotificationRow> for NotificationRecord {
    type Error = StoreError;

    fn try_from(row: NotificationRow) -> Result<Self, StoreError> {
        Ok(NotificationRecord {
            payload: serde_json::from_str(&row.payload)
                .map_err(|_| Stored::new("notification", row.notification_id).corrupt("payload"))?,
            notification_id: row.notification_id,
            talent_id: row.talent_id,
            kind: row.kind,
            subject_id: row.subject_id,
            created_at: row.created_at,
            read_at: row.read_at,
        })
    }
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
