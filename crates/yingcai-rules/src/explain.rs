//! Why a talent gets (or does not get) each benefit, in Chinese and English.
//!
//! The same structure serves the talent's page, the officer's view and the JSON API.
//! It is computed on the slow path (allocating, every condition evaluated without
//! short-circuit) and agrees with [`crate::evaluate`] by construction: amounts come from
//! the fast path, the checks re-evaluate the very same compiled conditions.

use crate::cond::State;
use crate::pack::{BenefitKind, CompiledPack, Criterion, LegalRef, PackInfo, Service, key_index};
use crate::person::{Facts, Person};
use crate::spec::Text;
use crate::time::{Date, Month};
use serde::Serialize;

/// A variable's value for this talent and month, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VarValue {
    /// Variable name as in conditions (`housing`, `benefit.rent_allowance`).
    pub name: String,
    /// Its label.
    pub label: Text,
    /// Its value, formatted.
    pub value: String,
}

/// One condition, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConditionCheck {
    /// Condition id in the pack.
    pub id: String,
    /// What it requires.
    pub label: Text,
    /// The condition text (CEL).
    pub expression: String,
    /// Whether it held.
    pub held: bool,
    /// The talent's values of the variables it reads.
    pub values: Vec<VarValue>,
}

/// One card tier, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TierCheck {
    /// Tier id.
    pub tier: String,
    /// Tier name.
    pub label: Text,
    /// Legal basis.
    pub reference: LegalRef,
    /// All criteria held (the first such tier is the card).
    pub held: bool,
    /// Its criteria.
    pub conditions: Vec<ConditionCheck>,
}

/// The card decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CardExplanation {
    /// The tier held, if any.
    pub tier: Option<String>,
    /// Its green-channel services.
    pub services: Vec<Service>,
    /// Every tier in order, checked.
    pub tiers: Vec<TierCheck>,
}

/// The benefit's window ("the first N months after arrival"), checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WindowCheck {
    /// The month variable the window starts at.
    pub start_variable: String,
    /// Window length in months.
    pub months: i64,
    /// First month of the window (none if the start is unknown).
    pub first: Option<Month>,
    /// Last month of the window.
    pub last: Option<Month>,
    /// The evaluated month is inside.
    pub held: bool,
}

/// For one-time benefits: the month it is paid in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaidInCheck {
    /// The month variable (`purchase_month`).
    pub variable: String,
    /// Its value.
    pub month: Option<Month>,
    /// The evaluated month is that month.
    pub held: bool,
}

/// An exclusion (exception) that can refuse the benefit, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExclusionCheck {
    /// Exclusion id.
    pub id: String,
    /// What it says.
    pub label: Text,
    /// Legal basis.
    pub reference: LegalRef,
    /// It applied (so the benefit is refused).
    pub applied: bool,
    /// The condition text, if any.
    pub expression: Option<String>,
    /// The benefits whose payment triggers it, if any.
    pub by: Vec<String>,
    /// The talent's values involved.
    pub values: Vec<VarValue>,
}

/// The amount looked up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AmountCheck {
    /// Parameter id.
    pub parameter: String,
    /// Parameter name.
    pub label: Text,
    /// Key variable (`degree`), if the amount depends on one.
    pub key: Option<String>,
    /// The talent's key value.
    pub key_value: Option<String>,
    /// Amount in fen.
    pub amount_fen: i64,
    /// The dated value used: in force from…
    pub in_force_from: Date,
    /// …until (inclusive), if it ends.
    pub in_force_until: Option<Date>,
    /// Legal basis of that dated value.
    pub reference: LegalRef,
}

/// One benefit, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BenefitExplanation {
    /// Benefit id.
    pub id: String,
    /// Name.
    pub label: Text,
    /// Monthly or one-time.
    pub kind: BenefitKind,
    /// Legal basis of the rule.
    pub reference: LegalRef,
    /// Every condition, window and payment month holds, no exclusion applies and an
    /// amount is in force.
    pub eligible: bool,
    /// Amount this month, fen.
    pub amount_fen: i64,
    /// The window, if the benefit has one.
    pub window: Option<WindowCheck>,
    /// The payment month, for one-time benefits.
    pub paid_in: Option<PaidInCheck>,
    /// Conditions.
    pub conditions: Vec<ConditionCheck>,
    /// Exclusions that can refuse it.
    pub exclusions: Vec<ExclusionCheck>,
    /// The amount in force (none if no value is in force this month).
    pub amount: Option<AmountCheck>,
    /// One sentence.
    pub outcome: Text,
    /// For a refusal: each reason and what would change the result.
    pub reasons: Vec<Text>,
}

/// Everything about one talent in one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The pack (id, version, effective date).
    pub pack: PackInfo,
    /// The month.
    pub month: Month,
    /// The card.
    pub card: CardExplanation,
    /// Every benefit in declaration order.
    pub benefits: Vec<BenefitExplanation>,
}

fn var_label(name: &str) -> Text {
    let (zh, en) = match name {
        "degree" => ("学历", "degree"),
        "honors" => ("荣誉称号", "honours"),
        "housing" => ("住房情况", "housing"),
        "employed_in_city" => ("在本市就业", "employed in the city"),
        "has_purchase" => ("已在本市购房", "home purchased"),
        "social_insurance_months" => ("社保缴纳月数", "social insurance months"),
        "arrival_month" => ("来本市就业月份", "arrival month"),
        "purchase_month" => ("购房月份", "purchase month"),
        "birth_month" => ("出生月份", "birth month"),
        "month" => ("评估月份", "evaluated month"),
        "months_since_arrival" => ("来本市就业已满月数", "months since arrival"),
        "months_since_purchase" => ("购房后月数", "months since purchase"),
        "age" => ("年龄", "age"),
        "card" => ("人才绿卡类别", "card tier"),
        "has_card" => ("持有人才绿卡", "holds a card"),
        other => return Text::new(other, other),
    };
    Text::new(zh, en)
}

struct Ctx<'a> {
    pack: &'a CompiledPack,
    p: &'a Person,
    f: Facts,
    m: i64,
    card: u8,
    amounts: Vec<i64>,
}

impl Ctx<'_> {
    fn value(&self, name: &str) -> String {
        let none = || "(none)".to_string();
        let month = |v: Option<i64>| {
            v.map_or_else(none, |m| {
                Month::from_index(m).map_or_else(none, |m| m.to_string())
            })
        };
        match name {
            "degree" => self.p.degree.as_str().to_string(),
            "honors" => match self.p.honors {
                0 => none(),
                i => self
                    .pack
                    .honors
                    .get(i as usize - 1)
                    .cloned()
                    .unwrap_or_else(none),
            },
            "housing" => self.p.housing.as_str().to_string(),
            "employed_in_city" => self.p.employed_in_city.to_string(),
            "has_purchase" => self.f.purchase_month.is_some().to_string(),
            "social_insurance_months" => self.f.si_months.to_string(),
            "arrival_month" => month(Some(self.f.arrival_month)),
            "purchase_month" => month(self.f.purchase_month),
            "birth_month" => month(Some(self.f.birth_month)),
            "month" => month(Some(self.m)),
            "months_since_arrival" => (self.m - self.f.arrival_month).to_string(),
            "months_since_purchase" => self
                .f
                .purchase_month
                .map_or_else(none, |p| (self.m - p).to_string()),
            "age" => (self.m - self.f.birth_month - self.f.birth_day_adj)
                .div_euclid(12)
                .to_string(),
            "card" => match self.card {
                0 => none(),
                c => self.pack.cards[c as usize - 1].tier.clone(),
            },
            "has_card" => (self.card != 0).to_string(),
            other => match other.strip_prefix("benefit.") {
                Some(id) => self
                    .pack
                    .benefits
                    .iter()
                    .position(|b| b.id == id)
                    .map_or_else(none, |i| {
                        yingcai_domain::Fen(self.amounts[i]).yuan_grouped()
                    }),
                None => none(),
            },
        }
    }

    fn values(&self, vars: &[String]) -> Vec<VarValue> {
        vars.iter()
            .map(|v| VarValue {
                name: v.clone(),
                label: var_label(v),
                value: self.value(v),
            })
            .collect()
    }

    fn state(&self) -> State<'_> {
        State {
            facts: &self.f,
            month: self.m,
            card: self.card,
            amounts: &self.amounts,
        }
    }

    fn check(&self, c: &Criterion) -> ConditionCheck {
        ConditionCheck {
            id: c.id.clone(),
            label: c.label.clone(),
            expression: c.source.clone(),
            held: c.compiled.cond.eval(&self.state()),
            values: self.values(&c.compiled.vars),
        }
    }
}

fn yours(values: &[VarValue], zh: bool) -> String {
    values
        .iter()
        .map(|v| {
            format!(
                "{} = {}",
                if zh { &v.label.zh } else { &v.label.en },
                v.value
            )
        })
        .collect::<Vec<_>>()
        .join(if zh { "；" } else { "; " })
}

/// Explains `person` in `month` under `pack`.
pub fn explain(pack: &CompiledPack, person: &Person, month: Month) -> Explanation {
    let f = Facts::of(person);
    let m = i64::from(month.index());
    let mut amounts = vec![0; pack.benefits.len()];
    let card = pack.eval_into(&f, m, &mut amounts);
    let cx = Ctx {
        pack,
        p: person,
        f,
        m,
        card,
        amounts,
    };

    let tiers: Vec<TierCheck> = pack
        .cards
        .iter()
        .map(|c| {
            let conditions: Vec<ConditionCheck> = c.criteria.iter().map(|k| cx.check(k)).collect();
            TierCheck {
                tier: c.tier.clone(),
                label: c.label.clone(),
                reference: c.reference.clone(),
                held: conditions.iter().all(|k| k.held),
                conditions,
            }
        })
        .collect();
    let held = (card > 0).then(|| &pack.cards[card as usize - 1]);
    let card_expl = CardExplanation {
        tier: held.map(|c| c.tier.clone()),
        services: held.map(|c| c.services.clone()).unwrap_or_default(),
        tiers,
    };

    let benefits = pack
        .benefits
        .iter()
        .enumerate()
        .map(|(bi, b)| {
            let mut reasons: Vec<Text> = Vec::new();
            let window = b.window.as_ref().map(|w| {
                let start = w.start.get(&cx.f);
                let held = start.is_some_and(|s| m >= s && m < s + w.months);
                let first = start.and_then(Month::from_index);
                // A window running past the calendar's last month is shown ending there.
                let last = first.map(|_| {
                    start
                        .and_then(|s| Month::from_index(s + w.months - 1))
                        .unwrap_or(Month::MAX)
                });
                let var = var_label(&w.start_name);
                match (first, last) {
                    (None, _) | (_, None) => reasons.push(Text::new(
                        format!("尚无{}，享受期未开始", var.zh),
                        format!("no {} yet, so the window has not started", var.en),
                    )),
                    (Some(f0), _) if m < i64::from(f0.index()) => reasons.push(Text::new(
                        format!("享受期自{f0}开始：如其他条件届时仍满足，自{f0}起可享受"),
                        format!("eligible from {f0} if the other conditions still hold then (the window opens at the {})", var.en),
                    )),
                    (_, Some(l)) if m > i64::from(l.index()) => reasons.push(Text::new(
                        format!("{}个月的享受期已于{l}结束", w.months),
                        format!("the {}-month window ended {l}", w.months),
                    )),
                    _ => {}
                }
                WindowCheck {
                    start_variable: w.start_name.clone(),
                    months: w.months,
                    first,
                    last,
                    held,
                }
            });
            let paid_in = b.paid_in.as_ref().map(|(v, name)| {
                let pm = v.get(&cx.f);
                let held = pm == Some(m);
                let var = var_label(name);
                if !held {
                    let when = pm.and_then(Month::from_index)
                        .map_or_else(|| "(none)".to_string(), |p| p.to_string());
                    reasons.push(Text::new(
                        format!("一次性发放，仅在{}当月（{when}）计发", var.zh),
                        format!("paid once, in the month of the {} ({when})", var.en),
                    ));
                }
                PaidInCheck {
                    variable: name.clone(),
                    month: pm.and_then(Month::from_index),
                    held,
                }
            });
            let conditions: Vec<ConditionCheck> = b.conditions.iter().map(|c| cx.check(c)).collect();
            for c in conditions.iter().filter(|c| !c.held) {
                reasons.push(Text::new(
                    format!("要求：{}；您的情况：{}", c.label.zh, yours(&c.values, true)),
                    format!("requires: {}; yours: {}", c.label.en, yours(&c.values, false)),
                ));
            }
            let st = cx.state();
            let exclusions: Vec<ExclusionCheck> = b
                .exclusions
                .iter()
                .map(|&e| {
                    let ex = &pack.exclusions[e];
                    let applied = pack.exclusion_applies(e, &st);
                    let mut vars: Vec<String> = ex.when.as_ref().map(|w| w.compiled.vars.clone()).unwrap_or_default();
                    vars.extend(ex.by.iter().map(|&i| format!("benefit.{}", pack.benefits[i].id)));
                    let values = cx.values(&vars);
                    if applied {
                        reasons.push(Text::new(
                            format!("不予享受：{}（您的情况：{}）", ex.label.zh, yours(&values, true)),
                            format!("not payable: {} (yours: {})", ex.label.en, yours(&values, false)),
                        ));
                    }
                    ExclusionCheck {
                        id: ex.id.clone(),
                        label: ex.label.clone(),
                        reference: ex.reference.clone(),
                        applied,
                        expression: ex.when.as_ref().map(|w| w.source.clone()),
                        by: ex.by.iter().map(|&i| pack.benefits[i].id.clone()).collect(),
                        values,
                    }
                })
                .collect();
            let param = &pack.params[b.param];
            let amount = param.value_at(m).map(|v| {
                let k = key_index(param.by, &cx.f, card);
                AmountCheck {
                    parameter: param.id.clone(),
                    label: param.label.clone(),
                    key: param.by_name.clone(),
                    key_value: param.by.map(|_| match param.keys[k].as_str() {
                        "" => "(none)".to_string(),
                        s => s.to_string(),
                    }),
                    amount_fen: v.amounts[k],
                    in_force_from: v.from,
                    in_force_until: v.until,
                    reference: v.reference.clone().unwrap_or_else(|| param.reference.clone()),
                }
            });
            if amount.is_none() {
                reasons.push(Text::new(
                    format!("{month}无有效的补贴标准"),
                    format!("no amount is in force for {month}"),
                ));
            }
            let eligible = window.as_ref().is_none_or(|w| w.held)
                && paid_in.as_ref().is_none_or(|p| p.held)
                && conditions.iter().all(|c| c.held)
                && !exclusions.iter().any(|e| e.applied)
                && amount.is_some();
            let amount_fen = cx.amounts[bi];
            debug_assert_eq!(amount_fen, if eligible { amount.as_ref().map_or(0, |a| a.amount_fen) } else { 0 });
            let outcome = if eligible {
                let amount = yingcai_domain::Fen(amount_fen).yuan_grouped();
                Text::new(
                    format!("{}可享受{}：{}", month, b.label.zh, amount),
                    format!("{}: eligible for {}, {}", month, b.label.en, amount),
                )
            } else {
                Text::new(
                    format!("{}不可享受{}", month, b.label.zh),
                    format!("{}: not eligible for {}", month, b.label.en),
                )
            };
            // What would change the result: the next month at which it would pay if
            // nothing about the talent changes (found from the breakpoints, not by
            // scanning months). The window message already says it when not yet open.
            if !eligible
                && !reasons.iter().any(|r| r.en.starts_with("eligible from"))
                && let Some(next) = next_paying_month(pack, &cx.f, m, bi)
            {
                reasons.push(Text::new(
                    format!("如情况不变，自{next}起可享受"),
                    format!("payable from {next} if nothing else changes"),
                ));
            }
            BenefitExplanation {
                id: b.id.clone(),
                label: b.label.clone(),
                kind: b.kind,
                reference: b.reference.clone(),
                eligible,
                amount_fen,
                window,
                paid_in,
                conditions,
                exclusions,
                amount,
                outcome,
                reasons,
            }
        })
        .collect();

    Explanation {
        pack: pack.info.clone(),
        month,
        card: card_expl,
        benefits,
    }
}

/// The first month after `m` (within 50 years) in which benefit `bi` pays, assuming the
/// talent's facts stay as they are.
fn next_paying_month(pack: &CompiledPack, f: &Facts, m: i64, bi: usize) -> Option<Month> {
    let mut pts = Vec::new();
    pack.segment_starts(f, m + 1, m + 600, &mut pts);
    let mut amounts = vec![0; pack.benefits.len()];
    pts.into_iter().find_map(|s| {
        pack.eval_into(f, s, &mut amounts);
        (amounts[bi] > 0).then(|| Month::from_index(s)).flatten()
    })
}
