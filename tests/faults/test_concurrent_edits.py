"""Two people open the same record, both save: the second gets the conflict message and the first's
change stays (optimistic locking on TimeStampedModel.version, CONVENTIONS.md §8). One case per editable
model whose update service takes `expected_version`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from innohub.centers.services import update_center
from innohub.core.errors import Conflict
from innohub.directory.services import update_organisation, update_person
from innohub.programs.services.calls import update_call
from innohub.programs.services.programmes import update_programme
from innohub.programs.services.review import update_round
from tests.factories import CenterFactory, OrganisationFactory, PersonFactory, UserFactory
from tests.programs.factories import CallFactory, ProgrammeFactory, ReviewRoundFactory

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    make: Callable[[], Any]
    update: Callable[..., Any]
    field: str


CASES = {
    "organisation": Case(OrganisationFactory, update_organisation, "description"),
    "person": Case(PersonFactory, update_person, "bio"),
    "center": Case(CenterFactory, update_center, "name_vi"),
    "programme": Case(ProgrammeFactory, update_programme, "title_vi"),
    "call": Case(CallFactory, update_call, "title_vi"),
    "review round": Case(ReviewRoundFactory, update_round, "title_vi"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_second_save_of_a_stale_copy_is_refused_and_the_first_change_kept(name):
    case = CASES[name]
    first_user, second_user = UserFactory(is_superuser=True), UserFactory(is_superuser=True)
    record = case.make()
    model = type(record)
    # Both open the edit page: each form carries the version it was rendered with.
    first_copy, second_copy = model.objects.get(pk=record.pk), model.objects.get(pk=record.pk)
    assert first_copy.version == second_copy.version

    case.update(
        first_copy, actor=first_user, expected_version=first_copy.version, **{case.field: "First's change"}
    )
    with translation.override("en"), pytest.raises(Conflict) as refused:
        case.update(
            second_copy,
            actor=second_user,
            expected_version=second_copy.version,
            **{case.field: "Second's change"},
        )

    assert refused.value.status == 409 and refused.value.code == "conflict"
    with translation.override("en"):
        assert "changed by someone else" in str(refused.value.message)
    with translation.override("vi"):
        assert "người khác thay đổi" in str(refused.value.message), "translated"
    saved = model.objects.get(pk=record.pk)
    assert getattr(saved, case.field) == "First's change"
    assert saved.version == record.version + 1
