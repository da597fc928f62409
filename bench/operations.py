"""The key operations the benchmark measures: a GraphQL document and its hand-written twin.

Each document is what a phone screen asks for. Its twin in `baseline_views.py` answers the
same JSON from the same querysets (so the same SQL), without GraphQL. `key_operations(...)`
binds them to the subjects of a generated district (`bench.generate.Generated`).

Fields whose value changes between two requests are left out (`generatedAt` of a map, the
shuffled survey comments), so the two sides can be compared for equality.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import timedelta

PAGE = 50  # a first page, as the phone asks for it


@dataclass(frozen=True)
class Operation:
    name: str
    title: str
    query: str
    baseline_path: str
    variables: dict = field(default_factory=dict)
    # Bearer tokens to send, in turn (several people when a per-person limit applies).
    tokens: tuple[str, ...] = ()
    # Why the operation cannot run here (a module or field that has not landed), if so.
    skipped: str | None = None


ME = """
query Me { me { person { fullName email } school { name timeZone } roles } }
"""

MY_WEEK = """
query MyWeek($from: DateTime!, $to: DateTime!) {
  myVisits(startsAfter: $from, startsBefore: $to, first: 50) {
    totalCount
    edges {
      node {
        id status cycleNumber myRole room
        when { startsAt endsAt timeZone date startTime minutes }
        host { id fullName }
        visitors { id fullName }
        slq { id areaOfFocus question }
        tool { id name kind }
        entryCount hasReflectionSheet cohortId
      }
    }
  }
}
"""

COHORT = """
query CohortPage($id: ID!) {
  cohort(id: $id) {
    id name schoolYear canManage
    school { id name timeZone }
    members { id role startedAt person { id fullName } visitedBy { id } }
    links { id blue { id } yellow { id } }
    guidance { groupSize targetGroupSize isComplete messages { code message count } }
    meetings {
      id kind title when { startsAt endsAt timeZone date startTime } status location
      agendaMinutes overrunMinutes canSeeNotes
      agenda { id position title minutes startOffsetMinutes facilitator { id fullName } }
    }
  }
}
"""

SURVEY_REPORT = """
query SurveyReport($id: ID!) {
  surveyReport(administrationId: $id) {
    status invitedCount respondedCount responseRate minimumGroupSize
    administration { id title kind opensAt closesAt }
    constructs {
      construct { key title }
      figures { isSuppressed n mean standardDeviation }
      items {
        item { id key prompt reverseScored }
        figures { isSuppressed n mean standardDeviation distribution { value label count } }
      }
    }
    comments { item { key } isSuppressed }
  }
}
"""

INBOX = """
query Inbox {
  unreadNotificationCount
  myNotifications(first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id kind title body isRead deliveredAt readAt target { type id } } }
  }
}
"""

NETWORK_MAP = """
query DistrictMap($scope: NetworkScopeInput!) {
  networkMap(scope: $scope) {
    scope scopeId name asOf nodeRadius
    nodes {
      personId fullName role cohortId blueDotId x y
      visitsMade visitsHosted plannedVisitsMade lastVisitDate isIsolated
    }
    edges { visitorId hostId completedCount plannedCount lastVisitDate isCrossSchool }
    cohorts { cohortId name memberCount frame { x y radius blueRingRadius yellowRingRadius } }
    measures { memberCount tieCount density reach reciprocity crossSchoolTieCount }
  }
}
"""

TITLES = {
    "me": "me (sign-in check)",
    "my_week": "my week's visits",
    "cohort": "a cohort with members and meetings",
    "survey_report": "a survey report",
    "inbox": "the inbox",
    "network_map": "a district network map",
}
KEY_OPERATIONS = ("my_week", "cohort", "survey_report", "inbox", "network_map")


def missing(module: str, attribute: str | None = None) -> str | None:
    """Why an operation cannot run yet: its module or field has not landed."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        return f"`{module}` has not landed"
    if attribute and not hasattr(found, attribute):
        return f"`{module}.{attribute}` has not landed"
    return None


def root_field_missing(name: str) -> str | None:
    from backend.schema import schema

    if name not in schema.graphql_schema.query_type.fields:
        return f"the `{name}` query has not landed"
    return None


def key_operations(subjects, tokens: dict) -> dict[str, Operation]:
    """The operations bound to a generated district's subjects.

    `tokens`: {"leader": raw token of the bench leader, "coordinators": [raw tokens]}."""
    from graphql_relay import to_global_id

    leader = (tokens["leader"],)
    week_start = subjects.week_start
    week = {
        "from": week_start.isoformat(),
        "to": (week_start + timedelta(days=7)).isoformat(),
    }
    operations = [
        Operation("me", TITLES["me"], ME, "/bench/baseline/me", tokens=leader),
        Operation(
            "my_week",
            TITLES["my_week"],
            MY_WEEK,
            f"/bench/baseline/my-week?from={week['from']}&to={week['to']}".replace("+", "%2B"),
            week,
            leader,
        ),
        Operation(
            "cohort",
            TITLES["cohort"],
            COHORT,
            f"/bench/baseline/cohort/{subjects.cohort_id}",
            {"id": to_global_id("Cohort", subjects.cohort_id)},
            leader,
        ),
        Operation(
            "survey_report",
            TITLES["survey_report"],
            SURVEY_REPORT,
            f"/bench/baseline/survey-report/{subjects.administration_id}",
            {"id": to_global_id("SurveyAdministration", subjects.administration_id)},
            leader,
        ),
        Operation(
            "inbox",
            TITLES["inbox"],
            INBOX,
            "/bench/baseline/inbox",
            tokens=leader,
            skipped=missing("notifications.models", "Notification")
            or root_field_missing("myNotifications"),
        ),
        Operation(
            "network_map",
            TITLES["network_map"],
            NETWORK_MAP,
            f"/bench/baseline/network-map/district/{subjects.district_id}",
            {"scope": {"districtId": to_global_id("District", subjects.district_id)}},
            tuple(tokens["coordinators"]),
            skipped=missing("networks.maps", "network_map") or root_field_missing("networkMap"),
        ),
    ]
    return {operation.name: operation for operation in operations}


def issue_tokens(subjects, *, coordinators: int = 200) -> dict:
    """Bearer tokens for the subjects (new ones each run; they expire when idle)."""
    from backend.accounts.models import User
    from backend.accounts.services.tokens import access_token_issue

    leader = User.objects.get(pk=subjects.leader_id)
    people = User.objects.filter(pk__in=subjects.coordinator_ids[:coordinators]).order_by("pk")
    return {
        "leader": access_token_issue(user=leader, device_name="bench")[1],
        "coordinators": [access_token_issue(user=c, device_name="bench")[1] for c in people],
    }
