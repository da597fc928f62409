"""Fixtures for the cohorts tests: a full network at the `school` fixture's school."""

import pytest
from graphql_relay import from_global_id, to_global_id

from .factories import build_cohort


def gid(obj) -> str:
    """The global id of a model instance, as the API spells it."""
    names = {
        "cohort": "Cohort",
        "membership": "Membership",
        "blueyellowlink": "BlueYellowLink",
        "meeting": "Meeting",
        "agendaitem": "AgendaItem",
        "protocol": "Protocol",
        "user": "Person",
        "school": "School",
        "cohortinvitation": "CohortInvitation",
    }
    return to_global_id(names[obj._meta.model_name], obj.pk)


def pk(global_id: str) -> int:
    return int(from_global_id(global_id)[1])


@pytest.fixture
def network(leader):
    """The programme's shape: `leader` with 4 blue dots and 8 assigned yellow dots."""
    return build_cohort(leader=leader)


@pytest.fixture
def printable_urls(settings):
    # backend/urls.py does not include cohorts.urls yet (the lead adds the line).
    settings.ROOT_URLCONF = "tests.cohorts.urls"
