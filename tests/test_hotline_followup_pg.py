"""The hotline follow-up on PostgreSQL: the same tests, each on a fresh database."""
from __future__ import annotations

import pytest

from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg

# Collected again here, where `db` (and so `city`) is PostgreSQL.
from tests.test_hotline_followup import (  # noqa: F401
    test_a_closed_hotline_case_is_called_back_within_24_clock_hours,
    test_a_declined_rework_leaves_the_case_closed,
    test_a_repeat_call_is_linked_by_the_number_of_another_caller_too,
    test_an_answer_is_recorded_once_audited_and_fed,
    test_caller_history_counts_calls_and_open_cases,
    test_not_satisfied_reopens_only_with_the_leaders_consent,
    test_patrol_reports_and_callers_without_a_number_are_not_called_back,
    test_the_sources_and_the_working_time_clock_are_shared_settings,
    test_two_seats_answering_one_call_back_one_wins,
)

pytestmark = needs_pg


@pytest.fixture
def db():
    with fresh_database("hotline") as url:
        database = open_database(url)
        yield database
        database.dispose()
