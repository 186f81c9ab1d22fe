"""核实 and the centre's clock on PostgreSQL: the same tests, each on a fresh database."""
from __future__ import annotations

import pytest

from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg

# Collected again here, where `db` (and so `city`) is PostgreSQL.
from tests.test_verification import (  # noqa: F401
    test_a_hotline_report_is_verified_then_registered_on_the_centres_clock,
    test_centre_limits_raise_near_and_overdue_alerts,
    test_not_confirmed_cancels_the_case_with_the_reason,
    test_on_time_verification_and_the_dispatchers_correct_dispatch_rate,
    test_patrol_reports_and_unlisted_sources_register_without_verification,
    test_the_alert_engine_raises_and_clears_the_centres_own_limits,
    test_the_desk_lists_the_new_actions_and_suggests_officers,
    test_the_officer_answers_on_the_phone_with_photos,
    test_the_phone_refutes_and_a_bad_result_is_refused,
    test_who_may_send_and_answer,
    verified_sources,
)

pytestmark = needs_pg


@pytest.fixture
def db():
    with fresh_database("verify") as url:
        database = open_database(url)
        yield database
        database.dispose()
