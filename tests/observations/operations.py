"""GraphQL documents the tests send, as the phone would."""

VISIT_FIELDS = """
  id status cycleNumber startsAt endsAt startsAtLocal endsAtLocal timeZone minutes room notes
  myRole revision statusReason cohortId hasReflectionSheet
  host { fullName } visitors { fullName }
  slq { question } tool { name kind }
"""

PROPOSE = f"""
mutation Propose($input: ProposeVisitInput!) {{
  proposeVisit(input: $input) {{ visit {{ {VISIT_FIELDS} }} errors {{ field code message }} }}
}}
"""


def visit_mutation(name: str, input_type: str) -> str:
    return f"""
mutation M($input: {input_type}!) {{
  {name}(input: $input) {{ visit {{ {VISIT_FIELDS} }} errors {{ field code message }} }}
}}
"""


ACCEPT = visit_mutation("acceptVisit", "VisitIdInput")
DECLINE = visit_mutation("declineVisit", "VisitReasonInput")
CANCEL = visit_mutation("cancelVisit", "VisitReasonInput")
RESCHEDULE = visit_mutation("rescheduleVisit", "RescheduleVisitInput")
COMPLETE = visit_mutation("completeVisit", "VisitIdInput")
UPDATE_PLAN = visit_mutation("updateVisitPlan", "UpdateVisitPlanInput")

SUBMIT = """
mutation Submit($input: SubmitObservationDataInput!) {
  submitObservationData(input: $input) {
    createdCount
    entries { clientId recordedAt receivedAt payload submittedBy { fullName } }
    visit { status revision entryCount dataSummary }
    errors { field code message }
  }
}
"""

WRITE_SHEET = """
mutation Write($input: WriteReflectionSheetInput!) {
  writeReflectionSheet(input: $input) {
    reflectionSheet {
      id cycleNumber slqQuestion dataSummary considerations nextSteps keepsSlq sharedWithCohort
      facilitator { fullName } host { fullName }
    }
    visit { status hasReflectionSheet }
    errors { field code message }
  }
}
"""

SHARE_SHEET = """
mutation Share($input: ShareReflectionSheetInput!) {
  shareReflectionSheet(input: $input) {
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
    ... on VisitSummary { status startsAt host { fullName } visit { id } }
    ... on StudentLearningQuestion { question }
    ... on Tool { name }
    ... on ReflectionSheet { considerations }
  }
}
"""
