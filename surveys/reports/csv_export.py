"""The reports as CSV: what a report or a comparison shows, nothing more, with texts a spreadsheet
will not run as formulas.
"""

from __future__ import annotations

import csv
import io

from .results import Change, Comparison, Figures, Report

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    """Text that a spreadsheet will not run as a formula (CSV injection)."""
    value = value or ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _distribution(figures: Figures) -> str:
    return "; ".join(f"{p.value} {p.label}: {p.count}" for p in figures.distribution)


def _figure_cells(figures: Figures) -> list[str]:
    if figures.suppressed:
        return ["", "", ""]
    return [str(figures.n), _number(figures.mean), _number(figures.sd)]


def report_csv(report: Report) -> str:
    """The aggregated report as CSV: what the report shows, nothing more."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["level", "construct", "item_key", "question", "reverse_scored", "n", "mean", "sd",
         "distribution", "comment"]
    )  # fmt: skip
    writer.writerow(
        ["survey", "", "", _text(report.administration.title), "", str(report.responded_count),
         "", "", f"invited: {report.invited_count}; status: {report.status}", ""]
    )  # fmt: skip
    for entry in report.constructs:
        construct = _text(entry.construct.title)
        writer.writerow(
            ["construct", construct, entry.construct.key, "", "", *_figure_cells(entry.figures),
             "", ""]
        )  # fmt: skip
        for item_entry in entry.items:
            item = item_entry.item
            writer.writerow(
                ["item", construct, item.key, _text(item.prompt), str(item.reverse_scored).lower(),
                 *_figure_cells(item_entry.figures), _distribution(item_entry.figures), ""]
            )  # fmt: skip
    for comment_set in report.comments:
        for comment in comment_set.comments:
            writer.writerow(
                ["comment", "", comment_set.item.key, _text(comment_set.item.prompt), "", "", "",
                 "", "", _text(comment)]
            )  # fmt: skip
    return out.getvalue()


def _change_cells(change: Change) -> list[str]:
    result = _figure_cells(change.baseline) + _figure_cells(change.follow_up)
    c = change.comparison
    if c is None:
        return [*result, "", "", "", "", ""]
    return [
        *result,
        _number(c.mean_difference),
        _number(c.change_in_sd_units),
        _number(c.hedges_g),
        _number(c.hedges_g_ci_low),
        _number(c.hedges_g_ci_high),
    ]


def comparison_csv(comparison: Comparison) -> str:
    """The baseline / follow-up comparison as CSV, largest changes first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["level", "construct", "item_key", "question", "reverse_scored",
         "baseline_n", "baseline_mean", "baseline_sd", "follow_up_n", "follow_up_mean",
         "follow_up_sd", "change", "change_in_sd_units", "hedges_g", "hedges_g_ci_low",
         "hedges_g_ci_high", "comment"]
    )  # fmt: skip
    for entry in comparison.constructs:
        construct = _text(entry.construct.title)
        writer.writerow(
            ["construct", construct, entry.construct.key, "", "", *_change_cells(entry.change), ""]
        )
    for item_entry in comparison.items:
        item = item_entry.item
        writer.writerow(
            ["item", _text(item.construct.title), item.key, _text(item.prompt),
             str(item.reverse_scored).lower(), *_change_cells(item_entry.change), ""]
        )  # fmt: skip
    for pair in comparison.comments:
        for level, comment_set in (
            ("baseline_comment", pair.baseline),
            ("follow_up_comment", pair.follow_up),
        ):
            for comment in comment_set.comments:
                writer.writerow(
                    [level, "", pair.item.key, _text(pair.item.prompt), "", *[""] * 11,
                     _text(comment)]
                )  # fmt: skip
    return out.getvalue()
