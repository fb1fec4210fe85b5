"""Exact reviewer assignment: `innohub.matching.assignment` against exact baselines, in one run.

Instances (issue 4), affinities uniform in [0, 1), 1% of the pairs conflicted, fixed seed:
(a) 2,000 items × 400 reviewers, 3 per item, capacity 18;
(b) 10,000 items × 1,500 reviewers, 3 per item, capacity 25.

Every solver runs in a child process of its own that builds the instance and runs only that solver,
so its seconds (the solve call alone, model building included) and its memory are its own. Memory
is that process's peak resident set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), which
includes the instance itself (``instance_rss_mb`` is the peak before the solver started). The
engine is timed through ``solve_assignment``, the call ``assign`` wraps, because it also reports
its rounds and sparse-graph size.

Baselines, both exact: on (a) ``scipy.optimize.milp`` (HiGHS) with one binary variable per
non-conflicted pair; on (b) OR-Tools' min-cost flow on the full graph (all ~14.85M eligible pairs,
no pruning, no pricing; costs ``rint((1 − a) · 2^34)``, so its own rounding gap is ≤ 30,000 / 2^34).
HiGHS is not run on (b): the JSON says why, with the figures measured on (a).

    python benchmarks/assignment.py [--only a|b] [--seed 7] [--no-baseline] [--baseline-timeout 900]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

INSTANCES = {
    "a": {"items": 2000, "reviewers": 400, "per_item": 3, "capacity": 18},
    "b": {"items": 10000, "reviewers": 1500, "per_item": 3, "capacity": 25},
}
CONFLICT_SHARE = 0.01
TARGET_SECONDS_B = 10.0
TARGET_MEMORY_MB_B = 4096.0
TARGET_REL_DIFF = 1e-6
FULL_FLOW_SCALE = 2.0**34


def make_instance(name: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    spec = INSTANCES[name]
    rng = np.random.default_rng([seed, ord(name)])
    affinity = rng.random((spec["items"], spec["reviewers"]))
    conflicts = np.empty(affinity.shape, np.bool_)
    for start in range(0, len(conflicts), 1000):  # in slices, so that the peak RSS is the solver's
        block = conflicts[start : start + 1000]
        block[:] = rng.random(block.shape) < CONFLICT_SHARE
    return affinity, conflicts


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def _check(pairs: np.ndarray, conflicts: np.ndarray, spec: dict[str, int]) -> bool:
    n, m = conflicts.shape
    return bool(
        pairs.shape == (n * spec["per_item"], 2)
        and (np.bincount(pairs[:, 0], minlength=n) == spec["per_item"]).all()
        and (np.bincount(pairs[:, 1], minlength=m) <= spec["capacity"]).all()
        and not conflicts[pairs[:, 0], pairs[:, 1]].any()
        and len(np.unique(pairs[:, 0] * m + pairs[:, 1])) == len(pairs)
    )


# --- workers (one per child process) ----------------------------------------------------------------


def work_assign(name: str, seed: int) -> dict[str, Any]:
    from innohub.matching.assignment import solve_assignment

    spec = INSTANCES[name]
    affinity, conflicts = make_instance(name, seed)
    before = _rss_mb()
    started = time.perf_counter()
    result = solve_assignment(
        affinity, per_item=spec["per_item"], capacity=spec["capacity"], conflicts=conflicts
    )
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "objective": result.objective,
        "max_gap": result.max_gap,
        "rounds": result.rounds,
        "candidate_pairs": result.candidate_pairs,
        "eligible_pairs": result.eligible_pairs,
        "feasible": _check(result.pairs, conflicts, spec),
        "peak_rss_mb": _rss_mb(),
        "instance_rss_mb": before,
    }


def work_milp(name: str, seed: int) -> dict[str, Any]:
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    spec = INSTANCES[name]
    affinity, conflicts = make_instance(name, seed)
    n, m = affinity.shape
    before = _rss_mb()
    started = time.perf_counter()
    rows, cols = np.nonzero(~conflicts)
    count = len(rows)
    by_item = csr_matrix((np.ones(count), (rows, np.arange(count))), shape=(n, count))
    by_reviewer = csr_matrix((np.ones(count), (cols, np.arange(count))), shape=(m, count))
    result = milp(
        -affinity[rows, cols],
        integrality=np.ones(count),
        bounds=Bounds(0, 1),
        constraints=[
            LinearConstraint(by_item, spec["per_item"], spec["per_item"]),
            LinearConstraint(by_reviewer, 0, spec["capacity"]),
        ],
    )
    seconds = time.perf_counter() - started
    if result.status != 0:
        return {"solver": "scipy.optimize.milp (HiGHS)", "status": result.message}
    chosen = np.rint(result.x).astype(bool)
    pairs = np.column_stack([rows[chosen], cols[chosen]])
    return {
        "solver": "scipy.optimize.milp (HiGHS)",
        "variables": count,
        "seconds": round(seconds, 3),
        "objective": float(affinity[rows[chosen], cols[chosen]].sum()),
        "feasible": _check(pairs, conflicts, spec),
        "peak_rss_mb": _rss_mb(),
        "instance_rss_mb": before,
    }


def work_full_flow(name: str, seed: int) -> dict[str, Any]:
    from ortools.graph.python import min_cost_flow

    spec = INSTANCES[name]
    affinity, conflicts = make_instance(name, seed)
    n, m = affinity.shape
    before = _rss_mb()
    started = time.perf_counter()
    rows, cols = np.nonzero(~conflicts)
    cost = np.rint((1.0 - affinity[rows, cols]) * FULL_FLOW_SCALE).astype(np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([rows, n + np.arange(m)]).astype(np.int32),
        np.concatenate([n + cols, np.full(m, n + m)]).astype(np.int32),
        np.concatenate([np.ones(len(rows), np.int64), np.full(m, spec["capacity"], np.int64)]),
        np.concatenate([cost, np.zeros(m, np.int64)]),
    )
    supplies = np.concatenate([np.full(n, spec["per_item"]), np.zeros(m), [-n * spec["per_item"]]])
    flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int32), supplies.astype(np.int64))
    status = flow.solve()
    if status != flow.OPTIMAL:
        return {"solver": "OR-Tools SimpleMinCostFlow, full graph", "status": str(status)}
    used = np.asarray(flow.flows(np.arange(len(rows), dtype=np.int32))) == 1
    seconds = time.perf_counter() - started
    pairs = np.column_stack([rows[used], cols[used]])
    return {
        "solver": "OR-Tools SimpleMinCostFlow, full graph",
        "arcs": int(len(rows)),
        "seconds": round(seconds, 3),
        "objective": float(affinity[rows[used], cols[used]].sum()),
        "max_gap": n * spec["per_item"] / FULL_FLOW_SCALE,
        "feasible": _check(pairs, conflicts, spec),
        "peak_rss_mb": _rss_mb(),
        "instance_rss_mb": before,
    }


WORKERS = {"assign": work_assign, "milp": work_milp, "full-flow": work_full_flow}


# --- the run ----------------------------------------------------------------------------------------


def _child(worker: str, name: str, seed: int, timeout: float | None) -> dict[str, Any] | str:
    cmd = [sys.executable, __file__, "--worker", worker, "--instance", name, "--seed", str(seed)]
    try:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        return f"skipped: no answer within {timeout:.0f} s"
    return json.loads(out.strip().splitlines()[-1])


def _rel_diff(x: float, y: float) -> float:
    return abs(x - y) / max(abs(x), abs(y), 1e-300)


def run_instance(name: str, seed: int, baseline: bool, timeout: float, milp_a: Any) -> dict[str, Any]:
    spec = INSTANCES[name]
    affinity, conflicts = make_instance(name, seed)
    out: dict[str, Any] = {**spec, "conflicted_pairs": int(conflicts.sum())}
    del affinity, conflicts
    out["assign"] = _child("assign", name, seed, None)
    if not baseline:
        out["baseline"] = "skipped: --no-baseline"
    elif name == "a":
        out["baseline"] = _child("milp", name, seed, timeout)
    else:
        out["baseline"] = _child("full-flow", name, seed, timeout)
        variables = INSTANCES["b"]["items"] * INSTANCES["b"]["reviewers"] - out["conflicted_pairs"]
        reason = f"skipped: {variables:,} binary variables"
        if isinstance(milp_a, dict) and "seconds" in milp_a:
            reason += (
                f", {variables / milp_a['variables']:.0f}× instance (a), where HiGHS already took "
                f"{milp_a['seconds']:.0f} s and {milp_a['peak_rss_mb'] / 1024:.1f} GB"
            )
        out["highs"] = reason
    base = out["baseline"]
    if isinstance(base, dict) and "objective" in base:
        out["rel_objective_diff"] = _rel_diff(out["assign"]["objective"], base["objective"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["a", "b"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--baseline-timeout", type=float, default=900.0)
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--instance", choices=sorted(INSTANCES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.instance, args.seed)))
        return

    started = time.perf_counter()
    names = [args.only] if args.only else ["a", "b"]
    results: dict[str, Any] = {}
    for name in names:
        milp_a = results.get("a", {}).get("baseline")
        results[name] = run_instance(name, args.seed, not args.no_baseline, args.baseline_timeout, milp_a)

    headline = results.get("b", results.get("a"))
    assert headline is not None
    line: dict[str, Any] = {
        "name": "assignment",
        "size": ", ".join(f"{k} {INSTANCES[k]['items']}x{INSTANCES[k]['reviewers']}" for k in names),
        "seed": args.seed,
        "seconds": headline["assign"]["seconds"],
        "peak_rss_mb": headline["assign"]["peak_rss_mb"],
    }
    if (
        "a" in results
        and isinstance(results["a"]["baseline"], dict)
        and "seconds" in results["a"]["baseline"]
    ):
        line["baseline_seconds"] = results["a"]["baseline"]["seconds"]
        line["ratio"] = round(results["a"]["baseline"]["seconds"] / results["a"]["assign"]["seconds"], 1)
    line.update(results)
    line["memory"] = (
        "peak RSS (ru_maxrss) of a child process that builds the instance and runs only that solver"
    )
    checks = [r["assign"]["feasible"] for r in results.values()]
    checks += [
        r["rel_objective_diff"] <= TARGET_REL_DIFF for r in results.values() if "rel_objective_diff" in r
    ]
    if "b" in results:
        checks += [
            results["b"]["assign"]["seconds"] <= TARGET_SECONDS_B,
            results["b"]["assign"]["peak_rss_mb"] <= TARGET_MEMORY_MB_B,
        ]
    line["targets_met"] = all(checks)
    line["total_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
