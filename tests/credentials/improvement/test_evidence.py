"""PDSA cycles and run charts as evidence: only the teacher's own are candidates, someone
else's is NOT_FOUND exactly like a missing one, and the packet freezes the cycle's text (students
pseudonymised) and the chart (points, median, signals, notes, an SVG in the ZIP, a picture in
the PDF)."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id
from pypdf import PdfReader

from credentials.exports.pdf import render_pdf
from credentials.exports.zip_export import render_zip
from credentials.models import EvidenceItem
from credentials.services.evidence import evidence_item_add, evidence_item_remove
from credentials.services.packets import packet_preview, packet_submit
from credentials.services.pursuits import pursuit_start
from improvement.models import Stage
from tests.observations.factories import StudentLearningQuestionFactory, ToolFactory

from .conftest import CHANGE_IDEA

pytestmark = pytest.mark.django_db

STUDENT = "Marisol"


def codes(error: ValidationError) -> list[tuple[str, str]]:
    return [(field, e.code) for field, errors in error.error_dict.items() for e in errors]


def refused(function, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        function(**kwargs)
    return codes(caught.value)


def start(catalogue, person, key):
    return pursuit_start(person=person, credential=catalogue.credentials[key])


# --- adding and removing ------------------------------------------------------------------------


def test_own_complete_cycles_are_added_and_removed(improvement_catalogue, teacher, mine):
    first, second = mine.cycle(to=Stage.ACT), mine.cycle(to=Stage.DONE)
    pursuit = start(improvement_catalogue, teacher, "understanding")
    for cycle in (first, second):
        evidence_item_add(person=teacher, pursuit=pursuit, slot_key="pdsa-tests", record=cycle)
    assert sorted(EvidenceItem.objects.values_list("pdsa_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )
    # The same cycle twice, or a third: refused.
    again = refused(
        evidence_item_add, person=teacher, pursuit=pursuit, slot_key="pdsa-tests", record=first
    )
    assert again in ([("slot_key", "TOO_MANY_ITEMS")], [("source_id", "DUPLICATE_EVIDENCE")])
    item = EvidenceItem.objects.get(pdsa=first)
    evidence_item_remove(person=teacher, item=item)
    assert list(EvidenceItem.objects.values_list("pdsa_id", flat=True)) == [second.pk]


def test_a_cycle_that_does_not_count_is_refused(improvement_catalogue, teacher, mine):
    studying = mine.cycle(to=Stage.STUDY)
    pursuit = start(improvement_catalogue, teacher, "understanding")
    rows = refused(
        evidence_item_add, person=teacher, pursuit=pursuit, slot_key="pdsa-tests", record=studying
    )
    assert rows == [("source_id", "WRONG_EVIDENCE_KIND")]
    measure = mine.measure(15)
    rows = refused(
        evidence_item_add, person=teacher, pursuit=pursuit, slot_key="pdsa-tests", record=measure
    )
    assert rows == [("source_id", "WRONG_EVIDENCE_KIND")]  # a chart is not a cycle


def test_a_chart_is_added_once_annotated_with_enough_points(improvement_catalogue, teacher, mine):
    measure = mine.measure(15)
    pursuit = start(improvement_catalogue, teacher, "using")
    rows = refused(
        evidence_item_add, person=teacher, pursuit=pursuit, slot_key="run-chart", record=measure
    )
    assert rows == [("source_id", "WRONG_EVIDENCE_KIND")]  # nothing marked on it yet
    mine.note(measure, mine.today - timedelta(days=9))
    item = evidence_item_add(person=teacher, pursuit=pursuit, slot_key="run-chart", record=measure)
    assert item.measure_id == measure.pk


def test_another_teachers_cycle_or_chart_is_not_found(improvement_catalogue, teacher, mine, theirs):
    their_cycle = theirs.cycle(to=Stage.DONE)
    their_chart = theirs.measure(16)
    theirs.note(their_chart, theirs.today - timedelta(days=9))
    mine.cycle(to=Stage.DONE)
    pursuit = start(improvement_catalogue, teacher, "sharing")
    for slot_key, record in (("shared-pdsa", their_cycle), ("shared-run-chart", their_chart)):
        rows = refused(
            evidence_item_add, person=teacher, pursuit=pursuit, slot_key=slot_key, record=record
        )
        assert rows == [("source_id", "NOT_FOUND")]
    assert not EvidenceItem.objects.exists()


ADD = """
mutation Add($input: EvidenceItemAddInput!) {
  evidenceItemAdd(input: $input) {
    errors { field code }
    item { record { __typename ... on Pdsa { changeIdea } ... on Measure { name pointCount } } }
  }
}
"""

CANDIDATES = """
query Candidates($id: ID!, $key: String!) {
  node(id: $id) {
    ... on Pursuit {
      evidenceCandidates(requirementKey: $key) {
        __typename
        ... on Pdsa { id }
        ... on Measure { id runChart { median } }
      }
    }
  }
}
"""


def test_the_api_offers_own_records_and_hides_anothers(
    improvement_catalogue, teacher, other_teacher, mine, theirs, api_for
):
    their_cycle = theirs.cycle(to=Stage.DONE)
    cycle = mine.cycle(to=Stage.DONE)
    chart = mine.measure(15)
    mine.note(chart, mine.today - timedelta(days=9))
    pursuit = start(improvement_catalogue, teacher, "sharing")
    gid = to_global_id("Pursuit", pursuit.pk)
    api = api_for(teacher)

    found = api.data(CANDIDATES, {"id": gid, "key": "shared-pdsa"})["node"]
    assert found["evidenceCandidates"] == [
        {"__typename": "Pdsa", "id": to_global_id("Pdsa", cycle.pk)}
    ]
    charts = api.data(CANDIDATES, {"id": gid, "key": "shared-run-chart"})["node"]
    assert [c["id"] for c in charts["evidenceCandidates"]] == [to_global_id("Measure", chart.pk)]

    # The attacker: their cycle's id is not found, said exactly as for an id that never was.
    for record_id in (to_global_id("Pdsa", their_cycle.pk), to_global_id("Pdsa", 999999)):
        payload = api.data(
            ADD,
            {"input": {"pursuitId": gid, "requirementKey": "shared-pdsa", "recordId": record_id}},
        )["evidenceItemAdd"]
        assert payload["errors"] == [{"field": "recordId", "code": "NOT_FOUND"}]
        assert payload["item"] is None
    added = api.data(
        ADD,
        {
            "input": {
                "pursuitId": gid,
                "requirementKey": "shared-pdsa",
                "recordId": to_global_id("Pdsa", cycle.pk),
            }
        },
    )["evidenceItemAdd"]
    assert added["errors"] == []
    assert added["item"]["record"] == {"__typename": "Pdsa", "changeIdea": CHANGE_IDEA}
    # The other teacher reads neither the pursuit nor its candidates.
    assert api_for(other_teacher).data(CANDIDATES, {"id": gid, "key": "shared-pdsa"}) == {
        "node": None
    }


# --- the packet ----------------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def shared(improvement_catalogue, teacher, mine):
    """A submitted Sharing packet: a cycle whose texts name a student of the question's tool,
    and its annotated run chart."""
    slq = StudentLearningQuestionFactory(host=teacher)
    ToolFactory(
        owner=teacher,
        slq=slq,
        kind="TALLY",
        definition={
            "categories": [{"key": "asks", "label": "Asks a question"}],
            "student_groups": [{"key": "g1", "label": STUDENT}],
        },
    )
    chart = mine.measure(16, first=mine.today - timedelta(days=30), name="Students explaining")
    mine.note(chart, mine.today - timedelta(days=25), text=f"{STUDENT} moved seats")
    cycle = mine.cycle(
        to=Stage.DONE,
        slq=slq,
        measure=chart,
        started=mine.today - timedelta(days=20),
        results=f"{STUDENT} explained twice; most of the class did once",
    )
    pursuit = start(improvement_catalogue, teacher, "sharing")
    evidence_item_add(person=teacher, pursuit=pursuit, slot_key="shared-pdsa", record=cycle)
    evidence_item_add(person=teacher, pursuit=pursuit, slot_key="shared-run-chart", record=chart)
    pursuit.refresh_from_db()
    return pursuit


def test_the_preview_freezes_the_cycle_and_the_chart(shared, teacher):
    content = packet_preview(person=teacher, pursuit=shared)
    items = {r["key"]: r["items"] for r in content["requirements"]}
    [pdsa] = items["shared-pdsa"]
    assert pdsa["kind"] == "PDSA"
    assert pdsa["title"] == f"PDSA cycle 1: {CHANGE_IDEA}"
    fields = {f["label"]: f["text"] for f in pdsa["fields"]}
    assert fields["Study: results"] == "Student A explained twice; most of the class did once"
    assert fields["Act: decision"] == "Adopt: keep the change"
    [run] = items["shared-run-chart"]
    chart = run["chart"]
    assert run["kind"] == "RUN_CHART" and len(chart["points"]) == 16
    assert all(isinstance(p["value"], str) for p in chart["points"])  # canonical: no floats
    assert isinstance(chart["median"], str) and chart["signals"] is not None
    notes = [a["text"] for a in chart["annotations"]]
    assert "Student A moved seats" in notes
    assert any(n.startswith("Cycle 1 starts: Ninety seconds") for n in notes)
    assert run["file"] == {"path": "files/run-chart-1.svg", "contentType": "image/svg+xml"}
    assert STUDENT not in repr(content)


def test_the_submitted_packet_pdf_and_zip(shared, teacher):
    packet = packet_submit(person=teacher, pursuit=shared, expected_revision=shared.revision)
    shared.refresh_from_db()
    assert shared.state == "SUBMITTED"
    pdf = render_pdf(packet.content)
    text = _pdf_text(pdf)
    assert CHANGE_IDEA in text
    assert "Student A explained twice" in text
    assert STUDENT not in text
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert sum(len(page.images) for page in pages) >= 1  # the chart's picture

    files = []
    for stored in packet.files.order_by("path"):
        with stored.file.open("rb") as handle:
            files.append((stored.path, handle.read()))
    assert [path for path, _ in files] == ["files/run-chart-1.svg"]
    body = render_zip(packet.content, packet.manifest, files, pdf, packet.submitted_at)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        svg = archive.read("files/run-chart-1.svg").decode()
        assert svg.startswith("<svg") and "Student A moved seats" in svg
        assert STUDENT not in svg
        assert STUDENT not in archive.read("packet.json").decode()


def test_candidates_cost_the_same_for_one_chart_or_five(
    improvement_catalogue, teacher, mine, api_for
):
    pursuit = start(improvement_catalogue, teacher, "using")
    gid = to_global_id("Pursuit", pursuit.pk)
    api = api_for(teacher)

    def annotated_chart():
        measure = mine.measure(15)
        mine.note(measure, mine.today - timedelta(days=9))

    annotated_chart()

    def cost() -> int:
        with CaptureQueriesContext(connection) as captured:
            found = api.data(CANDIDATES, {"id": gid, "key": "run-chart"})
        assert all(c["runChart"] for c in found["node"]["evidenceCandidates"])
        return len(captured.captured_queries)

    one = cost()
    for _ in range(4):
        annotated_chart()
    assert cost() == one
