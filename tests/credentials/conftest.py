import pytest

from credentials.services.definitions import catalogue_load


@pytest.fixture
def catalogue(db):
    """The programme's catalogue as migration 0003 loads it. Loaded again here (it is
    idempotent) because a transactional test elsewhere flushes what migrations wrote."""
    catalogue_load()
