import pytest

from tests.observations.conftest import gid
from tests.observations.operations import SLQ_FIELDS as FIELDS

pytestmark = pytest.mark.django_db

UPDATE = f"""
mutation U($input: StudentLearningQuestionUpdateInput!) {{
  studentLearningQuestionUpdate(input: $input) {{
    studentLearningQuestion {{ {FIELDS} }} errors {{ field code }}
  }}
}}
"""


def test_the_peer_sees_it_but_cannot_change_it(api_for, host, visitor, slq):
    payload = api_for(visitor).data(
        UPDATE, {"input": {"slqId": gid("StudentLearningQuestion", slq), "question": "Mine"}}
    )["studentLearningQuestionUpdate"]

    assert payload["errors"] == [{"field": "slqId", "code": "NOT_SLQ_HOST"}]
    changed = api_for(host).data(
        UPDATE, {"input": {"slqId": gid("StudentLearningQuestion", slq), "question": "Whom?"}}
    )["studentLearningQuestionUpdate"]
    assert changed["studentLearningQuestion"]["question"] == "Whom?"


def test_someone_else_cannot_see_it(api_for, outsider, slq):
    payload = api_for(outsider).data(
        UPDATE, {"input": {"slqId": gid("StudentLearningQuestion", slq), "question": "x"}}
    )["studentLearningQuestionUpdate"]

    assert payload["errors"] == [{"field": "slqId", "code": "NOT_FOUND"}]
