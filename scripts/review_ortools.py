#!/usr/bin/env python3
"""Solves a reviewer-assignment instance (review-assignment.md) with OR-tools'
SimpleMinCostFlow, on the same network as yingcai-assignment (proposals -> reviewers ->
a hub; minimum loads as reviewer demands), to compare optimum and time.

    pip install ortools
    python3 scripts/review_ortools.py review_5000.json

Prints the optimum total affinity, the time to build the network and the solve time
(the solver alone, wall clock and CPU). Time the whole process with /usr/bin/time.
"""
import json
import sys
import time

from ortools.graph.python import min_cost_flow

t0 = time.perf_counter()
with open(sys.argv[1], "rb") as f:
    inst = json.load(f)
t_read = time.perf_counter() - t0

t0 = time.perf_counter()
k = inst["reviewers_per_proposal"]
gmin, gmax = inst.get("min_load", 0), inst["max_load"]
reviewers = list(inst["reviewers"])
rindex = {r: i for i, r in enumerate(reviewers)}
proposals = list(inst["proposals"])
np_, nr = len(proposals), len(reviewers)
hub = np_ + nr
tails, heads, caps, costs = [], [], [], []
for p, (pid, prop) in enumerate(inst["proposals"].items()):
    conflicts = set(prop.get("conflicts", []))
    for r, a in prop["candidates"].items():
        if r not in conflicts:
            tails.append(p); heads.append(np_ + rindex[r]); caps.append(1); costs.append(-a)
supplies = [k] * np_ + [0] * (nr + 1)
min_total = 0
for i, r in enumerate(reviewers):
    hi = inst["reviewers"][r].get("max_load", gmax)
    lo = min(gmin, hi)
    min_total += lo
    supplies[np_ + i] = -lo
    if hi > lo:
        tails.append(np_ + i); heads.append(hub); caps.append(hi - lo); costs.append(0)
supplies[hub] = -(k * np_ - min_total)
smcf = min_cost_flow.SimpleMinCostFlow()
smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
smcf.set_nodes_supplies(list(range(len(supplies))), supplies)
t_build = time.perf_counter() - t0

t0, c0 = time.perf_counter(), time.process_time()
status = smcf.solve()
t_solve, c_solve = time.perf_counter() - t0, time.process_time() - c0
if status != smcf.OPTIMAL:
    print("status", status)
    sys.exit(2)
print(f"total affinity {-smcf.optimal_cost()}  read {t_read:.3f}s  build {t_build:.3f}s  "
      f"solve {t_solve:.3f}s (cpu {c_solve:.3f}s)")
