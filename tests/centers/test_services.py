"""Writes to the center network: who may open, change, move and deactivate; audit; concurrency."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from innohub.accounts.access import forget_scope
from innohub.centers import services
from innohub.centers.models import Center
from innohub.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _open(actor, parent, slug="bac-tu-liem", **fields):
    return services.create_center(
        actor=actor, parent=parent, slug=slug, name_vi="Trung tâm Bắc Từ Liêm", kind="university", **fields
    )


def test_center_admins_open_centers_below_theirs_and_the_act_is_audited(network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    center = _open(admin, network["hanoi"])
    assert center.path == f"{network['hanoi'].path}{center.pk}/"
    entry = LogEntry.objects.get_for_object(center).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == admin
    # below a child of their center too (the role applies to the centers below)
    forget_scope(admin)  # the scope is computed once per request; this is a new one
    grandchild = _open(admin, center, slug="chau")
    assert grandchild.path.startswith(center.path)


@pytest.mark.parametrize("role", ["center_staff", "startup_member"])
def test_others_may_not_open_centers(network, make_member, role):
    user = make_member(network["hanoi"], role)
    with pytest.raises(Forbidden):
        _open(user, network["hanoi"])
    with pytest.raises(Forbidden):
        _open(make_member(network["haiphong"], "center_admin"), network["hanoi"])
    with pytest.raises(Forbidden):
        _open(make_member(network["national"], "center_admin"), None)  # a root: platform only
    assert not Center.objects.filter(slug="bac-tu-liem").exists()
    assert _open(UserFactory(is_superuser=True), None).parent is None


def test_opening_is_validated(network, make_member):
    admin = make_member(network["hanoi"], "center_admin")
    with pytest.raises(ValidationFailed) as exc:
        _open(admin, network["hanoi"], slug="hai-phong")
    assert set(exc.value.fields) == {"slug"}
    with pytest.raises(ValidationFailed) as exc:
        services.create_center(
            actor=admin, parent=network["hanoi"], slug="x", name_vi="  ", kind="university"
        )
    assert set(exc.value.fields) == {"name_vi"}
    child = _open(admin, network["hanoi"])
    forget_scope(admin)
    services.deactivate_center(child, actor=admin)
    with pytest.raises(ValidationFailed) as exc:
        _open(admin, child, slug="below-inactive")
    assert set(exc.value.fields) == {"parent"}


def test_update_checks_version_and_moving_needs_rights_at_the_new_parent(network, make_member):
    regional_admin = make_member(network["regional"], "center_admin")
    hanoi = network["hanoi"]
    updated = services.update_center(
        hanoi, actor=regional_admin, expected_version=hanoi.version, phone="024 3826 4567"
    )
    assert updated.version == hanoi.version + 1
    with pytest.raises(Conflict):
        services.update_center(
            hanoi, actor=regional_admin, expected_version=hanoi.version, phone="024 3826 4568"
        )
    with pytest.raises(Forbidden):  # to the national center: not theirs
        services.update_center(hanoi, actor=regional_admin, parent=network["national"])
    with pytest.raises(ValidationFailed):  # below itself
        services.update_center(network["regional"], actor=UserFactory(is_superuser=True), parent=hanoi)
    entry = LogEntry.objects.get_for_object(hanoi).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == regional_admin
    hanoi.refresh_from_db()
    assert hanoi.phone == "+84 24 3826 4567" and hanoi.parent == network["regional"]


def test_deactivation_needs_the_parent_no_active_children_and_a_current_version(network, make_member):
    hanoi_admin = make_member(network["hanoi"], "center_admin")
    regional_admin = make_member(network["regional"], "center_admin")
    child = _open(hanoi_admin, network["hanoi"])
    forget_scope(hanoi_admin)
    with pytest.raises(Forbidden):
        services.deactivate_center(network["hanoi"], actor=hanoi_admin)  # not its own center
    with pytest.raises(InvalidTransition):
        services.deactivate_center(network["hanoi"], actor=regional_admin)  # a child is still active
    with pytest.raises(Conflict):
        services.deactivate_center(child, actor=hanoi_admin, expected_version=child.version - 1)
    done = services.deactivate_center(child, actor=hanoi_admin, expected_version=child.version)
    assert done.is_active is False and done.version == child.version + 1
    with pytest.raises(InvalidTransition):
        services.deactivate_center(child, actor=hanoi_admin)
    assert services.deactivate_center(network["hanoi"], actor=regional_admin).is_active is False
