"""GraphQL documents the tests send, as the phone would, and the helpers that send them."""

from graphql_relay import to_global_id

from observations.tool_kinds import to_stored_form

VISIT_FIELDS = """
  id status cycleNumber room notes
  when { startsAt endsAt timeZone date startTime endDate endTime minutes }
  myRole revision statusReason cohortId hasReflectionSheet
  host { fullName } visitors { fullName }
  slq { question } tool { name kind }
"""

PROPOSE = f"""
mutation Propose($input: VisitProposeInput!) {{
  visitPropose(input: $input) {{ visit {{ {VISIT_FIELDS} }} errors {{ field code message }} }}
}}
"""


def visit_mutation(name: str, input_type: str) -> str:
    return f"""
mutation M($input: {input_type}!) {{
  {name}(input: $input) {{ visit {{ {VISIT_FIELDS} }} errors {{ field code message }} }}
}}
"""


ACCEPT = visit_mutation("visitAccept", "VisitAcceptInput")
DECLINE = visit_mutation("visitDecline", "VisitDeclineInput")
CANCEL = visit_mutation("visitCancel", "VisitCancelInput")
RESCHEDULE = visit_mutation("visitReschedule", "VisitRescheduleInput")
COMPLETE = visit_mutation("visitComplete", "VisitCompleteInput")
UPDATE_PLAN = visit_mutation("visitPlanUpdate", "VisitPlanUpdateInput")

DEFINITION_FIELDS = """
  __typename
  ... on ScriptingDefinition { prompts }
  ... on TallyDefinition { categories { key label } studentGroups { key label } }
  ... on SeatingChartDefinition { layout seats { key label x y } marks { key label } }
  ... on ChecklistDefinition { items { key label } }
  ... on TimedIntervalSweepDefinition { intervalMinutes behaviours { key label } sweeps }
"""
ENTRY_FIELDS = """
  __typename
  ... on ScriptingEntry { at text student }
  ... on TallyEntry { at category group count }
  ... on SeatingChartEntry { at seat mark note }
  ... on ChecklistEntry { item checked note at }
  ... on TimedIntervalSweepEntry { sweep behaviour students }
"""
SUMMARY_FIELDS = """
  __typename
  ... on ScriptingSummary {
    entryCount skippedEntries firstAt lastAt entriesPerStudent { student count }
  }
  ... on TallySummary {
    entryCount skippedEntries total perCategory { key count } perGroup { key count }
    perGroupAndCategory { group perCategory { key count } }
  }
  ... on SeatingChartSummary {
    entryCount skippedEntries perSeat { seat perMark { key count } } perMark { key count }
    seatsMarked seatsNeverMarked
  }
  ... on ChecklistSummary {
    entryCount skippedEntries itemCount checkedCount checked unchecked notes { item notes }
  }
  ... on TimedIntervalSweepSummary {
    entryCount skippedEntries intervalMinutes averageShare { key share }
    sweeps { sweep minute observed totalStudents students { key count } share { key share } }
  }
"""


def as_stored(value):
    """A typed definition or entry from the API as the stored (snake_case) JSON, to compare."""
    return to_stored_form({k: v for k, v in value.items() if k != "__typename"})


SUBMIT = f"""
mutation Submit($input: ObservationDataSubmitInput!) {{
  observationDataSubmit(input: $input) {{
    createdCount
    entries {{
      clientId recordedAt receivedAt payload {{ {ENTRY_FIELDS} }} submittedBy {{ fullName }}
    }}
    visit {{ status revision entryCount dataSummary {{ {SUMMARY_FIELDS} }} }}
    errors {{ field code message }}
  }}
}}
"""

WRITE_SHEET = f"""
mutation Write($input: ReflectionSheetWriteInput!) {{
  reflectionSheetWrite(input: $input) {{
    reflectionSheet {{
      id cycleNumber slqQuestion dataSummary {{ {SUMMARY_FIELDS} }} considerations nextSteps
      keepsSlq sharedWithCohort facilitator {{ fullName }} host {{ fullName }}
    }}
    visit {{ status hasReflectionSheet }}
    errors {{ field code message }}
  }}
}}
"""

SHARE_SHEET = """
mutation Share($input: ReflectionSheetShareInput!) {
  reflectionSheetShare(input: $input) {
    reflectionSheet { id sharedWithCohort sharedAt }
    errors { field code message }
  }
}
"""

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    id
    ... on Visit { status notes slq { question } }
    ... on VisitSummary { status when { startsAt } host { fullName } visit { id } }
    ... on StudentLearningQuestion { question }
    ... on Tool { name }
    ... on ReflectionSheet { considerations }
  }
}
"""

SET_BELLS = """
mutation B($input: BellScheduleSetInput!) {
  bellScheduleSet(input: $input) { bellPeriods { id name startTime endTime } errors { field code } }
}
"""
SET_MINE = """
mutation T($input: TimetableSetInput!) {
  timetableSet(input: $input) {
    periods { weekday startTime endTime kind label bellPeriod { name } }
    errors { field code }
  }
}
"""

TOOL_FIELDS = f"""
  id name kind sharing definition {{ {DEFINITION_FIELDS} }} isLibraryTool isMine exampleQuestions
  copiedFrom {{ name }} slq {{ question }}
"""
UPDATE_TOOL = f"""
mutation U($input: ToolUpdateInput!) {{
  toolUpdate(input: $input) {{ tool {{ {TOOL_FIELDS} }} errors {{ field code message }} }}
}}
"""

SLQ_FIELDS = "id areaOfFocus question isRetired craftedWith { fullName } replaces { question }"


def when(start="09:00", day="2026-03-03", minutes=45):
    return {"date": day, "startTime": start, "minutes": minutes}


def propose(api, host, **extra):
    """Propose a visit to `host` on Tuesday at 09:00 for 45 minutes; the payload."""
    variables = {
        "input": {
            "hostId": to_global_id("Person", host.pk),
            "when": when(),
            "cycleNumber": 1,
            **extra,
        }
    }
    return api.data(PROPOSE, variables)["visitPropose"]
