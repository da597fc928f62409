"""What every PostgreSQL connection of the service is set up with."""

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import postgres_only

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db]


def current(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_jit_is_off_so_short_queries_do_not_pay_for_compiling():
    assert current("jit") == "off"


def test_a_runaway_statement_has_a_time_limit():
    options = settings.DATABASES["default"]["OPTIONS"]["options"]
    assert "statement_timeout=" in options
    assert current("statement_timeout") not in ("0", "")
