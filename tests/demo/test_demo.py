"""`innohub demo`: the center network, spread, validity and determinism of the generated ecosystem."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation
from stdnum.vn import mst

from innohub.accounts.access import can, scope_for
from innohub.accounts.models import Membership, User
from innohub.centers.models import Center
from innohub.core.search import text_search
from innohub.core.text import fold
from innohub.directory.demo import DEMO_PASSWORD, demo_fingerprint, generate
from innohub.directory.indexing import organisation_name_key, organisation_search_text
from innohub.directory.models import ClaimRequest, Organisation, OrganisationRelation, Person
from innohub.taxonomy.models import Province

SMALL = 200


@pytest.fixture
def taxonomy(db):
    """The taxonomy migration loads the reference data; a transactional test earlier in the same worker
    may have flushed it, so reload it with the taxonomy app's own loader when it is missing."""
    if not Province.objects.exists():
        from innohub.taxonomy.loader import load_all

        load_all(communes=False)
    return Province.objects.count()


@pytest.fixture
def small_demo(taxonomy):
    return generate(size=SMALL, seed=7)


class _Rollback(Exception):
    pass


def _fingerprint_of_run(*, size: int, seed: int) -> str:
    """Generate inside a transaction that is rolled back, so every call starts from the same empty
    directory: the same thing as two fresh databases, on SQLite and PostgreSQL alike."""
    result = ""
    try:
        with transaction.atomic():
            generate(size=size, seed=seed)
            result = demo_fingerprint()
            raise _Rollback
    except _Rollback:
        pass
    assert not Organisation.objects.exists()
    return result


def test_center_tree(small_demo):
    assert Center.objects.filter(kind="national").count() == 1
    assert Center.objects.filter(kind="regional").count() == 3
    assert Center.objects.filter(kind="provincial").count() == 10
    national = Center.objects.get(kind="national")
    assert national.slug == "nssc"
    assert national.name_vi == "Trung tâm Hỗ trợ Khởi nghiệp Sáng tạo Quốc gia"
    assert national.name_en  # bilingual
    for regional in Center.objects.filter(kind="regional"):
        assert regional.parent_id == national.pk
        assert regional.path == f"{national.path}{regional.pk}/"
    expected_region = {"ha-noi": "mien-bac", "hai-phong": "mien-bac", "thai-nguyen": "mien-bac",
                       "da-nang": "mien-trung", "hue": "mien-trung", "khanh-hoa": "mien-trung",
                       "nghe-an": "mien-trung", "lam-dong": "mien-trung", "tp-hcm": "mien-nam",
                       "can-tho": "mien-nam"}  # fmt: skip
    for center in Center.objects.filter(kind="provincial").select_related("parent", "province"):
        assert center.parent.slug == expected_region[center.slug], center.slug
        assert center.province is not None
        assert center.path.startswith(center.parent.path)
    assert Center.objects.filter(kind="university").count() == 2
    partner = Center.objects.get(kind="partner")
    assert partner.name_en == "K-Startup Center Hanoi"
    # The national center's subtree is the whole network.
    assert Center.objects.descendants_of(national).count() == Center.objects.count()


def test_sizes_and_ecosystem_contents(small_demo):
    assert small_demo.organisations == Organisation.objects.count() == SMALL
    assert Person.objects.count() == small_demo.people == 150
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds.most_common(1)[0][0] == "startup"
    assert {"startup", "innovative_sme", "investor", "incubator"} <= set(kinds)
    assert set(OrganisationRelation.objects.values_list("kind", flat=True)) >= {
        "incubated_by",
        "invested_in",
        "member_of",
    }
    assert ClaimRequest.objects.filter(status="pending").count() >= 3
    foreign = Organisation.objects.filter(kind="foreign_partner")
    assert foreign.exists()
    assert not foreign.filter(country__isnull=True).exists()
    assert not foreign.filter(country__iso2="VN").exists()
    overseas = Person.objects.filter(is_overseas_vietnamese=True)
    assert overseas.exists() and not overseas.filter(country__iso2="VN").exists()
    both_names = Organisation.objects.exclude(name_vi="").exclude(name_en="").exclude(description_en="")
    assert both_names.count() == SMALL
    visibilities = Counter(Organisation.objects.values_list("visibility", flat=True))
    assert visibilities["public"] > SMALL * 0.7
    assert set(visibilities) - {"public"}, "some records must be restricted to show visibility rules"


def test_organisations_spread_over_provinces(taxonomy):
    generate(size=SMALL, seed=11)
    per_province = Counter(
        Organisation.objects.filter(province__isnull=False).values_list("province__codename", flat=True)
    )
    assert len(per_province) >= 30
    assert len(per_province) == Province.objects.count()  # every province is seeded first
    top_two = {codename for codename, _n in per_province.most_common(2)}
    big_cities = set(
        Province.objects.filter(name_vi__in=["Thành phố Hà Nội", "Thành phố Hồ Chí Minh"]).values_list(
            "codename", flat=True
        )
    )
    assert top_two == big_cities


def test_tax_codes_are_valid_and_unique(small_demo):
    codes = [c for c in Organisation.objects.values_list("tax_code", flat=True) if c]
    assert len(codes) > SMALL * 0.7
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert mst.is_valid(code), code


def test_same_seed_same_data_other_seed_other_data(taxonomy):
    first = _fingerprint_of_run(size=120, seed=3)
    second = _fingerprint_of_run(size=120, seed=3)
    other = _fingerprint_of_run(size=120, seed=4)
    assert first == second
    assert first != other


def test_search_columns_match_what_the_services_compute(small_demo):
    with translation.override("vi"):
        for org in Organisation.objects.select_related("province").order_by("pk")[:40]:
            sectors = [s.name_vi or s.name for s in org.sectors.all()]
            tags = [t.name for t in org.tags.all()]
            expected = organisation_search_text(org, sector_names=sectors, tag_names=tags)
            # Word order may differ where the database collates tag names differently (PostgreSQL).
            assert sorted(org.search_text.split()) == sorted(expected.split())
            assert org.name_key == organisation_name_key(org.name_vi)
    org = Organisation.objects.filter(kind="startup").order_by("pk").first()
    assert org in text_search(Organisation.objects.all(), fold(org.name_vi))


def test_demo_accounts(small_demo):
    admin = User.objects.get(email="admin@innohub.local")
    assert admin.check_password(DEMO_PASSWORD)
    assert scope_for(admin).is_platform_admin
    hanoi_admin = User.objects.get(email="admin.ha-noi@innohub.local")
    assert hanoi_admin.check_password(DEMO_PASSWORD)
    hanoi = Center.objects.get(slug="ha-noi")
    hanoi_org = Organisation.objects.filter(center=hanoi).first()
    other_org = Organisation.objects.exclude(center=hanoi).filter(center__kind="provincial").first()
    assert can(hanoi_admin, "directory.change", hanoi_org)
    assert not can(hanoi_admin, "directory.change", other_org)
    for center in Center.objects.all():
        roles = set(Membership.objects.filter(center=center).values_list("role__code", flat=True))
        assert {"center_admin", "center_staff"} <= roles, center.slug
    startup = User.objects.get(email="startup1@innohub.local")
    assert startup.organisations.filter(kind="startup").count() == 1


def test_command_refuses_a_populated_directory_and_if_empty_skips(taxonomy):
    out = io.StringIO()
    call_command("demo", size=60, seed=5, stdout=out)
    assert Organisation.objects.count() == 60
    assert "60 organisations" in out.getvalue()
    skipped = io.StringIO()
    call_command("demo", "--if-empty", size=60, stdout=skipped)
    assert "skipped" in skipped.getvalue()
    assert Organisation.objects.count() == 60
    with pytest.raises(CommandError, match="already holds organisations"):
        call_command("demo", size=60, stdout=io.StringIO())
    assert Organisation.objects.count() == 60


def test_if_empty_fills_an_empty_directory(taxonomy):
    call_command("demo", "--if-empty", size=40, seed=1, stdout=io.StringIO())
    assert Organisation.objects.count() == 40


def test_missing_taxonomy_is_a_clear_error(db):
    from django.db.models.deletion import ProtectedError

    try:
        with transaction.atomic():
            Province.objects.all().delete()
            with pytest.raises(CommandError, match="taxonomy"):
                call_command("demo", size=10, stdout=io.StringIO())
            raise _Rollback
    except (_Rollback, ProtectedError):
        pass


def test_an_existing_account_is_kept_and_joins_the_network(taxonomy):
    from tests.factories import UserFactory

    UserFactory(email="admin@innohub.local")  # e.g. made with createsuperuser before `make run`
    generate(size=30, seed=2)
    admin = User.objects.get(email="admin@innohub.local")
    assert admin.check_password("Pass-word-123")
    assert not admin.check_password(DEMO_PASSWORD)
    assert scope_for(admin).is_platform_admin
    assert User.objects.filter(email__endswith="@innohub.local").count() > 50
