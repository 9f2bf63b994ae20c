//! Who comes first: the officer's priority rules, the seeded lottery that breaks
//! the remaining ties, and the public ranking table that lets anyone check both.
//!
//! Every complex in a round ranks its applicants by the same global order, so the
//! order is computed once here ([`priority_order`]) and restricted per complex by
//! [`build_instance`](crate::build_instance).

use std::collections::HashSet;

use hmac::{Hmac, Mac};
use jiff::tz::Offset;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;
use toml::Spanned;

use yingcai_domain::Date;

use crate::rules::{RulesError, RulesProblem, line_of, to_toml_text};

/// One sort criterion a [`PriorityKey`] can use, with its code as written in the
/// rules' TOML and in the public ranking table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Criterion {
    /// Talent card tier (`"tier"`), in the order the rules list.
    Tier,
    /// Months of social insurance paid in the city (`"insurance_months"`), more first.
    InsuranceMonths,
    /// Date of arrival in the city (`"arrival_date"`), earlier first.
    ArrivalDate,
    /// Highest degree (`"degree"`), in the order the rules list.
    Degree,
    /// Moment the application was submitted (`"applied_at"`), earlier first.
    AppliedAt,
}

impl Criterion {
    /// Every criterion, in the order of this enum.
    pub const ALL: [Criterion; 5] = [
        Criterion::Tier,
        Criterion::InsuranceMonths,
        Criterion::ArrivalDate,
        Criterion::Degree,
        Criterion::AppliedAt,
    ];

    /// The code used in TOML and in [`PriorityRow::values`].
    pub fn code(self) -> &'static str {
        match self {
            Criterion::Tier => "tier",
            Criterion::InsuranceMonths => "insurance_months",
            Criterion::ArrivalDate => "arrival_date",
            Criterion::Degree => "degree",
            Criterion::AppliedAt => "applied_at",
        }
    }

    /// The criterion with code `code`, if any.
    pub fn from_code(code: &str) -> Option<Criterion> {
        Criterion::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Whether the rules must list this criterion's values in an `order`, because
    /// the values (tier names, degree names) have no natural order.
    pub fn needs_order(self) -> bool {
        matches!(self, Criterion::Tier | Criterion::Degree)
    }
}

/// One key of the priority order. Earlier keys decide first; a later key only
/// separates applicants that all earlier keys left tied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriorityKey {
    /// Card tiers listed in `order` come first, in that order; applicants with any
    /// other tier or without a card come after them, all tied. Names are compared
    /// exactly (case-sensitive).
    Tier {
        /// Tier names, highest priority first.
        order: Vec<String>,
    },
    /// More months of social insurance first.
    InsuranceMonths,
    /// Earlier arrival in the city first.
    ArrivalDate,
    /// Degrees listed in `order` come first, in that order; anyone else after,
    /// all tied.
    Degree {
        /// Degree names, highest priority first.
        order: Vec<String>,
    },
    /// Earlier application first (first come, first served).
    AppliedAt,
}

impl PriorityKey {
    /// The criterion this key sorts by.
    pub fn criterion(&self) -> Criterion {
        match self {
            PriorityKey::Tier { .. } => Criterion::Tier,
            PriorityKey::InsuranceMonths => Criterion::InsuranceMonths,
            PriorityKey::ArrivalDate => Criterion::ArrivalDate,
            PriorityKey::Degree { .. } => Criterion::Degree,
            PriorityKey::AppliedAt => Criterion::AppliedAt,
        }
    }

    fn order(&self) -> Option<&[String]> {
        match self {
            PriorityKey::Tier { order } | PriorityKey::Degree { order } => Some(order),
            _ => None,
        }
    }

    /// This key's value for `facts` as a number where lower means higher priority,
    /// so that the whole sort key is a plain lexicographic comparison.
    fn rank(&self, facts: &ApplicantFacts) -> i64 {
        fn position(order: &[String], value: Option<&str>) -> i64 {
            let unlisted = order.len();
            let pos = value
                .and_then(|v| order.iter().position(|o| o == v))
                .unwrap_or(unlisted);
            i64::try_from(pos).unwrap_or(i64::MAX)
        }
        match self {
            PriorityKey::Tier { order } => position(order, facts.tier.as_deref()),
            PriorityKey::Degree { order } => position(order, facts.degree.as_deref()),
            PriorityKey::InsuranceMonths => -i64::from(facts.insurance_months),
            PriorityKey::ArrivalDate => {
                let d = facts.arrival;
                // Monotone in the date.
                i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
            }
            PriorityKey::AppliedAt => facts.applied_at,
        }
    }

    /// The value as shown in the public ranking table.
    fn display(&self, facts: &ApplicantFacts) -> String {
        match self {
            PriorityKey::Tier { .. } => facts.tier.clone().unwrap_or_else(|| NONE.to_owned()),
            PriorityKey::Degree { .. } => facts.degree.clone().unwrap_or_else(|| NONE.to_owned()),
            PriorityKey::InsuranceMonths => facts.insurance_months.to_string(),
            PriorityKey::ArrivalDate => facts.arrival.to_string(),
            PriorityKey::AppliedAt => match jiff::Timestamp::from_second(facts.applied_at) {
                // China has one fixed offset and no daylight saving, so the table
                // shows the local clock the applicant saw, with the offset to keep
                // it unambiguous.
                Ok(ts) => ts.display_with_offset(Offset::constant(8)).to_string(),
                Err(_) => facts.applied_at.to_string(),
            },
        }
    }
}

/// Shown in the ranking table for a missing tier or degree.
const NONE: &str = "-";

/// The officer's priority rules for a round: keys applied in order, then the
/// seeded lottery ([`lottery_ticket`]), which is always the final tie-break and
/// never a key.
///
/// TOML form (`[[key]]` tables, tried top to bottom):
///
/// ```toml
/// [[key]]
/// criterion = "tier"
/// order = ["A", "B"]              # listed tiers first, in this order; any other tier or no card after, all tied
/// [[key]]
/// criterion = "insurance_months"  # more months of social insurance first
/// [[key]]
/// criterion = "arrival_date"      # earlier arrival in the city first
/// [[key]]
/// criterion = "degree"
/// order = ["phd", "master", "bachelor"]
/// [[key]]
/// criterion = "applied_at"        # earlier application first
/// ```
///
/// `order` is required for `tier` and `degree` and refused for the others; each
/// criterion may appear once. No keys at all is valid: a pure lottery.
///
/// The fields are public for reading and building; rules built by hand should go
/// through [`PriorityRules::validate`] before they are stored, as
/// [`PriorityRules::from_toml`] and serde deserialization do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RulesRepr", into = "RulesRepr")]
pub struct PriorityRules {
    /// The keys, deciding first to last.
    pub keys: Vec<PriorityKey>,
}

impl Default for PriorityRules {
    /// Tier `A` then `B` (then everyone else), then more insurance months, then
    /// earlier arrival.
    fn default() -> Self {
        PriorityRules {
            keys: vec![
                PriorityKey::Tier {
                    order: vec!["A".to_owned(), "B".to_owned()],
                },
                PriorityKey::InsuranceMonths,
                PriorityKey::ArrivalDate,
            ],
        }
    }
}

/// The serde shape, shared by TOML and any other format.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesRepr {
    #[serde(default)]
    key: Vec<KeyRepr>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyRepr {
    criterion: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    order: Option<Vec<String>>,
}

/// The same shape with spans, so that [`PriorityRules::from_toml`] can name lines.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpannedRules {
    #[serde(default)]
    key: Vec<SpannedKey>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpannedKey {
    criterion: Spanned<String>,
    #[serde(default)]
    order: Option<Spanned<Vec<Spanned<String>>>>,
}

/// A value as written, with its line when known.
type Located<T> = (T, Option<usize>);

/// A key as written.
struct KeyDraft {
    criterion: Located<String>,
    order: Option<Located<Vec<Located<String>>>>,
}

impl From<PriorityRules> for RulesRepr {
    fn from(rules: PriorityRules) -> Self {
        RulesRepr {
            key: rules
                .keys
                .iter()
                .map(|k| KeyRepr {
                    criterion: k.criterion().code().to_owned(),
                    order: k.order().map(<[String]>::to_vec),
                })
                .collect(),
        }
    }
}

impl TryFrom<RulesRepr> for PriorityRules {
    type Error = RulesError;

    fn try_from(repr: RulesRepr) -> Result<Self, RulesError> {
        let drafts = repr
            .key
            .into_iter()
            .map(|k| KeyDraft {
                criterion: (k.criterion, None),
                order: k
                    .order
                    .map(|o| (o.into_iter().map(|e| (e, None)).collect(), None)),
            })
            .collect();
        compile(drafts)
    }
}

/// Checks drafts in file order and builds the rules; the first problem found is
/// reported, so the same file always gives the same message.
fn compile(drafts: Vec<KeyDraft>) -> Result<PriorityRules, RulesError> {
    let mut seen: Vec<Criterion> = Vec::new();
    let mut keys = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let (code, line) = draft.criterion;
        let criterion = Criterion::from_code(&code)
            .ok_or_else(|| RulesError::new(line, RulesProblem::UnknownCriterion { found: code }))?;
        let name = criterion.code();
        if seen.contains(&criterion) {
            return Err(RulesError::new(
                line,
                RulesProblem::RepeatedCriterion { criterion: name },
            ));
        }
        seen.push(criterion);
        let order = match (criterion.needs_order(), draft.order) {
            (true, None) => {
                return Err(RulesError::new(
                    line,
                    RulesProblem::MissingOrder { criterion: name },
                ));
            }
            (false, Some((_, order_line))) => {
                return Err(RulesError::new(
                    order_line.or(line),
                    RulesProblem::UnexpectedOrder { criterion: name },
                ));
            }
            (false, None) => Vec::new(),
            (true, Some((entries, order_line))) => {
                if entries.is_empty() {
                    return Err(RulesError::new(
                        order_line.or(line),
                        RulesProblem::EmptyOrder { criterion: name },
                    ));
                }
                let mut order: Vec<String> = Vec::with_capacity(entries.len());
                for (entry, entry_line) in entries {
                    let at = entry_line.or(order_line).or(line);
                    if entry.trim().is_empty() {
                        return Err(RulesError::new(
                            at,
                            RulesProblem::BlankOrderEntry { criterion: name },
                        ));
                    }
                    if order.contains(&entry) {
                        return Err(RulesError::new(
                            at,
                            RulesProblem::RepeatedOrderEntry {
                                criterion: name,
                                entry,
                            },
                        ));
                    }
                    order.push(entry);
                }
                order
            }
        };
        keys.push(match criterion {
            Criterion::Tier => PriorityKey::Tier { order },
            Criterion::Degree => PriorityKey::Degree { order },
            Criterion::InsuranceMonths => PriorityKey::InsuranceMonths,
            Criterion::ArrivalDate => PriorityKey::ArrivalDate,
            Criterion::AppliedAt => PriorityKey::AppliedAt,
        });
    }
    Ok(PriorityRules { keys })
}

impl PriorityRules {
    /// Parses and checks rules in the TOML form shown on [`PriorityRules`].
    ///
    /// Refused, with the line: malformed TOML or unknown fields, an unknown
    /// criterion, a criterion given twice, a missing, unexpected or empty `order`,
    /// and an empty or repeated `order` entry.
    pub fn from_toml(text: &str) -> Result<PriorityRules, RulesError> {
        let spanned: SpannedRules =
            toml::from_str(text).map_err(|e| RulesError::from_toml(text, &e))?;
        let drafts = spanned
            .key
            .into_iter()
            .map(|k| KeyDraft {
                criterion: (k.criterion.get_ref().clone(), line_of(text, &k.criterion)),
                order: k.order.map(|o| {
                    let line = line_of(text, &o);
                    let entries = o
                        .get_ref()
                        .iter()
                        .map(|e| (e.get_ref().clone(), line_of(text, e)))
                        .collect();
                    (entries, line)
                }),
            })
            .collect();
        compile(drafts)
    }

    /// The rules as TOML that [`PriorityRules::from_toml`] reads back to equal
    /// rules.
    pub fn to_toml(&self) -> String {
        to_toml_text(&RulesRepr::from(self.clone()))
    }

    /// Applies [`PriorityRules::from_toml`]'s checks to rules built by hand
    /// (without line numbers).
    pub fn validate(&self) -> Result<(), RulesError> {
        PriorityRules::try_from(RulesRepr::from(self.clone())).map(|_| ())
    }
}

/// What the priority rules can look at for one applicant in one round.
///
/// Only the pseudonym identifies the applicant: these facts, under the pseudonym,
/// are what the public ranking table shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApplicantFacts {
    /// The applicant's pseudonym for this round (see [`pseudonym`]); unique within
    /// the round.
    pub pseudonym: String,
    /// Talent card tier, `None` without a card.
    pub tier: Option<String>,
    /// Highest degree, `None` if unknown or none.
    pub degree: Option<String>,
    /// Months of social insurance paid in the city.
    pub insurance_months: u32,
    /// Date of arrival in the city.
    pub arrival: Date,
    /// When the application was submitted, in Unix seconds.
    pub applied_at: i64,
}

/// The applicant's lottery ticket: the final tie-break after every priority key.
/// A lower ticket comes first.
///
/// The formula, which anyone can recompute because the seed is published when the
/// round opens:
///
/// > **ticket = SHA-256( seed + ":" + pseudonym )**
///
/// where `seed` is the round's published seed exactly as published (lowercase
/// hexadecimal), `":"` is a colon, `pseudonym` is the applicant's pseudonym as shown
/// in the ranking table, `+` joins the texts, and the joined text is hashed as UTF-8
/// bytes. Tickets are compared as 32-byte unsigned numbers, most significant byte
/// first; this is the same as comparing their 64-character lowercase hexadecimal
/// forms alphabetically. For example, on a Unix shell:
///
/// ```text
/// $ printf '%s' '00ff:a1b2c3d4e5f6' | sha256sum
/// 2ac4f06c54e80ce5d50338bdb9ea9483295a2cbd98a813dad98af941cdaea538  -
/// ```
///
/// ```
/// let ticket = yingcai_housing::lottery_ticket("00ff", "a1b2c3d4e5f6");
/// assert_eq!(
///     hex::encode(ticket),
///     "2ac4f06c54e80ce5d50338bdb9ea9483295a2cbd98a813dad98af941cdaea538"
/// );
/// ```
pub fn lottery_ticket(seed_hex: &str, pseudonym: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(seed_hex.as_bytes());
    hasher.update(b":");
    hasher.update(pseudonym.as_bytes());
    hasher.finalize().into()
}

/// The applicant's pseudonym in one round: `"a"` followed by the first 12
/// lowercase hexadecimal characters of HMAC-SHA256(`key`, `"{round_id}:{talent_id}"`).
///
/// Without the platform's secret `key` the public cannot link a pseudonym to a
/// talent, nor one talent's pseudonyms across rounds; the platform can always
/// recompute it to show the talent their own row. The leading letter keeps
/// spreadsheets from reading a pseudonym such as `123e45…` as a number. 48 bits make
/// a collision within one round negligible, and a collision would be refused by
/// [`priority_order`] rather than silently merged.
pub fn pseudonym(key: &[u8], round_id: i64, talent_id: i64) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key).expect("HMAC-SHA256 accepts keys of any length");
    mac.update(format!("{round_id}:{talent_id}").as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(13);
    out.push('a');
    out.push_str(&hex::encode(&digest[..6]));
    out
}

/// Why a priority order could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PriorityError {
    /// The seed is not lowercase hexadecimal. Only one spelling of the seed may
    /// exist, or the public would recompute different tickets from the "same"
    /// seed; hex digits also never contain the `:` that separates the seed from
    /// the pseudonym in [`lottery_ticket`].
    #[error("round seed {seed:?} is not a non-empty lowercase hexadecimal string")]
    InvalidSeed {
        /// The seed as given.
        seed: String,
    },
    /// Two applicants share a pseudonym, so the ranking table could not tell them
    /// apart.
    #[error("pseudonym {pseudonym:?} is used by more than one applicant")]
    DuplicatePseudonym {
        /// The repeated pseudonym.
        pseudonym: String,
    },
}

pub(crate) fn check_seed(seed_hex: &str) -> Result<(), PriorityError> {
    let valid = !seed_hex.is_empty()
        && seed_hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if valid {
        Ok(())
    } else {
        Err(PriorityError::InvalidSeed {
            seed: seed_hex.to_owned(),
        })
    }
}

/// The round's global priority order: indices into `facts`, highest priority
/// first.
///
/// Applicants are compared by each key of `rules` in turn, then by
/// [`lottery_ticket`] (lower first). The order depends only on the facts, the rules
/// and the seed, never on the order of `facts`. (Tickets of distinct pseudonyms
/// are distinct unless SHA-256 collides; should that ever happen, the pseudonyms
/// themselves decide, so the order stays total.)
///
/// Refused: a seed that is not lowercase hex, and two applicants with the same
/// pseudonym (the first repeat in input order is named).
pub fn priority_order(
    rules: &PriorityRules,
    seed_hex: &str,
    facts: &[ApplicantFacts],
) -> Result<Vec<usize>, PriorityError> {
    let refs: Vec<&ApplicantFacts> = facts.iter().collect();
    Ok(order_of(rules, seed_hex, &refs)?.0)
}

/// [`priority_order`] over borrowed facts, also returning every ticket (indexed
/// like `facts`) for callers that publish them.
pub(crate) fn order_of(
    rules: &PriorityRules,
    seed_hex: &str,
    facts: &[&ApplicantFacts],
) -> Result<(Vec<usize>, Vec<[u8; 32]>), PriorityError> {
    check_seed(seed_hex)?;
    let mut seen = HashSet::with_capacity(facts.len());
    for f in facts {
        if !seen.insert(f.pseudonym.as_str()) {
            return Err(PriorityError::DuplicatePseudonym {
                pseudonym: f.pseudonym.clone(),
            });
        }
    }
    let ranks: Vec<Vec<i64>> = facts
        .iter()
        .map(|f| rules.keys.iter().map(|k| k.rank(f)).collect())
        .collect();
    let tickets: Vec<[u8; 32]> = facts
        .iter()
        .map(|f| lottery_ticket(seed_hex, &f.pseudonym))
        .collect();
    let mut order: Vec<usize> = (0..facts.len()).collect();
    order.sort_unstable_by(|&x, &y| {
        ranks[x]
            .cmp(&ranks[y])
            .then_with(|| tickets[x].cmp(&tickets[y]))
            .then_with(|| facts[x].pseudonym.cmp(&facts[y].pseudonym))
    });
    Ok((order, tickets))
}

/// One row of the public ranking table: an applicant's place in the round's
/// global order and everything that decided it.
///
/// Publishing the table with the rules and the seed lets anyone re-sort the rows
/// and recompute every ticket with [`lottery_ticket`]'s formula.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriorityRow {
    /// The applicant's pseudonym.
    pub pseudonym: String,
    /// 1-based place in the global order.
    pub position: u32,
    /// `(criterion code, value)` for each key of the rules, in key order. Values:
    /// tier and degree as recorded (`"-"` when none); insurance months as a
    /// number; arrival as `YYYY-MM-DD`; application time as RFC 3339 in China
    /// Standard Time (`2026-03-02T09:15:00+08:00`).
    pub values: Vec<(&'static str, String)>,
    /// The lottery ticket as 64 lowercase hex characters.
    pub ticket_hex: String,
}

/// The public ranking table: one [`PriorityRow`] per applicant, in
/// [`priority_order`] (so `rows[i].position == i + 1`). Refused for the same
/// reasons as [`priority_order`].
pub fn priority_table(
    rules: &PriorityRules,
    seed_hex: &str,
    facts: &[ApplicantFacts],
) -> Result<Vec<PriorityRow>, PriorityError> {
    let refs: Vec<&ApplicantFacts> = facts.iter().collect();
    let (order, tickets) = order_of(rules, seed_hex, &refs)?;
    Ok(order
        .iter()
        .enumerate()
        .map(|(place, &i)| PriorityRow {
            pseudonym: facts[i].pseudonym.clone(),
            position: u32::try_from(place + 1).unwrap_or(u32::MAX),
            values: rules
                .keys
                .iter()
                .map(|k| (k.criterion().code(), k.display(&facts[i])))
                .collect(),
            ticket_hex: hex::encode(tickets[i]),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "5eed";

    fn facts(pseudonym: &str) -> ApplicantFacts {
        ApplicantFacts {
            pseudonym: pseudonym.to_owned(),
            tier: None,
            degree: None,
            insurance_months: 0,
            arrival: Date::new(2025, 1, 1).unwrap(),
            applied_at: 0,
        }
    }

    fn order_names(rules: &PriorityRules, all: &[ApplicantFacts]) -> Vec<String> {
        priority_order(rules, SEED, all)
            .expect("valid input")
            .into_iter()
            .map(|i| all[i].pseudonym.clone())
            .collect()
    }

    fn by_ticket(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by_key(|p| lottery_ticket(SEED, p));
        v
    }

    fn problem(text: &str) -> (Option<usize>, RulesProblem) {
        let e = PriorityRules::from_toml(text).expect_err("rules should be refused");
        (e.line, e.problem)
    }

    const FULL: &str = r#"
[[key]]
criterion = "tier"
order = ["A", "B"]
[[key]]
criterion = "insurance_months"
[[key]]
criterion = "arrival_date"
[[key]]
criterion = "degree"
order = ["phd", "master", "bachelor"]
[[key]]
criterion = "applied_at"
"#;

    #[test]
    fn full_example_parses_and_round_trips() {
        let rules = PriorityRules::from_toml(FULL).expect("the documented example is valid");
        assert_eq!(
            rules.keys,
            vec![
                PriorityKey::Tier {
                    order: vec!["A".into(), "B".into()]
                },
                PriorityKey::InsuranceMonths,
                PriorityKey::ArrivalDate,
                PriorityKey::Degree {
                    order: vec!["phd".into(), "master".into(), "bachelor".into()]
                },
                PriorityKey::AppliedAt,
            ]
        );
        assert_eq!(PriorityRules::from_toml(&rules.to_toml()), Ok(rules));
    }

    #[test]
    fn default_is_tier_insurance_arrival_and_round_trips() {
        let rules = PriorityRules::default();
        let codes: Vec<&str> = rules.keys.iter().map(|k| k.criterion().code()).collect();
        assert_eq!(codes, ["tier", "insurance_months", "arrival_date"]);
        assert_eq!(
            rules.to_toml(),
            "[[key]]\ncriterion = \"tier\"\norder = [\"A\", \"B\"]\n\n[[key]]\ncriterion = \"insurance_months\"\n\n[[key]]\ncriterion = \"arrival_date\"\n"
        );
        assert_eq!(PriorityRules::from_toml(&rules.to_toml()), Ok(rules));
    }

    #[test]
    fn no_keys_is_a_pure_lottery() {
        let rules = PriorityRules::from_toml("").expect("empty rules are valid");
        assert!(rules.keys.is_empty());
        assert_eq!(PriorityRules::from_toml(&rules.to_toml()), Ok(rules));
    }

    #[test]
    fn unknown_criterion_is_refused_with_its_line() {
        let text = "[[key]]\ncriterion = \"tier\"\norder = [\"A\"]\n[[key]]\ncriterion = \"age\"\n";
        assert_eq!(
            problem(text),
            (
                Some(5),
                RulesProblem::UnknownCriterion {
                    found: "age".into()
                }
            )
        );
        let message = PriorityRules::from_toml(text)
            .expect_err("refused")
            .to_string();
        assert!(
            message.starts_with("line 5: unknown criterion \"age\""),
            "{message}"
        );
    }

    #[test]
    fn repeated_criterion_is_refused_at_the_second() {
        let text = "[[key]]\ncriterion = \"applied_at\"\n[[key]]\ncriterion = \"applied_at\"\n";
        assert_eq!(
            problem(text),
            (
                Some(4),
                RulesProblem::RepeatedCriterion {
                    criterion: "applied_at"
                }
            )
        );
    }

    #[test]
    fn order_is_required_for_categories_only() {
        assert_eq!(
            problem("[[key]]\ncriterion = \"degree\"\n"),
            (
                Some(2),
                RulesProblem::MissingOrder {
                    criterion: "degree"
                }
            )
        );
        assert_eq!(
            problem("[[key]]\ncriterion = \"arrival_date\"\norder = [\"x\"]\n"),
            (
                Some(3),
                RulesProblem::UnexpectedOrder {
                    criterion: "arrival_date"
                }
            )
        );
    }

    #[test]
    fn empty_blank_and_repeated_order_entries_are_refused() {
        assert_eq!(
            problem("[[key]]\ncriterion = \"tier\"\norder = []\n"),
            (Some(3), RulesProblem::EmptyOrder { criterion: "tier" })
        );
        assert_eq!(
            problem("[[key]]\ncriterion = \"tier\"\norder = [\"A\", \" \"]\n"),
            (Some(3), RulesProblem::BlankOrderEntry { criterion: "tier" })
        );
        assert_eq!(
            problem("[[key]]\ncriterion = \"tier\"\norder = [\n  \"A\",\n  \"B\",\n  \"A\",\n]\n"),
            (
                Some(6),
                RulesProblem::RepeatedOrderEntry {
                    criterion: "tier",
                    entry: "A".into()
                }
            )
        );
    }

    #[test]
    fn malformed_toml_and_unknown_fields_are_refused_with_a_line() {
        let (line, p) = problem("[[key]]\ncriterion = \"tier\"\nordre = [\"A\"]\n");
        assert_eq!(line, Some(3));
        assert!(matches!(p, RulesProblem::Toml(m) if m.contains("ordre")));
        let (line, p) = problem("[[key]]\ncriterion = 3\n");
        assert_eq!(line, Some(2));
        assert!(matches!(p, RulesProblem::Toml(_)));
        assert!(matches!(problem("[[key\n").1, RulesProblem::Toml(_)));
        assert!(matches!(problem("[rules]\n").1, RulesProblem::Toml(_)));
    }

    #[test]
    fn serde_path_applies_the_same_checks() {
        let e = toml::from_str::<PriorityRules>("[[key]]\ncriterion = \"tier\"\n")
            .expect_err("tier without order is refused");
        assert!(e.to_string().contains("needs an `order`"), "{e}");
        let bad = PriorityRules {
            keys: vec![PriorityKey::AppliedAt, PriorityKey::AppliedAt],
        };
        assert_eq!(
            bad.validate(),
            Err(RulesError::new(
                None,
                RulesProblem::RepeatedCriterion {
                    criterion: "applied_at"
                }
            ))
        );
        assert_eq!(PriorityRules::default().validate(), Ok(()));
    }

    #[test]
    fn lottery_ticket_follows_the_published_formula() {
        let mut hasher = Sha256::new();
        hasher.update(b"abc123:a0123456789ab");
        let expected: [u8; 32] = hasher.finalize().into();
        assert_eq!(lottery_ticket("abc123", "a0123456789ab"), expected);
    }

    #[test]
    fn ties_are_broken_only_by_the_lottery() {
        let names = ["p1", "p2", "p3", "p4", "p5", "p6"];
        let all: Vec<ApplicantFacts> = names.iter().map(|n| facts(n)).collect();
        assert_eq!(
            order_names(&PriorityRules::default(), &all),
            by_ticket(&names)
        );
        assert_eq!(
            order_names(&PriorityRules { keys: vec![] }, &all),
            by_ticket(&names)
        );
    }

    #[test]
    fn a_different_seed_gives_a_different_lottery() {
        let all: Vec<ApplicantFacts> = (0..20).map(|i| facts(&format!("p{i}"))).collect();
        let rules = PriorityRules { keys: vec![] };
        let first = priority_order(&rules, "00", &all).expect("valid");
        let second = priority_order(&rules, "01", &all).expect("valid");
        assert_ne!(first, second);
    }

    #[test]
    fn unlisted_tiers_and_no_card_sort_after_listed_tiers_all_tied() {
        let mut all = Vec::new();
        for (name, tier) in [
            ("none1", None),
            ("c1", Some("C")),
            ("b1", Some("B")),
            ("none2", None),
            ("a1", Some("A")),
            ("c2", Some("C")),
            ("lower_a", Some("a")),
        ] {
            let mut f = facts(name);
            f.tier = tier.map(str::to_owned);
            all.push(f);
        }
        let order = order_names(&PriorityRules::default(), &all);
        assert_eq!(order[..2], ["a1", "b1"]);
        // Tier names are case-sensitive: "a" is not "A".
        assert_eq!(
            order[2..],
            by_ticket(&["none1", "c1", "none2", "c2", "lower_a"])
        );
    }

    #[test]
    fn each_criterion_sorts_in_its_direction() {
        let mut x = facts("x");
        let mut y = facts("y");
        let check = |key: PriorityKey, first: &ApplicantFacts, second: &ApplicantFacts| {
            let rules = PriorityRules { keys: vec![key] };
            for pair in [
                [first.clone(), second.clone()],
                [second.clone(), first.clone()],
            ] {
                assert_eq!(
                    order_names(&rules, &pair),
                    [first.pseudonym.clone(), second.pseudonym.clone()]
                );
            }
        };
        x.insurance_months = 40;
        y.insurance_months = 39;
        check(PriorityKey::InsuranceMonths, &x, &y);
        x.arrival = Date::new(2023, 12, 31).unwrap();
        y.arrival = Date::new(2024, 1, 1).unwrap();
        check(PriorityKey::ArrivalDate, &x, &y);
        x.applied_at = -5;
        y.applied_at = 100;
        check(PriorityKey::AppliedAt, &x, &y);
        x.degree = Some("master".into());
        y.degree = None;
        let degree = PriorityKey::Degree {
            order: vec!["phd".into(), "master".into()],
        };
        check(degree.clone(), &x, &y);
        y.degree = Some("phd".into());
        check(degree, &y, &x);
    }

    #[test]
    fn earlier_keys_decide_before_later_ones() {
        let mut veteran = facts("veteran");
        veteran.insurance_months = 120;
        let mut card_a = facts("card_a");
        card_a.tier = Some("A".into());
        let rules = PriorityRules::default();
        assert_eq!(
            order_names(&rules, &[veteran.clone(), card_a.clone()]),
            ["card_a", "veteran"]
        );
        let months_first = PriorityRules {
            keys: vec![
                PriorityKey::InsuranceMonths,
                PriorityKey::Tier {
                    order: vec!["A".into()],
                },
            ],
        };
        assert_eq!(
            order_names(&months_first, &[card_a, veteran]),
            ["veteran", "card_a"]
        );
    }

    #[test]
    fn invalid_seeds_are_refused() {
        for seed in ["", "ABCD", "12:3", "0x12", "5eed ", "g0"] {
            assert_eq!(
                priority_order(&PriorityRules::default(), seed, &[facts("p")]),
                Err(PriorityError::InvalidSeed { seed: seed.into() })
            );
        }
    }

    #[test]
    fn duplicate_pseudonyms_are_refused() {
        let all = [facts("p1"), facts("p2"), facts("p1"), facts("p2")];
        assert_eq!(
            priority_order(&PriorityRules::default(), SEED, &all),
            Err(PriorityError::DuplicatePseudonym {
                pseudonym: "p1".into()
            })
        );
    }

    #[test]
    fn no_applicants_is_an_empty_order() {
        assert_eq!(
            priority_order(&PriorityRules::default(), SEED, &[]),
            Ok(vec![])
        );
    }

    #[test]
    fn pseudonym_is_stable_per_round_and_unlinkable_across_rounds() {
        // Reference values from Python's hmac module.
        assert_eq!(pseudonym(b"platform-secret", 7, 42), "ab014da89ab99");
        assert_eq!(pseudonym(b"", -1, 0), "acf72ce0c1085");
        assert_eq!(
            pseudonym(b"platform-secret", 7, 42),
            pseudonym(b"platform-secret", 7, 42)
        );
        assert_ne!(
            pseudonym(b"platform-secret", 7, 42),
            pseudonym(b"platform-secret", 8, 42)
        );
        assert_ne!(
            pseudonym(b"platform-secret", 7, 42),
            pseudonym(b"other-secret", 7, 42)
        );
    }

    #[test]
    fn table_rows_explain_the_order() {
        let rules = PriorityRules::from_toml(FULL).expect("valid");
        let mut p = facts("a7");
        p.tier = Some("B".into());
        p.degree = Some("phd".into());
        p.insurance_months = 36;
        p.arrival = Date::new(2024, 2, 29).unwrap();
        // 2026-03-02T01:15:00Z
        p.applied_at = 1_772_414_100;
        let mut q = facts("a3");
        q.tier = Some("A".into());
        let table = priority_table(&rules, SEED, &[p, q]).expect("valid");
        assert_eq!(table.len(), 2);
        assert_eq!((table[0].pseudonym.as_str(), table[0].position), ("a3", 1));
        assert_eq!((table[1].pseudonym.as_str(), table[1].position), ("a7", 2));
        assert_eq!(
            table[1].values,
            vec![
                ("tier", "B".to_owned()),
                ("insurance_months", "36".to_owned()),
                ("arrival_date", "2024-02-29".to_owned()),
                ("degree", "phd".to_owned()),
                ("applied_at", "2026-03-02T09:15:00+08:00".to_owned()),
            ]
        );
        assert_eq!(table[0].values[0], ("tier", "A".to_owned()));
        assert_eq!(table[0].values[3], ("degree", "-".to_owned()));
        assert_eq!(table[1].ticket_hex, hex::encode(lottery_ticket(SEED, "a7")));
    }
}
