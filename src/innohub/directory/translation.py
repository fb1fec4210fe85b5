from modeltranslation.translator import TranslationOptions, register

from .models import Organisation, Person


@register(Organisation)
class OrganisationTR(TranslationOptions):
    fields = ("name", "description")


@register(Person)
class PersonTR(TranslationOptions):
    fields = ("bio",)
