"""Programmes, their calls for applications, application forms, review rounds and selection.

A Programme (incubation, acceleration, exchange, co-investment, training, competition, or the
selection of units to run a programme) belongs to a Center and runs Calls. A Call has an application
form (sections and typed fields built by staff), eligibility rules checked on submission, quotas,
and review rounds. Applicants apply as an organisation from the directory; every submission is kept
as a numbered version. Reviewers are assigned per round (exactly, by `innohub.matching.assignment`),
never to a conflicted application, and score on a weighted scorecard. Staff decide; accepted
applicants become the programme's participants. Every step is an `ApplicationEvent` (audit trail).

State lives in explicit TRANSITIONS tables next to the models they govern; services enforce them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innohub.core.models import TimeStampedModel, Visibility
from innohub.core.visibility import VisibleQuerySet


class ProgrammeKind(models.TextChoices):
    INCUBATION = "incubation", _("Incubation")
    ACCELERATION = "acceleration", _("Acceleration")
    EXCHANGE = "exchange", _("International startup exchange")
    CO_INVESTMENT = "co_investment", _("Co-investment (TIPS-like)")
    TRAINING = "training", _("Training intake")
    COMPETITION = "competition", _("Competition / Techfest")
    UNIT_SELECTION = "unit_selection", _("Selection of participating units")
    OTHER = "other", _("Other")


class Currency(models.TextChoices):
    VND = "VND", "VND"
    KRW = "KRW", "KRW"
    USD = "USD", "USD"
    ILS = "ILS", "ILS"


class Programme(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    center = models.ForeignKey(
        "centers.Center", on_delete=models.PROTECT, related_name="programmes", verbose_name=_("center")
    )
    kind = models.CharField(max_length=24, choices=ProgrammeKind.choices, verbose_name=_("kind"))
    title = models.CharField(max_length=255, verbose_name=_("title"))
    slug = models.SlugField(max_length=255, unique=True, verbose_name=_("slug"))
    summary = models.CharField(max_length=500, blank=True, verbose_name=_("summary"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    partners = models.ManyToManyField(
        "directory.Organisation", blank=True, related_name="partner_programmes", verbose_name=_("partners")
    )
    # Working languages of the programme (codes from settings.LANGUAGES, e.g. ["vi", "en", "ko"]).
    languages: models.JSONField[Any, Any] = models.JSONField(
        default=list, blank=True, verbose_name=_("languages")
    )
    budget_amount = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, verbose_name=_("budget")
    )
    budget_currency = models.CharField(
        max_length=3, choices=Currency.choices, default=Currency.VND, verbose_name=_("currency")
    )
    starts_on = models.DateField(null=True, blank=True, verbose_name=_("starts on"))
    ends_on = models.DateField(null=True, blank=True, verbose_name=_("ends on"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC, verbose_name=_("visibility")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_with = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.title


class Call(TimeStampedModel):
    """A call for applications; seen by whoever sees its programme once published (selectors).
    Open between `opens_at` and `closes_at` (aware datetimes; shown in
    Asia/Ho_Chi_Minh) once published. Eligibility and quotas are JSON documents whose shape is
    defined and validated in `programs/eligibility.py`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        REVIEWING = "reviewing", _("Under review")
        DECIDED = "decided", _("Decided")
        RESULTS_PUBLISHED = "results_published", _("Results published")
        ARCHIVED = "archived", _("Archived")

    TRANSITIONS: dict[str, tuple[str, ...]] = {
        "draft": ("published", "archived"),
        "published": ("reviewing", "draft", "archived"),
        "reviewing": ("decided", "archived"),
        "decided": ("results_published", "reviewing", "archived"),
        "results_published": ("archived",),
        "archived": (),
    }

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="calls")
    title = models.CharField(max_length=255, verbose_name=_("title"))
    slug = models.SlugField(max_length=255, unique=True, verbose_name=_("slug"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    opens_at = models.DateTimeField(verbose_name=_("opens at"))
    closes_at = models.DateTimeField(verbose_name=_("closes at"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Applicants may change a submitted application until this moment (null: not after submission).
    edits_allowed_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("submitted applications editable until")
    )
    eligibility: models.JSONField[Any, Any] = models.JSONField(
        default=dict, blank=True, verbose_name=_("eligibility rules")
    )
    quotas: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True, verbose_name=_("quotas"))
    max_selected = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("places"))
    appeal_days = models.PositiveSmallIntegerField(default=7, verbose_name=_("appeal window (days)"))
    results_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["closes_at", "id"]
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="call_dates")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def center_id(self) -> int:
        return self.programme.center_id

    def is_open(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and self.opens_at <= now < self.closes_at

    def accepts_edits(self, now: Any = None) -> bool:
        now = now or timezone.now()
        if self.is_open(now):
            return True
        return bool(self.edits_allowed_until and now < self.edits_allowed_until)


class FieldKind(models.TextChoices):
    TEXT = "text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    MONEY = "money", _("Amount of money")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    FILE = "file", _("File upload")
    TEAM = "team", _("Team members")
    ORGANISATION = "organisation", _("Organisation from the directory")


class FormSection(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=255, verbose_name=_("title"))
    help_text = models.TextField(blank=True, verbose_name=_("help text"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("form section")
        verbose_name_plural = _("form sections")

    def __str__(self) -> str:
        return self.title


class FormField(models.Model):
    """One typed question. `options` holds kind-specific settings:
    choice/multi_choice: {"choices": [{"value": "a", "label_vi": "…", "label_en": "…"}]};
    number: {"min": 0, "max": 100}; money: {"currency": "VND"}; text/long_text: {"max_length": 2000};
    file: {"types": ["pdf", "docx"], "max_mb": 10}; team: {"min": 1, "max": 10}.
    `condition` makes the field apply only when another field has a value:
    {"field": "<key>", "equals": <value>} (or "in": [...])."""

    section = models.ForeignKey(FormSection, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(max_length=64, verbose_name=_("key"))
    kind = models.CharField(max_length=16, choices=FieldKind.choices, verbose_name=_("kind"))
    label = models.CharField(max_length=255, verbose_name=_("label"))
    help_text = models.TextField(blank=True, verbose_name=_("help text"))
    required = models.BooleanField(default=False, verbose_name=_("required"))
    position = models.PositiveSmallIntegerField(default=0)
    options: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    condition: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["section__position", "position", "id"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")

    def __str__(self) -> str:
        return self.label


class Application(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        UNDER_REVIEW = "under_review", _("Under review")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS: dict[str, tuple[str, ...]] = {
        "draft": ("submitted", "withdrawn"),
        "submitted": ("submitted", "withdrawn", "under_review", "rejected"),
        "under_review": ("shortlisted", "accepted", "waitlisted", "rejected"),
        "shortlisted": ("under_review", "accepted", "waitlisted", "rejected"),
        "waitlisted": ("accepted", "rejected"),
        "accepted": ("waitlisted", "rejected"),  # only through an upheld appeal or a correction
        "rejected": ("accepted", "waitlisted", "shortlisted"),  # only through an upheld appeal
        "withdrawn": (),
    }
    DECISIONS = ("shortlisted", "accepted", "waitlisted", "rejected")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="applications"
    )
    reference = models.CharField(max_length=32, unique=True, verbose_name=_("reference"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    answers: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_version = models.PositiveIntegerField(default=0)
    eligibility_report: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    # Text used by similarity matching (folded), refreshed on submission.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation"], name="one_application_per_organisation")
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self) -> str:
        return self.reference


class ApplicationVersion(models.Model):
    """What was submitted, each time it was submitted (never changed afterwards)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    answers: models.JSONField[Any, Any] = models.JSONField(default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="application_version_unique")
        ]


class ApplicationFile(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    field_key = models.SlugField(max_length=64)
    file = models.FileField(upload_to="applications/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=128, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class ReviewRound(TimeStampedModel):
    class Kind(models.TextChoices):
        SCREENING = "screening", _("Screening")
        PANEL = "panel", _("Panel scoring")
        INTERVIEW = "interview", _("Interview / pitch")
        FINAL = "final", _("Final")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for reviews")
        CLOSED = "closed", _("Closed")

    TRANSITIONS: dict[str, tuple[str, ...]] = {
        "draft": ("open",),
        "open": ("closed",),
        "closed": ("open",),
    }

    class Normalisation(models.TextChoices):
        NONE = "none", _("Raw weighted scores")
        ZSCORE = "zscore", _("Z-score per reviewer")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rounds")
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PANEL)
    title = models.CharField(max_length=255, verbose_name=_("title"))
    instructions = models.TextField(blank=True, verbose_name=_("reviewer instructions"))
    blind = models.BooleanField(default=False, verbose_name=_("blind review"))
    per_item = models.PositiveSmallIntegerField(default=3, verbose_name=_("reviewers per application"))
    capacity = models.PositiveSmallIntegerField(default=10, verbose_name=_("applications per reviewer"))
    normalisation = models.CharField(max_length=8, choices=Normalisation.choices, default=Normalisation.NONE)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    closes_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviews due"))

    class Meta:
        ordering = ["call", "position", "id"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=255, verbose_name=_("criterion"))
    guidance = models.TextField(blank=True, verbose_name=_("guidance"))
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=1, verbose_name=_("weight"))
    scale_min = models.SmallIntegerField(default=0, verbose_name=_("lowest score"))
    scale_max = models.SmallIntegerField(default=10, verbose_name=_("highest score"))
    comment_required = models.BooleanField(default=False, verbose_name=_("comment required"))

    class Meta:
        ordering = ["round", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")), name="criterion_scale"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PanelMember(models.Model):
    """A reviewer in a round's panel; `capacity` overrides the round's default."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="panel")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panels")
    is_lead = models.BooleanField(default=False, verbose_name=_("lead reviewer"))
    capacity = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("capacity"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "-is_lead", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "reviewer"], name="panel_member_unique")]


class ConflictOfInterest(models.Model):
    class Source(models.TextChoices):
        DECLARED = "declared", _("Declared by the reviewer")
        DETECTED = "detected", _("Detected from the directory")
        STAFF = "staff", _("Recorded by staff")

    class Reason(models.TextChoices):
        SAME_ORGANISATION = "same_organisation", _("Works for the applicant organisation")
        INVESTOR = "investor", _("Invests in the applicant")
        MENTOR = "mentor", _("Mentors the applicant")
        INCUBATOR = "incubator", _("Incubated the applicant")
        FAMILY = "family", _("Same family name in the applicant organisation")
        PERSONAL = "personal", _("Personal or financial interest")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    source = models.CharField(max_length=16, choices=Source.choices)
    reason = models.CharField(max_length=24, choices=Reason.choices)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["application", "reviewer", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer", "reason"], name="conflict_unique")
        ]


class Bid(models.Model):
    """A reviewer's interest in reviewing an application (-1 rather not … 2 eager)."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="bids")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="bids")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bids")
    value = models.SmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "application", "reviewer"], name="bid_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=-1, value__lte=2), name="bid_range"),
        ]


class AssignmentRun(models.Model):
    """One run of the automatic assignment: its inputs, the result and how good it was."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignment_runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.ForeignKey(
        "core.TaskProgress", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inputs: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    result: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    objective = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class ReviewAssignment(models.Model):
    class Source(models.TextChoices):
        AUTO = "auto", _("Automatic")
        MANUAL = "manual", _("By hand")

    class Status(models.TextChoices):
        PENDING = "pending", _("To review")
        SUBMITTED = "submitted", _("Reviewed")
        ABSTAINED = "abstained", _("Abstained")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.AUTO)
    locked = models.BooleanField(default=False, verbose_name=_("locked"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    affinity = models.FloatField(null=True, blank=True)
    run = models.ForeignKey(AssignmentRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "application", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["round", "application", "reviewer"], name="assignment_unique")
        ]
        indexes = [models.Index(fields=["reviewer", "status"])]


class Review(TimeStampedModel):
    """A reviewer's scorecard for one assignment. `total` is the weighted mean on the 0–100 scale."""

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    comment = models.TextField(blank=True, verbose_name=_("overall comment"))
    total = models.FloatField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    abstain_reason = models.CharField(max_length=500, blank=True)


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(max_digits=6, decimal_places=2)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_unique")]


class LetterTemplate(models.Model):
    """Decision letter per outcome, bilingual; placeholders: {organisation}, {call}, {programme},
    {reference}, {note}, {appeal_until}."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="letter_templates")
    outcome = models.CharField(max_length=16, choices=Application.Status.choices)
    subject = models.CharField(max_length=255, verbose_name=_("subject"))
    body = models.TextField(verbose_name=_("body"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "outcome"], name="letter_template_unique")]


class Letter(models.Model):
    """A decision letter as sent (by mail and in the applicant's workspace)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="letters")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="letters"
    )
    outcome = models.CharField(max_length=16, choices=Application.Status.choices)
    language = models.CharField(max_length=8, default="vi")
    subject = models.CharField(max_length=255)
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]


class Appeal(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="appeals")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(verbose_name=_("reason"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)


class Participant(TimeStampedModel):
    """An accepted applicant kept as a participant of the programme (cohorts build on these)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        LEFT = "left", _("Left")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="participations"
    )
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="participant"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["programme", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation", "application"], name="participant_unique"
            )
        ]


class ApplicationEvent(models.Model):
    """The audit trail of the selection: who submitted, scored, assigned, decided, appealed what."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    round = models.ForeignKey(ReviewRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=48)  # e.g. "application.submitted", "review.submitted"
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
