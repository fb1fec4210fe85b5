from modeltranslation.translator import TranslationOptions, register

from .models import Role


@register(Role)
class RoleTR(TranslationOptions):
    fields = ("name",)
