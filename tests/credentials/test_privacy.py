"""Progress reads structure, never content: no query of `credentials.sources` selects what a
visit, sheet, SLQ, entry, agenda or survey says. Emptiness may be tested in SQL (`column =
''`), which returns a boolean, never the text."""

import re

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from cohorts.models import Protocol
from credentials.models import Pursuit
from credentials.selectors import pursuit_progress

from .conftest import at_day

pytestmark = pytest.mark.django_db

SECRET = "Which students whisper"


def content_columns() -> set[tuple[str, str]]:
    """Every free-text or JSON column of the apps progress reads, plus short texts."""
    columns = set()
    for label in ("observations", "cohorts", "surveys"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(
                    field, models.TextField | models.JSONField | models.BinaryField
                ) or field.name in {
                    "area_of_focus",
                    "slq_area_of_focus",
                    "status_reason",
                    "room",
                    "location",
                    "title",
                    "label",
                    "caption",
                    "name",
                }:
                    columns.add((model._meta.db_table, field.column))
    return columns


# An emptiness test: the column compared with an empty text or an empty JSON object.
EMPTY = r"\s*=\s*(?:''|'\{\}'(?:::jsonb)?|JSON\('\{\}'\)|Jsonb\(\{\}\))"


def leaked(sql: str) -> list[str]:
    found = []
    for table, column in content_columns():
        name = f'"{table}"."{column}"'
        if name in re.sub(re.escape(name) + EMPTY, "", sql):
            found.append(f"{table}.{column}")
    return found


def test_no_source_query_selects_what_anything_says(catalogue, world):
    protocol, _ = Protocol.objects.get_or_create(
        key="looking-at-student-work",
        school=None,
        defaults={"name": "Looking at student work"},
    )
    seeder = world.seeder
    slq = seeder.slq(world.blues[0], created_at=at_day(0), question=SECRET, area_of_focus=SECRET)
    slq.crafted_with = world.leader
    tool = seeder.tool(world.blues[0], kind="TALLY", definition={"secret": SECRET}, slq=slq)
    visit = world.visit(world.leader, world.blues[0], day=2, slq=slq, tool=tool, notes=SECRET)
    seeder.entry(visit, recorded_at=at_day(2), payload={"note": SECRET})
    seeder.reflection(visit, facilitator=world.leader, data_summary={"s": SECRET})
    meeting = seeder.meeting(
        world.cohort, "BLUE_GROUP", starts_at=at_day(3), created_by=world.leader, notes=SECRET
    )
    seeder.agenda_item(
        meeting, position=1, title=SECRET, minutes=20, facilitator=world.leader,
        protocol=protocol, notes=SECRET,
    )  # fmt: skip
    seeder.survey(
        world.cohort, "BASELINE", opens_at=at_day(1), closes_at=at_day(9),
        created_by=world.leader, invited=world.blues, responded=world.blues,
    )  # fmt: skip
    world.save()
    pursuit = Pursuit.objects.create(
        person=world.leader,
        credential=catalogue.credentials["everything"],
        version=catalogue.versions["everything"],
        cohort=world.cohort,
    )

    with CaptureQueriesContext(connection) as captured:
        found = pursuit_progress([pursuit])[pursuit.pk]

    sql = "\n".join(q["sql"] for q in captured.captured_queries)
    # Positive controls: the tables were read, and the rule sees a known content column.
    for table in ("observations_reflectionsheet", "cohorts_agendaitem", "surveys_administration"):
        assert table in sql
    assert ("observations_reflectionsheet", "considerations") in content_columns()
    assert leaked('"observations_reflectionsheet"."considerations"') != []
    assert leaked(sql) == []
    by_key = {p.slot_key: p for p in found}
    assert by_key["e"].have == 1  # the SLQ crafted with the leader, with a tool
    assert by_key["k"].have == 1  # the session the leader facilitated
    assert SECRET not in repr(found)
