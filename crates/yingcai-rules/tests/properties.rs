//! Property tests: forecasts equal the sum of monthly evaluations (default pack and a
//! pack using every month-dependent construct); amounts are never negative; the
//! purchase/rent exclusion holds in every month.

#![allow(
    clippy::unwrap_used,
    reason = "a test that cannot unwrap has failed; the panic says where"
)]

mod common;
use common::*;
use proptest::prelude::*;
use yingcai_rules::person::{Degree, Housing, Person};
use yingcai_rules::time::{Date, Month};
use yingcai_rules::{
    BenefitKind, CompiledPack, CostScope, compare_population, evaluate, forecast_population_with,
    schedule,
};

const STRESS: &str = include_str!("data/stress.toml");

fn stress_pack() -> CompiledPack {
    CompiledPack::load("stress.toml", STRESS).expect("stress pack loads")
}

fn date() -> impl Strategy<Value = Date> {
    (2014i16..2031, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| {
        let mut d = d;
        loop {
            if let Some(x) = Date::new(y, m, d) {
                return x;
            }
            d -= 1;
        }
    })
}

fn person() -> impl Strategy<Value = Person> {
    (
        (1955i16..2005, 1i8..=12, 1i8..=28),
        0usize..4,
        0u8..3,
        date(),
        any::<bool>(),
        0usize..4,
        proptest::option::of(date()),
        0u16..=600,
    )
        .prop_map(
            |((by, bm, bd), deg, honors, arrival, employed, housing, purchase, si)| Person {
                id: 1,
                birth_date: Date::new(by, bm, bd).unwrap(),
                degree: Degree::ALL[deg],
                honors,
                arrival_date: arrival,
                employed_in_city: employed,
                housing: Housing::ALL[housing],
                home_purchase_date: purchase,
                social_insurance_months: si,
            },
        )
}

fn brute_force(
    pack: &CompiledPack,
    persons: &[Person],
    from: Month,
    months: u32,
    scope: CostScope,
) -> Vec<i64> {
    let kinds: Vec<BenefitKind> = pack.benefit_kinds().collect();
    (0..months as i32)
        .map(|i| {
            persons
                .iter()
                .map(|p| {
                    evaluate(pack, p, from.plus(i).unwrap())
                        .benefits
                        .iter()
                        .zip(&kinds)
                        .filter(|(_, k)| {
                            scope == CostScope::AllBenefits || **k == BenefitKind::Monthly
                        })
                        .map(|(b, _)| b.amount_fen)
                        .sum::<i64>()
                })
                .sum()
        })
        .collect()
}

fn check_forecast(
    pack: &CompiledPack,
    mut persons: Vec<Person>,
    from: Month,
    months: u32,
    threads: usize,
) -> Result<(), TestCaseError> {
    for (i, p) in persons.iter_mut().enumerate() {
        p.id = i as u64 + 1;
    }
    let csv = to_csv(pack, &persons);
    let f = forecast_population_with(pack, csv.as_bytes(), from, months, threads).unwrap();
    let want = brute_force(pack, &persons, from, months, CostScope::MonthlyOnly);
    prop_assert_eq!(&f.monthly_fen, &want);
    prop_assert_eq!(f.total_fen, want.iter().sum::<i64>());
    // The sandbox comparison of a pack with itself: same costs, nobody changes; with
    // one-time benefits counted its monthly costs are the brute-force ones too.
    let c = compare_population(pack, pack, &persons, from, months, CostScope::AllBenefits).unwrap();
    prop_assert_eq!(
        &c.baseline_monthly_fen,
        &brute_force(pack, &persons, from, months, CostScope::AllBenefits)
    );
    prop_assert_eq!(c.changed + c.gainers + c.losers, 0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn forecast_equals_sum_of_monthly_evaluations(
        persons in proptest::collection::vec(person(), 1..12),
        from in 2016i16..2031, fm in 1i8..=12, months in 1u32..=120, threads in 1usize..=3,
    ) {
        check_forecast(&default_pack(), persons, Month::new(from, fm).unwrap(), months, threads)?;
    }

    #[test]
    fn forecast_equals_sum_of_monthly_evaluations_for_every_construct(
        persons in proptest::collection::vec(person(), 1..12),
        from in 2016i16..2031, fm in 1i8..=12, months in 1u32..=120,
    ) {
        check_forecast(&stress_pack(), persons, Month::new(from, fm).unwrap(), months, 2)?;
    }

    /// An entitlement's schedule (runs of equal amounts) says for every month exactly what
    /// a monthly evaluation says, and nothing outside its runs is payable.
    #[test]
    fn schedules_agree_with_monthly_evaluations(p in person(), from in 2016i16..2031, fm in 1i8..=12, months in 1i32..=150) {
        let from = Month::new(from, fm).unwrap();
        let to = from.plus(months - 1).unwrap();
        for pack in [default_pack(), stress_pack()] {
            let s = schedule(&pack, &p, from, to);
            for k in 0..months {
                let m = from.plus(k).unwrap();
                let d = evaluate(&pack, &p, m);
                for b in &s {
                    let in_run = b.segments.iter().find(|seg| seg.from <= m && m <= seg.to);
                    prop_assert_eq!(in_run.map_or(0, |seg| seg.amount_fen), d.amount(&b.benefit).unwrap(), "{} in {}", b.benefit, m);
                }
            }
            for b in &s {
                for w in b.segments.windows(2) {
                    prop_assert!(w[0].to < w[1].from);
                    prop_assert!(w[0].amount_fen != w[1].amount_fen || w[0].to.plus(1) != Some(w[1].from), "adjacent equal runs are merged");
                }
            }
        }
    }

    #[test]
    fn amounts_are_never_negative_and_the_exclusion_holds(p in person(), y in 2016i16..2032, m in 1i8..=12) {
        let month = Month::new(y, m).unwrap();
        for pack in [default_pack(), stress_pack()] {
            let d = evaluate(&pack, &p, month);
            for b in &d.benefits {
                prop_assert!(b.amount_fen >= 0);
            }
        }
        let d = evaluate(&default_pack(), &p, month);
        let rent = d.amount("rent_allowance").unwrap();
        let buy = d.amount("purchase_allowance").unwrap();
        prop_assert!(!(rent > 0 && buy > 0), "both paid in {}", month);
        // and the default pack is exactly talents.md
        let rules = Rules::default();
        prop_assert_eq!(d.card.as_deref(), rules.card(&p));
        if y >= 2019 {
            prop_assert_eq!((rent, buy), rules.amounts(&p, month));
        }
    }
}

#[test]
fn the_stress_pack_is_not_vacuous() {
    // Every benefit and tier of the stress pack pays / occurs somewhere, so the
    // forecast property above really exercises each construct.
    let pack = stress_pack();
    let mut persons = population(21, 3000);
    for p in &mut persons {
        p.honors %= 3; // the stress pack has two honours
    }
    let csv = to_csv(&pack, &persons);
    for m in ["2023-01", "2025-09"] {
        let s = yingcai_rules::evaluate_population::<_, Vec<u8>>(
            &pack,
            csv.as_bytes(),
            m.parse().unwrap(),
            None,
        )
        .unwrap();
        assert!(s.cards.values().all(|&n| n > 0), "{s:?}");
        assert!(
            s.totals_fen
                .iter()
                .filter(|(k, _)| *k != "purchase")
                .all(|(_, &v)| v > 0),
            "{s:?}"
        );
    }
    let total_purchase: i64 = (0..120)
        .map(|i| {
            persons
                .iter()
                .map(|p| {
                    evaluate(&pack, p, Month::from_index(2019 * 12 + i).unwrap())
                        .amount("purchase")
                        .unwrap()
                })
                .sum::<i64>()
        })
        .sum();
    assert!(total_purchase > 0);
}
