"""Workspace pages of review rounds, panels, assignment, scoring and selection (/workspace/programmes/).

Staff: rounds of a call, a round's scorecard, panel, conflicts, assignment and ranking; the call's
decisions, letters, appeals and audit trail. Reviewers: "My reviews", scorecards, bids, conflicts.
Applicants: the decision on their application and its appeal.
"""

from django.urls import URLPattern, URLResolver, path

from innohub.programs.views import results, review, reviewer, selection

urlpatterns: list[URLPattern | URLResolver] = [
    # rounds (staff)
    path("calls/<slug:call_slug>/rounds/", review.round_list, name="review-rounds"),
    path("rounds/<uuid:round_uuid>/", review.round_detail, name="review-round"),
    path("rounds/<uuid:round_uuid>/status/", review.round_status, name="review-round-status"),
    path("rounds/<uuid:round_uuid>/criteria/", review.criterion_add, name="review-criterion-add"),
    path(
        "rounds/<uuid:round_uuid>/criteria/<int:criterion_id>/",
        review.criterion_edit,
        name="review-criterion",
    ),
    path("rounds/<uuid:round_uuid>/panel/", review.panel, name="review-panel"),
    path("rounds/<uuid:round_uuid>/panel/<int:member_id>/", review.panel_member, name="review-panel-member"),
    path("rounds/<uuid:round_uuid>/conflicts/", review.conflicts, name="review-conflicts"),
    path(
        "rounds/<uuid:round_uuid>/conflicts/<int:conflict_id>/remove/",
        review.conflict_remove,
        name="review-conflict-remove",
    ),
    path("rounds/<uuid:round_uuid>/assignment/", review.assignment, name="review-assignment"),
    path("rounds/<uuid:round_uuid>/assignment/run/", review.assignment_run, name="review-assignment-run"),
    path(
        "rounds/<uuid:round_uuid>/assignment/status/",
        review.assignment_status,
        name="review-assignment-status",
    ),
    path("rounds/<uuid:round_uuid>/assignment/edit/", review.assignment_edit, name="review-assignment-edit"),
    path("rounds/<uuid:round_uuid>/ranking/", review.ranking, name="review-ranking"),
    path("rounds/<uuid:round_uuid>/ranking.xlsx", review.ranking_export, name="review-ranking-export"),
    # selection (staff)
    path("calls/<slug:call_slug>/decisions/", selection.decisions, name="selection-decisions"),
    path("calls/<slug:call_slug>/letters/", selection.letters, name="selection-letters"),
    path("calls/<slug:call_slug>/publish/", selection.publish, name="selection-publish"),
    path("calls/<slug:call_slug>/appeals/", selection.appeals, name="selection-appeals"),
    path("calls/<slug:call_slug>/audit/", selection.audit, name="selection-audit"),
    path("applications/<uuid:application_uuid>/decide/", selection.decide, name="selection-decide"),
    path("appeals/<uuid:appeal_uuid>/decide/", selection.appeal_decide, name="selection-appeal-decide"),
    # reviewers
    path("reviews/", reviewer.home, name="reviewer-home"),
    path("reviews/<uuid:round_uuid>/bids/", reviewer.bids, name="reviewer-bids"),
    path("reviews/<uuid:round_uuid>/<uuid:application_uuid>/", reviewer.scorecard, name="reviewer-scorecard"),
    path(
        "reviews/<uuid:round_uuid>/<uuid:application_uuid>/abstain/",
        reviewer.abstain,
        name="reviewer-abstain",
    ),
    path(
        "reviews/<uuid:round_uuid>/<uuid:application_uuid>/conflict/",
        reviewer.declare_conflict,
        name="reviewer-conflict",
    ),
    # applicants
    path("decisions/<uuid:application_uuid>/", results.application_decision, name="results-application"),
    path("decisions/<uuid:application_uuid>/appeal/", results.appeal, name="results-appeal"),
]
