//! One person, one month: the decision.

use crate::pack::{BenefitKind, CompiledPack, Service};
use crate::person::{Facts, Person};
use crate::time::Month;
use serde::Serialize;

/// One benefit's amount in a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BenefitAmount {
    /// Benefit id.
    pub id: String,
    /// Monthly or one-time.
    pub kind: BenefitKind,
    /// Amount in fen for the month (0 when not payable).
    pub amount_fen: i64,
}

/// The result of evaluating a person in a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The evaluated month.
    pub month: Month,
    /// Card tier id, or `None` without a card.
    pub card: Option<String>,
    /// Green-channel services of the tier.
    pub services: Vec<Service>,
    /// Every benefit of the pack, in declaration order.
    pub benefits: Vec<BenefitAmount>,
}

impl Decision {
    /// The amount of one benefit, if the pack has it.
    pub fn amount(&self, id: &str) -> Option<i64> {
        self.benefits
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.amount_fen)
    }
}

/// Evaluates `person` in `month` with `pack`.
pub fn evaluate(pack: &CompiledPack, person: &Person, month: Month) -> Decision {
    let mut amounts = vec![0i64; pack.benefits.len()];
    let card = pack.eval_into(&Facts::of(person), i64::from(month.index()), &mut amounts);
    let tier = (card > 0).then(|| &pack.cards[card as usize - 1]);
    Decision {
        month,
        card: tier.map(|c| c.tier.clone()),
        services: tier.map(|c| c.services.clone()).unwrap_or_default(),
        benefits: pack
            .benefits
            .iter()
            .zip(amounts)
            .map(|(b, a)| BenefitAmount {
                id: b.id.clone(),
                kind: b.kind,
                amount_fen: a,
            })
            .collect(),
    }
}

/// A reusable evaluator for many persons: holds the scratch buffers so the hot loop
/// does not allocate.
pub struct Evaluator<'p> {
    pack: &'p CompiledPack,
    amounts: Vec<i64>,
}

impl<'p> Evaluator<'p> {
    /// A new evaluator for `pack`.
    pub fn new(pack: &'p CompiledPack) -> Self {
        Evaluator {
            pack,
            amounts: vec![0; pack.benefits.len()],
        }
    }
    /// Evaluates and returns `(tier index (0 = none), amounts per benefit in fen)`.
    #[inline]
    pub fn eval(&mut self, person: &Person, month: Month) -> (u8, &[i64]) {
        let card = self.pack.eval_into(
            &Facts::of(person),
            i64::from(month.index()),
            &mut self.amounts,
        );
        (card, &self.amounts)
    }
}
