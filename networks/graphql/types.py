"""GraphQL types of the network map. They resolve from `networks.maps` dataclasses.

Only structure and counts: people's names and ids, roles, schools, cohorts, dates, counts and
positions. Nothing a visit, reflection or meeting *says* (`tests/networks/test_privacy.py`).

Ids are the global ids of the objects they point at (`Person:…`, `Cohort:…`, `School:…`), in
fields named `personId`, `cohortId`, … rather than `id`: a map's node is that person *as drawn
in this map*, so a client cache must not merge it with the same person in another map.
"""

from functools import partial

import graphene

from backend.graphql.execution import reads_attribute_through, reads_root_only
from backend.graphql.ids import GlobalIds
from backend.signed_links import url_description
from networks import maps, progress

from .enums import CohortRole, MapImageFormat, NetworkScopeKind, NetworkSurveyState, StuckReason

_GLOBAL_IDS: dict[str, GlobalIds] = {}


def global_ids(type_name: str) -> GlobalIds:
    found = _GLOBAL_IDS.get(type_name)
    if found is None:
        found = _GLOBAL_IDS[type_name] = GlobalIds(type_name)
    return found


def global_id(type_name: str, pk) -> str | None:
    return global_ids(type_name)[pk]


def _id_field(type_name: str, attribute: str, description: str, *, required: bool = True):
    """An ID field holding the global id of `type_name` whose pk is at `root.<attribute>`."""
    ids = global_ids(type_name)

    @reads_attribute_through(attribute, ids.__getitem__)
    def resolve(root, info):
        return ids[getattr(root, attribute)]

    return graphene.ID(required=required, description=description, resolver=resolve)


person_id_field = partial(_id_field, "Person")
cohort_id_field = partial(_id_field, "Cohort")
school_id_field = partial(_id_field, "School")


class NetworkPlace(graphene.ObjectType):
    """Another place a person holds in the map's cohorts (they are drawn only once)."""

    cohort_id = cohort_id_field("cohort_id", "The cohort.")
    role = graphene.Field(CohortRole, required=True, description="Their role in that cohort.")

    @staticmethod
    @reads_root_only
    def resolve_role(root: maps.MapPlace, info):
        return root.role._value_  # the enum's `value` property costs more


class NetworkNode(graphene.ObjectType):
    """A person on the map: where to draw their dot, their role, and their visit counts.

    A person in several of the map's cohorts is one node, drawn in the first of them (by
    school, then cohort); `otherPlaces` lists the rest."""

    person_id = person_id_field("person_id", "The person's global id (a Person).")
    full_name = graphene.String(required=True, description="The person's name, for the label.")
    role = graphene.Field(
        CohortRole, required=True, description="Their role in the cohort they are drawn in."
    )
    cohort_id = cohort_id_field("cohort_id", "The cohort they are drawn in.")
    blue_dot_id = person_id_field(
        "blue_id",
        "For a yellow dot, the blue dot assigned to visit them; null otherwise or unassigned.",
        required=False,
    )
    school_id = school_id_field("school_id", "The school they teach at.", required=False)
    x = graphene.Float(
        required=True,
        description="Centre of the dot, from the left, as a share of the drawing's side (0-1).",
    )
    y = graphene.Float(
        required=True,
        description="Centre of the dot, from the top, as a share of the drawing's side (0-1).",
    )
    visits_made = graphene.Int(
        required=True, description="Completed visits they made to others on the map."
    )
    visits_hosted = graphene.Int(
        required=True, description="Completed visits others on the map made to their class."
    )
    planned_visits_made = graphene.Int(
        required=True, description="Visits they are to make, planned and not yet done."
    )
    planned_visits_hosted = graphene.Int(
        required=True, description="Visits they are to host, planned and not yet done."
    )
    peers_visited = graphene.Int(
        required=True, description="Distinct people on the map they have visited."
    )
    visitor_count = graphene.Int(
        required=True, description="Distinct people on the map who have visited them."
    )
    cycles_completed = graphene.Int(
        required=True,
        description="Reflection cycles they have hosted: distinct cycle numbers among the "
        "completed visits to their class (by anyone).",
    )
    last_visit_date = graphene.Date(
        description="Day of their latest completed visit on the map, made or hosted (the "
        "host's school's date)."
    )
    betweenness = graphene.Float(
        required=True,
        description="How much they connect others (0-1): the share of pairs of people on the "
        "map whose shortest visit paths run through them.",
    )
    is_isolated = graphene.Boolean(
        required=True, description="True when they have neither made nor hosted a visit yet."
    )
    other_places = graphene.List(
        graphene.NonNull(NetworkPlace),
        required=True,
        description="Their places in other cohorts of this map (usually none).",
    )

    @staticmethod
    @reads_root_only
    def resolve_role(root: maps.MapNode, info):
        return root.role._value_  # the enum's `value` property costs more

    @staticmethod
    @reads_root_only
    def resolve_planned_visits_made(root: maps.MapNode, info):
        return root.planned_made

    @staticmethod
    @reads_root_only
    def resolve_planned_visits_hosted(root: maps.MapNode, info):
        return root.planned_hosted

    @staticmethod
    @reads_root_only
    def resolve_visitor_count(root: maps.MapNode, info):
        return root.visitors


class NetworkEdge(graphene.ObjectType):
    """An arrow from a visitor to a host: all their visits, completed and planned."""

    visitor_id = person_id_field("visitor_id", "Who visits (a Person).")
    host_id = person_id_field("host_id", "Whose class is visited (a Person).")
    completed_count = graphene.Int(required=True, description="Visits completed.")
    planned_count = graphene.Int(
        required=True, description="Visits planned and not yet completed or called off."
    )
    first_visit_date = graphene.Date(description="Day of the first completed visit.")
    last_visit_date = graphene.Date(description="Day of the latest completed visit.")
    next_planned_date = graphene.Date(
        description="Day of the earliest visit still planned; it can be in the past when a "
        "visit was never marked done."
    )
    is_cross_school = graphene.Boolean(
        required=True, description="The two teach at different schools."
    )
    is_cross_cohort = graphene.Boolean(
        required=True, description="The two share no cohort on this map."
    )


class NetworkCohortFrame(graphene.ObjectType):
    """A cohort's circle on the drawing: the leader at its centre, blue dots on the inner ring,
    yellow dots on the outer ring next to their blue dot. Same units as the nodes."""

    x = graphene.Float(required=True, description="Centre, from the left (0-1).")
    y = graphene.Float(required=True, description="Centre, from the top (0-1).")
    radius = graphene.Float(required=True, description="Radius of the cohort's whole circle.")
    blue_ring_radius = graphene.Float(required=True, description="Radius of the blue ring.")
    yellow_ring_radius = graphene.Float(required=True, description="Radius of the yellow ring.")

    @staticmethod
    @reads_root_only
    def resolve_blue_ring_radius(root, info):
        return root.blue_radius

    @staticmethod
    @reads_root_only
    def resolve_yellow_ring_radius(root, info):
        return root.yellow_radius


class NetworkSurveyProgress(graphene.ObjectType):
    """The cohort's latest baseline or six-month survey at the date shown."""

    state = graphene.Field(NetworkSurveyState, required=True, description="Where it stood.")
    is_done = graphene.Boolean(required=True, description="True once its window had closed.")
    opens_at = graphene.DateTime(description="When it opened; null if not launched.")
    closes_at = graphene.DateTime(description="When it closes or closed; null if not launched.")
    invited_count = graphene.Int(description="People invited to answer; null if not launched.")
    responded_count = graphene.Int(
        description="People who answered; known once the survey had closed, null before."
    )

    @staticmethod
    def resolve_state(root: progress.SurveyProgress, info):
        return root.state.value

    @staticmethod
    def resolve_is_done(root: progress.SurveyProgress, info):
        return root.done


class NetworkCohortProgress(graphene.ObjectType):
    """How far the cohort has come through the programme at the date shown."""

    has_leader = graphene.Boolean(required=True, description="The cohort had a leader then.")
    blue_dot_count = graphene.Int(required=True, description="Blue dots in the cohort.")
    blue_dot_target = graphene.Int(required=True, description="Blue dots the leader aims for.")
    blue_dots_visited_by_leader = graphene.Int(
        required=True, description="Blue dots the leader has visited at least once."
    )
    yellow_dot_count = graphene.Int(required=True, description="Yellow dots in the cohort.")
    yellow_dots_assigned = graphene.Int(
        required=True, description="Yellow dots assigned to a blue dot."
    )
    yellow_dot_target = graphene.Int(required=True, description="Yellow dots the cohort aims for.")
    yellow_dots_visited_by_blue_dot = graphene.Int(
        required=True, description="Yellow dots visited at least once by their own blue dot."
    )
    reflection_sheets = graphene.Int(
        required=True,
        description="Reflection sheets the leader facilitated with blue dots: one per blue "
        "dot and cycle, at most two cycles per blue dot.",
    )
    reflection_sheet_target = graphene.Int(
        required=True, description="Sheets the programme asks for: two cycles per blue dot."
    )
    baseline_survey = graphene.Field(
        NetworkSurveyProgress, description="The trust survey at the start; null if unknown."
    )
    six_month_survey = graphene.Field(
        NetworkSurveyProgress, description="The trust survey six months on; null if unknown."
    )
    group_of_5_meetings = graphene.Int(
        name="groupOf5Meetings",
        description="Group-of-5 meetings (leader and blue dots) held; null if unknown.",
    )
    group_of_13_meetings = graphene.Int(
        name="groupOf13Meetings",
        description="Group-of-13 meetings (everyone) held; null if unknown.",
    )
    overdue_reflections = graphene.Int(
        required=True,
        description="Visits of this cohort completed over a week before without a reflection "
        "sheet by the date shown.",
    )
    last_visit_date = graphene.Date(
        description="Day of the latest completed visit between two of its members."
    )

    @staticmethod
    def resolve_blue_dot_count(root: progress.CohortProgress, info):
        return root.blue_count

    @staticmethod
    def resolve_blue_dot_target(root: progress.CohortProgress, info):
        return root.blue_target

    @staticmethod
    def resolve_blue_dots_visited_by_leader(root: progress.CohortProgress, info):
        return root.blue_visited_by_leader

    @staticmethod
    def resolve_yellow_dot_count(root: progress.CohortProgress, info):
        return root.yellow_count

    @staticmethod
    def resolve_yellow_dots_assigned(root: progress.CohortProgress, info):
        return root.yellow_assigned

    @staticmethod
    def resolve_yellow_dot_target(root: progress.CohortProgress, info):
        return root.yellow_target

    @staticmethod
    def resolve_yellow_dots_visited_by_blue_dot(root: progress.CohortProgress, info):
        return root.yellow_visited_by_blue

    @staticmethod
    def resolve_group_of_5_meetings(root: progress.CohortProgress, info):
        return root.blue_group_meetings

    @staticmethod
    def resolve_group_of_13_meetings(root: progress.CohortProgress, info):
        return root.whole_group_meetings


class NetworkCohort(graphene.ObjectType):
    """One cohort on the map: where its circle is, and its programme progress."""

    cohort_id = graphene.ID(required=True, description="The cohort (a Cohort).")
    name = graphene.String(required=True, description="What the group calls itself.")
    school_year = graphene.String(required=True, description="e.g. 2026-2027.")
    school_id = graphene.ID(required=True, description="The cohort's school (a School).")
    member_count = graphene.Int(
        required=True, description="People holding a place in it at the date shown."
    )
    frame = graphene.Field(NetworkCohortFrame, required=True, description="Its circle.")
    progress = graphene.Field(
        NetworkCohortProgress, required=True, description="Its programme progress."
    )

    @staticmethod
    def resolve_cohort_id(root: maps.MapCohort, info):
        return global_id("Cohort", root.cohort.id)

    @staticmethod
    def resolve_name(root: maps.MapCohort, info):
        return root.cohort.name

    @staticmethod
    def resolve_school_year(root: maps.MapCohort, info):
        return root.cohort.school_year

    @staticmethod
    def resolve_school_id(root: maps.MapCohort, info):
        return global_id("School", root.cohort.school_id)


class NetworkSchool(graphene.ObjectType):
    """A school whose cohorts are on the map."""

    school_id = school_id_field("id", "The school (a School).")
    name = graphene.String(required=True, description="The school's name.")


class NetworkConnector(graphene.ObjectType):
    """One of the people who connect the network most."""

    person_id = person_id_field("person_id", "The person (a Person).")
    full_name = graphene.String(required=True, description="The person's name.")
    betweenness = graphene.Float(required=True, description="Their betweenness (0-1).")


class NetworkMeasures(graphene.ObjectType):
    """Measures of the whole map. A *tie* is a visitor-host pair with a completed visit;
    planned visits are not ties."""

    member_count = graphene.Int(required=True, description="People on the map.")
    tie_count = graphene.Int(
        required=True, description="Visitor-host pairs with a completed visit."
    )
    density = graphene.Float(
        required=True, description="Ties as a share of all possible ordered pairs (0-1)."
    )
    reach = graphene.Float(
        required=True,
        description="Share of members, leaders aside, who have been visited at least once (0-1).",
    )
    reciprocity = graphene.Float(
        required=True, description="Share of ties whose reverse is also a tie (0-1)."
    )
    isolated_person_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        required=True,
        description="People with no completed visit made or hosted (Person ids).",
    )
    cross_school_tie_count = graphene.Int(
        required=True, description="Ties between people of different schools."
    )
    cross_cohort_tie_count = graphene.Int(
        required=True, description="Ties between people who share no cohort on the map."
    )
    most_connecting = graphene.List(
        graphene.NonNull(NetworkConnector),
        required=True,
        description=f"Up to {maps.MOST_CONNECTING} people with the highest betweenness, "
        "highest first; people who connect nobody are left out.",
    )
    betweenness_is_exact = graphene.Boolean(
        required=True,
        description="False when betweenness was estimated from a sample (very large maps).",
    )

    @staticmethod
    def resolve_isolated_person_ids(root: maps.MapMeasures, info):
        return [global_id("Person", pk) for pk in root.isolated_ids]

    @staticmethod
    def resolve_betweenness_is_exact(root: maps.MapMeasures, info):
        return root.betweenness_exact


class NetworkMap(graphene.ObjectType):
    """Who has visited whom in a cohort, a school or a district, ready to draw.

    Positions are in a unit square (x to the right, y down, same scale on both axes):
    multiply by the side of the drawing. Only structure and counts: nothing a visit or a
    reflection says."""

    scope = graphene.Field(NetworkScopeKind, required=True, description="What the map covers.")
    scope_id = graphene.ID(
        required=True, description="The cohort, school or district mapped (its global id)."
    )
    name = graphene.String(required=True, description="The cohort's, school's or district's name.")
    as_of = graphene.Date(
        required=True,
        description="The day the map shows, as it was at the end of that day (or now, today).",
    )
    generated_at = graphene.DateTime(required=True, description="When the map was computed.")
    node_radius = graphene.Float(
        required=True, description="A dot radius (same units as x and y) at which no dots overlap."
    )
    nodes = graphene.List(graphene.NonNull(NetworkNode), required=True, description="The people.")
    edges = graphene.List(
        graphene.NonNull(NetworkEdge), required=True, description="Visits, one per visitor-host."
    )
    cohorts = graphene.List(
        graphene.NonNull(NetworkCohort),
        required=True,
        description="The cohorts drawn, with their circles and progress.",
    )
    schools = graphene.List(
        graphene.NonNull(NetworkSchool), required=True, description="Schools of those cohorts."
    )
    measures = graphene.Field(NetworkMeasures, required=True, description="Network measures.")

    @staticmethod
    def resolve_scope(root: maps.NetworkMap, info):
        return root.scope.kind.value

    @staticmethod
    def resolve_scope_id(root: maps.NetworkMap, info):
        return global_id(root.scope.kind.value.title(), root.scope.id)


class StuckPerson(graphene.ObjectType):
    """Someone named on the stuck list."""

    person_id = person_id_field("person_id", "The person (a Person).")
    full_name = graphene.String(required=True, description="The person's name.")


class StuckBlueDot(graphene.ObjectType):
    """A blue dot who has not reached some of their yellow dots."""

    person_id = person_id_field("person_id", "The blue dot (a Person).")
    full_name = graphene.String(required=True, description="The blue dot's name.")
    assigned_yellow_dot_count = graphene.Int(
        required=True, description="Yellow dots assigned to them."
    )
    unvisited_yellow_dots = graphene.List(
        graphene.NonNull(StuckPerson),
        required=True,
        description="Yellow dots assigned long enough ago and not visited yet.",
    )


class StuckCohort(graphene.ObjectType):
    """A cohort that needs a nudge, and why."""

    cohort_id = cohort_id_field("cohort_id", "The cohort (a Cohort).")
    name = graphene.String(required=True, description="The cohort's name.")
    school_id = school_id_field("school_id", "The cohort's school.")
    school_name = graphene.String(required=True, description="The school's name.")
    reasons = graphene.List(
        graphene.NonNull(StuckReason), required=True, description="Why it is on the list."
    )
    last_visit_date = graphene.Date(
        description="Day of its latest completed visit between members; null if none yet."
    )
    days_since_last_visit = graphene.Int(description="Days since then; null if none yet.")
    blue_dots_behind = graphene.List(
        graphene.NonNull(StuckBlueDot),
        required=True,
        description="Blue dots who have not reached their yellow dots.",
    )
    overdue_reflections = graphene.Int(
        required=True, description="Visits completed over a week ago without a reflection sheet."
    )


class NetworkMapImage(graphene.ObjectType):
    """A picture of a cohort's map behind a short-lived link."""

    url = graphene.String(
        required=True,
        description=url_description(
            "Where to fetch the picture (`contentType`). It stops working at `expiresAt`, or "
            "sooner if you lose access.",
            rate_limited=True,
        ),
    )
    format = graphene.Field(MapImageFormat, required=True, description="PNG or SVG.")
    content_type = graphene.String(required=True, description="The picture's media type.")
    expires_at = graphene.DateTime(required=True, description="When the link stops working.")


class NetworkMapDownload(graphene.ObjectType):
    """A link to a whole map as one compact JSON document, for maps too big to ask for field
    by field (a district): the same values as `networkMap`, as columns.

    The document (`format` network-map/1) has `scope`, `scopeId`, `name`, `asOf`,
    `generatedAt` and `nodeRadius` as in `NetworkMap`; `nodes` and `edges` as columns named
    like the `NetworkNode` and `NetworkEdge` fields (`nodes.fullName[i]` is node i's name),
    where `edges.visitor`/`edges.host` and `nodes.blueDot` are indexes into the nodes,
    `nodes.cohort` an index into `cohorts`, and `nodes.otherPlaces[i]` a list of
    [cohort index, role]; `cohorts`, `schools` and `measures` as objects shaped like
    `NetworkCohort`, `NetworkSchool` and `NetworkMeasures`. Sent gzipped to clients that
    accept it."""

    url = graphene.String(
        required=True,
        description=url_description(
            "Where to fetch the map (`contentType`, gzipped when the client accepts it). It "
            "stops working at `expiresAt`, or sooner if you lose access. The map is computed "
            "when the link is fetched.",
            rate_limited=True,
        ),
    )
    format = graphene.String(
        required=True, description="The document's layout and version: network-map/1."
    )
    content_type = graphene.String(required=True, description="The document's media type.")
    expires_at = graphene.DateTime(required=True, description="When the link stops working.")
