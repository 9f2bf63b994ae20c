//! Leases of talent apartments: their term, and when a tenant must leave.

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use toml::Spanned;

use crate::rules::{RulesError, check_range, line_of, to_toml_text};

/// The officer's lease rules.
///
/// TOML form (both fields required):
///
/// ```toml
/// max_term_months = 36   # 1..=600: longest lease, in calendar months
/// notice_days = 30       # 0..=365: days between an exit trigger and the lease's end
/// ```
///
/// The fields are public; rules built by hand should go through
/// [`LeaseRules::validate`] before they are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "LeaseRulesRepr")]
pub struct LeaseRules {
    /// Longest lease term in calendar months; see [`Lease::new`].
    pub max_term_months: u32,
    /// Days a tenant has to move out after an exit trigger; see [`exit_due`].
    pub notice_days: u32,
}

impl Default for LeaseRules {
    /// 36 months at most, 30 days' notice.
    fn default() -> Self {
        LeaseRules {
            max_term_months: 36,
            notice_days: 30,
        }
    }
}

const MAX_TERM_MONTHS: (u32, u32) = (1, 600);
const NOTICE_DAYS: (u32, u32) = (0, 365);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeaseRulesRepr {
    max_term_months: u32,
    notice_days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpannedLeaseRules {
    max_term_months: Spanned<u32>,
    notice_days: Spanned<u32>,
}

impl TryFrom<LeaseRulesRepr> for LeaseRules {
    type Error = RulesError;

    fn try_from(r: LeaseRulesRepr) -> Result<Self, RulesError> {
        let rules = LeaseRules {
            max_term_months: r.max_term_months,
            notice_days: r.notice_days,
        };
        rules.validate()?;
        Ok(rules)
    }
}

impl LeaseRules {
    /// Parses and checks rules in the TOML form shown on [`LeaseRules`]. Refused,
    /// with the line: malformed TOML, unknown or missing fields, and numbers outside
    /// the documented ranges.
    pub fn from_toml(text: &str) -> Result<LeaseRules, RulesError> {
        let s: SpannedLeaseRules =
            toml::from_str(text).map_err(|e| RulesError::from_toml(text, &e))?;
        let (min, max) = MAX_TERM_MONTHS;
        check_range(
            "max_term_months",
            *s.max_term_months.get_ref(),
            min,
            max,
            line_of(text, &s.max_term_months),
        )?;
        let (min, max) = NOTICE_DAYS;
        check_range(
            "notice_days",
            *s.notice_days.get_ref(),
            min,
            max,
            line_of(text, &s.notice_days),
        )?;
        Ok(LeaseRules {
            max_term_months: s.max_term_months.into_inner(),
            notice_days: s.notice_days.into_inner(),
        })
    }

    /// The rules as TOML that [`LeaseRules::from_toml`] reads back to equal rules.
    pub fn to_toml(&self) -> String {
        to_toml_text(self)
    }

    /// Applies [`LeaseRules::from_toml`]'s range checks (without line numbers).
    pub fn validate(&self) -> Result<(), RulesError> {
        let (min, max) = MAX_TERM_MONTHS;
        check_range("max_term_months", self.max_term_months, min, max, None)?;
        let (min, max) = NOTICE_DAYS;
        check_range("notice_days", self.notice_days, min, max, None)
    }
}

/// A lease of one apartment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lease {
    /// First day of the lease.
    pub start: Date,
    /// Last day of the lease (inclusive). An early exit is recorded by moving it
    /// forward to the date [`exit_due`] returns.
    pub end: Date,
    /// Rent per month in fen (1/100 yuan).
    pub monthly_rent_fen: i64,
}

/// Why a lease could not be drawn up.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LeaseError {
    /// The rules' term is outside what [`LeaseRules::validate`] accepts.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// The rent is negative (a free apartment has rent 0).
    #[error("monthly rent {fen} fen is negative")]
    NegativeRent {
        /// The rent given.
        fen: i64,
    },
    /// The lease would end past the last date the calendar library represents
    /// (year 9999).
    #[error("a lease starting {start} would end after the last representable date")]
    OutOfRange {
        /// The start given.
        start: Date,
    },
}

impl Lease {
    /// A lease from `start` for the maximum term.
    ///
    /// The lease ends the day before the start's day-of-month comes round
    /// `max_term_months` months later: from 2026-03-01 for 36 months, to
    /// 2029-02-28. When that month has no such day (a start on the 29th to 31st),
    /// the lease ends on that month's last day instead, so a tenant never loses
    /// days to a short month: from 2026-01-31 for 1 month, to 2026-02-28 (not
    /// 2026-02-27); from 2024-02-29 for 12 months, to 2025-02-28.
    ///
    /// Refused: a term outside [`LeaseRules::validate`]'s range, a negative rent,
    /// and an end past year 9999.
    pub fn new(
        start: Date,
        rules: &LeaseRules,
        monthly_rent_fen: i64,
    ) -> Result<Lease, LeaseError> {
        let (min, max) = MAX_TERM_MONTHS;
        check_range("max_term_months", rules.max_term_months, min, max, None)?;
        if monthly_rent_fen < 0 {
            return Err(LeaseError::NegativeRent {
                fen: monthly_rent_fen,
            });
        }
        let out_of_range = || LeaseError::OutOfRange { start };
        let anniversary = Span::new()
            .try_months(rules.max_term_months)
            .ok()
            .and_then(|span| start.checked_add(span).ok())
            .ok_or_else(out_of_range)?;
        // jiff clamps a missing day to the month's last day; a smaller day of month
        // is how the clamp shows, and then that last day is the lease's last day.
        let end = if anniversary.day() < start.day() {
            anniversary
        } else {
            anniversary.yesterday().map_err(|_| out_of_range())?
        };
        Ok(Lease {
            start,
            end,
            monthly_rent_fen,
        })
    }
}

/// What the platform knows about a tenant today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TenantFacts {
    /// Since when the tenant (or their household) owns a home in the city, if they
    /// do.
    pub owns_home_since: Option<Date>,
    /// Whether the tenant is still employed in the city.
    pub employed_in_city: bool,
}

/// Why a lease ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExitTrigger {
    /// The tenant bought a home in the city.
    BoughtHome {
        /// Date of the purchase (from [`TenantFacts::owns_home_since`]).
        on: Date,
    },
    /// The tenant no longer works in the city.
    LeftEmployment {
        /// The day the platform noticed, which is `today`: the day they left is not
        /// known.
        noticed: Date,
    },
    /// The lease reaches its last day.
    MaxTerm,
}

/// Whether the lease must end, why, and its last day.
///
/// - Buying a home ends the lease `notice_days` after the purchase date.
/// - Leaving employment ends it `notice_days` after `today`, since the day they
///   left is not known. The platform should record the result by moving
///   [`Lease::end`] to the returned date; later calls then keep returning it.
/// - Neither ends a lease later than its own end.
/// - Reaching the maximum term ends it on [`Lease::end`], reported as
///   [`ExitTrigger::MaxTerm`] from `notice_days` before that day onwards.
///
/// When several apply, the earliest end wins; on the same day the order of the
/// list above decides, so the more specific reason is reported. The date may lie
/// before `today` (a purchase reported late): the tenant is then overdue. `None`
/// if nothing applies yet.
pub fn exit_due(
    lease: &Lease,
    tenant: &TenantFacts,
    today: Date,
    rules: &LeaseRules,
) -> Option<(ExitTrigger, Date)> {
    // A notice period running past the calendar's end is capped by the lease's end
    // anyway, so saturating there loses nothing.
    let notice_from =
        |d: Date| add_days(d, rules.notice_days).map_or(lease.end, |e| e.min(lease.end));
    let mut candidates: Vec<(ExitTrigger, Date)> = Vec::with_capacity(3);
    if let Some(on) = tenant.owns_home_since {
        candidates.push((ExitTrigger::BoughtHome { on }, notice_from(on)));
    }
    if !tenant.employed_in_city {
        candidates.push((
            ExitTrigger::LeftEmployment { noticed: today },
            notice_from(today),
        ));
    }
    let notice_reaches_end = add_days(today, rules.notice_days).is_none_or(|d| d >= lease.end);
    if notice_reaches_end {
        candidates.push((ExitTrigger::MaxTerm, lease.end));
    }
    // `min_by_key` keeps the first of equal minima, which is the precedence above.
    candidates.into_iter().min_by_key(|&(_, end)| end)
}

/// `date` plus `days` days, `None` past the calendar's range.
fn add_days(date: Date, days: u32) -> Option<Date> {
    let span = Span::new().try_days(days).ok()?;
    date.checked_add(span).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RulesProblem;
    use jiff::civil::date;

    fn term(months: u32) -> LeaseRules {
        LeaseRules {
            max_term_months: months,
            notice_days: 30,
        }
    }

    fn end_of(start: Date, months: u32) -> Date {
        Lease::new(start, &term(months), 150_000)
            .expect("valid lease")
            .end
    }

    #[test]
    fn default_round_trips_through_toml() {
        let text = LeaseRules::default().to_toml();
        assert_eq!(text, "max_term_months = 36\nnotice_days = 30\n");
        assert_eq!(LeaseRules::from_toml(&text), Ok(LeaseRules::default()));
    }

    #[test]
    fn bad_rules_are_refused_with_their_line() {
        let e = LeaseRules::from_toml("notice_days = 30\nmax_term_months = 0\n")
            .expect_err("zero months is refused");
        assert_eq!(e.line, Some(2));
        assert!(matches!(
            e.problem,
            RulesProblem::OutOfRange {
                field: "max_term_months",
                ..
            }
        ));
        let e = LeaseRules::from_toml("max_term_months = 36\nnotice_days = 400\n")
            .expect_err("400 days' notice is refused");
        assert_eq!(e.line, Some(2));
        assert!(LeaseRules::from_toml("max_term_months = 36\n").is_err());
        assert!(LeaseRules::from_toml("max_term_months = -1\nnotice_days = 3\n").is_err());
    }

    #[test]
    fn lease_ends_the_day_before_its_monthiversary() {
        assert_eq!(end_of(date(2026, 1, 15), 36), date(2029, 1, 14));
        assert_eq!(end_of(date(2026, 3, 1), 36), date(2029, 2, 28));
        assert_eq!(end_of(date(2026, 3, 1), 1), date(2026, 3, 31));
        assert_eq!(end_of(date(2026, 1, 28), 1), date(2026, 2, 27));
    }

    #[test]
    fn lease_from_a_day_the_end_month_lacks_ends_on_its_last_day() {
        assert_eq!(end_of(date(2026, 1, 31), 1), date(2026, 2, 28));
        assert_eq!(end_of(date(2026, 1, 29), 1), date(2026, 2, 28));
        assert_eq!(end_of(date(2024, 1, 31), 1), date(2024, 2, 29));
        assert_eq!(end_of(date(2026, 3, 31), 1), date(2026, 4, 30));
        assert_eq!(end_of(date(2024, 2, 29), 12), date(2025, 2, 28));
        assert_eq!(end_of(date(2024, 2, 29), 48), date(2028, 2, 28));
        assert_eq!(end_of(date(2025, 12, 31), 36), date(2028, 12, 30));
    }

    #[test]
    fn lease_errors() {
        assert_eq!(
            Lease::new(date(2026, 1, 1), &LeaseRules::default(), -1),
            Err(LeaseError::NegativeRent { fen: -1 })
        );
        assert!(matches!(
            Lease::new(date(2026, 1, 1), &term(0), 0),
            Err(LeaseError::Rules(_))
        ));
        assert_eq!(
            Lease::new(date(9998, 6, 1), &LeaseRules::default(), 0),
            Err(LeaseError::OutOfRange {
                start: date(9998, 6, 1)
            })
        );
        let free = Lease::new(date(2026, 1, 1), &LeaseRules::default(), 0).expect("rent 0 is fine");
        assert_eq!(free.monthly_rent_fen, 0);
    }

    fn lease() -> Lease {
        Lease::new(date(2026, 1, 1), &LeaseRules::default(), 200_000).expect("valid lease")
    }

    const SETTLED: TenantFacts = TenantFacts {
        owns_home_since: None,
        employed_in_city: true,
    };

    #[test]
    fn nothing_is_due_for_a_settled_tenant_mid_term() {
        assert_eq!(lease().end, date(2028, 12, 31));
        assert_eq!(
            exit_due(&lease(), &SETTLED, date(2027, 6, 1), &LeaseRules::default()),
            None
        );
    }

    #[test]
    fn max_term_is_reported_from_notice_days_before_the_end() {
        let rules = LeaseRules::default();
        assert_eq!(
            exit_due(&lease(), &SETTLED, date(2028, 11, 30), &rules),
            None
        );
        assert_eq!(
            exit_due(&lease(), &SETTLED, date(2028, 12, 1), &rules),
            Some((ExitTrigger::MaxTerm, date(2028, 12, 31)))
        );
        assert_eq!(
            exit_due(&lease(), &SETTLED, date(2029, 2, 1), &rules),
            Some((ExitTrigger::MaxTerm, date(2028, 12, 31)))
        );
    }

    #[test]
    fn buying_a_home_ends_the_lease_after_notice() {
        let tenant = TenantFacts {
            owns_home_since: Some(date(2027, 3, 10)),
            employed_in_city: true,
        };
        assert_eq!(
            exit_due(&lease(), &tenant, date(2027, 3, 20), &LeaseRules::default()),
            Some((
                ExitTrigger::BoughtHome {
                    on: date(2027, 3, 10)
                },
                date(2027, 4, 9)
            ))
        );
    }

    #[test]
    fn leaving_employment_counts_notice_from_today() {
        let tenant = TenantFacts {
            owns_home_since: None,
            employed_in_city: false,
        };
        assert_eq!(
            exit_due(&lease(), &tenant, date(2027, 3, 20), &LeaseRules::default()),
            Some((
                ExitTrigger::LeftEmployment {
                    noticed: date(2027, 3, 20)
                },
                date(2027, 4, 19)
            ))
        );
    }

    #[test]
    fn recording_the_exit_keeps_the_date_stable() {
        let tenant = TenantFacts {
            owns_home_since: None,
            employed_in_city: false,
        };
        let rules = LeaseRules::default();
        let mut lease = lease();
        let (_, ends) = exit_due(&lease, &tenant, date(2027, 3, 20), &rules).expect("due");
        lease.end = ends;
        let later = exit_due(&lease, &tenant, date(2027, 4, 1), &rules).expect("still due");
        assert_eq!(later.1, ends);
        assert!(matches!(later.0, ExitTrigger::LeftEmployment { .. }));
    }

    #[test]
    fn the_earliest_end_wins() {
        let rules = LeaseRules::default();
        // Left employment noticed first, then a home bought long before.
        let both = TenantFacts {
            owns_home_since: Some(date(2027, 1, 5)),
            employed_in_city: false,
        };
        assert_eq!(
            exit_due(&lease(), &both, date(2027, 3, 20), &rules),
            Some((
                ExitTrigger::BoughtHome {
                    on: date(2027, 1, 5)
                },
                date(2027, 2, 4)
            ))
        );
        // A home bought after the notice started ends later than the notice.
        let late_home = TenantFacts {
            owns_home_since: Some(date(2027, 3, 25)),
            employed_in_city: false,
        };
        assert!(matches!(
            exit_due(&lease(), &late_home, date(2027, 3, 20), &rules),
            Some((ExitTrigger::LeftEmployment { .. }, d)) if d == date(2027, 4, 19)
        ));
        // Near the end, notice is capped by the lease's end, and on a tie the
        // specific reason is reported.
        let home_near_end = TenantFacts {
            owns_home_since: Some(date(2028, 12, 20)),
            employed_in_city: true,
        };
        assert_eq!(
            exit_due(&lease(), &home_near_end, date(2028, 12, 21), &rules),
            Some((
                ExitTrigger::BoughtHome {
                    on: date(2028, 12, 20)
                },
                date(2028, 12, 31)
            ))
        );
    }

    #[test]
    fn zero_notice_ends_on_the_trigger_day() {
        let rules = LeaseRules {
            max_term_months: 36,
            notice_days: 0,
        };
        let tenant = TenantFacts {
            owns_home_since: None,
            employed_in_city: false,
        };
        assert_eq!(
            exit_due(&lease(), &tenant, date(2027, 3, 20), &rules).map(|(_, d)| d),
            Some(date(2027, 3, 20))
        );
        assert_eq!(
            exit_due(&lease(), &SETTLED, date(2028, 12, 31), &rules),
            Some((ExitTrigger::MaxTerm, date(2028, 12, 31)))
        );
        assert_eq!(
            exit_due(&lease(), &SETTLED, date(2028, 12, 30), &rules),
            None
        );
    }
}
