"""What is published or submitted stays as it was: triggers, on SQLite and PostgreSQL.

- A credential version that is not a DRAFT keeps every column; its status may only move from
  PUBLISHED to RETIRED. Its slots, criteria (and their slot links), skills and prerequisites
  cannot be added or changed once the version is not a DRAFT. A changed definition is a new
  version (`services.definitions.version_new_draft`).
- A submitted packet keeps every column but `state` (reviews move it), and its files never
  change. Deleting stays possible at the database level on purpose: erasing a person's data
  under the district's retention rules is a decision the data lifecycle makes (the admin offers
  no delete; Pursuit -> Packet -> PacketFile are PROTECT in the ORM).

Writes run as `UPDATE ... SET <the columns changed>` (the services use `queryset.update`), so
"UPDATE OF <columns>" fires exactly for the columns a write names. Column lists are those of
this migration's models; a later migration that adds a column extends the lists.
"""

from django.db import migrations

REFUSE = "credentials_refuse"


def _columns(model, leave_out=()):
    return [f.column for f in model._meta.concrete_fields if f.column not in leave_out]


def _rules(apps):
    """(name, table, event, condition on OLD/NEW, or a parent lookup)."""
    version = apps.get_model("credentials", "CredentialVersion")
    packet = apps.get_model("credentials", "Packet")
    content = _columns(version, leave_out=("id", "status"))
    packet_columns = _columns(packet, leave_out=("id", "state"))
    yield (
        "version_frozen",
        "credentials_credentialversion",
        f"UPDATE OF {', '.join(content)}",
        "OLD.status <> 'DRAFT'",
    )
    yield (
        "version_status_moves",
        "credentials_credentialversion",
        "UPDATE OF status",
        "OLD.status <> 'DRAFT' AND NOT (OLD.status = 'PUBLISHED' AND NEW.status = 'RETIRED')",
    )
    yield ("packet_frozen", "credentials_packet", f"UPDATE OF {', '.join(packet_columns)}", "1 = 1")
    yield ("packet_file_frozen", "credentials_packetfile", "UPDATE", "1 = 1")


# Children of a version: (table, the column naming the version, or a join to reach it).
CHILDREN = {
    "credentials_requirementslot": "{row}.version_id",
    "credentials_reviewcriterion": "{row}.version_id",
    "credentials_credentialskill": "{row}.version_id",
    "credentials_prerequisite": "{row}.version_id",
    "credentials_reviewcriterion_slots": (
        "(SELECT c.version_id FROM credentials_reviewcriterion c WHERE c.id = {row}.reviewcriterion_id)"
    ),
}


def _not_draft(version_of: str, row: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM credentials_credentialversion v "
        f"WHERE v.id = {version_of.format(row=row)} AND v.status <> 'DRAFT')"
    )


def _sqlite(apps):
    for name, table, event, condition in _rules(apps):
        yield (
            name,
            (
                f"CREATE TRIGGER credentials_{name} BEFORE {event} ON {table} "
                f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{name}'); END"
            ),
        )
    for table, version_of in CHILDREN.items():
        short = table.removeprefix("credentials_")
        for event in ("INSERT", "UPDATE"):
            name = f"{short}_{event.lower()}_frozen"
            yield (
                name,
                (
                    f"CREATE TRIGGER credentials_{name} BEFORE {event} ON {table} "
                    f"WHEN {_not_draft(version_of, 'NEW')} OR {_not_draft(version_of, 'OLD') if event == 'UPDATE' else '0'} "
                    f"BEGIN SELECT RAISE(ABORT, 'version_frozen'); END"
                ),
            )


def _postgresql(apps):
    # PostgreSQL's WHEN may not hold a subquery: the function looks the version up.
    yield (
        "function",
        (
            f"CREATE OR REPLACE FUNCTION {REFUSE}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], "
        "ERRCODE = 'integrity_constraint_violation'; "
            "END $$"
        ),
    )
    for name, table, event, condition in _rules(apps):
        yield (
            name,
            (
                f"CREATE TRIGGER credentials_{name} BEFORE {event} ON {table} FOR EACH ROW "
                f"WHEN ({condition}) EXECUTE FUNCTION {REFUSE}('{name}')"
            ),
        )
    for table, version_of in CHILDREN.items():
        short = table.removeprefix("credentials_")
        function = f"credentials_{short}_frozen"
        yield (
            function,
            (
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF {_not_draft(version_of, 'NEW')} OR (TG_OP = 'UPDATE' AND "
                f"{_not_draft(version_of, 'OLD')}) THEN RAISE EXCEPTION 'version_frozen' "
                "USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$"
            ),
        )
        yield (
            f"{short}_frozen",
            (
                f"CREATE TRIGGER {function} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION {function}()"
            ),
        )


def add(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": _sqlite, "postgresql": _postgresql}.get(vendor)
    if statements is None:
        raise RuntimeError(f"no frozen-row triggers written for {vendor}")
    for _name, sql in statements(apps):
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, table, _event, _condition in _rules(apps):
        suffix = f" ON {table}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS credentials_{name}{suffix}")
    for table in CHILDREN:
        short = table.removeprefix("credentials_")
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS credentials_{short}_frozen ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS credentials_{short}_frozen()")
        else:
            for event in ("insert", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS credentials_{short}_{event}_frozen")
    if vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {REFUSE}()")


class Migration(migrations.Migration):
    dependencies = [("credentials", "0001_definitions_and_pursuits")]

    operations = [migrations.RunPython(add, remove)]
