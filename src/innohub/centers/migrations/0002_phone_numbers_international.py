"""Phone numbers in the form the services now store them ("+84 24 3826 4567", ADR 0009)."""

from django.db import migrations

from innohub.core.validators import normalise_phones_operation


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_initial")]
    operations = [normalise_phones_operation("centers", "Center")]
