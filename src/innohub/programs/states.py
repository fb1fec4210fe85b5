"""The shared kernel of the programmes services: state checks and the audit trail."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from innohub.core.errors import InvalidTransition
from innohub.programs.models import Application, ApplicationEvent, Call, ReviewRound


def check_transition(obj: Any, to: str) -> None:
    """Raise InvalidTransition (translated, naming both states) unless obj.TRANSITIONS allows it."""
    current = obj.status
    if to not in obj.TRANSITIONS.get(current, ()):
        labels = dict(type(obj).Status.choices)
        raise InvalidTransition(
            _("This cannot be done while the %(record)s is “%(state)s” (it would become “%(target)s”).")
            % {
                "record": type(obj)._meta.verbose_name,
                "state": labels.get(current, current),
                "target": labels.get(to, to),
            }
        )


def record_event(
    action: str,
    *,
    actor: Any,
    call: Call,
    application: Application | None = None,
    round: ReviewRound | None = None,  # noqa: A002 - the domain word
    **data: Any,
) -> ApplicationEvent:
    """One line of the selection's audit trail, written in the caller's transaction."""
    return ApplicationEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        call=call,
        application=application,
        round=round,
        data=data,
    )
