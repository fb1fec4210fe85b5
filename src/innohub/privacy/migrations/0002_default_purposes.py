from django.db import migrations


def forwards(apps, schema_editor):
    from innohub.privacy.defaults import sync_default_purposes

    sync_default_purposes(apps.get_model("privacy", "ConsentPurpose"))


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
