"""Validation limits that keep one request from costing the server too much.

Depth comes from graphene's validator; aliases, page sizes and cost are ours, and they run only
on documents the specification's own rules found valid (a fragment cycle or a spread of an
undefined fragment is a validation error, never a crash here).

Aliases count as executed: a fragment spread twice counts its aliases twice.

Cost counts every selected field once per object it will be resolved for. A field inside a
connection asked for `first: 50` costs 50 times; a field inside a plain list costs as many times
as that list can hold: its declared maximum (`LIST_SIZES`) or, for any other list, the
`default_list_size` limit. Nested lists multiply.

The per-minute cost budget (`charge_query_cost`) is one budget per caller, charged in one place
for every transport: `pipeline.charge`. The document rules here run in `execution.prepare`, which
the pipeline calls for HTTP and WebSocket alike.
"""

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    Undefined,
    ValidationRule,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    value_from_ast_untyped,
)
from graphql.type import GraphQLInterfaceType, GraphQLUnionType
from graphql_relay import cursor_to_offset

PAGE_ARGUMENTS = ("first", "last")

# The most items a plain list field can hold, by what the programme and the code allow. A list
# not named here counts with GRAPHQL_LIMITS["default_list_size"]. Lists of scalars (roles,
# comments) cost one field: they hold no selections to multiply.
LIST_SIZES = {
    # A cohort is a leader, 4 blue dots and 8 yellow dots by the programme; schools may aim
    # for other sizes, so allow room.
    "Cohort.members": 30,
    "Cohort.membershipHistory": 60,
    "Cohort.links": 30,
    "Cohort.meetings": 60,
    "Cohort.pendingInvitations": 30,
    "Membership.visits": 12,
    "Meeting.invitees": 30,
    "Meeting.attendance": 30,
    "Meeting.agenda": 30,
    "CohortGuidance.messages": 10,
    # A school's or a cohort's map; a district's map goes through `networkMapDownload`.
    "NetworkMap.nodes": 400,
    "NetworkMap.edges": 1200,
    "NetworkMap.cohorts": 40,
    "NetworkMap.schools": 20,
    "NetworkNode.otherPlaces": 5,
    "NetworkMeasures.mostConnecting": 10,
    "Visit.entries": 300,
    "SubmitObservationData.entries": 300,
    # An instrument has at most 60 questions (surveys/services/instruments.py MAX_QUESTIONS);
    # the programme's instruments group them in about 10 constructs of up to 12. Counting
    # every construct as holding all 60 would refuse the phone's own survey screen.
    "SurveyInstrument.items": 60,
    # A class of at most 60 students and 3 spare codes (surveys.models.MAX_CLASS_SIZE).
    "ClassSurveyLaunchPayload.codes": 63,
    "SurveyInstrument.constructs": 10,
    "SurveyInstrument.openTextItems": 10,
    "SurveyConstruct.items": 12,
    "SurveyReport.constructs": 10,
    "Query.mySurveys": 10,
    "SurveyConstructReport.items": 30,
    "SurveyConstructChange.items": 30,
    "SurveyComparison.items": 100,
    "SurveyFigures.distribution": 10,
    "SurveyScale.points": 11,
    "Query.stuckCohorts": 100,
    "Query.toolLibrary": 100,
    "Query.myStudentLearningQuestions": 100,
    # Credentials: the programme's largest definition holds 11 requirements and 12 criteria
    # (seed 000's choices, seed 004's artifacts); staff-made ones get room.
    "Credential.requirements": 15,
    "Credential.reviewCriteria": 20,
    "Credential.skills": 10,
    "Credential.prerequisites": 5,
    "Credential.resources": 10,
    "ChoiceRequirement.options": 6,
    "TextRequirement.prompts": 8,
    "RecordsRequirement.rules": 8,
    "ReviewCriterion.levels": 3,
    "Pursuit.requirements": 15,
    "Pursuit.evidence": 60,
    "Pursuit.evidenceCandidates": 20,
    "Pursuit.consents": 30,
    "Pursuit.packets": 5,
    # A school and credential give at most 5 rows of pursuit states and, for its drafts, one
    # per requirement and state reached (typically 2 or 3 per requirement): ten schools
    # pursuing eight credentials each come to about 2,000. `schoolId` narrows it.
    "Query.credentialCounts": 2000,
    "RequirementProgress.missingPeople": 12,
    "EvidenceItem.listEntries": 20,
    # A PDSA cycle is judged by a few measures (improvement.services.measures caps them at 5);
    # a measure holds at most 200 points (a school year of daily counts) and 40 notes, plus
    # one note per linked cycle. Signals are a handful; a long series flagged point by point
    # could give more, so this counts generously.
    "Pdsa.measures": 5,
    "RunChart.points": 200,
    "RunChart.signals": 60,
    "RunChart.annotations": 60,
    # One row per school of a district with any improvement work (a large district has a
    # few hundred schools); five stages each.
    "Query.improvementCounts": 500,
    "ImprovementCount.pdsaStages": 5,
    # A library entry freezes its cycle's measures (5 at most), the photos its owner chose
    # (improvement.services.library.PHOTO_LIMIT) and gathers colleagues' questions
    # (improvement.services.questions.QUESTIONS_PER_ENTRY).
    "LibraryEntry.measures": 5,
    "LibraryEntry.photos": 6,
    "LibraryEntry.questions": 200,
}
# Mutation payloads list their errors: a handful at most.
LIST_SIZE_BY_NAME = {"errors": 10, "warnings": 10}


def list_size(parent_type_name: str, field_name: str, default_list_size: int) -> int:
    """The most items `parent_type_name.field_name` (a plain list) is counted with."""
    size = LIST_SIZES.get(f"{parent_type_name}.{field_name}")
    if size is None:
        size = LIST_SIZE_BY_NAME.get(field_name, default_list_size)
    return size


def _fragments(document) -> dict:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def executed_aliases(document, operation) -> int:
    """How many aliased fields `operation` runs with its fragments expanded: a fragment spread
    twice counts twice. Memoised per fragment, so nested spreads cannot blow up the count's cost."""
    fragments = _fragments(document)
    memo: dict[str, int] = {}

    def count(selection_set, stack) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += selection.alias is not None
                if selection.selection_set is not None:
                    total += count(selection.selection_set, stack)
            elif isinstance(selection, InlineFragmentNode):
                total += count(selection.selection_set, stack)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in stack:  # invalid; the spec's rules report it
                    continue
                if name not in memo:
                    memo[name] = count(fragment.selection_set, (*stack, name))
                total += memo[name]
        return total

    return count(operation.selection_set, ())


def operation_depth(document, operation) -> int:
    """How many fields deep `operation` nests, fragments expanded (a leaf is one level). The
    same measure as graphene's depth validator, memoised per fragment: graphene's walks every
    spread again, so fragments that spread the next one twice took minutes (2**n walks)."""
    fragments = _fragments(document)
    memo: dict[str, int] = {}

    def depth(selection_set, stack) -> int:
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                levels = 1
                if selection.selection_set is not None and not selection.name.value.startswith(
                    "__"
                ):
                    levels += depth(selection.selection_set, stack)
            elif isinstance(selection, InlineFragmentNode):
                levels = depth(selection.selection_set, stack)
            else:
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in stack:  # invalid; the spec's rules report it
                    continue
                if name not in memo:
                    memo[name] = depth(fragment.selection_set, (*stack, name))
                levels = memo[name]
            deepest = max(deepest, levels)
        return deepest

    return depth(operation.selection_set, ())


def depth_limit_rule(max_depth: int) -> type[ValidationRule]:
    class DepthLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
            # Field levels below the operation; graphene's `max_depth` counts the fields above
            # the deepest one, hence the + 1.
            if operation_depth(self.context.document, node) > max_depth + 1:
                name = node.name.value if node.name else "anonymous"
                self.report_error(
                    GraphQLError(f"'{name}' exceeds maximum operation depth of {max_depth}.", node)
                )

    return DepthLimit


def alias_limit_rule(max_aliases: int) -> type[ValidationRule]:
    class AliasLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
            aliases = executed_aliases(self.context.document, node)
            if aliases > max_aliases:
                self.report_error(
                    GraphQLError(
                        f"The operation uses more than {max_aliases} aliases "
                        f"({aliases}, counting each fragment spread).",
                        node,
                        extensions={"code": "TOO_MANY_ALIASES"},
                    )
                )

    return AliasLimit


class CostTooHigh(Exception):
    pass


class CostBudgetExceeded(Exception):
    """The caller has spent its query-cost budget for this minute."""

    code = "RATE_LIMITED"

    def __init__(self, retry_after: int):
        super().__init__("Too many expensive requests; wait a minute and try again.")
        self.retry_after = retry_after


def cost_subject(user, address: str | None) -> str:
    """Whose budget: the account when signed in, else the client address."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"addr:{address or 'unknown'}"


def charge_query_cost(*, user, address: str | None, cost: int) -> None:
    """Charge `cost` to the caller's per-minute budget (GRAPHQL_LIMITS["cost_per_minute"]);
    raise CostBudgetExceeded when it is spent. HTTP and WebSocket share the same budget."""
    from django.conf import settings

    from backend.throttle import RateLimit

    budget = RateLimit("query-cost", settings.GRAPHQL_LIMITS["cost_per_minute"], 60)
    if budget.hit(cost_subject(user, address), max(cost, 1)) > budget.limit:
        raise CostBudgetExceeded(budget.retry_after())


def operation_cost(
    schema,
    document,
    operation_name: str | None,
    variables: dict | None,
    *,
    default_page_size: int,
    max_page_size: int,
    default_list_size: int = 20,
) -> int:
    """The cost of the operation that will run. Raises GraphQLError on an oversized page."""
    fragments = _fragments(document)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [op for op in operations if op.name and op.name.value == operation_name]
    if not operations:
        return 0
    operation = operations[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    # A variable the request leaves out takes the operation's default, as execution does:
    # `query($first: Int = 20)` sent without `first` asks for 20, not the server's page size.
    variables = dict(variables or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in variables and definition.default_value is not None:
            variables[name] = value_from_ast_untyped(definition.default_value)
    counter = _CostCounter(
        schema,
        fragments,
        variables,
        default_page_size=default_page_size,
        max_page_size=max_page_size,
        default_list_size=default_list_size,
    )
    return counter.unit_cost(operation.selection_set, root)


class _CostCounter:
    """Every term of a cost is linear in the multiplier of its enclosing lists, so the cost of a
    selection is computed once per unit and multiplied; a fragment's unit cost is memoised per
    parent type (a document of fragments that spread each other twice stays cheap to count)."""

    def __init__(
        self, schema, fragments, variables, *, default_page_size, max_page_size, default_list_size
    ):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size
        self.default_list_size = default_list_size
        self.memo: dict = {}

    def unit_cost(self, selection_set, parent_type, stack=()) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent_type, stack)
            elif isinstance(selection, InlineFragmentNode):
                target = parent_type
                if selection.type_condition is not None:
                    target = self.schema.get_type(selection.type_condition.name.value)
                total += self.unit_cost(
                    selection.selection_set, _concrete(target, parent_type), stack
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in stack:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value)
                target = _concrete(target, parent_type)
                key = (name, target.name)
                if key not in self.memo:
                    self.memo[key] = self.unit_cost(fragment.selection_set, target, (*stack, name))
                total += self.memo[key]
        return total

    def _field_cost(self, selection: FieldNode, parent_type, stack) -> int:
        name = selection.name.value
        if name.startswith("__"):
            return 0
        fields = getattr(parent_type, "fields", None) or {}
        field = fields.get(name)
        if field is None:
            return 0
        if selection.selection_set is None:
            return 1
        child_type = get_named_type(field.type)
        if child_type.name.endswith("Connection"):
            size = _page_size(selection, self.variables, self.default_page_size, self.max_page_size)
            times = max(size, 1)
        elif (
            is_list_type(get_nullable_type(field.type))
            and not is_leaf_type(child_type)
            # A connection's edges are already counted by its page size.
            and not parent_type.name.endswith("Connection")
        ):
            times = list_size(parent_type.name, name, self.default_list_size)
        else:
            times = 1
        return 1 + times * self.unit_cost(selection.selection_set, child_type, stack)


def _concrete(target, fallback):
    if isinstance(target, GraphQLObjectType | GraphQLInterfaceType):
        return target
    if isinstance(target, GraphQLUnionType):
        return fallback
    return fallback


def _argument_value(node, variables):
    """The argument's value; an omitted variable counts as not given (its default applies)."""
    value = value_from_ast_untyped(node, variables)
    return None if value is Undefined else value


def _page_size(field: FieldNode, variables, default_page_size, max_page_size) -> int:
    size = None
    given = {
        argument.name.value: _argument_value(argument.value, variables)
        for argument in field.arguments
    }
    # graphene-django asserts on these combinations; refuse them here with a clear message.
    if given.get("offset") is not None and given.get("before") is not None:
        raise GraphQLError(
            f"`offset` and `before` cannot be used together on `{field.name.value}`.",
            field,
            extensions={"code": "BAD_REQUEST"},
        )
    # graphene-django adds `offset` to the decoded cursor without checking it decodes.
    for name in ("after", "before"):
        cursor = given.get(name)
        if cursor is not None and (not isinstance(cursor, str) or cursor_to_offset(cursor) is None):
            raise GraphQLError(
                f"`{name}` on `{field.name.value}` is not a cursor from this list.",
                field,
                extensions={"code": "BAD_REQUEST"},
            )
    offset = given.get("offset")
    if offset is not None and (not isinstance(offset, int) or offset < 0):
        raise GraphQLError(
            f"`offset` on `{field.name.value}` must be zero or more.",
            field,
            extensions={"code": "BAD_REQUEST"},
        )
    for argument in field.arguments:
        if argument.name.value in PAGE_ARGUMENTS:
            value = _argument_value(argument.value, variables)
            if value is None:
                continue
            if not isinstance(value, int) or value < 0:
                raise GraphQLError(
                    f"`{argument.name.value}` on `{field.name.value}` must be a positive number.",
                    field,
                    extensions={"code": "BAD_REQUEST"},
                )
            if value > max_page_size:
                raise GraphQLError(
                    f"`{argument.name.value}: {value}` on `{field.name.value}` is larger than the "
                    f"page size limit of {max_page_size}.",
                    field,
                    extensions={"code": "PAGE_SIZE_EXCEEDED"},
                )
            size = value if size is None else max(size, value)
    return default_page_size if size is None else size
