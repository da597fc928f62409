"""What a packet says: the pursuit's evidence read once, as its owner may read it, and turned
into the packet's content (the shape `credentials.exports` and `anonymise` take).

Preview and submission run this same code, so what a teacher previews is what is frozen. Every
record is read through its app's visibility selector as the teacher: evidence never widens
reading, and a record the teacher can no longer read drops out rather than leaking.

People: a peer named in the packet whose NAME consent is not granted appears by role and
ordinal ("Yellow dot 5", ordinal by when their membership started), never by name; a record
whose ITEM consent is not granted is left out (submission refuses such a packet first).
Students: raw identifiers found in tool data go into each item's `students`, for
`anonymise.pseudonymise` to replace in the whole packet; they never survive it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cohorts.models import Membership, Role
from cohorts.selectors import meetings_visible_to
from improvement.models import ActDecision
from improvement.selectors import (
    measures_visible_to,
    pdsas_visible_to,
    with_chart_data,
)
from improvement.selectors import (
    run_chart as measure_run_chart,
)
from observations.models import VisitRole
from observations.selectors import (
    photos_visible_to,
    reflection_sheets_visible_to,
    slqs_visible_to,
    visit_summaries_visible_to,
    visits_visible_to,
)
from surveys.reports import administration as survey_reports
from surveys.selectors import administrations_managed_by

from .anonymise import (
    definition_student_groups,
    pseudonymise,
    student_identifiers,
    summary_student_identifiers,
)
from .exports.run_chart_picture import SVG_CONTENT_TYPE, chart_svg, number_text
from .models import ConsentScope, ConsentState, EvidenceItem, Pursuit, RequirementSlot
from .selectors import pursuit_progress

ROLE_LABELS = {Role.LEADER: "Teacher leader", Role.BLUE: "Blue dot", Role.YELLOW: "Yellow dot"}


@dataclass
class PacketFileData:
    path: str
    data: bytes
    content_type: str


@dataclass
class Snapshot:
    content: dict[str, Any]
    files: list[PacketFileData] = field(default_factory=list)


def _date(moment: datetime | None) -> str | None:
    return moment.date().isoformat() if moment else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


class _People:
    """How the packet names peers: by name where they granted it (or nobody's consent is
    needed), else by role and ordinal in the pursuit's cohort."""

    def __init__(self, pursuit: Pursuit, named_slots: set[str]):
        self.pursuit = pursuit
        self.named_slots = named_slots
        grants = pursuit.consents.filter(scope=ConsentScope.NAME)
        self.name_state = {g.grantor_id: g.state for g in grants}
        self.labels: dict[int, str] = {}
        if pursuit.cohort_id:
            counters: dict[str, int] = {}
            memberships = Membership.objects.filter(cohort_id=pursuit.cohort_id).order_by(
                "started_at", "id"
            )
            for membership in memberships:
                if membership.person_id in self.labels:
                    continue
                counters[membership.role] = counters.get(membership.role, 0) + 1
                role = ROLE_LABELS.get(membership.role, "Peer")
                self.labels[membership.person_id] = f"{role} {counters[membership.role]}"

    def person(self, person, slot_key: str) -> dict[str, Any]:
        label = self.labels.get(person.pk, "Peer")
        if person.pk == self.pursuit.person_id:
            return {"role": "Candidate", "name": person.full_name}
        if slot_key in self.named_slots and self.name_state.get(person.pk) != ConsentState.GRANTED:
            return {"role": label, "name": None}
        return {"role": label, "name": person.full_name}


def build(
    pursuit: Pursuit, *, attempt: int, submitted_at: datetime, read_files: bool = True
) -> Snapshot:
    """The packet of `pursuit` as it would be frozen now, students pseudonymised.

    `read_files=False` (the preview, a read the phone may repeat) checks that each photo's
    file exists but does not load its bytes: the content is the same, `files` hold no data."""
    version = pursuit.version
    slots = list(RequirementSlot.objects.filter(version=version).order_by("parent_id", "position"))
    top = [s for s in slots if s.parent_id is None]
    children: dict[int, list[RequirementSlot]] = {}
    for slot in slots:
        if slot.parent_id is not None:
            children.setdefault(slot.parent_id, []).append(slot)
    evidence = list(
        EvidenceItem.objects.filter(pursuit=pursuit).order_by("slot_key", "position", "id")
    )
    by_slot: dict[str, list[EvidenceItem]] = {}
    for item in evidence:
        by_slot.setdefault(item.slot_key, []).append(item)
    refused_items = set(
        pursuit.consents.filter(scope=ConsentScope.ITEM)
        .exclude(state=ConsentState.GRANTED)
        .values_list("evidence_item_id", flat=True)
    )
    # Each requirement's state as progress computes it now (MET throughout at submission).
    states = {
        row.slot_key: str(row.state) for row in pursuit_progress([pursuit]).get(pursuit.pk, [])
    }
    named = {s.key for s in slots if s.consent_from == "NAMED_PEERS"}
    people = _People(pursuit, named)
    reader = _Reader(pursuit.person, read_files=read_files)
    files: list[PacketFileData] = []

    def requirement(slot: RequirementSlot) -> dict[str, Any]:
        items = []
        chosen = next((i.choice_option for i in by_slot.get(slot.key, []) if i.choice_option), "")
        for item in by_slot.get(slot.key, []):
            if item.pk in refused_items or item.choice_option:
                continue
            rendered = reader.item(item, slot, people, files)
            if rendered is not None:
                items.append(rendered)
        entry = {
            "key": slot.key,
            "part": slot.part,
            "title": slot.title,
            "state": states.get(slot.key, ""),
            "items": items,
        }
        options = children.get(slot.pk, [])
        if options:
            entry["chosen"] = chosen
            entry["options"] = [requirement(o) for o in options if o.key == chosen]
        return entry

    skills = [
        {"framework": link.skill.framework, "code": link.skill.code, "name": link.skill.name}
        for link in version.skill_links.select_related("skill").order_by(
            "skill__framework", "skill__code"
        )
    ]
    content = {
        "packet": {"attempt": attempt, "submittedAt": submitted_at.isoformat()},
        "credential": {
            "key": version.credential.key,
            "title": version.title,
            "version": version.number,
            "programme": version.credential.programme.title,
            "skills": skills,
        },
        "teacher": {"name": pursuit.person.full_name},
        "requirements": [_flatten_choice(requirement(slot)) for slot in top],
    }
    content = pseudonymise(content)
    _draw_charts(content, files, read_files=read_files)
    return Snapshot(content=content, files=files)


def _draw_charts(content: dict[str, Any], files: list[PacketFileData], *, read_files: bool):
    """Each run chart's SVG, drawn from the packet's own (pseudonymised) copy of the chart, so
    the picture names no student the text does not."""
    for requirement in content.get("requirements") or ():
        for item in requirement.get("items") or ():
            if item.get("kind") != "RUN_CHART" or not item.get("file"):
                continue
            data = chart_svg(item.get("chart") or {}) if read_files else b""
            if data is None:
                item["file"] = None
                continue
            files.append(
                PacketFileData(path=item["file"]["path"], data=data, content_type=SVG_CONTENT_TYPE)
            )


def _flatten_choice(entry: dict[str, Any]) -> dict[str, Any]:
    """A choice's chosen option's items go under the choice, titled by the option."""
    options = entry.pop("options", None)
    chosen = entry.pop("chosen", None)
    if options:
        for option in options:
            for item in option["items"]:
                item["title"] = f"{option['title']}: {item['title']}"
                entry["items"].append(item)
    if chosen is not None:
        entry["chosenOption"] = chosen
    return entry


class _Reader:
    """Reads each record as the teacher may (None when they no longer may)."""

    def __init__(self, teacher, *, read_files: bool = True):
        self.teacher = teacher
        self.read_files = read_files
        self.charts = 0

    def item(self, item: EvidenceItem, slot, people: _People, files) -> dict[str, Any] | None:
        base = {
            "kind": "",
            "title": "",
            "date": None,
            "people": [],
            "fields": [],
            "entries": [],
            "file": None,
            "students": [],
        }
        if item.visit_id:
            return self._visit(item, slot, people, base)
        if item.reflection_sheet_id:
            return self._sheet(item, slot, people, base)
        if item.slq_id:
            return self._slq(item, slot, people, base)
        if item.administration_id:
            return self._survey(item, base)
        if item.meeting_id:
            return self._meeting(item, base)
        if item.photo_id:
            return self._photo(item, base, files)
        if item.pdsa_id:
            return self._pdsa(item, slot, people, base)
        if item.measure_id:
            return self._run_chart(item, base, files)
        if item.text is not None:
            prompt = next(
                (
                    p.get("text", "")
                    for p in slot.spec.get("prompts", [])
                    if p.get("key") == item.prompt_key
                ),
                item.prompt_key,
            )
            return base | {
                "kind": "TEXT",
                "title": prompt,
                "fields": [{"label": prompt, "text": item.text}],
            }
        if item.attested_at:
            statement = slot.spec.get("statement", "")
            return base | {
                "kind": "ATTESTATION",
                "title": statement,
                "date": _date(item.attested_at),
                "fields": [{"label": "Affirmed", "text": statement}],
            }
        if item.list_entries is not None:
            return base | {
                "kind": "LIST",
                "title": slot.title,
                "fields": [
                    {"label": _text(e.get("title")), "text": _text(e.get("url"))}
                    for e in item.list_entries
                    if isinstance(e, dict)
                ],
            }
        return None

    def _visit(self, item, slot, people, base):
        if slot.spec.get("source") == "VISIT_BY_ROLE_TO_ROLE":
            return self._visit_logistics(item, slot, people, base)
        visit = (
            visits_visible_to(self.teacher)
            .select_related("host", "slq", "tool")
            .filter(pk=item.visit_id)
            .first()
        )
        if visit is None:
            return None
        host = people.person(visit.host, slot.key)
        title = f"Visit to {host['name'] or host['role']}"
        visitors = [
            people.person(p.person, slot.key)
            for p in visit.participants.select_related("person")
            .filter(role=VisitRole.VISITOR)
            .order_by("id")
        ]
        result = base | {
            "kind": "VISIT",
            "title": title,
            "date": _date(visit.starts_at),
            "people": [host, *visitors],
        }
        source = slot.spec.get("source")
        if source == "DATA_SET_COLLECTED":
            result["kind"] = "DATA_SET"
            entries, students = _entries(visit, submitted_by=self.teacher)
            result["entries"] = entries
            result["students"] = students
            if visit.slq_id:
                result["fields"] = [{"label": "Question", "text": visit.slq.question}]
        return result

    def _visit_logistics(self, item, slot, people, base):
        """A visit between two peers (a blue dot visiting a yellow dot, say) that the teacher
        leading the cohort took no part in: they may know it happened (who, when) but not read
        it, so only that is frozen: never its question, tool, entries, notes or room."""
        visit = (
            visit_summaries_visible_to(self.teacher)
            .select_related("host")
            .filter(pk=item.visit_id)
            .first()
        )
        if visit is None:
            return None
        host = people.person(visit.host, slot.key)
        visitors = [
            people.person(p.person, slot.key)
            for p in visit.participants.select_related("person")
            .filter(role=VisitRole.VISITOR)
            .order_by("id")
        ]
        by = " and ".join(v["name"] or v["role"] for v in visitors) or "A peer"
        return base | {
            "kind": "VISIT",
            "title": f"{by} visited {host['name'] or host['role']}",
            "date": _date(visit.starts_at),
            "people": [host, *visitors],
        }

    def _sheet(self, item, slot, people, base):
        sheet = (
            reflection_sheets_visible_to(self.teacher)
            .select_related("host", "facilitator", "visit")
            .filter(pk=item.reflection_sheet_id)
            .first()
        )
        if sheet is None:
            return None
        host = people.person(sheet.host, slot.key)
        return base | {
            "kind": "REFLECTION_SHEET",
            "title": f"Reflection sheet, cycle {sheet.cycle_number}",
            "date": _date(sheet.visit.starts_at),
            "people": [host, people.person(sheet.facilitator, slot.key)],
            "fields": [
                {"label": "Area of focus", "text": sheet.slq_area_of_focus},
                {"label": "Question", "text": sheet.slq_question},
                {"label": "What the data showed", "text": _summary_text(sheet.data_summary)},
                {"label": "Considerations", "text": sheet.considerations},
                {"label": "Next steps", "text": sheet.next_steps},
                {"label": "Keeps the question", "text": _text(sheet.keeps_slq)},
            ],
            "students": summary_student_identifiers(sheet.data_summary or {}),
        }

    def _slq(self, item, slot, people, base):
        slq = (
            slqs_visible_to(self.teacher)
            .select_related("host")
            .prefetch_related("tools")
            .filter(pk=item.slq_id)
            .first()
        )
        if slq is None:
            return None
        tools = list(slq.tools.all())
        students = [
            group
            for tool in tools
            for group in definition_student_groups(tool.kind, tool.definition or {})
        ]
        return base | {
            "kind": "SLQ",
            "title": f"Student learning question: {slq.area_of_focus}",
            "date": _date(slq.created_at),
            "people": [people.person(slq.host, slot.key)],
            "fields": [
                {"label": "Question", "text": slq.question},
                *[{"label": "Tool", "text": f"{t.name} ({t.kind.lower()})"} for t in tools],
            ],
            "students": students,
        }

    def _survey(self, item, base):
        administration = (
            administrations_managed_by(self.teacher).filter(pk=item.administration_id).first()
        )
        if administration is None:
            return None
        fields = _report_fields(administration)
        follow_up = administration.follow_ups.order_by("opens_at").first()
        if follow_up is not None:
            fields += [{"label": "Six months later", "text": ""}, *_report_fields(follow_up)]
        return base | {
            "kind": "SURVEY_PAIR" if follow_up is not None else "SURVEY",
            "title": administration.title,
            "date": _date(administration.opens_at),
            "fields": fields,
        }

    def _meeting(self, item, base):
        meeting = (
            meetings_visible_to(self.teacher)
            .prefetch_related("agenda_items__protocol")
            .filter(pk=item.meeting_id)
            .first()
        )
        if meeting is None:
            return None
        return base | {
            "kind": "MEETING",
            "title": meeting.title,
            "date": _date(meeting.starts_at),
            "fields": [
                {
                    "label": f"Agenda {agenda.position}",
                    "text": agenda.title
                    + (f" (protocol: {agenda.protocol.title})" if agenda.protocol_id else ""),
                }
                for agenda in meeting.agenda_items.all()
            ],
        }

    def _photo(self, item, base, files):
        photo = photos_visible_to(self.teacher).filter(pk=item.photo_id).first()
        if photo is None or not photo.image:
            return None
        path = f"files/photo-{len(files) + 1}.jpg"
        try:
            if self.read_files:
                with photo.image.open("rb") as handle:
                    data = handle.read()
            elif photo.image.storage.exists(photo.image.name):
                data = b""
            else:
                raise FileNotFoundError(photo.image.name)
        except FileNotFoundError:
            # Storage lost the file (a restore without media, say): say so rather than fail.
            return base | {
                "kind": "PHOTO",
                "title": photo.caption or "Photo",
                "fields": [{"label": "Photo", "text": "The photo's file is missing."}],
            }
        files.append(PacketFileData(path=path, data=data, content_type="image/jpeg"))
        return base | {
            "kind": "PHOTO",
            "title": photo.caption or "Photo",
            "date": _date(photo.created_at),
            "file": {"path": path, "contentType": "image/jpeg"},
        }

    def _pdsa(self, item, slot, people, base):
        """A cycle in full: its question, plan, what happened, the results and the decision,
        and its measures by name. Free text, pseudonymised like every text of the packet (the
        question's tools say which students to look for)."""
        pdsa = (
            pdsas_visible_to(self.teacher)
            .select_related("slq", "owner")
            .prefetch_related("slq__tools", "measures")
            .filter(pk=item.pdsa_id)
            .first()
        )
        if pdsa is None:
            return None
        tools = list(pdsa.slq.tools.all())
        students = [
            group
            for tool in tools
            for group in definition_student_groups(tool.kind, tool.definition or {})
        ]
        do = " to ".join(
            day.isoformat() for day in (pdsa.do_started_on, pdsa.do_ended_on) if day is not None
        )
        decision = ActDecision(pdsa.act_decision).label if pdsa.act_decision else ""
        measures = sorted(pdsa.measures.all(), key=lambda m: (m.created_at, m.pk))
        return base | {
            "kind": "PDSA",
            "title": f"PDSA cycle {pdsa.cycle_number}: {pdsa.change_idea}",
            "date": pdsa.do_started_on.isoformat() if pdsa.do_started_on else None,
            "people": [people.person(pdsa.owner, slot.key)],
            "fields": [
                {"label": "Question", "text": pdsa.slq.question},
                {"label": "Change idea", "text": pdsa.change_idea},
                {"label": "Prediction", "text": pdsa.predictions},
                {"label": "Do", "text": do},
                {"label": "What happened", "text": pdsa.do_notes},
                {"label": "Study: results", "text": pdsa.study_results},
                {"label": "Act: decision", "text": decision},
                {"label": "Act: what next", "text": pdsa.act_next},
                {"label": "Measures", "text": "; ".join(m.name for m in measures)},
            ],
            "students": students,
        }

    def _run_chart(self, item, base, files):
        """A measure's run chart: its points, median, what the rules find and its notes (the
        linked cycles' starts among them), copied; the SVG is drawn from this copy after the
        students are pseudonymised (`_draw_charts`)."""
        measure = (
            with_chart_data(measures_visible_to(self.teacher)).filter(pk=item.measure_id).first()
        )
        if measure is None:
            return None
        found = measure_run_chart(measure)
        if found is None:
            return None
        chart = found.chart
        points = sorted(measure.points.all(), key=lambda p: (p.on, p.recorded_at, p.pk))
        signals = [signal.message for signal in chart.signals]
        self.charts += 1
        path = f"files/run-chart-{self.charts}.svg"
        return base | {
            "kind": "RUN_CHART",
            "title": f"Run chart: {measure.name}",
            "date": chart.points[-1].date.isoformat(),
            "fields": [
                {"label": "Measure", "text": measure.name},
                {"label": "Unit", "text": measure.unit},
                {"label": "How it is collected", "text": measure.how_collected},
                {"label": "Points", "text": str(len(chart.points))},
                {
                    "label": "Baseline median" if chart.baseline_count else "Median",
                    "text": number_text(chart.median),
                },
                {"label": "What the rules find", "text": " ".join(signals) or "No signal."},
                *([{"label": "Reliability", "text": chart.reason}] if chart.reason else []),
            ],
            "chart": {
                "title": measure.name,
                "unit": measure.unit,
                "baselineCount": chart.baseline_count,
                "median": number_text(chart.median),
                "points": [
                    {
                        "date": p.on.isoformat(),
                        "value": number_text(p.value),
                        "astronomical": p.astronomical,
                    }
                    for p in points
                ],
                "signals": [
                    {"kind": str(s.kind), "points": list(s.indexes), "message": s.message}
                    for s in chart.signals
                ],
                "annotations": [
                    {"date": note.on.isoformat(), "text": note.text} for note in found.annotations
                ],
            },
            "file": {"path": path, "contentType": SVG_CONTENT_TYPE},
        }


def _entries(visit, *, submitted_by) -> tuple[list[dict[str, Any]], list[Any]]:
    tool = visit.tool
    kind = tool.kind if tool else ""
    definition = tool.definition if tool else {}
    entries: list[dict[str, Any]] = []
    # A list is one child under several identifiers (a seat's key and label): one letter.
    students: list[Any] = []
    for entry in visit.entries.filter(submitted_by=submitted_by).order_by("recorded_at", "id"):
        payload = entry.payload or {}
        if kind:
            students.append(student_identifiers(kind, payload, definition))
        entries.append(
            {
                "recordedAt": entry.recorded_at.isoformat(),
                "student": _text(payload.get("student")) or None,
                "seat": _text(payload.get("seat")) or None,
                "text": _text({k: v for k, v in payload.items() if k not in ("student", "seat")}),
            }
        )
    if kind:
        students += definition_student_groups(kind, definition or {})
    return entries, students


def _summary_text(summary: dict | None) -> str:
    return _text(summary or {})


def _report_fields(administration) -> list[dict[str, str]]:
    """The aggregate report only, never a response (and nothing below the minimum)."""
    report = survey_reports.administration_report(administration)
    fields = [
        {"label": "Responses", "text": f"{report.response_count} of {report.invited_count}"},
        {"label": "Report", "text": str(report.status)},
    ]
    for construct in report.constructs:
        if construct.figures.suppressed or construct.figures.mean is None:
            continue
        fields.append(
            {
                "label": construct.construct.title,
                "text": f"mean {construct.figures.mean:.2f} (n {construct.figures.n})",
            }
        )
    return fields


def items_needing_review(evidence: Iterable[EvidenceItem]) -> tuple[list, list]:
    """(photos, texts) not yet confirmed by the teacher to name or show no student."""
    photos = [i for i in evidence if i.photo_id and i.confirmed_clean_at is None]
    texts = [i for i in evidence if i.text is not None and i.confirmed_clean_at is None]
    return photos, texts
