"""Shared reads of programmes, calls and applications: who sees what, the list filters (one definition
for the pages and the API) and the eager loading, decided once here.

- The portal shows calls that were published (open, under review, decided, with results) of public,
  active programmes; staff also see every call of their centers' programmes.
- Staff see the submitted applications of their centers' calls; drafts stay with the applicant.
- Applicants see the applications of the organisations they are members of.
A record the user may not see is the same NotFound as a missing one; a record they see but may not
work on (the staff side of a public call) is Forbidden.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from innohub.accounts.access import centers_where, scope_for
from innohub.core.errors import Forbidden, NotFound
from innohub.core.models import Visibility
from innohub.core.text import fold
from innohub.directory.filters import _as_list
from innohub.directory.models import OrganisationMember
from innohub.programs import access
from innohub.programs import permissions as P
from innohub.programs.models import (
    Application,
    ApplicationEvent,
    ApplicationFile,
    ApplicationVersion,
    Call,
    FormField,
    FormSection,
    Programme,
)

PORTAL_CALL_STATUSES = (
    Call.Status.PUBLISHED,
    Call.Status.REVIEWING,
    Call.Status.DECIDED,
    Call.Status.RESULTS_PUBLISHED,
)
STAFF_APPLICATION_STATUSES = tuple(s for s in Application.Status.values if s != Application.Status.DRAFT)
APPLICATION_ORDERINGS = {
    "-submitted": ("-submitted_at", "-id"),
    "submitted": ("submitted_at", "id"),
    "reference": ("reference",),
    "organisation": ("organisation__name", "id"),
}


def _staff_center_ids(user: Any) -> set[int] | None:
    """None: every center (platform administrators)."""
    if scope_for(user).is_platform_admin:
        return None
    return centers_where(user, P.VIEW)


def _int(value: Any) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


# --- programmes -----------------------------------------------------------------------------------


@dataclass
class ProgrammeFilters:
    q: str = ""
    kind: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    center: list[str] = field(default_factory=list)

    @classmethod
    def from_querydict(cls, data: Mapping[str, Any]) -> ProgrammeFilters:
        return cls(
            q=str(data.get("q") or "").strip()[:200],
            kind=_as_list(data, "kind")[:20],
            status=_as_list(data, "status")[:10],
            center=_as_list(data, "center")[:50],
        )

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def apply(self, qs: QuerySet[Programme]) -> QuerySet[Programme]:
        if self.q:
            folded = fold(self.q)
            qs = qs.filter(
                Q(title_vi__icontains=self.q)
                | Q(title_en__icontains=self.q)
                | Q(slug__icontains=folded.replace(" ", "-"))
            )
        if self.kind:
            qs = qs.filter(kind__in=self.kind)
        if self.status:
            qs = qs.filter(status__in=self.status)
        if self.center:
            qs = qs.filter(center__slug__in=self.center)
        return qs


def programmes_for(user: Any, filters: ProgrammeFilters | None = None) -> QuerySet[Programme]:
    """Staff: every programme of their centers; everyone: public, active programmes."""
    qs: QuerySet[Programme] = Programme.objects.all()
    centers = _staff_center_ids(user)
    if centers is not None:
        qs = qs.filter(
            Q(center_id__in=sorted(centers)) | Q(visibility=Visibility.PUBLIC, status=Programme.Status.ACTIVE)
        )
    qs = (filters or ProgrammeFilters()).apply(qs)
    return qs.select_related("center").annotate(call_count=Count("calls")).order_by("-created_at", "-id")


def get_programme_for(user: Any, slug: str) -> Programme:
    programme = programmes_for(user).filter(slug=slug).first()
    if programme is None:
        raise NotFound()
    return programme


# --- calls ----------------------------------------------------------------------------------------


@dataclass
class CallFilters:
    q: str = ""
    programme: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)  # programme kinds
    center: list[str] = field(default_factory=list)
    open: bool = False  # accepting applications now

    @classmethod
    def from_querydict(cls, data: Mapping[str, Any]) -> CallFilters:
        return cls(
            q=str(data.get("q") or "").strip()[:200],
            programme=_as_list(data, "programme")[:20],
            status=_as_list(data, "status")[:10],
            kind=_as_list(data, "kind")[:20],
            center=_as_list(data, "center")[:50],
            open=str(data.get("open") or "").lower() in ("1", "true", "yes", "on"),
        )

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def apply(self, qs: QuerySet[Call]) -> QuerySet[Call]:
        if self.q:
            qs = qs.filter(
                Q(title_vi__icontains=self.q)
                | Q(title_en__icontains=self.q)
                | Q(programme__title_vi__icontains=self.q)
                | Q(programme__title_en__icontains=self.q)
            )
        if self.programme:
            qs = qs.filter(programme__slug__in=self.programme)
        if self.status:
            qs = qs.filter(status__in=self.status)
        if self.kind:
            qs = qs.filter(programme__kind__in=self.kind)
        if self.center:
            qs = qs.filter(programme__center__slug__in=self.center)
        if self.open:
            now = timezone.now()
            qs = qs.filter(status=Call.Status.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
        return qs


def _portal_calls() -> Q:
    return Q(
        status__in=PORTAL_CALL_STATUSES,
        programme__visibility=Visibility.PUBLIC,
        programme__status=Programme.Status.ACTIVE,
    )


def calls_for(user: Any, filters: CallFilters | None = None, *, portal: bool = False) -> QuerySet[Call]:
    """The portal's calls (published calls of public, active programmes), plus, outside the portal,
    every call of the user's staff centers. Newest deadline first."""
    qs: QuerySet[Call] = Call.objects.all()
    if portal:
        qs = qs.filter(_portal_calls())
    else:
        centers = _staff_center_ids(user)
        if centers is not None:
            qs = qs.filter(_portal_calls() | Q(programme__center_id__in=sorted(centers)))
    qs = (filters or CallFilters()).apply(qs)
    return qs.select_related("programme__center").order_by("-closes_at", "-id")


def can_see_call(user: Any, call: Call) -> bool:
    """The rule of `calls_for` for a call already loaded (one query): whether a refusal may say that
    the call exists (403) or must answer as for a missing one (404)."""
    return calls_for(user).filter(pk=call.pk).exists()


#: the refusal of a visible call's staff side to someone without programs.view at its center
NOT_STAFF_OF_CALL = gettext_lazy("Only the staff of the programme's center work on its programmes and calls.")


def get_call_for(user: Any, slug: str, *, portal: bool = False) -> Call:
    call = calls_for(user, portal=portal).filter(slug=slug).first()
    if call is None:
        raise NotFound()
    return call


def form_of(call: Call) -> list[FormSection]:
    """Sections with their questions, in order (two queries)."""
    return list(
        FormSection.objects.filter(call=call).prefetch_related(
            Prefetch("fields", queryset=FormField.objects.order_by("position", "id"))
        )
    )


def call_application_counts(call: Call) -> dict[str, int]:
    return dict(call.applications.values("status").annotate(n=Count("id")).values_list("status", "n"))


def call_events(call: Call, limit: int = 50) -> list[ApplicationEvent]:
    return list(
        ApplicationEvent.objects.filter(call=call, application__isnull=True)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


# --- applications ---------------------------------------------------------------------------------


@dataclass
class ApplicationFilters:
    q: str = ""
    status: list[str] = field(default_factory=list)
    province: list[str] = field(default_factory=list)  # current codes; former codes are mapped
    kind: list[str] = field(default_factory=list)  # organisation kinds
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    order: str = "-submitted"

    @classmethod
    def from_querydict(cls, data: Mapping[str, Any]) -> ApplicationFilters:
        order = str(data.get("order") or "-submitted")
        return cls(
            q=str(data.get("q") or "").strip()[:200],
            status=[s for s in _as_list(data, "status") if s in Application.Status.values][:10],
            province=_as_list(data, "province")[:50],
            kind=_as_list(data, "kind")[:20],
            submitted_from=_date(data.get("submitted_from")),
            submitted_to=_date(data.get("submitted_to")),
            order=order if order in APPLICATION_ORDERINGS else "-submitted",
        )

    def is_empty(self) -> bool:
        return not (
            self.q or self.status or self.province or self.kind or self.submitted_from or self.submitted_to
        )

    def as_params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, "", []) or (f.name == "order" and value == "-submitted"):
                continue
            out[f.name] = value.isoformat() if isinstance(value, dt.date) else value
        return out

    def apply(self, qs: QuerySet[Application]) -> QuerySet[Application]:
        if self.q:
            folded = fold(self.q)
            qs = qs.filter(
                Q(reference__icontains=self.q)
                | Q(organisation__search_text__contains=folded)
                | Q(organisation__name_vi__icontains=self.q)
                | Q(search_text__contains=folded)
            )
        if self.status:
            qs = qs.filter(status__in=self.status)
        if self.province:
            from innohub.programs.eligibility import normalise_province_codes

            codes, _unknown = normalise_province_codes(self.province)
            qs = qs.filter(
                Q(organisation__province__code__in=codes)
                | Q(
                    organisation__province__isnull=True,
                    organisation__legacy_province__province__code__in=codes,
                )
            )
        if self.kind:
            qs = qs.filter(organisation__kind__in=self.kind)
        if self.submitted_from:
            qs = qs.filter(submitted_at__date__gte=self.submitted_from)
        if self.submitted_to:
            qs = qs.filter(submitted_at__date__lte=self.submitted_to)
        return qs.order_by(*APPLICATION_ORDERINGS[self.order])


def applications_for_staff(
    user: Any, call: Call, filters: ApplicationFilters | None = None
) -> QuerySet[Application]:
    """Submitted (and later) applications of a call whose center the user works for; Forbidden to
    anyone else who sees the call, NotFound to those who do not."""
    if not access.can_view_staff(user, call):
        raise Forbidden(NOT_STAFF_OF_CALL) if can_see_call(user, call) else NotFound()
    qs = Application.objects.filter(call=call, status__in=STAFF_APPLICATION_STATUSES)
    qs = (filters or ApplicationFilters()).apply(qs)
    return qs.select_related("organisation__province", "call").defer(
        "search_text",
        "organisation__search_text",
        "organisation__description_vi",
        "organisation__description_en",
    )


def applications_for_applicant(user: Any) -> QuerySet[Application]:
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    member_of = OrganisationMember.objects.filter(user=user).values("organisation_id")
    return (
        Application.objects.filter(organisation_id__in=member_of)
        .select_related("call__programme", "organisation__province")
        .defer("search_text", "organisation__search_text")
        .order_by("-updated_at", "-id")
    )


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def get_application_for(user: Any, key: Any) -> Application:
    """The applicant's members see their application; center staff see it once submitted."""
    uid = _uuid(key)
    application = (
        Application.objects.select_related("call__programme__center", "organisation__province")
        .filter(uuid=uid)
        .first()
        if uid
        else None
    )
    if application is None:
        raise NotFound()
    if access.is_applicant(user, application):
        application.viewer_is_applicant = True  # type: ignore[attr-defined]
        return application
    if application.status != Application.Status.DRAFT and access.can_view_staff(user, application):
        application.viewer_is_applicant = False  # type: ignore[attr-defined]
        return application
    raise NotFound()


def versions_of(application: Application) -> list[ApplicationVersion]:
    return list(application.versions.select_related("submitted_by").order_by("-number"))


def files_of(application: Application) -> list[ApplicationFile]:
    return list(application.files.all())


def events_of(application: Application) -> list[ApplicationEvent]:
    return list(application.events.select_related("actor").order_by("-created_at", "-id")[:200])


def organisations_to_apply_with(user: Any) -> list[Any]:
    """The organisations the user is a member of (the ones they may apply for)."""
    from innohub.directory.models import Organisation

    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(memberships__user=user)
        .only("id", "uuid", "slug", "name", "kind")
        .order_by("name")
    )
