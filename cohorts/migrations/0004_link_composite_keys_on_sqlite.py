"""The composite foreign keys of 0002 on SQLite too, as triggers.

A blue/yellow link may only join memberships of its own cohort with the right roles. On
PostgreSQL the foreign keys of 0002 enforce it; SQLite cannot add a foreign key to an existing
table, so triggers refuse the same writes with the constraint's name as the message (which
`cohorts.services.common.refusal_for` turns into the same typed error). They check at once,
where PostgreSQL's deferred keys check at commit: no write of the app relies on the gap.
"""

from django.db import migrations

LINKED = {
    # constraint: (the link's column, its role column)
    "link_blue_is_blue_of_cohort": ("blue_id", "blue_role"),
    "link_yellow_is_yellow_of_cohort": ("yellow_id", "yellow_role"),
}


def _triggers():
    for name, (member, role) in LINKED.items():
        fits = (
            f"EXISTS (SELECT 1 FROM cohorts_membership m WHERE m.id = NEW.{member} "
            f"AND m.cohort_id = NEW.cohort_id AND m.role = NEW.{role})"
        )
        for event in ("INSERT", f"UPDATE OF {member}, cohort_id, {role}"):
            suffix = event.split()[0].lower()
            yield (
                f"{name}_{suffix}",
                f"CREATE TRIGGER {name}_{suffix} BEFORE {event} ON cohorts_blueyellowlink "
                f"WHEN NOT {fits} BEGIN SELECT RAISE(ABORT, '{name}'); END",
            )
        # The referenced side: a linked membership keeps its cohort and role.
        yield (
            f"{name}_membership",
            f"CREATE TRIGGER {name}_membership BEFORE UPDATE OF id, cohort_id, role "
            f"ON cohorts_membership WHEN EXISTS (SELECT 1 FROM cohorts_blueyellowlink l "
            f"WHERE l.{member} = OLD.id AND (l.{member} != NEW.id "
            f"OR l.cohort_id != NEW.cohort_id OR l.{role} != NEW.role)) "
            f"BEGIN SELECT RAISE(ABORT, '{name}'); END",
        )


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for _name, sql in _triggers():
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, _sql in _triggers():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0003_meetings_agendas_protocols")]

    operations = [migrations.RunPython(add, remove)]
