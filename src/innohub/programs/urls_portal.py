"""Public pages of calls for applications and published results (mounted in the portal namespace)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
