"""Rows of the programmes permission matrix for review, assignment and selection pages (see
test_permission_matrix.py in this folder).

GET_MATRIX: URL name -> (kwargs, {role: expected GET status}); kwargs values may be "{key}" filled
from the selection_world objs. POST_ONLY: URL name -> kwargs for views that only change state; they
are checked to refuse anon/outsider/member_elsewhere (302/400/403/404/405).

Staff pages of the world's call (public, on the portal) answer a 403 page to a signed-in user without
programs.view at its center: they see the call but may not work on it. Its review rounds are not public:
their pages answer 404 (the same as a missing record). The decision page of an application is a 403 to its
applicant, who sees the application, and a 404 to anyone else without staff rights. Reviewer pages answer 404 to anyone off the round's panel; the conflicted reviewer gets a 403
that names the conflict. In the world, the call's results are not published: the public results page
is a 404 for everyone.
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


def _only(allowed: dict[str, int], default: int = 404) -> dict[str, int]:
    row = {role: default for role in ROLES_}
    row["anon"] = 302
    row.update(allowed)
    return row


STAFF = _only({"staff": 200, "admin": 200, "platform": 200})
#: staff pages of the public call: seen by everyone signed in, worked on by its staff
STAFF_OF_CALL = _only({"staff": 200, "admin": 200, "platform": 200}, default=403)
ROUND = {"round_uuid": "{round_uuid}"}
CALL = {"call_slug": "{call_slug}"}
SCORECARD = {"round_uuid": "{round_uuid}", "application_uuid": "{application_uuid}"}

GET_MATRIX: dict[str, tuple[dict, dict[str, int]]] = {
    # staff: rounds
    "workspace:review-rounds": (CALL, STAFF_OF_CALL),
    "workspace:review-round": (ROUND, STAFF),
    "workspace:review-criterion": ({**ROUND, "criterion_id": "{criterion_pk}"}, STAFF),
    "workspace:review-panel": (ROUND, STAFF),
    "workspace:review-conflicts": (ROUND, STAFF),
    "workspace:review-assignment": (ROUND, STAFF),
    "workspace:review-assignment-status": (ROUND, STAFF),
    "workspace:review-ranking": (ROUND, STAFF),
    "workspace:review-ranking-export": (ROUND, STAFF),
    # staff: selection
    "workspace:selection-decisions": (CALL, STAFF_OF_CALL),
    "workspace:selection-letters": (CALL, STAFF_OF_CALL),
    "workspace:selection-appeals": (CALL, STAFF_OF_CALL),
    "workspace:selection-audit": (CALL, STAFF_OF_CALL),
    "workspace:selection-decide": ({"application_uuid": "{application_uuid}"}, {**STAFF, "applicant": 403}),
    # reviewers
    "workspace:reviewer-home": ({}, _only({}, default=200)),
    "workspace:reviewer-bids": (ROUND, _only({"reviewer": 200, "conflicted_reviewer": 200})),
    "workspace:reviewer-scorecard": (SCORECARD, _only({"reviewer": 200, "conflicted_reviewer": 403})),
    "workspace:reviewer-conflict": (SCORECARD, _only({"reviewer": 200, "conflicted_reviewer": 200})),
    # applicants
    "workspace:results-application": ({"application_uuid": "{application_uuid}"}, _only({"applicant": 200})),
    # portal: results are not published in the world
    "portal:call-results": (CALL, {role: 404 for role in ROLES_}),
}

POST_ONLY: dict[str, dict] = {
    "workspace:review-round-status": ROUND,
    "workspace:review-criterion-add": ROUND,
    "workspace:review-panel-member": {**ROUND, "member_id": "{panel_member_pk}"},
    "workspace:review-conflict-remove": {**ROUND, "conflict_id": "{conflict_pk}"},
    "workspace:review-assignment-run": ROUND,
    "workspace:review-assignment-edit": ROUND,
    "workspace:selection-publish": CALL,
    "workspace:selection-appeal-decide": {"appeal_uuid": "{random}"},
    "workspace:reviewer-abstain": SCORECARD,
    "workspace:results-appeal": {"application_uuid": "{application_uuid}"},
}
