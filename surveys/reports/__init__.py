"""Aggregated reports: one administration, and a baseline compared with its follow-up.

Rules that keep answers anonymous:
- a report exists only once the survey has **closed**. While it is open the leader sees the
  response count and who has not answered, never figures: figures that changed with each new
  response could be subtracted from one another to recover the newest respondent's answers;
- no figure (n, mean, SD, distribution, comparison) is shown for fewer answers than
  `minimum_group_size()`; open-text comments need `minimum_comment_group_size()` respondents
  and are shuffled each time they are shown. Peer feedback to visited peers shows both from
  `peer_feedback_minimum_group_size()` respondents (`settings.report_minimums`). Each minimum
  counts people besides those who run the survey;
- there is no breakdown by role, school or any other subgroup, so no group can be subtracted
  from another;
- withholding is **complementary** (issue #18): no shown figure lets anyone compute a withheld
  one, in a report, a comparison or a CSV. The rule and why it suffices are in `publish`.

Modules: `results` (what a report holds), `administration` (one administration's report and
`publish`, the rule above), `comparison` (a baseline and its follow-up, from the two published
reports only) and `csv_export` (both as CSV). Import from here: `from surveys.reports import
administration_report`.
"""

from .administration import administration_report, publish
from .comparison import administrations_comparison
from .csv_export import comparison_csv, report_csv
from .results import (
    Change,
    CommentPair,
    CommentSet,
    Comparison,
    ConstructChange,
    ConstructFigures,
    Figures,
    ItemChange,
    ItemFigures,
    PointCount,
    Report,
    ReportStatus,
)

__all__ = [
    "Change",
    "CommentPair",
    "CommentSet",
    "Comparison",
    "ConstructChange",
    "ConstructFigures",
    "Figures",
    "ItemChange",
    "ItemFigures",
    "PointCount",
    "Report",
    "ReportStatus",
    "administration_report",
    "administrations_comparison",
    "comparison_csv",
    "publish",
    "report_csv",
]
