import pytest

from tests.conftest import top_level_codes
from tests.observations.operations import SET_BELLS

pytestmark = pytest.mark.django_db


def test_only_teacher_leaders_set_the_bell_schedule(api_for, teacher):
    body = api_for(teacher).post_graphql(SET_BELLS, {"input": {"periods": []}})

    assert top_level_codes(body) == ["FORBIDDEN"]
