//! CEL condition text → typed [`Cond`] tree, once, at pack load.
//!
//! CEL (the `cel` crate's parser, no interpreter) gives a well-known syntax with real
//! error positions; this module type-checks the AST against the fixed set of talent
//! variables and turns it into the native condition tree. Nothing of CEL survives to
//! evaluation time: the measured cost of interpreting CEL per row is ~100x a native
//! compare (see the crate docs).

use crate::cond::{CmpOp, Cond, EnumVar, Flag, IntExpr, IntVar};
use crate::person::{Degree, Housing};
use cel::common::ast::{Expr, IdedExpr, LiteralValue};

/// Variables a condition may use: name, type, meaning. Also rendered in `packs/README.md`.
pub const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "degree",
        "degree",
        "highest degree: 'none' < 'bachelor' < 'master' < 'phd' (ordered)",
    ),
    (
        "honors",
        "honors",
        "'' (none) or one of the pack's [vocabulary] honors",
    ),
    (
        "housing",
        "housing",
        "'none', 'rent', 'talent_apartment', 'owns'",
    ),
    ("employed_in_city", "bool", "employed in the city"),
    ("has_purchase", "bool", "a home purchase date is known"),
    (
        "social_insurance_months",
        "int",
        "months of local social insurance",
    ),
    ("arrival_month", "month", "month of arrival_date"),
    (
        "purchase_month",
        "month?",
        "month of home_purchase_date (absent if none)",
    ),
    ("birth_month", "month", "month of birth_date"),
    ("month", "month", "the evaluated month (month-dependent)"),
    (
        "months_since_arrival",
        "int",
        "month - arrival_month (month-dependent)",
    ),
    (
        "months_since_purchase",
        "int?",
        "month - purchase_month (month-dependent, absent if no purchase)",
    ),
    (
        "age",
        "age",
        "completed years on the 1st of the evaluated month (month-dependent; compare only)",
    ),
    (
        "card",
        "card",
        "benefits only: '' (no card) or a tier id, e.g. 'A'",
    ),
    (
        "has_card",
        "bool",
        "benefits only: holds a card of any tier",
    ),
    (
        "benefit.<id>",
        "bool",
        "benefits only: benefit <id> pays a non-zero amount this month",
    ),
];

/// What a condition may see.
pub(crate) struct Scope<'a> {
    pub honors: &'a [String],
    pub tiers: &'a [String],
    /// `None` for card criteria: cards are decided before benefits, so they cannot
    /// refer to `card`, `has_card` or benefits (this is what rules out card cycles).
    pub benefits: Option<&'a [String]>,
}

/// A compiled condition with what the explanation needs to know about it.
#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    pub cond: Cond,
    /// Variable names read, in first-use order (for "yours: housing = owns").
    pub vars: Vec<String>,
    /// Benefits referenced with `benefit.<id>` (dependency edges for cycle checks).
    pub benefit_deps: Vec<usize>,
}

/// `slope * m + base`.
#[derive(Clone, Debug)]
struct Lin {
    slope: i64,
    base: IntExpr,
}

impl Lin {
    fn konst(&self) -> Option<i64> {
        match (self.slope, &self.base) {
            (0, IntExpr::Const(c)) => Some(*c),
            _ => None,
        }
    }
}

enum T {
    Bool(Cond),
    Int(Lin),
    Month(Lin),
    Age,
    Enum(EnumVar),
    Str(String),
    List(Vec<String>),
}

impl T {
    fn name(&self) -> &'static str {
        match self {
            T::Bool(_) => "bool",
            T::Int(_) => "int",
            T::Month(_) => "month",
            T::Age => "age",
            T::Enum(EnumVar::Degree) => "degree",
            T::Enum(EnumVar::Honors) => "honors",
            T::Enum(EnumVar::Housing) => "housing",
            T::Enum(EnumVar::Card) => "card",
            T::Str(_) => "string",
            T::List(_) => "list",
        }
    }
}

struct Ctx<'a> {
    scope: &'a Scope<'a>,
    vars: Vec<String>,
    deps: Vec<usize>,
}

/// Parses and compiles one condition; the error is a message without location
/// (the caller knows the file, line and field).
pub(crate) fn compile_condition(src: &str, scope: &Scope<'_>) -> Result<Compiled, String> {
    let src_owned = src.to_string();
    // The parser is antlr-generated; an older release panicked on some bad inputs
    // (cel-rust issue #194). A pack error must never take the process down.
    let parsed = std::panic::catch_unwind(move || cel::parser::Parser::new().parse(&src_owned))
        .map_err(|_| format!("cannot parse condition `{src}`"))?;
    let ast = parsed.map_err(|e| {
        let msgs: Vec<String> = e
            .errors
            .iter()
            .map(|e| format!("column {}: {}", e.pos.1, e.msg))
            .collect();
        format!("syntax error in `{src}`: {}", msgs.join("; "))
    })?;
    let mut cx = Ctx {
        scope,
        vars: Vec::new(),
        deps: Vec::new(),
    };
    match cx.expr(&ast)? {
        T::Bool(cond) => Ok(Compiled {
            cond,
            vars: cx.vars,
            benefit_deps: cx.deps,
        }),
        other => Err(format!(
            "condition `{src}` is not boolean: it has type {}",
            other.name()
        )),
    }
}

fn known_variables() -> String {
    VARIABLES.iter().map(|v| v.0).collect::<Vec<_>>().join(", ")
}

impl Ctx<'_> {
    fn use_var(&mut self, name: &str) {
        if !self.vars.iter().any(|v| v == name) {
            self.vars.push(name.to_string());
        }
    }

    fn expr(&mut self, e: &IdedExpr) -> Result<T, String> {
        match &e.expr {
            Expr::Ident(name) => self.ident(name),
            Expr::Literal(lit) => match lit {
                LiteralValue::Boolean(b) => Ok(T::Bool(Cond::Const(*b.inner()))),
                LiteralValue::Int(i) => Ok(int_const(*i.inner())),
                LiteralValue::UInt(u) => i64::try_from(*u.inner())
                    .map(int_const)
                    .map_err(|_| "integer literal too large".to_string()),
                LiteralValue::String(s) => Ok(T::Str(s.inner().to_string())),
                LiteralValue::Double(_) => Err(
                    "floating-point literals are not allowed (amounts are integer fen, months integers)"
                        .into(),
                ),
                LiteralValue::Null => Err("`null` is not allowed; use has_purchase".into()),
                LiteralValue::Bytes(_) => Err("byte literals are not allowed".into()),
            },
            Expr::List(l) => {
                let mut items = Vec::new();
                for el in &l.elements {
                    match self.expr(el)? {
                        T::Str(s) => items.push(s),
                        other => {
                            return Err(format!(
                                "list elements must be strings, found {}",
                                other.name()
                            ));
                        }
                    }
                }
                Ok(T::List(items))
            }
            Expr::Select(sel) => {
                if sel.test {
                    return Err("`has()` is not supported; use has_purchase".into());
                }
                match &sel.operand.expr {
                    Expr::Ident(root) if root == "benefit" => {
                        let Some(ids) = self.scope.benefits else {
                            return Err(format!(
                                "card criteria cannot refer to benefits (`benefit.{}`)",
                                sel.field
                            ));
                        };
                        let Some(i) = ids.iter().position(|b| *b == sel.field) else {
                            return Err(format!(
                                "unknown benefit `{}` in `benefit.{}` (known: {})",
                                sel.field,
                                sel.field,
                                ids.join(", ")
                            ));
                        };
                        self.use_var(&format!("benefit.{}", sel.field));
                        if !self.deps.contains(&i) {
                            self.deps.push(i);
                        }
                        Ok(T::Bool(Cond::BenefitPaid(i)))
                    }
                    _ => Err(format!(
                        "unknown variable `{}` (field selection is only `benefit.<id>`)",
                        sel.field
                    )),
                }
            }
            Expr::Call(call) => {
                if call.target.is_some() {
                    return Err(format!("method calls are not supported (`.{}()`)", call.func_name));
                }
                self.call(&call.func_name, &call.args)
            }
            Expr::Comprehension(_) => Err("macros (all/exists/map/filter) are not supported".into()),
            Expr::Map(_) | Expr::Struct(_) => Err("map and struct literals are not supported".into()),
            Expr::Unspecified => Err("empty expression".into()),
        }
    }

    fn ident(&mut self, name: &str) -> Result<T, String> {
        let benefit_only = matches!(name, "card" | "has_card");
        if benefit_only && self.scope.benefits.is_none() {
            return Err(format!(
                "card criteria cannot refer to `{name}` (cards are decided first, in tier order)"
            ));
        }
        let t = match name {
            "degree" => T::Enum(EnumVar::Degree),
            "honors" => T::Enum(EnumVar::Honors),
            "housing" => T::Enum(EnumVar::Housing),
            "card" => T::Enum(EnumVar::Card),
            "employed_in_city" => T::Bool(Cond::Flag(Flag::Employed)),
            "has_purchase" => T::Bool(Cond::Flag(Flag::HasPurchase)),
            "has_card" => T::Bool(Cond::Flag(Flag::HasCard)),
            "social_insurance_months" => T::Int(var(0, IntVar::SocialInsuranceMonths)),
            "arrival_month" => T::Month(var(0, IntVar::ArrivalMonth)),
            "purchase_month" => T::Month(var(0, IntVar::PurchaseMonth)),
            "birth_month" => T::Month(var(0, IntVar::BirthMonth)),
            "month" => T::Month(Lin {
                slope: 1,
                base: IntExpr::Const(0),
            }),
            "months_since_arrival" => T::Int(Lin {
                slope: 1,
                base: IntExpr::neg(IntExpr::Var(IntVar::ArrivalMonth)),
            }),
            "months_since_purchase" => T::Int(Lin {
                slope: 1,
                base: IntExpr::neg(IntExpr::Var(IntVar::PurchaseMonth)),
            }),
            "age" => T::Age,
            _ => {
                return Err(format!(
                    "unknown variable `{name}` (known: {})",
                    known_variables()
                ));
            }
        };
        self.use_var(name);
        Ok(t)
    }

    fn call(&mut self, f: &str, args: &[IdedExpr]) -> Result<T, String> {
        use cel::common::ast::operators as op;
        let cmp = |o: &str| match o {
            _ if o == op::LESS => Some(CmpOp::Lt),
            _ if o == op::LESS_EQUALS => Some(CmpOp::Le),
            _ if o == op::GREATER => Some(CmpOp::Gt),
            _ if o == op::GREATER_EQUALS => Some(CmpOp::Ge),
            _ if o == op::EQUALS => Some(CmpOp::Eq),
            _ if o == op::NOT_EQUALS => Some(CmpOp::Ne),
            _ => None,
        };
        if f == op::LOGICAL_AND || f == op::LOGICAL_OR {
            let and = f == op::LOGICAL_AND;
            let mut parts = Vec::new();
            for a in args {
                match self.expr(a)? {
                    // Flatten nested &&/|| so evaluation walks one slice.
                    T::Bool(Cond::And(inner)) if and => parts.extend(inner),
                    T::Bool(Cond::Or(inner)) if !and => parts.extend(inner),
                    T::Bool(c) => parts.push(c),
                    other => {
                        return Err(format!(
                            "operands of {} must be bool, found {}",
                            if and { "&&" } else { "||" },
                            other.name()
                        ));
                    }
                }
            }
            return Ok(T::Bool(if and {
                Cond::And(parts)
            } else {
                Cond::Or(parts)
            }));
        }
        if f == op::LOGICAL_NOT {
            return match self.expr(&args[0])? {
                T::Bool(c) => Ok(T::Bool(Cond::Not(Box::new(c)))),
                other => Err(format!("operand of ! must be bool, found {}", other.name())),
            };
        }
        if let Some(o) = cmp(f) {
            let l = self.expr(&args[0])?;
            let r = self.expr(&args[1])?;
            return self.compare(o, l, r).map(T::Bool);
        }
        if f == op::IN {
            let l = self.expr(&args[0])?;
            let r = self.expr(&args[1])?;
            return match (l, r) {
                (T::Enum(v), T::List(items)) => {
                    let mut mask = 0u64;
                    for it in &items {
                        mask |= 1 << self.enum_index(v, it)?;
                    }
                    Ok(T::Bool(Cond::Enum { var: v, mask }))
                }
                (l, r) => Err(format!(
                    "`in` needs a degree/honors/housing/card on the left and a list of strings on the right, found {} in {}",
                    l.name(),
                    r.name()
                )),
            };
        }
        if f == op::ADD || f == op::SUBSTRACT {
            let plus = f == op::ADD;
            let l = self.expr(&args[0])?;
            let r = self.expr(&args[1])?;
            let comb = |a: Lin, b: Lin| {
                if plus {
                    Lin {
                        slope: a.slope + b.slope,
                        base: IntExpr::add(a.base, b.base),
                    }
                } else {
                    Lin {
                        slope: a.slope - b.slope,
                        base: IntExpr::sub(a.base, b.base),
                    }
                }
            };
            return match (l, r) {
                (T::Int(a), T::Int(b)) => Ok(T::Int(comb(a, b))),
                (T::Month(a), T::Int(b)) => Ok(T::Month(comb(a, b))),
                (T::Int(a), T::Month(b)) if plus => Ok(T::Month(comb(a, b))),
                (T::Month(a), T::Month(b)) if !plus => Ok(T::Int(comb(a, b))),
                (T::Age, _) | (_, T::Age) => {
                    Err("`age` can only be compared directly (e.g. `age < 40`)".into())
                }
                (l, r) => Err(format!(
                    "cannot {} {} and {}",
                    if plus { "add" } else { "subtract" },
                    l.name(),
                    r.name()
                )),
            };
        }
        if f == op::MULTIPLY {
            let l = self.expr(&args[0])?;
            let r = self.expr(&args[1])?;
            return match (l, r) {
                (T::Int(a), T::Int(b)) => match (a.konst(), b.konst()) {
                    (_, Some(k)) => Ok(T::Int(Lin {
                        slope: a.slope * k,
                        base: IntExpr::mul(a.base, k),
                    })),
                    (Some(k), _) => Ok(T::Int(Lin {
                        slope: b.slope * k,
                        base: IntExpr::mul(b.base, k),
                    })),
                    _ => Err("multiplication needs a constant operand".into()),
                },
                (l, r) => Err(format!("cannot multiply {} and {}", l.name(), r.name())),
            };
        }
        if f == op::NEGATE {
            return match self.expr(&args[0])? {
                T::Int(a) => Ok(T::Int(Lin {
                    slope: -a.slope,
                    base: IntExpr::neg(a.base),
                })),
                other => Err(format!("cannot negate {}", other.name())),
            };
        }
        if f == "month" {
            if let [a] = args
                && let T::Str(s) = self.expr(a)?
            {
                let m: crate::time::Month = s.parse().map_err(|e| format!("{e}"))?;
                return Ok(T::Month(Lin {
                    slope: 0,
                    base: IntExpr::Const(i64::from(m.index())),
                }));
            }
            return Err("month() takes one string literal 'YYYY-MM'".into());
        }
        if f == op::CONDITIONAL {
            return Err("the conditional operator `?:` is not supported; use && and ||".into());
        }
        Err(format!("unknown function or operator `{f}`"))
    }

    fn enum_values(&self, v: EnumVar) -> Vec<String> {
        match v {
            EnumVar::Degree => Degree::NAMES.iter().map(|s| s.to_string()).collect(),
            EnumVar::Housing => Housing::NAMES.iter().map(|s| s.to_string()).collect(),
            EnumVar::Honors => std::iter::once(String::new())
                .chain(self.scope.honors.iter().cloned())
                .collect(),
            EnumVar::Card => std::iter::once(String::new())
                .chain(self.scope.tiers.iter().cloned())
                .collect(),
        }
    }

    fn enum_index(&self, v: EnumVar, s: &str) -> Result<u32, String> {
        let vals = self.enum_values(v);
        vals.iter()
            .position(|x| x == s)
            .map(|i| i as u32)
            .ok_or_else(|| {
                format!(
                    "'{s}' is not a {} value (one of: {})",
                    T::Enum(v).name(),
                    vals.iter()
                        .map(|x| format!("'{x}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }

    fn compare(&mut self, o: CmpOp, l: T, r: T) -> Result<Cond, String> {
        match (l, r) {
            (T::Enum(v), T::Str(s)) => self.enum_cmp(v, o, &s),
            (T::Str(s), T::Enum(v)) => self.enum_cmp(v, o.flip(), &s),
            (T::Bool(a), T::Bool(b)) if matches!(o, CmpOp::Eq | CmpOp::Ne) => {
                let same = match (a, b) {
                    (c, Cond::Const(k)) | (Cond::Const(k), c) => {
                        if k {
                            c
                        } else {
                            Cond::Not(Box::new(c))
                        }
                    }
                    (a, b) => Cond::Or(vec![
                        Cond::And(vec![a.clone(), b.clone()]),
                        Cond::And(vec![Cond::Not(Box::new(a)), Cond::Not(Box::new(b))]),
                    ]),
                };
                Ok(if o == CmpOp::Eq {
                    same
                } else {
                    Cond::Not(Box::new(same))
                })
            }
            (T::Int(a), T::Int(b)) | (T::Month(a), T::Month(b)) => {
                let slope = a.slope - b.slope;
                if !(-1..=1).contains(&slope) {
                    return Err(
                        "a month-dependent comparison must change with the month at rate ±1 (e.g. `months_since_arrival < 60`)"
                            .into(),
                    );
                }
                Ok(Cond::Cmp {
                    slope,
                    base: IntExpr::sub(a.base, b.base),
                    op: o,
                })
            }
            (T::Age, T::Int(c)) => age_cmp(o, c),
            (T::Int(c), T::Age) => age_cmp(o.flip(), c),
            (l, r) => Err(format!("cannot compare {} with {}", l.name(), r.name())),
        }
    }

    fn enum_cmp(&self, v: EnumVar, o: CmpOp, s: &str) -> Result<Cond, String> {
        let idx = self.enum_index(v, s)? as i64;
        let n = self.enum_values(v).len() as i64;
        if !matches!(o, CmpOp::Eq | CmpOp::Ne) && v != EnumVar::Degree {
            return Err(format!(
                "only degree is ordered; {} supports == != and in",
                T::Enum(v).name()
            ));
        }
        let mut mask = 0u64;
        for k in 0..n {
            if o.test(k - idx) {
                mask |= 1 << k;
            }
        }
        Ok(Cond::Enum { var: v, mask })
    }
}

fn int_const(i: i64) -> T {
    T::Int(Lin {
        slope: 0,
        base: IntExpr::Const(i),
    })
}

fn var(slope: i64, v: IntVar) -> Lin {
    Lin {
        slope,
        base: IntExpr::Var(v),
    }
}

/// `age OP c` with `age(m) = floor((m - birth_month - adj) / 12)`:
/// `age >= c  <=>  m - birth_month - adj - 12c >= 0`, a slope-1 comparison.
fn age_cmp(o: CmpOp, c: Lin) -> Result<Cond, String> {
    if c.slope != 0 {
        return Err("age must be compared with a month-independent number".into());
    }
    let base = IntExpr::sub(
        IntExpr::sub(
            IntExpr::neg(IntExpr::Var(IntVar::BirthMonth)),
            IntExpr::Var(IntVar::BirthDayAdj),
        ),
        IntExpr::mul(c.base, 12),
    );
    let at_least = |b: IntExpr, ge: bool| Cond::Cmp {
        slope: 1,
        base: b,
        op: if ge { CmpOp::Ge } else { CmpOp::Lt },
    };
    let next = IntExpr::sub(base.clone(), IntExpr::Const(12));
    Ok(match o {
        CmpOp::Ge => at_least(base, true),
        CmpOp::Lt => at_least(base, false),
        CmpOp::Gt => at_least(next, true),
        CmpOp::Le => at_least(next, false),
        CmpOp::Eq => Cond::And(vec![at_least(base, true), at_least(next, false)]),
        CmpOp::Ne => Cond::Or(vec![at_least(base, false), at_least(next, true)]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cond::State;
    use crate::person::{Facts, Person};

    fn scope_with<'a>(honors: &'a [String], tiers: &'a [String], b: &'a [String]) -> Scope<'a> {
        Scope {
            honors,
            tiers,
            benefits: Some(b),
        }
    }

    fn person(birth: &str, arrival: &str, purchase: Option<&str>) -> Person {
        Person {
            id: 1,
            birth_date: birth.parse().unwrap(),
            degree: Degree::Master,
            honors: 0,
            arrival_date: arrival.parse().unwrap(),
            employed_in_city: true,
            housing: Housing::Rent,
            home_purchase_date: purchase.map(|p| p.parse().unwrap()),
            social_insurance_months: 12,
        }
    }

    fn check(src: &str, p: &Person, month: &str) -> bool {
        let h = vec!["academician".to_string()];
        let t = vec!["A".to_string(), "B".to_string()];
        let b = vec!["x".to_string()];
        let c = compile_condition(src, &scope_with(&h, &t, &b)).unwrap();
        let f = Facts::of(p);
        let m: crate::time::Month = month.parse().unwrap();
        c.cond.eval(&State {
            facts: &f,
            month: i64::from(m.index()),
            card: 2,
            amounts: &[5],
        })
    }

    #[test]
    fn conditions_evaluate_natively() {
        let p = person("1990-05-15", "2020-01-10", Some("2022-06-01"));
        assert!(check(
            "degree in ['master', 'phd'] && housing != 'owns'",
            &p,
            "2021-01"
        ));
        assert!(check(
            "degree >= 'bachelor' && degree < 'phd'",
            &p,
            "2021-01"
        ));
        assert!(check(
            "months_since_arrival < 60 && months_since_arrival >= 0",
            &p,
            "2024-12"
        ));
        assert!(!check("months_since_arrival < 60", &p, "2025-01"));
        assert!(check("!(months_since_purchase >= 0)", &p, "2022-05"));
        assert!(!check("!(months_since_purchase >= 0)", &p, "2022-06"));
        assert!(check("purchase_month - arrival_month == 29", &p, "2000-01"));
        assert!(check(
            "month >= month('2021-02') && card == 'B' && has_card",
            &p,
            "2021-02"
        ));
        assert!(check(
            "benefit.x && employed_in_city == true",
            &p,
            "2021-02"
        ));
        assert!(check(
            "social_insurance_months * 2 + 1 == 25",
            &p,
            "2021-02"
        ));
        // age: born 1990-05-15 -> 30 on 2020-06-01, still 29 on 2020-05-01
        assert!(check("age == 29", &p, "2020-05"));
        assert!(check(
            "age == 30 && age >= 30 && age > 29 && age <= 30 && age < 31",
            &p,
            "2020-06"
        ));
        assert!(check("40 > age", &p, "2020-06"));
        // absent purchase: comparisons are false, their negation true
        let q = person("1990-05-01", "2020-01-10", None);
        assert!(!check("months_since_purchase >= 0", &q, "2022-05"));
        assert!(check(
            "!has_purchase && !(purchase_month <= month)",
            &q,
            "2022-05"
        ));
        assert!(check("age == 30", &q, "2020-05"));
    }

    #[test]
    fn type_errors_are_refused() {
        let h = vec![];
        let t = vec!["A".to_string()];
        let b = vec!["rent".to_string()];
        let s = scope_with(&h, &t, &b);
        let err = |src: &str| compile_condition(src, &s).unwrap_err();
        assert!(err("housng == 'rent'").contains("unknown variable `housng`"));
        assert!(err("social_insurance_months + 1").contains("not boolean"));
        assert!(err("degree == 'doctor'").contains("not a degree value"));
        assert!(err("arrival_month < 60").contains("cannot compare month with int"));
        assert!(err("housing < 'rent'").contains("only degree is ordered"));
        assert!(err("benefit.nope").contains("unknown benefit"));
        assert!(err("month * 2 > month('2020-01') * 1").contains("cannot multiply"));
        assert!(err("months_since_arrival * 2 < 5").contains("rate ±1"));
        assert!(err("age + 1 < 40").contains("compared directly"));
        assert!(err("1.5 < social_insurance_months").contains("floating-point"));
        assert!(err("degree == ").contains("syntax error"));
        assert!(err("employed_in_city && 1").contains("must be bool"));
        let cards = Scope {
            honors: &h,
            tiers: &t,
            benefits: None,
        };
        assert!(
            compile_condition("has_card", &cards)
                .unwrap_err()
                .contains("card criteria")
        );
        assert!(
            compile_condition("benefit.rent", &cards)
                .unwrap_err()
                .contains("card criteria")
        );
    }
}
