"""What a library entry says: a PDSA cycle frozen when it is published (design §3).

`build(pdsa, photos)` reads the cycle, its student learning question, each linked measure with
its points, baseline, notes and the run-chart rules' findings (`run_chart.analyse`, through
`selectors.run_chart`), and the photos the owner chose, and returns the snapshot (plain JSON)
with the files to copy. Nothing in it points back at the records: editing the cycle, adding
points or deleting a photo later changes nothing a colleague reads.

Students are never named: the identifiers the owner's classroom records hold (their tools'
seating charts and student groups, the entries of visits to their classroom, their reflection
sheets' data summaries: the same sources as `credentials.snapshot`) get letters from one
`backend.pseudonyms.Pseudonymiser`, which then scrubs every text the owner typed (the cycle's
texts, the question, measure names, notes, photo captions). A name no record holds cannot be
found this way; the publish screen tells the owner so.

`charts(snapshot)` turns the frozen measures back into the objects `graphql.types.RunChartType`
reads, so a library entry's chart has the same shape as a live one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from backend.pseudonyms import (
    Pseudonymiser,
    definition_student_groups,
    student_identifiers,
    summary_student_identifiers,
)
from observations.models import ObservationEntry, Photo, ReflectionSheet, Tool

from . import run_chart as rules
from . import selectors
from .models import Pdsa

VERSION = 1
PHOTO_DIRECTORY = "improvement/library"


@dataclass(frozen=True)
class PhotoCopy:
    """A chosen photo's file to copy to `target` (a new storage name) when publishing."""

    source: str
    target: str


@dataclass(frozen=True)
class Built:
    content: dict[str, Any]
    copies: list[PhotoCopy]


def owner_pseudonymiser(owner) -> Pseudonymiser:
    """Every child the owner's classroom records name, each with a letter."""
    pseudonymiser = Pseudonymiser()
    tools = Tool.objects.filter(owner=owner).only("kind", "definition").order_by("id")
    for tool in tools:
        for group in definition_student_groups(tool.kind, tool.definition or {}):
            pseudonymiser.add_group(group)
    entries = (
        ObservationEntry.objects.filter(visit__host=owner, visit__tool__isnull=False)
        .select_related("visit__tool")
        .only("payload", "visit__tool__kind", "visit__tool__definition")
        .order_by("id")
    )
    for entry in entries.iterator(chunk_size=500):
        entry_tool = entry.visit.tool
        if entry_tool is None:  # filtered out above; for the type checker
            continue
        identifiers = student_identifiers(
            entry_tool.kind, entry.payload or {}, entry_tool.definition or {}
        )
        if identifiers:
            pseudonymiser.add_group(identifiers)
    for summary in (
        ReflectionSheet.objects.filter(host=owner)
        .order_by("id")
        .values_list("data_summary", flat=True)
    ):
        for identifier in summary_student_identifiers(summary or {}):
            pseudonymiser.add(identifier)
    return pseudonymiser


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _measure(measure, scrub) -> dict[str, Any]:
    points = sorted(measure.points.all(), key=lambda p: (p.on, p.recorded_at, p.pk))
    found = selectors.run_chart(measure)
    chart = None
    annotations: list[dict[str, Any]] = []
    if found is not None:
        result = found.chart
        chart = {
            "median": result.median,
            "baselineCount": result.baseline_count,
            "usefulObservations": result.useful_observations,
            "runsLimits": list(result.runs_limits) if result.runs_limits else None,
            "reliable": result.reliable,
            "reason": result.reason,
            "astronomical": sorted(result.astronomical),
            "signals": [
                {"kind": s.kind.value, "message": scrub(s.message), "indexes": list(s.indexes)}
                for s in result.signals
            ],
        }
        annotations = [{"on": _day(a.on), "text": scrub(a.text)} for a in found.annotations]
    better = getattr(measure.better, "value", measure.better)
    return {
        "name": scrub(measure.name),
        "unit": scrub(measure.unit),
        "howCollected": scrub(measure.how_collected),
        "better": better,
        "baselineCount": measure.baseline_count,
        "points": [
            {"on": _day(p.on), "value": p.value, "astronomical": p.astronomical} for p in points
        ],
        "annotations": annotations,
        "chart": chart,
    }


def _photo_name() -> str:
    token = secrets.token_hex(16)
    return f"{PHOTO_DIRECTORY}/{token[:2]}/{token}.jpg"


def build(pdsa: Pdsa, photos: list[Photo]) -> Built:
    """The snapshot of `pdsa` as it is now, students pseudonymised, and the photo files to
    copy (the snapshot names the copies, never the originals)."""
    pseudonymiser = owner_pseudonymiser(pdsa.owner)
    scrub = pseudonymiser.scrub
    measures = selectors.measures_of_pdsas(pdsa.owner_id).get(pdsa.pk, [])
    slq = pdsa.slq
    copies: list[PhotoCopy] = []
    frozen_photos = []
    for photo in photos:
        target = _photo_name()
        copies.append(PhotoCopy(source=photo.image.name or "", target=target))
        frozen_photos.append(
            {
                "file": target,
                "caption": scrub(photo.caption),
                "width": photo.width,
                "height": photo.height,
            }
        )
    decision = getattr(pdsa.act_decision, "value", pdsa.act_decision) or None
    stage = getattr(pdsa.stage, "value", pdsa.stage)
    content = {
        "version": VERSION,
        "pdsa": {
            "stage": stage,
            "cycleNumber": pdsa.cycle_number,
            "changeIdea": scrub(pdsa.change_idea),
            "predictions": scrub(pdsa.predictions),
            "doStartedOn": _day(pdsa.do_started_on),
            "doEndedOn": _day(pdsa.do_ended_on),
            "doNotes": scrub(pdsa.do_notes),
            "studyResults": scrub(pdsa.study_results),
            "actDecision": decision,
            "actNext": scrub(pdsa.act_next),
        },
        "slq": {"areaOfFocus": scrub(slq.area_of_focus), "question": scrub(slq.question)},
        "measures": [_measure(measure, scrub) for measure in measures],
        "photos": frozen_photos,
    }
    return Built(content=content, copies=copies)


# --- reading a snapshot back ------------------------------------------------------------------


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def chart_of(measure: dict[str, Any]) -> selectors.MeasureChart | None:
    """A frozen measure's chart as the live chart's objects (`RunChartType` reads them)."""
    chart = measure.get("chart")
    if not chart:
        return None
    points = tuple(
        rules.Point(date=_date(p["on"]) or date.min, value=float(p["value"]))
        for p in measure.get("points") or ()
    )
    signals = tuple(
        rules.Signal(
            kind=rules.SignalKind(s["kind"]), indexes=tuple(s["indexes"]), message=s["message"]
        )
        for s in chart.get("signals") or ()
    )
    limits = chart.get("runsLimits")
    result = rules.RunChart(
        points=points,
        median=float(chart["median"]),
        baseline_count=chart.get("baselineCount"),
        useful_observations=int(chart.get("usefulObservations") or 0),
        runs=(),
        runs_limits=(int(limits[0]), int(limits[1])) if limits else None,
        signals=signals,
        reliable=bool(chart["reliable"]),
        reason=chart.get("reason"),
        astronomical=frozenset(chart.get("astronomical") or ()),
    )
    notes = tuple(
        selectors.ChartAnnotation(on=_date(a["on"]) or date.min, text=a["text"])
        for a in measure.get("annotations") or ()
    )
    return selectors.MeasureChart(chart=result, annotations=notes)
