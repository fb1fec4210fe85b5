"""Form pieces shared by the apps' forms and the operators' admin."""

from __future__ import annotations

from typing import Any

from innohub.core.validators import validate_phone


class PhoneFormMixin:
    """A form with a `phone` field checks and normalises it as the services do (ADR 0009): the
    operators' admin saves models directly, so it needs the rule on its forms."""

    cleaned_data: dict[str, Any]

    def clean_phone(self) -> str:
        return validate_phone(self.cleaned_data.get("phone") or "")
