"""Workspace pages of review rounds, panels, assignment, scoring and selection (/workspace/programmes/)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
