//! Minimum-cost flow with node supplies on a compressed residual graph: a feasibility
//! check by maximum flow (Dinic) from a super source to a super sink, then Goldberg's
//! cost-scaling push–relabel (successive ε-refinements, FIFO active nodes).
//!
//! Costs are integers; they are multiplied by `n + 1` so that an ε-optimal flow with
//! ε = 1 is optimal for the original costs (Goldberg & Tarjan).

use std::collections::VecDeque;

/// One arc of the input: `tail → head`, capacity, cost per unit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    pub tail: u32,
    pub head: u32,
    pub cap: i32,
    pub cost: i32,
}

/// The residual graph. Nodes `0..n` are the problem's; `n` is the super source and
/// `n + 1` the super sink used only by the feasibility check.
pub(crate) struct Network {
    n: usize,
    first: Vec<u32>,
    head: Vec<u32>,
    rev: Vec<u32>,
    cost: Vec<i64>,
    res: Vec<i32>,
    /// Forward arc of input edge `i`.
    arc_of_edge: Vec<u32>,
    cap_of_edge: Vec<i32>,
    /// Arcs out of the super source and into the super sink (both directions), cleared
    /// before the cost phase.
    terminal_arcs: Vec<u32>,
    supply: Vec<i64>,
}

/// What the feasibility check found: the largest flow and, when it falls short of the
/// total supply, which nodes the super source still reaches in the residual graph (one
/// side of a minimum cut).
pub(crate) struct MaxFlow {
    pub value: i64,
    pub required: i64,
    pub reachable: Vec<bool>,
}

impl Network {
    /// `edges` in any order; `supply[v] > 0` for sources, `< 0` for demands, summing to 0.
    pub(crate) fn new(supply: Vec<i64>, edges: &[Edge]) -> Network {
        let n = supply.len();
        let s = n as u32;
        let t = n as u32 + 1;
        let extra = supply.iter().filter(|&&b| b != 0).count();
        let m = edges.len() + extra;
        let mut degree = vec![0u32; n + 3];
        for e in edges {
            degree[e.tail as usize + 1] += 1;
            degree[e.head as usize + 1] += 1;
        }
        for (v, &b) in supply.iter().enumerate() {
            if b != 0 {
                degree[v + 1] += 1;
                degree[if b > 0 { s } else { t } as usize + 1] += 1;
            }
        }
        for v in 0..n + 2 {
            degree[v + 1] += degree[v];
        }
        let first = degree;
        let mut fill: Vec<u32> = first[..n + 2].to_vec();
        let mut head = vec![0u32; 2 * m];
        let mut rev = vec![0u32; 2 * m];
        let mut cost = vec![0i64; 2 * m];
        let mut res = vec![0i32; 2 * m];
        let mut arc_of_edge = Vec::with_capacity(edges.len());
        let mut add = |u: u32, v: u32, cap: i32, c: i64| -> u32 {
            let a = fill[u as usize];
            fill[u as usize] += 1;
            let b = fill[v as usize];
            fill[v as usize] += 1;
            head[a as usize] = v;
            head[b as usize] = u;
            rev[a as usize] = b;
            rev[b as usize] = a;
            cost[a as usize] = c;
            cost[b as usize] = -c;
            res[a as usize] = cap;
            a
        };
        for e in edges {
            arc_of_edge.push(add(e.tail, e.head, e.cap, i64::from(e.cost)));
        }
        let mut terminal_arcs = Vec::with_capacity(2 * extra);
        for (v, &b) in supply.iter().enumerate() {
            if b > 0 {
                terminal_arcs.push(add(s, v as u32, b as i32, 0));
            } else if b < 0 {
                terminal_arcs.push(add(v as u32, t, (-b) as i32, 0));
            }
        }
        Network {
            n,
            first,
            head,
            rev,
            cost,
            res,
            arc_of_edge,
            cap_of_edge: edges.iter().map(|e| e.cap).collect(),
            terminal_arcs,
            supply,
        }
    }

    /// Flow on input edge `i` (after [`Network::min_cost`]).
    pub(crate) fn flow(&self, i: usize) -> i32 {
        self.cap_of_edge[i] - self.res[self.arc_of_edge[i] as usize]
    }

    #[inline]
    fn arcs(&self, u: usize) -> std::ops::Range<usize> {
        self.first[u] as usize..self.first[u + 1] as usize
    }

    #[inline]
    fn push(&mut self, a: usize, delta: i32) {
        self.res[a] -= delta;
        let r = self.rev[a] as usize;
        self.res[r] += delta;
    }

    /// Dinic's maximum flow from the super source to the super sink. Leaves the flow in
    /// place: when it saturates every supply, it is a feasible flow of the problem.
    pub(crate) fn max_flow(&mut self) -> MaxFlow {
        let (s, t) = (self.n, self.n + 1);
        let total = self.n + 2;
        let required: i64 = self.supply.iter().filter(|&&b| b > 0).sum();
        let mut value = 0i64;
        let mut level = vec![u32::MAX; total];
        let mut current = vec![0u32; total];
        let mut queue = VecDeque::with_capacity(total);
        let mut path: Vec<u32> = Vec::new();
        loop {
            level.fill(u32::MAX);
            level[s] = 0;
            queue.clear();
            queue.push_back(s as u32);
            while let Some(u) = queue.pop_front() {
                let u = u as usize;
                for a in self.arcs(u) {
                    let v = self.head[a] as usize;
                    if self.res[a] > 0 && level[v] == u32::MAX {
                        level[v] = level[u] + 1;
                        queue.push_back(v as u32);
                    }
                }
            }
            if level[t] == u32::MAX {
                break;
            }
            for v in 0..total {
                current[v] = self.first[v];
            }
            // Depth-first blocking flow, iterative: `path` holds the arcs from s.
            path.clear();
            let mut u = s;
            loop {
                if u == t {
                    let delta = path
                        .iter()
                        .map(|&a| self.res[a as usize])
                        .min()
                        .unwrap_or(0);
                    for &a in &path {
                        self.push(a as usize, delta);
                    }
                    value += i64::from(delta);
                    // Back up to the tail of the first saturated arc.
                    let cut = path
                        .iter()
                        .position(|&a| self.res[a as usize] == 0)
                        .unwrap_or(0);
                    u = if cut == 0 {
                        s
                    } else {
                        self.head[path[cut - 1] as usize] as usize
                    };
                    path.truncate(cut);
                    continue;
                }
                let end = self.first[u + 1];
                let mut a = current[u];
                while a < end {
                    let v = self.head[a as usize] as usize;
                    if self.res[a as usize] > 0 && level[v] == level[u] + 1 {
                        break;
                    }
                    a += 1;
                }
                current[u] = a;
                if a < end {
                    path.push(a);
                    u = self.head[a as usize] as usize;
                } else {
                    // Dead end: retreat.
                    level[u] = u32::MAX;
                    match path.pop() {
                        Some(back) => {
                            let r = self.rev[back as usize] as usize;
                            u = self.head[r] as usize;
                            current[u] += 1;
                        }
                        None => break,
                    }
                }
            }
        }
        let mut reachable = vec![false; total];
        reachable[s] = true;
        queue.clear();
        queue.push_back(s as u32);
        while let Some(u) = queue.pop_front() {
            for a in self.arcs(u as usize) {
                let v = self.head[a] as usize;
                if self.res[a] > 0 && !reachable[v] {
                    reachable[v] = true;
                    queue.push_back(v as u32);
                }
            }
        }
        MaxFlow {
            value,
            required,
            reachable,
        }
    }

    /// From the feasible flow left by a successful [`Network::max_flow`], a flow of the
    /// same supplies and minimum cost.
    pub(crate) fn min_cost(&mut self, alpha: i64) {
        for &a in &self.terminal_arcs {
            let a = a as usize;
            self.res[a] = 0;
            let r = self.rev[a] as usize;
            self.res[r] = 0;
        }
        let n = self.n;
        let scale = n as i64 + 1;
        let mut max_cost = 0;
        for c in &mut self.cost {
            *c *= scale;
            max_cost = max_cost.max(c.abs());
        }
        let mut price = vec![0i64; n];
        let mut excess = vec![0i64; n];
        let mut current = vec![0u32; n];
        let mut queue: VecDeque<u32> = VecDeque::with_capacity(n);
        let mut eps = max_cost;
        while eps > 1 {
            eps = (eps / alpha).max(1);
            // Saturate every residual arc of negative reduced cost: the flow becomes
            // 0-optimal and the excesses follow.
            for u in 0..n {
                let pu = price[u];
                for a in self.arcs(u) {
                    let r = self.res[a];
                    if r > 0 {
                        let v = self.head[a] as usize;
                        if v < n && self.cost[a] + pu - price[v] < 0 {
                            self.push(a, r);
                            excess[u] -= i64::from(r);
                            excess[v] += i64::from(r);
                        }
                    }
                }
            }
            queue.clear();
            for u in 0..n {
                current[u] = self.first[u];
                if excess[u] > 0 {
                    queue.push_back(u as u32);
                }
            }
            while let Some(u) = queue.pop_front() {
                let u = u as usize;
                while excess[u] > 0 {
                    let end = self.first[u + 1] as usize;
                    let mut a = current[u] as usize;
                    let pu = price[u];
                    while a < end {
                        if self.res[a] > 0 {
                            let v = self.head[a] as usize;
                            if self.cost[a] + pu - price[v] < 0 {
                                let delta = excess[u].min(i64::from(self.res[a]));
                                self.push(a, delta as i32);
                                excess[u] -= delta;
                                let before = excess[v];
                                excess[v] += delta;
                                if before <= 0 && excess[v] > 0 {
                                    queue.push_back(v as u32);
                                }
                                if excess[u] == 0 {
                                    break;
                                }
                            }
                        }
                        a += 1;
                    }
                    current[u] = a as u32;
                    if excess[u] > 0 {
                        // Relabel: the largest price that makes some residual arc's
                        // reduced cost -eps.
                        let mut best = i64::MIN;
                        for a in self.arcs(u) {
                            if self.res[a] > 0 {
                                let v = self.head[a] as usize;
                                best = best.max(price[v] - self.cost[a]);
                            }
                        }
                        debug_assert!(best > i64::MIN, "feasibility was checked");
                        price[u] = best - eps;
                        current[u] = self.first[u];
                    }
                }
            }
        }
    }
}
