"""Callers' numbers masked on PostgreSQL: the same tests, each on a fresh database."""
from __future__ import annotations

import pytest

from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg

# Collected again here, where `db` (and so `city`) is PostgreSQL.
from tests.test_privacy import (  # noqa: F401
    test_a_frontage_owners_mobile_is_masked_like_a_callers,
    test_a_rework_reason_is_masked_like_the_note,
    test_a_short_number_of_the_cases_own_caller_is_masked_in_every_read,
    test_a_user_moved_off_the_desk_sees_masked_numbers_on_the_next_read,
    test_dispute_reasons_are_masked_in_rulings_precedents_the_agenda_and_its_export,
    test_every_role_sees_the_number_as_the_table_says,
    test_joint_part_replies_are_masked_for_every_seat_without_the_number,
    test_the_detail_masks_the_description_and_the_timeline_too,
    test_the_public_the_field_the_wall_and_exports_never_see_a_number,
    world,
)

pytestmark = needs_pg


@pytest.fixture
def db():
    with fresh_database("privacy") as url:
        database = open_database(url)
        yield database
        database.dispose()
