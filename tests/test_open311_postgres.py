"""Open311 on PostgreSQL: the same tests, each on a fresh database of the test server."""
from __future__ import annotations

import pytest

from console.store.database import open_database
from tests.open311_app import o311  # noqa: F401  (fixture)
from tests.pg_server import fresh_database, needs_pg
# Collected again here, where `db` (and so `city` and `o311`) is PostgreSQL.
from tests.test_open311_api import (  # noqa: F401
    test_a_post_is_a_numbered_public_case_in_the_intake_queue,
    test_bad_posts_are_refused_in_the_error_form_and_write_nothing,
    test_get_requests_filters_and_the_ninety_day_window,
    test_workflow_states_map_to_open_and_closed,
)
from tests.test_open311_photo_commit import (  # noqa: F401
    test_a_report_whose_commit_fails_leaves_no_photo,
    test_a_staged_photo_is_named_at_commit_and_dropped_on_rollback,
)
from tests.test_open311_serve import (  # noqa: F401
    test_every_method_in_both_formats_against_serve,
    test_open311_keys_issue_list_revoke_reissue,
)

pytestmark = needs_pg


@pytest.fixture
def db():
    with fresh_database("open311") as url:
        database = open_database(url)
        yield database
        database.dispose()
