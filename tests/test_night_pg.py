"""夜查 on PostgreSQL: the category windows in the hotspot and recurrence rules, the night heat
and the midnight-crossing shift through the engine, each on a fresh database."""
from __future__ import annotations

import pytest

from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg

# Collected again here, where `db` (and so `city`) is PostgreSQL.
from tests.test_night_profile import (  # noqa: F401
    city,
    test_heat_night_only,
    test_hotspot_counts_only_the_reports_inside_the_categorys_window,
    test_recurrence_counts_only_a_report_inside_the_window,
)
from tests.test_night_shift import test_end_to_end_through_the_engine_at_the_boundaries  # noqa: F401

pytestmark = needs_pg


@pytest.fixture
def db():
    with fresh_database("night") as url:
        database = open_database(url)
        yield database
        database.dispose()
