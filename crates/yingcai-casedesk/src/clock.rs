//! The service clocks of one case: time to first response and time to resolution, in
//! working minutes on the official calendar.
//!
//! # How a clock counts
//!
//! Both clocks start when the case is opened. The response clock stops at the first reply
//! by an officer that the requester can see; the resolution clock at the (latest)
//! resolution. While a case waits on the requester or on another bureau, and between a
//! resolution and a reopen, both clocks are paused ([`Timeline::pauses`]; a pause counts
//! only between the opening and the clock's stop, and overlapping pauses count once).
//!
//! `spent(t)` is the working minutes in `[opened, t]` outside pauses
//! ([`WorkCalendar::clock`]). It depends only on the timeline, never on the target: a
//! changed target is measured against the time already spent, which stays as it was.
//!
//! # When a clock is late
//!
//! The **due instant** is the earliest instant `t` at which `spent(t)` reaches the target
//! (as in [`WorkCalendar::due`]: a target reached exactly at 12:00 or 17:00 is due then, not
//! at the next period's start; a target of 0 is due at the opening). A clock is late when
//! it is read (running or paused), or stopped, strictly after its due instant:
//!
//! - running or paused: [`Standing::Breached`] iff `now > due`; otherwise
//!   [`Standing::DueSoon`] once `spent × 100 ≥ target × warn_percent`, else
//!   [`Standing::OnTrack`]. At the due instant itself the clock is due soon, not breached.
//! - stopped: [`Standing::MetLate`] iff `stop > due`, else [`Standing::MetOnTime`]. So a
//!   reply at 12:00 to a target due at 12:00 is on time; a reply at 12:30 is late although
//!   no working minute passed after 12:00 (the deadline was 12:00). A stopped clock with
//!   `spent > target` is always late; with `spent < target` always on time.
//!
//! A year without calendar data anywhere the reading needs (from the opening to now or the
//! stop, or up to a forecast due instant) is [`WorkTimeError::YearNotCovered`]: the clocks
//! are not guessed.

use serde::{Serialize, Serializer};
use yingcai_worktime::{BeijingMinute, WorkCalendar, WorkTimeError};

/// What happened to a case, as far as its clocks are concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// When the case was raised.
    pub opened: BeijingMinute,
    /// The first reply visible to the requester by an officer.
    pub first_response: Option<BeijingMinute>,
    /// The latest resolution, `None` while open (a reopen clears it).
    pub resolved: Option<BeijingMinute>,
    /// Paused spans: (from, until) — until None = still paused. Waiting on
    /// requester/bureau, and the time between a resolution and a reopen. In any order; may
    /// overlap; a span with `until <= from` pauses nothing.
    pub pauses: Vec<(BeijingMinute, Option<BeijingMinute>)>,
    /// Target for the first response, in working minutes.
    pub response_target: u64,
    /// Target for the resolution, in working minutes.
    pub resolution_target: u64,
}

/// Whether a clock is counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Counting working minutes.
    Running,
    /// Paused at `now` (the case waits, or is resolved awaiting a possible reopen).
    Paused,
    /// Stopped: the response was given, or the case resolved.
    Met,
}

/// How a clock stands against its target (see the module documentation for the exact
/// rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Not stopped, under the warning share of the target.
    OnTrack,
    /// Not stopped, at or over the warning share, not past the due instant.
    DueSoon,
    /// Not stopped, past the due instant.
    Breached,
    /// Stopped at or before the due instant.
    MetOnTime,
    /// Stopped after the due instant.
    MetLate,
}

/// One clock read at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reading {
    /// Working minutes counted (elapsed minus pauses) up to the stop (met) or now.
    pub spent: u64,
    /// The target, in working minutes.
    pub target: u64,
    /// `target - spent`: negative when over the target.
    pub remaining: i64,
    /// The due instant (JSON: `YYYY-MM-DDTHH:MM` Beijing time, or null). Running: when the
    /// target will be reached if the clock runs from now without pause
    /// (`calendar.due(now, remaining)`), or the instant it was reached (in the past) once
    /// `remaining <= 0`. Paused: the instant it was reached if it has been, else `None`
    /// (the resumption is not known). Met: `None`.
    #[serde(serialize_with = "minute_text")]
    pub due: Option<BeijingMinute>,
    /// Whether the clock is counting.
    pub state: ClockState,
    /// How it stands against the target.
    pub standing: Standing,
}

impl Reading {
    /// Once the clock has stopped: whether on time (for [`crate::CaseFacts`]).
    pub fn met_on_time(&self) -> Option<bool> {
        match self.standing {
            Standing::MetOnTime => Some(true),
            Standing::MetLate => Some(false),
            Standing::OnTrack | Standing::DueSoon | Standing::Breached => None,
        }
    }
}

/// Both clocks of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Clocks {
    /// Time to first response.
    pub response: Reading,
    /// Time to resolution.
    pub resolution: Reading,
}

fn minute_text<S: Serializer>(
    minute: &Option<BeijingMinute>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match minute {
        Some(m) => serializer.collect_str(m),
        None => serializer.serialize_none(),
    }
}

/// Reads both clocks of `timeline` at `now`. Warnings start when this share of the target
/// is spent (e.g. 80 => 80%).
pub fn read(
    timeline: &Timeline,
    calendar: &WorkCalendar,
    now: BeijingMinute,
    warn_percent: u8,
) -> Result<Clocks, WorkTimeError> {
    let clock = |stop, target| Clock {
        calendar,
        opened: timeline.opened,
        stop,
        pauses: &timeline.pauses,
        target,
        now,
        warn_percent,
    };
    Ok(Clocks {
        response: clock(timeline.first_response, timeline.response_target).read()?,
        resolution: clock(timeline.resolved, timeline.resolution_target).read()?,
    })
}

/// One clock's inputs.
struct Clock<'a> {
    calendar: &'a WorkCalendar,
    opened: BeijingMinute,
    stop: Option<BeijingMinute>,
    pauses: &'a [(BeijingMinute, Option<BeijingMinute>)],
    target: u64,
    now: BeijingMinute,
    warn_percent: u8,
}

impl Clock<'_> {
    fn read(&self) -> Result<Reading, WorkTimeError> {
        let (opened, target, now) = (self.opened, self.target, self.now);
        let end = self.stop.unwrap_or(now);
        let spans = paused_spans(opened, end, self.pauses);
        let spent = self.calendar.clock(opened, end, &spans)?;
        let reached = if spent >= target {
            Some(self.reached(end, &spans)?)
        } else {
            None
        };
        let state = if self.stop.is_some() {
            ClockState::Met
        } else if self
            .pauses
            .iter()
            .any(|&(from, until)| from <= now && until.is_none_or(|until| now < until))
        {
            ClockState::Paused
        } else {
            ClockState::Running
        };
        let due = match (state, reached) {
            (ClockState::Met, _) => None,
            (_, Some(at)) => Some(at),
            (ClockState::Paused, None) => None,
            // Counting from the opening if `now` is before it.
            (ClockState::Running, None) => Some(
                self.calendar
                    .due(opened.max(now), target.saturating_sub(spent))?,
            ),
        };
        let late = |at: BeijingMinute| reached.is_some_and(|due| at > due);
        let standing = match state {
            ClockState::Met if late(end) => Standing::MetLate,
            ClockState::Met => Standing::MetOnTime,
            _ if late(now) => Standing::Breached,
            _ if u128::from(spent) * 100 >= u128::from(target) * u128::from(self.warn_percent) => {
                Standing::DueSoon
            }
            _ => Standing::OnTrack,
        };
        let remaining = i128::from(target) - i128::from(spent);
        Ok(Reading {
            spent,
            target,
            remaining: i64::try_from(remaining).unwrap_or(if remaining < 0 {
                i64::MIN
            } else {
                i64::MAX
            }),
            due,
            state,
            standing,
        })
    }

    /// The earliest instant at which the clock reached the target, given that it has by
    /// `end`: found in the stretch between pauses where the count crosses the target.
    fn reached(
        &self,
        end: BeijingMinute,
        spans: &[(BeijingMinute, BeijingMinute)],
    ) -> Result<BeijingMinute, WorkTimeError> {
        if self.target == 0 {
            return Ok(self.opened);
        }
        let mut counted = 0u64;
        let mut from = self.opened;
        for &(pause, resume) in spans.iter().chain([(end, end)].iter()) {
            if from < pause {
                let here = self.calendar.elapsed(from, pause)?;
                if counted.saturating_add(here) >= self.target {
                    return self.calendar.due(from, self.target - counted);
                }
                counted = counted.saturating_add(here);
            }
            from = from.max(resume);
        }
        // Not taken: the stretches add up to `spent`, which reached the target.
        Ok(end)
    }
}

/// The pauses inside `[opened, end]` (a running one until `end`), sorted and merged, each
/// non-empty.
fn paused_spans(
    opened: BeijingMinute,
    end: BeijingMinute,
    pauses: &[(BeijingMinute, Option<BeijingMinute>)],
) -> Vec<(BeijingMinute, BeijingMinute)> {
    let mut spans: Vec<(BeijingMinute, BeijingMinute)> = pauses
        .iter()
        .map(|&(from, until)| (from.max(opened), until.unwrap_or(end).min(end)))
        .filter(|(from, until)| from < until)
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(BeijingMinute, BeijingMinute)> = Vec::with_capacity(spans.len());
    for (from, until) in spans {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(until),
            _ => merged.push((from, until)),
        }
    }
    merged
}
