"""GraphQL documents and id helpers shared by the surveys API tests."""

from graphql_relay import to_global_id

ADMINISTRATION_FIELDS = """
  id title kind audience status opensAt closesAt cohortId
  invitedCount respondedCount responseRate
  viewerIsInvited viewerHasResponded viewerCanManage
  nonResponders { fullName }
  follows { id kind }
  followUps { id kind opensAt }
"""

LAUNCH = f"""
mutation($input: SurveyAdministrationLaunchInput!) {{
  surveyAdministrationLaunch(input: $input) {{
    administration {{ {ADMINISTRATION_FIELDS} }}
    followUp {{ id kind opensAt closesAt follows {{ id }} }}
    errors {{ field message code }}
  }}
}}
"""

SUBMIT = """
mutation($input: SurveyResponseSubmitInput!) {
  surveyResponseSubmit(input: $input) {
    receipt { code administration { id viewerHasResponded } }
    errors { field message code }
  }
}
"""


def gid(type_name: str, obj) -> str:
    return to_global_id(type_name, obj.pk)


def administration_id(administration) -> str:
    return gid("SurveyAdministration", administration)


def item_id(item) -> str:
    return gid("SurveyItem", item)


def person_id(person) -> str:
    return gid("Person", person)
