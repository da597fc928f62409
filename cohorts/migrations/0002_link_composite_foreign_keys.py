"""A blue/yellow link may only join memberships of its own cohort with the right roles.

Django has no composite foreign keys, so they are added in SQL on PostgreSQL. On SQLite (the
embedded development default) the service checks the same rule inside its transaction.
"""

from django.db import migrations

CONSTRAINTS = {
    "link_blue_is_blue_of_cohort": ("blue_id", "blue_role"),
    "link_yellow_is_yellow_of_cohort": ("yellow_id", "yellow_role"),
}


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (member, role) in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE cohorts_blueyellowlink ADD CONSTRAINT {name} "
            f"FOREIGN KEY ({member}, cohort_id, {role}) "
            "REFERENCES cohorts_membership (id, cohort_id, role) "
            "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE cohorts_blueyellowlink DROP CONSTRAINT {name}")


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
