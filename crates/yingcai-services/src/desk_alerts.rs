//! What the case desk tells people without anyone acting: the warning before a clock is
//! breached and the breach itself (to the case's owners and its team's leader), the one
//! reminder to rate a resolved case, and the list of breached cases for the supervising
//! office. Run by the `case-clocks` job; every write happens once however often or on how
//! many servers it runs (the store decides who wins).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::json;
use yingcai_casedesk::{Reading, Standing};
use yingcai_store::{CaseRecord, NewNotice, NoticeKind, Store};
use yingcai_worktime::{BeijingMinute, WorkCalendar, WorkTimeError};

use crate::Error;
use crate::service_desk::{Counted, DeskRules, clocks_of, minute};

/// The clocks of a case, by the name pages and payloads use.
pub const CLOCKS: [&str; 2] = ["response", "resolution"];

/// What one look at the running cases did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockReport {
    /// Running cases looked at.
    pub cases: usize,
    /// Cases whose warning before a breach went out now.
    pub warned: usize,
    /// Clocks whose breach was recorded (and told) now.
    pub breached: usize,
    /// Years the calendar lacks, with how many cases each kept from being read.
    pub missing_years: BTreeMap<i32, usize>,
}

/// What one look for cases to remind did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderReport {
    pub reminded: usize,
    pub missing_years: BTreeMap<i32, usize>,
}

fn ms(at: BeijingMinute) -> i64 {
    at.to_timestamp().as_millisecond()
}

/// Who is told about a case's clocks: the owners of its open checklist items, or (if no
/// open item has an owner) its team's members; and the team's leader.
async fn watchers(store: &Store, case: &CaseRecord) -> Result<Vec<i64>, Error> {
    let team = store.service_team(case.team_id).await?;
    let owners: BTreeSet<i64> = store
        .case_checklist(case.case_id)
        .await?
        .iter()
        .filter(|item| item.done_at.is_none())
        .filter_map(|item| item.owner_account_id)
        .collect();
    let mut to: BTreeSet<i64> = if owners.is_empty() {
        team.members.iter().copied().collect()
    } else {
        owners
    };
    to.extend(team.leader_account_id);
    Ok(to.into_iter().collect())
}

fn clock_notices(
    to: &[i64],
    kind: NoticeKind,
    case: &CaseRecord,
    clock: &str,
    due: Option<i64>,
) -> Vec<NewNotice> {
    to.iter()
        .map(|&account_id| NewNotice {
            account_id,
            kind,
            case_id: Some(case.case_id),
            payload: json!({ "title": case.title, "clock": clock, "due_at": due }),
        })
        .collect()
}

/// Reads the clocks of every running case at `now` (ms): a clock past its due instant is
/// recorded as breached and told, once per clock; a case with a clock due soon is warned,
/// once (until its targets change, it is transferred or its first answer is given). A case
/// the calendar cannot count (a year not added) is skipped and its year reported.
pub async fn check_clocks(
    store: &Store,
    calendar: &WorkCalendar,
    rules: &DeskRules,
    now: i64,
) -> Result<ClockReport, Error> {
    let mut report = ClockReport::default();
    let recorded: HashSet<(i64, String)> = store
        .open_case_breaches()
        .await?
        .into_iter()
        .map(|b| (b.case_id, b.clock))
        .collect();
    let mut after = 0;
    loop {
        let cases = store.running_cases(after, 200).await?;
        let Some(last) = cases.last() else {
            break;
        };
        after = last.case_id;
        for case in &cases {
            report.cases += 1;
            let clocks = match clocks_of(store, calendar, rules, case, now).await? {
                Counted::Known(clocks) => clocks,
                Counted::YearMissing(year) => {
                    *report.missing_years.entry(year).or_default() += 1;
                    continue;
                }
            };
            let readings: [(&str, Reading); 2] =
                [(CLOCKS[0], clocks.response), (CLOCKS[1], clocks.resolution)];
            let breached: Vec<&(&str, Reading)> = readings
                .iter()
                .filter(|(name, r)| {
                    r.standing == Standing::Breached
                        && !recorded.contains(&(case.case_id, (*name).to_owned()))
                })
                .collect();
            let due_soon = readings
                .iter()
                .find(|(_, r)| r.standing == Standing::DueSoon)
                .filter(|_| case.warned_at.is_none());
            if breached.is_empty() && due_soon.is_none() {
                continue;
            }
            let to = watchers(store, case).await?;
            for (name, reading) in breached {
                let due = reading.due.map(ms).unwrap_or(now);
                let notices = clock_notices(&to, NoticeKind::CaseBreached, case, name, Some(due));
                if store
                    .record_case_breach(case.case_id, name, due, now, &notices)
                    .await?
                {
                    report.breached += 1;
                }
            }
            if let Some((name, reading)) = due_soon {
                let notices = clock_notices(
                    &to,
                    NoticeKind::CaseDueSoon,
                    case,
                    name,
                    reading.due.map(ms),
                );
                if store.mark_case_warned(case.case_id, now, &notices).await? {
                    report.warned += 1;
                }
            }
        }
    }
    Ok(report)
}

/// Working days after its resolution at which an unrated case's requester is reminded.
pub const REMIND_AFTER_WORKING_DAYS: u64 = 2;

/// Reminds each requester whose case was resolved at least two working days before `now`
/// (ms) and is still unrated, once per resolution.
pub async fn remind_ratings(
    store: &Store,
    calendar: &WorkCalendar,
    now: i64,
) -> Result<ReminderReport, Error> {
    let mut report = ReminderReport::default();
    let wait = REMIND_AFTER_WORKING_DAYS * u64::from(calendar.hours().minutes_per_day());
    // Two working days take more than a calendar day: nothing younger can be due.
    let before = now - 24 * 3_600_000;
    let mut after = 0;
    loop {
        let page = store.cases_to_remind(before, after, 200).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.0;
        for (case_id, requester, resolved_at, title) in page {
            match calendar.elapsed(minute(resolved_at)?, minute(now)?) {
                Ok(passed) if passed >= wait => {
                    let notice = NewNotice {
                        account_id: requester,
                        kind: NoticeKind::CaseRatingReminder,
                        case_id: Some(case_id),
                        payload: json!({ "title": title }),
                    };
                    if store.remind_to_rate(case_id, now, &notice).await? {
                        report.reminded += 1;
                    }
                }
                Ok(_) => {}
                Err(WorkTimeError::YearNotCovered(year)) => {
                    *report.missing_years.entry(year).or_default() += 1;
                }
            }
        }
    }
    Ok(report)
}

/// A case breached now, for the supervising office.
#[derive(Debug, Clone)]
pub struct Breach {
    pub case: CaseRecord,
    /// `response` or `resolution`.
    pub clock: &'static str,
    /// When the target was reached (ms).
    pub due_at: i64,
    /// Working minutes past the target.
    pub late_minutes: i64,
}

/// The cases across all teams that a clock has breached and still does at `now` (a
/// breach the case-clocks job recorded, read again now: a given answer or a changed target
/// ends it), most overdue first; and the years the calendar lacks for some of them.
pub async fn current_breaches(
    store: &Store,
    calendar: &WorkCalendar,
    rules: &DeskRules,
    now: i64,
) -> Result<(Vec<Breach>, BTreeSet<i32>), Error> {
    let mut by_case: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for record in store.open_case_breaches().await? {
        by_case
            .entry(record.case_id)
            .or_default()
            .push(record.clock);
    }
    let mut breaches = Vec::new();
    let mut missing = BTreeSet::new();
    for (case_id, recorded) in by_case {
        let case = store.case(case_id).await?;
        let clocks = match clocks_of(store, calendar, rules, &case, now).await? {
            Counted::Known(clocks) => clocks,
            Counted::YearMissing(year) => {
                missing.insert(year);
                continue;
            }
        };
        for (clock, reading) in [(CLOCKS[0], clocks.response), (CLOCKS[1], clocks.resolution)] {
            if reading.standing == Standing::Breached && recorded.iter().any(|c| c == clock) {
                breaches.push(Breach {
                    case: case.clone(),
                    clock,
                    due_at: reading.due.map(ms).unwrap_or(now),
                    late_minutes: reading.remaining.saturating_neg(),
                });
            }
        }
    }
    breaches.sort_by(|a, b| {
        b.late_minutes
            .cmp(&a.late_minutes)
            .then(a.case.case_id.cmp(&b.case.case_id))
    });
    Ok((breaches, missing))
}
