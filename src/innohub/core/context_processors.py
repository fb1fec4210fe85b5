from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def innohub(request: HttpRequest) -> dict[str, Any]:
    return {"INNOHUB_INSTANCE": settings.INNOHUB_INSTANCE}
