"""GraphQL enums of the improvement app, made from the models' choices so they cannot drift."""

from backend.graphql.enums import choices_enum

from ..chart_links import ChartImageFormat as ImageFormat
from ..chart_links import ChartImageSize as ImageSize
from ..models import ActDecision, Better, LibraryScope, Stage
from ..run_chart import SignalKind

PdsaStage = choices_enum(
    "PdsaStage",
    Stage,
    "Where a PDSA cycle stands; it moves only forward, one stage at a time.",
    {
        "PLAN": "Plan: the change to test and what you predict.",
        "DO": "Do: trying the change and collecting the data.",
        "STUDY": "Study: comparing the data with the predictions.",
        "ACT": "Act: deciding to adopt, adapt or abandon the change.",
        "DONE": "Done: decided; an adapted change continues in a next cycle.",
    },
)
PdsaActDecision = choices_enum(
    "PdsaActDecision", ActDecision, "What the Act stage decided about the change."
)
MeasureBetter = choices_enum(
    "MeasureBetter", Better, "Which direction of a measure is an improvement."
)
RunChartSignalKind = choices_enum(
    "RunChartSignalKind",
    SignalKind,
    "Which run-chart rule a signal comes from.",
    {
        "SHIFT": "Six or more points in a row on one side of the median.",
        "TREND": "Five or more points in a row each higher (or each lower) than the one before.",
        "TOO_FEW_RUNS": "Fewer runs across the median than chance would give: the points cluster.",
        "TOO_MANY_RUNS": "More runs than chance would give: the points alternate.",
        "ASTRONOMICAL": "A point you flagged as clearly unlike the others.",
    },
)
ChartImageFormat = choices_enum(
    "ChartImageFormat",
    ImageFormat,
    "The picture format of a run chart.",
    {
        "PNG": "A PNG image (image/png): for image views, sharing and messages.",
        "SVG": "An SVG drawing (image/svg+xml) that scales without blurring: for print and the "
        "web.",
    },
)
ChartImageSize = choices_enum(
    "ChartImageSize",
    ImageSize,
    "How large a run-chart picture is drawn; both sizes have the same proportions.",
    {
        "PHONE": "720 x 480 pixels, for a phone's screen.",
        "PRINT": "1600 x 1000 pixels, for printing and slides.",
    },
)
LibraryScopeEnum = choices_enum(
    "LibraryScope",
    LibraryScope,
    "Who a library entry is shared with.",
    {
        "SCHOOL": "The teachers of your school.",
        "DISTRICT": "The teachers of every school of your district.",
    },
)
