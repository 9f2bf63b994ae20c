//! Offers after the allocation: how long an applicant has to answer, and when
//! refusing too often bars them from further offers.

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use toml::Spanned;
use yingcai_worktime::{BeijingMinute, WorkCalendar, WorkTimeError};

use crate::rules::{RulesError, check_range, line_of, to_toml_text};

/// What happens to a unit whose offer was declined or expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refill {
    /// Offered at once to the next applicant on the complex's
    /// [`waiting_list`](crate::waiting_list) (TOML `"next_in_priority"`).
    NextInPriority,
    /// Kept for the next round (TOML `"next_round"`).
    NextRound,
}

/// The officer's offer rules for a round.
///
/// TOML form (every field required, so that no rule is ever implied):
///
/// ```toml
/// response_working_days = 5  # 1..=365: working days to answer (see `response_deadline`)
/// refusal_limit = 3          # refusals (declined or expired) that bar the applicant; 0 = never
/// bar_months = 12            # 0..=120: months the bar lasts
/// refill = "next_in_priority" # or "next_round"
/// ```
///
/// Rules stored before offers counted working days name the first field `response_days`
/// (then whole 24-hour days); they still read, and the number is taken as working days.
/// That can only lengthen an applicant's time (7 working days are at least 9 calendar
/// days), never shorten it; offers made before keep the date they were given.
///
/// The fields are public; rules built by hand should go through
/// [`OfferRules::validate`] before they are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "OfferRulesRepr")]
pub struct OfferRules {
    /// Working days on the official calendar an applicant has to answer an offer, counted
    /// from the day after it is made; see [`response_deadline`].
    pub response_working_days: u32,
    /// Number of refusals that bars the applicant; 0 never bars. See
    /// [`barred_until`].
    pub refusal_limit: u32,
    /// Months a bar lasts.
    pub bar_months: u32,
    /// What happens to a refused unit.
    pub refill: Refill,
}

impl Default for OfferRules {
    /// 5 working days to answer, barred for 12 months after 3 refusals, refused units go to
    /// the next in priority.
    fn default() -> Self {
        OfferRules {
            response_working_days: 5,
            refusal_limit: 3,
            bar_months: 12,
            refill: Refill::NextInPriority,
        }
    }
}

const RESPONSE_DAYS: (u32, u32) = (1, 365);
const BAR_MONTHS: (u32, u32) = (0, 120);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfferRulesRepr {
    #[serde(alias = "response_days")]
    response_working_days: u32,
    refusal_limit: u32,
    bar_months: u32,
    refill: Refill,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpannedOfferRules {
    #[serde(alias = "response_days")]
    response_working_days: Spanned<u32>,
    refusal_limit: u32,
    bar_months: Spanned<u32>,
    refill: Refill,
}

impl TryFrom<OfferRulesRepr> for OfferRules {
    type Error = RulesError;

    fn try_from(r: OfferRulesRepr) -> Result<Self, RulesError> {
        let rules = OfferRules {
            response_working_days: r.response_working_days,
            refusal_limit: r.refusal_limit,
            bar_months: r.bar_months,
            refill: r.refill,
        };
        rules.validate()?;
        Ok(rules)
    }
}

impl OfferRules {
    /// Parses and checks rules in the TOML form shown on [`OfferRules`]. Refused,
    /// with the line: malformed TOML, unknown or missing fields, an unknown `refill`,
    /// and numbers outside the documented ranges.
    pub fn from_toml(text: &str) -> Result<OfferRules, RulesError> {
        let s: SpannedOfferRules =
            toml::from_str(text).map_err(|e| RulesError::from_toml(text, &e))?;
        let (min, max) = RESPONSE_DAYS;
        check_range(
            "response_working_days",
            *s.response_working_days.get_ref(),
            min,
            max,
            line_of(text, &s.response_working_days),
        )?;
        let (min, max) = BAR_MONTHS;
        check_range(
            "bar_months",
            *s.bar_months.get_ref(),
            min,
            max,
            line_of(text, &s.bar_months),
        )?;
        Ok(OfferRules {
            response_working_days: s.response_working_days.into_inner(),
            refusal_limit: s.refusal_limit,
            bar_months: s.bar_months.into_inner(),
            refill: s.refill,
        })
    }

    /// The rules as TOML that [`OfferRules::from_toml`] reads back to equal rules.
    pub fn to_toml(&self) -> String {
        to_toml_text(self)
    }

    /// Applies [`OfferRules::from_toml`]'s range checks (without line numbers).
    pub fn validate(&self) -> Result<(), RulesError> {
        let (min, max) = RESPONSE_DAYS;
        check_range(
            "response_working_days",
            self.response_working_days,
            min,
            max,
            None,
        )?;
        let (min, max) = BAR_MONTHS;
        check_range("bar_months", self.bar_months, min, max, None)
    }
}

/// When an offer made at `offered_at` (Beijing time) expires: the end of the
/// `response_working_days`th working day after the day it was made, on the official
/// calendar and its working hours (17:00 by default). Answering is an administrative step,
/// so the period counts working days as every other answer-by date of the platform does:
/// an offer made just before Spring Festival is not eaten up by the holiday.
///
/// Refused, naming the year, when a day up to the deadline is in a year the calendar has
/// no data for: the deadline is never guessed from weekdays.
pub fn response_deadline(
    offered_at: BeijingMinute,
    rules: &OfferRules,
    calendar: &WorkCalendar,
) -> Result<BeijingMinute, WorkTimeError> {
    calendar.end_of_working_days(offered_at, rules.response_working_days)
}

/// The day an applicant's bar from offers ends, if they are barred on `today`.
///
/// `refusal_dates` are the days the applicant declined an offer or let one expire,
/// in any order; those after `today` are ignored, so the answer is the same as it
/// was on `today`. They are counted in date order: when the count reaches
/// `refusal_limit`, the applicant is barred until that refusal's date plus
/// `bar_months` (a month on a day the target month lacks lands on that month's last
/// day: 31 March + 1 month = 30 April), and the count starts again from zero with
/// the next refusal. The applicant is barred on every day before the returned date
/// and free again on it; `None` if that day is not after `today`, or if
/// `refusal_limit` is 0. Which refusals count (this round, ever, the last few
/// years) is the caller's choice of `refusal_dates`.
pub fn barred_until(refusal_dates: &[Date], rules: &OfferRules, today: Date) -> Option<Date> {
    if rules.refusal_limit == 0 {
        return None;
    }
    let mut dates: Vec<Date> = refusal_dates
        .iter()
        .copied()
        .filter(|&d| d <= today)
        .collect();
    dates.sort_unstable();
    let mut count = 0;
    let mut bar_end = None;
    for d in dates {
        count += 1;
        if count == rules.refusal_limit {
            bar_end = Some(add_months(d, rules.bar_months));
            count = 0;
        }
    }
    // Bars are computed in date order, so the last one ends latest.
    bar_end.filter(|&end| end > today)
}

/// `date` plus `months` calendar months, clamped to the target month's last day;
/// saturates at the latest date for month counts beyond any validated rule.
pub(crate) fn add_months(date: Date, months: u32) -> Date {
    Span::new()
        .try_months(months)
        .ok()
        .and_then(|span| date.checked_add(span).ok())
        .unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RulesProblem;
    use jiff::civil::date;

    fn rules(limit: u32, months: u32) -> OfferRules {
        OfferRules {
            refusal_limit: limit,
            bar_months: months,
            ..OfferRules::default()
        }
    }

    #[test]
    fn default_round_trips_through_toml() {
        let text = OfferRules::default().to_toml();
        assert_eq!(
            text,
            "response_working_days = 5\nrefusal_limit = 3\nbar_months = 12\nrefill = \"next_in_priority\"\n"
        );
        // Rules stored before the field was renamed still read, as working days.
        let old =
            "response_days = 7\nrefusal_limit = 3\nbar_months = 12\nrefill = \"next_round\"\n";
        let read = OfferRules::from_toml(old).expect("old rules read");
        assert_eq!(read.response_working_days, 7);
        assert_eq!(toml::from_str::<OfferRules>(old), Ok(read));
        assert!(
            read.to_toml().starts_with("response_working_days = 7\n"),
            "written back under the new name"
        );
        assert_eq!(OfferRules::from_toml(&text), Ok(OfferRules::default()));
        let next_round = OfferRules {
            refill: Refill::NextRound,
            ..OfferRules::default()
        };
        assert_eq!(OfferRules::from_toml(&next_round.to_toml()), Ok(next_round));
    }

    #[test]
    fn bad_rules_are_refused_with_their_line() {
        let e = OfferRules::from_toml(
            "refusal_limit = 3\nresponse_days = 0\nbar_months = 12\nrefill = \"next_round\"\n",
        )
        .expect_err("zero days is refused");
        assert_eq!(e.line, Some(2));
        assert_eq!(
            e.problem,
            RulesProblem::OutOfRange {
                field: "response_working_days",
                found: 0,
                min: 1,
                max: 365
            }
        );
        let e = OfferRules::from_toml(
            "response_days = 7\nrefusal_limit = 3\nbar_months = 12\nrefill = \"never\"\n",
        )
        .expect_err("unknown refill is refused");
        assert_eq!(e.line, Some(4));
        let e = OfferRules::from_toml(
            "response_days = 7\nrefusal_limit = 3\nbar_months = 121\nrefill = \"next_round\"\n",
        )
        .expect_err("ten years and a month is refused");
        assert_eq!(e.line, Some(3));
        assert!(OfferRules::from_toml("response_days = 7\n").is_err());
        assert!(
            OfferRules::from_toml(
                "response_days = 7\nrefusal_limit = 3\nbar_months = 12\nrefill = \"next_round\"\nextra = 1\n"
            )
            .is_err()
        );
        assert!(toml::from_str::<OfferRules>(&rules(3, 500).to_toml()).is_err());
        assert!(rules(3, 500).validate().is_err());
    }

    #[test]
    fn deadline_is_the_end_of_the_nth_working_day() {
        let calendar = WorkCalendar::builtin();
        let at = |s: &str| s.parse::<BeijingMinute>().expect("valid instant");
        // Monday 2 March 2026, 09:15: five working days are Tuesday to Monday.
        assert_eq!(
            response_deadline(at("2026-03-02T09:15"), &OfferRules::default(), &calendar),
            Ok(at("2026-03-09T17:00"))
        );
        // Made the day before National Day: the holiday does not count.
        assert_eq!(
            response_deadline(at("2026-09-30T10:00"), &OfferRules::default(), &calendar),
            Ok(at("2026-10-13T17:00"))
        );
        // Beyond the calendar's data: refused with the year, not guessed.
        assert_eq!(
            response_deadline(at("2026-12-28T10:00"), &OfferRules::default(), &calendar),
            Err(WorkTimeError::YearNotCovered(2027))
        );
    }

    #[test]
    fn barred_when_the_limit_is_reached() {
        let today = date(2026, 5, 1);
        let two = [date(2026, 1, 10), date(2026, 2, 10)];
        assert_eq!(barred_until(&two, &rules(3, 12), today), None);
        let three = [date(2026, 3, 10), date(2026, 1, 10), date(2026, 2, 10)];
        assert_eq!(
            barred_until(&three, &rules(3, 12), today),
            Some(date(2027, 3, 10))
        );
        // Free again on the end date itself.
        assert_eq!(
            barred_until(&three, &rules(3, 12), date(2027, 3, 9)),
            Some(date(2027, 3, 10))
        );
        assert_eq!(barred_until(&three, &rules(3, 12), date(2027, 3, 10)), None);
    }

    #[test]
    fn limit_zero_never_bars() {
        let many = [date(2026, 1, 1); 50];
        assert_eq!(barred_until(&many, &rules(0, 12), date(2026, 1, 2)), None);
    }

    #[test]
    fn the_count_starts_again_after_a_bar() {
        let r = rules(2, 6);
        let mut refusals = vec![date(2024, 1, 1), date(2024, 2, 1)];
        // Barred until 2024-08-01; one more refusal later does not bar again.
        refusals.push(date(2025, 1, 1));
        assert_eq!(barred_until(&refusals, &r, date(2025, 1, 2)), None);
        // A second one after the reset does, from its own date.
        refusals.push(date(2025, 3, 15));
        assert_eq!(
            barred_until(&refusals, &r, date(2025, 3, 16)),
            Some(date(2025, 9, 15))
        );
    }

    #[test]
    fn refusals_after_today_are_not_counted() {
        let refusals = [date(2026, 1, 1), date(2026, 1, 2), date(2026, 6, 1)];
        assert_eq!(
            barred_until(&refusals, &rules(3, 12), date(2026, 5, 31)),
            None
        );
        assert_eq!(
            barred_until(&refusals, &rules(3, 12), date(2026, 6, 1)),
            Some(date(2027, 6, 1))
        );
    }

    #[test]
    fn a_bar_from_a_month_end_ends_on_a_month_end() {
        let refusals = [date(2026, 3, 31)];
        assert_eq!(
            barred_until(&refusals, &rules(1, 1), date(2026, 3, 31)),
            Some(date(2026, 4, 30))
        );
        assert_eq!(
            barred_until(&[date(2027, 8, 31)], &rules(1, 6), date(2027, 9, 1)),
            Some(date(2028, 2, 29))
        );
    }
}
