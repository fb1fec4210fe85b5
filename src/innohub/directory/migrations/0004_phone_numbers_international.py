"""Phone numbers in the form the services now store them ("+84 24 3826 4567", ADR 0009)."""

from django.db import migrations

from innohub.core.validators import normalise_phones_operation


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_person_relation")]
    operations = [normalise_phones_operation("directory", "Organisation", "Person")]
