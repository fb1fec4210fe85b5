"""Who may do what with programmes, calls, applications and reviews (on top of accounts.access.can).

Fetching something the user may not see raises NotFound — the same answer as a missing record;
something they may see but not act on raises Forbidden (CONVENTIONS §10).
"""

from __future__ import annotations

from typing import Any

from innohub.accounts.access import can
from innohub.directory.models import OrganisationMember
from innohub.programs import permissions as P
from innohub.programs.models import Application, Call, Programme


def center_of(obj: Any) -> int:
    if isinstance(obj, Programme):
        return obj.center_id
    if isinstance(obj, Call):
        return obj.programme.center_id
    if isinstance(obj, Application):
        return obj.call.programme.center_id
    raise TypeError(f"no center for {type(obj).__name__}")


def can_view_staff(user: Any, obj: Any) -> bool:
    return can(user, P.VIEW, center_id=center_of(obj))


def can_manage(user: Any, obj: Any) -> bool:
    return can(user, P.MANAGE, center_id=center_of(obj))


def can_decide(user: Any, obj: Any) -> bool:
    return can(user, P.DECIDE, center_id=center_of(obj))


def is_organisation_member(user: Any, organisation_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return OrganisationMember.objects.filter(organisation_id=organisation_id, user=user).exists()


def is_applicant(user: Any, application: Application) -> bool:
    """Members of the applying organisation act for the application."""
    return is_organisation_member(user, application.organisation_id)


def can_see_application(user: Any, application: Application) -> bool:
    """The applicant's members see their application; the center's staff once it is submitted (the
    rule of `selectors.get_application_for`). Refusals to anyone else must not reveal it exists."""
    if is_applicant(user, application):
        return True
    return application.status != Application.Status.DRAFT and can_view_staff(user, application)
