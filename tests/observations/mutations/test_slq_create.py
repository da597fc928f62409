import pytest

from tests.observations.conftest import gid
from tests.observations.operations import SLQ_FIELDS as FIELDS

pytestmark = pytest.mark.django_db

CREATE = f"""
mutation C($input: StudentLearningQuestionCreateInput!) {{
  studentLearningQuestionCreate(input: $input) {{
    studentLearningQuestion {{ {FIELDS} }} errors {{ field code }}
  }}
}}
"""
MINE = f"""
query Mine($all: Boolean) {{ myStudentLearningQuestions(includeRetired: $all) {{ {FIELDS} }} }}
"""


def test_a_host_writes_replaces_and_lists_questions(api_for, host, visitor):
    api = api_for(host)
    first = api.data(
        CREATE,
        {
            "input": {
                "areaOfFocus": "Talk",
                "question": "Who explains their thinking?",
                "craftedWithId": gid("Person", visitor),
            }
        },
    )["studentLearningQuestionCreate"]["studentLearningQuestion"]
    second = api.data(
        CREATE,
        {
            "input": {
                "areaOfFocus": "Talk",
                "question": "How do they explain?",
                "replacesId": first["id"],
            }
        },
    )["studentLearningQuestionCreate"]["studentLearningQuestion"]

    assert first["craftedWith"] == {"fullName": "Victor Visitor"}
    assert second["replaces"] == {"question": "Who explains their thinking?"}
    assert [q["question"] for q in api.data(MINE)["myStudentLearningQuestions"]] == [
        "How do they explain?"
    ]
    assert len(api.data(MINE, {"all": True})["myStudentLearningQuestions"]) == 2
