//! Open competitions (揭榜挂帅): a bid on a published need, checked once, and the formal
//! check run on it after the deadline.
//!
//! Anyone registered may bid, alone or with a team. Nothing in a bid asks for age, degree,
//! title or affiliation: a team member is a name, a role in the team, an organisation in
//! free text (which need not be on the platform) and optionally an e-mail address.
//!
//! Saving checks each field's form (lengths, numbers, the requested budget within the
//! need's, milestone months within its duration), so a draft may be incomplete. Whether a
//! bid is complete and consistent is the formal check's question, asked once the bid has
//! been opened after the deadline, with its reasons in plain words ([`formal_check`]).
//!
//! ```
//! use yingcai_domain::bid::{BidInput, MilestoneInput, NeedTerms, formal_check};
//! use yingcai_domain::Fen;
//! let terms = NeedTerms { budget: Fen(300_000_000), duration_months: 24 };
//! let input = BidInput {
//!     title: "氮化铝基板流延工艺".into(),
//!     plan: "流延成型＋常压烧结。".into(),
//!     budget: "2,000,000".into(),
//!     milestones: vec![MilestoneInput {
//!         title: "样品".into(), deliverable: "检测报告".into(),
//!         month: "12".into(), amount: "2,000,000".into(),
//!     }],
//!     ..BidInput::default()
//! };
//! let bid = input.parse(terms).unwrap();
//! assert_eq!(bid.budget, Some(Fen(200_000_000)));
//! // No plan document yet: the formal check would say so.
//! assert_eq!(formal_check(&bid, terms, 0, true).len(), 1);
//! ```

use serde::{Deserialize, Serialize};

use crate::{Email, Fen, FieldError, FieldErrors};

/// At most this many team members, milestones and declared relations.
pub const MAX_ROWS: usize = 20;
/// At most this many plan documents.
pub const MAX_DOCUMENTS: usize = 10;
/// The longest plan summary, in characters.
pub const MAX_PLAN: usize = 20_000;

/// What a bid is measured against: the need's budget and duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedTerms {
    pub budget: Fen,
    pub duration_months: u8,
}

/// A member of the team besides its lead (the bidder's account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub name: String,
    /// The member's role in this team (`算法负责人`), not a title or rank.
    pub role: String,
    /// Free text: the organisation need not be on the platform.
    pub organisation: String,
    pub email: Option<String>,
}

/// A milestone: what is delivered when, and what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub title: String,
    pub deliverable: String,
    /// Months after the start of the work.
    pub month: u8,
    pub amount: Fen,
}

/// A relation the bidder declares (with the issuer, a reviewer, another bidder…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    /// With whom.
    pub party: String,
    pub organisation: String,
    /// What the relation is (`曾合作项目`, `former student`).
    pub nature: String,
}

/// A bid's content, every field checked. It is stored sealed, as one JSON document;
/// `Debug` shows only its shape, never its words.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Bid {
    pub title: String,
    /// The technical plan in plain text; the documents carry the rest.
    pub plan: String,
    /// The lead's organisation, free text (the lead is the bidding account).
    pub lead_organisation: String,
    pub members: Vec<TeamMember>,
    pub milestones: Vec<Milestone>,
    /// The budget requested; a draft may not state it yet.
    pub budget: Option<Fen>,
    pub relations: Vec<Relation>,
}

impl std::fmt::Debug for Bid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bid")
            .field("plan_chars", &self.plan.chars().count())
            .field("members", &self.members.len())
            .field("milestones", &self.milestones.len())
            .field("budget", &self.budget)
            .field("relations", &self.relations.len())
            .finish_non_exhaustive()
    }
}

/// A team member row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberInput {
    pub name: String,
    pub role: String,
    pub organisation: String,
    pub email: String,
}

/// A milestone row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MilestoneInput {
    pub title: String,
    pub deliverable: String,
    /// Months after the start, a whole number.
    pub month: String,
    /// Yuan, two decimals at most; thousands separators allowed.
    pub amount: String,
}

/// A relation row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RelationInput {
    pub party: String,
    pub organisation: String,
    pub nature: String,
}

/// A bid as submitted, unchecked. Wholly blank rows are ignored (a form offers spare rows).
/// `Debug` shows only its shape, as [`Bid`]'s does.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BidInput {
    pub title: String,
    pub plan: String,
    pub lead_organisation: String,
    pub members: Vec<MemberInput>,
    pub milestones: Vec<MilestoneInput>,
    /// Yuan, two decimals at most; empty while undecided.
    pub budget: String,
    pub relations: Vec<RelationInput>,
}

impl std::fmt::Debug for BidInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BidInput")
            .field("plan_chars", &self.plan.chars().count())
            .field("members", &self.members.len())
            .field("milestones", &self.milestones.len())
            .field("relations", &self.relations.len())
            .finish_non_exhaustive()
    }
}

fn bad_text(value: &str, max: usize) -> bool {
    value.chars().count() > max
        || value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

fn text(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    max: usize,
    required: bool,
) -> String {
    let value = raw.trim();
    if value.is_empty() && required {
        errors.push(FieldError::new(field, "required"));
    } else if bad_text(value, max) {
        errors.push(FieldError::new(field, "bid-text-too-long"));
    }
    value.to_owned()
}

/// Yuan as typed: digits, optional thousands separators and `¥`, at most two decimals.
fn yuan(raw: &str) -> Option<Fen> {
    let raw = raw.trim().trim_start_matches('¥').trim();
    let plain: String = raw.chars().filter(|c| *c != ',').collect();
    crate::parse_hundredths(&plain)
        .filter(|fen| *fen > 0)
        .map(Fen)
}

fn blank(values: &[&String]) -> bool {
    values.iter().all(|v| v.trim().is_empty())
}

/// One row problem for a whole table: the first found.
fn rows_problem<T>(
    errors: &mut FieldErrors,
    field: &'static str,
    rows: &[T],
    check: impl Fn(&T) -> Option<&'static str>,
) -> bool {
    if rows.len() > MAX_ROWS {
        errors.push(FieldError::new(field, "bid-rows-too-many"));
        return true;
    }
    if let Some(code) = rows.iter().find_map(check) {
        errors.push(FieldError::new(field, code));
        return true;
    }
    false
}

impl BidInput {
    /// Checks every field against the need's `terms`; returns every problem at once.
    pub fn parse(&self, terms: NeedTerms) -> Result<Bid, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = text(&mut errors, "title", &self.title, 120, true);
        let plan = text(&mut errors, "plan", &self.plan, MAX_PLAN, false);
        let lead_organisation = text(
            &mut errors,
            "lead_organisation",
            &self.lead_organisation,
            120,
            false,
        );

        let members: Vec<&MemberInput> = self
            .members
            .iter()
            .filter(|m| !blank(&[&m.name, &m.role, &m.organisation, &m.email]))
            .collect();
        let members_bad = rows_problem(&mut errors, "members", &members, |m| {
            if m.name.trim().is_empty() || m.role.trim().is_empty() {
                Some("bid-member-incomplete")
            } else if bad_text(m.name.trim(), 60)
                || bad_text(m.role.trim(), 60)
                || bad_text(m.organisation.trim(), 120)
            {
                Some("bid-text-too-long")
            } else if !m.email.trim().is_empty() && Email::parse(&m.email).is_err() {
                Some("bid-member-email")
            } else {
                None
            }
        });

        let milestones: Vec<&MilestoneInput> = self
            .milestones
            .iter()
            .filter(|m| !blank(&[&m.title, &m.deliverable, &m.month, &m.amount]))
            .collect();
        let month = |raw: &str| {
            raw.trim()
                .parse::<u8>()
                .ok()
                .filter(|m| (1..=terms.duration_months).contains(m))
        };
        let milestones_bad = rows_problem(&mut errors, "milestones", &milestones, |m| {
            if [&m.title, &m.deliverable, &m.month, &m.amount]
                .iter()
                .any(|v| v.trim().is_empty())
            {
                Some("bid-milestone-incomplete")
            } else if bad_text(m.title.trim(), 120) || bad_text(m.deliverable.trim(), 500) {
                Some("bid-text-too-long")
            } else if month(&m.month).is_none() {
                Some("bid-milestone-month")
            } else if yuan(&m.amount).is_none_or(|a| a > terms.budget) {
                Some("bid-milestone-amount")
            } else {
                None
            }
        });

        let budget = match self.budget.trim() {
            "" => None,
            raw => match yuan(raw) {
                Some(fen) if fen <= terms.budget => Some(fen),
                Some(_) => {
                    errors.push(FieldError::new("budget", "bid-budget-over"));
                    None
                }
                None => {
                    errors.push(FieldError::new("budget", "bid-budget-invalid"));
                    None
                }
            },
        };

        let relations: Vec<&RelationInput> = self
            .relations
            .iter()
            .filter(|r| !blank(&[&r.party, &r.organisation, &r.nature]))
            .collect();
        rows_problem(&mut errors, "relations", &relations, |r| {
            if r.party.trim().is_empty() || r.nature.trim().is_empty() {
                Some("bid-relation-incomplete")
            } else if bad_text(r.party.trim(), 60)
                || bad_text(r.organisation.trim(), 120)
                || bad_text(r.nature.trim(), 500)
            {
                Some("bid-text-too-long")
            } else {
                None
            }
        });

        if !errors.is_empty() || members_bad || milestones_bad {
            return Err(errors);
        }
        Ok(Bid {
            title,
            plan,
            lead_organisation,
            members: members
                .into_iter()
                .map(|m| TeamMember {
                    name: m.name.trim().to_owned(),
                    role: m.role.trim().to_owned(),
                    organisation: m.organisation.trim().to_owned(),
                    email: Some(m.email.trim().to_owned()).filter(|e| !e.is_empty()),
                })
                .collect(),
            milestones: milestones
                .into_iter()
                .filter_map(|m| {
                    Some(Milestone {
                        title: m.title.trim().to_owned(),
                        deliverable: m.deliverable.trim().to_owned(),
                        month: month(&m.month)?,
                        amount: yuan(&m.amount)?,
                    })
                })
                .collect(),
            budget,
            relations: relations
                .into_iter()
                .map(|r| Relation {
                    party: r.party.trim().to_owned(),
                    organisation: r.organisation.trim().to_owned(),
                    nature: r.nature.trim().to_owned(),
                })
                .collect(),
        })
    }
}

impl From<&Bid> for BidInput {
    fn from(b: &Bid) -> BidInput {
        BidInput {
            title: b.title.clone(),
            plan: b.plan.clone(),
            lead_organisation: b.lead_organisation.clone(),
            members: b
                .members
                .iter()
                .map(|m| MemberInput {
                    name: m.name.clone(),
                    role: m.role.clone(),
                    organisation: m.organisation.clone(),
                    email: m.email.clone().unwrap_or_default(),
                })
                .collect(),
            milestones: b
                .milestones
                .iter()
                .map(|m| MilestoneInput {
                    title: m.title.clone(),
                    deliverable: m.deliverable.clone(),
                    month: m.month.to_string(),
                    amount: m.amount.bank_plain(),
                })
                .collect(),
            budget: b.budget.map(Fen::bank_plain).unwrap_or_default(),
            relations: b
                .relations
                .iter()
                .map(|r| RelationInput {
                    party: r.party.clone(),
                    organisation: r.organisation.clone(),
                    nature: r.nature.clone(),
                })
                .collect(),
        }
    }
}

/// Why a bid fails the formal check. Each says, in the catalogues (`bid-check-<code>`),
/// what is wrong in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckReason {
    /// No technical plan text.
    PlanMissing,
    /// No plan document.
    DocumentsMissing,
    /// No milestone.
    MilestonesMissing,
    /// No requested budget.
    BudgetMissing,
    /// The requested budget is more than the need's.
    BudgetOver,
    /// The milestones' amounts do not add up to the requested budget.
    MilestonesSum,
    /// A milestone falls after the need's duration.
    MilestoneLate,
    /// A plan document no longer matches the digest recorded when it was attached.
    DocumentAltered,
    /// The sealed bid no longer matches its receipt's digest, or no longer opens (found by
    /// the opening job, not by [`formal_check`]).
    ContentAltered,
}

impl CheckReason {
    pub const ALL: &'static [CheckReason] = &[
        CheckReason::PlanMissing,
        CheckReason::DocumentsMissing,
        CheckReason::MilestonesMissing,
        CheckReason::BudgetMissing,
        CheckReason::BudgetOver,
        CheckReason::MilestonesSum,
        CheckReason::MilestoneLate,
        CheckReason::DocumentAltered,
        CheckReason::ContentAltered,
    ];

    /// The stored (and API) text.
    pub const fn as_str(self) -> &'static str {
        match self {
            CheckReason::PlanMissing => "plan-missing",
            CheckReason::DocumentsMissing => "documents-missing",
            CheckReason::MilestonesMissing => "milestones-missing",
            CheckReason::BudgetMissing => "budget-missing",
            CheckReason::BudgetOver => "budget-over",
            CheckReason::MilestonesSum => "milestones-sum",
            CheckReason::MilestoneLate => "milestone-late",
            CheckReason::DocumentAltered => "document-altered",
            CheckReason::ContentAltered => "content-altered",
        }
    }

    pub fn parse(text: &str) -> Option<CheckReason> {
        CheckReason::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == text)
    }

    /// The Fluent message that says it to a person.
    pub fn label_id(self) -> String {
        format!("bid-check-{}", self.as_str())
    }
}

/// The formal check: complete (plan text, at least one document, milestones, a budget),
/// within the need's budget, milestones consistent (their amounts sum to the budget, none
/// after the need's duration), documents intact (`documents_intact`: every document still
/// matches its recorded digest). Empty: passed.
pub fn formal_check(
    bid: &Bid,
    terms: NeedTerms,
    documents: usize,
    documents_intact: bool,
) -> Vec<CheckReason> {
    let mut reasons = Vec::new();
    if bid.plan.trim().is_empty() {
        reasons.push(CheckReason::PlanMissing);
    }
    if documents == 0 {
        reasons.push(CheckReason::DocumentsMissing);
    }
    if bid.milestones.is_empty() {
        reasons.push(CheckReason::MilestonesMissing);
    }
    match bid.budget {
        None => reasons.push(CheckReason::BudgetMissing),
        Some(budget) => {
            if budget > terms.budget || budget.0 < 1 {
                reasons.push(CheckReason::BudgetOver);
            }
            let sum = bid
                .milestones
                .iter()
                .try_fold(Fen::ZERO, |sum, m| sum.checked_add(m.amount));
            if !bid.milestones.is_empty() && sum != Some(budget) {
                reasons.push(CheckReason::MilestonesSum);
            }
        }
    }
    if bid
        .milestones
        .iter()
        .any(|m| m.month == 0 || m.month > terms.duration_months)
    {
        reasons.push(CheckReason::MilestoneLate);
    }
    if !documents_intact {
        reasons.push(CheckReason::DocumentAltered);
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERMS: NeedTerms = NeedTerms {
        budget: Fen(100_000_000),
        duration_months: 12,
    };

    fn valid() -> BidInput {
        BidInput {
            title: "视觉检测方案".into(),
            plan: "多光谱成像与小样本学习。".into(),
            lead_organisation: "河北某大学".into(),
            members: vec![
                MemberInput {
                    name: "李四".into(),
                    role: "算法".into(),
                    organisation: "某研究所".into(),
                    email: "li@example.cn".into(),
                },
                MemberInput::default(),
            ],
            milestones: vec![
                MilestoneInput {
                    title: "原型".into(),
                    deliverable: "样机".into(),
                    month: "6".into(),
                    amount: "400,000".into(),
                },
                MilestoneInput {
                    title: "验收".into(),
                    deliverable: "报告".into(),
                    month: "12".into(),
                    amount: "600,000".into(),
                },
            ],
            budget: "¥1,000,000.00".into(),
            relations: vec![RelationInput {
                party: "王五".into(),
                organisation: "发榜单位".into(),
                nature: "曾为同事".into(),
            }],
        }
    }

    fn codes(input: &BidInput) -> Vec<(&'static str, &'static str)> {
        input
            .parse(TERMS)
            .unwrap_err()
            .iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_valid_bid_parses_round_trips_and_passes_the_check() {
        let bid = valid().parse(TERMS).unwrap();
        assert_eq!(bid.members.len(), 1, "blank rows are ignored");
        assert_eq!(bid.budget, Some(Fen(100_000_000)));
        assert_eq!(BidInput::from(&bid).parse(TERMS).unwrap(), bid);
        assert_eq!(formal_check(&bid, TERMS, 1, true), []);
        let json = serde_json::to_string(&bid).unwrap();
        assert_eq!(serde_json::from_str::<Bid>(&json).unwrap(), bid);
    }

    #[test]
    fn a_draft_may_be_incomplete_but_the_check_names_what_is_missing() {
        let input = BidInput {
            title: "只有标题".into(),
            ..BidInput::default()
        };
        let bid = input.parse(TERMS).unwrap();
        assert_eq!(
            formal_check(&bid, TERMS, 0, true),
            [
                CheckReason::PlanMissing,
                CheckReason::DocumentsMissing,
                CheckReason::MilestonesMissing,
                CheckReason::BudgetMissing,
            ]
        );
        assert_eq!(codes(&BidInput::default()), [("title", "required")]);
    }

    #[test]
    fn fields_are_checked_against_the_need() {
        let mut input = valid();
        input.budget = "1,000,000.01".into();
        input.milestones[0].month = "13".into();
        input.members[0].email = "not-an-address".into();
        input.relations[0].nature = String::new();
        assert_eq!(
            codes(&input),
            [
                ("members", "bid-member-email"),
                ("milestones", "bid-milestone-month"),
                ("budget", "bid-budget-over"),
                ("relations", "bid-relation-incomplete"),
            ]
        );
        input = valid();
        input.budget = "0".into();
        input.milestones[1].amount = "abc".into();
        input.members[0].role = String::new();
        input.title = "\u{0}".into();
        assert_eq!(
            codes(&input),
            [
                ("title", "bid-text-too-long"),
                ("members", "bid-member-incomplete"),
                ("milestones", "bid-milestone-amount"),
                ("budget", "bid-budget-invalid"),
            ]
        );
        input = valid();
        input.milestones = vec![valid().milestones[0].clone(); MAX_ROWS + 1];
        assert_eq!(codes(&input), [("milestones", "bid-rows-too-many")]);
    }

    #[test]
    fn debug_never_shows_the_words_of_a_bid() {
        let input = valid();
        let bid = input.parse(TERMS).unwrap();
        for shown in [format!("{input:?}"), format!("{bid:?}")] {
            assert!(
                !shown.contains("多光谱") && !shown.contains("李四"),
                "{shown}"
            );
        }
    }

    #[test]
    fn the_check_finds_inconsistent_milestones_and_altered_documents() {
        let mut bid = valid().parse(TERMS).unwrap();
        bid.budget = Some(Fen(90_000_000));
        assert_eq!(
            formal_check(&bid, TERMS, 2, false),
            [CheckReason::MilestonesSum, CheckReason::DocumentAltered]
        );
        bid.budget = Some(Fen(200_000_000));
        bid.milestones[0].month = 13;
        assert_eq!(
            formal_check(&bid, TERMS, 2, true),
            [
                CheckReason::BudgetOver,
                CheckReason::MilestonesSum,
                CheckReason::MilestoneLate
            ]
        );
        for reason in CheckReason::ALL {
            assert_eq!(CheckReason::parse(reason.as_str()), Some(*reason));
        }
    }
}
