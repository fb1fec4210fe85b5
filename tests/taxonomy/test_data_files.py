"""The shipped data files are complete and consistent (no database needed)."""

from __future__ import annotations

from collections import Counter, defaultdict

import pycountry

from innohub.taxonomy.loader import commune_rows, province_code, read_data, read_wards
from innohub.taxonomy.models import Region

# Resolution 202/2025/QH15: new province code -> former province codes merged into it.
MERGERS = {
    "08": {"02", "08"},  # Hà Giang + Tuyên Quang → Tuyên Quang
    "15": {"10", "15"},  # Lào Cai + Yên Bái → Lào Cai
    "19": {"06", "19"},  # Bắc Kạn + Thái Nguyên → Thái Nguyên
    "25": {"17", "25", "26"},  # Hòa Bình + Phú Thọ + Vĩnh Phúc → Phú Thọ
    "24": {"24", "27"},  # Bắc Giang + Bắc Ninh → Bắc Ninh
    "33": {"33", "34"},  # Hưng Yên + Thái Bình → Hưng Yên
    "31": {"30", "31"},  # Hải Dương + Hải Phòng → Hải Phòng
    "37": {"35", "36", "37"},  # Hà Nam + Nam Định + Ninh Bình → Ninh Bình
    "44": {"44", "45"},  # Quảng Bình + Quảng Trị → Quảng Trị
    "48": {"48", "49"},  # Đà Nẵng + Quảng Nam → Đà Nẵng
    "51": {"51", "62"},  # Quảng Ngãi + Kon Tum → Quảng Ngãi
    "52": {"52", "64"},  # Bình Định + Gia Lai → Gia Lai
    "56": {"56", "58"},  # Khánh Hòa + Ninh Thuận → Khánh Hòa
    "66": {"54", "66"},  # Phú Yên + Đắk Lắk → Đắk Lắk
    "68": {"60", "67", "68"},  # Bình Thuận + Đắk Nông + Lâm Đồng → Lâm Đồng
    "75": {"70", "75"},  # Bình Phước + Đồng Nai → Đồng Nai
    "79": {"74", "77", "79"},  # Bình Dương + Bà Rịa–Vũng Tàu + TP HCM → TP HCM
    "80": {"72", "80"},  # Tây Ninh + Long An → Tây Ninh
    "82": {"82", "87"},  # Tiền Giang + Đồng Tháp → Đồng Tháp
    "86": {"83", "84", "86"},  # Bến Tre + Trà Vinh + Vĩnh Long → Vĩnh Long
    "91": {"89", "91"},  # An Giang + Kiên Giang → An Giang
    "92": {"92", "93", "94"},  # Cần Thơ + Hậu Giang + Sóc Trăng → Cần Thơ
    "96": {"95", "96"},  # Bạc Liêu + Cà Mau → Cà Mau
}
UNCHANGED = {"01", "04", "11", "12", "14", "20", "22", "38", "40", "42", "46"}


def test_34_provinces_match_the_vietnam_provinces_package():
    shipped = {p["code"]: p for p in read_data("provinces")}
    package = {province_code(p["code"]): p for p in read_wards()}
    assert len(shipped) == 34
    assert set(shipped) == set(package)
    for code, row in shipped.items():
        assert row["name_vi"] == package[code]["name"]
        assert row["codename"] == package[code]["codename"]
        assert row["name_en"] and row["name_en"].isascii()


def test_provinces_have_a_region_and_a_centroid_inside_vietnam():
    rows = read_data("provinces")
    assert {p["region"] for p in rows} == set(Region.values)
    for p in rows:
        assert 8.3 <= p["latitude"] <= 23.4, p["code"]
        assert 102.1 <= p["longitude"] <= 109.5, p["code"]
    per_region = Counter(p["region"] for p in rows)
    assert per_region[Region.SOUTHEAST] == 3 and per_region[Region.MEKONG_DELTA] == 5


def test_63_former_provinces_each_map_to_exactly_one_new_province():
    legacy = read_data("legacy_provinces")
    new_codes = {p["code"] for p in read_data("provinces")}
    assert len(legacy) == 63
    assert len({r["code"] for r in legacy}) == 63
    assert len({r["codename"] for r in legacy}) == 63
    assert all(r["province"] in new_codes for r in legacy)
    assert {r["province"] for r in legacy} == new_codes  # every new province absorbed someone


def test_mapping_follows_resolution_202_2025():
    merged_into: dict[str, set[str]] = defaultdict(set)
    for r in read_data("legacy_provinces"):
        merged_into[r["province"]].add(r["code"])
    expected = {**MERGERS, **{code: {code} for code in UNCHANGED}}
    assert dict(merged_into) == expected
    assert len(UNCHANGED) == 11


def test_former_codes_are_the_gso_codes():
    names = {r["code"]: r["name_vi"] for r in read_data("legacy_provinces")}
    assert names["02"] == "Hà Giang"
    assert names["74"] == "Bình Dương"
    assert names["77"] == "Bà Rịa - Vũng Tàu"
    assert names["30"] == "Hải Dương"
    assert names["96"] == "Cà Mau"
    assert names["46"] == "Thành phố Huế"


def test_communes_come_from_the_package_with_five_digit_codes():
    rows = commune_rows({p["code"]: i for i, p in enumerate(read_data("provinces"))})
    assert len(rows) > 3000
    assert len({r["code"] for r in rows}) == len(rows)
    assert all(len(r["code"]) == 5 and r["code"].isdigit() for r in rows)
    assert {r["division_type"] for r in rows} <= {"xã", "phường", "đặc khu"}


def test_vsic_sections_and_divisions():
    rows = read_data("sectors")
    sections = [r for r in rows if r["level"] == 1]
    divisions = [r for r in rows if r["level"] == 2]
    assert [s["code"] for s in sections] == list("ABCDEFGHIJKLMNOPQRSTU")
    assert len(divisions) == 88
    section_codes = {s["code"] for s in sections}
    assert all(d["parent"] in section_codes for d in divisions)
    assert all(r["isic_code"] == r["code"] for r in rows)
    by_code = {r["code"]: r for r in rows}
    assert by_code["62"]["parent"] == "J"
    assert by_code["72"]["parent"] == "M"
    assert by_code["10"]["parent"] == "C" and by_code["33"]["parent"] == "C"
    assert all(r["name_vi"] and r["name_en"] for r in rows)


def test_science_fields_six_level_one_with_subfields():
    rows = read_data("science_fields")
    level1 = [r for r in rows if r["level"] == 1]
    assert [r["code"] for r in level1] == ["1", "2", "3", "4", "5", "6"]
    subfields = [r for r in rows if r["level"] == 2]
    assert all(r["code"].startswith(r["parent"]) and len(r["code"]) == 3 for r in subfields)
    assert {r["parent"] for r in subfields} == {"1", "2", "3", "4", "5", "6"}
    assert {r["code"] for r in subfields} >= {"101", "102", "202", "301", "502", "699"}


def test_readiness_levels_and_stages():
    assert [r["level"] for r in read_data("readiness_levels")] == list(range(1, 10))
    assert [s["code"] for s in read_data("stages")] == [
        "idea",
        "prototype",
        "mvp",
        "early",
        "growth",
        "scale",
        "mature",
    ]


def test_country_overrides_are_iso_codes_and_cover_key_partners():
    overrides = {r["iso2"]: r for r in read_data("countries")}
    iso = {c.alpha_2 for c in pycountry.countries}
    assert set(overrides) <= iso
    asean = {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"}
    eu = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"}
    eu |= {"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
    partners = asean | eu | {"KR", "IL", "JP", "CN", "US", "GB", "AU", "IN", "CA"}
    with_vi = {k for k, r in overrides.items() if r.get("name_vi")}
    assert partners <= with_vi
    assert len(with_vi) >= 40
