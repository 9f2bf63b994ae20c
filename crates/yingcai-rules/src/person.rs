//! The talent (person) record: compact typed fields, parsed once, evaluated many times.

use crate::time::{Date, Month};
use serde::Serialize;

/// Highest degree. Ordered: `none < bachelor < master < phd`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Degree {
    /// No degree.
    None = 0,
    /// Bachelor's degree.
    Bachelor = 1,
    /// Master's degree.
    Master = 2,
    /// Doctorate.
    Phd = 3,
}

impl Degree {
    /// All values in order; the index is the enum's ordinal.
    pub const ALL: [Degree; 4] = [Degree::None, Degree::Bachelor, Degree::Master, Degree::Phd];
    /// The CSV / condition spelling.
    pub const NAMES: [&'static str; 4] = ["none", "bachelor", "master", "phd"];
    /// The CSV spelling.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
    /// Parses the CSV spelling.
    #[inline]
    pub fn parse(b: &[u8]) -> Option<Degree> {
        match b {
            b"none" => Some(Degree::None),
            b"bachelor" => Some(Degree::Bachelor),
            b"master" => Some(Degree::Master),
            b"phd" => Some(Degree::Phd),
            _ => None,
        }
    }
}

/// Current housing situation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Housing {
    /// No housing arranged yet.
    None = 0,
    /// Renting on the market.
    Rent = 1,
    /// Living in a talent apartment (in-kind housing support).
    TalentApartment = 2,
    /// Owns a home in the city.
    Owns = 3,
}

impl Housing {
    /// All values in order.
    pub const ALL: [Housing; 4] = [
        Housing::None,
        Housing::Rent,
        Housing::TalentApartment,
        Housing::Owns,
    ];
    /// The CSV / condition spelling.
    pub const NAMES: [&'static str; 4] = ["none", "rent", "talent_apartment", "owns"];
    /// The CSV spelling.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
    /// Parses the CSV spelling.
    #[inline]
    pub fn parse(b: &[u8]) -> Option<Housing> {
        match b {
            b"none" => Some(Housing::None),
            b"rent" => Some(Housing::Rent),
            b"talent_apartment" => Some(Housing::TalentApartment),
            b"owns" => Some(Housing::Owns),
            _ => None,
        }
    }
}

/// The honours a pack knows when it does not declare its own `[vocabulary] honors` list.
pub const DEFAULT_HONORS: [&str; 3] = ["academician", "national_leading", "provincial_leading"];

/// One talent, as in a row of the population CSV.
///
/// `honors` is an index into the pack's honours vocabulary: 0 means none, `i` means
/// `vocabulary.honors[i - 1]` (see [`crate::CompiledPack::honors`]). Keeping it an index
/// (not a string) is what lets a population be evaluated without allocating per row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Person {
    /// Positive, unique id.
    pub id: u64,
    /// Date of birth.
    pub birth_date: Date,
    /// Highest degree.
    pub degree: Degree,
    /// Honour index into the pack's vocabulary, 0 = none.
    pub honors: u8,
    /// Start of employment in the city.
    pub arrival_date: Date,
    /// Employed in the city now.
    pub employed_in_city: bool,
    /// Housing situation.
    pub housing: Housing,
    /// First home bought in the city, if any.
    pub home_purchase_date: Option<Date>,
    /// Months of local social insurance, 0..=600.
    pub social_insurance_months: u16,
}

impl Person {
    /// The month of arrival (first month of any "first N months after arrival" window).
    pub fn arrival_month(&self) -> Month {
        self.arrival_date.year_month()
    }
    /// The month of the home purchase, if any.
    pub fn purchase_month(&self) -> Option<Month> {
        self.home_purchase_date.map(Date::year_month)
    }
}

/// The month-independent facts the compiled conditions read, derived once per person.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Facts {
    pub degree: u8,
    pub honors: u8,
    pub housing: u8,
    pub employed: bool,
    pub si_months: i64,
    pub arrival_month: i64,
    pub purchase_month: Option<i64>,
    pub birth_month: i64,
    /// 1 if born after the 1st of the month: the birthday is not yet reached on the 1st.
    pub birth_day_adj: i64,
}

impl Facts {
    #[inline]
    pub fn of(p: &Person) -> Facts {
        Facts {
            degree: p.degree as u8,
            honors: p.honors,
            housing: p.housing as u8,
            employed: p.employed_in_city,
            si_months: p.social_insurance_months as i64,
            arrival_month: i64::from(p.arrival_date.year_month().index()),
            purchase_month: p
                .home_purchase_date
                .map(|d| i64::from(d.year_month().index())),
            birth_month: i64::from(p.birth_date.year_month().index()),
            birth_day_adj: (p.birth_date.day() > 1) as i64,
        }
    }
}
