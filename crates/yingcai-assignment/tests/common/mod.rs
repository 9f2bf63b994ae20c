//! Reference solvers for the tests, independent of the crate's: exhaustive enumeration
//! for tiny instances, and successive shortest paths (Bellman–Ford, one unit at a time)
//! with minimum loads as heavily rewarded arcs.

#![allow(dead_code, reason = "each test file uses part of this module")]

use yingcai_assignment::Instance;

/// The instance as plain vectors.
pub struct Plain {
    pub k: usize,
    pub lo: Vec<u32>,
    pub hi: Vec<u32>,
    /// Per proposal: admissible (reviewer, affinity).
    pub adm: Vec<Vec<(usize, u64)>>,
}

pub fn plain(instance: &Instance) -> Plain {
    let nr = instance.num_reviewers();
    Plain {
        k: instance.reviewers_per_proposal() as usize,
        lo: (0..nr as u32).map(|r| instance.min_load(r)).collect(),
        hi: (0..nr as u32).map(|r| instance.max_load(r)).collect(),
        adm: (0..instance.num_proposals() as u32)
            .map(|p| {
                instance
                    .candidates(p)
                    .map(|(r, a)| (r as usize, u64::from(a)))
                    .collect()
            })
            .collect(),
    }
}

/// The optimum by enumerating every k-subset of every proposal's candidates.
pub fn brute_force(inst: &Plain) -> Option<u64> {
    fn go(inst: &Plain, p: usize, load: &mut Vec<u32>, acc: u64, best: &mut Option<u64>) {
        if p == inst.adm.len() {
            if load.iter().zip(&inst.lo).all(|(l, lo)| l >= lo) {
                *best = Some(best.map_or(acc, |b| b.max(acc)));
            }
            return;
        }
        let cands = &inst.adm[p];
        let mut chosen = Vec::new();
        subsets(inst, p, cands, 0, &mut chosen, load, acc, best);
    }
    #[allow(clippy::too_many_arguments)]
    fn subsets(
        inst: &Plain,
        p: usize,
        cands: &[(usize, u64)],
        from: usize,
        chosen: &mut Vec<usize>,
        load: &mut Vec<u32>,
        acc: u64,
        best: &mut Option<u64>,
    ) {
        if chosen.len() == inst.k {
            go(inst, p + 1, load, acc, best);
            return;
        }
        for i in from..cands.len() {
            let (r, a) = cands[i];
            if load[r] < inst.hi[r] {
                load[r] += 1;
                chosen.push(r);
                subsets(inst, p, cands, i + 1, chosen, load, acc + a, best);
                chosen.pop();
                load[r] -= 1;
            }
        }
    }
    let mut best = None;
    go(inst, 0, &mut vec![0; inst.lo.len()], 0, &mut best);
    best
}

/// Arcs of the reference network; arc `i ^ 1` is the reverse of arc `i`.
#[derive(Default)]
struct Graph {
    to: Vec<usize>,
    cap: Vec<i64>,
    cost: Vec<i64>,
    out: Vec<Vec<usize>>,
}

impl Graph {
    fn add(&mut self, u: usize, v: usize, cap: i64, cost: i64) -> usize {
        let a = self.to.len();
        self.out[u].push(a);
        self.to.push(v);
        self.cap.push(cap);
        self.cost.push(cost);
        self.out[v].push(a + 1);
        self.to.push(u);
        self.cap.push(0);
        self.cost.push(-cost);
        a
    }
}

/// The optimum by successive shortest paths: source → proposal (k), proposal →
/// reviewer (1, −affinity), reviewer → sink twice: `min_load` units at cost −BIG and the
/// rest at cost 0. Feasible exactly when the cheapest flow of value k × proposals fills
/// every −BIG arc.
pub fn successive_shortest_paths(inst: &Plain) -> Option<u64> {
    let np = inst.adm.len();
    let nr = inst.lo.len();
    let (s, t) = (np + nr, np + nr + 1);
    let n = np + nr + 2;
    let need = (inst.k * np) as i64;
    let big = 100 * need + 1;
    let mut g = Graph {
        out: vec![Vec::new(); n],
        ..Graph::default()
    };
    for (p, cands) in inst.adm.iter().enumerate() {
        g.add(s, p, inst.k as i64, 0);
        for &(r, a) in cands {
            g.add(p, np + r, 1, -(a as i64));
        }
    }
    let mut lo_total = 0;
    let mut lo_arcs = Vec::new();
    for r in 0..nr {
        let lo = i64::from(inst.lo[r]);
        lo_total += lo;
        lo_arcs.push(g.add(np + r, t, lo, -big));
        g.add(np + r, t, i64::from(inst.hi[r]) - lo, 0);
    }
    let mut flow = 0;
    let mut total = 0i64;
    while flow < need {
        // Bellman–Ford from s.
        let mut dist = vec![i64::MAX; n];
        let mut via = vec![usize::MAX; n];
        dist[s] = 0;
        for _ in 0..n {
            let mut changed = false;
            for u in 0..n {
                if dist[u] == i64::MAX {
                    continue;
                }
                for &a in &g.out[u] {
                    let v = g.to[a];
                    if g.cap[a] > 0 && dist[u] + g.cost[a] < dist[v] {
                        dist[v] = dist[u] + g.cost[a];
                        via[v] = a;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        if dist[t] == i64::MAX {
            return None;
        }
        let mut v = t;
        while v != s {
            let a = via[v];
            g.cap[a] -= 1;
            g.cap[a ^ 1] += 1;
            v = g.to[a ^ 1];
        }
        flow += 1;
        total += dist[t];
    }
    if lo_arcs.iter().any(|&a| g.cap[a] > 0) {
        return None;
    }
    Some((-(total + big * lo_total)) as u64)
}
