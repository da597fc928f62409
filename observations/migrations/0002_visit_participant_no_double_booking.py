"""Nobody is in two active visits at overlapping times: an exclusion constraint on PostgreSQL.

Needs the btree_gist extension (for `person_id WITH =` in a GiST index). Creating it needs a
database user allowed to create extensions (or a DBA runs `CREATE EXTENSION btree_gist` once).
On SQLite the booking service checks the same rule inside its serialised transaction.
"""

from django.db import migrations

CONSTRAINT = "visit_participant_no_double_booking"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE observations_visitparticipant ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (person_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (is_active)"
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE observations_visitparticipant DROP CONSTRAINT IF EXISTS {CONSTRAINT}"
    )


class Migration(migrations.Migration):
    dependencies = [("observations", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
