"""Operator admin for the reference taxonomies.

Unfold's ModelAdmin with modeltranslation's plain TranslationAdmin (one field per language).
TabbedTranslationAdmin is not used: it loads jQuery UI from a CDN, and InnoHub serves no asset from
the internet. Rows come from `innohub load_taxonomies`; an edit made here is overwritten by the next
load when the shipped data says otherwise.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from unfold.admin import ModelAdmin, TabularInline

from .models import Commune, Country, LegacyProvince, Province, ReadinessLevel, ScienceField, Sector, Stage


class LegacyProvinceInline(TabularInline):
    model = LegacyProvince
    fields = ("code", "name_vi", "name_en", "codename")
    extra = 0
    show_change_link = True
    verbose_name = _("former province merged into it")
    verbose_name_plural = _("former provinces merged into it")


@admin.register(Province)
class ProvinceAdmin(ModelAdmin, TranslationAdmin):
    list_display = ("code", "name", "division_type", "region", "former_codes", "latitude", "longitude")
    list_filter = ("region", "division_type")
    search_fields = (
        "code",
        "name_vi",
        "name_en",
        "codename",
        "legacy_provinces__name_vi",
        "legacy_provinces__code",
    )
    ordering = ("code",)
    inlines = (LegacyProvinceInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Province]:
        return super().get_queryset(request).prefetch_related("legacy_provinces")

    @admin.display(description=_("former codes"))
    def former_codes(self, obj: Province) -> str:
        return ", ".join(sorted(lp.code for lp in obj.legacy_provinces.all()))


@admin.register(LegacyProvince)
class LegacyProvinceAdmin(ModelAdmin, TranslationAdmin):
    list_display = ("code", "name", "province")
    list_filter = ("province__region", "province")
    search_fields = ("code", "name_vi", "name_en", "codename", "province__name_vi", "province__code")
    list_select_related = ("province",)
    autocomplete_fields = ("province",)
    ordering = ("code",)


@admin.register(Commune)
class CommuneAdmin(ModelAdmin):
    list_display = ("code", "name", "division_type", "province")
    list_filter = ("division_type", "province")
    search_fields = ("code", "name", "province__name_vi")
    list_select_related = ("province",)
    autocomplete_fields = ("province",)
    ordering = ("province__code", "name")
    list_per_page = 100


@admin.register(Sector)
class SectorAdmin(ModelAdmin, TranslationAdmin):
    list_display = ("code", "name", "level", "parent", "isic_code")
    list_filter = ("level", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "isic_code", "name_vi", "name_en")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("code",)


@admin.register(ScienceField)
class ScienceFieldAdmin(ModelAdmin, TranslationAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name_vi", "name_en")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("code",)


@admin.register(ReadinessLevel)
class ReadinessLevelAdmin(ModelAdmin, TranslationAdmin):
    list_display = ("level", "name", "description")
    search_fields = ("name_vi", "name_en", "description_vi", "description_en")
    ordering = ("level",)


@admin.register(Stage)
class StageAdmin(ModelAdmin, TranslationAdmin):
    list_display = ("code", "name", "order")
    search_fields = ("code", "name_vi", "name_en")
    ordering = ("order",)


@admin.register(Country)
class CountryAdmin(ModelAdmin, TranslationAdmin):
    list_display = ("iso2", "iso3", "numeric", "name", "name_en")
    search_fields = ("iso2", "iso3", "numeric", "name_vi", "name_en")
    ordering = ("iso2",)
