"""The surveys app's settings, read from Django settings with safe defaults."""

from django.conf import settings

from .models import AdministrationKind, AudienceKind
from .statistics import MINIMUM_GROUP_SIZE

# Below this a group is too small to hide anyone in, whatever is configured.
ABSOLUTE_FLOOR = 3
# Open-text comments carry style, anecdotes and details that narrow down who wrote them, so they
# need a larger crowd to hide in than numbers do. Eight is two thirds of a full group of twelve:
# a cohort-wide survey with an ordinary response rate still shows its comments, a handful of
# people does not.
DEFAULT_COMMENT_GROUP_SIZE = 8


def minimum_group_size() -> int:
    """Fewest respondents behind any figure a report shows (SURVEY_MIN_GROUP_SIZE, default 5)."""
    configured = getattr(settings, "SURVEY_MIN_GROUP_SIZE", MINIMUM_GROUP_SIZE)
    return max(int(configured), ABSOLUTE_FLOOR)


def minimum_comment_group_size() -> int:
    """Fewest respondents before open-text comments are shown (SURVEY_MIN_GROUP_SIZE_TEXT,
    default 8); never below the minimum for numbers."""
    configured = getattr(settings, "SURVEY_MIN_GROUP_SIZE_TEXT", DEFAULT_COMMENT_GROUP_SIZE)
    return max(int(configured), minimum_group_size())


# Peer feedback asked of the peers whose classes the launcher visited: the programme asks for
# four respondents. Four is below the general minimums on purpose and only for this one kind
# of survey; the cost is written in the README's threat model.
DEFAULT_PEER_FEEDBACK_GROUP_SIZE = 4


def peer_feedback_minimum_group_size() -> int:
    """Fewest respondents behind the figures and the comments of a peer-feedback survey sent to
    visited peers (SURVEY_PEER_FEEDBACK_MIN_GROUP_SIZE, default 4, never below 3)."""
    configured = getattr(
        settings, "SURVEY_PEER_FEEDBACK_MIN_GROUP_SIZE", DEFAULT_PEER_FEEDBACK_GROUP_SIZE
    )
    return max(int(configured), ABSOLUTE_FLOOR)


def is_peer_feedback_to_visited_peers(kind: str, audience: str) -> bool:
    """The one kind of survey with its own rules: peer feedback to peers the launcher visited.
    Any current cohort member may launch it, and four respondents are enough to report it."""
    return kind == AdministrationKind.PEER_FEEDBACK and audience == AudienceKind.VISITED_PEERS


# A class's students (issue 23): Tripod reports a class from 8 students, The Learning Bar holds
# back comments below 10. Students write in a voice a teacher may know, so comments need more.
DEFAULT_STUDENT_GROUP_SIZE = 8
DEFAULT_STUDENT_COMMENT_GROUP_SIZE = 10


def student_minimums() -> tuple[int, int]:
    """(figures, comments) for a class survey: SURVEY_STUDENT_MIN_GROUP_SIZE (default 8) and
    SURVEY_STUDENT_MIN_GROUP_SIZE_TEXT (default 10), never below the general minimums."""
    figures = max(
        int(getattr(settings, "SURVEY_STUDENT_MIN_GROUP_SIZE", DEFAULT_STUDENT_GROUP_SIZE)),
        minimum_group_size(),
    )
    comments = max(
        int(
            getattr(
                settings, "SURVEY_STUDENT_MIN_GROUP_SIZE_TEXT", DEFAULT_STUDENT_COMMENT_GROUP_SIZE
            )
        ),
        figures,
        minimum_comment_group_size(),
    )
    return figures, comments


def report_minimums(kind: str, audience: str) -> tuple[int, int]:
    """(figures, comments): the fewest respondents, besides those who run the survey, behind a
    report's figures and behind its comments, for an administration of `kind` to `audience`."""
    if audience == AudienceKind.CLASS_CODES:
        return student_minimums()
    if is_peer_feedback_to_visited_peers(kind, audience):
        minimum = peer_feedback_minimum_group_size()
        return minimum, minimum
    return minimum_group_size(), minimum_comment_group_size()
