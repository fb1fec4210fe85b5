"""Full-text indexes of the directory (organisations, people): see innohub.core.search.schema.

SQLite: FTS5 external-content tables kept in sync by triggers. PostgreSQL: a generated weighted
tsvector column with a GIN index, and a pg_trgm-indexed vocabulary for spelling corrections. Nothing
on other databases (search falls back to substring matching there).
"""

from django.db import migrations

# Frozen here (not read from the registry) so that this migration keeps meaning what it meant.
INDEXES = [
    {
        "table": "directory_organisation",
        "pk": "id",
        "index": "search_directory_organisation",
        "columns": ("name_key", "search_text"),
    },
    {
        "table": "directory_person",
        "pk": "id",
        "index": "search_directory_person",
        "columns": ("name_key", "search_text"),
    },
]


def install(apps, schema_editor):
    from innohub.core.search import schema

    if schema_editor.connection.vendor not in ("sqlite", "postgresql"):
        return
    for spec in INDEXES:
        schema.install_index(schema_editor.connection, **spec)


def uninstall(apps, schema_editor):
    from innohub.core.search import schema

    if schema_editor.connection.vendor not in ("sqlite", "postgresql"):
        return
    for spec in INDEXES:
        schema.uninstall_index(schema_editor.connection, table=spec["table"], index=spec["index"])
    schema.uninstall_vocabulary(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("directory", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
