from django.db import migrations


def forwards(apps, schema_editor):
    """Give the system roles the programmes permissions (accounts.roles.DEFAULT_ROLES)."""
    from innohub.accounts.roles import sync_default_roles

    sync_default_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
