//! A person's amounts over a span of months, as runs of equal amounts: what an
//! entitlement stores (benefits without application) and what a payment run later reads.

use serde::Serialize;

use crate::eval::Evaluator;
use crate::pack::{BenefitKind, CompiledPack};
use crate::person::Person;
use crate::time::Month;

/// Consecutive months with one amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// First month.
    pub from: Month,
    /// Last month, inclusive.
    pub to: Month,
    /// Amount for each of these months, fen (never 0 in a schedule).
    pub amount_fen: i64,
}

impl Segment {
    /// Months covered.
    pub fn months(&self) -> i64 {
        i64::from(self.to.months_since(self.from)) + 1
    }
}

/// One benefit's payable months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BenefitSchedule {
    /// Benefit id.
    pub benefit: String,
    /// Monthly or one-time.
    pub kind: BenefitKind,
    /// Runs of payable months in order; empty when nothing is payable in the span.
    pub segments: Vec<Segment>,
}

impl BenefitSchedule {
    /// Sum over the schedule, fen.
    pub fn total_fen(&self) -> i64 {
        self.segments
            .iter()
            .map(|s| s.amount_fen * s.months())
            .sum()
    }
}

/// Every benefit of `pack` for `person`, month by month from `from` to `to` inclusive,
/// each month evaluated exactly as [`crate::evaluate`] does (dated amounts included).
pub fn schedule(
    pack: &CompiledPack,
    person: &Person,
    from: Month,
    to: Month,
) -> Vec<BenefitSchedule> {
    let mut out: Vec<BenefitSchedule> = pack
        .benefits
        .iter()
        .map(|b| BenefitSchedule {
            benefit: b.id.clone(),
            kind: b.kind,
            segments: Vec::new(),
        })
        .collect();
    let mut evaluator = Evaluator::new(pack);
    for m in from.through(to) {
        let (_, amounts) = evaluator.eval(person, m);
        for (s, &amount) in out.iter_mut().zip(amounts) {
            if amount == 0 {
                continue;
            }
            match s.segments.last_mut() {
                Some(last) if last.amount_fen == amount && last.to.next() == Some(m) => last.to = m,
                _ => s.segments.push(Segment {
                    from: m,
                    to: m,
                    amount_fen: amount,
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::{Degree, Housing};

    fn pack() -> CompiledPack {
        CompiledPack::load(crate::BUILTIN_PACK.0, crate::BUILTIN_PACK.1).unwrap()
    }

    fn phd_renting() -> Person {
        Person {
            id: 1,
            birth_date: "1990-05-15".parse().unwrap(),
            degree: Degree::Phd,
            honors: 0,
            arrival_date: "2023-09-08".parse().unwrap(),
            employed_in_city: true,
            housing: Housing::Rent,
            home_purchase_date: None,
            social_insurance_months: 30,
        }
    }

    #[test]
    fn the_rent_window_is_one_run_of_sixty_months() {
        let s = schedule(
            &pack(),
            &phd_renting(),
            "2020-01".parse().unwrap(),
            "2035-12".parse().unwrap(),
        );
        let rent = s.iter().find(|b| b.benefit == "rent_allowance").unwrap();
        assert_eq!(rent.segments.len(), 1);
        assert_eq!(rent.segments[0].from, "2023-09".parse().unwrap());
        assert_eq!(rent.segments[0].to, "2028-08".parse().unwrap());
        assert_eq!(rent.total_fen(), 60 * 300_000);
        let purchase = s
            .iter()
            .find(|b| b.benefit == "purchase_allowance")
            .unwrap();
        assert!(purchase.segments.is_empty());
    }

    #[test]
    fn a_purchase_ends_the_rent_run_and_pays_once() {
        let mut p = phd_renting();
        p.housing = Housing::Owns;
        p.home_purchase_date = Some("2025-03-02".parse().unwrap());
        let s = schedule(
            &pack(),
            &p,
            "2020-01".parse().unwrap(),
            "2035-12".parse().unwrap(),
        );
        let purchase = s
            .iter()
            .find(|b| b.benefit == "purchase_allowance")
            .unwrap();
        assert_eq!(purchase.segments.len(), 1);
        assert_eq!(purchase.segments[0].from, "2025-03".parse().unwrap());
        assert_eq!(purchase.total_fen(), 30_000_000);
        for b in &s {
            for seg in &b.segments {
                for k in 0..seg.months() {
                    let m = seg.from.plus(k as i32).unwrap();
                    assert_eq!(
                        crate::evaluate(&pack(), &p, m).amount(&b.benefit),
                        Some(seg.amount_fen)
                    );
                }
            }
        }
    }
}
