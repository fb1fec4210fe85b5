"""Role × view matrix of every programmes page (CONVENTIONS.md §16), rows in matrix_calls.py and
matrix_review.py. A view added to a programs url module without a row fails
`test_every_programmes_view_is_in_the_matrix`."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innohub.programs import urls_calls, urls_portal, urls_review
from tests.programs import matrix_calls, matrix_review
from tests.programs.conftest import ROLES

pytestmark = pytest.mark.django_db

GET_MATRIX = {**matrix_calls.GET_MATRIX, **matrix_review.GET_MATRIX}
POST_ONLY = {**matrix_calls.POST_ONLY, **matrix_review.POST_ONLY}


def programmes_view_names() -> set[str]:
    names = {f"workspace:{p.name}" for m in (urls_calls, urls_review) for p in m.urlpatterns if p.name}
    names |= {f"portal:{p.name}" for p in urls_portal.urlpatterns if p.name}
    return names


def test_every_programmes_view_is_in_the_matrix():
    missing = programmes_view_names() - set(GET_MATRIX) - set(POST_ONLY)
    assert not missing, f"programmes views without rows in the matrix: {sorted(missing)}"
    overlap = set(matrix_calls.GET_MATRIX) & set(matrix_review.GET_MATRIX)
    assert not overlap, f"rows defined twice: {sorted(overlap)}"


def _url(name: str, kwargs: dict, objs: dict) -> str:
    filled = {k: (v.format(**objs) if isinstance(v, str) else v) for k, v in kwargs.items()}
    return reverse(name, kwargs=filled)


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(client, selection_world, role):
    users, objs = selection_world
    if users[role] is not None:
        client.force_login(users[role])
    wrong = []
    for name, (kwargs, expected) in GET_MATRIX.items():
        status = client.get(_url(name, kwargs, objs)).status_code
        if status != expected[role]:
            wrong.append(f"{name}: {role} got {status}, expected {expected[role]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ["anon", "outsider", "member_elsewhere"])
def test_state_changing_views_refuse_outsiders(client, selection_world, role):
    users, objs = selection_world
    if users[role] is not None:
        client.force_login(users[role])
    leaks = []
    for name, kwargs in POST_ONLY.items():
        url = _url(name, kwargs, objs)
        for method in (client.get, client.post):
            status = method(url).status_code
            if status not in (302, 400, 403, 404, 405):
                leaks.append(f"{method.__name__.upper()} {name}: {role} got {status}")
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("change", ["draft call", "private programme"])
def test_staff_pages_of_a_hidden_call_are_404_to_outsiders(client, selection_world, change):
    """The staff pages of the public call answer a 403 page to the signed-in (matrix_review.py); once
    the call is off the portal they must not tell it exists: the 404 of a missing call, except to its
    staff."""
    from innohub.core.models import Visibility
    from innohub.programs.models import Call, Programme

    users, objs = selection_world
    if change == "draft call":
        Call.objects.filter(pk=objs["call"].pk).update(status=Call.Status.DRAFT)
    else:
        Programme.objects.filter(pk=objs["programme"].pk).update(visibility=Visibility.PRIVATE)
    names = [
        name for name, (kwargs, row) in matrix_review.GET_MATRIX.items() if row is matrix_review.STAFF_OF_CALL
    ]
    assert len(names) >= 5
    for role, expected in (("outsider", 404), ("applicant", 404), ("reviewer", 404), ("staff", 200)):
        client.force_login(users[role])
        wrong = [
            f"{name}: {role} got {status}, expected {expected}"
            for name in names
            if (status := client.get(_url(name, matrix_review.GET_MATRIX[name][0], objs)).status_code)
            != expected
        ]
        assert not wrong, "\n".join(wrong)
