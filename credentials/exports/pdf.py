"""The PDF export: a packet's content laid out for a person to read (fpdf2).

A rendering of the frozen (already pseudonymised) content, never of the sources. It is not in
the manifest's hashed set: its bytes depend on fpdf2's version. For one installation they are
stable: the creation date is the submission's, so two renders of a packet are byte-equal.

Text is set in DejaVu Sans (vendored in ``backend/fonts/`` with its licence): the PDF core
fonts cover Latin-1 only, and teachers' names are not all Latin-1.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from .run_chart_picture import chart_png

__all__ = ["CONTENT_TYPE", "render_pdf"]

CONTENT_TYPE = "application/pdf"

# Shared with the run-chart pictures (improvement/chart_image.py): the foundation holds them.
FONTS = Path(__file__).resolve().parents[2] / "backend" / "fonts"
FAMILY = "DejaVuSans"

# What each kind of evidence is called on paper.
KIND_LABELS = {
    "VISIT": "Classroom visit",
    "REFLECTION_SHEET": "Reflection sheet",
    "SLQ": "Student learning question",
    "DATA_SET": "Data set",
    "SURVEY_PAIR": "Survey, before and after",
    "SURVEY": "Survey",
    "MEETING": "Meeting",
    "PHOTO": "Photo",
    "TEXT": "Written response",
    "ATTESTATION": "Attestation",
    "LIST": "List",
    "PDSA": "PDSA cycle",
    "RUN_CHART": "Run chart",
}
STATE_LABELS = {"MET": "Met", "NOT_MET": "Not met", "BLOCKED": "Blocked"}

BODY = 10
SMALL = 8
LINE = 5


class _PacketPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", SMALL)
        self.set_text_color(110)
        self.cell(
            0,
            LINE,
            f"Students are shown as letters, which mean nothing outside this packet.   "
            f"Page {self.page_no()} of {{nb}}",
            align="C",
        )
        self.set_text_color(0)


def render_pdf(content: Mapping[str, Any]) -> bytes:
    packet = content.get("packet") or {}
    credential = content.get("credential") or {}
    teacher = content.get("teacher") or {}
    submitted_at = _parse_moment(packet.get("submittedAt"))

    pdf = _PacketPDF(format="A4")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    # The one moment in the file that is not the content's: fixed, so renders are equal.
    pdf.set_creation_date(submitted_at or datetime(2000, 1, 1, tzinfo=UTC))
    title = f"{_text(credential.get('title'))}: micro-credential packet"
    pdf.set_title(title)
    pdf.set_author(_text(teacher.get("name")))
    pdf.set_lang("en")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()

    _heading(pdf, _text(credential.get("title")), size=18)
    _line(pdf, f"Micro-credential, version {_text(credential.get('version'))}")
    if credential.get("programme"):
        _line(pdf, _text(credential["programme"]))
    pdf.ln(2)
    _pair(pdf, "Teacher", _text(teacher.get("name")))
    submitted = (
        submitted_at.date().isoformat() if submitted_at else _text(packet.get("submittedAt"))
    )
    _pair(pdf, "Submission", f"attempt {_text(packet.get('attempt'))}, submitted {submitted}")

    skills = credential.get("skills") or []
    if skills:
        pdf.ln(2)
        _subheading(pdf, "Skills")
        for skill in skills:
            _line(pdf, f"{_text(skill.get('code'))}  {_text(skill.get('name'))}".strip())

    for requirement in content.get("requirements") or []:
        _requirement(pdf, requirement)

    return bytes(pdf.output())


def _requirement(pdf: FPDF, requirement: Mapping[str, Any]) -> None:
    pdf.ln(4)
    part = _text(requirement.get("part"))
    heading = _text(requirement.get("title"))
    _heading(pdf, f"{part}: {heading}" if part else heading, size=13)
    state = requirement.get("state")
    if state:
        _line(pdf, f"Requirement {STATE_LABELS.get(state, _text(state).lower())}", size=SMALL)
    for item in requirement.get("items") or []:
        _item(pdf, item)


def _item(pdf: FPDF, item: Mapping[str, Any]) -> None:
    pdf.ln(2)
    _subheading(pdf, _text(item.get("title")))
    about = [KIND_LABELS.get(item.get("kind") or "", _text(item.get("kind")))]
    if item.get("date"):
        about.append(_text(item["date"]))
    _line(pdf, ", ".join(part for part in about if part), size=SMALL)

    people = item.get("people") or []
    if people:
        _pair(pdf, "People", "; ".join(_person(person) for person in people))
    for field in item.get("fields") or []:
        _labelled_paragraph(pdf, _text(field.get("label")), _text(field.get("text")))
    entries = item.get("entries") or []
    if entries:
        _entries(pdf, entries)
    chart = item.get("chart")
    if isinstance(chart, Mapping):
        _chart(pdf, chart)
    file = item.get("file")
    if file:
        _pair(pdf, "File", f"{_text(file.get('path'))} ({_text(file.get('contentType'))})")


def _chart(pdf: FPDF, chart: Mapping[str, Any]) -> None:
    """The run chart drawn from the packet's copy of it (the same picture as the ZIP's SVG)."""
    png = chart_png(chart)
    if png is None:
        return
    pdf.ln(2)
    pdf.image(io.BytesIO(png), w=pdf.epw)
    pdf.ln(1)


def _person(person: Mapping[str, Any]) -> str:
    role, name = _text(person.get("role")), _text(person.get("name"))
    # A peer who declined to be named is shown by role alone.
    return f"{name} ({role})" if name and role else name or role


def _entries(pdf: FPDF, entries: Sequence[Mapping[str, Any]]) -> None:
    pdf.ln(1)
    pdf.set_font(FAMILY, "", SMALL)
    with pdf.table(
        col_widths=(34, 22, 22, 96),
        text_align="LEFT",
        line_height=4,
        headings_style=FontFace(emphasis="BOLD"),
        padding=1,
    ) as table:
        heading = table.row()
        for name in ("When", "Student", "Seat", "Note"):
            heading.cell(name)
        for entry in entries:
            row = table.row()
            row.cell(_moment_text(entry.get("recordedAt")))
            row.cell(_text(entry.get("student")))
            row.cell(_text(entry.get("seat")))
            row.cell(_text(entry.get("text")))
    pdf.set_font(FAMILY, "", BODY)
    pdf.ln(1)


def _heading(pdf: FPDF, text: str, *, size: int) -> None:
    pdf.set_font(FAMILY, "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", BODY)


def _subheading(pdf: FPDF, text: str) -> None:
    pdf.set_font(FAMILY, "B", 11)
    pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", BODY)


def _line(pdf: FPDF, text: str, *, size: int = BODY) -> None:
    pdf.set_font(FAMILY, "", size)
    pdf.multi_cell(0, LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", BODY)


def _pair(pdf: FPDF, label: str, text: str) -> None:
    pdf.set_font(FAMILY, "B", BODY)
    pdf.write(LINE, f"{label}: ")
    pdf.set_font(FAMILY, "", BODY)
    pdf.write(LINE, text)
    pdf.ln(LINE)


def _labelled_paragraph(pdf: FPDF, label: str, text: str) -> None:
    pdf.ln(1)
    pdf.set_font(FAMILY, "B", BODY)
    pdf.multi_cell(0, LINE, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", BODY)
    pdf.multi_cell(0, LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _parse_moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _moment_text(value: Any) -> str:
    """``2026-03-04T09:15:00Z`` as ``2026-03-04 09:15 UTC``; anything else as it is."""
    moment = _parse_moment(value)
    if moment is None:
        return _text(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
