"""Directory search through the one interface, on the database under test (SQLite FTS5 or
PostgreSQL full-text + pg_trgm): accents, prefixes, typos, ranking, filters, facets, visibility,
index maintenance by the database itself, and the mixed search of the portal."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count

from innohub.core.search import (
    SearchPaginator,
    count_results,
    search_info,
    text_filter,
    text_search,
)
from innohub.core.search.registry import registered
from innohub.core.search.schema import bulk_indexing, repair_indexes
from innohub.core.text import fold, normalise_name
from innohub.directory.filters import DirectoryFilters
from innohub.directory.models import Organisation, Person
from innohub.directory.selectors import organisation_facets, organisations_for, people_for, search_all
from innohub.directory.services import delete_organisation, update_organisation
from innohub.taxonomy.models import Province, Sector, Stage
from tests.api.utils import make_org, make_person

pytestmark = pytest.mark.django_db


def names(qs) -> list[str]:
    return [o.name for o in qs]


def found(q: str, user=None) -> list[str]:
    return names(organisations_for(user, DirectoryFilters(q=q)))


@pytest.fixture
def orgs(network):
    hanoi, danang = Province.objects.get(code="01"), Province.objects.get(code="48")
    c = network["hanoi"]
    return {
        "bk": make_org(c, "Đại học Bách khoa Hà Nội", kind="university", province=hanoi),
        "dn": make_org(c, "Vườn ươm Sông Hàn", kind="incubator", province=danang),
        "kn": make_org(c, "Trung tâm Khởi nghiệp Sáng tạo", kind="support_center", province=hanoi),
        "anh": make_org(c, "Anh Giang Robotics", kind="investor"),
        "ag": make_org(c, "Quỹ An Giang", kind="investor"),
    }


# --- matching ----------------------------------------------------------------------------------


def test_unaccented_and_accented_queries_find_the_accented_name(orgs):
    assert found("dai hoc bach khoa") == ["Đại học Bách khoa Hà Nội"]
    assert found("Đại học Bách Khoa") == ["Đại học Bách khoa Hà Nội"]
    assert found("ĐẠI HỌC") == ["Đại học Bách khoa Hà Nội"]


def test_d_with_stroke_folds_to_d_in_both_cases(orgs):
    # the province name (Thành phố Đà Nẵng) is part of the indexed text
    for q in ("đà nẵng", "da nang", "ĐÀ NẴNG", "Da Nang"):
        assert found(q) == ["Vườn ươm Sông Hàn"], q


def test_the_last_word_matches_as_a_prefix(orgs):
    assert found("khoi ng") == ["Trung tâm Khởi nghiệp Sáng tạo"]
    assert found("bach kh") == ["Đại học Bách khoa Hà Nội"]
    assert found("vuon u") == ["Vườn ươm Sông Hàn"]


def test_earlier_words_match_whole_words(orgs):
    assert found("an giang") == ["Quỹ An Giang"]  # not "Anh Giang"
    assert found("anh giang") == ["Anh Giang Robotics"]


def test_misspelt_words_are_corrected(orgs):
    assert found("bach khao") == ["Đại học Bách khoa Hà Nội"]  # transposed letters
    assert found("khoi ngheip") == ["Trung tâm Khởi nghiệp Sáng tạo"]
    assert found("vuon uomm") == ["Vườn ươm Sông Hàn"]
    assert search_info(organisations_for(None, DirectoryFilters(q="bach khao"))).relaxed is True
    assert search_info(organisations_for(None, DirectoryFilters(q="bach khoa"))).relaxed is False


def test_a_corrected_search_says_what_it_searched_for(orgs):
    info = search_info(organisations_for(None, DirectoryFilters(q="Bách khao")))
    assert info.relaxed and info.suggestion == "bach khoa"  # folded words, the misspelt one corrected
    info = search_info(organisations_for(None, DirectoryFilters(q="khoi ngheip sang")))
    assert info.relaxed and info.suggestion == "khoi nghiep sang"
    exact = search_info(organisations_for(None, DirectoryFilters(q="bach khoa")))
    assert not exact.relaxed and exact.suggestion == ""
    # text_filter (facets, exports) carries the same information
    narrowed = search_info(text_filter(Organisation.objects.all(), "bach khao"))
    assert narrowed.relaxed and narrowed.suggestion == "bach khoa"


def test_search_all_reports_corrected_results_only_when_every_type_was_corrected(network):
    make_org(network["hanoi"], "Đại học Bách khoa", kind="university")
    make_person(network["hanoi"], "Trần Bách", title="Giảng viên Bách khoa")
    corrected = search_all(None, "bach khao")
    # the corrected words as the results write them
    assert corrected.total == 2 and corrected.relaxed and corrected.suggestion == "Bách khoa"
    exact = search_all(None, "bach khoa")
    assert exact.total == 2 and not exact.relaxed and exact.suggestion == ""
    # "khao" is a person's name as typed, and only a misspelling for the organisations: the page
    # is not "results for similar words"
    make_person(network["hanoi"], "Nguyễn Khao")
    mixed = search_all(None, "khao")
    assert mixed.counts == {"organisation": 1, "person": 1}
    assert not mixed.relaxed and mixed.suggestion == ""


def test_no_match_is_an_empty_result_not_an_error(orgs):
    assert found("zzzzqqq") == []
    assert found("\"' OR NOT *") == []
    assert found("NEAR(a b) AND") == []


def test_korean_text_is_kept_and_searchable(network):
    org = make_org(network["hanoi"], "서울창업허브 Việt Nam", kind="foreign_partner")
    org.refresh_from_db()
    assert "서울창업허브" in org.search_text
    assert found("서울창업허브") == ["서울창업허브 Việt Nam"]
    assert found("서울") == ["서울창업허브 Việt Nam"]  # prefix of a Hangul word
    assert found("viet nam 서울창업허브") == ["서울창업허브 Việt Nam"]


# --- ranking -----------------------------------------------------------------------------------


def test_a_match_in_the_name_ranks_above_a_match_in_the_description(network):
    c = network["hanoi"]
    make_org(
        c,
        "Công ty Máy Nông nghiệp",
        kind="corporate",
        description_vi="Chúng tôi hợp tác nghiên cứu với đại học bách khoa về máy gặt lúa.",
    )
    make_org(c, "Bách Khoa Robotics", kind="corporate")
    assert found("bach khoa") == ["Bách Khoa Robotics", "Công ty Máy Nông nghiệp"]


def test_equal_relevance_is_ordered_by_name(network):
    c = network["hanoi"]
    make_org(c, "Sao Mai Beta", kind="corporate")
    make_org(c, "Sao Mai Alpha", kind="corporate")
    assert found("sao mai") == ["Sao Mai Alpha", "Sao Mai Beta"]


def test_broad_queries_are_newest_first_and_counted_up_to_a_cap(network, settings):
    settings.INNOHUB_SEARCH_RANK_LIMIT = 3
    created = [make_org(network["hanoi"], f"Hoa Sen {i}", kind="corporate") for i in range(5)]
    qs = organisations_for(None, DirectoryFilters(q="hoa sen"))
    assert search_info(qs).ranked is False
    assert [o.pk for o in qs] == sorted((o.pk for o in created), reverse=True)
    assert count_results(qs, cap=4) == (4, True)
    assert count_results(qs, cap=10) == (5, False)
    paginator = SearchPaginator(qs, 2, count_cap=4)
    assert (paginator.count, paginator.count_capped, paginator.num_pages) == (4, True, 2)
    settings.INNOHUB_SEARCH_RANK_LIMIT = 10
    ranked = organisations_for(None, DirectoryFilters(q="hoa sen"))
    assert search_info(ranked).ranked is True and count_results(ranked, cap=4) == (5, False)


# --- composition with filters, visibility and the ORM ---------------------------------------------


def test_structured_filters_combine_with_the_text_query(network, orgs):
    idea = Stage.objects.get(code="idea")
    make_org(network["haiphong"], "Sáng tạo Cảng Biển", kind="startup", stage=idea)

    def q(**kw):
        return sorted(names(organisations_for(None, DirectoryFilters(q="sang tao", **kw))))

    assert q() == ["Sáng tạo Cảng Biển", "Trung tâm Khởi nghiệp Sáng tạo"]
    assert q(kind=["startup"]) == ["Sáng tạo Cảng Biển"]
    assert q(stage=["idea"]) == ["Sáng tạo Cảng Biển"]
    assert q(province=["01"]) == ["Trung tâm Khởi nghiệp Sáng tạo"]
    assert q(center=["hai-phong"]) == ["Sáng tạo Cảng Biển"]
    assert q(center=["mien-bac"]) == ["Sáng tạo Cảng Biển", "Trung tâm Khởi nghiệp Sáng tạo"]


def test_search_never_returns_what_the_user_may_not_see(network, make_member):
    make_org(network["hanoi"], "Dự án Mật Ong Rừng", visibility="center")
    staff = make_member(network["hanoi"], "center_staff")
    outsider = make_member(network["haiphong"], "center_staff")
    assert found("mat ong") == []
    assert found("mat ong", outsider) == []
    assert found("mat ong", staff) == ["Dự án Mật Ong Rừng"]
    assert found("mat ongg") == []  # nor through the typo-tolerant path


def test_search_results_stay_an_ordinary_queryset(orgs):
    qs = text_search(Organisation.objects.all(), "giang")
    assert qs.count() == 2
    assert names(qs.filter(kind="investor").exclude(name__startswith="Quỹ")) == ["Anh Giang Robotics"]
    assert qs.exists() and len(qs[:1]) == 1
    # as a subquery (the index join is relabelled with the query's aliases)
    outer = Organisation.objects.filter(pk__in=qs.values("pk")).order_by("name")
    assert names(outer) == ["Anh Giang Robotics", "Quỹ An Giang"]
    matching = text_filter(Organisation.objects.all(), "giang").order_by()
    grouped = dict(matching.values_list("kind").annotate(n=Count("pk")))
    assert grouped == {"investor": 2}
    # structured filters (subqueries) after the search
    assert names(DirectoryFilters(kind=["investor"], province=["91"]).apply_structured(qs)) == []
    assert len(DirectoryFilters(kind=["investor"]).apply_structured(qs)) == 2
    # filtering twice means both must match
    assert names(text_search(qs, "anh")) == ["Anh Giang Robotics"]


def test_filters_resolve_codes_once_and_leave_plain_id_conditions(network, orgs, django_assert_num_queries):
    from dataclasses import replace

    from django.db.models import F

    from innohub.taxonomy.models import LegacyProvince

    merged = LegacyProvince.objects.exclude(code=F("province__code")).select_related("province").first()
    assert merged is not None
    org = make_org(network["hanoi"], "Hợp tác xã Chè Sạch", province=merged.province)
    filters = DirectoryFilters(province=[merged.code], center=["mien-bac"], stage=["idea", "no-such-stage"])
    with django_assert_num_queries(4):  # province, center slugs, center subtree, stage
        qs = filters.apply_structured(Organisation.objects.all())
    sql = str(qs.query)
    # the record query compares its own columns with ids: no join to the small tables
    for table in ("taxonomy_province", "taxonomy_stage", "centers_center"):
        assert table not in sql
    assert '"province_id" IN' in sql and '"center_id" IN' in sql and '"stage_id" IN' in sql
    # a former (pre-2025) code still finds the records of the province it became part of
    assert org in DirectoryFilters(province=[merged.code]).apply_structured(Organisation.objects.all())
    # the copies the facets make (one filter cleared) reuse what was resolved
    with django_assert_num_queries(0):
        replace(filters, stage=[]).apply_structured(Organisation.objects.all())
    # codes that resolve to nothing leave nothing, without a query on the records
    assert list(DirectoryFilters(province=["99"]).apply_structured(Organisation.objects.all())) == []
    assert (
        DirectoryFilters(center=["no-such-center"])
        .apply_structured(Organisation.objects.all())
        .query.is_empty()
    )


# --- the database keeps the index current ------------------------------------------------------


def test_service_updates_and_deletes_are_reflected(orgs):
    org = orgs["dn"]
    update_organisation(org, actor=None, name_vi="Vườn ươm Biển Xanh")
    assert found("bien xanh") == ["Vườn ươm Biển Xanh"]
    assert "Vườn ươm Biển Xanh" not in found("song han")
    delete_organisation(Organisation.objects.get(pk=org.pk), actor=None)
    assert "Vườn ươm Biển Xanh" not in found("bien xanh")
    assert found("vuon uom") == []


def test_rows_written_without_python_are_indexed(network):
    name = "Hợp tác xã Cà phê Buôn Ma Thuột"
    Organisation.objects.bulk_create(
        [
            Organisation(
                center=network["hanoi"],
                kind="corporate",
                name_vi=name,
                slug="htx-ca-phe",
                search_text=fold(name),
                name_key=normalise_name(name),
            )
        ]
    )
    assert found("ca phe buon ma") == [name]
    other = "Hợp tác xã Chè Thái Nguyên"
    Organisation.objects.filter(slug="htx-ca-phe").update(
        search_text=fold(other), name_key=normalise_name(other)
    )
    assert found("ca phe buon") == []
    assert found("che thai") == [name]
    assert found("che thaii") == [name]  # new words reach the vocabulary too
    Organisation.objects.filter(slug="htx-ca-phe").delete()
    assert found("che thai") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers")
def test_bulk_indexing_suspends_triggers_and_rebuilds_once(network):
    with bulk_indexing(Organisation):
        Organisation.objects.bulk_create(
            Organisation(
                center=network["hanoi"],
                kind="corporate",
                name_vi=f"Nhà máy Gạch {i}",
                slug=f"gach-{i}",
                search_text=fold(f"Nhà máy Gạch {i}"),
            )
            for i in range(3)
        )
    assert len(found("nha may gach")) == 3
    make_org(network["hanoi"], "Nhà máy Gạch Mới")  # triggers are back
    assert len(found("nha may gach")) == 4


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers")
def test_triggers_lost_to_a_table_rebuild_are_repaired(network):
    org = make_org(network["hanoi"], "Cơ khí Chính xác")
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "search_directory_organisation_au"')
    assert repair_indexes(connection, registered()) == ["search_directory_organisation"]
    update_organisation(org, actor=None, name_vi="Cơ khí Tự động")
    assert found("co khi tu dong") == ["Cơ khí Tự động"]
    assert repair_indexes(connection, registered()) == []


# --- people, facets, the mixed search ----------------------------------------------------------


def test_people_are_searched_the_same_way(network):
    make_person(network["hanoi"], "Nguyễn Thị Đào", title="Chuyên gia Trí tuệ Nhân tạo")
    make_person(network["hanoi"], "Trần Văn Bình", visibility="private")
    found_people = [p.full_name for p in people_for(None, DirectoryFilters(q="nguyen thi dao"))]
    assert found_people == ["Nguyễn Thị Đào"]
    assert [p.full_name for p in people_for(None, DirectoryFilters(q="tri tue nhan"))] == ["Nguyễn Thị Đào"]
    assert list(people_for(None, DirectoryFilters(q="tran van binh"))) == []
    assert isinstance(people_for(None, DirectoryFilters(q="dao")).first(), Person)


def test_facets_count_the_filtered_results_and_each_facet_ignores_its_own_filter(network):
    hanoi, danang = Province.objects.get(code="01"), Province.objects.get(code="48")
    software = Sector.objects.get(code="62")  # a division of section J
    idea = Stage.objects.get(code="idea")
    for i in range(3):
        make_org(network["hanoi"], f"Sao Việt {i}", kind="startup", province=hanoi, sectors=[software])
    make_org(network["hanoi"], "Sao Việt Idea", kind="startup", province=hanoi, stage=idea)
    make_org(network["haiphong"], "Quỹ Sao Việt", kind="investor", province=danang)
    make_org(network["hanoi"], "Không liên quan", kind="investor", province=danang)
    make_org(network["hanoi"], "Sao Việt Ẩn", kind="startup", province=danang, visibility="center")

    facets = organisation_facets(None, DirectoryFilters(q="sao viet"))
    assert [(f.value, f.count) for f in facets["kind"]] == [("startup", 4), ("investor", 1)]
    assert [(f.value, f.count) for f in facets["province"]] == [("01", 4), ("48", 1)]
    assert [(f.value, f.count) for f in facets["stage"]] == [("idea", 1)]
    assert [(f.value, f.count) for f in facets["sector"]] == [(software.parent.code, 3)]
    assert facets["center"].counts() == {"ha-noi": 4, "hai-phong": 1}
    assert facets["kind"][0].label and facets["province"].get("01") == 4 and facets["province"].get("99") == 0

    narrowed = organisation_facets(None, DirectoryFilters(q="sao viet", kind=["investor"]))
    assert narrowed["kind"].counts() == {"startup": 4, "investor": 1}  # its own filter is ignored
    assert narrowed["province"].counts() == {"48": 1}  # the others apply
    assert narrowed["sector"].counts() == {}


def test_search_all_mixes_organisations_and_people_best_first(network):
    make_org(network["hanoi"], "Sen Vàng Technology", kind="startup")
    make_org(network["hanoi"], "Công ty Gốm", kind="corporate", description_vi="Đối tác của sen vàng.")
    make_person(network["hanoi"], "Lê Sen Vàng", title="Nhà sáng lập")
    make_person(network["hanoi"], "Ẩn Danh Sen Vàng", visibility="private")

    results = search_all(None, "sen vang")
    assert results.counts == {"organisation": 2, "person": 1} and results.total == 3
    assert [h.type for h in results.hits].count("person") == 1
    assert results.hits[-1].title == "Công ty Gốm"  # a description-only match comes last
    person = next(h for h in results.hits if h.type == "person")
    assert person.subtitle == "Nhà sáng lập" and person.slug and person.score > 0

    only_people = search_all(None, "sen vang", types=["person"])
    assert [h.title for h in only_people.hits] == ["Lê Sen Vàng"]
    second = search_all(None, "sen vang", page=2, page_size=2)
    assert len(second.hits) == 1 and second.has_previous and not second.has_next
    assert search_all(None, "  ").hits == []
