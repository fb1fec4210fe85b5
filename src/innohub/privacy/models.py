"""Personal data under Vietnam's rules (Decree 13/2023/ND-CP; Personal Data Protection Law 2025):
what each piece of data is processed for (purposes), the user's consent to each purpose, the user's
requests (export, erasure) and who looked at sensitive records (access log).

A consent is one row per (user, purpose) holding its current state; its history is in the audit log
(auditlog is registered for Consent), so the center can show when consent was given and withdrawn.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innohub.core.models import TimeStampedModel


class ConsentPurpose(models.Model):
    """Why personal data is processed. Its text is what the user agrees to; changing the text means
    raising `text_version`, and consents given to an older text are shown as needing review."""

    code = models.SlugField(max_length=64, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=255, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    legal_basis = models.TextField(blank=True, verbose_name=_("legal basis"))
    required = models.BooleanField(
        default=False,
        verbose_name=_("required"),
        help_text=_("Without consent to a required purpose there can be no account."),
    )
    retention_days = models.PositiveIntegerField(
        default=30,
        verbose_name=_("retention period (days)"),
        help_text=_(
            "How long data held only for this purpose is kept after the consent is withdrawn or the "
            "account is closed; the retention purge deletes it afterwards."
        ),
    )
    text_version = models.CharField(max_length=32, default="1", verbose_name=_("text version"))
    active = models.BooleanField(default=True, verbose_name=_("active"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("processing purpose")
        verbose_name_plural = _("processing purposes")

    def __str__(self) -> str:
        return self.name


class Consent(models.Model):
    class Source(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        SETTINGS = "settings", _("Privacy settings")
        API = "api", _("API")
        ERASURE = "erasure", _("Account deletion")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.PROTECT, related_name="consents")
    granted = models.BooleanField(default=False, verbose_name=_("granted"))
    text_version = models.CharField(max_length=32, blank=True, verbose_name=_("text version"))
    granted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("granted at"))
    withdrawn_at = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name=_("withdrawn at"))
    source = models.CharField(max_length=16, choices=Source.choices, verbose_name=_("source"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["purpose__position", "purpose__code"]
        constraints = [models.UniqueConstraint(fields=["user", "purpose"], name="one_consent_per_purpose")]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.purpose_id}:{'granted' if self.granted else 'withdrawn'}"

    @property
    def is_current(self) -> bool:
        """Given to the purpose's current text (not an older wording)."""
        return self.granted and self.text_version == self.purpose.text_version


class DataRequest(TimeStampedModel):
    """A data subject's request: a copy of their data (export) or deletion (erasure)."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Download of my data")
        ERASURE = "erasure", _("Deletion of my account")

    class Status(models.TextChoices):
        PENDING = "pending", _("Open")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        DECLINED = "declined", _("Declined")

    OPEN = (Status.PENDING, Status.RUNNING, Status.FAILED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_requests")
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True, verbose_name=_("status")
    )
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    explanation = models.TextField(
        blank=True,
        verbose_name=_("explanation"),
        help_text=_("What was done, what was kept and why; shown to the person who asked."),
    )
    result_file = models.FileField(upload_to="privacy/exports/", blank=True, max_length=255)
    result_size = models.PositiveBigIntegerField(default=0)
    report: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    progress = models.ForeignKey(
        "core.TaskProgress", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def downloadable(self) -> bool:
        return self.kind == self.Kind.EXPORT and self.status == self.Status.DONE and bool(self.result_file)


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def about(self, user: Any) -> AccessLogQuerySet:
        """Entries about `user`: as an account, or as the directory person linked to the account."""
        return self.filter(models.Q(subject_user=user) | models.Q(person__user=user))


class AccessLog(models.Model):
    """Who viewed or exported which sensitive record. Append-only: rows are never changed; the
    retention purge deletes them after their own retention period."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record_type = models.CharField(max_length=64, verbose_name=_("record type"))
    record_id = models.CharField(max_length=64, verbose_name=_("record"))
    action = models.CharField(max_length=8, choices=Action.choices, verbose_name=_("action"))
    fields: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True, verbose_name=_("fields"))
    channel = models.CharField(max_length=16, blank=True, verbose_name=_("channel"))
    reason = models.CharField(max_length=255, blank=True, verbose_name=_("purpose"))
    at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("time"))

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="accesslog_record_idx")]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.record_type}:{self.record_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Access log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Access log entries are deleted only by the retention purge.")
