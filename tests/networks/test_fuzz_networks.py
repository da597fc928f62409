"""The map fields under property-based fuzzing: whatever a signed-in caller sends, no 5xx and no
INTERNAL_SERVER_ERROR (scopes that are half-filled, explicit nulls, odd dates and sizes)."""

import pytest
from hypothesis import given
from hypothesis_graphql import Mode, from_schema

from tests.backend.test_fuzz import FUZZ, SDL, UPLOAD, assert_well_formed, post

FIELDS = ["networkMap", "stuckCohorts", "networkMapImage"]


@pytest.mark.django_db
@pytest.mark.urls("tests.networks.urls")
@FUZZ
@given(query=from_schema(SDL, fields=FIELDS, custom_scalars=UPLOAD, mode=Mode.POSITIVE))
def test_map_fields_never_fail_the_server(client, token, query):
    assert_well_formed(post(client, query, token))


@pytest.fixture
def token(db):
    from backend.accounts.services.tokens import access_token_issue
    from tests.factories import CoordinatorFactory

    _token, raw = access_token_issue(user=CoordinatorFactory(), device_name="fuzz")
    return raw
