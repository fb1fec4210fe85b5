"""An index for the public directory's default order (visibility = public, by name in the default
language): page 1 reads 20 index entries instead of sorting every public organisation."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["visibility", "name_vi", "id"], name="org_visibility_name_idx"),
        ),
    ]
