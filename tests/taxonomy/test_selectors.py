from __future__ import annotations

import pytest

from innohub.taxonomy import selectors
from innohub.taxonomy.models import Province

pytestmark = pytest.mark.django_db


def test_provinces_are_34_in_code_order_and_cached(django_assert_num_queries):
    first = selectors.provinces()
    assert len(first) == 34
    assert [p.code for p in first] == sorted(p.code for p in first)
    with django_assert_num_queries(1):  # the former provinces, once, to build the code index
        selectors.province_by_code("74")
    with django_assert_num_queries(0):
        assert selectors.provinces() is first
        for code in ("79", "74", "01", "02"):
            assert selectors.province_by_code(code) in first


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("79", "79"),
        ("01", "01"),
        (1, "01"),
        ("1", "01"),
        (" 02 ", "08"),  # Hà Giang (former) → Tuyên Quang
        ("74", "79"),  # Bình Dương (former) → TP Hồ Chí Minh
        ("27", "24"),  # Bắc Ninh (former code) → Bắc Ninh (new code 24)
        ("45", "44"),  # Quảng Trị (former code) → Quảng Trị (new code 44)
        ("64", "52"),  # Gia Lai (former code) → Gia Lai (new code 52)
        ("89", "91"),  # An Giang (former code) → An Giang (new code 91)
    ],
)
def test_province_by_code_accepts_new_and_former_codes(code, expected):
    province = selectors.province_by_code(code)
    assert province is not None
    assert province.code == expected


@pytest.mark.parametrize("code", ["", None, "03", "99", "xx"])
def test_province_by_code_unknown(code):
    assert selectors.province_by_code(code) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hà Nội", "01"),
        ("TP. Hồ Chí Minh", "79"),
        ("Tỉnh Bình Dương", "79"),
        ("ba ria vung tau", "79"),
        ("Bà Rịa – Vũng Tàu", "79"),
        ("Thừa Thiên Huế", "46"),
        ("Ha Giang Province", "08"),
        ("Đăk Nông", "68"),
        ("Hoà Bình", "25"),
        ("Thành phố Cần Thơ", "92"),
        ("Can Tho City", "92"),
    ],
)
def test_province_by_name_understands_former_names_and_spellings(name, expected):
    province = selectors.province_by_name(name)
    assert province is not None and province.code == expected


def test_province_by_name_unknown():
    assert selectors.province_by_name("Gotham") is None
    assert selectors.province_by_name("") is None


def test_legacy_province_by_code():
    legacy = selectors.legacy_province_by_code("2")
    assert legacy is not None and legacy.name_vi == "Hà Giang" and legacy.province.code == "08"


def test_saving_a_province_refreshes_the_cached_copy():
    assert selectors.province_by_code("46").name_en == "Hue City"
    hue = Province.objects.get(code="46")
    hue.name_en = "Hue"
    hue.save()
    assert selectors.province_by_code("46").name_en == "Hue"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("C", "C"), ("j", "J"), ("62", "62"), ("6201", "62"), ("62010", "62"), ("C10", "10"), ("1", "01")],
)
def test_sector_by_code(code, expected):
    sector = selectors.sector_by_code(code)
    assert sector is not None and sector.code == expected


@pytest.mark.parametrize("code", ["", None, "V", "04", "ZZ9"])
def test_sector_by_code_unknown(code):
    assert selectors.sector_by_code(code) is None


def test_sector_levels():
    assert len(selectors.sectors(level=1)) == 21
    assert len(selectors.sectors(level=2)) == 88


def test_stages_in_order_and_by_code():
    assert [s.code for s in selectors.stages()] == [
        "idea",
        "prototype",
        "mvp",
        "early",
        "growth",
        "scale",
        "mature",
    ]
    assert selectors.stage_by_code("MVP").code == "mvp"
    assert selectors.stage_by_code("unicorn") is None


def test_readiness_level_and_science_field_lookups():
    assert selectors.readiness_level("TRL 4").level == 4
    assert selectors.readiness_level(10) is None
    assert selectors.science_field_by_code("202").parent.code == "2"
    assert len(selectors.science_fields(level=1)) == 6


def test_country_by_code():
    assert selectors.country_by_code("kr").name_vi == "Hàn Quốc"
    assert selectors.country_by_code("ISR").iso2 == "IL"
    assert selectors.country_by_code("XX") is None
    assert selectors.country_by_code("Korea") is None


def test_communes_of_a_province():
    hanoi = selectors.province_by_code("01")
    names = list(selectors.communes_of(hanoi).values_list("name", flat=True))
    assert "Phường Hoàn Kiếm" in names
    assert names == sorted(names)
