"""The /api/v1 root: one NinjaAPI, one Router per app, one error format."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="InnoHub API",
    version="1",
    description="Ecosystem directory, centers and taxonomies of an InnoHub instance.",
    urls_namespace="api-v1",
)
