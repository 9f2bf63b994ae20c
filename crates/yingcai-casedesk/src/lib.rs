//! The industry service teams' case desk: case life cycle, service clocks on the official
//! calendar, monthly team figures, duplicate hints. Pure: no I/O.
//!
//! An enterprise or a talent raises a case with an industry service team (产业人才服务专班);
//! the team accepts it, works on it, may wait on the requester or on another bureau, and
//! resolves it; the requester confirms (closes) or reopens it within a window.
//!
//! - [`lifecycle`]: which action moves a case to which status, and who may take it.
//! - [`clock`]: the first-response and resolution clocks, counted in working minutes on
//!   China's official calendar ([`yingcai_worktime::WorkCalendar`]), paused while the case
//!   waits; a year without calendar data is an error, never a guess.
//! - [`figures`]: a team's monthly figures and its backlog by age.
//! - [`duplicates`]: open cases whose text looks like the one about to be submitted.
//!
//! ```
//! use yingcai_casedesk::{Timeline, Standing, read};
//! use yingcai_worktime::{BeijingMinute, WorkCalendar};
//! let m = |s: &str| s.parse::<BeijingMinute>().unwrap();
//! let timeline = Timeline {
//!     opened: m("2026-09-30T16:00"),
//!     first_response: None,
//!     resolved: None,
//!     pauses: vec![],
//!     response_target: 61,
//!     resolution_target: 5 * 420,
//! };
//! let clocks = read(&timeline, &WorkCalendar::builtin(), m("2026-10-02T10:00"), 80).unwrap();
//! // National Day: 60 working minutes on 30 September, the 61st on 8 October.
//! assert_eq!(clocks.response.spent, 60);
//! assert_eq!(clocks.response.due, Some(m("2026-10-08T09:01")));
//! assert_eq!(clocks.response.standing, Standing::DueSoon);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod clock;
pub mod duplicates;
pub mod figures;
pub mod lifecycle;

pub use clock::{ClockState, Clocks, Reading, Standing, Timeline, read};
pub use duplicates::{DUPLICATE_THRESHOLD, likely_duplicates, similarity};
pub use figures::{Backlog, CaseFacts, MonthFigures, age_days, backlog, monthly};
pub use lifecycle::{
    Action, Actor, TransitionError, UnknownAction, WaitingOn, allowed_actions, may_reopen,
    next_status,
};
