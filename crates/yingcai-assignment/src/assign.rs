//! The exact assignment: the instance as a min-cost flow network, the result, and the
//! advice when no assignment exists.

use std::fmt;
use std::io::{self, Write};

use crate::flow::{Edge, Network};
use crate::instance::Instance;

/// An assignment: `(proposal, reviewer)` index pairs, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pairs: Vec<(u32, u32)>,
}

impl Assignment {
    /// An assignment from index pairs (sorted here; not checked: see [`crate::check`]).
    pub fn from_index_pairs(mut pairs: Vec<(u32, u32)>) -> Assignment {
        pairs.sort_unstable();
        Assignment { pairs }
    }

    /// An assignment from id pairs, e.g. the rows of a published result file.
    ///
    /// # Errors
    /// [`crate::Violation::UnknownProposal`] or [`crate::Violation::UnknownReviewer`] for
    /// the first id the instance does not define.
    pub fn from_pairs<'a>(
        instance: &Instance,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Assignment, crate::Violation> {
        let mut out = Vec::new();
        for (p, r) in pairs {
            let pi =
                instance
                    .proposal_index(p)
                    .ok_or_else(|| crate::Violation::UnknownProposal {
                        proposal: p.to_owned(),
                    })?;
            let ri =
                instance
                    .reviewer_index(r)
                    .ok_or_else(|| crate::Violation::UnknownReviewer {
                        reviewer: r.to_owned(),
                    })?;
            out.push((pi, ri));
        }
        Ok(Assignment::from_index_pairs(out))
    }

    /// The `(proposal, reviewer)` index pairs, sorted by proposal then reviewer.
    pub fn pairs(&self) -> &[(u32, u32)] {
        &self.pairs
    }

    /// Total affinity of the pairs (0 for a pair that is not an admissible candidate).
    pub fn total_affinity(&self, instance: &Instance) -> u64 {
        self.pairs
            .iter()
            .map(|&(p, r)| u64::from(instance.affinity(p, r).unwrap_or(0)))
            .sum()
    }

    /// Writes the result file: header `proposal,reviewer`, one row per pair. Ids that
    /// need it are quoted as CSV requires.
    ///
    /// # Errors
    /// Whatever the writer returns.
    pub fn write_csv<W: Write>(&self, instance: &Instance, out: W) -> io::Result<()> {
        let mut out = io::BufWriter::with_capacity(1 << 16, out);
        out.write_all(b"proposal,reviewer\n")?;
        for &(p, r) in &self.pairs {
            write_field(&mut out, instance.proposal_id(p))?;
            out.write_all(b",")?;
            write_field(&mut out, instance.reviewer_id(r))?;
            out.write_all(b"\n")?;
        }
        out.flush()
    }
}

fn write_field<W: Write>(out: &mut W, id: &str) -> io::Result<()> {
    if id.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", id.replace('"', "\"\""))
    } else {
        out.write_all(id.as_bytes())
    }
}

/// Why no assignment exists, as findings an officer can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Infeasible {
    /// At least one finding; each is by itself enough to make assignment impossible.
    pub findings: Vec<Finding>,
}

/// One reason why no assignment exists.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// The proposal has fewer admissible candidates (listed, not in conflict) than it
    /// needs. With a probability cap `q`, it needs `⌈k / q⌉` of them.
    TooFewCandidates {
        /// The proposal.
        proposal: String,
        /// Its admissible candidates.
        admissible: u32,
        /// Candidates it lists that a conflict rules out.
        conflicted: u32,
        /// How many admissible candidates it needs.
        needed: u32,
    },
    /// All reviewers together may take fewer reviews than the proposals need:
    /// `k × proposals > Σ max_load`.
    CapacityShort {
        /// `k × proposals`.
        reviews_needed: u64,
        /// The sum of every reviewer's maximum load.
        max_load_total: u64,
    },
    /// The reviewers' minimum loads add up to more reviews than there are:
    /// `Σ min_load > k × proposals`.
    MinLoadsTooHigh {
        /// The sum of every reviewer's minimum load.
        min_load_total: u64,
        /// `k × proposals`.
        reviews_available: u64,
    },
    /// These proposals together need more reviews than the reviewers who may review
    /// them can take: every one of `reviewers_at_max` is already at its maximum load in
    /// the best attempt. Raising their maximum loads by `reviews_needed -
    /// reviews_possible` in total (or adding that many admissible candidates from other
    /// reviewers) removes this finding.
    ProposalsShort {
        /// The proposals (a set that cannot be served; Hall's condition fails for it).
        proposals: Vec<String>,
        /// `k ×` their number.
        reviews_needed: u64,
        /// The most reviews they can get.
        reviews_possible: u64,
        /// Their admissible reviewers whose maximum load is the bottleneck.
        reviewers_at_max: Vec<String>,
    },
    /// These reviewers' minimum loads cannot be met: the proposals they may review
    /// cannot send them that many reviews. Lowering their minimum loads by
    /// `min_load_total - reviews_possible` in total (or making them candidates for
    /// more proposals) removes this finding.
    ReviewersShort {
        /// The reviewers (with a positive minimum load).
        reviewers: Vec<String>,
        /// Their minimum loads, summed.
        min_load_total: u64,
        /// The most reviews they can receive together.
        reviews_possible: u64,
    },
    /// A randomised assignment counts every review in units of the cap's denominator
    /// (up to 1,000); this many reviews do not fit the solver's amounts at that
    /// precision. The exact assignment has no such limit.
    TooManyReviewsForCap {
        /// `k × proposals`.
        reviews: u64,
        /// The most the cap's precision allows.
        max: u64,
    },
}

const SHOWN: usize = 10;

fn list(f: &mut fmt::Formatter<'_>, ids: &[String]) -> fmt::Result {
    for (i, id) in ids.iter().take(SHOWN).enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        f.write_str(id)?;
    }
    if ids.len() > SHOWN {
        write!(f, " and {} more", ids.len() - SHOWN)?;
    }
    Ok(())
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::TooFewCandidates {
                proposal,
                admissible,
                conflicted,
                needed,
            } => {
                write!(
                    f,
                    "proposal {proposal} has {admissible} admissible candidate{} but needs {needed}",
                    if *admissible == 1 { "" } else { "s" }
                )?;
                if *conflicted > 0 {
                    write!(f, " ({conflicted} more listed but in conflict)")?;
                }
                write!(
                    f,
                    ": add at least {} candidate reviewer{} without a conflict",
                    needed - admissible,
                    if needed - admissible == 1 { "" } else { "s" }
                )
            }
            Finding::CapacityShort {
                reviews_needed,
                max_load_total,
            } => write!(
                f,
                "the proposals need {reviews_needed} reviews but all reviewers together may take at most {max_load_total}: raise maximum loads or add reviewers for {} more reviews",
                reviews_needed - max_load_total
            ),
            Finding::MinLoadsTooHigh {
                min_load_total,
                reviews_available,
            } => write!(
                f,
                "the reviewers' minimum loads add up to {min_load_total} reviews but the proposals have only {reviews_available}: lower the minimum loads by {} in total",
                min_load_total - reviews_available
            ),
            Finding::ProposalsShort {
                proposals,
                reviews_needed,
                reviews_possible,
                reviewers_at_max,
            } => {
                write!(f, "{} proposal(s) (", proposals.len())?;
                list(f, proposals)?;
                write!(
                    f,
                    ") need {reviews_needed} reviews but can get at most {reviews_possible}: their admissible reviewers "
                )?;
                if reviewers_at_max.is_empty() {
                    f.write_str("are too few")?;
                } else {
                    list(f, reviewers_at_max)?;
                    f.write_str(" would all be at their maximum load")?;
                }
                write!(
                    f,
                    "; raise those reviewers' maximum loads by {} in total, or add that many admissible candidates",
                    reviews_needed - reviews_possible
                )
            }
            Finding::ReviewersShort {
                reviewers,
                min_load_total,
                reviews_possible,
            } => {
                write!(f, "{} reviewer(s) (", reviewers.len())?;
                list(f, reviewers)?;
                write!(
                    f,
                    ") must review at least {min_load_total} proposals in total but can receive at most {reviews_possible}: lower their minimum loads by {} in total, or make them candidates for more proposals",
                    min_load_total - reviews_possible
                )
            }
            Finding::TooManyReviewsForCap { reviews, max } => write!(
                f,
                "{reviews} reviews are more than a randomised assignment at this probability cap can handle ({max}); round the cap to fewer decimals or assign exactly"
            ),
        }
    }
}

impl fmt::Display for Infeasible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no assignment satisfies the constraints:")?;
        for finding in &self.findings {
            write!(f, "\n  - {finding}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Infeasible {}

/// The scaling of a probability cap: pair arcs carry `pair_cap` units out of `unit`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    pub unit: u32,
    pub pair_cap: u32,
}

impl Scale {
    pub(crate) const EXACT: Scale = Scale {
        unit: 1,
        pair_cap: 1,
    };
}

/// The assignment of largest total affinity.
///
/// # Errors
/// [`Infeasible`] with its findings when no assignment satisfies the constraints.
pub fn assign(instance: &Instance) -> Result<Assignment, Infeasible> {
    assign_timed(instance, None)
}

/// Time spent building the network, checking feasibility (maximum flow) and
/// minimising cost, for the benchmark example.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Timer {
    pub last: Option<std::time::Instant>,
    pub phases: [std::time::Duration; 3],
}

fn phase(timer: &mut Option<&mut Timer>, i: usize) {
    if let Some(t) = timer {
        let now = std::time::Instant::now();
        t.phases[i] = now - t.last.unwrap_or(now);
        t.last = Some(now);
    }
}

/// [`assign`], timing its phases into `timer`.
#[doc(hidden)]
pub fn assign_timed(
    instance: &Instance,
    mut timer: Option<&mut Timer>,
) -> Result<Assignment, Infeasible> {
    if let Some(t) = timer.as_deref_mut() {
        t.last = Some(std::time::Instant::now());
    }
    let (network, edge_pair) = solve(instance, Scale::EXACT, timer)?;
    let mut pairs = Vec::with_capacity(instance.num_proposals() * instance.k_usize());
    for (i, &pair) in edge_pair.iter().enumerate() {
        if network.flow(i) > 0 {
            pairs.push(pair);
        }
    }
    Ok(Assignment::from_index_pairs(pairs))
}

impl Instance {
    pub(crate) fn k_usize(&self) -> usize {
        self.reviewers_per_proposal() as usize
    }
}

/// Builds and solves the network; returns it and, per pair edge, its `(proposal,
/// reviewer)`.
pub(crate) fn solve(
    instance: &Instance,
    scale: Scale,
    mut timer: Option<&mut Timer>,
) -> Result<(Network, Vec<(u32, u32)>), Infeasible> {
    if let Some(infeasible) = simple_findings(instance, scale) {
        return Err(infeasible);
    }
    let (mut network, edge_pair) = build_network(instance, scale);
    phase(&mut timer, 0);
    let flow = network.max_flow();
    if flow.value < flow.required {
        return Err(cut_finding(instance, scale, &flow.reachable));
    }
    phase(&mut timer, 1);
    network.min_cost(ALPHA);
    phase(&mut timer, 2);
    Ok((network, edge_pair))
}

/// The network: proposals `0..np` (supply `k`), reviewers `np..np + nr` (demand
/// `min_load`), the hub `np + nr` (demand: the remaining reviews); pair edges
/// proposal → reviewer (capacity 1, cost −affinity), then reviewer → hub edges
/// (capacity `max_load − min_load`). Under a probability cap every amount is counted in
/// `scale.unit`s and a pair edge carries `scale.pair_cap`.
fn build_network(instance: &Instance, scale: Scale) -> (Network, Vec<(u32, u32)>) {
    let np = instance.num_proposals();
    let nr = instance.num_reviewers();
    let k = i64::from(instance.reviewers_per_proposal());
    let unit = i64::from(scale.unit);
    let hub = (np + nr) as u32;
    let mut supply = vec![0i64; np + nr + 1];
    let (starts, cand, aff) = instance.cand_slice();
    let mut edges = Vec::with_capacity(cand.len() + nr);
    let mut edge_pair = Vec::with_capacity(cand.len());
    for p in 0..np {
        supply[p] = k * unit;
        for j in starts[p] as usize..starts[p + 1] as usize {
            edges.push(Edge {
                tail: p as u32,
                head: np as u32 + cand[j],
                cap: scale.pair_cap as i32,
                cost: -i32::from(aff[j]),
            });
            edge_pair.push((p as u32, cand[j]));
        }
    }
    let mut min_total = 0i64;
    for r in 0..nr as u32 {
        let (lo, hi) = (instance.min_load(r), instance.max_load(r));
        min_total += i64::from(lo);
        supply[np + r as usize] = -i64::from(lo) * unit;
        // Capacity beyond the reviews the proposals have is never usable.
        let extra = (i64::from(hi - lo) * unit).min(k * unit * np as i64);
        if extra > 0 {
            edges.push(Edge {
                tail: np as u32 + r,
                head: hub,
                cap: extra as i32,
                cost: 0,
            });
        }
    }
    supply[hub as usize] = -(k * np as i64 - min_total) * unit;
    (Network::new(supply, &edges), edge_pair)
}

/// ε is divided by this much per refinement.
const ALPHA: i64 = 8;

fn simple_findings(instance: &Instance, scale: Scale) -> Option<Infeasible> {
    let k = instance.reviewers_per_proposal();
    let reviews = u64::from(k) * instance.num_proposals() as u64;
    let max = i32::MAX as u64 / u64::from(scale.unit);
    if reviews > max {
        return Some(Infeasible {
            findings: vec![Finding::TooManyReviewsForCap { reviews, max }],
        });
    }
    let needed = (u64::from(k) * u64::from(scale.unit)).div_ceil(u64::from(scale.pair_cap));
    let needed = u32::try_from(needed).unwrap_or(u32::MAX);
    let mut findings = Vec::new();
    for p in 0..instance.num_proposals() as u32 {
        let admissible = instance.cand_range(p).len() as u32;
        if admissible < needed {
            findings.push(Finding::TooFewCandidates {
                proposal: instance.proposal_id(p).to_owned(),
                admissible,
                conflicted: instance.conflicted_candidates(p),
                needed,
            });
        }
    }
    let (mut min_total, mut max_total) = (0u64, 0u64);
    for r in 0..instance.num_reviewers() as u32 {
        min_total += u64::from(instance.min_load(r));
        max_total += u64::from(instance.max_load(r));
    }
    if max_total < reviews {
        findings.push(Finding::CapacityShort {
            reviews_needed: reviews,
            max_load_total: max_total,
        });
    }
    if min_total > reviews {
        findings.push(Finding::MinLoadsTooHigh {
            min_load_total: min_total,
            reviews_available: reviews,
        });
    }
    (!findings.is_empty()).then_some(Infeasible { findings })
}

/// The finding read off a minimum cut of the feasibility check: `reachable` is the
/// super source's side.
fn cut_finding(instance: &Instance, scale: Scale, reachable: &[bool]) -> Infeasible {
    let np = instance.num_proposals();
    let nr = instance.num_reviewers();
    let k = u64::from(instance.reviewers_per_proposal());
    let unit = u64::from(scale.unit);
    let cap = u64::from(scale.pair_cap);
    let hub_reached = reachable[np + nr];
    let in_x = |p: usize| reachable[p];
    let in_a = |r: usize| reachable[np + r];
    // Pair arcs from reached proposals to unreached reviewers (all saturated).
    let mut crossing = 0u64;
    for p in (0..np).filter(|&p| in_x(p)) {
        crossing += instance
            .candidates(p as u32)
            .filter(|&(r, _)| !in_a(r as usize))
            .count() as u64;
    }
    let x_count = (0..np).filter(|&p| in_x(p)).count() as u64;
    let finding = if hub_reached {
        let reviewers: Vec<u32> = (0..nr as u32)
            .filter(|&r| !in_a(r as usize) && instance.min_load(r) > 0)
            .collect();
        let min_load_total: u64 = reviewers
            .iter()
            .map(|&r| u64::from(instance.min_load(r)))
            .sum();
        let possible = (k * unit * (np as u64 - x_count) + cap * crossing) / unit;
        Finding::ReviewersShort {
            reviewers: reviewers
                .iter()
                .map(|&r| instance.reviewer_id(r).to_owned())
                .collect(),
            min_load_total,
            reviews_possible: possible.min(min_load_total.saturating_sub(1)),
        }
    } else {
        let at_max: Vec<u32> = (0..nr as u32).filter(|&r| in_a(r as usize)).collect();
        let max_total: u64 = at_max
            .iter()
            .map(|&r| u64::from(instance.max_load(r)))
            .sum();
        let needed = k * x_count;
        let possible = (max_total * unit + cap * crossing) / unit;
        Finding::ProposalsShort {
            proposals: (0..np as u32)
                .filter(|&p| in_x(p as usize))
                .map(|p| instance.proposal_id(p).to_owned())
                .collect(),
            reviews_needed: needed,
            reviews_possible: possible.min(needed.saturating_sub(1)),
            reviewers_at_max: at_max
                .iter()
                .map(|&r| instance.reviewer_id(r).to_owned())
                .collect(),
        }
    };
    Infeasible {
        findings: vec![finding],
    }
}
