"""Workspace pages of programmes, calls, forms and applications (mounted at /workspace/programmes/)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
