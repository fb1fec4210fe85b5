"""The affinity matrix (programs/affinity.py): taxonomy overlap, TF-IDF text similarity, bids."""

from __future__ import annotations

import numpy as np
import pytest

from innohub.programs.affinity import (
    WEIGHTS,
    build_affinity,
    code_match,
    matrix_hash,
    taxonomy_overlap,
    terms,
    tfidf_cosine,
)
from innohub.programs.models import Bid
from innohub.taxonomy.models import Sector
from tests.factories import PersonFactory
from tests.programs.review_world import make_world


def test_code_match_exact_sibling_parent():
    assert code_match(("62", "J"), ("62", "J")) == 1
    assert code_match(("62", "J"), ("63", "J")) == 0.5  # same section
    assert code_match(("62", "J"), ("J", "")) == 0.5  # the section itself
    assert code_match(("62", "J"), ("01", "A")) == 0


def test_taxonomy_overlap_is_coverage_of_the_items_codes():
    items = [{("62", "J"), ("01", "A")}, set()]
    reviewers = [{("62", "J")}, {("63", "J"), ("01", "A")}, set()]
    out = taxonomy_overlap(items, reviewers)
    assert out.tolist() == [[0.5, 0.75, 0.0], [0.0, 0.0, 0.0]]


def test_terms_fold_vietnamese_and_add_bigrams():
    assert terms("Nông nghiệp thông minh") == [
        "nong",
        "nghiep",
        "thong",
        "minh",
        "nong_nghiep",
        "nghiep_thong",
        "thong_minh",
    ]


def test_tfidf_prefers_the_matching_expert_with_or_without_accents():
    items = [
        "Ứng dụng trí tuệ nhân tạo trong nông nghiệp thông minh",
        "Thanh toán điện tử cho cửa hàng bán lẻ",
    ]
    reviewers = ["chuyen gia nong nghiep thong minh va tri tue nhan tao", "Fintech, thanh toán, ngân hàng số"]
    sim = tfidf_cosine(items, reviewers)
    assert sim.shape == (2, 2)
    assert sim[0, 0] > sim[0, 1] and sim[1, 1] > sim[1, 0]
    assert np.all((sim >= 0) & (sim <= 1))
    assert tfidf_cosine([""], ["x"]).tolist() == [[0.0]]
    assert tfidf_cosine([], ["x"]).shape == (0, 1)


def test_matrix_hash_is_stable_and_sensitive():
    m = np.array([[0.1, 0.2], [0.3, 0.4]])
    assert matrix_hash(m) == matrix_hash(m.copy())
    assert matrix_hash(m) != matrix_hash(m + 1e-6)


@pytest.mark.django_db
def test_build_affinity_combines_expertise_text_and_bids(django_assert_max_num_queries):
    world = make_world(applications=2, reviewers=3)
    a0, a1 = world.applications
    ict, retail = Sector.objects.get(code="62"), Sector.objects.get(code="47")
    a0.organisation.sectors.set([ict])
    a0.organisation.description = "Nền tảng phần mềm quản lý trang trại"
    a0.organisation.save()
    a1.organisation.sectors.set([retail])
    r_ict, r_retail, r_none = world.reviewers
    PersonFactory(center=world.center, user=r_ict, bio="Chuyên gia phần mềm").sectors.set([ict])
    PersonFactory(center=world.center, user=r_retail, bio="Bán lẻ").sectors.set([retail])
    Bid.objects.create(round=world.round, application=a1, reviewer=r_none, value=2)
    with django_assert_max_num_queries(12):
        aff = build_affinity(world.round, [a0.pk, a1.pk], [r.pk for r in world.reviewers])
    m = aff.matrix
    assert m.shape == (2, 3)
    assert m[0, 0] > m[0, 1] and m[1, 1] > m[1, 0]
    assert aff.explain(0, 0)["sector"] == 1.0
    assert aff.explain(1, 2)["bid"] == 2.0
    assert m[1, 2] == pytest.approx(WEIGHTS["bid"])  # no profile: the bid alone
