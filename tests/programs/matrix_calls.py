"""Rows of the programmes permission matrix (see test_permission_matrix.py in this folder).

GET_MATRIX: URL name -> (kwargs, {role: expected GET status}); kwargs values may be "{key}" filled
from the selection_world objs. POST_ONLY: URL name -> kwargs for views that only change state; they
are checked to refuse anon/outsider/member_elsewhere (302/400/403/404/405).

Programmes, calls and forms: the world's programme and call are public (on the portal), so a signed-in
user without programs.view at the Hà Nội center gets a 403 page on their workspace pages (a visible
record they may not work on); anonymous visitors are sent to sign in. Applications are private: anyone
but the applicant's members and the center's staff gets the same 404 as for a missing one. The
programmes menu entry sends people without staff rights to their own applications (302).
"""

from __future__ import annotations

ROLES_ = (
    "anon",
    "outsider",
    "member_elsewhere",
    "staff",
    "admin",
    "platform",
    "applicant",
    "reviewer",
    "conflicted_reviewer",
)
STAFF_ROLES = ("staff", "admin", "platform")


def _row(default: int, **allowed: int) -> dict[str, int]:
    row = dict.fromkeys(ROLES_, default)
    row["anon"] = 302
    row.update(allowed)
    return row


STAFF_PAGE = _row(403, staff=200, admin=200, platform=200)  # visible record, staff work on it
PRIVATE_STAFF = _row(404, staff=200, admin=200, platform=200)
APPLICANT_OR_STAFF = _row(404, staff=200, admin=200, platform=200, applicant=200)
SIGNED_IN = _row(200)
OPEN = dict.fromkeys(ROLES_, 200)

PROGRAMME = {"slug": "{programme_slug}"}
CALL = {"call_slug": "{call_slug}"}
APPLICATION = {"uuid": "{application_uuid}"}
SECTION = {"call_slug": "{call_slug}", "pk": "{section_pk}"}
QUESTION = {"call_slug": "{call_slug}", "pk": "{field_pk}"}

GET_MATRIX: dict[str, tuple[dict, dict[str, int]]] = {
    # staff: programmes and calls
    "workspace:programs-programme-list": ({}, _row(302, staff=200, admin=200, platform=200)),
    "workspace:programs-programme-create": ({}, STAFF_PAGE),
    "workspace:programs-programme-detail": (PROGRAMME, STAFF_PAGE),
    "workspace:programs-programme-edit": (PROGRAMME, STAFF_PAGE),
    "workspace:programs-call-create": (PROGRAMME, STAFF_PAGE),
    "workspace:programs-call-detail": (CALL, STAFF_PAGE),
    "workspace:programs-call-edit": (CALL, STAFF_PAGE),
    "workspace:programs-form-builder": (CALL, STAFF_PAGE),
    "workspace:programs-form-section-edit": (SECTION, STAFF_PAGE),
    "workspace:programs-form-field-add": (SECTION, STAFF_PAGE),
    "workspace:programs-form-field-edit": (QUESTION, STAFF_PAGE),
    "workspace:programs-application-list": (CALL, STAFF_PAGE),
    "workspace:programs-application-export": (CALL, STAFF_PAGE),
    # applications: the staff page sends the applicant to their own page
    "workspace:programs-application-detail": (APPLICATION, {**PRIVATE_STAFF, "applicant": 302}),
    "workspace:programs-application-file": ({**APPLICATION, "pk": "{file_pk}"}, APPLICANT_OR_STAFF),
    "workspace:programs-application-version": (
        {**APPLICATION, "number": "{version_number}"},
        APPLICANT_OR_STAFF,
    ),
    # applicants: staff are sent to the staff page of the application
    "workspace:programs-my-applications": ({}, SIGNED_IN),
    "workspace:programs-apply": (CALL, SIGNED_IN),
    "workspace:programs-application-form": (
        APPLICATION,
        _row(404, applicant=200, **dict.fromkeys(STAFF_ROLES, 302)),
    ),
    "workspace:programs-application-withdraw": (APPLICATION, _row(404, applicant=200)),
    # portal
    "portal:calls": ({}, OPEN),
    "portal:call-detail": ({"slug": "{call_slug}"}, OPEN),
}

POST_ONLY: dict[str, dict] = {
    "workspace:programs-programme-status": PROGRAMME,
    "workspace:programs-call-status": CALL,
    "workspace:programs-form-section-add": CALL,
    "workspace:programs-form-section-delete": SECTION,
    "workspace:programs-form-section-move": SECTION,
    "workspace:programs-form-field-delete": QUESTION,
    "workspace:programs-form-field-move": QUESTION,
    "workspace:programs-application-autosave": APPLICATION,
    "workspace:programs-application-submit": APPLICATION,
    "workspace:programs-application-file-upload": {**APPLICATION, "key": "{file_key}"},
    "workspace:programs-application-file-remove": {**APPLICATION, "pk": "{file_pk}"},
}
