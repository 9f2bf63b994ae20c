//! A case's life: which action moves a case to which [`CaseStatus`], and who may take it.
//!
//! | action | who | from | to |
//! |---|---|---|---|
//! | accept | officer | new | accepted |
//! | start | officer | new, accepted | in progress |
//! | wait (requester / bureau) | officer | accepted, in progress | waiting on the requester / on another bureau |
//! | resume | officer | waiting on either | in progress |
//! | resolve | officer | accepted, in progress, waiting on either | resolved |
//! | close | officer or requester (who confirms) | resolved | closed |
//! | reopen | requester | resolved | in progress (within [`may_reopen`]'s window) |
//! | reply | officer or requester | any but closed | unchanged; a requester's reply to a case waiting on the requester puts it in progress |
//! | note | officer | any | unchanged |
//!
//! "Officer" is a member of the case's team or of the supervising office. A reply never
//! changes the status of a new case: an officer's first reply only stops the first-response
//! clock ([`crate::clock`]). Closed is final: only notes may be added.

use serde::{Serialize, Serializer};
use yingcai_domain::status::CaseStatus;

/// Who takes an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The enterprise or talent who raised the case (through the portal).
    Requester,
    /// A member of the case's service team, or of the supervising office.
    Officer,
}

/// Whom a waiting case waits on (its clocks are paused meanwhile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaitingOn {
    /// The requester must supply something.
    Requester,
    /// Another bureau must answer.
    Bureau,
}

/// Something done to a case.
///
/// Serialised (and parsed, [`std::str::FromStr`]) as its [`as_str`](Action::as_str) text:
/// `accept`, `start`, `wait_requester`, `wait_bureau`, `resume`, `resolve`, `close`,
/// `reopen`, `reply`, `note`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The team takes the case on.
    Accept,
    /// Work begins.
    Start,
    /// The case waits on the requester or on another bureau.
    Wait(WaitingOn),
    /// Work continues after a wait.
    Resume,
    /// The team says the case is dealt with.
    Resolve,
    /// The case is finished (the requester confirms, or the team closes a resolved case).
    Close,
    /// The requester says a resolved case is not dealt with after all.
    Reopen,
    /// A message visible to the other side.
    Reply,
    /// An internal note, not visible to the requester.
    Note,
}

impl Action {
    /// Every action, in the order [`allowed_actions`] lists them.
    pub const ALL: &'static [Action] = &[
        Action::Accept,
        Action::Start,
        Action::Wait(WaitingOn::Requester),
        Action::Wait(WaitingOn::Bureau),
        Action::Resume,
        Action::Resolve,
        Action::Close,
        Action::Reopen,
        Action::Reply,
        Action::Note,
    ];

    /// The text stored, posted by forms and written in JSON (lower snake case).
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Start => "start",
            Action::Wait(WaitingOn::Requester) => "wait_requester",
            Action::Wait(WaitingOn::Bureau) => "wait_bureau",
            Action::Resume => "resume",
            Action::Resolve => "resolve",
            Action::Close => "close",
            Action::Reopen => "reopen",
            Action::Reply => "reply",
            Action::Note => "note",
        }
    }

    /// The action in plain words, as in "… cannot be {words}".
    fn done(self) -> &'static str {
        match self {
            Action::Accept => "accepted",
            Action::Start => "started",
            Action::Wait(WaitingOn::Requester) => "put to wait for the requester",
            Action::Wait(WaitingOn::Bureau) => "put to wait for another bureau",
            Action::Resume => "resumed",
            Action::Resolve => "resolved",
            Action::Close => "closed",
            Action::Reopen => "reopened",
            Action::Reply => "replied to",
            Action::Note => "given a note",
        }
    }

    /// The action as a verb, as in "only … can {verb} a case".
    fn verb(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Start => "start work on",
            Action::Wait(WaitingOn::Requester) => "put to wait for the requester",
            Action::Wait(WaitingOn::Bureau) => "put to wait for another bureau",
            Action::Resume => "resume",
            Action::Resolve => "resolve",
            Action::Close => "close",
            Action::Reopen => "reopen",
            Action::Reply => "reply to",
            Action::Note => "add a note to",
        }
    }

    /// Who may take this action at all.
    fn taken_by(self, actor: Actor) -> bool {
        match actor {
            Actor::Officer => self != Action::Reopen,
            Actor::Requester => matches!(self, Action::Reply | Action::Reopen | Action::Close),
        }
    }
}

/// A text that is none of the [`Action`]s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an action on a case")]
pub struct UnknownAction(pub String);

impl std::str::FromStr for Action {
    type Err = UnknownAction;

    fn from_str(text: &str) -> Result<Action, UnknownAction> {
        Action::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == text)
            .ok_or_else(|| UnknownAction(text.to_owned()))
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A status in plain words, as in "a case that is {words}".
fn status_words(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::New => "new",
        CaseStatus::Accepted => "accepted",
        CaseStatus::InProgress => "in progress",
        CaseStatus::WaitingRequester => "waiting on the requester",
        CaseStatus::WaitingBureau => "waiting on another bureau",
        CaseStatus::Resolved => "resolved",
        CaseStatus::Closed => "closed",
    }
}

fn who_may(action: Action) -> &'static str {
    if action.taken_by(Actor::Officer) {
        "the service team"
    } else {
        "the person who raised the case"
    }
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action exists for this actor but not in this status.
    #[error("a case that is {} cannot be {}", status_words(*.status), .action.done())]
    NotAllowed {
        /// The case's status.
        status: CaseStatus,
        /// The action refused.
        action: Action,
    },
    /// The actor may never take this action (e.g. an officer reopening a case).
    #[error("only {} can {} a case", who_may(*.action), .action.verb())]
    NotYours {
        /// The action refused.
        action: Action,
    },
    /// The reopen window has passed. Not returned by [`next_status`]: the caller checks
    /// [`may_reopen`] and answers with this.
    #[error("the time to reopen this case has passed; please raise a new case")]
    ReopenWindowPassed,
}

/// What `action` by `actor` does to a case in `status`; Ok(new status).
///
/// Who may act is checked first ([`TransitionError::NotYours`], whatever the status), then
/// the status ([`TransitionError::NotAllowed`]). The reopen window is not checked here (see
/// [`may_reopen`]).
pub fn next_status(
    status: CaseStatus,
    action: Action,
    actor: Actor,
) -> Result<CaseStatus, TransitionError> {
    use CaseStatus as S;
    if !action.taken_by(actor) {
        return Err(TransitionError::NotYours { action });
    }
    let next = match (action, status) {
        (Action::Accept, S::New) => Some(S::Accepted),
        (Action::Start, S::New | S::Accepted) => Some(S::InProgress),
        // A new case may wait or be solved at once (a missing paper, a quick answer): the
        // team need not accept it first.
        (Action::Wait(WaitingOn::Requester), S::New | S::Accepted | S::InProgress) => {
            Some(S::WaitingRequester)
        }
        (Action::Wait(WaitingOn::Bureau), S::New | S::Accepted | S::InProgress) => {
            Some(S::WaitingBureau)
        }
        (Action::Resume, S::WaitingRequester | S::WaitingBureau) => Some(S::InProgress),
        (
            Action::Resolve,
            S::New | S::Accepted | S::InProgress | S::WaitingRequester | S::WaitingBureau,
        ) => Some(S::Resolved),
        (Action::Close, S::Resolved) => Some(S::Closed),
        (Action::Reopen, S::Resolved) => Some(S::InProgress),
        (Action::Reply, S::Closed) => None,
        // A reply through the portal restarts a clock paused for the requester.
        (Action::Reply, S::WaitingRequester) if actor == Actor::Requester => Some(S::InProgress),
        (Action::Reply, other) => Some(other),
        (Action::Note, other) => Some(other),
        _ => None,
    };
    next.ok_or(TransitionError::NotAllowed { status, action })
}

/// The actions an actor may take now (for showing buttons), in a stable order (that of
/// [`Action::ALL`]). A requester's `Reopen` is listed for every resolved case: hide it when
/// [`may_reopen`] says the window has passed.
pub fn allowed_actions(status: CaseStatus, actor: Actor) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|&action| next_status(status, action, actor).is_ok())
        .collect()
}

/// Whether a case resolved at `resolved_at` may still be reopened at `now` (window in
/// calendar days, e.g. 15): `now < resolved_at + window_days × 24 hours` (Beijing has no
/// daylight saving, so calendar days are 24 hours). A window of 0 days never allows it.
pub fn may_reopen(resolved_at: jiff::Timestamp, now: jiff::Timestamp, window_days: u32) -> bool {
    let window = jiff::SignedDuration::from_hours(i64::from(window_days) * 24);
    match resolved_at.checked_add(window) {
        Ok(end) => now < end,
        // The window runs past the end of time: it has not passed.
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test that cannot unwrap has failed")]
    use super::*;
    use CaseStatus as S;

    const WAIT_R: Action = Action::Wait(WaitingOn::Requester);
    const WAIT_B: Action = Action::Wait(WaitingOn::Bureau);

    fn officer(status: CaseStatus, action: Action) -> Result<CaseStatus, TransitionError> {
        next_status(status, action, Actor::Officer)
    }

    fn requester(status: CaseStatus, action: Action) -> Result<CaseStatus, TransitionError> {
        next_status(status, action, Actor::Requester)
    }

    #[test]
    fn an_officer_works_a_case_through() {
        assert_eq!(officer(S::New, Action::Accept), Ok(S::Accepted));
        assert_eq!(officer(S::New, Action::Start), Ok(S::InProgress));
        assert_eq!(officer(S::Accepted, Action::Start), Ok(S::InProgress));
        assert_eq!(officer(S::Accepted, WAIT_R), Ok(S::WaitingRequester));
        assert_eq!(officer(S::InProgress, WAIT_R), Ok(S::WaitingRequester));
        assert_eq!(officer(S::InProgress, WAIT_B), Ok(S::WaitingBureau));
        assert_eq!(officer(S::Accepted, WAIT_B), Ok(S::WaitingBureau));
        assert_eq!(
            officer(S::WaitingRequester, Action::Resume),
            Ok(S::InProgress)
        );
        assert_eq!(officer(S::WaitingBureau, Action::Resume), Ok(S::InProgress));
        for from in [
            S::New,
            S::Accepted,
            S::InProgress,
            S::WaitingRequester,
            S::WaitingBureau,
        ] {
            assert_eq!(officer(from, Action::Resolve), Ok(S::Resolved));
        }
        assert_eq!(officer(S::New, WAIT_R), Ok(S::WaitingRequester));
        assert_eq!(officer(S::New, WAIT_B), Ok(S::WaitingBureau));
        assert_eq!(officer(S::Resolved, Action::Close), Ok(S::Closed));
    }

    #[test]
    fn replies_and_notes_keep_the_status_except_a_requesters_awaited_reply() {
        for &status in CaseStatus::ALL {
            assert_eq!(officer(status, Action::Note), Ok(status));
            if status == S::Closed {
                assert!(officer(status, Action::Reply).is_err());
                assert!(requester(status, Action::Reply).is_err());
                continue;
            }
            assert_eq!(officer(status, Action::Reply), Ok(status));
            let expected = if status == S::WaitingRequester {
                S::InProgress
            } else {
                status
            };
            assert_eq!(requester(status, Action::Reply), Ok(expected));
        }
        // An officer's first reply to a new case leaves it new.
        assert_eq!(officer(S::New, Action::Reply), Ok(S::New));
    }

    #[test]
    fn the_requester_confirms_or_reopens_a_resolution() {
        assert_eq!(requester(S::Resolved, Action::Close), Ok(S::Closed));
        assert_eq!(requester(S::Resolved, Action::Reopen), Ok(S::InProgress));
        assert_eq!(
            officer(S::Resolved, Action::Reopen),
            Err(TransitionError::NotYours {
                action: Action::Reopen
            })
        );
        assert_eq!(
            requester(S::InProgress, Action::Reopen),
            Err(TransitionError::NotAllowed {
                status: S::InProgress,
                action: Action::Reopen
            })
        );
        assert!(requester(S::InProgress, Action::Close).is_err());
    }

    #[test]
    fn a_requester_may_not_run_the_case() {
        for action in [
            Action::Accept,
            Action::Start,
            WAIT_R,
            WAIT_B,
            Action::Resume,
            Action::Resolve,
            Action::Note,
        ] {
            for &status in CaseStatus::ALL {
                assert_eq!(
                    requester(status, action),
                    Err(TransitionError::NotYours { action })
                );
            }
        }
    }

    #[test]
    fn closed_is_final() {
        for &action in Action::ALL {
            for actor in [Actor::Officer, Actor::Requester] {
                let next = next_status(S::Closed, action, actor);
                assert!(next.is_err() || next == Ok(S::Closed), "{action} {actor:?}");
            }
        }
        assert_eq!(allowed_actions(S::Closed, Actor::Officer), [Action::Note]);
        assert_eq!(allowed_actions(S::Closed, Actor::Requester), []);
    }

    #[test]
    fn everything_else_is_not_allowed() {
        assert!(officer(S::Accepted, Action::Accept).is_err());
        assert!(officer(S::InProgress, Action::Start).is_err());
        assert!(officer(S::WaitingBureau, WAIT_R).is_err());
        assert!(officer(S::InProgress, Action::Resume).is_err());
        assert!(officer(S::Resolved, Action::Resolve).is_err());
        assert!(officer(S::InProgress, Action::Close).is_err());
    }

    #[test]
    fn buttons_follow_next_status_in_a_stable_order() {
        assert_eq!(
            allowed_actions(S::New, Actor::Officer),
            [
                Action::Accept,
                Action::Start,
                WAIT_R,
                WAIT_B,
                Action::Resolve,
                Action::Reply,
                Action::Note
            ]
        );
        assert_eq!(
            allowed_actions(S::InProgress, Actor::Officer),
            [WAIT_R, WAIT_B, Action::Resolve, Action::Reply, Action::Note]
        );
        assert_eq!(
            allowed_actions(S::WaitingRequester, Actor::Officer),
            [Action::Resume, Action::Resolve, Action::Reply, Action::Note]
        );
        assert_eq!(
            allowed_actions(S::Resolved, Actor::Officer),
            [Action::Close, Action::Reply, Action::Note]
        );
        assert_eq!(
            allowed_actions(S::Resolved, Actor::Requester),
            [Action::Close, Action::Reopen, Action::Reply]
        );
        assert_eq!(allowed_actions(S::New, Actor::Requester), [Action::Reply]);
        for &status in CaseStatus::ALL {
            for actor in [Actor::Officer, Actor::Requester] {
                for &action in Action::ALL {
                    assert_eq!(
                        allowed_actions(status, actor).contains(&action),
                        next_status(status, action, actor).is_ok()
                    );
                }
            }
        }
    }

    #[test]
    fn actions_read_and_write_as_snake_case_text() {
        for &action in Action::ALL {
            assert_eq!(action.as_str().parse::<Action>(), Ok(action));
            assert_eq!(
                serde_json::to_string(&action).unwrap(),
                format!("\"{}\"", action.as_str())
            );
        }
        assert_eq!(WAIT_B.to_string(), "wait_bureau");
        assert!("wait".parse::<Action>().is_err());
    }

    #[test]
    fn refusals_say_why_in_plain_words() {
        assert_eq!(
            officer(S::Closed, Action::Reply).unwrap_err().to_string(),
            "a case that is closed cannot be replied to"
        );
        assert_eq!(
            officer(S::WaitingBureau, WAIT_R).unwrap_err().to_string(),
            "a case that is waiting on another bureau cannot be put to wait for the requester"
        );
        assert_eq!(
            officer(S::Resolved, Action::Reopen)
                .unwrap_err()
                .to_string(),
            "only the person who raised the case can reopen a case"
        );
        assert_eq!(
            requester(S::New, Action::Accept).unwrap_err().to_string(),
            "only the service team can accept a case"
        );
    }

    #[test]
    fn the_reopen_window_is_counted_in_whole_days() {
        let resolved: jiff::Timestamp = "2026-03-02T08:30:00Z".parse().unwrap();
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        assert!(may_reopen(resolved, resolved, 15));
        assert!(may_reopen(resolved, at("2026-03-17T08:29:59Z"), 15));
        assert!(!may_reopen(resolved, at("2026-03-17T08:30:00Z"), 15));
        assert!(!may_reopen(resolved, at("2026-04-01T00:00:00Z"), 15));
        assert!(!may_reopen(resolved, resolved, 0));
        // A clock set back is still inside the window.
        assert!(may_reopen(resolved, at("2026-03-01T00:00:00Z"), 15));
        // A window past the end of time has not passed.
        assert!(may_reopen(
            jiff::Timestamp::MAX,
            jiff::Timestamp::MAX,
            u32::MAX
        ));
        assert!(may_reopen(
            jiff::Timestamp::MIN,
            jiff::Timestamp::MIN,
            u32::MAX
        ));
    }
}
