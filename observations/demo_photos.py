"""Photos for the demo, drawn with Pillow: a page of student work, an anchor chart, a room.

They go through `photo_upload` like a phone's (re-encoded, stored under random names), so the
demo shows photos on visits, a question, a reflection sheet and a seating chart's room.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

from .models import Tool, Visit
from .services.photos import photo_upload
from .tool_kinds import ToolKind

PAPER = (250, 248, 240)
INK = (40, 50, 90)
PENCIL = (90, 90, 90)


def _jpeg(image: Image.Image) -> io.BytesIO:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    out.seek(0)
    return out


def student_work(seed: int, title: str) -> io.BytesIO:
    """A worksheet: a title, ruled lines with handwriting-like strokes, a sketch."""
    rng = random.Random(seed)
    page = Image.new("RGB", (600, 800), PAPER)
    draw = ImageDraw.Draw(page)
    draw.text((40, 30), title, fill=INK)
    for row in range(12):
        y = 90 + row * 45
        draw.line((40, y, 560, y), fill=(180, 200, 230), width=1)
        x = 50
        while x < rng.randint(300, 540):
            width = rng.randint(12, 40)
            draw.arc((x, y - 22, x + width, y - 4), 180, 360, fill=PENCIL, width=2)
            x += width + rng.randint(6, 14)
    draw.rectangle((60, 650, 260, 760), outline=INK, width=3)
    draw.ellipse((330, 650, 440, 760), outline=(200, 60, 60), width=3)
    return _jpeg(page)


def anchor_chart(seed: int) -> io.BytesIO:
    """Chart paper with coloured headings and sticky notes."""
    rng = random.Random(seed)
    chart = Image.new("RGB", (800, 600), (255, 255, 255))
    draw = ImageDraw.Draw(chart)
    draw.text((30, 20), "Good questions we asked today", fill=(30, 100, 40))
    for n in range(9):
        x, y = 40 + (n % 3) * 250, 80 + (n // 3) * 170
        colour = rng.choice([(255, 235, 120), (255, 190, 200), (180, 230, 255)])
        draw.rectangle((x, y, x + 200, y + 140), fill=colour)
        for line in range(4):
            draw.line(
                (x + 15, y + 30 + line * 25, x + rng.randint(90, 185), y + 30 + line * 25),
                fill=PENCIL,
                width=2,
            )
    return _jpeg(chart)


def classroom(seed: int) -> io.BytesIO:
    """A classroom from the door: board, desks in groups."""
    rng = random.Random(seed)
    room = Image.new("RGB", (1024, 768), (225, 215, 195))
    draw = ImageDraw.Draw(room)
    draw.rectangle((212, 40, 812, 200), fill=(40, 70, 55))
    for group in range(6):
        cx, cy = 200 + (group % 3) * 310, 360 + (group // 3) * 220
        for dx, dy in ((-60, -40), (60, -40), (-60, 40), (60, 40)):
            shade = rng.randint(150, 175)
            draw.rectangle(
                (cx + dx - 45, cy + dy - 28, cx + dx + 45, cy + dy + 28),
                fill=(shade, shade - 30, shade - 70),
            )
    return _jpeg(room)


def load(*, leader, blues) -> None:
    cycle_two = list(
        Visit.objects.filter(proposed_by=leader, cycle_number=2, host__in=blues)
        .select_related("slq")
        .order_by("starts_at")[:2]
    )
    for number, visit in enumerate(cycle_two):
        photo_upload(
            actor=leader,
            upload=student_work(number, "Group task: explain your strategy"),
            caption="Table 2's written explanations",
            visit=visit,
            now=visit.ends_at,
        )
        photo_upload(
            actor=visit.host,
            upload=anchor_chart(number),
            caption="The anchor chart we built during the lesson",
            visit=visit,
            now=visit.ends_at,
        )
    if cycle_two:
        first = cycle_two[0]
        photo_upload(
            actor=first.host,
            upload=student_work(10, "Exit ticket"),
            caption="Exit tickets that started this question",
            slq=first.slq,
            now=first.starts_at,
        )
        sheet = getattr(first, "reflection_sheet", None)
        if sheet is not None:
            photo_upload(
                actor=leader,
                upload=student_work(11, "Before and after"),
                caption="Work samples we looked at in the reflection",
                reflection_sheet=sheet,
                now=sheet.updated_at,
            )
    chart = Tool.objects.filter(owner=leader, kind=ToolKind.SEATING_CHART).first()
    if chart is not None:
        photo_upload(actor=leader, upload=classroom(20), caption="Room 104", tool=chart)
