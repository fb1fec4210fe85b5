"""The ecosystem directory: organisations of every kind, people, their relations, profile claims."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innohub.core.cache import remember_loaded_visibility
from innohub.core.models import TimeStampedModel, Visibility, choice_label
from innohub.core.visibility import VisibleQuerySet


class OrganisationKind(models.TextChoices):
    STARTUP = "startup", _("Startup")
    INNOVATIVE_SME = "innovative_sme", _("Innovative SME")
    INCUBATOR = "incubator", _("Incubator")
    ACCELERATOR = "accelerator", _("Accelerator")
    COWORKING = "coworking", _("Co-working space")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    INVESTOR = "investor", _("Investor / fund")
    CORPORATE = "corporate", _("Corporate")
    SUPPORT_CENTER = "support_center", _("Support center")
    GOVERNMENT = "government", _("Government agency")
    FOREIGN_PARTNER = "foreign_partner", _("Foreign partner")
    ASSOCIATION = "association", _("Association")


class Tag(models.Model):
    name = models.CharField(max_length=64, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class RecordCacheMixin:
    """Remembers the visibility a record was loaded with: an anonymous-cache signal (core/cache.py)
    tells an ordinary edit, which refreshes only this record's pages, from hiding it, which refreshes
    everything."""

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        obj = super().from_db(db, field_names, values)  # type: ignore[misc]
        remember_loaded_visibility(obj)
        return obj


class Organisation(RecordCacheMixin, TimeStampedModel):
    center = models.ForeignKey(
        "centers.Center", on_delete=models.PROTECT, related_name="organisations", verbose_name=_("center")
    )
    kind = models.CharField(
        max_length=32, choices=OrganisationKind.choices, db_index=True, verbose_name=_("kind")
    )
    name = models.CharField(max_length=255, verbose_name=_("name"))
    slug = models.SlugField(max_length=255, unique=True, verbose_name=_("slug"))
    short_name = models.CharField(max_length=64, blank=True, verbose_name=_("short name"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    sectors = models.ManyToManyField(
        "taxonomy.Sector", blank=True, related_name="+", verbose_name=_("sectors")
    )
    science_fields = models.ManyToManyField(
        "taxonomy.ScienceField",
        blank=True,
        related_name="+",
        verbose_name=_("fields of science and technology"),
    )
    province = models.ForeignKey(
        "taxonomy.Province",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
    )
    legacy_province = models.ForeignKey(
        "taxonomy.LegacyProvince",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("former province (before 2025)"),
    )
    commune = models.ForeignKey(
        "taxonomy.Commune",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commune/ward"),
    )
    country = models.ForeignKey(
        "taxonomy.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("country"),
    )
    address = models.CharField(max_length=255, blank=True, verbose_name=_("address"))
    stage = models.ForeignKey(
        "taxonomy.Stage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("stage"),
    )
    readiness_level = models.ForeignKey(
        "taxonomy.ReadinessLevel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("technology readiness level"),
    )
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("founding year"))
    team_size = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("team size"))
    funding_raised_vnd = models.DecimalField(
        max_digits=20, decimal_places=0, null=True, blank=True, verbose_name=_("funding raised (VND)")
    )
    tax_code = models.CharField(max_length=16, blank=True, db_index=True, verbose_name=_("tax code"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    phone = models.CharField(max_length=32, blank=True, verbose_name=_("phone"))
    social_links: models.JSONField[Any, Any] = models.JSONField(
        default=dict, blank=True, verbose_name=_("social links")
    )
    logo = models.ImageField(upload_to="logos/%Y/", blank=True, verbose_name=_("logo"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="organisations", verbose_name=_("tags"))
    visibility = models.CharField(
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        db_index=True,
        verbose_name=_("visibility"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_with = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="OrganisationMember", related_name="organisations", blank=True
    )
    # Denormalised for search and duplicate detection; maintained by services.
    search_text = models.TextField(blank=True, editable=False)
    name_key = models.CharField(max_length=255, blank=True, db_index=True, editable=False)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["name_key", "province"], name="org_dedup_idx"),
            models.Index(fields=["center", "visibility"], name="org_center_vis_idx"),
            # The public directory's default order (name in the default language): page 1 of the
            # anonymous list reads 20 index entries instead of sorting every public row.
            models.Index(fields=["visibility", "name_vi", "id"], name="org_visibility_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(OrganisationKind, self.kind)


class OrganisationMember(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="unique_org_member")]


class RelationKind(models.TextChoices):
    INCUBATED_BY = "incubated_by", _("incubated by")
    INVESTED_IN = "invested_in", _("invested in")
    ALUMNI_OF = "alumni_of", _("alumni of")
    MEMBER_OF = "member_of", _("member of")


class OrganisationRelation(models.Model):
    source = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(max_length=16, choices=RelationKind.choices, verbose_name=_("relation"))
    since_year = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("since"))
    note = models.CharField(max_length=255, blank=True, verbose_name=_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_org_relation"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="relation_not_self"),
        ]
        verbose_name = _("relation")
        verbose_name_plural = _("relations")


class Person(RecordCacheMixin, TimeStampedModel):
    center = models.ForeignKey("centers.Center", on_delete=models.PROTECT, related_name="people")
    full_name = models.CharField(max_length=255, verbose_name=_("full name"))
    slug = models.SlugField(max_length=255, unique=True)
    title = models.CharField(max_length=255, blank=True, verbose_name=_("title / position"))
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("organisation"),
    )
    bio = models.TextField(blank=True, verbose_name=_("biography"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    phone = models.CharField(max_length=32, blank=True, verbose_name=_("phone"))
    personal_id = models.CharField(max_length=12, blank=True, verbose_name=_("personal ID number"))
    sectors = models.ManyToManyField(
        "taxonomy.Sector", blank=True, related_name="+", verbose_name=_("sectors")
    )
    science_fields = models.ManyToManyField(
        "taxonomy.ScienceField",
        blank=True,
        related_name="+",
        verbose_name=_("fields of science and technology"),
    )
    province = models.ForeignKey(
        "taxonomy.Province",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
    )
    country = models.ForeignKey(
        "taxonomy.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("country of residence"),
    )
    is_overseas_vietnamese = models.BooleanField(default=False, verbose_name=_("overseas Vietnamese expert"))
    linkedin = models.URLField(blank=True, verbose_name=_("LinkedIn"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="people", verbose_name=_("tags"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    visibility = models.CharField(
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.NETWORK,
        db_index=True,
        verbose_name=_("visibility"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_with = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    search_text = models.TextField(blank=True, editable=False)
    name_key = models.CharField(max_length=255, blank=True, db_index=True, editable=False)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name


class PersonRelationKind(models.TextChoices):
    MENTOR_OF = "mentor_of", _("mentor of")
    ADVISOR_OF = "advisor_of", _("adviser of")
    FOUNDER_OF = "founder_of", _("founder of")
    INVESTOR_OF = "investor_of", _("investor in")


#: the kinds shown as "Mentors and advisers" of an organisation, and that make a mentor conflict
MENTORING_KINDS = (PersonRelationKind.MENTOR_OF, PersonRelationKind.ADVISOR_OF)


class PersonRelationQuerySet(models.QuerySet["PersonRelation"]):
    def current(self, year: int | None = None) -> PersonRelationQuerySet:
        """Relations that have not ended before `year` (default: this year). A relation with no end
        year is ongoing; one that ends this year still counts, as its year is not over."""
        from django.utils import timezone

        year = timezone.now().year if year is None else year
        return self.filter(models.Q(until_year__isnull=True) | models.Q(until_year__gte=year))


class PersonRelation(models.Model):
    """A person's tie to an organisation that is not employment (Person.organisation is that):
    mentoring, advising, founding, investing. Conflicts of interest in the selection read these."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="organisation_relations", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="person_relations",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(max_length=16, choices=PersonRelationKind.choices, verbose_name=_("relation"))
    since_year = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("since"))
    until_year = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("until"))
    note = models.CharField(max_length=255, blank=True, verbose_name=_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonRelationQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation", "kind"], name="unique_person_relation"),
            models.CheckConstraint(
                condition=models.Q(since_year__isnull=True)
                | models.Q(until_year__isnull=True)
                | models.Q(until_year__gte=models.F("since_year")),
                name="person_relation_years",
            ),
        ]
        verbose_name = _("person relation")
        verbose_name_plural = _("person relations")

    def __str__(self) -> str:
        return f"{self.person} – {self.get_kind_display()} – {self.organisation}"


class ClaimRequest(TimeStampedModel):
    """A user asks to manage an organisation's profile; staff of its center approve or reject."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims")
    message = models.TextField(blank=True, verbose_name=_("message"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_claim",
            )
        ]
        verbose_name = _("profile claim")
        verbose_name_plural = _("profile claims")
