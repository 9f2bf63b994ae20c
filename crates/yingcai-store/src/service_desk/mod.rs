//! Industry service teams (产业人才服务专班): teams and their pairing with enterprises,
//! case categories with their service targets, the years of the working-time calendar
//! that administrators add, and the cases of each team's ledger.
//!
//! The life cycle's rules (who may move a case where) and the clocks live in
//! `yingcai-casedesk`; this module stores what they decided, each change in one
//! transaction with its audit entry.

mod attachments;
mod cases;
mod changes;
mod figures;
mod teams;

use serde_json::json;
use yingcai_domain::status::CaseStatus;

use crate::audit::{self, Actor, Change};
use crate::policy::actor_id;
use crate::{Store, StoreError, dialect, now_ms};

pub use attachments::{AttachmentRecord, MAX_CASE_ATTACHMENTS, NewAttachment};
pub use cases::{
    CaseEvent, CaseFilter, CaseRecord, CaseTransition, ChecklistItem, EventKind, NewCase,
    PauseRecord, TeamMonthRow,
};
pub use figures::{OpenDay, OpenedMonth, ResolvedMonth};
pub use teams::{
    CalendarYearRecord, CategoryRecord, DefaultTeam, PairedEnterprise, TeamInput, TeamRecord,
};

crate::refusal! {
    /// Why a change to a case was not made.
    pub enum CaseChangeError {
        /// Someone else changed the case first: the page is out of date.
        Stale => ("status", "case-stale", "the case was changed by someone else meanwhile"),
        /// The checklist item is not on this case.
        NoSuchItem => ("item", "case-item-unknown", "no such checklist item on this case"),
        /// The team does not exist.
        NoSuchTeam => ("team", "team-unknown", "no such service team"),
        /// The case would carry more files than a case may.
        TooManyFiles => ("files", "case-files-too-many", "the case would carry too many files"),
    }
}
