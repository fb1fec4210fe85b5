from modeltranslation.translator import TranslationOptions, register

from .models import Center


@register(Center)
class CenterTR(TranslationOptions):
    fields = ("name", "description")
