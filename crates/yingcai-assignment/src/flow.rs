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
    arc: Vec<Arc>,
    rev: Vec<u32>,
    /// Forward arc of input edge `i`.
    arc_of_edge: Vec<u32>,
    cap_of_edge: Vec<i32>,
    /// Arcs out of the super source and into the super sink (both directions), cleared
    /// before the cost phase.
    terminal_arcs: Vec<u32>,
    supply: Vec<i64>,
}

/// An arc of the residual graph, with what a scan needs in one place: the residual
/// capacity of its reverse is kept beside its own so that the global price update
/// reads arcs in order.
#[derive(Debug, Clone, Copy, Default)]
struct Arc {
    head: u32,
    res: i32,
    /// The residual capacity of the reverse arc.
    rres: i32,
    cost: i32,
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
        let mut arc = vec![Arc::default(); 2 * m];
        let mut rev = vec![0u32; 2 * m];
        let mut arc_of_edge = Vec::with_capacity(edges.len());
        let mut add = |u: u32, v: u32, cap: i32, c: i32| -> u32 {
            let a = fill[u as usize];
            fill[u as usize] += 1;
            let b = fill[v as usize];
            fill[v as usize] += 1;
            arc[a as usize] = Arc {
                head: v,
                res: cap,
                rres: 0,
                cost: c,
            };
            arc[b as usize] = Arc {
                head: u,
                res: 0,
                rres: cap,
                cost: -c,
            };
            rev[a as usize] = b;
            rev[b as usize] = a;
            a
        };
        for e in edges {
            arc_of_edge.push(add(e.tail, e.head, e.cap, e.cost));
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
            arc,
            rev,
            arc_of_edge,
            cap_of_edge: edges.iter().map(|e| e.cap).collect(),
            terminal_arcs,
            supply,
        }
    }

    /// Flow on input edge `i` (after [`Network::min_cost`]).
    pub(crate) fn flow(&self, i: usize) -> i32 {
        self.cap_of_edge[i] - self.arc[self.arc_of_edge[i] as usize].res
    }

    #[inline]
    fn arcs(&self, u: usize) -> std::ops::Range<usize> {
        self.first[u] as usize..self.first[u + 1] as usize
    }

    #[inline]
    fn push(&mut self, a: usize, delta: i32) {
        self.arc[a].res -= delta;
        self.arc[a].rres += delta;
        let r = self.rev[a] as usize;
        self.arc[r].res += delta;
        self.arc[r].rres -= delta;
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
                    let v = self.arc[a].head as usize;
                    if self.arc[a].res > 0 && level[v] == u32::MAX {
                        level[v] = level[u] + 1;
                        queue.push_back(v as u32);
                    }
                }
            }
            if level[t] == u32::MAX {
                break;
            }
            current.copy_from_slice(&self.first[..total]);
            // Depth-first blocking flow, iterative: `path` holds the arcs from s.
            path.clear();
            let mut u = s;
            loop {
                if u == t {
                    let delta = path
                        .iter()
                        .map(|&a| self.arc[a as usize].res)
                        .min()
                        .unwrap_or(0);
                    for &a in &path {
                        self.push(a as usize, delta);
                    }
                    value += i64::from(delta);
                    // Back up to the tail of the first saturated arc.
                    let cut = path
                        .iter()
                        .position(|&a| self.arc[a as usize].res == 0)
                        .unwrap_or(0);
                    u = if cut == 0 {
                        s
                    } else {
                        self.arc[path[cut - 1] as usize].head as usize
                    };
                    path.truncate(cut);
                    continue;
                }
                let end = self.first[u + 1];
                let mut a = current[u];
                while a < end {
                    let v = self.arc[a as usize].head as usize;
                    if self.arc[a as usize].res > 0 && level[v] == level[u] + 1 {
                        break;
                    }
                    a += 1;
                }
                current[u] = a;
                if a < end {
                    path.push(a);
                    u = self.arc[a as usize].head as usize;
                } else {
                    // Dead end: retreat.
                    level[u] = u32::MAX;
                    match path.pop() {
                        Some(back) => {
                            let r = self.rev[back as usize] as usize;
                            u = self.arc[r].head as usize;
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
                let v = self.arc[a].head as usize;
                if self.arc[a].res > 0 && !reachable[v] {
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
    ///
    pub(crate) fn min_cost(&mut self, alpha: i64) {
        for &a in &self.terminal_arcs {
            let a = a as usize;
            let r = self.rev[a] as usize;
            for b in [a, r] {
                self.arc[b].res = 0;
                self.arc[b].rres = 0;
            }
        }
        let n = self.n;
        let scale = n as i64 + 1;
        let mut max_cost = 0i64;
        for arc in &mut self.arc {
            let c = i64::from(arc.cost) * scale;
            debug_assert!(
                i32::try_from(c).is_ok(),
                "instance size is checked at parse"
            );
            arc.cost = c as i32;
            max_cost = max_cost.max(c.abs());
        }
        let mut s = State {
            price: vec![0i64; n],
            excess: vec![0i64; n],
            current: vec![0u32; n],
            queue: VecDeque::with_capacity(n),
            rank: vec![0u32; n],
            buckets: Vec::new(),
        };
        let mut eps = max_cost;
        while eps > 1 {
            eps = (eps / alpha).max(1);
            self.refine(&mut s, eps);
        }
    }

    /// One ε-refinement: from a flow that is αε-optimal, a flow that is ε-optimal.
    fn refine(&mut self, s: &mut State, eps: i64) {
        let n = self.n;
        // Saturate every residual arc of negative reduced cost: the pseudo-flow becomes
        // 0-optimal and the excesses follow.
        for u in 0..n {
            let pu = s.price[u];
            for a in self.arcs(u) {
                let r = self.arc[a].res;
                if r > 0 {
                    let v = self.arc[a].head as usize;
                    if v < n && i64::from(self.arc[a].cost) + pu - s.price[v] < 0 {
                        self.push(a, r);
                        s.excess[u] -= i64::from(r);
                        s.excess[v] += i64::from(r);
                    }
                }
            }
        }
        if !self.global_update(s, eps) {
            return;
        }
        s.queue.clear();
        for u in 0..n {
            if s.excess[u] > 0 {
                s.queue.push_back(u as u32);
            }
        }
        let update_every = n as u64 + 1;
        let mut relabels = 0u64;
        while let Some(u) = s.queue.pop_front() {
            let u = u as usize;
            while s.excess[u] > 0 {
                let end = self.first[u + 1] as usize;
                let mut a = s.current[u] as usize;
                while a < end {
                    if self.arc[a].res > 0 {
                        let v = self.arc[a].head as usize;
                        if i64::from(self.arc[a].cost) + s.price[u] - s.price[v] < 0 {
                            // Look ahead: never push into a node that has no excess
                            // to pass on and no admissible arc; relabel it instead.
                            if s.excess[v] >= 0
                                && !self.has_admissible(s, v)
                                && self.relabel(s, v, eps)
                            {
                                relabels += 1;
                                if i64::from(self.arc[a].cost) + s.price[u] - s.price[v] >= 0 {
                                    a += 1;
                                    continue;
                                }
                            }
                            let delta = s.excess[u].min(i64::from(self.arc[a].res));
                            self.push(a, delta as i32);
                            s.excess[u] -= delta;
                            let before = s.excess[v];
                            s.excess[v] += delta;
                            if before <= 0 && s.excess[v] > 0 {
                                s.queue.push_back(v as u32);
                            }
                            if s.excess[u] == 0 {
                                break;
                            }
                        }
                    }
                    a += 1;
                }
                s.current[u] = a as u32;
                if s.excess[u] > 0 {
                    // An excess came in by an arc whose reverse is residual.
                    let relabelled = self.relabel(s, u, eps);
                    debug_assert!(relabelled, "a node with excess has a residual arc");
                    relabels += 1;
                    // The queue keeps its nodes; their current arcs are reset.
                    if relabels.is_multiple_of(update_every) && !self.global_update(s, eps) {
                        return;
                    }
                }
            }
        }
    }

    /// Whether `v` has an admissible arc from its current arc on; moves the current
    /// arc to it.
    #[inline]
    fn has_admissible(&self, s: &mut State, v: usize) -> bool {
        let end = self.first[v + 1] as usize;
        let pv = s.price[v];
        let mut a = s.current[v] as usize;
        while a < end {
            let arc = self.arc[a];
            if arc.res > 0 && i64::from(arc.cost) + pv - s.price[arc.head as usize] < 0 {
                s.current[v] = a as u32;
                return true;
            }
            a += 1;
        }
        s.current[v] = a as u32;
        false
    }

    /// The largest price lowering that makes some residual arc's reduced cost -ε.
    /// Returns false (and changes nothing) if `u` has no residual arc.
    fn relabel(&self, s: &mut State, u: usize, eps: i64) -> bool {
        let mut best = i64::MIN;
        for a in self.arcs(u) {
            let arc = self.arc[a];
            if arc.res > 0 {
                best = best.max(s.price[arc.head as usize] - i64::from(arc.cost));
            }
        }
        if best == i64::MIN {
            return false;
        }
        s.price[u] = best - eps;
        s.current[u] = self.first[u];
        true
    }

    /// Goldberg's global price update: lowers every price by ε times the node's
    /// distance to a deficit in the residual graph (arc length ⌊reduced cost / ε⌋ + 1),
    /// which keeps ε-optimality and gives every excess an admissible path to a deficit.
    /// Returns whether any node has an excess.
    fn global_update(&mut self, s: &mut State, eps: i64) -> bool {
        let n = self.n;
        let mut remaining: i64 = s.excess.iter().filter(|&&e| e > 0).sum();
        if remaining == 0 {
            return false;
        }
        let limit = n; // ranks above this are treated as unreached (still valid).
        if s.buckets.len() < limit + 1 {
            s.buckets.resize_with(limit + 1, Vec::new);
        }
        s.rank.fill(u32::MAX);
        for v in 0..n {
            if s.excess[v] < 0 {
                s.rank[v] = 0;
                s.buckets[0].push(v as u32);
            }
        }
        let mut r = 0usize;
        'outer: while r <= limit {
            while let Some(u) = s.buckets[r].pop() {
                let u = u as usize;
                if s.rank[u] as usize != r {
                    continue;
                }
                if s.excess[u] > 0 {
                    remaining -= s.excess[u];
                    if remaining <= 0 {
                        break 'outer;
                    }
                }
                let pu = s.price[u];
                for a in self.arcs(u) {
                    let arc = self.arc[a];
                    if arc.rres == 0 {
                        continue;
                    }
                    // The reverse arc v -> u is residual; its cost is -arc.cost.
                    let v = arc.head as usize;
                    let rc = s.price[v] - pu - i64::from(arc.cost);
                    let nr = r as i64 + rc.div_euclid(eps) + 1;
                    if nr < i64::from(s.rank[v]) && nr <= limit as i64 {
                        s.rank[v] = nr as u32;
                        s.buckets[nr as usize].push(v as u32);
                    }
                }
            }
            r += 1;
        }
        for b in &mut s.buckets {
            b.clear();
        }
        let r = r.min(limit) as i64;
        for v in 0..n {
            let k = i64::from(s.rank[v]).min(r);
            if k > 0 {
                s.price[v] -= eps * k;
            }
            s.current[v] = self.first[v];
        }
        true
    }
}

/// Working arrays of the cost phase.
struct State {
    price: Vec<i64>,
    excess: Vec<i64>,
    current: Vec<u32>,
    queue: VecDeque<u32>,
    rank: Vec<u32>,
    buckets: Vec<Vec<u32>>,
}
