"""Enums the mobile app gets as native enums."""

import graphene

from backend.graphql.enums import choices_enum, described

from .. import models
from ..models import Role

CohortRole = choices_enum(
    "CohortRole",
    Role,
    "A person's place in a cohort.",
    {
        "LEADER": "The teacher leader: visits the blue dots and runs the meetings.",
        "BLUE": "A blue dot: visited by the leader, visits yellow dots.",
        "YELLOW": "A yellow dot: visited by a blue dot.",
    },
)


class PeerRole(graphene.Enum):
    """The role a peer (not the leader) is given."""

    BLUE = "BLUE"
    YELLOW = "YELLOW"

    description = described(
        {
            "BLUE": "A blue dot: visited by the leader, visits yellow dots.",
            "YELLOW": "A yellow dot.",
        }
    )


MeetingKind = choices_enum(
    "MeetingKind",
    models.MeetingKind,
    "Which group a meeting is for.",
    {
        "BLUE_GROUP": "The group of 5: the leader and the blue dots.",
        "WHOLE_GROUP": "The group of 13: everyone in the cohort.",
        "OTHER": "Any other meeting: the leader and the people invited.",
    },
)


class MeetingStatus(graphene.Enum):
    """Where a meeting stands now."""

    UPCOMING = "UPCOMING"
    IN_PROGRESS = "IN_PROGRESS"
    HELD = "HELD"
    CANCELLED = "CANCELLED"

    description = described(
        {
            "UPCOMING": "It has not started yet.",
            "IN_PROGRESS": "It has started and not yet ended.",
            "HELD": "It has ended: attendance and notes can be recorded.",
            "CANCELLED": "It was called off.",
        }
    )


AttendanceStatus = choices_enum(
    "AttendanceStatus",
    models.AttendanceStatus,
    "Whether someone came to a meeting.",
    {"PRESENT": "Came.", "ABSENT": "Did not come.", "EXCUSED": "Sent apologies in advance."},
)


class MeetingAttendeeReason(graphene.Enum):
    """Why someone is expected at a meeting."""

    MEMBER = "MEMBER"
    INVITEE = "INVITEE"

    description = described(
        {
            "MEMBER": "They are in the meeting's group: the cohort members in the roles its "
            "kind is for (the group as it stood when the meeting started).",
            "INVITEE": "They were invited beyond the group (for an OTHER meeting, the people "
            "it is for).",
        }
    )


class GuidanceCode(graphene.Enum):
    """What a guidance message is about. Guidance is advice from the programme's shape (4 blue,
    8 yellow, a group of 13), never a refusal."""

    NO_LEADER = "NO_LEADER"
    BLUE_DOTS_MISSING = "BLUE_DOTS_MISSING"
    BLUE_DOTS_ABOVE_TARGET = "BLUE_DOTS_ABOVE_TARGET"
    YELLOW_DOTS_MISSING = "YELLOW_DOTS_MISSING"
    YELLOW_DOTS_ABOVE_TARGET = "YELLOW_DOTS_ABOVE_TARGET"
    YELLOW_DOTS_UNASSIGNED = "YELLOW_DOTS_UNASSIGNED"
    BLUE_DOTS_WITHOUT_YELLOW = "BLUE_DOTS_WITHOUT_YELLOW"
    AGENDA_OVERRUNS_MEETING = "AGENDA_OVERRUNS_MEETING"

    description = described(
        {
            "NO_LEADER": "The cohort has no leader.",
            "BLUE_DOTS_MISSING": "Fewer blue dots than the target.",
            "BLUE_DOTS_ABOVE_TARGET": "More blue dots than the target.",
            "YELLOW_DOTS_MISSING": "Fewer yellow dots than the target.",
            "YELLOW_DOTS_ABOVE_TARGET": "More yellow dots than the target.",
            "YELLOW_DOTS_UNASSIGNED": "Yellow dots no blue dot visits yet.",
            "BLUE_DOTS_WITHOUT_YELLOW": "Blue dots with no yellow dot to visit.",
            "AGENDA_OVERRUNS_MEETING": "The agenda's items add up to more than the meeting.",
        }
    )


class CohortInvitationStatus(graphene.Enum):
    """Where an invitation into a cohort stands."""

    OPEN = "OPEN"
    AWAITING_APPROVAL = "AWAITING_APPROVAL"
    ACCEPTED = "ACCEPTED"
    ADDED = "ADDED"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"

    description = described(
        {
            "OPEN": "Sent; the person has not accepted yet.",
            "AWAITING_APPROVAL": "Outside the district's e-mail domains: waits for a "
            "coordinator's approval; nothing was sent yet.",
            "ACCEPTED": "The person has an account now: add them to the cohort.",
            "ADDED": "The person was added to the cohort.",
            "EXPIRED": "The code expired before it was used.",
            "REVOKED": "Withdrawn, or replaced by a newer invitation.",
        }
    )


class CohortChangeKind(graphene.Enum):
    """What changed in a cohort (the event's hint; reload what you show)."""

    COHORT_UPDATED = "COHORT_UPDATED"
    COHORT_ARCHIVED = "COHORT_ARCHIVED"
    LEADER_CHANGED = "LEADER_CHANGED"
    MEMBER_ADDED = "MEMBER_ADDED"
    MEMBER_INVITED = "MEMBER_INVITED"
    MEMBER_LEFT = "MEMBER_LEFT"
    MEMBER_REPLACED = "MEMBER_REPLACED"
    ROLE_CHANGED = "ROLE_CHANGED"
    ASSIGNMENT_CHANGED = "ASSIGNMENT_CHANGED"
    MEETING_SCHEDULED = "MEETING_SCHEDULED"
    MEETING_UPDATED = "MEETING_UPDATED"
    MEETING_RESCHEDULED = "MEETING_RESCHEDULED"
    MEETING_CANCELLED = "MEETING_CANCELLED"
    AGENDA_CHANGED = "AGENDA_CHANGED"
    MEETING_RECORDED = "MEETING_RECORDED"

    description = described(
        {
            "COHORT_UPDATED": "Name, school year or targets changed.",
            "COHORT_ARCHIVED": "The cohort was archived.",
            "LEADER_CHANGED": "Someone else leads the cohort now.",
            "MEMBER_ADDED": "A peer joined.",
            "MEMBER_INVITED": "A peer was invited by e-mail.",
            "MEMBER_LEFT": "A peer left.",
            "MEMBER_REPLACED": "A peer's place was taken by someone else.",
            "ROLE_CHANGED": "A peer became a blue or a yellow dot.",
            "ASSIGNMENT_CHANGED": "Which blue dot visits which yellow dot changed.",
            "MEETING_SCHEDULED": "A meeting was planned.",
            "MEETING_UPDATED": "A meeting's details changed.",
            "MEETING_RESCHEDULED": "A meeting moved to another time.",
            "MEETING_CANCELLED": "A meeting was called off.",
            "AGENDA_CHANGED": "A meeting's agenda changed.",
            "MEETING_RECORDED": "Attendance or notes were recorded.",
        }
    )
