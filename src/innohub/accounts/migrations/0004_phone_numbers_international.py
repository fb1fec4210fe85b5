"""Phone numbers in the form the services now store them ("+84 24 3826 4567", ADR 0009)."""

from django.db import migrations

from innohub.core.validators import normalise_phones_operation


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_content_permissions")]
    operations = [normalise_phones_operation("accounts", "User")]
