//! Talent-apartment rounds for yingcai.
//!
//! An officer opens a round with [`PriorityRules`], a published random seed, and
//! [`OfferRules`] / [`LeaseRules`]. Eligible talents rank up to [`MAX_RANKED`]
//! complexes on a [`Ballot`]. At the deadline [`build_instance`] turns the ballots
//! into an allocation instance, which `yingcai_allocation::allocate` solves by
//! applicant-proposing deferred acceptance; [`outcome`] then explains each
//! applicant's result, and [`priority_table`] publishes the order anyone can check
//! with the seed ([`lottery_ticket`]).
//!
//! Every complex ranks applicants by one global order: the rules' keys, then the
//! seeded lottery. The crate is pure and deterministic: no I/O, no clock, no
//! randomness of its own.
//!
//! A whole small round:
//!
//! ```
//! use yingcai_allocation::allocate;
//! use yingcai_housing::{
//!     ApplicantFacts, Ballot, PriorityRules, build_instance, outcome, priority_table,
//! };
//!
//! let rules = PriorityRules::from_toml(
//!     r#"
//!     [[key]]
//!     criterion = "tier"
//!     order = ["A", "B"]
//!     [[key]]
//!     criterion = "insurance_months"
//!     "#,
//! )?;
//! let seed = "9f2c4e7a1b3d5f60";
//! let facts = |pseudonym: &str, tier: Option<&str>, months| ApplicantFacts {
//!     pseudonym: pseudonym.to_owned(),
//!     tier: tier.map(str::to_owned),
//!     degree: None,
//!     insurance_months: months,
//!     arrival: yingcai_domain::Date::new(2024, 3, 1).unwrap(),
//!     applied_at: 1_767_225_600,
//! };
//! let ballot = |f, ranking: &[&str]| Ballot {
//!     facts: f,
//!     ranking: ranking.iter().map(|c| c.to_string()).collect(),
//! };
//! let ballots = [
//!     ballot(facts("a01", Some("B"), 60), &["riverside", "hillview"]),
//!     ballot(facts("a02", Some("A"), 12), &["riverside"]),
//!     ballot(facts("a03", None, 90), &["riverside", "hillview"]),
//! ];
//! let complexes = [("riverside", 1), ("hillview", 1)];
//!
//! let instance = build_instance(&rules, seed, &ballots, &complexes)?;
//! let allocation = allocate(&instance);
//!
//! // Tier A beats tier B beats no card, whatever the insurance months.
//! let table = priority_table(&rules, seed, &ballots.map(|b| b.facts))?;
//! let order: Vec<&str> = table.iter().map(|r| r.pseudonym.as_str()).collect();
//! assert_eq!(order, ["a02", "a01", "a03"]);
//!
//! let a01 = outcome(&allocation, "a01").expect("a01 is in the round");
//! assert_eq!(a01.assigned.as_deref(), Some("hillview"));
//! // Why not riverside: 2nd in its priority list, and only the 1st was admitted.
//! assert_eq!(a01.considered.len(), 1);
//! assert_eq!(a01.considered[0].complex, "riverside");
//! assert_eq!(a01.considered[0].my_position, 2);
//! assert_eq!(a01.considered[0].cutoff_position, Some(1));
//!
//! let a03 = outcome(&allocation, "a03").expect("a03 is in the round");
//! assert_eq!(a03.assigned, None);
//! assert_eq!(a03.considered.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(clippy::unwrap_used)]

mod lease;
mod offer;
mod priority;
mod round;
mod rules;

pub use lease::{ExitTrigger, Lease, LeaseError, LeaseRules, TenantFacts, exit_due};
pub use offer::{OfferRules, Refill, barred_until, response_deadline};
pub use priority::{
    ApplicantFacts, Criterion, PriorityError, PriorityKey, PriorityRow, PriorityRules,
    lottery_ticket, priority_order, priority_table, pseudonym,
};
pub use round::{
    Ballot, ComplexOutcome, MAX_RANKED, Outcome, RoundError, build_instance, outcome, outcomes,
    waiting_list,
};
pub use rules::{RulesError, RulesProblem};
