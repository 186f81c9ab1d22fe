"""LISTEN/NOTIFY on PostgreSQL: a commit wakes a listening feed worker at once, and says no
more than its sequence; polling remains for SQLite and when the listener is gone."""
from __future__ import annotations

import select
import threading
import time
from datetime import datetime

import pytest
from sqlalchemy import text

from console.domain.changes import ChangeAction, ChangeKind
from console.live.feed_worker import FeedWorker
from console.store import feed, notify
from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg
from tests.test_feed_worker import add_cell, report_case

#: Far longer than any wake-up: a worker that only polled would miss every deadline below.
SLOW_POLL_MS = 10_000


@pytest.fixture(scope="module")
def pg():
    with fresh_database("console_notify") as url:
        db = open_database(url)
        add_cell(db)
        try:
            yield db
        finally:
            db.dispose()


@needs_pg
def test_a_commit_wakes_a_listening_worker_well_before_its_poll(pg, qtbot):
    worker = FeedWorker(pg, interval_ms=SLOW_POLL_MS)
    seen = threading.Event()
    at: dict[str, float] = {}

    def arrived(batch) -> None:
        if batch.rows and "seen" not in at:
            at["seen"] = time.monotonic()
            seen.set()
    worker.changes.connect(arrived)
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.seq is not None, timeout=5000)
        for _ in range(3):   # each commit must wake it, not only the first
            seen.clear()
            at.clear()
            at["commit"] = time.monotonic()
            report_case(pg)
            qtbot.waitUntil(seen.is_set, timeout=SLOW_POLL_MS // 2)
            delay = at["seen"] - at["commit"]
            assert delay < SLOW_POLL_MS / 1000
    finally:
        started = time.monotonic()
        assert worker.stop(timeout_ms=5000)   # the stop interrupts the listener's select
        assert time.monotonic() - started < SLOW_POLL_MS / 1000


def record_change(s) -> feed.Ticket:
    return feed.record(s, ChangeKind.SETTINGS, None, ChangeAction.CHANGED, datetime.now())


@needs_pg
def test_the_notification_carries_the_sequence_and_nothing_else(pg):
    listener = notify.FeedListener.open(pg.engine, "test")
    assert listener is not None and listener.connected
    raw = listener._conn
    try:
        # A rolled-back write announces nothing: the only notification is the committed one.
        with pytest.raises(RuntimeError), pg.transaction() as s:
            record_change(s)
            s.flush()
            raise RuntimeError("rolled back")
        with pg.transaction() as s:
            ticket = record_change(s)
        assert ticket.seq is not None
        # Notifications arrive in commit order: a marker sent after the writes ends the read.
        raw.cursor().execute("LISTEN console_test_marker")
        with pg.transaction() as s:
            second = record_change(s)
        with pg.engine.connect() as con:
            con.execute(text("SELECT pg_notify('console_test_marker', 'end')"))
            con.commit()
        notes: list = []
        deadline = time.monotonic() + 10
        while not any(n.channel == "console_test_marker" for n in notes):
            assert time.monotonic() < deadline, "no notification arrived"
            select.select([raw], [], [], 1.0)
            raw.poll()
            notes.extend(raw.notifies)
            raw.notifies.clear()
        feed_notes = [(n.channel, n.payload) for n in notes if n.channel == notify.CHANNEL]
        assert feed_notes == [(notify.CHANNEL, str(ticket.seq)), (notify.CHANNEL, str(second.seq))]
    finally:
        listener.close()


def test_sqlite_has_no_listener_and_polls(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        assert notify.FeedListener.open(db.engine) is None
    finally:
        db.dispose()
