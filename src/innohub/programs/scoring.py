"""Scorecard arithmetic, pure (no Django): weighted totals, per-reviewer z-scores, ranking with ties.

Why z-scores: reviewers use a scale differently (one gives 6–9 to everything, another 2–10). A
reviewer's totals are turned into standard scores against that reviewer's own mean and spread, so
an application is not helped or hurt by who happened to review it. A reviewer with a single review,
or who gave every application the same total, says nothing about relative merit: their z-scores are
0 (the reviewer's own average), which neither lifts nor sinks an application.

Ranks are "competition" ranks (1, 2, 2, 4): equal scores share a rank and the next rank skips, so a
tie is visible in the table and in the export. Scores are compared after rounding to `TIE_DECIMALS`
decimals so that two means that differ only by floating-point noise count as equal.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

TIE_DECIMALS = 6


class ScoreError(ValueError):
    """A score is missing or outside its criterion's scale; `key` names the criterion."""

    def __init__(self, key: Hashable, message: str) -> None:
        self.key = key
        super().__init__(message)


@dataclass(frozen=True)
class CriterionSpec:
    key: Hashable
    weight: float
    scale_min: float
    scale_max: float


def weighted_total(scores: Mapping[Hashable, float], criteria: Sequence[CriterionSpec]) -> float:
    """The weighted mean of the scores, each first mapped from its scale onto 0–1, on a 0–100 scale.

    Every criterion must be scored within its scale (ScoreError otherwise); weights are relative (only
    their proportions matter) and must not all be zero."""
    total_weight = sum(float(c.weight) for c in criteria)
    if not criteria or total_weight <= 0:
        raise ValueError("the criteria need a positive total weight")
    acc = 0.0
    for c in criteria:
        if c.key not in scores or scores[c.key] is None:
            raise ScoreError(c.key, f"criterion {c.key!r} is not scored")
        value = float(scores[c.key])
        if not (c.scale_min <= value <= c.scale_max) or math.isnan(value):
            raise ScoreError(c.key, f"criterion {c.key!r}: {value} is outside {c.scale_min}–{c.scale_max}")
        acc += float(c.weight) * (value - c.scale_min) / (c.scale_max - c.scale_min)
    return 100.0 * acc / total_weight


def zscores(totals: Iterable[tuple[Hashable, Hashable, float]]) -> dict[tuple[Hashable, Hashable], float]:
    """(reviewer, item, total) rows → {(reviewer, item): z} against each reviewer's own totals
    (population standard deviation)."""
    by_reviewer: dict[Hashable, list[tuple[Hashable, float]]] = defaultdict(list)
    for reviewer, item, total in totals:
        by_reviewer[reviewer].append((item, float(total)))
    out: dict[tuple[Hashable, Hashable], float] = {}
    for reviewer, rows in by_reviewer.items():
        values = [v for _item, v in rows]
        mean = sum(values) / len(values)
        spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        for item, value in rows:
            out[(reviewer, item)] = 0.0 if spread < 1e-12 else (value - mean) / spread
    return out


def item_scores(
    totals: Iterable[tuple[Hashable, Hashable, float]], *, normalisation: str = "none"
) -> dict[Hashable, float]:
    """Mean score per item: of the raw totals ("none") or of the reviewers' z-scores ("zscore")."""
    rows = list(totals)
    if normalisation == "zscore":
        z = zscores(rows)
        values = [(item, z[(reviewer, item)]) for reviewer, item, _total in rows]
    elif normalisation == "none":
        values = [(item, float(total)) for _reviewer, item, total in rows]
    else:
        raise ValueError(f"unknown normalisation {normalisation!r}")
    sums: dict[Hashable, list[float]] = defaultdict(list)
    for item, value in values:
        sums[item].append(value)
    return {item: sum(v) / len(v) for item, v in sums.items()}


def rank(values: Mapping[Hashable, float | None]) -> dict[Hashable, int | None]:
    """Competition ranks, highest value first; equal values (to TIE_DECIMALS) share a rank; items
    without a value are not ranked (None)."""
    scored = [(k, round(float(v), TIE_DECIMALS)) for k, v in values.items() if v is not None]
    scored.sort(key=lambda kv: -kv[1])
    ranks: dict[Hashable, int | None] = {k: None for k, v in values.items() if v is None}
    previous: float | None = None
    current_rank = 0
    for position, (key, value) in enumerate(scored, start=1):
        if previous is None or value != previous:
            current_rank = position
            previous = value
        ranks[key] = current_rank
    return ranks


def tied(ranks: Mapping[Hashable, int | None]) -> set[Hashable]:
    """Items sharing their rank with another item."""
    counts: dict[int, int] = defaultdict(int)
    for r in ranks.values():
        if r is not None:
            counts[r] += 1
    return {k for k, r in ranks.items() if r is not None and counts[r] > 1}
