"""PostgreSQL: the generated search vector replaces punctuation with regexp_replace instead of
translate — the same result, about fifteen times cheaper to compute (it was most of the cost of
inserting a record; see docs/adr/0003-search.md). The column is computed again once, with its GIN
index, where 0002 created the old expression. The vocabulary triggers learn to wait for the end of
a bulk load (core.search.deferred_indexes). Nothing changes on SQLite.
"""

from django.db import migrations

# Frozen here, as in 0002, so that this migration keeps meaning what it meant.
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


def recompute(apps, schema_editor):
    from innohub.core.search import schema

    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in schema.pg_vocabulary_ddl():
            cursor.execute(sql)
    for spec in INDEXES:
        if schema.pg_vector_is_current(connection, table=spec["table"], columns=spec["columns"]) is False:
            schema.pg_replace_vector(connection, **spec)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_search_indexes"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
