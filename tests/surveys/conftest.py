"""Fixtures for the surveys tests: a leader's cohort of twelve peers and the shipped instruments."""

import pytest

from surveys.instrument_library import CONFIDENCE_SURVEY, TRUST_AND_LEARNING_CULTURE

from .factories import cohort_with_peers, shipped


@pytest.fixture
def group(leader):
    """(cohort, peers): the leader's learning group of twelve."""
    return cohort_with_peers(leader=leader)


@pytest.fixture
def cohort(group):
    return group[0]


@pytest.fixture
def peers(group):
    return group[1]


@pytest.fixture
def trust(db):
    return shipped(TRUST_AND_LEARNING_CULTURE.key)


@pytest.fixture
def confidence(db):
    return shipped(CONFIDENCE_SURVEY.key)
