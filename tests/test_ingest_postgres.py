"""The intake on PostgreSQL: the same tests, each on a fresh database of the test server."""
from __future__ import annotations

import pytest

from console.store.database import open_database
from tests.ingest_app import intake  # noqa: F401  (fixture)
from tests.pg_server import fresh_database, needs_pg
# Collected again here, where `db` (and so `city` and `intake`) is PostgreSQL.
from tests.test_ingest_protocol import (  # noqa: F401
    test_json_post_of_traccar_client,
    test_unknown_device_is_refused_as_traccar_does_and_listed,
)
from tests.test_ingest_keep import (  # noqa: F401
    test_a_feed_chunk_never_splits_a_transaction,
    test_a_late_buffer_is_checked_within_itself_not_against_newer_fixes,
    test_an_impossible_jump_is_kept_marked_and_its_device_suspect,
    test_extras_are_stored_with_the_fix,
    test_feed_rows_are_pruned_by_whole_transactions_after_the_window,
    test_history_is_pruned_in_chunks_with_writes_between_them,
)
from tests.test_ingest_refusals import (  # noqa: F401
    test_a_device_disabled_after_its_answer_costs_only_its_own_fixes,
    test_a_full_queue_answers_503_and_loses_nothing_accepted,
    test_write_fixes_writes_the_known_and_reports_the_rest,
)
from tests.test_ingest_serve import (  # noqa: F401
    test_devices_add_list_disable,
    test_serve_takes_fixes_and_writes_them_all_on_sigterm,
)

pytestmark = needs_pg


@pytest.fixture
def db():
    with fresh_database("ingest") as url:
        database = open_database(url)
        yield database
        database.dispose()
