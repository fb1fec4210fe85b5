"""Support centers and their network: national → regional → provincial / ministry / university."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from innohub.core.models import TimeStampedModel


class CenterKind(models.TextChoices):
    NATIONAL = "national", _("National center")
    REGIONAL = "regional", _("Regional center")
    PROVINCIAL = "provincial", _("Provincial center")
    MINISTRY = "ministry", _("Ministry center")
    UNIVERSITY = "university", _("University center")
    PARTNER = "partner", _("Partner")


class CenterQuerySet(models.QuerySet["Center"]):
    def descendants_of(self, center: Center, *, include_self: bool = True) -> CenterQuerySet:
        qs = self.filter(path__startswith=center.path)
        return qs if include_self else qs.exclude(pk=center.pk)


class Center(TimeStampedModel):
    name = models.CharField(max_length=255, verbose_name=_("name"))
    short_name = models.CharField(max_length=64, blank=True, verbose_name=_("short name"))
    slug = models.SlugField(max_length=64, unique=True, verbose_name=_("slug"))
    kind = models.CharField(max_length=16, choices=CenterKind.choices, verbose_name=_("kind"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    # Materialised path of ids ("/1/4/9/"): descendants are one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")
    province = models.ForeignKey(
        "taxonomy.Province", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("province")
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    phone = models.CharField(max_length=32, blank=True, verbose_name=_("phone"))
    is_active = models.BooleanField(default=True, verbose_name=_("active"))

    objects = CenterQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("center")
        verbose_name_plural = _("centers")

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]
