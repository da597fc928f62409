"""Step 6: the results as Markdown (results.md) and a PNG chart (chart.png), and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from bench import http, queries, websocket, worker

WIDTH, ROW, TOP, LEFT = 1100, 64, 92, 330
GRAPHQL, BASELINE, TARGET, INK, MUTED = (
    (47, 111, 185),
    (170, 170, 170),
    (200, 60, 60),
    (30, 30, 30),
    (110, 110, 110),
)


def markdown(results: dict) -> str:
    meta = results["meta"]
    machine = meta["machine"]
    parts = [
        f"# Benchmark results, {meta['started']}\n",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']} RAM, "
        f"{machine['os']}, Python {machine['python']}, commit {machine['commit']}. "
        f"Database: {meta['database']}; Redis: {'yes' if meta['redis'] else 'no'}. "
        f"Load average when the run started: {meta['load_average']}.\n",
    ]
    generated = results.get("generate")
    if generated:
        counts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in generated["counts"].items())
        parts.append(
            f"## Data\n\nScale {generated['scale']:g} (seed {generated['seed']}): {counts}; "
            f"generated in {generated['seconds']:.1f} s"
            f"{' (by an earlier run; reused)' if generated.get('reused') else ''}.\n"
        )
    if "queries" in results:
        parts.append("## SQL queries per operation\n\n" + queries.markdown(results["queries"]))
    if "http" in results:
        parts.append(
            "## Throughput and latency, GraphQL against hand-written views\n\n"
            + http.markdown(results["http"])
        )
    if "worker" in results:
        parts.append("## Reminder worker\n\n" + worker.markdown(results["worker"]))
    if "websocket" in results:
        parts.append("## WebSocket\n\n" + websocket.markdown(results["websocket"]))
    return "\n".join(parts)


def chart(results: dict, path: Path) -> bool:
    """A bar chart of each operation's GraphQL and hand-written throughput and their ratio."""
    rows = results.get("http", {}).get("rows", [])
    if not rows:
        return False
    from PIL import Image, ImageDraw, ImageFont

    height = TOP + ROW * len(rows) + 60
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.load_default(size=15)
        bold = ImageFont.load_default(size=19)
    except TypeError:  # Pillow without scalable default font
        font = bold = ImageFont.load_default()
    meta = results["meta"]
    draw.text(
        (20, 16),
        "Requests per second: GraphQL (blue) and hand-written views (grey)",
        fill=INK,
        font=bold,
    )
    draw.text(
        (20, 46),
        f"{meta['database']}, {results['http']['workers']} uvicorn workers, "
        f"{meta['machine']['cores']} cores; ratio = GraphQL / hand-written (target 0.50)",
        fill=MUTED,
        font=font,
    )
    bar_width = WIDTH - LEFT - 170
    for index, row in enumerate(rows):
        y = TOP + index * ROW
        g, b = row["graphql"]["throughput"], row["baseline"]["throughput"]
        scale = bar_width / max(g, b, 1e-9)
        draw.text((20, y + 14), row["title"], fill=INK, font=font)
        draw.rectangle([LEFT, y + 6, LEFT + g * scale, y + 26], fill=GRAPHQL)
        draw.rectangle([LEFT, y + 30, LEFT + b * scale, y + 50], fill=BASELINE)
        draw.text((LEFT + g * scale + 6, y + 8), f"{g:,.0f}/s", fill=INK, font=font)
        draw.text((LEFT + b * scale + 6, y + 32), f"{b:,.0f}/s", fill=MUTED, font=font)
        ratio = row["ratio"] or 0
        draw.text(
            (WIDTH - 110, y + 18),
            f"{ratio:.2f}",
            fill=TARGET if ratio < 0.5 else GRAPHQL,
            font=bold,
        )
    draw.text(
        (20, height - 34),
        f"Load average during the run: {meta['load_average']} (shared machine).",
        fill=MUTED,
        font=font,
    )
    image.save(path)
    return True


def write(results: dict, folder: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results, indent=1, default=str))
    text = markdown(results)
    (folder / "results.md").write_text(text)
    made_chart = chart(results, folder / "chart.png")
    return {"markdown": text, "chart": made_chart}
