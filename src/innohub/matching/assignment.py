"""Exact reviewer assignment: the largest total affinity with exactly ``per_item`` reviewers per item.

The problem. For an items × reviewers affinity matrix ``a``, choose x_ij ∈ {0, 1} to

    maximise   Σ a_ij x_ij
    subject to Σ_j x_ij = per_item           for every item i,
               Σ_i x_ij ≤ capacity_j         for every reviewer j,
               x_ij = 0 where conflicted,    x_ij = 1 where locked.

It is a transportation problem, i.e. a min-cost flow: every item is a source of ``per_item`` units,
each eligible pair is a unit-capacity arc item → reviewer costing −a_ij, and each reviewer reaches
one sink through an arc of capacity ``capacity_j``. Flow polytopes with integral supplies and
capacities have integral vertices, so an integral min-cost flow — what OR-Tools' cost-scaling solver
returns — is an optimal 0/1 assignment; nothing is rounded or searched heuristically.

Why not hand OR-Tools the whole graph: instance (b) of the benchmark has 15 million pairs, and
building that graph costs more than solving it. Only a few pairs per item can matter, so we solve a
sparse *candidate* graph and then prove that nothing left out could improve the answer:

1. Locked pairs are taken first; each uses one of its item's places and one of its reviewer's.
2. Candidates: for every item its ``L`` cheapest eligible reviewers, and for every reviewer the
   ``q`` items for which it is cheapest compared with their other options, both at reviewer
   prices estimated by solving the same problem on a fixed-seed tenth of the items (from 2,000
   items on). The estimate only decides how fast we get there, never where.
3. Min-cost flow on the candidates (``SimpleMinCostFlow``). Until the candidates are known to be
   able to carry the whole demand, each item may also leave places unassigned at the highest cost,
   so the sparse problem is always solvable.
4. Node potentials: exact int64 Bellman–Ford distances to the sink in the residual graph of that
   flow. They converge only if the residual graph has no negative cycle, so the flow's optimality
   on the candidates is checked here, not taken on trust from the solver.
5. Pricing: the reduced cost ``c_ij + d_i − d_j`` of *every* eligible pair outside the graph is
   computed in vectorised numpy blocks. Pairs with a negative reduced cost are added (the most
   negative few per item) and we go back to 3. If none is negative but places stay unassigned, a
   max flow on the candidates decides: if they can carry the demand, the unassigned option is
   dropped for good; otherwise its minimum cut names the eligible pairs that could raise the flow,
   and they are added — or, if there are none, the same cut bounds the full graph, so no assignment
   exists and the cut's items are the ones reported (`InfeasibleAssignment`). Every round adds
   pairs or drops the option once, so the loop ends.

Exactness argument. The loop stops when pricing finds nothing and no place is unassigned. Then
``d`` satisfies ``d_w ≤ d_v + c_vw`` on every arc of the residual graph of the *full* problem (plus
the unassigned arcs, if still offered): on candidate arcs because ``d`` is a Bellman–Ford fixed
point there, and on the left-out pairs — unit arcs item → reviewer carrying no flow, the only arcs
the full residual graph adds — because pricing checked exactly that inequality. A feasible
potential rules out negative cycles, and a flow whose residual graph has no negative cycle is a
min-cost flow (the negative-cycle optimality condition, i.e. LP duality). The flow uses no
unassigned place, so it is a feasible assignment, optimal among a superset of all assignments:
optimal for the full problem. Infeasibility is only reported with a cut that is valid in the full
graph.

Precision. OR-Tools needs integer costs, so ``c_ij = rint((best_i − a_ij) · S)``, where ``best_i`` is
item i's highest eligible affinity (subtracting a per-item constant changes every assignment's
total by the same amount, because every item receives a fixed number of reviewers) and ``S`` is the
largest power of two with ``S · spread ≤ C``, ``spread = max_i(best_i − worst_i)``. ``C`` is the
largest cost that cannot overflow the solver's int64 arithmetic: it multiplies costs by N + 1 and
its node prices fall by at most about N·(N + 1)·C in total, so ``C = 2^⌊log2(2^63 / (4·N·(N+1)))⌋``
(at most 2^52, where float64 stops representing every integer), N = items + reviewers + 1.
Each rounded cost is off by at most 1/2, so the chosen assignment's true total affinity is within
``D / S`` of the true optimum, D being the number of pairs the solver places (``Assignment.max_gap``).
For the benchmark's instance (b) (N = 11,501, affinities in [0, 1)) S = 2^34 and the bound is
1.7e-6 on a total near 30,000: 6e-11 relative. Affinities that are multiples of 1/S (integers,
for instance) are represented exactly, and then the result is exactly optimal.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import max_flow, min_cost_flow

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]

_BLOCK = 1 << 20  # matrix cells scanned at once: bounds the temporaries when every pair is priced
_INT64_MAX = np.iinfo(np.int64).max
_LISTED = 10  # items or reviewers named in a message before "… (N in all)"


class InfeasibleAssignment(ValueError):
    """No assignment satisfies per_item, the capacities, the conflicts and the locks together.

    The message says why in plain English; the attributes say it for code that translates it:

    * ``short_items`` — {item: how many more eligible reviewers it would need}. Conflicted
      reviewers, reviewers without capacity left and reviewers already locked to it do not count.
    * ``capacity_shortfall`` — places missing overall: ``needed − capacity_total`` (0 if enough),
      where ``needed = items × per_item`` and ``capacity_total`` sums the capacities (a reviewer
      counts at most once per item).
    * ``group_items``, ``group_reviewers``, ``group_needed``, ``group_shortfall`` — when every item
      alone could be served but some items compete for the same few reviewers: those items, all
      their eligible reviewers, the reviews the items still need and how many of them cannot be had.
    * ``overlocked_items`` — {item: locked reviewers beyond per_item};
      ``overlocked_reviewers`` — {reviewer: locked items beyond its capacity}.
    """

    def __init__(
        self,
        *,
        per_item: int,
        short_items: dict[int, int] | None = None,
        capacity_shortfall: int = 0,
        needed: int = 0,
        capacity_total: int = 0,
        group_items: tuple[int, ...] = (),
        group_reviewers: tuple[int, ...] = (),
        group_needed: int = 0,
        group_shortfall: int = 0,
        overlocked_items: dict[int, int] | None = None,
        overlocked_reviewers: dict[int, int] | None = None,
    ) -> None:
        self._arguments = {k: v for k, v in locals().items() if k not in ("self", "__class__")}
        self.per_item = per_item
        self.short_items = dict(short_items or {})
        self.capacity_shortfall = capacity_shortfall
        self.needed = needed
        self.capacity_total = capacity_total
        self.group_items = group_items
        self.group_reviewers = group_reviewers
        self.group_needed = group_needed
        self.group_shortfall = group_shortfall
        self.overlocked_items = dict(overlocked_items or {})
        self.overlocked_reviewers = dict(overlocked_reviewers or {})
        super().__init__(self._describe())

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments: the default pickling, cls(*args), could not rebuild it in a worker.
        return (_rebuild_infeasible, (self._arguments,))

    def _describe(self) -> str:
        parts = []
        if self.overlocked_items:
            parts.append(
                f"Too many locked reviewers (each item takes {self.per_item}): "
                + _listing(f"item {i} has {x} too many" for i, x in sorted(self.overlocked_items.items()))
                + "."
            )
        if self.overlocked_reviewers:
            parts.append(
                "Locked pairs exceed reviewer capacity: "
                + _listing(
                    f"reviewer {j} is over by {x}" for j, x in sorted(self.overlocked_reviewers.items())
                )
                + "."
            )
        if self.short_items:
            parts.append(
                f"Not enough eligible reviewers (each item needs {self.per_item}; conflicted reviewers "
                "and reviewers with no capacity left do not count): "
                + _listing(f"item {i} lacks {x}" for i, x in sorted(self.short_items.items()))
                + "."
            )
        if self.capacity_shortfall > 0:
            parts.append(
                f"Total reviewer capacity falls short by {self.capacity_shortfall}: the items need "
                f"{self.needed} reviews ({self.per_item} each) but the reviewers' capacities add up "
                f"to {self.capacity_total}."
            )
        if self.group_shortfall > 0:
            parts.append(
                f"{_plural(len(self.group_items), 'Item', 'Items')} {_listing(map(str, self.group_items))} "
                f"need {self.group_needed} more reviews between them, but their only eligible "
                f"{_plural(len(self.group_reviewers), 'reviewer', 'reviewers')} "
                f"({_listing(map(str, self.group_reviewers))}) can take at most "
                f"{self.group_needed - self.group_shortfall} of them: {self.group_shortfall} short."
            )
        return " ".join(parts) or "No assignment satisfies the constraints."


def _rebuild_infeasible(arguments: dict[str, Any]) -> InfeasibleAssignment:
    return InfeasibleAssignment(**arguments)


@dataclass(frozen=True)
class Assignment:
    """What `solve_assignment` found, with the figures a stored run record wants."""

    pairs: IntArray  # (items × per_item, 2) rows of (item, reviewer), sorted
    objective: float  # total affinity of ``pairs``, locked pairs included
    max_gap: float  # proven bound: best possible objective − objective ≤ max_gap
    scale: float  # S: integer cost = rint((best_i − affinity) · S)
    rounds: int  # min-cost-flow solves (pricing rounds plus feasibility repairs)
    candidate_pairs: int  # arcs item → reviewer in the final sparse graph
    eligible_pairs: int  # pairs the optimum was certified against


def assign(
    affinity: np.ndarray,
    *,
    per_item: int,
    capacity: int | np.ndarray,
    conflicts: np.ndarray | None = None,
    locked: np.ndarray | None = None,
) -> np.ndarray:
    """Reviewers for every item, maximising total affinity exactly.

    ``affinity``: items × reviewers floats, higher is better. ``per_item``: reviewers each item gets,
    exactly. ``capacity``: the most items any reviewer takes (an int, or one int per reviewer).
    ``conflicts``: booleans like ``affinity``, True = never assign. ``locked``: booleans, True = this
    pair must be in the result (it counts against per_item and capacity), so staff can pin pairs and
    rerun. Returns an int64 array of ``items × per_item`` rows ``(item, reviewer)``, sorted by item
    then reviewer; the same input always gives the same output. Raises `InfeasibleAssignment` when
    no assignment exists and `ValueError` for malformed input. Optimality and its precision are
    argued in the module docstring.
    """
    return solve_assignment(
        affinity, per_item=per_item, capacity=capacity, conflicts=conflicts, locked=locked
    ).pairs


def solve_assignment(
    affinity: np.ndarray,
    *,
    per_item: int,
    capacity: int | np.ndarray,
    conflicts: np.ndarray | None = None,
    locked: np.ndarray | None = None,
    candidates_per_item: int | None = None,
    candidates_per_reviewer: int | None = None,
) -> Assignment:
    """`assign`, returning the figures of the run too. The two ``candidates_*`` knobs size the first
    sparse graph (defaults suit random and skewed affinities alike); they change speed, never the
    optimum — tests shrink them to exercise the pricing and repair rounds."""
    a, per_item, cap, conflicts, locked = _validate(affinity, per_item, capacity, conflicts, locked)
    n, m = a.shape
    if n == 0:
        return Assignment(np.empty((0, 2), np.int64), 0.0, 0.0, 1.0, 0, 0, 0)

    # 1. Locks take their places first.
    need = np.full(n, per_item, np.int64)
    room = np.minimum(cap, n)  # a reviewer reviews an item at most once
    lock_items = lock_reviewers = np.empty(0, np.int64)
    if locked is not None and locked.any():
        lock_items, lock_reviewers = (x.astype(np.int64) for x in np.nonzero(locked))
        need -= np.bincount(lock_items, minlength=n)
        room -= np.bincount(lock_reviewers, minlength=m)
        if (need < 0).any() or (room < 0).any():
            raise InfeasibleAssignment(
                per_item=per_item,
                overlocked_items={int(i): int(-need[i]) for i in np.flatnonzero(need < 0)},
                overlocked_reviewers={int(j): int(-room[j]) for j in np.flatnonzero(room < 0)},
            )

    eligible = np.ones((n, m), np.bool_) if conflicts is None else ~conflicts
    if locked is not None:
        eligible &= ~locked
    eligible &= (room > 0)[None, :]
    eligible[need == 0] = False
    _check_counts(eligible, need, cap, n, per_item)

    demand = int(need.sum())
    if demand == 0:
        return _result(a, lock_items, lock_reviewers, demand, 1.0, 0, 0, int(eligible.sum()))

    # Integer costs (see "Precision" in the module docstring).
    nodes = n + m + 1
    best, spread = _best_and_spread(a, eligible)
    cost_cap = 2 ** min(52, math.floor(math.log2(2.0**63 / (4.0 * nodes * (nodes + 1)))))
    scale = 1.0 if spread == 0 else 2.0 ** min(1000, math.floor(math.log2(cost_cap) - math.log2(spread)))
    problem = _Problem(a, eligible, need, room, best, scale, cost_cap, per_item)
    outcome = _optimise(
        problem,
        per_item_l=candidates_per_item or max(2 * per_item + 4, 8),
        per_reviewer_q=candidates_per_reviewer,
        exact=True,
    )
    return _result(
        a,
        np.concatenate([lock_items, outcome.rows]),
        np.concatenate([lock_reviewers, outcome.cols]),
        demand,
        scale,
        outcome.rounds,
        outcome.candidate_pairs,
        int(eligible.sum()),
    )


@dataclass
class _Problem:
    """The part left after locks, with its integer costs ``rint((best_i − a_ij) · scale)``. They are
    computed on demand, never all 15M at once, by the same elementwise arithmetic everywhere, so an
    arc in the sparse graph and its twin in the pricing scan always agree exactly."""

    a: FloatArray
    eligible: BoolArray
    need: IntArray
    room: IntArray
    best: FloatArray
    scale: float
    cost_cap: int
    per_item: int

    def block(self, r0: int, r1: int) -> IntArray:
        return np.rint((self.best[r0:r1, None] - self.a[r0:r1]) * self.scale).astype(np.int64)

    def columns(self, c0: int, c1: int) -> IntArray:
        """Costs of reviewers c0..c1-1 (rows) for every item (columns)."""
        return np.rint((self.best[None, :] - self.a[:, c0:c1].T) * self.scale).astype(np.int64)

    def pairs(self, rows: IntArray, cols: IntArray) -> IntArray:
        return np.rint((self.best[rows] - self.a[rows, cols]) * self.scale).astype(np.int64)


@dataclass
class _Outcome:
    rows: IntArray  # the chosen pairs
    cols: IntArray
    rounds: int
    candidate_pairs: int
    reviewer_prices: IntArray  # distance reviewer → sink in the final residual graph, cost units


_SAMPLE_FROM = 2000  # items from which a sample's prices seed the candidates
_SAMPLE_SHARE = 10  # 1 item in this many


def _optimise(problem: _Problem, *, per_item_l: int, per_reviewer_q: int | None, exact: bool) -> _Outcome:
    """Steps 2–5 of the module docstring. With ``exact=False`` (price estimation on a sample) places
    may stay unassigned and the run stops as soon as pricing finds nothing."""
    n, m = problem.eligible.shape
    prices = _sample_prices(problem, per_item_l) if n >= _SAMPLE_FROM else np.zeros(m, np.int64)
    cand = _initial_candidates(problem, prices, per_item_l, per_reviewer_q)

    # Until the candidates are known to carry the whole demand, every item may also send flow
    # straight to the sink at the highest cost (an "unassigned" place), so the sparse problem is
    # always solvable and its prices steer the search towards the missing pairs.
    unassigned_cost = problem.cost_cap
    rounds = 0
    while True:
        rounds += 1
        rows, cols = (x.astype(np.int64) for x in np.nonzero(cand))
        arc_cost = problem.pairs(rows, cols)
        used, unassigned = _min_cost_flow(rows, cols, arc_cost, problem.need, problem.room, unassigned_cost)
        potential = _potentials(
            n, m, rows, cols, arc_cost, used, problem.need, problem.room, unassigned, unassigned_cost
        )
        new_rows, new_cols = _price(problem, cand, potential, per_item_l)
        if len(new_rows) == 0:
            if not exact or unassigned is None or not unassigned.any():
                break
            # No pair is worth adding yet places stay unassigned: either the candidates can carry
            # the demand only along costlier paths (then drop the unassigned option for good), or a
            # min cut shows the pairs they lack, or proves that no assignment exists.
            new_rows, new_cols = _repair(problem, cand, rows, cols, per_item_l)
            if len(new_rows) == 0:
                unassigned_cost = 0
        cand[new_rows, new_cols] = True

    chosen_rows, chosen_cols = rows[used], cols[used]
    if exact and not (
        np.array_equal(np.bincount(chosen_rows, minlength=n), problem.need)
        and (np.bincount(chosen_cols, minlength=m) <= problem.room).all()
    ):
        raise RuntimeError("the flow solver returned a flow that breaks per_item or a capacity")
    prices = np.clip(-potential[n : n + m], -problem.cost_cap, problem.cost_cap)
    return _Outcome(chosen_rows, chosen_cols, rounds, len(rows), prices)


def _sample_prices(problem: _Problem, per_item_l: int) -> IntArray:
    """Reviewer prices from the same problem on a sample of the items (capacities scaled alike).

    Raw affinity alone makes a poor first graph when reviewers differ in popularity: every item's
    favourites are the same few people, and pricing would need many rounds to find out who else
    each item should get. A tenth of the items already shows how contested each reviewer is; the
    sample is drawn with a fixed seed, so runs stay deterministic. Only speed depends on it."""
    n, m = problem.eligible.shape
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(n, n // _SAMPLE_SHARE, replace=False))
    room = np.floor(problem.room * (len(sample) / n) + rng.random(m)).astype(np.int64)
    room = np.where(problem.room > 0, np.maximum(room, 1), 0)
    sub = _Problem(
        problem.a[sample],
        problem.eligible[sample],
        problem.need[sample],
        room,
        problem.best[sample],
        problem.scale,
        problem.cost_cap,
        problem.per_item,
    )
    return _optimise(sub, per_item_l=per_item_l, per_reviewer_q=None, exact=False).reviewer_prices


def _initial_candidates(
    problem: _Problem, prices: IntArray, per_item_l: int, per_reviewer_q: int | None
) -> BoolArray:
    """Per item its ``L`` cheapest eligible reviewers at the estimated prices; per reviewer the ``q``
    items for which it is cheapest compared with what each item would otherwise get (its
    ``need``-th cheapest option), so that less popular reviewers have arcs too."""
    n, m = problem.eligible.shape
    cand = np.zeros((n, m), np.bool_)
    fallback = np.zeros(n, np.int64)  # price of each item's need-th cheapest option
    for r0, r1 in _row_blocks(n, m):
        keys = problem.block(r0, r1) + prices[None, :]
        mask = problem.eligible[r0:r1]
        rows, cols = _smallest_per_row(keys, mask, per_item_l)
        cand[rows + r0, cols] = True
        keyed = np.where(mask, keys, _INT64_MAX)
        kth = np.clip(problem.need[r0:r1] - 1, 0, m - 1)
        fallback[r0:r1] = np.where(
            problem.need[r0:r1] > 0, np.partition(keyed, np.unique(kth), axis=1)[np.arange(r1 - r0), kth], 0
        )
    demand = int(problem.need.sum())
    active = max(int((problem.room > 0).sum()), 1)
    q = per_reviewer_q if per_reviewer_q is not None else max(problem.per_item, 2 * -(-demand // active))
    if q > 0:
        for c0, c1 in _row_blocks(m, n):
            keys = problem.columns(c0, c1) + prices[c0:c1, None] - fallback[None, :]
            mask = np.ascontiguousarray(problem.eligible[:, c0:c1].T)
            cols, rows = _smallest_per_row(keys, mask, q)
            cand[rows, cols + c0] = True
    return cand


# --- input ---------------------------------------------------------------------------------------


def _validate(
    affinity: Any, per_item: Any, capacity: Any, conflicts: Any, locked: Any
) -> tuple[FloatArray, int, IntArray, BoolArray | None, BoolArray | None]:
    a = np.asarray(affinity)
    if a.ndim != 2:
        raise ValueError(f"affinity must be a 2-D items × reviewers array, got {a.ndim} dimension(s).")
    if a.dtype == np.bool_ or a.dtype.kind not in "iuf":
        raise ValueError(f"affinity must hold real numbers, got dtype {a.dtype}.")
    a = np.ascontiguousarray(a, dtype=np.float64)
    finite = np.isfinite(a)
    if not finite.all():
        bad = np.argwhere(~finite)
        raise ValueError(
            f"affinity has {len(bad)} value(s) that are NaN or infinite, the first at item {bad[0][0]}, "
            f"reviewer {bad[0][1]}."
        )
    n, m = a.shape
    if a.size and not np.isfinite(float(a.max()) - float(a.min())):
        raise ValueError("affinity values span too wide a range (their difference overflows float64).")

    if isinstance(per_item, bool) or not isinstance(per_item, int | np.integer):
        raise ValueError(f"per_item must be an integer, got {per_item!r}.")
    per_item = int(per_item)
    if per_item < 1:
        raise ValueError(f"per_item must be at least 1, got {per_item}.")
    if per_item > m:
        raise ValueError(f"per_item ({per_item}) exceeds the number of reviewers ({m}).")

    if isinstance(capacity, bool):
        raise ValueError("capacity must be an integer or an integer array, got a bool.")
    if isinstance(capacity, np.ndarray) and capacity.ndim == 0 and capacity.dtype.kind in "iu":
        capacity = capacity.item()
    if isinstance(capacity, int | np.integer):
        if capacity < 0:
            raise ValueError(f"capacity must not be negative, got {capacity}.")
        cap = np.full(m, min(int(capacity), _INT64_MAX), np.int64)
    else:
        cap_in = np.asarray(capacity)
        if cap_in.dtype == np.bool_ or cap_in.dtype.kind not in "iu":
            raise ValueError(f"capacity must hold integers, got dtype {cap_in.dtype}.")
        if cap_in.shape != (m,):
            raise ValueError(f"capacity must have one entry per reviewer: shape ({m},), got {cap_in.shape}.")
        negative = np.flatnonzero(cap_in < 0)
        if len(negative):
            raise ValueError(
                f"capacity must not be negative: reviewer {negative[0]} has {cap_in[negative[0]]}."
            )
        if cap_in.dtype.kind == "u":
            cap = np.minimum(cap_in.astype(np.uint64), np.uint64(_INT64_MAX)).astype(np.int64)
        else:
            cap = cap_in.astype(np.int64)

    def mask(value: Any, name: str) -> BoolArray | None:
        if value is None:
            return None
        arr = np.asarray(value)
        if arr.dtype != np.bool_:
            raise ValueError(f"{name} must be a boolean array, got dtype {arr.dtype}.")
        if arr.shape != (n, m):
            raise ValueError(f"{name} must have the shape of affinity {(n, m)}, got {arr.shape}.")
        return arr

    conflicts = mask(conflicts, "conflicts")
    locked = mask(locked, "locked")
    if conflicts is not None and locked is not None and (both := np.argwhere(conflicts & locked)).size:
        raise ValueError(
            f"{len(both)} locked pair(s) are also conflicted, the first item {both[0][0]} with "
            f"reviewer {both[0][1]}; a pair cannot be both required and forbidden."
        )
    return a, per_item, cap, conflicts, locked


def _check_counts(eligible: BoolArray, need: IntArray, cap: IntArray, n: int, per_item: int) -> None:
    """The two reasons a person sees at once: an item without enough reviewers, too little capacity."""
    short = need - eligible.sum(axis=1)
    capacity_total = int(np.minimum(cap, n).sum())
    needed = n * per_item
    if (short > 0).any() or capacity_total < needed:
        raise InfeasibleAssignment(
            per_item=per_item,
            short_items={int(i): int(short[i]) for i in np.flatnonzero(short > 0)},
            capacity_shortfall=max(0, needed - capacity_total),
            needed=needed,
            capacity_total=capacity_total,
        )


# --- costs and scanning ----------------------------------------------------------------------------


def _row_blocks(rows: int, width: int) -> Iterator[tuple[int, int]]:
    step = max(1, _BLOCK // max(width, 1))
    for start in range(0, rows, step):
        yield start, min(rows, start + step)


def _best_and_spread(a: FloatArray, eligible: BoolArray) -> tuple[FloatArray, float]:
    n = a.shape[0]
    best = np.zeros(n)
    spread = 0.0
    for r0, r1 in _row_blocks(n, a.shape[1]):
        mask = eligible[r0:r1]
        has = mask.any(axis=1)
        hi = np.where(mask, a[r0:r1], -np.inf).max(axis=1)
        lo = np.where(mask, a[r0:r1], np.inf).min(axis=1)
        best[r0:r1] = np.where(has, hi, 0.0)
        if has.any():
            spread = max(spread, float((hi[has] - lo[has]).max()))
    return best, spread


def _smallest_per_row(keys: IntArray, mask: BoolArray, k: int) -> tuple[IntArray, IntArray]:
    """(row, column) of up to k smallest keys per row among the cells where mask is True."""
    if k >= keys.shape[1] or int(mask.sum(axis=1).max(initial=0)) <= k:
        rows, cols = np.nonzero(mask)
        return rows.astype(np.int64), cols.astype(np.int64)
    keyed = np.where(mask, keys, _INT64_MAX)
    part = np.argpartition(keyed, k - 1, axis=1)[:, :k]
    rows = np.repeat(np.arange(keys.shape[0], dtype=np.int64), k)
    cols = part.ravel().astype(np.int64)
    keep = mask[rows, cols]
    return rows[keep], cols[keep]


# --- the flow ----------------------------------------------------------------------------------------


def _min_cost_flow(
    rows: IntArray, cols: IntArray, arc_cost: IntArray, need: IntArray, room: IntArray, unassigned_cost: int
) -> tuple[BoolArray, IntArray | None]:
    """A min-cost flow on the candidates: which candidate arcs carry flow, and per item how many of
    its places stay unassigned (None when that option is off, ``unassigned_cost == 0``).
    Nodes: items 0..n-1, reviewers n..n+m-1, sink n+m."""
    n, m = len(need), len(room)
    flow = min_cost_flow.SimpleMinCostFlow()
    reviewers = np.flatnonzero(room > 0)
    items = np.flatnonzero(need > 0) if unassigned_cost else np.empty(0, np.int64)
    sink = n + m
    tails = np.concatenate([rows, n + reviewers, items]).astype(np.int32)
    heads = np.concatenate([n + cols, np.full(len(reviewers) + len(items), sink)]).astype(np.int32)
    capacities = np.concatenate([np.ones(len(rows), np.int64), room[reviewers], need[items]])
    unit_costs = np.concatenate(
        [arc_cost, np.zeros(len(reviewers), np.int64), np.full(len(items), unassigned_cost, np.int64)]
    )
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, unit_costs)
    supplies = np.concatenate([need, np.zeros(m, np.int64), [-int(need.sum())]]).astype(np.int64)
    flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        # Infeasible cannot happen: the unassigned option is only dropped once a max flow has shown
        # that the candidates carry the demand, and candidates are only ever added.
        raise RuntimeError(f"min-cost flow failed with status {status!r}")
    arcs = np.arange(len(tails), dtype=np.int32)
    flows = np.asarray(flow.flows(arcs), dtype=np.int64)
    used = flows[: len(rows)] == 1
    if not unassigned_cost:
        return used, None
    unassigned = np.zeros(n, np.int64)
    unassigned[items] = flows[len(rows) + len(reviewers) :]
    return used, unassigned


def _potentials(
    n: int,
    m: int,
    rows: IntArray,
    cols: IntArray,
    arc_cost: IntArray,
    used: BoolArray,
    need: IntArray,
    room: IntArray,
    unassigned: IntArray | None,
    unassigned_cost: int,
) -> IntArray:
    """Node potentials d with d_head ≤ d_tail + cost on every arc of the residual graph (reduced costs
    ≥ 0), from Jacobi Bellman–Ford in int64, so exact."""
    sink = n + m
    reviewer_nodes = n + np.arange(m, dtype=np.int64)
    load = np.bincount(cols[used], minlength=m)
    free = (load < room) & (room > 0)  # reviewer → sink still has capacity
    busy = load > 0  # sink → reviewer (cancelling flow)
    tail_parts = [rows[~used], n + cols[used], reviewer_nodes[free], np.full(int(busy.sum()), sink)]
    head_parts = [n + cols[~used], rows[used], np.full(int(free.sum()), sink), reviewer_nodes[busy]]
    weight_parts = [arc_cost[~used], -arc_cost[used], np.zeros(int(free.sum() + busy.sum()), np.int64)]
    if unassigned is not None:
        open_ = np.flatnonzero(unassigned < need)  # item → sink, unassigned places still possible
        taken = np.flatnonzero(unassigned > 0)  # sink → item
        tail_parts += [open_, np.full(len(taken), sink)]
        head_parts += [np.full(len(open_), sink), taken]
        weight_parts += [np.full(len(open_), unassigned_cost), np.full(len(taken), -unassigned_cost)]
    tails, heads = np.concatenate(tail_parts), np.concatenate(head_parts)
    weights = np.concatenate(weight_parts).astype(np.int64)
    # Distances *to the sink* (a virtual arc of cost `far` from every node keeps them finite):
    # then reviewers outside the graph cost nothing extra and an item's distance is the price of
    # its next place, the prices the optimum of the full problem would roughly have. Any fixed
    # point is a valid potential; this one makes pricing add few pairs.
    far = (n + m + 2) * max(int(np.abs(weights).max(initial=0)), 1)
    to_sink = np.full(n + m + 1, far, np.int64)
    to_sink[sink] = 0
    for _ in range(n + m + 2):
        relaxed = to_sink.copy()
        np.minimum.at(relaxed, tails, weights + to_sink[heads])
        if np.array_equal(relaxed, to_sink):
            return -to_sink
        to_sink = relaxed
    raise RuntimeError("negative cycle in an optimal residual graph; the flow solver misbehaved")


def _price(problem: _Problem, cand: BoolArray, d: IntArray, per_row: int) -> tuple[IntArray, IntArray]:
    """Eligible pairs outside the graph whose reduced cost c_ij + d_i − d_j is negative, at most
    ``per_row`` (the most negative) per item."""
    n, m = cand.shape
    reviewer_d = d[n : n + m]
    found_rows, found_cols = [], []
    for r0, r1 in _row_blocks(n, m):
        reduced = problem.block(r0, r1) + d[r0:r1, None] - reviewer_d[None, :]
        violating = (reduced < 0) & problem.eligible[r0:r1] & ~cand[r0:r1]
        if violating.any():
            rows, cols = _smallest_per_row(reduced, violating, per_row)
            found_rows.append(rows + r0)
            found_cols.append(cols)
    if not found_rows:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(found_rows), np.concatenate(found_cols)


def _repair(
    problem: _Problem, cand: BoolArray, rows: IntArray, cols: IntArray, per_row: int
) -> tuple[IntArray, IntArray]:
    """Pairs to add when the candidates may not carry the demand: none if a max flow shows they
    do, else the cheapest pairs across a minimum cut, or InfeasibleAssignment.

    A max flow on the candidates leaves a minimum cut: items S reachable from the source and
    reviewers R reachable with them. Only an eligible pair from S to a reviewer outside R can raise
    the flow; if the full problem has none, that cut is a cut of the full graph too, with the same
    capacity below the demand, so no assignment exists and S is the group that cannot be served."""
    eligible, need, room = problem.eligible, problem.need, problem.room
    n, m = eligible.shape
    source, sink = n + m + 1, n + m
    solver = max_flow.SimpleMaxFlow()
    items = np.flatnonzero(need > 0)
    reviewers = np.flatnonzero(room > 0)
    tails = np.concatenate([np.full(len(items), source), rows, n + reviewers]).astype(np.int32)
    heads = np.concatenate([items, n + cols, np.full(len(reviewers), sink)]).astype(np.int32)
    capacities = np.concatenate([need[items], np.ones(len(rows), np.int64), room[reviewers]])
    solver.add_arcs_with_capacity(tails, heads, capacities)
    if solver.solve(source, sink) != solver.OPTIMAL:
        raise RuntimeError("max flow failed")
    shortfall = int(need.sum()) - int(solver.optimal_flow())
    if shortfall == 0:  # the candidates carry the demand
        return np.empty(0, np.int64), np.empty(0, np.int64)
    in_cut = np.zeros(n + m + 2, np.bool_)
    in_cut[np.asarray(solver.get_source_side_min_cut(), dtype=np.int64)] = True
    group = np.flatnonzero(in_cut[:n])
    outside = np.flatnonzero(~in_cut[n : n + m])
    crossing = eligible[np.ix_(group, outside)] & ~cand[np.ix_(group, outside)]
    if not crossing.any():
        raise InfeasibleAssignment(
            per_item=problem.per_item,
            group_items=tuple(int(i) for i in group),
            group_needed=int(need[group].sum()),
            group_reviewers=tuple(int(j) for j in np.flatnonzero(eligible[group].any(axis=0))),
            group_shortfall=shortfall,
        )
    # The cheapest crossing pairs per item and per reviewer; every call adds at least one pair.
    block = problem.pairs(np.repeat(group, len(outside)), np.tile(outside, len(group)))
    block = block.reshape(len(group), len(outside))
    r1, c1 = _smallest_per_row(block, crossing, per_row)
    c2, r2 = _smallest_per_row(np.ascontiguousarray(block.T), np.ascontiguousarray(crossing.T), per_row)
    return group[np.concatenate([r1, r2])], outside[np.concatenate([c1, c2])]


def _result(
    a: FloatArray,
    items: IntArray,
    reviewers: IntArray,
    demand: int,
    scale: float,
    rounds: int,
    candidate_pairs: int,
    eligible_pairs: int,
) -> Assignment:
    order = np.lexsort((reviewers, items))
    pairs = np.column_stack([items[order], reviewers[order]]).astype(np.int64)
    objective = float(a[pairs[:, 0], pairs[:, 1]].sum()) if len(pairs) else 0.0
    return Assignment(
        pairs=pairs,
        objective=objective,
        max_gap=demand / scale,
        scale=scale,
        rounds=rounds,
        candidate_pairs=candidate_pairs,
        eligible_pairs=eligible_pairs,
    )


def _listing(values: Any) -> str:
    values = list(values)
    if len(values) <= _LISTED:
        return ", ".join(values)
    return ", ".join(values[:_LISTED]) + f", … ({len(values)} in all)"


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many
