from modeltranslation.translator import TranslationOptions, register

from .models import NewsArticle


@register(NewsArticle)
class NewsArticleTR(TranslationOptions):
    fields = ("title", "summary", "body")
