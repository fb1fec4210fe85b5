"""The search reads its index once (ranked ids, counted under the queryset's filters) and pages,
counts and further filters stay exact; the bulk indexing API; PostgreSQL's index expression."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from innohub.core import search
from innohub.core.search import (
    SearchPaginator,
    count_exact,
    count_results,
    search_info,
    text_filter,
    text_search,
)
from innohub.core.search.schema import PG_PUNCTUATION_CLASS, PUNCTUATION
from innohub.core.text import fold, normalise_name
from innohub.directory.filters import DirectoryFilters
from innohub.directory.models import Organisation
from innohub.directory.selectors import organisation_facets, organisations_for
from innohub.taxonomy.models import Province
from tests.api.utils import make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def lotus(network):
    """Five "Hoa Sen" organisations, two of them in Hai Phong (31), one seen only by its center."""
    haiphong = Province.objects.get(code="31")
    c = network["hanoi"]
    return [
        make_org(c, "Hoa Sen Alpha", kind="startup"),
        make_org(c, "Hoa Sen Beta", kind="investor", province=haiphong),
        make_org(c, "Hoa Sen Gamma", kind="startup", province=haiphong),
        make_org(c, "Hoa Sen Delta", kind="corporate"),
        make_org(c, "Hoa Sen Epsilon", kind="startup", visibility="center"),
    ]


def search_page(q: str, user=None, **filters):
    qs = organisations_for(user, DirectoryFilters(q=q, **filters))
    paginator = SearchPaginator(qs, 2)
    page = paginator.page(1)
    return qs, paginator, [o.name for o in page.object_list]


def test_a_ranked_search_counts_without_another_query(lotus, django_assert_num_queries):
    qs = organisations_for(None, DirectoryFilters(q="hoa sen"))
    info = search_info(qs)
    assert info.ranked and info.hits == 4  # visibility applied: the center-only one is not counted
    with django_assert_num_queries(0):
        assert count_results(qs) == (4, False)
        assert SearchPaginator(qs, 2).num_pages == 2


def test_a_search_page_costs_the_same_few_queries(lotus, django_assert_max_num_queries):
    # index count (SQLite) + ranked match + page + tags of the page; no count query
    with django_assert_max_num_queries(4):
        _qs, paginator, names = search_page("hoa sen")
        assert paginator.count == 4 and len(names) == 2


def test_filters_that_leave_few_matches_make_a_broad_query_ranked(lotus, settings):
    settings.INNOHUB_SEARCH_RANK_LIMIT = 3
    broad = organisations_for(None, DirectoryFilters(q="hoa sen"))
    assert search_info(broad).ranked is False  # 4 visible matches > 3
    assert [o.name for o in broad] == ["Hoa Sen Delta", "Hoa Sen Gamma", "Hoa Sen Beta", "Hoa Sen Alpha"]
    narrowed = organisations_for(None, DirectoryFilters(q="hoa sen", province=["31"]))
    info = search_info(narrowed)
    assert info.ranked is True and info.hits == 2
    assert [o.name for o in narrowed] == ["Hoa Sen Beta", "Hoa Sen Gamma"]  # equal relevance: by name
    assert count_results(narrowed) == (2, False)


def test_broad_filtered_queries_are_newest_first_and_capped(lotus, settings):
    settings.INNOHUB_SEARCH_RANK_LIMIT = 1
    qs = organisations_for(None, DirectoryFilters(q="hoa sen", kind=["startup", "corporate"]))
    assert search_info(qs).ranked is False
    assert [o.name for o in qs] == ["Hoa Sen Delta", "Hoa Sen Gamma", "Hoa Sen Alpha"]
    assert count_results(qs, cap=2) == (2, True)
    assert count_results(qs, cap=1) == (1, True)
    assert count_results(qs, cap=10) == (3, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")
def test_broad_searches_walk_the_newest_rows_only_for_a_page(lotus, settings):
    """A page (sliced) walks the primary key backwards testing each row; an exact count, a grouping
    or a whole read uses the GIN index instead of testing every row of the table."""
    from django.test.utils import CaptureQueriesContext

    settings.INNOHUB_SEARCH_RANK_LIMIT = 1
    qs = organisations_for(None, DirectoryFilters(q="hoa sen"))
    assert search_info(qs).ranked is False
    with CaptureQueriesContext(connection) as ctx:
        page = [o.name for o in qs[:2]]
        count = qs.count()
        everything = [o.name for o in qs]
        capped = count_results(qs.filter(kind="startup"), cap=1)
    sqls = [q["sql"] for q in ctx.captured_queries if "_prefetch_related_val" not in q["sql"]]  # not tags
    page_sql, count_sql, all_sql, capped_sql = sqls
    assert "ts_match_vq(" in page_sql and "@@" not in page_sql
    assert "@@" in count_sql and "ts_match_vq(" not in count_sql
    assert "@@" in all_sql and "ts_match_vq(" not in all_sql
    assert "ts_match_vq(" in capped_sql  # a capped count stops early too
    # the same rows either way
    assert page == everything[:2] and count == len(everything) == 4
    assert capped == (1, True)


def test_exact_counts_take_a_ranked_search_s_own_count(lotus, settings, django_assert_num_queries):
    ranked = organisations_for(None, DirectoryFilters(q="hoa sen"))
    with django_assert_num_queries(0):
        assert count_exact(ranked) == 4
    with django_assert_num_queries(1):  # filtered further: counted
        assert count_exact(ranked.filter(kind="startup")) == 2
    settings.INNOHUB_SEARCH_RANK_LIMIT = 1
    broad = organisations_for(None, DirectoryFilters(q="hoa sen"))
    assert search_info(broad).ranked is False
    with django_assert_num_queries(1):  # a broad search knows only that it passed the cap
        assert count_exact(broad) == 4


def test_pages_of_a_ranked_search_are_slices_of_its_whole_order(network):
    c = network["hanoi"]
    for i in range(12):
        make_org(c, f"Cây Tre {i:02d}", kind="startup" if i % 3 else "investor")
    qs = text_search(Organisation.objects.all(), "cay tre")
    whole = [o.pk for o in qs]
    assert len(whole) == 12
    assert [o.pk for o in qs[0:5]] == whole[0:5]
    assert [o.pk for o in qs[5:10]] == whole[5:10]
    assert qs[11].pk == whole[11]
    # filtered after the search: the page is still the first matches of the filtered list
    investors = [o.pk for o in qs if o.kind == "investor"]
    assert [o.pk for o in qs.filter(kind="investor")[:2]] == investors[:2]
    assert count_results(qs.filter(kind="investor")) == (len(investors), False)
    # re-ordered: every match can come first
    assert [o.pk for o in qs.order_by("-name")[:1]] == [max(qs, key=lambda o: o.name).pk]
    assert qs.reverse()[0].pk == whole[-1]


def test_counts_after_further_filters_are_not_taken_from_the_search(lotus):
    qs = organisations_for(None, DirectoryFilters(q="hoa sen"))
    assert count_results(qs.filter(kind="startup")) == (2, False)
    assert count_results(qs.exclude(kind="startup")) == (2, False)
    assert count_results(qs.none()) == (0, False)
    assert count_results(qs[:1]) == (1, False)


def test_no_match_reads_nothing_more(lotus, django_assert_num_queries):
    qs = organisations_for(None, DirectoryFilters(q="hoa sen", province=["01"]))
    assert search_info(qs).hits == 0
    with django_assert_num_queries(0):
        assert list(qs) == [] and count_results(qs) == (0, False)


def test_facets_of_ranked_and_broad_searches_agree(lotus, settings):
    ranked = organisation_facets(None, DirectoryFilters(q="hoa sen"))
    settings.INNOHUB_SEARCH_RANK_LIMIT = 1
    broad = organisation_facets(None, DirectoryFilters(q="hoa sen"))
    assert ranked["kind"].counts() == broad["kind"].counts() == {"startup": 2, "investor": 1, "corporate": 1}
    assert ranked["province"].counts() == broad["province"].counts() == {"31": 2}


def test_querysets_that_match_nothing_are_searched_without_error(lotus):
    for empty in (Organisation.objects.none(), Organisation.objects.filter(pk__in=[])):
        qs = text_search(empty, "hoa sen")
        assert list(qs) == [] and count_results(qs) == (0, False)
        assert list(text_filter(empty, "hoa sen")) == []


def test_text_filter_narrows_to_the_same_records(lotus):
    assert {o.pk for o in text_filter(Organisation.objects.all(), "hoa sen gamma")} == {lotus[2].pk}


# --- bulk indexing API ---------------------------------------------------------------------------


def _raw_org(center, name: str, slug: str) -> Organisation:
    return Organisation(
        center=center,
        kind="corporate",
        name_vi=name,
        slug=slug,
        search_text=fold(name),
        name_key=normalise_name(name),
    )


def found(q: str) -> list[str]:
    return sorted(o.name for o in text_search(Organisation.objects.all(), q))


def test_records_inserted_under_deferred_indexes_are_searchable_after_it(network):
    with transaction.atomic(), search.deferred_indexes(Organisation):
        Organisation.objects.bulk_create(
            _raw_org(network["hanoi"], f"Lò Gốm Bát Tràng {i}", f"gom-{i}") for i in range(3)
        )
    assert len(found("lo gom bat trang")) == 3
    assert found("lo gom bat trnag") == found("lo gom bat trang")  # their words reached the vocabulary
    make_org(network["hanoi"], "Lò Gốm Chu Đậu")  # indexed one by one again
    assert len(found("lo gom")) == 4


def test_deferred_indexes_roll_back_with_the_transaction(network):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic(), search.deferred_indexes(Organisation):
        Organisation.objects.bulk_create([_raw_org(network["hanoi"], "Nước Mắm Phú Quốc", "mam")])
        raise Boom
    assert found("nuoc mam") == []
    make_org(network["hanoi"], "Nước Mắm Cát Hải")
    assert found("nuoc mam") == ["Nước Mắm Cát Hải"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers")
def test_bulk_index_adds_records_inserted_without_triggers(network):
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "search_directory_organisation_ai"')
    org = Organisation.objects.create(
        **{
            f.attname: getattr(_raw_org(network["hanoi"], "Chè Shan Tuyết", "che"), f.attname)
            for f in Organisation._meta.concrete_fields
            if not f.primary_key and f.attname not in ("uuid", "created_at", "updated_at")
        }
    )
    assert found("che shan") == []
    search.bulk_index(Organisation, [org.pk])
    assert found("che shan") == ["Chè Shan Tuyết"]
    assert found("che shna") == ["Chè Shan Tuyết"]


# --- PostgreSQL ----------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")
def test_the_vector_expression_replaces_punctuation_like_translate():
    text = "".join(chr(i) for i in range(1, 128)) + " Đại học ĐÀ nẵng 서울 – “x” … ß r&d e-commerce a.b@c.vn"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT translate(%s, %s, %s) = regexp_replace(%s, %s, ' ', 'g')",
            [text, PUNCTUATION, " " * len(PUNCTUATION), text, PG_PUNCTUATION_CLASS],
        )
        assert cursor.fetchone()[0] is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")
def test_connections_do_not_jit_compile():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
