"""The phone API on PostgreSQL: the same tests, each on a fresh database of the test server."""
from __future__ import annotations

import pytest

from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg

# Collected again here, where `db` (and so `city` and `field`) is PostgreSQL.
from tests.test_field_api import (  # noqa: F401
    failing_commit,
    field,
    test_a_report_whose_commit_fails_leaves_no_photo,
    test_an_answer_whose_commit_fails_leaves_no_photo,
    test_an_upload_without_a_session_is_refused_before_its_body_is_read,
    test_a_check_is_listed_and_answered_with_a_photo,
    test_a_password_with_a_lone_surrogate_is_a_failed_sign_in,
    test_a_receipt_kept_before_digests_is_replayed_whatever_the_content,
    test_a_report_key_reused_for_an_answer_is_refused,
    test_a_report_lands_in_the_intake_queue_as_the_officer,
    test_a_reused_key_with_another_content_is_refused_not_replayed,
    test_bad_answers_are_refused,
    test_bad_reports_are_refused_and_write_nothing,
    test_categories_and_where,
    test_expired_revoked_and_deactivated_sessions_are_refused,
    test_garbage_bodies_and_tokens_are_refused_without_a_fault,
    test_shift_counts_the_officers_reports_today,
    test_sign_in_gives_a_hashed_session_and_sign_out_ends_it,
    test_the_centres_file_tiles_are_served_to_the_page,
    test_the_same_idempotency_key_never_makes_a_second_case,
    test_the_shift_screen_has_the_officers_figures_this_month,
)
from tests.test_field_console import (  # noqa: F401
    test_a_leader_sees_the_phones_and_signs_one_out,
    zh,
)

pytestmark = needs_pg


@pytest.fixture
def db():
    with fresh_database("field") as url:
        database = open_database(url)
        yield database
        database.dispose()
