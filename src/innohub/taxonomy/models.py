"""Reference data shipped with the product (see data/, loader.py and `innohub load_taxonomies`).

Names are bilingual through django-modeltranslation (name_vi, name_en); `name` follows the UI language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    """The six socio-economic regions that statistics and national programmes group provinces by."""

    NORTHERN_MIDLANDS_MOUNTAINS = "northern_midlands_mountains", _("Northern midlands and mountains")
    RED_RIVER_DELTA = "red_river_delta", _("Red River Delta")
    NORTH_CENTRAL_CENTRAL_COAST = "north_central_central_coast", _("North Central and Central Coast")
    CENTRAL_HIGHLANDS = "central_highlands", _("Central Highlands")
    SOUTHEAST = "southeast", _("Southeast")
    MEKONG_DELTA = "mekong_delta", _("Mekong Delta")


class Province(models.Model):
    """One of the 34 provinces/centrally-run cities in force since 1 July 2025."""

    code = models.CharField(max_length=4, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=128, verbose_name=_("name"))
    division_type = models.CharField(max_length=32, blank=True, verbose_name=_("division type"))
    codename = models.SlugField(max_length=64, unique=True)
    region = models.CharField(max_length=32, blank=True, choices=Region.choices, verbose_name=_("region"))
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    if TYPE_CHECKING:  # added by django-modeltranslation (translation.py)
        name_vi: str | None
        name_en: str | None

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class LegacyProvince(models.Model):
    """One of the 63 provinces before 1 July 2025, mapped to the province that absorbed it."""

    code = models.CharField(max_length=4, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=128, verbose_name=_("name"))
    codename = models.SlugField(max_length=64, unique=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="legacy_provinces",
        verbose_name=_("province since 2025"),
    )

    if TYPE_CHECKING:  # added by django-modeltranslation (translation.py)
        name_vi: str | None
        name_en: str | None

    class Meta:
        ordering = ["code"]
        verbose_name = _("former province")
        verbose_name_plural = _("former provinces")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """Commune / ward / special zone (second administrative level since July 2025)."""

    code = models.CharField(max_length=8, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=128, verbose_name=_("name"))
    division_type = models.CharField(max_length=32, blank=True)
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="communes")

    class Meta:
        ordering = ["province__code", "name"]
        verbose_name = _("commune/ward")
        verbose_name_plural = _("communes/wards")

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    """VSIC 2018 section (level 1, letter) or division (level 2, two digits), with ISIC Rev.4 code."""

    code = models.CharField(max_length=8, unique=True, verbose_name=_("VSIC code"))
    level = models.PositiveSmallIntegerField(verbose_name=_("level"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    isic_code = models.CharField(max_length=8, blank=True, verbose_name=_("ISIC Rev.4 code"))
    name = models.CharField(max_length=255, verbose_name=_("name"))

    if TYPE_CHECKING:  # added by django-modeltranslation (translation.py)
        name_vi: str | None
        name_en: str | None

    class Meta:
        ordering = ["code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class ScienceField(models.Model):
    """Field of science and technology (Vietnam's classification, aligned with OECD Frascati FoS)."""

    code = models.CharField(max_length=8, unique=True, verbose_name=_("code"))
    level = models.PositiveSmallIntegerField(default=1)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=255, verbose_name=_("name"))

    if TYPE_CHECKING:  # added by django-modeltranslation (translation.py)
        name_vi: str | None
        name_en: str | None

    class Meta:
        ordering = ["code"]
        verbose_name = _("field of science and technology")
        verbose_name_plural = _("fields of science and technology")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class ReadinessLevel(models.Model):
    """Technology readiness level 1–9."""

    level = models.PositiveSmallIntegerField(unique=True, verbose_name=_("level"))
    name = models.CharField(max_length=255, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))

    if TYPE_CHECKING:  # added by django-modeltranslation (translation.py)
        name_vi: str | None
        name_en: str | None
        description_vi: str | None
        description_en: str | None

    class Meta:
        ordering = ["level"]
        verbose_name = _("technology readiness level")
        verbose_name_plural = _("technology readiness levels")

    def __str__(self) -> str:
        return f"TRL {self.level} – {self.name}"


class Stage(models.Model):
    """Startup stage (idea → scale-up)."""

    code = models.SlugField(max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=128, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))

    if TYPE_CHECKING:  # added by django-modeltranslation (translation.py)
        name_vi: str | None
        name_en: str | None
        description_vi: str | None
        description_en: str | None

    class Meta:
        ordering = ["order"]
        verbose_name = _("startup stage")
        verbose_name_plural = _("startup stages")

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    """ISO 3166-1 country."""

    iso2 = models.CharField(max_length=2, unique=True)
    iso3 = models.CharField(max_length=3, unique=True)
    numeric = models.CharField(max_length=3, blank=True)
    name = models.CharField(max_length=128, verbose_name=_("name"))

    if TYPE_CHECKING:  # added by django-modeltranslation (translation.py)
        name_vi: str | None
        name_en: str | None

    class Meta:
        ordering = ["iso2"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name
