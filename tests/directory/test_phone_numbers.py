"""Phone numbers (ADR 0009): read as Vietnamese without a country code, refused when they cannot be
dialled, kept in international form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from innohub.core.errors import ValidationFailed
from innohub.core.validators import phone_link, validate_phone
from innohub.directory.services import create_person, update_person


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912 345 678", "+84 912 345 678"),
        ("0912.345.678", "+84 912 345 678"),
        ("(024) 3826 4567", "+84 24 3826 4567"),
        ("84 24 3826 4567", "+84 24 3826 4567"),
        ("+84 236 3123 456", "+84 236 3123 456"),
        ("+82 2-312-3456", "+82 2-312-3456"),
        ("+972 3-123-4567", "+972 3-123-4567"),
        ("  ", ""),
    ],
)
def test_numbers_as_people_write_them(typed, stored):
    assert validate_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["1", "024", "024 1234 5678", "0992 123 456", "call me", "+84", "0912 345 678 9"]
)
def test_numbers_that_cannot_be_dialled(typed):
    with pytest.raises(ValidationError) as caught:
        validate_phone(typed)
    assert caught.value.code == "invalid_phone"


def test_tel_links_are_e164_and_empty_for_what_does_not_parse():
    assert phone_link("+84 24 3826 4567") == "+842438264567"
    assert phone_link("gọi giờ hành chính") == ""


def test_people_get_the_same_rule(network):
    with pytest.raises(ValidationFailed) as caught:
        create_person(actor=None, center=network["hanoi"], full_name="Lê Minh", phone="12345")
    assert list(caught.value.fields) == ["phone"]
    person = create_person(actor=None, center=network["hanoi"], full_name="Lê Minh", phone="0987654321")
    assert person.phone == "+84 987 654 321"
    with pytest.raises(ValidationFailed):
        update_person(person, actor=None, phone="0")
    person.refresh_from_db()
    assert person.phone == "+84 987 654 321", "nothing written"


def test_stored_numbers_are_rewritten_by_the_migration_helper(network):
    """Numbers saved before ADR 0009 (data migrations directory 0004, centers 0002, accounts 0004)."""
    from innohub.core.validators import normalise_stored_phones
    from innohub.directory.models import Person

    person = create_person(actor=None, center=network["hanoi"], full_name="Lê Minh")
    other = create_person(actor=None, center=network["hanoi"], full_name="Trần An")
    nobody = create_person(actor=None, center=network["hanoi"], full_name="Phạm Bình")
    Person.objects.filter(pk=person.pk).update(phone="0912.345.678")
    Person.objects.filter(pk=other.pk).update(phone="gọi giờ hành chính")
    assert normalise_stored_phones(Person, batch=1) == 1
    phones = dict(Person.objects.values_list("pk", "phone"))
    assert phones == {person.pk: "+84 912 345 678", other.pk: "gọi giờ hành chính", nobody.pk: ""}
    assert normalise_stored_phones(Person) == 0, "a second run changes nothing"
