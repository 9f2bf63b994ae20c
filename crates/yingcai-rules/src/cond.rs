//! The typed condition tree that CEL conditions are compiled into at load time.
//!
//! Every node is typed and resolved (no names, no strings, no hashing): evaluating a
//! condition is a handful of matches and integer compares over [`Facts`]. Every
//! month-dependent comparison is normalised to `slope * m + base OP 0` with slope ±1,
//! which makes it monotone in the month `m`: it can change value only at `-slope*base`
//! or one month later. Those "breakpoints" are what makes forecasts linear in talents.

use crate::person::Facts;

/// Month-independent integer inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntVar {
    SocialInsuranceMonths,
    ArrivalMonth,
    PurchaseMonth,
    BirthMonth,
    BirthDayAdj,
}

impl IntVar {
    #[inline]
    pub fn get(self, f: &Facts) -> Option<i64> {
        match self {
            IntVar::SocialInsuranceMonths => Some(f.si_months),
            IntVar::ArrivalMonth => Some(f.arrival_month),
            IntVar::PurchaseMonth => f.purchase_month,
            IntVar::BirthMonth => Some(f.birth_month),
            IntVar::BirthDayAdj => Some(f.birth_day_adj),
        }
    }
}

/// A month-independent integer expression. `None` = an absent optional input
/// (no purchase date): every comparison involving it is false.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum IntExpr {
    Const(i64),
    Var(IntVar),
    Add(Box<IntExpr>, Box<IntExpr>),
    Sub(Box<IntExpr>, Box<IntExpr>),
    Mul(Box<IntExpr>, i64),
    Neg(Box<IntExpr>),
}

impl IntExpr {
    #[inline]
    pub fn eval(&self, f: &Facts) -> Option<i64> {
        match self {
            IntExpr::Const(c) => Some(*c),
            IntExpr::Var(v) => v.get(f),
            IntExpr::Add(a, b) => Some(a.eval(f)?.saturating_add(b.eval(f)?)),
            IntExpr::Sub(a, b) => Some(a.eval(f)?.saturating_sub(b.eval(f)?)),
            IntExpr::Mul(a, k) => Some(a.eval(f)?.saturating_mul(*k)),
            IntExpr::Neg(a) => Some(a.eval(f)?.saturating_neg()),
        }
    }
    pub fn add(a: IntExpr, b: IntExpr) -> IntExpr {
        match (a, b) {
            (IntExpr::Const(x), IntExpr::Const(y)) => IntExpr::Const(x.saturating_add(y)),
            (x, IntExpr::Const(0)) | (IntExpr::Const(0), x) => x,
            (x, y) => IntExpr::Add(Box::new(x), Box::new(y)),
        }
    }
    pub fn sub(a: IntExpr, b: IntExpr) -> IntExpr {
        match (a, b) {
            (IntExpr::Const(x), IntExpr::Const(y)) => IntExpr::Const(x.saturating_sub(y)),
            (x, IntExpr::Const(0)) => x,
            (IntExpr::Const(0), y) => IntExpr::neg(y),
            (x, y) => IntExpr::Sub(Box::new(x), Box::new(y)),
        }
    }
    pub fn mul(a: IntExpr, k: i64) -> IntExpr {
        match (a, k) {
            (IntExpr::Const(x), k) => IntExpr::Const(x.saturating_mul(k)),
            (x, 1) => x,
            (x, k) => IntExpr::Mul(Box::new(x), k),
        }
    }
    pub fn neg(a: IntExpr) -> IntExpr {
        match a {
            IntExpr::Const(x) => IntExpr::Const(x.saturating_neg()),
            IntExpr::Neg(x) => *x,
            x => IntExpr::Neg(Box::new(x)),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    #[inline]
    pub fn test(self, v: i64) -> bool {
        match self {
            CmpOp::Lt => v < 0,
            CmpOp::Le => v <= 0,
            CmpOp::Gt => v > 0,
            CmpOp::Ge => v >= 0,
            CmpOp::Eq => v == 0,
            CmpOp::Ne => v != 0,
        }
    }
    /// The operator with its operands swapped (`a < b` is `b > a`).
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            o => o,
        }
    }
}

/// Enumerated inputs; a condition on them is a bit mask over their ordinals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EnumVar {
    Degree,
    Honors,
    Housing,
    /// 0 = no card, i = the pack's i-th tier. Only in benefit conditions.
    Card,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flag {
    Employed,
    HasPurchase,
    /// Holds a card of any tier. Only in benefit conditions.
    HasCard,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cond {
    Const(bool),
    Flag(Flag),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Enum {
        var: EnumVar,
        mask: u64,
    },
    /// `slope * m + base OP 0`, slope in {-1, 0, 1}.
    Cmp {
        slope: i64,
        base: IntExpr,
        op: CmpOp,
    },
    /// The benefit with this index pays a non-zero amount this month.
    BenefitPaid(usize),
}

/// What a condition is evaluated against: one person in one month, after the card
/// and the benefits it may depend on were computed.
pub(crate) struct State<'a> {
    pub facts: &'a Facts,
    pub month: i64,
    pub card: u8,
    pub amounts: &'a [i64],
}

impl Cond {
    #[inline]
    pub fn eval(&self, s: &State<'_>) -> bool {
        match self {
            Cond::Const(b) => *b,
            Cond::Flag(Flag::Employed) => s.facts.employed,
            Cond::Flag(Flag::HasPurchase) => s.facts.purchase_month.is_some(),
            Cond::Flag(Flag::HasCard) => s.card != 0,
            Cond::Not(c) => !c.eval(s),
            Cond::And(cs) => cs.iter().all(|c| c.eval(s)),
            Cond::Or(cs) => cs.iter().any(|c| c.eval(s)),
            Cond::Enum { var, mask } => {
                let v = match var {
                    EnumVar::Degree => s.facts.degree,
                    EnumVar::Honors => s.facts.honors,
                    EnumVar::Housing => s.facts.housing,
                    EnumVar::Card => s.card,
                };
                mask >> v & 1 == 1
            }
            Cond::Cmp { slope, base, op } => match base.eval(s.facts) {
                Some(b) => op.test(slope * s.month + b),
                None => false,
            },
            Cond::BenefitPaid(i) => s.amounts[*i] != 0,
        }
    }

    /// Appends every month-dependent comparison of this condition to `out`.
    pub fn collect_atoms(&self, out: &mut Vec<Atom>) {
        match self {
            Cond::Not(c) => c.collect_atoms(out),
            Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| c.collect_atoms(out)),
            Cond::Cmp { slope, base, .. } if *slope != 0 => out.push(Atom::Linear {
                slope: *slope,
                base: base.clone(),
            }),
            _ => {}
        }
    }
}

/// A month-dependent piece of a pack, as far as *when it can change* is concerned.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Atom {
    /// `slope * m + base` crosses zero at `m = -slope * base`.
    Linear { slope: i64, base: IntExpr },
    /// Open on `[start, start + len)`.
    Window { start: IntVar, len: i64 },
    /// True only in the month `var`.
    PaidIn(IntVar),
}

impl Atom {
    /// Pushes the months at which this atom may change value for this person.
    #[inline]
    pub fn breakpoints(&self, f: &Facts, out: &mut Vec<i64>) {
        match self {
            Atom::Linear { slope, base } => {
                if let Some(b) = base.eval(f) {
                    let t = -slope * b;
                    out.push(t);
                    out.push(t + 1);
                }
            }
            Atom::Window { start, len } => {
                if let Some(s) = start.get(f) {
                    out.push(s);
                    out.push(s + len);
                }
            }
            Atom::PaidIn(v) => {
                if let Some(p) = v.get(f) {
                    out.push(p);
                    out.push(p + 1);
                }
            }
        }
    }
}
