"""Reads of the privacy pages and API, with their joins decided once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from innohub.accounts.access import centers_where, scope_for
from innohub.accounts.models import Membership
from innohub.privacy.models import AccessLog, Consent, ConsentPurpose, DataRequest
from innohub.privacy.services import MANAGE_REQUESTS, active_purposes


@dataclass
class PurposeState:
    purpose: ConsentPurpose
    consent: Consent | None

    @property
    def granted(self) -> bool:
        return bool(self.consent and self.consent.granted)

    @property
    def outdated(self) -> bool:
        """Agreed to an older wording of the purpose."""
        return self.granted and self.consent is not None and not self.consent.is_current


def purposes_for(user: Any) -> list[PurposeState]:
    consents = {c.purpose_id: c for c in Consent.objects.filter(user=user).select_related("purpose")}
    return [PurposeState(p, consents.get(p.pk)) for p in active_purposes()]


def access_log_about(user: Any) -> QuerySet[AccessLog]:
    return AccessLog.objects.about(user).select_related("actor", "person").order_by("-at", "-id")


def data_requests_of(user: Any) -> QuerySet[DataRequest]:
    return DataRequest.objects.filter(user=user).select_related("progress").order_by("-created_at", "-id")


def open_requests_for(actor: Any) -> QuerySet[DataRequest]:
    """Open requests of the people related to the centers where `actor` handles requests (members,
    directory people, organisations' members); every open request for a platform administrator."""
    from innohub.directory.models import OrganisationMember, Person

    qs = (
        DataRequest.objects.filter(status__in=DataRequest.OPEN)
        .select_related("user", "progress")
        .order_by("created_at", "id")
    )
    if scope_for(actor).is_platform_admin:
        return qs
    center_ids = sorted(centers_where(actor, MANAGE_REQUESTS))
    if not center_ids:
        return qs.none()
    return qs.filter(
        Q(user_id__in=Membership.objects.filter(center_id__in=center_ids).values("user_id"))
        | Q(user_id__in=Person.objects.filter(center_id__in=center_ids, user__isnull=False).values("user_id"))
        | Q(
            user_id__in=OrganisationMember.objects.filter(organisation__center_id__in=center_ids).values(
                "user_id"
            )
        )
    )
