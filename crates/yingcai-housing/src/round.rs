//! A round at its deadline: ballots become an allocation instance, and after
//! [`allocate`](yingcai_allocation::allocate) each applicant's result is explained
//! complex by complex.

use std::collections::HashMap;

use thiserror::Error;
use yingcai_allocation::{Allocation, Instance, InstanceError};

use crate::priority::{ApplicantFacts, PriorityError, PriorityRules, check_seed, order_of};

/// Most complexes one applicant may rank in a round.
pub const MAX_RANKED: usize = 10;

/// One applicant's entry in a round: what the priority rules look at, and the
/// complexes they would accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// The applicant's facts, including their pseudonym for the round.
    pub facts: ApplicantFacts,
    /// Complex codes, most preferred first: 1 to [`MAX_RANKED`] distinct codes of
    /// complexes in the round. A complex not listed is one the applicant would
    /// rather not be offered at all.
    pub ranking: Vec<String>,
}

/// Why a round's ballots could not be turned into an allocation instance.
///
/// Ballot problems name the applicant's pseudonym so the officer can find the
/// ballot. When there are several problems, the first in this order is reported:
/// the seed, the round's complex list, then ballots in input order (each
/// ballot's ranking from most to least preferred), then repeated pseudonyms.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RoundError {
    /// The seed is invalid or two ballots share a pseudonym.
    #[error(transparent)]
    Priority(#[from] PriorityError),
    /// The round lists the same complex code twice.
    #[error("complex {complex:?} is listed twice in the round")]
    RepeatedComplex {
        /// The repeated code.
        complex: String,
    },
    /// A ballot ranks no complex.
    #[error("applicant {pseudonym} ranked no complex")]
    EmptyRanking {
        /// The applicant.
        pseudonym: String,
    },
    /// A ballot ranks more than [`MAX_RANKED`] complexes.
    #[error("applicant {pseudonym} ranked {count} complexes; at most {MAX_RANKED} are allowed")]
    TooManyRanked {
        /// The applicant.
        pseudonym: String,
        /// How many the ballot ranks.
        count: usize,
    },
    /// A ballot ranks the same complex twice.
    #[error("applicant {pseudonym} ranked complex {complex:?} more than once")]
    RepeatedChoice {
        /// The applicant.
        pseudonym: String,
        /// The complex code.
        complex: String,
    },
    /// A ballot ranks a complex that is not in the round.
    #[error("applicant {pseudonym} ranked complex {complex:?}, which is not in this round")]
    UnknownComplex {
        /// The applicant.
        pseudonym: String,
        /// The complex code.
        complex: String,
    },
    /// The allocation crate refused the instance. The checks above make this
    /// unreachable except for rounds too large for its `u32` indices.
    #[error("allocation instance refused: {0}")]
    Instance(#[from] InstanceError),
}

/// Builds the round's allocation instance.
///
/// Applicants are the ballots' pseudonyms, in ballot order (so applicant index
/// `i` is `ballots[i]`), with their rankings as preference lists. Complexes are
/// `complexes` (`(code, units on offer)`) in the given order. Each complex's
/// priority list is the round's global [`priority_order`](crate::priority_order)
/// restricted to the applicants who ranked it, because the rules rank people, not
/// people-for-a-complex; a complex nobody ranked gets an empty list.
///
/// See [`RoundError`] for what is refused.
pub fn build_instance<S: AsRef<str>>(
    rules: &PriorityRules,
    seed_hex: &str,
    ballots: &[Ballot],
    complexes: &[(S, u32)],
) -> Result<Instance, RoundError> {
    check_seed(seed_hex)?;
    let mut complex_index: HashMap<&str, usize> = HashMap::with_capacity(complexes.len());
    for (i, (code, _)) in complexes.iter().enumerate() {
        if complex_index.insert(code.as_ref(), i).is_some() {
            return Err(RoundError::RepeatedComplex {
                complex: code.as_ref().to_owned(),
            });
        }
    }
    // Complex indices of each ballot's ranking, checked.
    let mut choices: Vec<Vec<usize>> = Vec::with_capacity(ballots.len());
    for ballot in ballots {
        let pseudonym = || ballot.facts.pseudonym.clone();
        if ballot.ranking.is_empty() {
            return Err(RoundError::EmptyRanking {
                pseudonym: pseudonym(),
            });
        }
        if ballot.ranking.len() > MAX_RANKED {
            return Err(RoundError::TooManyRanked {
                pseudonym: pseudonym(),
                count: ballot.ranking.len(),
            });
        }
        let mut mine: Vec<usize> = Vec::with_capacity(ballot.ranking.len());
        for code in &ballot.ranking {
            let c =
                *complex_index
                    .get(code.as_str())
                    .ok_or_else(|| RoundError::UnknownComplex {
                        pseudonym: pseudonym(),
                        complex: code.clone(),
                    })?;
            if mine.contains(&c) {
                return Err(RoundError::RepeatedChoice {
                    pseudonym: pseudonym(),
                    complex: code.clone(),
                });
            }
            mine.push(c);
        }
        choices.push(mine);
    }

    let facts: Vec<&ApplicantFacts> = ballots.iter().map(|b| &b.facts).collect();
    let (order, _) = order_of(rules, seed_hex, &facts)?;

    // Walking the global order once and appending each applicant to the lists of
    // the complexes they ranked yields every restricted list in global order.
    let mut priority: Vec<Vec<&str>> = vec![Vec::new(); complexes.len()];
    for &i in &order {
        for &c in &choices[i] {
            priority[c].push(&ballots[i].facts.pseudonym);
        }
    }
    let applicants: Vec<(&str, Vec<&str>)> = ballots
        .iter()
        .map(|b| {
            (
                b.facts.pseudonym.as_str(),
                b.ranking.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let complexes: Vec<(&str, u32, Vec<&str>)> = complexes
        .iter()
        .zip(priority)
        .map(|((code, units), list)| (code.as_ref(), *units, list))
        .collect();
    Ok(Instance::new(&applicants, &complexes)?)
}

/// One complex an applicant preferred to what they got, and why they did not get
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplexOutcome {
    /// The complex code.
    pub complex: String,
    /// Units the complex had in the round.
    pub capacity: u32,
    /// The applicant's 1-based position in the complex's priority list.
    pub my_position: u32,
    /// 1-based position of the last applicant the complex admitted, `None` if it
    /// did not fill up. `Some(0)` for a complex with no units: it is full with
    /// nobody admitted.
    ///
    /// Because the allocation is stable, every [`Outcome::considered`] complex has
    /// a cutoff and `my_position` is behind it ("you were 57th; the last admitted
    /// was 40th").
    pub cutoff_position: Option<u32>,
}

/// An applicant's result, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The complex the applicant was allocated, `None` if none.
    pub assigned: Option<String>,
    /// Every complex the applicant ranked above `assigned` (all their choices if
    /// unassigned), most preferred first.
    pub considered: Vec<ComplexOutcome>,
}

/// The result of the applicant with `pseudonym`, or `None` if they are not in the
/// allocation's instance.
///
/// Takes only the allocation because it carries its instance, so the two cannot
/// be mismatched. For every applicant at once, [`outcomes`] avoids repeated
/// lookups.
pub fn outcome(allocation: &Allocation<'_>, pseudonym: &str) -> Option<Outcome> {
    let instance = allocation.instance();
    let a = instance.applicant_index(pseudonym)?;
    Some(explain(allocation, a, |c| {
        instance.priority(c).iter().position(|&x| x == a)
    }))
}

/// [`outcome`] for every applicant, indexed by applicant (ballot order).
pub fn outcomes(allocation: &Allocation<'_>) -> Vec<Outcome> {
    let instance = allocation.instance();
    // position_in[a][k]: a's position in the priority list of their k-th choice.
    let mut position_in: Vec<Vec<usize>> = (0..instance.num_applicants())
        .map(|a| vec![0; instance.preferences(a).len()])
        .collect();
    for c in 0..instance.num_complexes() {
        for (pos, &a) in instance.priority(c).iter().enumerate() {
            if let Some(k) = instance.preferences(a).iter().position(|&x| x == c) {
                position_in[a as usize][k] = pos;
            }
        }
    }
    (0..instance.num_applicants())
        .map(|a| {
            let prefs = instance.preferences(a);
            explain(allocation, a, |c| {
                prefs
                    .iter()
                    .position(|&x| x == c)
                    .map(|k| position_in[a as usize][k])
            })
        })
        .collect()
}

/// Builds applicant `a`'s outcome; `position(c)` is `a`'s 0-based position in
/// complex `c`'s priority list.
fn explain(
    allocation: &Allocation<'_>,
    a: u32,
    position: impl Fn(u32) -> Option<usize>,
) -> Outcome {
    let instance = allocation.instance();
    let assigned = allocation.assignment(a);
    let considered = instance
        .preferences(a)
        .iter()
        .take_while(|&&c| Some(c) != assigned)
        .map(|&c| {
            let capacity = instance.capacity(c);
            // The allocation crate reports no cutoff for a complex without units,
            // but for the applicant such a complex is as closed as a full one.
            let cutoff_position = if capacity == 0 {
                Some(0)
            } else {
                allocation.cutoff(c).map(|cut| cut.rank + 1)
            };
            let my_position = position(c)
                .and_then(|p| u32::try_from(p + 1).ok())
                .expect("the instance's invariant puts every applicant in the priority list of each complex they ranked");
            ComplexOutcome {
                complex: instance.complex_id(c).to_owned(),
                capacity,
                my_position,
                cutoff_position,
            }
        })
        .collect();
    Outcome {
        assigned: assigned.map(|c| instance.complex_id(c).to_owned()),
        considered,
    }
}

/// Who may be offered a freed unit of complex `complex` (an index of
/// `instance`): its priority list, in order, without every applicant for whom
/// `unavailable(applicant index)` is true.
///
/// The platform's `unavailable` says who is out of the running: already holding
/// an offer or a lease, having declined this complex, or barred. Offering the
/// unit to the first of the list keeps the round's priority order. Panics if
/// `complex` is not a complex index of `instance`.
pub fn waiting_list(
    instance: &Instance,
    complex: u32,
    unavailable: impl Fn(u32) -> bool,
) -> Vec<u32> {
    instance
        .priority(complex)
        .iter()
        .copied()
        .filter(|&a| !unavailable(a))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use yingcai_allocation::allocate;

    const SEED: &str = "c0ffee";

    fn ballot(pseudonym: &str, months: u32, ranking: &[&str]) -> Ballot {
        Ballot {
            facts: ApplicantFacts {
                pseudonym: pseudonym.to_owned(),
                tier: None,
                degree: None,
                insurance_months: months,
                arrival: yingcai_domain::Date::new(2025, 6, 1).unwrap(),
                applied_at: 0,
            },
            ranking: ranking.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn months_only() -> PriorityRules {
        PriorityRules {
            keys: vec![crate::PriorityKey::InsuranceMonths],
        }
    }

    fn names(instance: &Instance, list: &[u32]) -> Vec<String> {
        list.iter()
            .map(|&a| instance.applicant_id(a).to_owned())
            .collect()
    }

    fn build(ballots: &[Ballot], complexes: &[(&str, u32)]) -> Result<Instance, RoundError> {
        build_instance(&months_only(), SEED, ballots, complexes)
    }

    #[test]
    fn priority_lists_follow_the_global_order() {
        let ballots = [
            ballot("low", 1, &["east", "west"]),
            ballot("high", 30, &["west"]),
            ballot("mid", 10, &["west", "east"]),
        ];
        let instance = build(&ballots, &[("east", 1), ("west", 2), ("north", 5)]).expect("valid");
        assert_eq!(instance.applicant_id(0), "low");
        assert_eq!(instance.complex_id(2), "north");
        assert_eq!(names(&instance, instance.priority(0)), ["mid", "low"]);
        assert_eq!(
            names(&instance, instance.priority(1)),
            ["high", "mid", "low"]
        );
        // Nobody ranked north.
        assert!(instance.priority(2).is_empty());
        assert_eq!(instance.capacity(1), 2);
    }

    #[test]
    fn ballot_errors_name_the_applicant() {
        let ok = ballot("ok", 0, &["east"]);
        let cases = [
            (
                ballot("p1", 0, &[]),
                RoundError::EmptyRanking {
                    pseudonym: "p1".into(),
                },
            ),
            (
                ballot("p2", 0, &["east", "west", "east"]),
                RoundError::RepeatedChoice {
                    pseudonym: "p2".into(),
                    complex: "east".into(),
                },
            ),
            (
                ballot("p3", 0, &["east", "south"]),
                RoundError::UnknownComplex {
                    pseudonym: "p3".into(),
                    complex: "south".into(),
                },
            ),
        ];
        for (bad, expected) in cases {
            let err = build(&[ok.clone(), bad], &[("east", 1), ("west", 1)])
                .expect_err("ballot should be refused");
            assert_eq!(err, expected);
        }
        let message = RoundError::UnknownComplex {
            pseudonym: "p3".into(),
            complex: "south".into(),
        }
        .to_string();
        assert_eq!(
            message,
            "applicant p3 ranked complex \"south\", which is not in this round"
        );
    }

    #[test]
    fn at_most_ten_complexes_may_be_ranked() {
        let codes: Vec<String> = (0..=MAX_RANKED).map(|i| format!("c{i}")).collect();
        let complexes: Vec<(&str, u32)> = codes.iter().map(|c| (c.as_str(), 1)).collect();
        let all: Vec<&str> = codes.iter().map(String::as_str).collect();
        assert!(build(&[ballot("ten", 0, &all[..MAX_RANKED])], &complexes).is_ok());
        assert_eq!(
            build(&[ballot("eleven", 0, &all)], &complexes),
            Err(RoundError::TooManyRanked {
                pseudonym: "eleven".into(),
                count: 11
            })
        );
    }

    #[test]
    fn round_level_errors() {
        assert_eq!(
            build(&[], &[("east", 1), ("east", 2)]),
            Err(RoundError::RepeatedComplex {
                complex: "east".into()
            })
        );
        assert_eq!(
            build(
                &[ballot("twin", 0, &["east"]), ballot("twin", 3, &["east"])],
                &[("east", 1)]
            ),
            Err(RoundError::Priority(PriorityError::DuplicatePseudonym {
                pseudonym: "twin".into()
            }))
        );
        assert!(matches!(
            build_instance(&months_only(), "", &[], &[("east", 1)]),
            Err(RoundError::Priority(PriorityError::InvalidSeed { .. }))
        ));
    }

    #[test]
    fn outcome_explains_refusals_with_positions() {
        let ballots = [
            ballot("p1", 50, &["east", "west"]),
            ballot("p2", 40, &["east", "west"]),
            ballot("p3", 30, &["east", "west"]),
            ballot("p4", 20, &["west", "east"]),
        ];
        let instance = build(&ballots, &[("east", 2), ("west", 1)]).expect("valid");
        let allocation = allocate(&instance);
        let p3 = outcome(&allocation, "p3").expect("p3 applied");
        assert_eq!(p3.assigned.as_deref(), Some("west"));
        assert_eq!(
            p3.considered,
            [ComplexOutcome {
                complex: "east".into(),
                capacity: 2,
                my_position: 3,
                cutoff_position: Some(2),
            }]
        );
        let p4 = outcome(&allocation, "p4").expect("p4 applied");
        assert_eq!(p4.assigned, None);
        let positions: Vec<_> = p4
            .considered
            .iter()
            .map(|c| (c.complex.as_str(), c.my_position, c.cutoff_position))
            .collect();
        // Everyone ranked west, and p3 took its one unit from 3rd place.
        assert_eq!(positions, [("west", 4, Some(3)), ("east", 4, Some(2))]);
        let p1 = outcome(&allocation, "p1").expect("p1 applied");
        assert_eq!(p1.assigned.as_deref(), Some("east"));
        assert!(p1.considered.is_empty());
        assert_eq!(outcome(&allocation, "stranger"), None);

        let all = outcomes(&allocation);
        for (a, b) in all.iter().zip(&ballots) {
            assert_eq!(Some(a), outcome(&allocation, &b.facts.pseudonym).as_ref());
        }
    }

    #[test]
    fn a_complex_without_units_is_closed_at_position_zero() {
        let ballots = [ballot("p1", 0, &["empty", "east"])];
        let instance = build(&ballots, &[("empty", 0), ("east", 1)]).expect("valid");
        let allocation = allocate(&instance);
        let p1 = outcome(&allocation, "p1").expect("p1 applied");
        assert_eq!(p1.assigned.as_deref(), Some("east"));
        assert_eq!(
            p1.considered,
            [ComplexOutcome {
                complex: "empty".into(),
                capacity: 0,
                my_position: 1,
                cutoff_position: Some(0),
            }]
        );
    }

    #[test]
    fn waiting_list_skips_the_unavailable_in_priority_order() {
        let ballots = [
            ballot("p1", 50, &["east"]),
            ballot("p2", 40, &["east"]),
            ballot("p3", 30, &["west"]),
            ballot("p4", 20, &["east"]),
        ];
        let instance = build(&ballots, &[("east", 1), ("west", 1)]).expect("valid");
        let east = instance
            .complex_index("east")
            .expect("east is in the round");
        let holder = instance.applicant_index("p1").expect("p1 applied");
        let declined = instance.applicant_index("p2").expect("p2 applied");
        let list = waiting_list(&instance, east, |a| a == holder || a == declined);
        assert_eq!(names(&instance, &list), ["p4"]);
        assert_eq!(
            names(&instance, &waiting_list(&instance, east, |_| false)),
            ["p1", "p2", "p4"]
        );
    }
}
