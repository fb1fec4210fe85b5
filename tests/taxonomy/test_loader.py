"""What `migrate` leaves in every database, and that loading again is safe."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from innohub.taxonomy.loader import load_all, read_wards
from innohub.taxonomy.models import (
    Commune,
    Country,
    LegacyProvince,
    Province,
    ReadinessLevel,
    ScienceField,
    Sector,
    Stage,
)

pytestmark = pytest.mark.django_db

WARDS = sum(len(p["wards"]) for p in read_wards())


def _counts() -> dict[str, int]:
    return {
        "provinces": Province.objects.count(),
        "legacy_provinces": LegacyProvince.objects.count(),
        "communes": Commune.objects.count(),
        "sectors": Sector.objects.count(),
        "science_fields": ScienceField.objects.count(),
        "readiness_levels": ReadinessLevel.objects.count(),
        "stages": Stage.objects.count(),
        "countries": Country.objects.count(),
    }


def test_migrate_loads_every_taxonomy():
    assert _counts() == {
        "provinces": 34,
        "legacy_provinces": 63,
        "communes": WARDS,
        "sectors": 21 + 88,
        "science_fields": 52,
        "readiness_levels": 9,
        "stages": 7,
        "countries": 249,
    }


def test_every_former_province_maps_to_one_of_the_34():
    assert not LegacyProvince.objects.filter(province__isnull=True).exists()
    assert LegacyProvince.objects.values("province").distinct().count() == 34


@pytest.mark.parametrize(
    ("legacy_code", "new_code", "new_name"),
    [
        ("02", "08", "Tuyên Quang"),  # Hà Giang
        ("74", "79", "Thành phố Hồ Chí Minh"),  # Bình Dương
        ("77", "79", "Thành phố Hồ Chí Minh"),  # Bà Rịa - Vũng Tàu
        ("30", "31", "Thành phố Hải Phòng"),  # Hải Dương
        ("06", "19", "Thái Nguyên"),  # Bắc Kạn
        ("36", "37", "Ninh Bình"),  # Nam Định
        ("01", "01", "Thành phố Hà Nội"),  # unchanged
    ],
)
def test_spot_checks_of_the_2025_merger(legacy_code, new_code, new_name):
    legacy = LegacyProvince.objects.select_related("province").get(code=legacy_code)
    assert legacy.province.code == new_code
    assert legacy.province.name_vi == new_name


def test_names_follow_the_active_language():
    hcmc = Province.objects.get(code="79")
    with translation.override("en"):
        assert str(hcmc) == "Ho Chi Minh City"
    with translation.override("vi"):
        assert str(hcmc) == "Thành phố Hồ Chí Minh"
    assert hcmc.region == "southeast"
    assert hcmc.latitude == pytest.approx(10.85, abs=0.5)


def test_vsic_divisions_point_at_their_section():
    assert Sector.objects.filter(level=1).count() == 21
    assert not Sector.objects.filter(level=2, parent__isnull=True).exists()
    assert not Sector.objects.filter(level=1, parent__isnull=False).exists()
    it = Sector.objects.get(code="62")
    assert it.parent.code == "J"
    assert it.isic_code == "62"
    assert it.name_en == "Computer programming, consultancy and related activities"
    assert Sector.objects.get(code="J").children.count() == 6


def test_science_fields_and_readiness_levels():
    assert ScienceField.objects.filter(level=1).count() == 6
    assert ScienceField.objects.get(code="102").parent.code == "1"
    levels = list(ReadinessLevel.objects.values_list("level", flat=True))
    assert levels == list(range(1, 10))
    trl9 = ReadinessLevel.objects.get(level=9)
    assert trl9.name_vi and trl9.name_en and trl9.description_vi and trl9.description_en


def test_countries_have_vietnamese_names_or_fall_back_to_english():
    korea = Country.objects.get(iso2="KR")
    assert (korea.iso3, korea.numeric, korea.name_vi, korea.name_en) == (
        "KOR",
        "410",
        "Hàn Quốc",
        "South Korea",
    )
    peru = Country.objects.get(iso2="PE")
    assert peru.name_vi == peru.name_en == "Peru"


def test_communes_belong_to_their_province():
    ward = Commune.objects.select_related("province").get(code="00004")
    assert ward.name == "Phường Ba Đình"
    assert ward.province.code == "01"
    assert Province.objects.get(code="79").communes.count() > 100


def test_loader_is_idempotent():
    before = _counts()
    ids_before = dict(Province.objects.values_list("code", "pk"))
    out = io.StringIO()
    first = load_all(out)
    second = load_all(out)
    assert first == second == before
    assert _counts() == before
    assert dict(Province.objects.values_list("code", "pk")) == ids_before
    assert "created" in out.getvalue()
    assert all("(0 created, 0 updated)" in line for line in out.getvalue().splitlines())


def test_loader_repairs_edited_rows_and_restores_missing_ones():
    Province.objects.filter(code="79").update(name_en="Saigon", region="")
    Stage.objects.filter(code="scale").delete()
    Commune.objects.filter(code="00004").delete()

    out = io.StringIO()
    load_all(out)

    hcmc = Province.objects.get(code="79")
    assert (hcmc.name_en, hcmc.region) == ("Ho Chi Minh City", "southeast")
    assert Stage.objects.filter(code="scale").exists()
    assert Commune.objects.filter(code="00004", province__code="01").exists()
    assert "provinces: 34 (0 created, 1 updated)" in out.getvalue()


def test_loader_keeps_rows_that_are_not_in_the_data():
    Stage.objects.create(code="zombie", order=99, name="Xác sống", name_vi="Xác sống", name_en="Zombie")
    load_all()
    assert Stage.objects.filter(code="zombie").exists()


def test_command_prints_counts_and_can_skip_communes():
    Commune.objects.filter(province__code="96").delete()
    out = io.StringIO()
    call_command("load_taxonomies", "--skip-communes", stdout=out)
    text = out.getvalue()
    assert "provinces: 34" in text and "legacy_provinces: 63" in text and "sectors: 109" in text
    assert "communes" not in text
    assert not Commune.objects.filter(province__code="96").exists()

    call_command("load_taxonomies", stdout=io.StringIO())
    assert Commune.objects.filter(province__code="96").count() > 50


@pytest.mark.django_db(transaction=True)
def test_flush_reloads_taxonomies():
    """Transactional tests flush every table; the next test must still find the reference data."""
    call_command("flush", interactive=False, verbosity=0)
    assert Province.objects.count() == 34
    assert LegacyProvince.objects.get(code="02").province.code == "08"
    assert Commune.objects.count() == WARDS
