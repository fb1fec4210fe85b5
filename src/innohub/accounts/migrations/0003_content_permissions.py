"""Give the staff roles the news permissions ("content.change", "content.publish").

News writing used to ride on "directory.change", which members of a startup hold too. The system roles
center_admin and center_staff get the new permissions (DEFAULT_ROLES has them, so a fresh database
already does and this step changes nothing there); a center's own roles get them when they are staff
roles, i.e. they may delete any record of the center ("directory.delete"). platform_admin holds "*".
"""

from django.db import migrations

CONTENT_PERMISSIONS = ["content.change", "content.publish"]
STAFF_ROLES = ("center_admin", "center_staff")
STAFF_MARKER = "directory.delete"


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.all():
        perms = list(role.permissions or [])
        is_system_staff = role.center_id is None and role.code in STAFF_ROLES
        is_center_staff = role.center_id is not None and STAFF_MARKER in perms
        if not (is_system_staff or is_center_staff) or "*" in perms:
            continue
        missing = [p for p in CONTENT_PERMISSIONS if p not in perms]
        if missing:
            role.permissions = perms + missing
            role.save(update_fields=["permissions"])


def backwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.all():
        perms = list(role.permissions or [])
        kept = [p for p in perms if p not in CONTENT_PERMISSIONS]
        if kept != perms:
            role.permissions = kept
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
