"""A seat that hears commits through LISTEN polls only as a fallback, and reads a burst of
notifications once: its feed reads follow its own clock, not the number of seats writing."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import event

from console.live.feed_worker import FeedWorker
from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg
from tests.test_feed_worker import add_cell, report_case

pytestmark = needs_pg
FAST_POLL_MS = 50   # what the seat asks for: 20 polls a second without a listener


@pytest.fixture
def pg():
    with fresh_database("console_listening") as url:
        db = open_database(url)
        add_cell(db)
        try:
            yield db
        finally:
            db.dispose()


def feed_reads(db):
    """The feed reads the worker's thread makes (each begins with the counter)."""
    reads: list[int] = []
    main = threading.get_ident()

    def seen(conn, cursor, statement, *args) -> None:
        if "FROM feed_counter" in statement and "id = 1" in statement.replace("%(id_1)s", "1") \
                and threading.get_ident() != main:
            reads.append(1)
    event.listen(db.engine, "before_cursor_execute", seen)
    return reads, lambda: event.remove(db.engine, "before_cursor_execute", seen)


def test_an_idle_listening_seat_polls_about_once_a_second(pg, qtbot):
    worker = FeedWorker(pg, interval_ms=FAST_POLL_MS)
    statuses: list[dict] = []
    batches: list = []
    worker.status.connect(statuses.append)
    worker.changes.connect(batches.append)
    reads, forget = feed_reads(pg)
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.seq is not None and worker._listener is not None
                        and worker._listener.connected, timeout=5000)
        first, seen = len(statuses), len(reads)
        qtbot.waitUntil(lambda: len(statuses) >= first + 3, timeout=10_000)   # ~3 s of quiet
        idle = len(reads) - seen
        # Polling every 50 ms would be about 60 reads; listening, about one per status.
        assert idle <= 3 + 3, idle
        report_case(pg)   # and a commit still arrives (test_notify.py: at once, by NOTIFY)
        qtbot.waitUntil(lambda: any(b.rows for b in batches), timeout=5000)
    finally:
        forget()
        assert worker.stop()
