"""The surveys app's settings, read from Django settings with safe defaults."""

from django.conf import settings

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
