"""Base models every app builds on: public UUIDs, timestamps, optimistic versions, visibility."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public (portal)")
    NETWORK = "network", _("Network (all centers)")
    CENTER = "center", _("Center only")
    PRIVATE = "private", _("Private")


class TimeStampedModel(models.Model):
    """Public UUID for URLs, the API and federation; integer pk stays internal."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public id"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("updated at"))
    # Incremented by every service write; a stale form or API call carrying an older version is refused.
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))

    class Meta:
        abstract = True


class TaskProgress(models.Model):
    """Progress of a long-running background task, polled by the UI and printed by the CLI.

    django-tasks stores status and result; this adds what it does not: how far along a task is, a
    human label, and a structured report (for example an import's per-row errors).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=64, verbose_name=_("kind"))
    label = models.CharField(max_length=255, blank=True, verbose_name=_("label"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    report: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.SUCCEEDED else 0
        return min(100, int(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


@lru_cache(maxsize=64)
def _choice_labels(choices: type[models.TextChoices], language: str) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of `value` in the active language. Django's `get_FOO_display()` hashes every lazy
    label of the field's choices on each call (a translation lookup each); this reads a table made
    once per language — it matters on lists and search pages that show hundreds of records."""
    return _choice_labels(choices, get_language() or settings.LANGUAGE_CODE).get(value, value)
