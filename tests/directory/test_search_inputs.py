"""An update re-indexes a record only when it changes what its search text is made of
(`ORG_SEARCH_INPUTS` / `PERSON_SEARCH_INPUTS`): the sets must name everything the text reads."""

from __future__ import annotations

from typing import Any

import pytest

from innohub.directory.indexing import organisation_search_text, person_search_text
from innohub.directory.models import Organisation
from innohub.directory.services import (
    ORG_SEARCH_INPUTS,
    PERSON_SEARCH_INPUTS,
    update_organisation,
    update_person,
)
from tests.api.utils import make_org, make_person


class _Reads:
    """Stands in for a record and notes every attribute the indexing function reads."""

    RELATED = frozenset({"province", "organisation"})

    def __init__(self) -> None:
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("get_") and name.endswith("_display"):
            self.read.add(name[4:-8])
            return lambda: "x"
        self.read.add(name)
        return _Reads() if name in self.RELATED else "x"


def test_the_input_sets_name_every_attribute_the_search_text_reads():
    org, person = _Reads(), _Reads()
    organisation_search_text(org, sector_names=["s"], tag_names=["t"])
    person_search_text(person, tag_names=["t"])
    assert org.read and org.read <= ORG_SEARCH_INPUTS, org.read - ORG_SEARCH_INPUTS
    assert person.read and person.read <= PERSON_SEARCH_INPUTS, person.read - PERSON_SEARCH_INPUTS
    # the many-to-many inputs come in as names
    assert {"sectors", "tags"} <= ORG_SEARCH_INPUTS and "tags" in PERSON_SEARCH_INPUTS


@pytest.mark.django_db
def test_an_update_outside_the_inputs_keeps_the_text_and_one_inside_changes_it(network):
    org = make_org(network["hanoi"], "Công ty Chỉ mục", tags=["AI"])
    before = Organisation.objects.get(pk=org.pk).search_text
    update_organisation(org, actor=None, team_size=12)
    assert Organisation.objects.get(pk=org.pk).search_text == before
    update_organisation(org, actor=None, short_name="Mục Lục")
    assert "muc luc" in Organisation.objects.get(pk=org.pk).search_text
    update_organisation(org, actor=None, tags=["Nông nghiệp"])
    text = Organisation.objects.get(pk=org.pk).search_text
    assert "nong nghiep" in text and " ai" not in f" {text}"
    person = make_person(network["hanoi"], "Lê Chỉ Mục")
    update_person(person, actor=None, title="Giám đốc")
    person.refresh_from_db()
    assert "giam doc" in person.search_text
