//! Open competitions (揭榜挂帅), first step: needs and the lists they are published on.
//!
//! An enterprise drafts a need (its issuer is the enterprise's registered name), or an
//! officer drafts one for a government unit (the issuer is the unit's name); the drafter
//! edits it while it is a draft or returned, and submits it. Officers return it with a
//! reason or accept it, and publish accepted needs together as a numbered list, only when
//! every one of them leaves bidders the minimum bid window. A published need is public;
//! an unpublished one exists only for its drafter and (once submitted) the officers.

use serde::Serialize;
use yingcai_domain::competition::Need;
use yingcai_domain::status::NeedStatus;
use yingcai_domain::{Date, FieldError, FieldErrors};
use yingcai_store::{
    Actor, ListRecord, NeedChangeError, NeedFilter, NeedRecord, NewList, NewNeed, Store,
};

use crate::Error;

/// The competitions' settings.
#[derive(Debug, Clone, Copy)]
pub struct CompetitionRules {
    /// Days from a list's publication to the earliest bid deadline of its needs.
    pub min_bid_window_days: u32,
}

impl Default for CompetitionRules {
    fn default() -> Self {
        CompetitionRules {
            min_bid_window_days: 30,
        }
    }
}

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: i64,
    pub email: String,
    pub enterprise: bool,
    pub officer: bool,
}

impl Caller {
    pub fn actor(&self) -> Actor {
        Actor::account(self.account_id, self.email.clone())
    }

    /// Enterprises and officers draft needs; nobody else does.
    pub fn may_draft(&self) -> bool {
        self.enterprise || self.officer
    }
}

/// How the caller stands to a need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Drafted it (and may edit and submit it while it is a draft or returned).
    Drafter,
    /// An officer reviewing it (it has been submitted).
    Officer,
}

/// The need if the caller may see it: its drafter always, officers once it has been
/// submitted. Anyone else — the public, other enterprises — finds nothing.
pub async fn need_for(
    store: &Store,
    caller: &Caller,
    need_id: i64,
) -> Result<(NeedRecord, Standing), Error> {
    let record = store.need(need_id).await?;
    if record.owner_account_id == caller.account_id {
        return Ok((record, Standing::Drafter));
    }
    if caller.officer && record.status != NeedStatus::Draft {
        return Ok((record, Standing::Officer));
    }
    Err(Error::NotFound)
}

/// A published need, as anyone reads it.
pub async fn public_need(store: &Store, need_id: i64) -> Result<NeedRecord, Error> {
    let record = store.need(need_id).await?;
    if record.status == NeedStatus::Published {
        Ok(record)
    } else {
        Err(Error::NotFound)
    }
}

/// Whether a drafter may still change the need.
pub fn editable(status: NeedStatus) -> bool {
    matches!(status, NeedStatus::Draft | NeedStatus::Returned)
}

/// Who the need is from: the caller's enterprise, or (officers) the unit they name.
async fn issuer(
    store: &Store,
    caller: &Caller,
    unit: &str,
) -> Result<(Option<i64>, String), Error> {
    if caller.enterprise {
        return match store.enterprise_of_owner(caller.account_id).await? {
            Some(enterprise) => Ok((Some(enterprise.enterprise_id), enterprise.profile.name)),
            None => Err(Error::field("issuer", "need-enterprise-record-missing")),
        };
    }
    if caller.officer {
        let unit = unit.trim();
        if unit.is_empty() {
            return Err(Error::field("issuer", "need-issuer-required"));
        }
        if unit.chars().count() > 100 || unit.chars().any(char::is_control) {
            return Err(Error::field("issuer", "need-text-too-long"));
        }
        return Ok((None, unit.to_owned()));
    }
    Err(Error::field("issuer", "need-drafter-only"))
}

/// Saves a new draft. `unit` names the government unit an officer drafts for (ignored for
/// an enterprise, whose registered name is the issuer).
pub async fn draft_need(
    store: &Store,
    caller: &Caller,
    unit: &str,
    need: &Need,
    now: i64,
) -> Result<i64, Error> {
    let (enterprise_id, issuer) = issuer(store, caller, unit).await?;
    Ok(store
        .create_need(
            &NewNeed {
                owner_account_id: caller.account_id,
                enterprise_id,
                issuer: &issuer,
                need,
                at: now,
            },
            &caller.actor(),
        )
        .await?)
}

/// Replaces a draft's or a returned need's content (its drafter only).
pub async fn edit_need(
    store: &Store,
    caller: &Caller,
    need_id: i64,
    unit: &str,
    need: &Need,
    now: i64,
) -> Result<(), Error> {
    let (record, standing) = need_for(store, caller, need_id).await?;
    if standing != Standing::Drafter {
        return Err(Error::NotFound);
    }
    if !editable(record.status) {
        return Err(Error::field("status", "need-not-editable"));
    }
    let issuer = if record.enterprise_id.is_some() {
        record.issuer.clone()
    } else {
        issuer(store, caller, unit).await?.1
    };
    store
        .update_need(need_id, record.status, &issuer, need, now, &caller.actor())
        .await?;
    Ok(())
}

/// Sends a draft or a returned need to the officers. Its deadline must still be ahead.
pub async fn submit_need(
    store: &Store,
    caller: &Caller,
    need_id: i64,
    today: Date,
    now: i64,
) -> Result<(), Error> {
    let (record, standing) = need_for(store, caller, need_id).await?;
    if standing != Standing::Drafter {
        return Err(Error::NotFound);
    }
    if !editable(record.status) {
        return Err(Error::field("status", "need-not-submittable"));
    }
    if record.need.bid_deadline <= today {
        return Err(Error::field("bid_deadline", "need-deadline-past"));
    }
    store
        .move_need(
            need_id,
            record.status,
            NeedStatus::Submitted,
            "",
            now,
            &caller.actor(),
        )
        .await?;
    Ok(())
}

/// An officer's decision on a submitted need.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Back to the drafter, with the reason they read.
    Return {
        reason: String,
    },
    Accept,
}

/// Returns a submitted need with a reason (required), or accepts it.
pub async fn decide_need(
    store: &Store,
    caller: &Caller,
    need_id: i64,
    decision: &Decision,
    now: i64,
) -> Result<(), Error> {
    if !caller.officer {
        return Err(Error::NotFound);
    }
    let (record, _) = need_for(store, caller, need_id).await?;
    let (to, note) = match decision {
        Decision::Return { reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(Error::field("reason", "required"));
            }
            if reason.chars().count() > 2000
                || reason
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                return Err(Error::field("reason", "need-text-too-long"));
            }
            (NeedStatus::Returned, reason)
        }
        Decision::Accept => (NeedStatus::Accepted, ""),
    };
    if record.status != NeedStatus::Submitted {
        return Err(Error::field("status", "need-not-submitted"));
    }
    store
        .move_need(need_id, record.status, to, note, now, &caller.actor())
        .await?;
    Ok(())
}

/// A need whose deadline is too early for the list.
#[derive(Debug, Clone, Serialize)]
pub struct TooEarly {
    pub need_id: i64,
    pub title: String,
    pub bid_deadline: Date,
}

/// Why a list was not published (nothing was).
#[derive(Debug)]
pub enum PublishRefusal {
    /// These needs close before `earliest`, the minimum bid window after today.
    TooEarly {
        needs: Vec<TooEarly>,
        earliest: Date,
        days: u32,
    },
    Other(Error),
}

impl From<Error> for PublishRefusal {
    fn from(error: Error) -> Self {
        PublishRefusal::Other(error)
    }
}

impl From<NeedChangeError> for PublishRefusal {
    fn from(error: NeedChangeError) -> Self {
        PublishRefusal::Other(error.into())
    }
}

impl PublishRefusal {
    /// The code shown next to the list of needs for a deadline too early.
    pub const TOO_EARLY: &'static str = "list-deadline-too-early";
}

/// Publishes accepted needs together as the next numbered list of the Beijing year of
/// `today`. Every need's deadline must be at least the minimum bid window after `today`;
/// otherwise nothing is published and the refusal names the needs that close too soon.
pub async fn publish_list(
    store: &Store,
    caller: &Caller,
    title: &str,
    need_ids: &[i64],
    rules: CompetitionRules,
    today: Date,
    now: i64,
) -> Result<ListRecord, PublishRefusal> {
    if !caller.officer {
        return Err(Error::NotFound.into());
    }
    let mut errors = FieldErrors::new();
    let title = title.trim();
    if title.is_empty() {
        errors.push(FieldError::new("title", "required"));
    } else if title.chars().count() > 120 || title.chars().any(char::is_control) {
        errors.push(FieldError::new("title", "need-text-too-long"));
    }
    let mut ids: Vec<i64> = Vec::new();
    for id in need_ids {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    if ids.is_empty() {
        errors.push(FieldError::new("needs", "list-needs-required"));
    }
    let mut needs = Vec::new();
    for id in &ids {
        match store.need(*id).await {
            Ok(record) if record.status == NeedStatus::Accepted => needs.push(record),
            Ok(_) | Err(yingcai_store::StoreError::NotFound) => {
                errors.push(FieldError::new("needs", "list-need-not-accepted"));
                break;
            }
            Err(other) => return Err(Error::from(other).into()),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors).into());
    }
    let earliest = today
        .plus_days(i32::try_from(rules.min_bid_window_days).unwrap_or(i32::MAX))
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("the bid window runs past the calendar")))?;
    let too_early: Vec<TooEarly> = needs
        .iter()
        .filter(|n| n.need.bid_deadline < earliest)
        .map(|n| TooEarly {
            need_id: n.need_id,
            title: n.need.title.clone(),
            bid_deadline: n.need.bid_deadline,
        })
        .collect();
    if !too_early.is_empty() {
        return Err(PublishRefusal::TooEarly {
            needs: too_early,
            earliest,
            days: rules.min_bid_window_days,
        });
    }
    Ok(store
        .publish_list(
            &NewList {
                title,
                year: today.year(),
                min_window_days: rules.min_bid_window_days,
                earliest_deadline: earliest,
                need_ids: &ids,
                at: now,
            },
            &caller.actor(),
        )
        .await?)
}

/// The officers' queue: needs in `statuses` (submitted first when empty: the work to do,
/// then the accepted ones awaiting a list, then the returned ones).
pub async fn review_queue(
    store: &Store,
    status: Option<NeedStatus>,
) -> Result<Vec<NeedRecord>, Error> {
    let statuses = match status {
        // A draft is its drafter's alone.
        Some(NeedStatus::Draft) => return Ok(Vec::new()),
        Some(status) => vec![status],
        None => vec![
            NeedStatus::Submitted,
            NeedStatus::Accepted,
            NeedStatus::Returned,
        ],
    };
    let mut needs = store
        .needs(&NeedFilter {
            statuses: statuses.clone(),
            limit: 500,
            ..Default::default()
        })
        .await?;
    needs.sort_by_key(|n| {
        (
            statuses.iter().position(|s| *s == n.status),
            n.submitted_at,
            n.need_id,
        )
    });
    Ok(needs)
}
