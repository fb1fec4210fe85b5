"""Scorecard arithmetic (programs/scoring.py, pure): weighted totals, z-scores, ranks with ties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from innohub.programs.scoring import (
    CriterionSpec,
    ScoreError,
    item_scores,
    rank,
    tied,
    weighted_total,
    zscores,
)

CRITERIA = [CriterionSpec("innovation", 2, 0, 10), CriterionSpec("market", 1, 1, 5)]


def test_weighted_total_maps_each_scale_to_0_100():
    # innovation 10/10 → 1.0 (weight 2); market 3 on 1–5 → 0.5 (weight 1): (2·1 + 1·0.5)/3 = 0.8333
    assert weighted_total({"innovation": 10, "market": 3}, CRITERIA) == pytest.approx(83.3333, abs=1e-3)
    assert weighted_total({"innovation": 0, "market": 1}, CRITERIA) == 0
    assert weighted_total({"innovation": 10, "market": 5}, CRITERIA) == 100


def test_weights_are_relative():
    doubled = [CriterionSpec(c.key, c.weight * 2, c.scale_min, c.scale_max) for c in CRITERIA]
    scores = {"innovation": 7, "market": 2}
    assert weighted_total(scores, doubled) == pytest.approx(weighted_total(scores, CRITERIA))


@pytest.mark.parametrize(
    "scores", [{"innovation": 11, "market": 3}, {"innovation": 5, "market": 0}, {"innovation": 5}]
)
def test_a_score_outside_its_scale_or_missing_is_refused_naming_the_criterion(scores):
    with pytest.raises(ScoreError) as exc:
        weighted_total(scores, CRITERIA)
    assert exc.value.key in ("innovation", "market")


def test_zscores_against_each_reviewers_own_totals():
    rows = [("strict", "a", 40), ("strict", "b", 60), ("generous", "a", 80), ("generous", "b", 100)]
    z = zscores(rows)
    # Each reviewer put b one standard deviation above their mean and a one below.
    assert z[("strict", "a")] == pytest.approx(-1) and z[("generous", "a")] == pytest.approx(-1)
    assert z[("strict", "b")] == pytest.approx(1) and z[("generous", "b")] == pytest.approx(1)


def test_a_reviewer_without_spread_says_nothing():
    z = zscores([("single", "a", 70), ("flat", "a", 50), ("flat", "b", 50)])
    assert z == {("single", "a"): 0.0, ("flat", "a"): 0.0, ("flat", "b"): 0.0}


def test_zscore_normalisation_undoes_a_reviewers_generosity():
    # Raw means favour x (reviewed by the generous reviewer); z-scores see both as each reviewer's best.
    rows = [("g", "x", 95), ("g", "y1", 85), ("s", "z", 60), ("s", "y2", 40)]
    raw = item_scores(rows, normalisation="none")
    z = item_scores(rows, normalisation="zscore")
    assert raw["x"] > raw["z"]
    assert z["x"] == pytest.approx(z["z"])


def test_ranks_share_ties_and_skip():
    ranks = rank({"a": 90.0, "b": 85.0, "c": 85.0, "d": 70.0, "e": None})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None}
    assert tied(ranks) == {"b", "c"}


def test_floating_noise_is_not_a_difference():
    ranks = rank({"a": 0.1 + 0.2, "b": 0.3})
    assert ranks["a"] == ranks["b"] == 1


@given(st.dictionaries(st.integers(0, 30), st.one_of(st.none(), st.integers(0, 5).map(float)), max_size=20))
def test_rank_properties(values):
    ranks = rank(values)
    assert set(ranks) == set(values)
    scored = {k: v for k, v in values.items() if v is not None}
    for k, v in scored.items():
        # rank = 1 + number of items with a strictly higher value
        assert ranks[k] == 1 + sum(1 for w in scored.values() if w > v)
    assert all(ranks[k] is None for k, v in values.items() if v is None)


@given(
    st.lists(
        st.tuples(st.sampled_from("rst"), st.sampled_from("abcdef"), st.floats(0, 100, allow_nan=False)),
        min_size=1,
        max_size=30,
        unique_by=lambda row: (row[0], row[1]),
    )
)
def test_zscores_have_mean_zero_per_reviewer(rows):
    z = zscores(rows)
    for reviewer in {r for r, _i, _t in rows}:
        values = [z[(r, i)] for r, i, _t in rows if r == reviewer]
        assert math.isclose(sum(values) / len(values), 0.0, abs_tol=1e-9)
