from modeltranslation.translator import TranslationOptions, register

from .models import Call, Criterion, FormField, FormSection, LetterTemplate, Programme, ReviewRound


@register(Programme)
class ProgrammeTR(TranslationOptions):
    fields = ("title", "summary", "description")


@register(Call)
class CallTR(TranslationOptions):
    fields = ("title", "description")


@register(FormSection)
class FormSectionTR(TranslationOptions):
    fields = ("title", "help_text")


@register(FormField)
class FormFieldTR(TranslationOptions):
    fields = ("label", "help_text")


@register(ReviewRound)
class ReviewRoundTR(TranslationOptions):
    fields = ("title", "instructions")


@register(Criterion)
class CriterionTR(TranslationOptions):
    fields = ("title", "guidance")


@register(LetterTemplate)
class LetterTemplateTR(TranslationOptions):
    fields = ("subject", "body")
