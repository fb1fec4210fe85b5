from modeltranslation.translator import TranslationOptions, register

from .models import Country, LegacyProvince, Province, ReadinessLevel, ScienceField, Sector, Stage


@register(Province)
class ProvinceTR(TranslationOptions):
    fields = ("name",)


@register(LegacyProvince)
class LegacyProvinceTR(TranslationOptions):
    fields = ("name",)


@register(Sector)
class SectorTR(TranslationOptions):
    fields = ("name",)


@register(ScienceField)
class ScienceFieldTR(TranslationOptions):
    fields = ("name",)


@register(ReadinessLevel)
class ReadinessLevelTR(TranslationOptions):
    fields = ("name", "description")


@register(Stage)
class StageTR(TranslationOptions):
    fields = ("name", "description")


@register(Country)
class CountryTR(TranslationOptions):
    fields = ("name",)
