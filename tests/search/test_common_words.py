"""Word frequencies for spelling corrections: PostgreSQL answers the words its statistics know to be
far above the counting cap from them, and counts only the others."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from innohub.core.search import backends
from innohub.core.search.backends import CommonWords, PostgresEngine, common_words
from innohub.core.search.query import Alternative
from innohub.core.search.registry import spec_for
from innohub.directory.models import Organisation
from tests.api.utils import make_org


def test_common_words_estimate_words_and_prefixes():
    common = CommonWords(("cong", "cong_ty", "dien", "dieu", "vat"), (900.0, 10.0, 400.0, 1200.0, 50.0))
    assert common.at_least("dien") == 400.0
    assert common.at_least("die") == 0.0  # not a listed word
    # a prefix matches at least the rows of its most common listed word
    assert common.at_least("die", prefix=True) == 1200.0
    assert common.at_least("cong", prefix=True) == 900.0
    assert common.at_least("x", prefix=True) == 0.0
    assert common.at_least("zzz") == 0.0
    assert CommonWords().at_least("a", prefix=True) == 0.0


pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statistics")


@pytest.fixture
def fresh_stats():
    backends._common_cache.clear()
    yield
    backends._common_cache.clear()


def _counts(queries) -> list[str]:
    return [q["sql"] for q in queries if "count(*)" in q["sql"]]


@pg_only
@pytest.mark.django_db
def test_common_words_come_from_the_statistics(network, monkeypatch, fresh_stats, django_assert_num_queries):
    monkeypatch.setattr(backends, "STATS_MIN_ROWS", 10)
    c = network["hanoi"]
    for i in range(40):
        make_org(c, f"Hoa Sen {i}" if i < 30 else f"Mekong {i}")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Organisation._meta.db_table}")
    common = common_words(connection, Organisation._meta.db_table)
    assert common.at_least("sen") == pytest.approx(30, abs=1)
    assert common.at_least("ho", prefix=True) == pytest.approx(30, abs=1)
    assert common.at_least("mekong") == pytest.approx(10, abs=1)

    engine = PostgresEngine(spec_for(Organisation), "default")
    sen, mekong, rare = Alternative("sen"), Alternative("mekong"), Alternative("khong")
    with CaptureQueriesContext(connection) as ctx:
        # 30 ≥ 2 × 10: answered from the statistics; 10 is too close to the cap: counted
        freq = engine.frequencies([sen, mekong, rare], 10)
    assert freq == {sen: 10, mekong: 10, rare: 0}
    counted = " ".join(_counts(ctx.captured_queries))
    assert counted.count("to_tsquery") == 2  # two counts in one statement: mekong and khong
    assert "mekong" in counted and "khong" in counted and "'sen'" not in counted
    with django_assert_num_queries(0):  # the statistics are kept by the process
        assert engine.frequencies([sen], 10) == {sen: 10}


@pg_only
@pytest.mark.django_db
def test_small_tables_are_counted(network, fresh_stats):
    c = network["hanoi"]
    for i in range(12):
        make_org(c, f"Hoa Sen {i}")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Organisation._meta.db_table}")
    assert common_words(connection, Organisation._meta.db_table) == CommonWords()
    engine = PostgresEngine(spec_for(Organisation), "default")
    assert engine.frequencies([Alternative("sen")], 5) == {Alternative("sen"): 5}
    assert engine.frequencies([Alternative("sen")], 100) == {Alternative("sen"): 12}
