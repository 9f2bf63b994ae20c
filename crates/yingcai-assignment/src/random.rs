//! The randomised assignment: the best fractional assignment with every
//! reviewer–proposal probability capped, then bipartite dependent rounding (Gandhi et
//! al. 2006, as in Jecmen et al. 2020) to an assignment whose marginals are exactly the
//! fractional ones, from a seeded ChaCha20 stream.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::assign::{Assignment, Infeasible, Scale, solve};
use crate::instance::Instance;

/// A probability cap in thousandths: `0.001 ..= 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probability {
    num: u32,
    den: u32,
}

impl Probability {
    /// `q` rounded to the nearest thousandth; `None` unless that is in `0.001 ..= 1`.
    pub fn new(q: f64) -> Option<Probability> {
        if !q.is_finite() {
            return None;
        }
        let thousandths = (q * 1000.0).round();
        if !(1.0..=1000.0).contains(&thousandths) {
            return None;
        }
        let num = thousandths as u32;
        let g = gcd(num, 1000);
        Some(Probability {
            num: num / g,
            den: 1000 / g,
        })
    }

    /// The cap as a number.
    pub fn value(self) -> f64 {
        f64::from(self.num) / f64::from(self.den)
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A sampled assignment with the marginals it was drawn from.
#[derive(Debug, Clone)]
pub struct Randomized {
    /// The sampled assignment: it satisfies every constraint.
    pub assignment: Assignment,
    unit: u32,
    /// `(proposal, reviewer, probability × unit)` for every pair with a positive
    /// probability.
    marginals: Vec<(u32, u32, u32)>,
    expected: u64,
}

impl Randomized {
    /// `(proposal, reviewer, probability)` of every pair that may be drawn; no
    /// probability exceeds the cap.
    pub fn marginals(&self) -> impl Iterator<Item = (u32, u32, f64)> + '_ {
        let unit = f64::from(self.unit);
        self.marginals
            .iter()
            .map(move |&(p, r, x)| (p, r, f64::from(x) / unit))
    }

    /// The expected total affinity: the optimum of the capped fractional problem.
    pub fn expected_affinity(&self) -> f64 {
        self.expected as f64 / f64::from(self.unit)
    }
}

/// A random assignment in which no reviewer–proposal pair has probability above
/// `cap`, with the largest expected total affinity under that cap; the same `seed`
/// gives the same assignment.
///
/// # Errors
/// [`Infeasible`] when even the fractional problem has no solution under the cap (for
/// instance a proposal with fewer than `⌈k / cap⌉` admissible candidates).
pub fn assign_randomized(
    instance: &Instance,
    cap: Probability,
    seed: u64,
) -> Result<Randomized, Infeasible> {
    let scale = Scale {
        unit: cap.den,
        pair_cap: cap.num,
    };
    let (network, edge_pair) = solve(instance, scale, None)?;
    let unit = cap.den;
    let np = instance.num_proposals();
    let mut edges: Vec<(u32, u32)> = Vec::new();
    let mut value: Vec<u32> = Vec::new();
    let mut marginals = Vec::new();
    let mut expected = 0u64;
    for (i, &(p, r)) in edge_pair.iter().enumerate() {
        let x = network.flow(i) as u32;
        if x > 0 {
            marginals.push((p, r, x));
            expected += u64::from(x) * u64::from(instance.affinity(p, r).unwrap_or(0));
            edges.push((p, np as u32 + r));
            value.push(x);
        }
    }
    drop(network);
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    round(
        np + instance.num_reviewers(),
        &edges,
        &mut value,
        unit,
        &mut rng,
    );
    let pairs = edges
        .iter()
        .zip(&value)
        .filter(|&(_, &v)| v == unit)
        .map(|(&(p, r), _)| (p, r - np as u32))
        .collect();
    Ok(Randomized {
        assignment: Assignment::from_index_pairs(pairs),
        unit,
        marginals,
        expected,
    })
}

/// Dependent rounding of `value` (each in `0..=unit`) on a bipartite graph: every value
/// ends at 0 or `unit`, each with its expected value unchanged, and every node's sum
/// ends at the floor or ceiling of its fractional sum.
fn round(n: usize, edges: &[(u32, u32)], value: &mut [u32], unit: u32, rng: &mut ChaCha20Rng) {
    let fractional = |v: u32| v > 0 && v < unit;
    // Incidence lists.
    let mut start = vec![0u32; n + 1];
    for &(a, b) in edges {
        start[a as usize + 1] += 1;
        start[b as usize + 1] += 1;
    }
    for v in 0..n {
        start[v + 1] += start[v];
    }
    let mut fill = start.clone();
    let mut incident = vec![0u32; 2 * edges.len()];
    for (e, &(a, b)) in edges.iter().enumerate() {
        incident[fill[a as usize] as usize] = e as u32;
        fill[a as usize] += 1;
        incident[fill[b as usize] as usize] = e as u32;
        fill[b as usize] += 1;
    }
    drop(fill);
    // `next[v]`: incident edges before it are integral (they never become fractional).
    let mut next: Vec<u32> = start[..n].to_vec();
    let mut pos = vec![u32::MAX; n];
    let mut nodes: Vec<u32> = Vec::new();
    let mut walk: Vec<u32> = Vec::new();
    let other = |e: u32, v: u32| {
        let (a, b) = edges[e as usize];
        if a == v { b } else { a }
    };
    for root in 0..n as u32 {
        // Grow a walk from `root` until it closes a cycle or joins two dead ends.
        let mut from_dead_end = false;
        nodes.clear();
        walk.clear();
        loop {
            if nodes.is_empty() {
                // Skip integral edges at the root; stop when it has no fractional edge.
                let r = root as usize;
                while next[r] < start[r + 1]
                    && !fractional(value[incident[next[r] as usize] as usize])
                {
                    next[r] += 1;
                }
                if next[r] == start[r + 1] {
                    break;
                }
                pos[r] = 0;
                nodes.push(root);
                from_dead_end = false;
            }
            let v = *nodes.last().unwrap_or(&root) as usize;
            while next[v] < start[v + 1] && !fractional(value[incident[next[v] as usize] as usize])
            {
                next[v] += 1;
            }
            let came_by = walk.last().copied();
            let step = (next[v]..start[v + 1])
                .map(|i| incident[i as usize])
                .find(|&e| Some(e) != came_by && fractional(value[e as usize]));
            let Some(e) = step else {
                if !from_dead_end {
                    // Start again from this dead end, so that a path is maximal.
                    for &u in &nodes {
                        pos[u as usize] = u32::MAX;
                    }
                    nodes.clear();
                    walk.clear();
                    pos[v] = 0;
                    nodes.push(v as u32);
                    from_dead_end = true;
                    continue;
                }
                // A path between two dead ends.
                shift(&walk, value, unit, rng);
                for &u in &nodes {
                    pos[u as usize] = u32::MAX;
                }
                nodes.clear();
                walk.clear();
                continue;
            };
            walk.push(e);
            let w = other(e, v as u32);
            let at = pos[w as usize];
            if at == u32::MAX {
                pos[w as usize] = nodes.len() as u32;
                nodes.push(w);
                continue;
            }
            // A cycle: the walk's edges from node `at` on.
            let at = at as usize;
            shift(&walk[at..], value, unit, rng);
            for &u in &nodes[at + 1..] {
                pos[u as usize] = u32::MAX;
            }
            nodes.truncate(at + 1);
            walk.truncate(at);
            // The prefix is untouched, so its edges are still fractional.
        }
    }
}

/// Moves the alternating path or even cycle `walk` (edges 0, 2, … up, 1, 3, … down, or
/// the reverse) until some edge is integral, choosing the direction so that every
/// value's expectation is unchanged.
fn shift(walk: &[u32], value: &mut [u32], unit: u32, rng: &mut ChaCha20Rng) {
    let (mut up, mut down) = (u32::MAX, u32::MAX);
    for (i, &e) in walk.iter().enumerate() {
        let v = value[e as usize];
        if i % 2 == 0 {
            up = up.min(unit - v);
            down = down.min(v);
        } else {
            up = up.min(v);
            down = down.min(unit - v);
        }
    }
    // Up by `up` with probability down / (up + down), else down by `down`.
    let go_up = rng.gen_range(0..u64::from(up) + u64::from(down)) < u64::from(down);
    for (i, &e) in walk.iter().enumerate() {
        let v = &mut value[e as usize];
        let plus = (i % 2 == 0) == go_up;
        if plus {
            *v += if go_up { up } else { down };
        } else {
            *v -= if go_up { up } else { down };
        }
    }
}
