//! Open competitions (揭榜挂帅): a research need as its issuer writes it, checked once.
//!
//! A need states what is wanted in measurable terms (indicator, target, unit), what it is
//! worth, how long the work may take, until when bids are taken, on which terms (IP and
//! confidentiality), how bids will be scored (a rubric whose integer weights sum to 100),
//! in how many stages, and how many teams win: one (揭榜) or two or three funded in
//! parallel (赛马). Nothing in a need asks who may bid: any team may.
//!
//! ```
//! use yingcai_domain::competition::{CriterionInput, IndicatorInput, NeedInput};
//! use yingcai_domain::Date;
//! let input = NeedInput {
//!     title: "高导热氮化铝陶瓷基板".into(),
//!     field: "new_materials".into(),
//!     description: "用于功率模块的陶瓷基板，替代进口。".into(),
//!     indicators: vec![IndicatorInput { name: "热导率".into(), target: "≥ 170".into(), unit: "W/(m·K)".into() }],
//!     budget: "3,000,000".into(),
//!     duration_months: "24".into(),
//!     bid_deadline: "2027-03-31".into(),
//!     ip_terms: "shared".into(),
//!     confidentiality: "nda_on_award".into(),
//!     criteria: vec![CriterionInput { name: "技术方案".into(), weight: "100".into() }],
//!     stages: "1".into(),
//!     winners: "1".into(),
//!     ..NeedInput::default()
//! };
//! let need = input.parse(&["new_materials".to_owned()], Date::new(2026, 12, 7).unwrap()).unwrap();
//! assert_eq!(need.budget.0, 300_000_000);
//! assert!(!need.is_horse_race());
//! ```

use serde::{Deserialize, Serialize};

use crate::{Date, Fen, FieldError, FieldErrors};

/// The largest budget one need may state: ¥100,000,000 (1 亿元), above any provincial
/// 揭榜挂帅 project; a larger figure is a typing mistake.
pub const MAX_BUDGET: Fen = Fen(10_000_000_000);
/// At most this many indicator rows and rubric criteria.
pub const MAX_ROWS: usize = 20;
/// The longest time a need may give for the work.
pub const MAX_DURATION_MONTHS: u8 = 60;

/// Who owns what the winning team produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IpTerms {
    /// The issuer owns the results; the team is paid for them.
    Issuer,
    /// The team owns the results; the issuer gets a licence.
    Team,
    /// Owned jointly.
    Shared,
    /// As the note says (a note is then required).
    Other,
}

/// What bidders must keep confidential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidentiality {
    /// Nothing beyond what the need publishes.
    None,
    /// Bidders sign a non-disclosure agreement before the issuer's detailed data.
    NdaOnBid,
    /// The winning team signs one with the task book.
    NdaOnAward,
    /// As the note says (a note is then required).
    Other,
}

macro_rules! choice {
    ($name:ident, $label:literal, $($variant:ident = $text:literal),+ $(,)?) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (and API) text.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// The Fluent message that says it to a person.
            pub const fn label_id(self) -> &'static str {
                match self { $($name::$variant => concat!($label, $text),)+ }
            }

            /// Reads the stored text.
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }
    };
}

choice!(
    IpTerms,
    "need-ip-",
    Issuer = "issuer",
    Team = "team",
    Shared = "shared",
    Other = "other"
);
choice!(
    Confidentiality,
    "need-confidentiality-",
    None = "none",
    NdaOnBid = "nda_on_bid",
    NdaOnAward = "nda_on_award",
    Other = "other",
);

/// One measurable technical indicator: what is measured, the value to reach, its unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub name: String,
    /// As the issuer states it (`≥ 99.5`, `< 2`, `通过第三方检测`).
    pub target: String,
    /// Empty for a dimensionless target.
    pub unit: String,
}

/// One criterion of the rubric bids are scored on, with its weight (the weights of a
/// rubric sum to 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub name: String,
    pub weight: u8,
}

/// A need, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub title: String,
    /// A code of the site's industry catalogue (`WebSettings::industries`).
    pub field: String,
    pub description: String,
    pub indicators: Vec<Indicator>,
    pub budget: Fen,
    pub duration_months: u8,
    /// Bids close at the end of this day, Beijing time.
    pub bid_deadline: Date,
    pub ip_terms: IpTerms,
    pub ip_note: String,
    pub confidentiality: Confidentiality,
    pub confidentiality_note: String,
    pub criteria: Vec<Criterion>,
    /// 1, or 2 (a proposal, then a defence of it).
    pub stages: u8,
    /// 1 (揭榜), or 2–3 teams funded in parallel (赛马).
    pub winners: u8,
}

impl Need {
    /// Two or three teams funded in parallel and narrowed at stage gates (赛马制).
    pub fn is_horse_race(&self) -> bool {
        self.winners > 1
    }
}

/// When bids on a need with this deadline close: the end of the day in Beijing (UTC+8,
/// which keeps no daylight saving), as Unix milliseconds.
pub fn bids_close_at_ms(deadline: Date) -> i64 {
    let days = i64::from(
        deadline
            .jiff()
            .since(jiff::civil::date(1970, 1, 1))
            .map_or(0, |span| span.get_days()),
    );
    (days + 1) * 86_400_000 - 8 * 3_600_000
}

/// An indicator row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IndicatorInput {
    pub name: String,
    pub target: String,
    pub unit: String,
}

/// A rubric row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CriterionInput {
    pub name: String,
    pub weight: String,
}

/// A need as submitted, unchecked. Wholly blank indicator and rubric rows are ignored
/// (a form offers spare rows).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NeedInput {
    pub title: String,
    pub field: String,
    pub description: String,
    pub indicators: Vec<IndicatorInput>,
    /// Yuan, two decimals at most; thousands separators allowed (`3,000,000.00`).
    pub budget: String,
    pub duration_months: String,
    /// `YYYY-MM-DD`.
    pub bid_deadline: String,
    pub ip_terms: String,
    pub ip_note: String,
    pub confidentiality: String,
    pub confidentiality_note: String,
    pub criteria: Vec<CriterionInput>,
    pub stages: String,
    pub winners: String,
}

fn text(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    max: usize,
    required: bool,
) -> Option<String> {
    let value = raw.trim();
    if value.is_empty() && required {
        errors.push(FieldError::new(field, "required"));
        return None;
    }
    if value.chars().count() > max
        || value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(FieldError::new(field, "need-text-too-long"));
        return None;
    }
    Some(value.to_owned())
}

fn small_number(raw: &str, range: std::ops::RangeInclusive<u8>) -> Option<u8> {
    raw.trim().parse::<u8>().ok().filter(|n| range.contains(n))
}

/// A budget in yuan: digits, optional thousands separators, at most two decimals.
fn budget(raw: &str) -> Result<Fen, FieldError> {
    let raw = raw.trim().trim_start_matches('¥').trim();
    if raw.is_empty() {
        return Err(FieldError::new("budget", "required"));
    }
    let plain: String = raw.chars().filter(|c| *c != ',').collect();
    let fen =
        crate::parse_hundredths(&plain).ok_or(FieldError::new("budget", "need-budget-invalid"))?;
    if fen <= 0 || fen > MAX_BUDGET.0 {
        return Err(FieldError::new("budget", "need-budget-range"));
    }
    Ok(Fen(fen))
}

impl NeedInput {
    /// Checks every field; `fields` is the industry catalogue, `today` the date in Beijing
    /// (the deadline must be later). Returns every problem at once.
    pub fn parse(&self, fields: &[String], today: Date) -> Result<Need, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = text(&mut errors, "title", &self.title, 120, true);
        let field = errors.check(match self.field.trim() {
            "" => Err(FieldError::new("field", "required")),
            code if fields.iter().any(|f| f == code) => Ok(code.to_owned()),
            _ => Err(FieldError::new("field", "industry-invalid")),
        });
        let description = text(&mut errors, "description", &self.description, 4000, true);
        let indicators = self.indicators(&mut errors);
        let budget = errors.check(budget(&self.budget));
        let duration_months = errors.check(match self.duration_months.trim() {
            "" => Err(FieldError::new("duration_months", "required")),
            raw => small_number(raw, 1..=MAX_DURATION_MONTHS)
                .ok_or(FieldError::new("duration_months", "need-duration-invalid")),
        });
        let bid_deadline = errors.check(Date::parse("bid_deadline", &self.bid_deadline).and_then(
            |d| {
                if d > today {
                    Ok(d)
                } else {
                    Err(FieldError::new("bid_deadline", "need-deadline-past"))
                }
            },
        ));
        let ip_terms = errors.check(match self.ip_terms.trim() {
            "" => Err(FieldError::new("ip_terms", "required")),
            raw => IpTerms::parse(raw).ok_or(FieldError::new("ip_terms", "value-invalid")),
        });
        let ip_note = text(
            &mut errors,
            "ip_note",
            &self.ip_note,
            2000,
            ip_terms == Some(IpTerms::Other),
        );
        let confidentiality = errors.check(match self.confidentiality.trim() {
            "" => Err(FieldError::new("confidentiality", "required")),
            raw => Confidentiality::parse(raw)
                .ok_or(FieldError::new("confidentiality", "value-invalid")),
        });
        let confidentiality_note = text(
            &mut errors,
            "confidentiality_note",
            &self.confidentiality_note,
            2000,
            confidentiality == Some(Confidentiality::Other),
        );
        let criteria = self.criteria(&mut errors);
        let stages = errors.check(match self.stages.trim() {
            "" => Err(FieldError::new("stages", "required")),
            raw => small_number(raw, 1..=2).ok_or(FieldError::new("stages", "need-stages-invalid")),
        });
        let winners = errors.check(match self.winners.trim() {
            "" => Err(FieldError::new("winners", "required")),
            raw => {
                small_number(raw, 1..=3).ok_or(FieldError::new("winners", "need-winners-invalid"))
            }
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        let (
            Some(title),
            Some(field),
            Some(description),
            Some(indicators),
            Some(budget),
            Some(duration_months),
            Some(bid_deadline),
            Some(ip_terms),
            Some(ip_note),
            Some(confidentiality),
            Some(confidentiality_note),
            Some(criteria),
            Some(stages),
            Some(winners),
        ) = (
            title,
            field,
            description,
            indicators,
            budget,
            duration_months,
            bid_deadline,
            ip_terms,
            ip_note,
            confidentiality,
            confidentiality_note,
            criteria,
            stages,
            winners,
        )
        else {
            unreachable!("INVARIANT: every None recorded an error above");
        };
        Ok(Need {
            title,
            field,
            description,
            indicators,
            budget,
            duration_months,
            bid_deadline,
            ip_terms,
            ip_note,
            confidentiality,
            confidentiality_note,
            criteria,
            stages,
            winners,
        })
    }

    fn indicators(&self, errors: &mut FieldErrors) -> Option<Vec<Indicator>> {
        let rows: Vec<&IndicatorInput> = self
            .indicators
            .iter()
            .filter(|r| {
                !(r.name.trim().is_empty()
                    && r.target.trim().is_empty()
                    && r.unit.trim().is_empty())
            })
            .collect();
        let problem = if rows.is_empty() {
            Some(FieldError::new("indicators", "need-indicators-required"))
        } else if rows.len() > MAX_ROWS {
            Some(FieldError::new("indicators", "need-rows-too-many"))
        } else if rows
            .iter()
            .any(|r| r.name.trim().is_empty() || r.target.trim().is_empty())
        {
            Some(FieldError::new("indicators", "need-indicator-incomplete"))
        } else if rows.iter().any(|r| {
            r.name.trim().chars().count() > 120
                || r.target.trim().chars().count() > 60
                || r.unit.trim().chars().count() > 20
                || [&r.name, &r.target, &r.unit]
                    .iter()
                    .any(|t| t.chars().any(char::is_control))
        }) {
            Some(FieldError::new("indicators", "need-text-too-long"))
        } else {
            None
        };
        if let Some(error) = problem {
            errors.push(error);
            return None;
        }
        Some(
            rows.into_iter()
                .map(|r| Indicator {
                    name: r.name.trim().to_owned(),
                    target: r.target.trim().to_owned(),
                    unit: r.unit.trim().to_owned(),
                })
                .collect(),
        )
    }

    fn criteria(&self, errors: &mut FieldErrors) -> Option<Vec<Criterion>> {
        let rows: Vec<&CriterionInput> = self
            .criteria
            .iter()
            .filter(|r| !(r.name.trim().is_empty() && r.weight.trim().is_empty()))
            .collect();
        let weights: Vec<Option<u8>> = rows
            .iter()
            .map(|r| small_number(&r.weight, 1..=100))
            .collect();
        let problem = if rows.is_empty() {
            Some(FieldError::new("criteria", "need-criteria-required"))
        } else if rows.len() > MAX_ROWS {
            Some(FieldError::new("criteria", "need-rows-too-many"))
        } else if rows.iter().any(|r| r.name.trim().is_empty()) {
            Some(FieldError::new("criteria", "need-criterion-incomplete"))
        } else if rows
            .iter()
            .any(|r| r.name.trim().chars().count() > 60 || r.name.chars().any(char::is_control))
        {
            Some(FieldError::new("criteria", "need-text-too-long"))
        } else if weights.iter().any(Option::is_none) {
            Some(FieldError::new("criteria", "need-weight-invalid"))
        } else if weights.iter().flatten().map(|w| u32::from(*w)).sum::<u32>() != 100 {
            Some(FieldError::new("criteria", "need-weights-sum"))
        } else {
            None
        };
        if let Some(error) = problem {
            errors.push(error);
            return None;
        }
        Some(
            rows.into_iter()
                .zip(weights.into_iter().flatten())
                .map(|(r, weight)| Criterion {
                    name: r.name.trim().to_owned(),
                    weight,
                })
                .collect(),
        )
    }
}

impl From<&Need> for NeedInput {
    fn from(n: &Need) -> NeedInput {
        NeedInput {
            title: n.title.clone(),
            field: n.field.clone(),
            description: n.description.clone(),
            indicators: n
                .indicators
                .iter()
                .map(|i| IndicatorInput {
                    name: i.name.clone(),
                    target: i.target.clone(),
                    unit: i.unit.clone(),
                })
                .collect(),
            budget: n.budget.bank_plain(),
            duration_months: n.duration_months.to_string(),
            bid_deadline: n.bid_deadline.to_string(),
            ip_terms: n.ip_terms.as_str().to_owned(),
            ip_note: n.ip_note.clone(),
            confidentiality: n.confidentiality.as_str().to_owned(),
            confidentiality_note: n.confidentiality_note.clone(),
            criteria: n
                .criteria
                .iter()
                .map(|c| CriterionInput {
                    name: c.name.clone(),
                    weight: c.weight.to_string(),
                })
                .collect(),
            stages: n.stages.to_string(),
            winners: n.winners.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 12, 7).unwrap()
    }

    fn fields() -> Vec<String> {
        vec!["new_materials".to_owned(), "next_gen_it".to_owned()]
    }

    fn valid() -> NeedInput {
        NeedInput {
            title: "工业视觉缺陷检测".into(),
            field: "next_gen_it".into(),
            description: "产线上的表面缺陷在线检测。".into(),
            indicators: vec![
                IndicatorInput {
                    name: "检出率".into(),
                    target: "≥ 99.5".into(),
                    unit: "%".into(),
                },
                IndicatorInput::default(),
            ],
            budget: "1,500,000.50".into(),
            duration_months: "18".into(),
            bid_deadline: "2027-02-01".into(),
            ip_terms: "shared".into(),
            ip_note: String::new(),
            confidentiality: "nda_on_bid".into(),
            confidentiality_note: String::new(),
            criteria: vec![
                CriterionInput {
                    name: "技术路线".into(),
                    weight: "60".into(),
                },
                CriterionInput {
                    name: "团队能力".into(),
                    weight: "40".into(),
                },
                CriterionInput::default(),
            ],
            stages: "2".into(),
            winners: "3".into(),
        }
    }

    fn codes(input: &NeedInput) -> Vec<(&'static str, &'static str)> {
        input
            .parse(&fields(), today())
            .unwrap_err()
            .iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_valid_need_parses_skipping_blank_rows_and_round_trips() {
        let need = valid().parse(&fields(), today()).unwrap();
        assert_eq!(need.budget, Fen(150_000_050));
        assert_eq!(need.indicators.len(), 1);
        assert_eq!(need.criteria.len(), 2);
        assert_eq!((need.stages, need.winners), (2, 3));
        assert!(need.is_horse_race());
        assert_eq!(
            NeedInput::from(&need).parse(&fields(), today()).unwrap(),
            need
        );
    }

    #[test]
    fn an_empty_need_names_every_required_field() {
        assert_eq!(
            codes(&NeedInput::default()),
            [
                ("title", "required"),
                ("field", "required"),
                ("description", "required"),
                ("indicators", "need-indicators-required"),
                ("budget", "required"),
                ("duration_months", "required"),
                ("bid_deadline", "required"),
                ("ip_terms", "required"),
                ("confidentiality", "required"),
                ("criteria", "need-criteria-required"),
                ("stages", "required"),
                ("winners", "required"),
            ]
        );
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let mut input = valid();
        input.field = "mining".into();
        input.budget = "0".into();
        input.duration_months = "61".into();
        input.bid_deadline = "2026-12-07".into();
        input.ip_terms = "other".into();
        input.confidentiality = "secret".into();
        input.stages = "3".into();
        input.winners = "4".into();
        assert_eq!(
            codes(&input),
            [
                ("field", "industry-invalid"),
                ("budget", "need-budget-range"),
                ("duration_months", "need-duration-invalid"),
                ("bid_deadline", "need-deadline-past"),
                ("ip_note", "required"),
                ("confidentiality", "value-invalid"),
                ("stages", "need-stages-invalid"),
                ("winners", "need-winners-invalid"),
            ]
        );
        input = valid();
        input.budget = "100,000,000.01".into();
        assert_eq!(codes(&input), [("budget", "need-budget-range")]);
        input.budget = "-5".into();
        assert_eq!(codes(&input), [("budget", "need-budget-invalid")]);
        input.budget = "¥100,000,000.00".into();
        assert_eq!(input.parse(&fields(), today()).unwrap().budget, MAX_BUDGET);
    }

    #[test]
    fn indicators_and_rubric_rows_are_checked() {
        let mut input = valid();
        input.indicators[0].target = String::new();
        input.criteria[1].weight = "30".into();
        assert_eq!(
            codes(&input),
            [
                ("indicators", "need-indicator-incomplete"),
                ("criteria", "need-weights-sum")
            ]
        );
        input = valid();
        input.indicators[0].unit = "%\0".into();
        input.criteria[0].name = "技术\u{7f}".into();
        assert_eq!(
            codes(&input),
            [
                ("indicators", "need-text-too-long"),
                ("criteria", "need-text-too-long")
            ]
        );
        input = valid();
        input.criteria[0].weight = "sixty".into();
        assert_eq!(codes(&input), [("criteria", "need-weight-invalid")]);
        input.criteria[0] = CriterionInput {
            name: String::new(),
            weight: "60".into(),
        };
        assert_eq!(codes(&input), [("criteria", "need-criterion-incomplete")]);
        input = valid();
        input.criteria = vec![
            CriterionInput {
                name: "唯一".into(),
                weight: "100".into(),
            };
            MAX_ROWS + 1
        ];
        assert_eq!(codes(&input), [("criteria", "need-rows-too-many")]);
    }

    #[test]
    fn bids_close_at_midnight_beijing_time() {
        // 2027-02-01 24:00 +08:00 is 2027-02-01 16:00 UTC.
        let at = bids_close_at_ms(Date::new(2027, 2, 1).unwrap());
        assert_eq!(
            jiff::Timestamp::from_millisecond(at).unwrap().to_string(),
            "2027-02-01T16:00:00Z"
        );
    }

    #[test]
    fn choices_read_back() {
        for terms in IpTerms::ALL {
            assert_eq!(IpTerms::parse(terms.as_str()), Some(*terms));
        }
        for c in Confidentiality::ALL {
            assert_eq!(Confidentiality::parse(c.as_str()), Some(*c));
        }
        assert_eq!(
            Confidentiality::NdaOnBid.label_id(),
            "need-confidentiality-nda_on_bid"
        );
    }
}
