"""Phone numbers in the form the services now store them ("+84 24 3826 4567", ADR 0009); numbers
that cannot be dialled are left as written."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from innohub.core.validators import normalise_stored_phones

MODELS = "User".split(",")


def forwards(apps: Any, schema_editor: Any) -> None:
    for name in MODELS:
        normalise_stored_phones(apps.get_model("accounts", name))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_content_permissions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
