"""The feed gap on PostgreSQL: the same store tests, on a fresh database of the test server."""
from __future__ import annotations

import pytest

from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg
# Collected again here, where `db` is PostgreSQL.
from tests.test_feed_gap import (  # noqa: F401
    test_a_read_after_its_rows_were_pruned_asks_for_a_resync,
    test_sequences_without_feed_rows_are_not_a_gap,
)

pytestmark = needs_pg


@pytest.fixture
def db():
    with fresh_database("feed_gap") as url:
        database = open_database(url)
        yield database
        database.dispose()
