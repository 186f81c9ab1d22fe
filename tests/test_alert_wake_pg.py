"""An alert raised for one seat's case reaches the other seats by NOTIFY, with no timer on the way.

Three seats on one PostgreSQL: A reports an urgent case; B evaluates the alert rules, its alert
worker woken by its feed worker (which waits on LISTEN); C only reads the feed. Every poll and
pass interval is a minute, far beyond the wait: only the notifications can bring the alert to C.
"""
from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt

from console.domain.changes import ChangeKind
from console.live.alert_worker import AlertWorker
from console.live.feed_worker import FeedWorker
from console.services import alert_actions
from console.store.database import open_database
from tests import alert_city as C
from tests.alert_city import MONDAY, URGENT
from tests.pg_server import fresh_database, needs_pg

pytestmark = needs_pg
T = MONDAY.replace(hour=9)
NEVER_MS = 60_000   # no poll, no timed pass within the test: only NOTIFY wakes
WAIT_S = 15


@pytest.fixture
def seats():
    with fresh_database("console_alert_wake") as url:
        dbs = [open_database(url) for _ in range(3)]
        try:
            yield dbs
        finally:
            for db in dbs:
                db.dispose()


def test_an_alert_for_a_case_from_one_seat_is_seen_at_another_through_notify(seats, qtbot):
    a, b, c = seats
    city = C.build(a)
    feed_b = FeedWorker(b, interval_ms=NEVER_MS)
    worker_b = AlertWorker(b, interval_ms=NEVER_MS, clock=lambda: T)
    worker_b.follow(feed_b)
    feed_c = FeedWorker(c, interval_ms=NEVER_MS)
    seen: dict[int, float] = {}
    arrived = threading.Event()

    def on_c(batch) -> None:
        for row in batch.rows:
            if row.entity == ChangeKind.ALERT and row.entity_id is not None:
                seen.setdefault(row.entity_id, time.monotonic())
                arrived.set()
    feed_c.changes.connect(on_c, Qt.ConnectionType.DirectConnection)
    passes: list[object] = []
    worker_b.evaluated.connect(passes.append)
    try:
        for w in (feed_b, feed_c):
            w.start()
        qtbot.waitUntil(lambda: feed_b.seq is not None and feed_c.seq is not None, timeout=10_000)
        worker_b.start()
        qtbot.waitUntil(lambda: len(passes) >= 1, timeout=10_000)   # its pass at start

        started = time.monotonic()
        change = C.report(a, city, T, category=URGENT)
        deadline = started + WAIT_S
        urgent = []
        while not urgent:
            # Alerts of the pass at start may still arrive first: wait for the urgent case's.
            assert arrived.wait(max(0.0, deadline - time.monotonic())), \
                "seat C never heard of the urgent case's alert"
            arrived.clear()
            with c.session() as s:
                alerts = alert_actions.alerts_by_id(s, list(seen))
            urgent = [x for x in alerts
                      if x.kind == "new_urgent" and x.subject_id == change.case_id]
        print(f"case at A → alert at C: {(seen[urgent[0].id] - started) * 1000:.0f} ms")
    finally:
        worker_b.stop()
        feed_b.stop()
        feed_c.stop()
