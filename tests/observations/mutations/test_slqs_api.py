import pytest

from tests.observations.conftest import gid

pytestmark = pytest.mark.django_db

FIELDS = "id areaOfFocus question isRetired craftedWith { fullName } replaces { question }"
CREATE = f"""
mutation C($input: CreateStudentLearningQuestionInput!) {{
  createStudentLearningQuestion(input: $input) {{
    studentLearningQuestion {{ {FIELDS} }} errors {{ field code }}
  }}
}}
"""
UPDATE = f"""
mutation U($input: UpdateStudentLearningQuestionInput!) {{
  updateStudentLearningQuestion(input: $input) {{
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
    )["createStudentLearningQuestion"]["studentLearningQuestion"]
    second = api.data(
        CREATE,
        {
            "input": {
                "areaOfFocus": "Talk",
                "question": "How do they explain?",
                "replacesId": first["id"],
            }
        },
    )["createStudentLearningQuestion"]["studentLearningQuestion"]

    assert first["craftedWith"] == {"fullName": "Victor Visitor"}
    assert second["replaces"] == {"question": "Who explains their thinking?"}
    assert [q["question"] for q in api.data(MINE)["myStudentLearningQuestions"]] == [
        "How do they explain?"
    ]
    assert len(api.data(MINE, {"all": True})["myStudentLearningQuestions"]) == 2


def test_the_peer_sees_it_but_cannot_change_it(api_for, host, visitor, slq):
    payload = api_for(visitor).data(
        UPDATE, {"input": {"slqId": gid("StudentLearningQuestion", slq), "question": "Mine"}}
    )["updateStudentLearningQuestion"]

    assert payload["errors"] == [{"field": "slqId", "code": "NOT_SLQ_HOST"}]
    changed = api_for(host).data(
        UPDATE, {"input": {"slqId": gid("StudentLearningQuestion", slq), "question": "Whom?"}}
    )["updateStudentLearningQuestion"]
    assert changed["studentLearningQuestion"]["question"] == "Whom?"


def test_someone_else_cannot_see_it(api_for, outsider, slq):
    payload = api_for(outsider).data(
        UPDATE, {"input": {"slqId": gid("StudentLearningQuestion", slq), "question": "x"}}
    )["updateStudentLearningQuestion"]

    assert payload["errors"] == [{"field": "slqId", "code": "NOT_FOUND"}]
