"""Big maps as one compact JSON document behind a signed, short-lived link.

Why: a district map of 5,000 teachers and 25,000 visitor-host pairs is some 330,000 GraphQL
fields and 8 MB of JSON; a phone on a school's Wi-Fi waits longer for those bytes than the
server takes to compute them. The same map as columns (one JSON array per field) is a third of
the size, a thirtieth gzipped, and skips GraphQL's per-field work. Phones already fetch pictures
and other bulky data by URL, so `networkMapDownload` returns a link, as `networkMapImage` does.

The link's last segment is an opaque ticket of `LinkKind.MAP_DOWNLOAD`
(`backend.signed_links`): who asked (their user id), the scope, the date and whether
betweenness is wanted, encrypted. The ticket is the permission, so it is short-lived
(`TICKET_LIFETIME`); when it is fetched the view checks again, through
`networks.maps.network_map`, that its signer is still active and may still map the scope, so
losing access ends the link early. The map is computed when the link is fetched.

**The document** (`FORMAT`) holds the same values as the `networkMap` GraphQL fields of the
same names (global ids, enum names, ISO dates and datetimes), arranged for size:

- `nodes` and `edges` are *columns*: `nodes.fullName[i]` is the name of node `i`;
- references to something in the document are indexes: `edges.visitor[j]` and
  `edges.host[j]` index `nodes`, `nodes.cohort[i]` indexes `cohorts`, `nodes.blueDot[i]`
  indexes `nodes` (or is null), `nodes.otherPlaces[i]` is a list of `[cohort index, role]`;
- `cohorts`, `schools` and `measures` are objects, as in GraphQL (they are small).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from graphene.relay import Node

from backend.json_bytes import json_bytes
from backend.signed_links import LinkKind, LinkNotFound, open_token, seal
from networks.access import Scope, ScopeKind
from networks.maps import NetworkMap
from networks.progress import SurveyProgress

TICKET_LIFETIME = timedelta(minutes=15)
DOWNLOADS_PER_MINUTE = 30
"""Maps computed per minute for one signer's links (a leaked link cannot keep us busy)."""
FORMAT = "network-map/1"
CONTENT_TYPE = "application/json"
GZIP_LEVEL = 5
"""Nearly the size of level 9 at a fraction of its time on this kind of JSON."""


@dataclass(frozen=True, slots=True)
class DownloadTicket:
    user_id: int
    scope: Scope
    as_of: date | None
    with_betweenness: bool
    expires_at: datetime | None = None
    """Set on a ticket read from a token."""


def sign_ticket(ticket: DownloadTicket, *, expires_at: datetime) -> str:
    """The token of a ticket, good until `expires_at` (whole seconds)."""
    payload = [
        ticket.user_id,
        ticket.scope.kind.value,
        ticket.scope.id,
        ticket.as_of.isoformat() if ticket.as_of else None,
        int(ticket.with_betweenness),
    ]
    return seal(LinkKind.MAP_DOWNLOAD, payload, expires_at=expires_at)


def read_ticket(token: str) -> DownloadTicket:
    """The ticket behind a token; raises signed_links.LinkNotFound or LinkExpired."""
    opened = open_token(LinkKind.MAP_DOWNLOAD, token)
    try:
        user_id, kind, scope_id, as_of, with_betweenness = opened.payload
        return DownloadTicket(
            user_id=int(user_id),
            scope=Scope(ScopeKind(kind), int(scope_id)),
            as_of=date.fromisoformat(as_of) if as_of else None,
            with_betweenness=bool(with_betweenness),
            expires_at=opened.expires_at,
        )
    except (TypeError, ValueError) as exc:  # sealed by us, so only after a change of format
        raise LinkNotFound from exc


# --- the document ---------------------------------------------------------------------------


def _gid(type_name: str, pk) -> str | None:
    return None if pk is None else Node.to_global_id(type_name, pk)


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _survey(survey: SurveyProgress | None) -> dict | None:
    if survey is None:
        return None
    return {
        "state": survey.state.value,
        "isDone": survey.done,
        "opensAt": _iso(survey.opens_at),
        "closesAt": _iso(survey.closes_at),
        "invitedCount": survey.invited_count,
        "respondedCount": survey.responded_count,
    }


def map_document(network_map: NetworkMap) -> dict:
    """The map as the compact document described in the module docstring."""
    m = network_map
    node_index = {node.person_id: i for i, node in enumerate(m.nodes)}
    cohort_index = {c.cohort.id: i for i, c in enumerate(m.cohorts)}
    nodes = m.nodes
    edges = m.edges
    return {
        "format": FORMAT,
        "scope": m.scope.kind.value,
        "scopeId": _gid(m.scope.kind.value.title(), m.scope.id),
        "name": m.name,
        "asOf": m.as_of.isoformat(),
        "generatedAt": m.generated_at.isoformat(),
        "nodeRadius": m.node_radius,
        "nodes": {
            "personId": [_gid("Person", n.person_id) for n in nodes],
            "fullName": [n.full_name for n in nodes],
            "role": [n.role.value for n in nodes],
            "cohort": [cohort_index[n.cohort_id] for n in nodes],
            "blueDot": [node_index.get(n.blue_id) for n in nodes],
            "schoolId": [_gid("School", n.school_id) for n in nodes],
            "x": [n.x for n in nodes],
            "y": [n.y for n in nodes],
            "visitsMade": [n.visits_made for n in nodes],
            "visitsHosted": [n.visits_hosted for n in nodes],
            "plannedVisitsMade": [n.planned_made for n in nodes],
            "plannedVisitsHosted": [n.planned_hosted for n in nodes],
            "peersVisited": [n.peers_visited for n in nodes],
            "visitorCount": [n.visitors for n in nodes],
            "cyclesCompleted": [n.cycles_completed for n in nodes],
            "lastVisitDate": [_iso(n.last_visit_date) for n in nodes],
            "betweenness": [n.betweenness for n in nodes],
            "isIsolated": [n.is_isolated for n in nodes],
            "otherPlaces": [
                [[cohort_index[p.cohort_id], p.role.value] for p in n.other_places] for n in nodes
            ],
        },
        "edges": {
            "visitor": [node_index[e.visitor_id] for e in edges],
            "host": [node_index[e.host_id] for e in edges],
            "completedCount": [e.completed_count for e in edges],
            "plannedCount": [e.planned_count for e in edges],
            "firstVisitDate": [_iso(e.first_visit_date) for e in edges],
            "lastVisitDate": [_iso(e.last_visit_date) for e in edges],
            "nextPlannedDate": [_iso(e.next_planned_date) for e in edges],
            "isCrossSchool": [e.is_cross_school for e in edges],
            "isCrossCohort": [e.is_cross_cohort for e in edges],
        },
        "cohorts": [_cohort(c) for c in m.cohorts],
        "schools": [{"schoolId": _gid("School", s.id), "name": s.name} for s in m.schools],
        "measures": _measures(m),
    }


def _cohort(c) -> dict:
    frame, p = c.frame, c.progress
    return {
        "cohortId": _gid("Cohort", c.cohort.id),
        "name": c.cohort.name,
        "schoolYear": c.cohort.school_year,
        "schoolId": _gid("School", c.cohort.school_id),
        "memberCount": c.member_count,
        "frame": {
            "x": frame.x,
            "y": frame.y,
            "radius": frame.radius,
            "blueRingRadius": frame.blue_radius,
            "yellowRingRadius": frame.yellow_radius,
        },
        "progress": {
            "hasLeader": p.has_leader,
            "blueDotCount": p.blue_count,
            "blueDotTarget": p.blue_target,
            "blueDotsVisitedByLeader": p.blue_visited_by_leader,
            "yellowDotCount": p.yellow_count,
            "yellowDotsAssigned": p.yellow_assigned,
            "yellowDotTarget": p.yellow_target,
            "yellowDotsVisitedByBlueDot": p.yellow_visited_by_blue,
            "reflectionSheets": p.reflection_sheets,
            "reflectionSheetTarget": p.reflection_sheet_target,
            "overdueReflections": p.overdue_reflections,
            "lastVisitDate": _iso(p.last_visit_date),
            "groupOf5Meetings": p.blue_group_meetings,
            "groupOf13Meetings": p.whole_group_meetings,
            "baselineSurvey": _survey(p.baseline_survey),
            "sixMonthSurvey": _survey(p.six_month_survey),
        },
    }


def _measures(m: NetworkMap) -> dict:
    measures = m.measures
    return {
        "memberCount": measures.member_count,
        "tieCount": measures.tie_count,
        "density": measures.density,
        "reach": measures.reach,
        "reciprocity": measures.reciprocity,
        "isolatedPersonIds": [_gid("Person", pk) for pk in measures.isolated_ids],
        "crossSchoolTieCount": measures.cross_school_tie_count,
        "crossCohortTieCount": measures.cross_cohort_tie_count,
        "betweennessIsExact": measures.betweenness_exact,
        "mostConnecting": [
            {
                "personId": _gid("Person", c.person_id),
                "fullName": c.full_name,
                "betweenness": c.betweenness,
            }
            for c in measures.most_connecting
        ],
    }


def encode(document: dict, *, compress: bool) -> bytes:
    """Compact UTF-8 JSON, gzipped when `compress`."""
    body = json_bytes(document)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0) if compress else body
