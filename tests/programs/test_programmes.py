"""Programme services: who may create and change them, versions, and the draft → active → archived
life cycle (every forbidden move is refused)."""

from __future__ import annotations

import itertools

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from innohub.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from innohub.programs.models import Programme
from innohub.programs.services import programmes as services
from tests.factories import OrganisationFactory
from tests.programs.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(network, make_member):
    return make_member(network["hanoi"], "center_staff")


def _create(staff, network, **fields):
    fields.setdefault("title_vi", "Ươm tạo Hà Nội")
    fields.setdefault("kind", "incubation")
    return services.create_programme(actor=staff, center=network["hanoi"], **fields)


def test_staff_create_a_programme_with_partners_and_an_audit_line(staff, network):
    partner = OrganisationFactory(center=network["hanoi"])
    programme = _create(
        staff,
        network,
        title_en="Hanoi incubation",
        description_vi="<p>Mô tả</p><script>alert(1)</script>",
        languages=["vi", "en"],
        budget_amount=1000,
        partners=[partner],
    )
    assert programme.status == Programme.Status.DRAFT
    assert programme.slug == "uom-tao-ha-noi"
    assert "<script>" not in programme.description_vi
    assert list(programme.partners.all()) == [partner]
    entry = LogEntry.objects.get_for_object(programme).first()
    assert entry is not None and entry.actor == staff


def test_working_languages_are_shown_by_their_names(client, staff, network):
    programme = _create(staff, network, languages=["vi", "en", "ko"])
    client.force_login(staff)
    response = client.get(reverse("workspace:programs-programme-detail", args=[programme.slug]))
    assert response.status_code == 200, response.status_code
    assert (
        '<span lang="vi">Tiếng Việt</span>, <span lang="en">English</span>, <span lang="ko">한국어</span>'
        in response.content.decode()
    )


def test_reserved_words_never_become_programme_slugs(staff, network):
    assert _create(staff, network, title_vi="New").slug == "new-1"


def test_staff_of_another_center_cannot_create_here(network, make_member):
    with pytest.raises(Forbidden):
        _create(make_member(network["haiphong"], "center_staff"), network)


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"title_vi": "  "}, "title_vi"),
        ({"kind": "party"}, "kind"),
        ({"languages": ["fr"]}, "languages"),
        ({"budget_amount": -1}, "budget_amount"),
        ({"budget_currency": "EUR"}, "budget_currency"),
        ({"visibility": "secret"}, "visibility"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field(staff, network, fields, key):
    with pytest.raises(ValidationFailed) as exc:
        _create(staff, network, **fields)
    assert key in exc.value.fields
    assert not Programme.objects.exists()


def test_end_before_start_is_refused(staff, network):
    import datetime as dt

    with pytest.raises(ValidationFailed) as exc:
        _create(staff, network, starts_on=dt.date(2027, 5, 1), ends_on=dt.date(2027, 1, 1))
    assert "ends_on" in exc.value.fields


def test_update_checks_the_version(staff, network):
    programme = _create(staff, network)
    updated = services.update_programme(
        programme, actor=staff, expected_version=programme.version, title_en="X"
    )
    assert updated.version == programme.version + 1 and updated.title_en == "X"
    with pytest.raises(Conflict):
        services.update_programme(programme, actor=staff, expected_version=programme.version, title_en="Y")
    assert Programme.objects.get(pk=programme.pk).title_en == "X"


def test_outsiders_cannot_change_a_programme(staff, network, make_member):
    programme = _create(staff, network)
    for user in (make_member(network["haiphong"], "center_staff"), make_member(network["hanoi"], "reviewer")):
        with pytest.raises(Forbidden):
            services.update_programme(programme, actor=user, title_en="X")
        with pytest.raises(Forbidden):
            services.publish_programme(programme, actor=user)


def test_life_cycle(staff, network):
    programme = _create(staff, network)
    programme = services.publish_programme(programme, actor=staff)
    assert programme.status == "active"
    programme = services.archive_programme(programme, actor=staff)
    assert programme.status == "archived"
    with pytest.raises(InvalidTransition):
        services.update_programme(programme, actor=staff, title_en="X")
    assert services.set_programme_status(programme, "active", actor=staff).status == "active"


FORBIDDEN = [
    (a, b)
    for a, b in itertools.product(Programme.Status.values, repeat=2)
    if b not in services.PROGRAMME_TRANSITIONS.get(a, ())
]


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_every_forbidden_move_is_refused(staff, network, current, target):
    programme = _create(staff, network)
    Programme.objects.filter(pk=programme.pk).update(status=current)
    programme.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.set_programme_status(programme, target, actor=staff)
    assert Programme.objects.get(pk=programme.pk).status == current


def test_a_programme_with_a_published_call_cannot_be_archived(staff, network):
    programme = services.publish_programme(_create(staff, network), actor=staff)
    CallFactory(programme=programme)
    with pytest.raises(InvalidTransition):
        services.archive_programme(programme, actor=staff)


def test_only_a_draft_without_calls_can_be_deleted(staff, network):
    programme = _create(staff, network)
    CallFactory(programme=programme, status="draft")
    with pytest.raises(InvalidTransition):
        services.delete_programme(programme, actor=staff)
    programme.calls.all().delete()
    services.delete_programme(programme, actor=staff)
    assert not Programme.objects.exists()
