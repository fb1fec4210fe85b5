"""Writes to the reference data: platform administrators only, validated, audited, all-or-nothing."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from innohub.core.errors import Forbidden, InvalidTransition, ValidationFailed
from innohub.taxonomy import selectors, services
from innohub.taxonomy.models import Province, Sector, Stage
from tests.api.utils import make_org
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin():
    return UserFactory(is_superuser=True)


def test_only_platform_administrators_write(network, make_member):
    for user in (UserFactory(), make_member(network["national"], "center_admin")):
        with pytest.raises(Forbidden):
            services.create_stage(actor=user, code="pilot", order=99, name_vi="Thí điểm")
        with pytest.raises(Forbidden):
            services.update_stage(Stage.objects.first(), actor=user, name_en="x")
        with pytest.raises(Forbidden):
            services.delete_stage(Stage.objects.first(), actor=user)
    assert not Stage.objects.filter(code="pilot").exists()


def test_create_is_audited_with_the_actor_and_refreshes_the_cached_lists(platform_admin):
    before = len(selectors.sectors())
    sector = services.create_sector(
        actor=platform_admin, code="J99", level=2, parent=Sector.objects.get(code="J"), name_vi="Khác"
    )
    assert len(selectors.sectors()) == before + 1
    entry = LogEntry.objects.get_for_object(sector).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == platform_admin


def test_update_and_delete_are_audited(platform_admin):
    stage = services.create_stage(actor=platform_admin, code="pilot", order=99, name_vi="Thí điểm")
    updated = services.update_stage(stage, actor=platform_admin, name_en="Pilot run")
    assert Stage.objects.get(pk=stage.pk).name_en == "Pilot run" == updated.name_en
    services.delete_stage(updated, actor=platform_admin)
    assert not Stage.objects.filter(pk=stage.pk).exists()
    actions = list(
        LogEntry.objects.filter(object_pk=str(stage.pk), content_type__model="stage")
        .order_by("timestamp")
        .values_list("action", "actor")
    )
    assert actions == [
        (LogEntry.Action.CREATE, platform_admin.pk),
        (LogEntry.Action.UPDATE, platform_admin.pk),
        (LogEntry.Action.DELETE, platform_admin.pk),
    ]


def test_invalid_rows_are_refused_with_field_messages(platform_admin):
    with pytest.raises(ValidationFailed) as exc:
        services.create_stage(actor=platform_admin, code="idea", order=1, name_vi="Trùng mã")
    assert "code" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.create_province(actor=platform_admin, code="98", codename="bad codename!", name_vi="X")
    assert "codename" in exc.value.fields
    assert not Province.objects.filter(code="98").exists()


def test_codes_are_set_once(platform_admin):
    province = Province.objects.get(code="01")
    with pytest.raises(ValidationFailed) as exc:
        services.update_province(province, actor=platform_admin, code="00", name_en="Capital")
    assert set(exc.value.fields) == {"code"}
    province.refresh_from_db()
    assert province.code == "01" and province.name_en != "Capital", "nothing is half written"


def test_a_term_cannot_sit_below_itself(platform_admin):
    section = Sector.objects.get(code="J")
    child = Sector.objects.filter(parent=section).first()
    assert child is not None
    with pytest.raises(ValidationFailed) as exc:
        services.update_sector(section, actor=platform_admin, parent=child)
    assert "parent" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.update_sector(section, actor=platform_admin, parent=section)
    section.refresh_from_db()
    assert section.parent_id is None


def test_a_term_in_use_cannot_be_deleted(network, platform_admin):
    hanoi = Province.objects.get(code="01")
    make_org(network["hanoi"], "Công ty Hà Nội", province=hanoi)
    with pytest.raises(InvalidTransition) as exc:
        services.delete_province(hanoi, actor=platform_admin)
    assert exc.value.code == "protected"
    assert Province.objects.filter(pk=hanoi.pk).exists()
