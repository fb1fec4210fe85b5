"""Conflicts of interest: declared by reviewers, recorded by staff, detected from the directory.

A conflict excludes the pair (application, reviewer) from assignment, removes a pending assignment of
that pair, and stops the reviewer from opening the application. Detection reads the directory:

* **same organisation** — the reviewer's directory profile (Person.user) works for the applicant
  (Person.organisation), or the reviewer's account is a member of it (OrganisationMember);
* **investor** — an organisation of the reviewer "invested in" the applicant;
* **incubator** — the applicant was "incubated by" (or is an "alumni of") an organisation of the
  reviewer;
* **other** — the reverse relations: the reviewer's organisation was incubated by, or received
  investment from, the applicant (this happens when incubators are the applicants, seed 004);
* **mentor** — the reviewer's directory profile is a current "mentor of" or "adviser of" the
  applicant (PersonRelation; current: no end year, or it ends this year or later). The profile's
  other ties count too: "founder of" the applicant is **same organisation**, "investor in" it is
  **investor**;
* **family** — the reviewer's family name (the first word of a Vietnamese full name, compared
  without accents) is that of a person of the applicant organisation: its directory people and the
  members of its account. Vietnamese family names are shared widely, so this reason is a prompt for
  staff to look, with the person named in the detail; staff may dismiss it.

"Organisations of the reviewer" are the organisation of their Person profile and those their account
is a member of. Mentoring that the directory does not record is declared by the reviewer or recorded
by staff. A detected conflict that staff dismissed is remembered (an audit event) and is not detected
again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from innohub.core.errors import Forbidden, NotFound, ValidationFailed
from innohub.core.text import fold
from innohub.directory.models import (
    MENTORING_KINDS,
    OrganisationMember,
    OrganisationRelation,
    Person,
    PersonRelation,
    PersonRelationKind,
    RelationKind,
)
from innohub.programs import permissions as P
from innohub.programs.models import (
    Application,
    ApplicationEvent,
    Bid,
    ConflictOfInterest,
    PanelMember,
    ReviewAssignment,
    ReviewRound,
)
from innohub.programs.services.review import require
from innohub.programs.states import record_event

Reason = ConflictOfInterest.Reason
Source = ConflictOfInterest.Source
DISMISSED = "conflict.dismissed"


def family_name(full_name: str | None) -> str:
    """The first word of a Vietnamese full name, folded ("Nguyễn Văn An" → "nguyen")."""
    words = fold(full_name).split()
    return words[0] if words else ""


# --- detection (reads only) -----------------------------------------------------------------------


def find_conflicts(
    applications: Iterable[Application], reviewer_ids: Iterable[int]
) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """{(application id, reviewer id): [(reason, detail), …]} from the directory. At most seven
    queries, whatever the number of applications and reviewers."""
    from innohub.accounts.models import User

    applications = list(applications)
    reviewer_ids = list(reviewer_ids)
    if not applications or not reviewer_ids:
        return {}
    org_of_app = {a.pk: a.organisation_id for a in applications}
    org_names = {a.organisation_id: a.organisation.name for a in applications}
    applicant_orgs = set(org_of_app.values())

    reviewer_orgs: dict[int, set[int]] = defaultdict(set)
    reviewer_names: dict[int, str] = {}
    reviewer_person: dict[int, int] = {}
    for person in Person.objects.filter(user_id__in=reviewer_ids).select_related("organisation"):
        assert person.user_id is not None
        reviewer_person[person.user_id] = person.pk
        reviewer_names[person.user_id] = person.full_name
        if person.organisation_id:
            reviewer_orgs[person.user_id].add(person.organisation_id)
            org_names.setdefault(person.organisation_id, person.organisation.name)  # type: ignore[union-attr]
    for m in OrganisationMember.objects.filter(user_id__in=reviewer_ids).select_related("organisation"):
        reviewer_orgs[m.user_id].add(m.organisation_id)
        org_names.setdefault(m.organisation_id, m.organisation.name)
    for uid, name in User.objects.filter(pk__in=reviewer_ids).values_list("pk", "full_name"):
        reviewer_names.setdefault(uid, name or "")
    all_reviewer_orgs = set().union(*reviewer_orgs.values()) if reviewer_orgs else set()

    relations: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    if all_reviewer_orgs:
        for rel in OrganisationRelation.objects.filter(
            Q(source_id__in=all_reviewer_orgs, target_id__in=applicant_orgs)
            | Q(source_id__in=applicant_orgs, target_id__in=all_reviewer_orgs)
        ):
            relations[(rel.source_id, rel.target_id)].append((rel.kind, ""))

    # The reviewers' own ties (mentor, adviser, founder, investor) to the applicant organisations.
    person_ties: dict[tuple[int, int], list[PersonRelation]] = defaultdict(list)
    if reviewer_person:
        user_of_person = {pk: uid for uid, pk in reviewer_person.items()}
        for tie in (
            PersonRelation.objects.filter(
                person_id__in=list(user_of_person), organisation_id__in=applicant_orgs
            )
            .current()
            .order_by("kind", "pk")
        ):
            person_ties[(user_of_person[tie.person_id], tie.organisation_id)].append(tie)

    # People of each applicant organisation, by family name.
    family: dict[int, dict[str, list[tuple[str, int | None, int | None]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for person in Person.objects.filter(organisation_id__in=applicant_orgs).only(
        "pk", "full_name", "organisation_id", "user_id"
    ):
        assert person.organisation_id is not None
        family[person.organisation_id][family_name(person.full_name)].append(
            (person.full_name, person.pk, person.user_id)
        )
    for m in OrganisationMember.objects.filter(organisation_id__in=applicant_orgs).select_related("user"):
        if m.user.full_name:
            family[m.organisation_id][family_name(m.user.full_name)].append(
                (m.user.full_name, None, m.user_id)
            )

    found: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for app_id, org_id in org_of_app.items():
        for uid in reviewer_ids:
            mine = reviewer_orgs.get(uid, set())
            if org_id in mine:
                found[(app_id, uid)].append((Reason.SAME_ORGANISATION, org_names[org_id]))
            for r_org in mine - {org_id}:
                for kind, _note in relations.get((r_org, org_id), []):
                    if kind == RelationKind.INVESTED_IN:
                        found[(app_id, uid)].append((Reason.INVESTOR, org_names[r_org]))
                    elif kind == RelationKind.INCUBATED_BY:
                        found[(app_id, uid)].append(
                            (
                                Reason.OTHER,
                                _("%(reviewer_org)s was incubated by the applicant")
                                % {"reviewer_org": org_names[r_org]},
                            )
                        )
                for kind, _note in relations.get((org_id, r_org), []):
                    if kind in (RelationKind.INCUBATED_BY, RelationKind.ALUMNI_OF):
                        found[(app_id, uid)].append((Reason.INCUBATOR, org_names[r_org]))
                    elif kind == RelationKind.INVESTED_IN:
                        found[(app_id, uid)].append(
                            (
                                Reason.OTHER,
                                _("the applicant invested in %(reviewer_org)s")
                                % {"reviewer_org": org_names[r_org]},
                            )
                        )
            for tie in person_ties.get((uid, org_id), []):
                found[(app_id, uid)].append(_tie_reason(tie, org_names[org_id]))
            surname = family_name(reviewer_names.get(uid))
            if surname:
                relatives = [
                    name
                    for name, person_id, user_id in family[org_id].get(surname, [])
                    if user_id != uid and (person_id is None or person_id != reviewer_person.get(uid))
                ]
                if relatives:
                    detail = ", ".join(sorted(set(relatives))[:5]) + f" ({org_names[org_id]})"
                    found[(app_id, uid)].append((Reason.FAMILY, detail))
    return dict(found)


def _tie_reason(tie: PersonRelation, org_name: str) -> tuple[str, str]:
    """The conflict a reviewer's own tie to the applicant makes, with a detail naming the tie."""
    if tie.kind in MENTORING_KINDS:
        reason = Reason.MENTOR
    elif tie.kind == PersonRelationKind.INVESTOR_OF:
        reason = Reason.INVESTOR
    else:  # founder of
        reason = Reason.SAME_ORGANISATION
    detail = _("%(relation)s %(organisation)s") % {
        "relation": tie.get_kind_display(),
        "organisation": org_name,
    }
    if tie.since_year:
        detail += " " + _("(since %(year)s)") % {"year": tie.since_year}
    return reason, detail


def _dismissed(application_ids: Iterable[int]) -> set[tuple[int, int, str]]:
    out = set()
    for app_id, data in ApplicationEvent.objects.filter(
        action=DISMISSED, application_id__in=list(application_ids)
    ).values_list("application_id", "data"):
        if isinstance(data, dict) and data.get("reviewer") and data.get("reason"):
            out.add((app_id, int(data["reviewer"]), str(data["reason"])))
    return out


def _drop_pending_work(application: Application, reviewer_id: int) -> int:
    removed, _detail = ReviewAssignment.objects.filter(
        application=application, reviewer_id=reviewer_id, status=ReviewAssignment.Status.PENDING
    ).delete()
    Bid.objects.filter(application=application, reviewer_id=reviewer_id).delete()
    return removed


@transaction.atomic
def detect_conflicts(round_: ReviewRound, *, actor: Any) -> list[ConflictOfInterest]:
    """Record the directory's conflicts between the round's panel and the round's applications.
    Returns the conflicts it added."""
    from innohub.programs.selectors_review import round_applications

    require(actor, P.MANAGE, round_.call)
    ReviewRound.objects.select_for_update(of=("self",)).filter(pk=round_.pk).first()
    applications = list(round_applications(round_).select_related("organisation"))
    reviewer_ids = list(PanelMember.objects.filter(round=round_).values_list("reviewer_id", flat=True))
    found = find_conflicts(applications, reviewer_ids)
    by_id = {a.pk: a for a in applications}
    existing = set(
        ConflictOfInterest.objects.filter(
            application_id__in=list(by_id), reviewer_id__in=reviewer_ids
        ).values_list("application_id", "reviewer_id", "reason")
    )
    dismissed = _dismissed(by_id)
    created: list[ConflictOfInterest] = []
    for (app_id, uid), reasons in sorted(found.items()):
        seen: set[str] = set()
        for reason, detail in reasons:
            key = (app_id, uid, reason)
            if key in existing or key in dismissed or reason in seen:
                continue
            seen.add(reason)
            conflict = ConflictOfInterest.objects.create(
                application_id=app_id,
                reviewer_id=uid,
                source=Source.DETECTED,
                reason=reason,
                detail=detail[:500],
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            removed = _drop_pending_work(by_id[app_id], uid)
            record_event(
                "conflict.detected",
                actor=actor,
                call=round_.call,
                application=by_id[app_id],
                round=round_,
                reviewer=uid,
                reason=reason,
                detail=conflict.detail,
                pending_assignments_removed=removed,
            )
            created.append(conflict)
    return created


# --- declared and recorded ------------------------------------------------------------------------


def _clean_reason(reason: Any, detail: Any) -> tuple[str, str]:
    reason = str(reason or "")
    detail = str(detail or "").strip()[:500]
    if reason not in Reason.values:
        raise ValidationFailed(fields={"reason": [_("Choose the kind of conflict.")]})
    if reason in (Reason.OTHER, Reason.PERSONAL) and not detail:
        raise ValidationFailed(fields={"detail": [_("Describe the conflict in a few words.")]})
    return reason, detail


def _create(
    application: Application, reviewer: Any, *, actor: Any, source: str, reason: str, detail: str, action: str
) -> ConflictOfInterest:
    try:
        with transaction.atomic():
            conflict = ConflictOfInterest.objects.create(
                application=application,
                reviewer=reviewer,
                source=source,
                reason=reason,
                detail=detail,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise ValidationFailed(
            fields={"reason": [_("This conflict is already recorded for this application.")]}
        ) from None
    removed = _drop_pending_work(application, reviewer.pk)
    record_event(
        action,
        actor=actor,
        call=application.call,
        application=application,
        reviewer=reviewer.pk,
        reason=reason,
        detail=detail,
        pending_assignments_removed=removed,
    )
    return conflict


@transaction.atomic
def declare_conflict(
    application: Application, *, actor: Any, reason: Any, detail: Any = ""
) -> ConflictOfInterest:
    """A reviewer on a panel of the call declares a conflict with an application."""
    Application.objects.select_for_update(of=("self",)).filter(pk=application.pk).first()
    if not PanelMember.objects.filter(round__call_id=application.call_id, reviewer=actor).exists():
        raise NotFound()
    reason, detail = _clean_reason(reason, detail)
    return _create(
        application,
        actor,
        actor=actor,
        source=Source.DECLARED,
        reason=reason,
        detail=detail,
        action="conflict.declared",
    )


@transaction.atomic
def record_conflict(
    application: Application, reviewer: Any, *, actor: Any, reason: Any, detail: Any = ""
) -> ConflictOfInterest:
    """Staff record a conflict they know of."""
    require(actor, P.MANAGE, application.call)
    Application.objects.select_for_update(of=("self",)).filter(pk=application.pk).first()
    reason, detail = _clean_reason(reason, detail)
    return _create(
        application,
        reviewer,
        actor=actor,
        source=Source.STAFF,
        reason=reason,
        detail=detail,
        action="conflict.recorded",
    )


@transaction.atomic
def remove_conflict(conflict: ConflictOfInterest, *, actor: Any, note: str = "") -> None:
    """Staff remove a conflict (a detected one is dismissed: detection will not add it again)."""
    application = Application.objects.select_related("call", "call__programme").get(
        pk=conflict.application_id
    )
    require(actor, P.MANAGE, application.call)
    locked = ConflictOfInterest.objects.select_for_update(of=("self",)).filter(pk=conflict.pk).first()
    if locked is None:
        raise NotFound()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        raise Forbidden()
    record_event(
        DISMISSED if locked.source == Source.DETECTED else "conflict.removed",
        actor=actor,
        call=application.call,
        application=application,
        reviewer=locked.reviewer_id,
        reason=locked.reason,
        source=locked.source,
        detail=locked.detail,
        note=(note or "")[:500],
    )
    locked.delete()
