//! Whole-population evaluation, forecasts and reform comparisons.
//!
//! Forecasts cost O(talents), not O(talents × months): every month-dependent part of a
//! pack (windows, one-time months, month comparisons, dated parameter changes) can only
//! change a talent's result at a few known months (its breakpoints). Between two
//! breakpoints the result is constant, so each talent is evaluated once per segment and
//! the amount added to a difference array over the forecast months; one prefix sum then
//! gives the monthly totals.

use crate::csv::push_int;
use crate::pack::{BenefitKind, CompiledPack};
use crate::person::{Facts, Person};
use crate::pipeline;
use crate::time::Month;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{Read, Write};

/// A population could not be processed. Row errors carry the 1-based line and column.
#[derive(Debug, thiserror::Error)]
pub enum PopulationError {
    /// A field is invalid.
    #[error("line {line}, column {column}: {message}")]
    Field {
        /// 1-based line in the file (the header is line 1).
        line: u64,
        /// Column name from the header.
        column: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The first line is not the expected header.
    #[error("line 1: header must be `{}`, found `{found}`", crate::csv::HEADER)]
    Header {
        /// What was found.
        found: String,
    },
    /// Reading failed.
    #[error("reading the population: {0}")]
    Io(std::io::Error),
    /// Writing the per-row output failed.
    #[error("writing rows: {0}")]
    Output(std::io::Error),
    /// Two packs cannot be run over one file together.
    #[error("packs cannot be compared: {0}")]
    Incompatible(String),
    /// A bad argument (e.g. zero months).
    #[error("{0}")]
    Argument(String),
}

/// Totals of one month over a population. Serialises as
/// `{"month":"2026-11","talents":n,"cards":{"A":n,"B":n},"totals_fen":{...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EvaluateSummary {
    /// The evaluated month.
    pub month: Month,
    /// Rows evaluated.
    pub talents: i64,
    /// Talents per card tier (every tier of the pack, zero included).
    pub cards: BTreeMap<String, i64>,
    /// Sum per benefit id, fen.
    pub totals_fen: BTreeMap<String, i64>,
}

/// Monthly benefits over a horizon. Serialises as
/// `{"from":"2026-12","months":60,"monthly_fen":[...],"total_fen":n}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ForecastSummary {
    /// First month.
    pub from: Month,
    /// Number of months.
    pub months: u32,
    /// Sum of monthly benefits per month, fen.
    pub monthly_fen: Vec<i64>,
    /// Sum over the horizon, fen.
    pub total_fen: i64,
}

/// Baseline, reform and reform − baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReformSummary<T> {
    /// Under the baseline pack.
    pub baseline: T,
    /// Under the reform pack.
    pub reform: T,
    /// Reform minus baseline.
    pub difference: T,
}

impl EvaluateSummary {
    fn difference(base: &Self, reform: &Self) -> Self {
        let diff = |a: &BTreeMap<String, i64>, b: &BTreeMap<String, i64>| {
            let mut out = BTreeMap::new();
            for k in a.keys().chain(b.keys()) {
                out.insert(
                    k.clone(),
                    b.get(k).copied().unwrap_or(0) - a.get(k).copied().unwrap_or(0),
                );
            }
            out
        };
        EvaluateSummary {
            month: base.month,
            talents: reform.talents - base.talents,
            cards: diff(&base.cards, &reform.cards),
            totals_fen: diff(&base.totals_fen, &reform.totals_fen),
        }
    }
}

impl ForecastSummary {
    fn difference(base: &Self, reform: &Self) -> Self {
        ForecastSummary {
            from: base.from,
            months: base.months,
            monthly_fen: base
                .monthly_fen
                .iter()
                .zip(&reform.monthly_fen)
                .map(|(a, b)| b - a)
                .collect(),
            total_fen: reform.total_fen - base.total_fen,
        }
    }
}

/// Which benefits a cost figure counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostScope {
    /// Monthly benefits only (forecasts: future one-time events are not known).
    MonthlyOnly,
    /// Every benefit, one-time ones in the month they are paid.
    AllBenefits,
}

// ------------------------------------------------------------------ per-talent kernels

struct EvalAcc {
    talents: i64,
    cards: Vec<i64>,
    totals: Vec<i64>,
    amounts: Vec<i64>,
}

impl EvalAcc {
    fn new(pack: &CompiledPack) -> Self {
        EvalAcc {
            talents: 0,
            cards: vec![0; pack.cards.len() + 1],
            totals: vec![0; pack.benefits.len()],
            amounts: vec![0; pack.benefits.len()],
        }
    }
    #[inline]
    fn add(&mut self, pack: &CompiledPack, f: &Facts, m: i64) -> u8 {
        let card = pack.eval_into(f, m, &mut self.amounts);
        self.talents += 1;
        self.cards[card as usize] += 1;
        for (t, a) in self.totals.iter_mut().zip(&self.amounts) {
            *t += a;
        }
        card
    }
    fn merge(mut accs: impl Iterator<Item = EvalAcc>) -> EvalAcc {
        let mut first = accs.next().expect("at least one worker");
        for a in accs {
            first.talents += a.talents;
            first
                .cards
                .iter_mut()
                .zip(&a.cards)
                .for_each(|(x, y)| *x += y);
            first
                .totals
                .iter_mut()
                .zip(&a.totals)
                .for_each(|(x, y)| *x += y);
        }
        first
    }
    fn summary(&self, pack: &CompiledPack, month: Month) -> EvaluateSummary {
        EvaluateSummary {
            month,
            talents: self.talents,
            cards: pack
                .cards
                .iter()
                .enumerate()
                .map(|(i, c)| (c.tier.clone(), self.cards[i + 1]))
                .collect(),
            totals_fen: pack
                .benefits
                .iter()
                .zip(&self.totals)
                .map(|(b, t)| (b.id.clone(), *t))
                .collect(),
        }
    }
}

/// Breakpoint-segmented horizon evaluation for one pack.
pub(crate) struct Horizon {
    pub from: i64,
    pub to: i64,
    /// Difference array over the horizon (len = months + 1).
    pub diff: Vec<i64>,
    pub amounts: Vec<i64>,
    pub pts: Vec<i64>,
    /// Indices of the benefits counted.
    pub counted: Vec<usize>,
}

impl Horizon {
    pub(crate) fn new(pack: &CompiledPack, from: Month, months: u32, scope: CostScope) -> Self {
        Horizon {
            from: i64::from(from.index()),
            to: i64::from(from.index()) + months as i64,
            diff: vec![0; months as usize + 1],
            amounts: vec![0; pack.benefits.len()],
            pts: Vec::with_capacity(32),
            counted: pack
                .benefits
                .iter()
                .enumerate()
                .filter(|(_, b)| scope == CostScope::AllBenefits || b.kind == BenefitKind::Monthly)
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// Adds one talent; returns its total over the horizon.
    #[inline]
    pub(crate) fn add(&mut self, pack: &CompiledPack, f: &Facts) -> i64 {
        pack.segment_starts(f, self.from, self.to, &mut self.pts);
        let mut total = 0;
        for i in 0..self.pts.len() {
            let s = self.pts[i];
            let e = self.pts.get(i + 1).copied().unwrap_or(self.to);
            pack.eval_into(f, s, &mut self.amounts);
            let a: i64 = self.counted.iter().map(|&b| self.amounts[b]).sum();
            if a != 0 {
                self.diff[(s - self.from) as usize] += a;
                self.diff[(e - self.from) as usize] -= a;
                total += a * (e - s);
            }
        }
        total
    }

    fn merge(mut hs: impl Iterator<Item = Horizon>) -> Horizon {
        let mut first = hs.next().expect("at least one worker");
        for h in hs {
            first
                .diff
                .iter_mut()
                .zip(&h.diff)
                .for_each(|(x, y)| *x += y);
        }
        first
    }

    fn summary(&self, from: Month) -> ForecastSummary {
        let n = self.diff.len() - 1;
        let mut monthly = Vec::with_capacity(n);
        let mut run = 0i64;
        for d in &self.diff[..n] {
            run += d;
            monthly.push(run);
        }
        ForecastSummary {
            from,
            months: n as u32,
            total_fen: monthly.iter().sum(),
            monthly_fen: monthly,
        }
    }
}

impl CompiledPack {
    /// The months in `[from, to)` at which this talent's result may change, `from`
    /// first, sorted, unique. Between two of them (or the last and `to`) the card and
    /// every amount are constant.
    #[inline]
    pub(crate) fn segment_starts(&self, f: &Facts, from: i64, to: i64, pts: &mut Vec<i64>) {
        pts.clear();
        pts.push(from);
        self.push_breakpoints(f, pts);
        finish_points(pts, from, to);
    }

    #[inline]
    pub(crate) fn push_breakpoints(&self, f: &Facts, pts: &mut Vec<i64>) {
        for a in &self.atoms {
            a.breakpoints(f, pts);
        }
        pts.extend_from_slice(&self.change_months);
    }
}

#[inline]
fn finish_points(pts: &mut Vec<i64>, from: i64, to: i64) {
    pts.retain(|&x| x >= from && x < to);
    pts.sort_unstable();
    pts.dedup();
}

fn check_months(months: u32) -> Result<(), PopulationError> {
    if months == 0 || months > 1200 {
        return Err(PopulationError::Argument(format!(
            "months must be in 1..=1200, got {months}"
        )));
    }
    Ok(())
}

fn check_compatible(a: &CompiledPack, b: &CompiledPack) -> Result<(), PopulationError> {
    if a.honors != b.honors {
        return Err(PopulationError::Incompatible(format!(
            "honours vocabularies differ ({:?} vs {:?}); a talent's honour must mean the same in both",
            a.honors, b.honors
        )));
    }
    Ok(())
}

fn tier_id(p: &CompiledPack, c: u8) -> &str {
    if c == 0 {
        ""
    } else {
        p.cards[c as usize - 1].tier.as_str()
    }
}

// ------------------------------------------------------------------ public functions

/// Evaluates every talent of a population CSV (header line first) in `month`.
///
/// With `row_sink`, writes `id,card,<benefit ids...>` (amounts in fen, card empty when
/// none), one line per talent, in file order.
pub fn evaluate_population<R: Read, W: Write>(
    pack: &CompiledPack,
    reader: R,
    month: Month,
    row_sink: Option<&mut W>,
) -> Result<EvaluateSummary, PopulationError> {
    evaluate_population_with(pack, reader, month, row_sink, pipeline::default_threads())
}

/// [`evaluate_population`] with an explicit number of worker threads.
pub fn evaluate_population_with<R: Read, W: Write>(
    pack: &CompiledPack,
    reader: R,
    month: Month,
    row_sink: Option<&mut W>,
    threads: usize,
) -> Result<EvaluateSummary, PopulationError> {
    let m = i64::from(month.index());
    let mut sink = row_sink.map(|w| w as &mut dyn Write);
    if let Some(s) = sink.as_mut() {
        let mut head = b"id,card".to_vec();
        for b in &pack.benefits {
            head.push(b',');
            head.extend_from_slice(b.id.as_bytes());
        }
        head.push(b'\n');
        s.write_all(&head).map_err(PopulationError::Output)?;
    }
    let tiers: Vec<&[u8]> = pack.cards.iter().map(|c| c.tier.as_bytes()).collect();
    let accs = pipeline::run(
        reader,
        &pack.honors,
        threads,
        sink,
        || EvalAcc::new(pack),
        |acc, p, out| {
            let card = acc.add(pack, &Facts::of(p), m);
            if let Some(out) = out {
                push_int(out, p.id as i64);
                out.push(b',');
                if card > 0 {
                    out.extend_from_slice(tiers[card as usize - 1]);
                }
                for a in &acc.amounts {
                    out.push(b',');
                    push_int(out, *a);
                }
                out.push(b'\n');
            }
        },
    )?;
    Ok(EvalAcc::merge(accs.into_iter()).summary(pack, month))
}

/// Sum of monthly benefits over `months` months from `from`, per month.
pub fn forecast_population<R: Read>(
    pack: &CompiledPack,
    reader: R,
    from: Month,
    months: u32,
) -> Result<ForecastSummary, PopulationError> {
    forecast_population_with(pack, reader, from, months, pipeline::default_threads())
}

/// [`forecast_population`] with an explicit number of worker threads.
pub fn forecast_population_with<R: Read>(
    pack: &CompiledPack,
    reader: R,
    from: Month,
    months: u32,
    threads: usize,
) -> Result<ForecastSummary, PopulationError> {
    check_months(months)?;
    let accs = pipeline::run(
        reader,
        &pack.honors,
        threads,
        None,
        || Horizon::new(pack, from, months, CostScope::MonthlyOnly),
        |h, p, _| {
            h.add(pack, &Facts::of(p));
        },
    )?;
    Ok(Horizon::merge(accs.into_iter()).summary(from))
}

/// Evaluates baseline and reform over one pass of the file.
pub fn evaluate_population_reform<R: Read>(
    baseline: &CompiledPack,
    reform: &CompiledPack,
    reader: R,
    month: Month,
) -> Result<ReformSummary<EvaluateSummary>, PopulationError> {
    check_compatible(baseline, reform)?;
    let m = i64::from(month.index());
    let accs = pipeline::run(
        reader,
        &baseline.honors,
        pipeline::default_threads(),
        None,
        || (EvalAcc::new(baseline), EvalAcc::new(reform)),
        |(a, b), p, _| {
            let f = Facts::of(p);
            a.add(baseline, &f, m);
            b.add(reform, &f, m);
        },
    )?;
    let (xs, ys): (Vec<_>, Vec<_>) = accs.into_iter().unzip();
    let base = EvalAcc::merge(xs.into_iter()).summary(baseline, month);
    let ref_ = EvalAcc::merge(ys.into_iter()).summary(reform, month);
    Ok(ReformSummary {
        difference: EvaluateSummary::difference(&base, &ref_),
        baseline: base,
        reform: ref_,
    })
}

/// Forecasts baseline and reform over one pass of the file.
pub fn forecast_population_reform<R: Read>(
    baseline: &CompiledPack,
    reform: &CompiledPack,
    reader: R,
    from: Month,
    months: u32,
) -> Result<ReformSummary<ForecastSummary>, PopulationError> {
    check_months(months)?;
    check_compatible(baseline, reform)?;
    let accs = pipeline::run(
        reader,
        &baseline.honors,
        pipeline::default_threads(),
        None,
        || {
            (
                Horizon::new(baseline, from, months, CostScope::MonthlyOnly),
                Horizon::new(reform, from, months, CostScope::MonthlyOnly),
            )
        },
        |(a, b), p, _| {
            let f = Facts::of(p);
            a.add(baseline, &f);
            b.add(reform, &f);
        },
    )?;
    let (xs, ys): (Vec<_>, Vec<_>) = accs.into_iter().unzip();
    let base = Horizon::merge(xs.into_iter()).summary(from);
    let ref_ = Horizon::merge(ys.into_iter()).summary(from);
    Ok(ReformSummary {
        difference: ForecastSummary::difference(&base, &ref_),
        baseline: base,
        reform: ref_,
    })
}

/// Reads a whole population into memory (for tests, small files and the sandbox).
pub fn read_population<R: Read>(
    pack: &CompiledPack,
    reader: R,
) -> Result<Vec<Person>, PopulationError> {
    let accs = pipeline::run(
        reader,
        &pack.honors,
        1,
        None,
        Vec::new,
        |v: &mut Vec<Person>, p, _| v.push(*p),
    )?;
    Ok(accs.into_iter().flatten().collect())
}

/// Policy-sandbox comparison of a draft against the baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// First month.
    pub from: Month,
    /// Number of months.
    pub months: u32,
    /// Which benefits are counted.
    pub scope: CostScope,
    /// Talents compared.
    pub talents: u64,
    /// Baseline cost per month, fen.
    pub baseline_monthly_fen: Vec<i64>,
    /// Draft cost per month, fen.
    pub reform_monthly_fen: Vec<i64>,
    /// Baseline total, fen.
    pub baseline_total_fen: i64,
    /// Draft total, fen.
    pub reform_total_fen: i64,
    /// Draft − baseline, fen.
    pub difference_total_fen: i64,
    /// Talents whose total over the horizon rises.
    pub gainers: u64,
    /// Talents whose total over the horizon falls.
    pub losers: u64,
    /// Talents whose card or some benefit amount differs in some month of the horizon
    /// (includes gainers and losers, and those whose money only moves between months
    /// or benefits, or whose card changes).
    pub changed: u64,
}

/// Compares a draft (`reform`) with `baseline` on talents held in memory, over
/// `months` months from `from`. Linear in talents, like the forecast.
pub fn compare_population(
    baseline: &CompiledPack,
    reform: &CompiledPack,
    persons: &[Person],
    from: Month,
    months: u32,
    scope: CostScope,
) -> Result<Comparison, PopulationError> {
    check_months(months)?;
    check_compatible(baseline, reform)?;
    let f0 = i64::from(from.index());
    let to = f0 + months as i64;
    // Match benefits and tiers by id so "changed" compares like with like.
    let ref_benefit_in_base: Vec<Option<usize>> = reform
        .benefits
        .iter()
        .map(|b| baseline.benefits.iter().position(|x| x.id == b.id))
        .collect();
    let base_only: Vec<usize> = (0..baseline.benefits.len())
        .filter(|&i| {
            !reform
                .benefits
                .iter()
                .any(|b| b.id == baseline.benefits[i].id)
        })
        .collect();

    struct Acc {
        base: Horizon,
        refm: Horizon,
        pts: Vec<i64>,
        talents: u64,
        gainers: u64,
        losers: u64,
        changed: u64,
    }
    let threads = pipeline::default_threads().min(persons.len().max(1));
    let chunk = persons.len().div_ceil(threads).max(1);
    let accs: Vec<Acc> = std::thread::scope(|s| {
        let handles: Vec<_> = persons
            .chunks(chunk)
            .map(|part| {
                let (ref_benefit_in_base, base_only) = (&ref_benefit_in_base, &base_only);
                s.spawn(move || {
                    let mut acc = Acc {
                        base: Horizon::new(baseline, from, months, scope),
                        refm: Horizon::new(reform, from, months, scope),
                        pts: Vec::new(),
                        talents: 0,
                        gainers: 0,
                        losers: 0,
                        changed: 0,
                    };
                    for p in part {
                        let f = Facts::of(p);
                        let tb = acc.base.add(baseline, &f);
                        let tr = acc.refm.add(reform, &f);
                        acc.talents += 1;
                        acc.gainers += (tr > tb) as u64;
                        acc.losers += (tr < tb) as u64;
                        // Changed: evaluate both packs on the union of their segments.
                        acc.pts.clear();
                        acc.pts.push(f0);
                        baseline.push_breakpoints(&f, &mut acc.pts);
                        reform.push_breakpoints(&f, &mut acc.pts);
                        finish_points(&mut acc.pts, f0, to);
                        let mut differs = false;
                        for &m in &acc.pts {
                            let cb = baseline.eval_into(&f, m, &mut acc.base.amounts);
                            let cr = reform.eval_into(&f, m, &mut acc.refm.amounts);
                            differs = tier_id(baseline, cb) != tier_id(reform, cr)
                                || ref_benefit_in_base.iter().enumerate().any(|(ri, bi)| {
                                    acc.refm.amounts[ri] != bi.map_or(0, |bi| acc.base.amounts[bi])
                                })
                                || base_only.iter().any(|&bi| acc.base.amounts[bi] != 0);
                            if differs {
                                break;
                            }
                        }
                        acc.changed += differs as u64;
                    }
                    acc
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker panicked"))
            .collect()
    });
    let mut talents = 0;
    let (mut gainers, mut losers, mut changed) = (0, 0, 0);
    let mut bases = Vec::new();
    let mut refs = Vec::new();
    for a in accs {
        talents += a.talents;
        gainers += a.gainers;
        losers += a.losers;
        changed += a.changed;
        bases.push(a.base);
        refs.push(a.refm);
    }
    let empty = || Horizon::new(baseline, from, months, scope);
    let b = if bases.is_empty() {
        empty().summary(from)
    } else {
        Horizon::merge(bases.into_iter()).summary(from)
    };
    let r = if refs.is_empty() {
        empty().summary(from)
    } else {
        Horizon::merge(refs.into_iter()).summary(from)
    };
    Ok(Comparison {
        from,
        months,
        scope,
        talents,
        difference_total_fen: r.total_fen - b.total_fen,
        baseline_total_fen: b.total_fen,
        reform_total_fen: r.total_fen,
        baseline_monthly_fen: b.monthly_fen,
        reform_monthly_fen: r.monthly_fen,
        gainers,
        losers,
        changed,
    })
}
