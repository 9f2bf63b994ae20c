//! Properties of the priority order, the built instance and the explained outcome
//! on random rounds.

use proptest::prelude::*;
use yingcai_allocation::allocate;
use yingcai_housing::{
    ApplicantFacts, Ballot, Criterion, LeaseRules, MAX_RANKED, OfferRules, PriorityKey,
    PriorityRules, Refill, build_instance, outcome, outcomes, priority_order, priority_table,
};

/// Small value domains so that many applicants tie and the lottery has work to do.
fn facts_strategy(max: usize) -> impl Strategy<Value = Vec<ApplicantFacts>> {
    let one = (
        prop::option::of(prop::sample::select(vec!["A", "B", "C"])),
        prop::option::of(prop::sample::select(vec!["phd", "master", "bachelor"])),
        0u32..4,
        0i16..3,
        0i64..3,
    );
    prop::collection::vec(one, 0..max).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(
                |(i, (tier, degree, months, year, applied))| ApplicantFacts {
                    pseudonym: format!("p{i}"),
                    tier: tier.map(str::to_owned),
                    degree: degree.map(str::to_owned),
                    insurance_months: months,
                    arrival: yingcai_domain::Date::new(2023 + year, 1, 1).expect("in range"),
                    applied_at: applied,
                },
            )
            .collect()
    })
}

fn order_strategy(values: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    prop::sample::subsequence(values.to_vec(), 1..=values.len())
        .prop_shuffle()
        .prop_map(|v| v.into_iter().map(str::to_owned).collect())
}

fn rules_strategy() -> impl Strategy<Value = PriorityRules> {
    (
        prop::sample::subsequence(Criterion::ALL.to_vec(), 0..=Criterion::ALL.len()).prop_shuffle(),
        order_strategy(&["A", "B", "C", "D"]),
        order_strategy(&["phd", "master", "bachelor"]),
    )
        .prop_map(|(criteria, tiers, degrees)| PriorityRules {
            keys: criteria
                .into_iter()
                .map(|c| match c {
                    Criterion::Tier => PriorityKey::Tier {
                        order: tiers.clone(),
                    },
                    Criterion::Degree => PriorityKey::Degree {
                        order: degrees.clone(),
                    },
                    Criterion::InsuranceMonths => PriorityKey::InsuranceMonths,
                    Criterion::ArrivalDate => PriorityKey::ArrivalDate,
                    Criterion::AppliedAt => PriorityKey::AppliedAt,
                })
                .collect(),
        })
}

fn seed_strategy() -> impl Strategy<Value = String> {
    "[0-9a-f]{1,16}"
}

/// A random round: rules, seed, ballots and complexes `c0..` with 0 to 3 units.
fn round_strategy()
-> impl Strategy<Value = (PriorityRules, String, Vec<Ballot>, Vec<(String, u32)>)> {
    (1usize..6).prop_flat_map(|m| {
        let codes: Vec<String> = (0..m).map(|c| format!("c{c}")).collect();
        let complexes = prop::collection::vec(0u32..4, m).prop_map(move |caps| {
            caps.into_iter()
                .enumerate()
                .map(|(c, cap)| (format!("c{c}"), cap))
                .collect::<Vec<_>>()
        });
        let rankings = prop::collection::vec(
            prop::sample::subsequence(codes.clone(), 1..=m.min(MAX_RANKED)).prop_shuffle(),
            30,
        );
        (
            rules_strategy(),
            seed_strategy(),
            facts_strategy(30),
            rankings,
            complexes,
        )
            .prop_map(|(rules, seed, facts, rankings, complexes)| {
                let ballots = facts
                    .into_iter()
                    .zip(rankings)
                    .map(|(facts, ranking)| Ballot { facts, ranking })
                    .collect();
                (rules, seed, ballots, complexes)
            })
    })
}

fn pseudonyms_in_order(rules: &PriorityRules, seed: &str, facts: &[ApplicantFacts]) -> Vec<String> {
    priority_order(rules, seed, facts)
        .expect("generated input is valid")
        .into_iter()
        .map(|i| facts[i].pseudonym.clone())
        .collect()
}

proptest! {
    #[test]
    fn priority_order_is_a_deterministic_permutation(
        rules in rules_strategy(),
        seed in seed_strategy(),
        facts in facts_strategy(40),
    ) {
        let order = priority_order(&rules, &seed, &facts).expect("valid");
        let mut sorted = order.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..facts.len()).collect::<Vec<_>>());
        prop_assert_eq!(priority_order(&rules, &seed, &facts).expect("valid"), order);
    }

    #[test]
    fn priority_order_ignores_input_order(
        rules in rules_strategy(),
        seed in seed_strategy(),
        (facts, shuffled) in facts_strategy(40)
            .prop_flat_map(|f| (Just(f.clone()), Just(f).prop_shuffle())),
    ) {
        prop_assert_eq!(
            pseudonyms_in_order(&rules, &seed, &facts),
            pseudonyms_in_order(&rules, &seed, &shuffled)
        );
    }

    #[test]
    fn table_positions_match_the_order(
        rules in rules_strategy(),
        seed in seed_strategy(),
        facts in facts_strategy(20),
    ) {
        let table = priority_table(&rules, &seed, &facts).expect("valid");
        let names: Vec<String> = table.iter().map(|r| r.pseudonym.clone()).collect();
        prop_assert_eq!(names, pseudonyms_in_order(&rules, &seed, &facts));
        for (i, row) in table.iter().enumerate() {
            prop_assert_eq!(row.position as usize, i + 1);
            prop_assert_eq!(row.values.len(), rules.keys.len());
        }
    }

    #[test]
    fn priority_rules_round_trip_through_toml(rules in rules_strategy()) {
        prop_assert_eq!(PriorityRules::from_toml(&rules.to_toml()), Ok(rules));
    }

    #[test]
    fn offer_and_lease_rules_round_trip_through_toml(
        response_working_days in 1u32..=365,
        refusal_limit in any::<u32>(),
        bar_months in 0u32..=120,
        next_round in any::<bool>(),
        max_term_months in 1u32..=600,
        notice_days in 0u32..=365,
    ) {
        let offer = OfferRules {
            response_working_days,
            refusal_limit,
            bar_months,
            refill: if next_round { Refill::NextRound } else { Refill::NextInPriority },
        };
        prop_assert_eq!(OfferRules::from_toml(&offer.to_toml()), Ok(offer));
        let lease = LeaseRules { max_term_months, notice_days };
        prop_assert_eq!(LeaseRules::from_toml(&lease.to_toml()), Ok(lease));
    }

    #[test]
    fn complex_priority_lists_are_the_global_order_restricted(
        (rules, seed, ballots, complexes) in round_strategy(),
    ) {
        let instance = build_instance(&rules, &seed, &ballots, &complexes).expect("valid");
        let facts: Vec<ApplicantFacts> = ballots.iter().map(|b| b.facts.clone()).collect();
        let global = pseudonyms_in_order(&rules, &seed, &facts);
        for (c, (code, _)) in complexes.iter().enumerate() {
            let c = u32::try_from(c).expect("few complexes");
            let list: Vec<&str> = instance
                .priority(c)
                .iter()
                .map(|&a| instance.applicant_id(a))
                .collect();
            let expected: Vec<&str> = global
                .iter()
                .map(String::as_str)
                .filter(|p| {
                    ballots
                        .iter()
                        .any(|b| b.facts.pseudonym == *p && b.ranking.contains(code))
                })
                .collect();
            prop_assert_eq!(list, expected);
        }
    }

    #[test]
    fn every_refusal_is_explained_by_a_cutoff(
        (rules, seed, ballots, complexes) in round_strategy(),
    ) {
        let instance = build_instance(&rules, &seed, &ballots, &complexes).expect("valid");
        let allocation = allocate(&instance);
        let all = outcomes(&allocation);
        prop_assert_eq!(all.len(), ballots.len());
        for (ballot, result) in ballots.iter().zip(&all) {
            let one = outcome(&allocation, &ballot.facts.pseudonym).expect("applicant is in the round");
            prop_assert_eq!(&one, result);
            let above: Vec<&String> = ballot
                .ranking
                .iter()
                .take_while(|c| Some(*c) != result.assigned.as_ref())
                .collect();
            let considered: Vec<&String> = result.considered.iter().map(|c| &c.complex).collect();
            prop_assert_eq!(considered, above);
            for c in &result.considered {
                let cutoff = c.cutoff_position;
                prop_assert!(cutoff.is_some(), "{} has no cutoff", c.complex);
                prop_assert!(Some(c.my_position) > cutoff);
            }
            if let Some(code) = &result.assigned {
                prop_assert!(ballot.ranking.contains(code));
            }
        }
    }
}
