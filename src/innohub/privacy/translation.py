from modeltranslation.translator import TranslationOptions, register

from .models import ConsentPurpose


@register(ConsentPurpose)
class ConsentPurposeTR(TranslationOptions):
    fields = ("name", "description", "legal_basis")
