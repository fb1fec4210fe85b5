"""Public pages of calls for applications: the list with a deadline countdown and a call's page with its
eligibility in plain words, the questions to prepare and the "Apply" button.

Anonymous visitors are welcome. The remaining time is rendered on the server (so it reads right without
JavaScript) and kept current by programs/static/programs/programs.js.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from innohub.core.errors import NotFound
from innohub.programs import eligibility, selectors
from innohub.programs.models import Application, Call, ProgrammeKind
from innohub.programs.services.calls import local_time

CALLS_PER_PAGE = 12


def remaining(deadline: dt.datetime, now: dt.datetime) -> str:
    """ "3 days 4 hours left" — what the countdown shows before JavaScript takes over."""
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return _("Closed")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(days)s and %(hours)s left") % {
            "days": ngettext("%(n)s day", "%(n)s days", days) % {"n": days},
            "hours": ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours},
        }
    if hours:
        return _("%(hours)s and %(minutes)s left") % {
            "hours": ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours},
            "minutes": ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes},
        }
    return ngettext("%(n)s minute left", "%(n)s minutes left", max(minutes, 1)) % {"n": max(minutes, 1)}


def _phase(call: Call, now: dt.datetime) -> str:
    if call.status != Call.Status.PUBLISHED:
        return "closed"
    if now < call.opens_at:
        return "upcoming"
    if now < call.closes_at:
        return "open"
    return "closed"


def _decorate(call: Call, now: dt.datetime) -> Call:
    call.phase = _phase(call, now)  # type: ignore[attr-defined]
    call.deadline_local = local_time(call.closes_at)  # type: ignore[attr-defined]
    call.opens_local = local_time(call.opens_at)  # type: ignore[attr-defined]
    call.remaining = remaining(call.closes_at, now) if call.phase == "open" else ""  # type: ignore[attr-defined]
    return call


def call_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.CallFilters.from_querydict(request.GET)
    qs = selectors.calls_for(request.user, filters, portal=True)
    page = Paginator(qs, CALLS_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    for call in page.object_list:
        _decorate(call, now)
    context = {
        "page_obj": page,
        "filters": filters,
        "kinds": ProgrammeKind.choices,
        "countdown_labels": _countdown_labels(),
    }
    return render(request, "programs/portal/call_list.html", context)


def _countdown_labels() -> dict[str, str]:
    """Words the countdown script uses, in the page language (read from data attributes)."""
    return {
        "day": _("day"),
        "days": _("days"),
        "hour": _("hour"),
        "hours": _("hours"),
        "minute": _("minute"),
        "minutes": _("minutes"),
        "left": _("left"),
        "closed": _("Closed"),
        "and": _("and"),
    }


def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        call = selectors.get_call_for(request.user, slug, portal=True)
    except NotFound:
        raise Http404 from None
    now = timezone.now()
    _decorate(call, now)
    mine: list[Application] = []
    if request.user.is_authenticated:
        mine = list(selectors.applications_for_applicant(request.user).filter(call=call))
    context = {
        "call": call,
        "programme": call.programme,
        "rules": eligibility.describe_rules(call.eligibility),
        "sections": selectors.form_of(call),
        "mine": mine,
        "countdown_labels": _countdown_labels(),
        "edits_until": local_time(call.edits_allowed_until) if call.edits_allowed_until else None,
    }
    return render(request, "programs/portal/call_detail.html", context)
