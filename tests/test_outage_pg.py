"""A seat whose network to PostgreSQL is cut mid-run: it says so at once, a write in flight is
either saved once or refused as "try again" with nothing saved, and once the network is back
its feed goes on from its last sequence and delivers every change made meanwhile exactly once.

The cut is a loopback relay between the seat and the shared test server (tests/outage_proxy.py):
another client, connected directly, keeps committing while the seat is cut off.
"""
from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from console.common.messages import describe_error, is_busy
from console.domain.changes import ChangeKind
from console.live.feed_worker import FeedWorker
from console.live.tasks import TaskRunner, is_connection_lost
from console.services import cases
from console.services.actor import actor_for
from console.store.database import open_database
from console.store.models import Case
from console.ui.outage_banner import OutageBanner
from tests.outage_proxy import cuttable_proxy
from tests.pg_server import fresh_database, needs_pg
from tests.test_feed_worker import CATEGORY, CELL, add_cell, report_case

PENDING_TEXT = "待保存的上报：井盖松动"


def report(s, description: str) -> int:
    return cases.report(s, actor_for(s), category_code=CATEGORY, source="hotline",
                        cell_code=CELL, description=description).case_id


def saved(db, description: str) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Case)
                        .where(Case.description == description))


@pytest.fixture
def centre(monkeypatch):
    """(the seat's database, reached through a cuttable relay; a direct database; the relay)."""
    monkeypatch.setenv("CITY_CONSOLE_APPLICATION_NAME", "outage-test-seat")
    with fresh_database("console_outage") as url:
        direct = open_database(url)
        add_cell(direct)
        u = make_url(url)
        with cuttable_proxy(u.host or "localhost", u.port or 5432) as proxy:
            seat = open_database(u.set(host="127.0.0.1", port=proxy.port)
                                 .render_as_string(hide_password=False), upgrade=False)
            try:
                yield seat, direct, proxy
            finally:
                seat.dispose()
                direct.dispose()


@needs_pg
def test_a_cut_seat_says_so_keeps_the_write_and_catches_up_once(centre, qtbot):
    seat, direct, proxy = centre
    worker = FeedWorker(seat, interval_ms=100)
    runner = TaskRunner(seat)
    banner = OutageBanner()
    qtbot.addWidget(banner)
    worker.connection_lost.connect(banner.connection_lost)
    worker.connection_back.connect(banner.connection_back)
    runner.connection_lost.connect(banner.connection_lost)
    lost, back, runner_lost, delivered = [], [], [], []
    worker.connection_lost.connect(lambda since: lost.append(since))
    worker.connection_back.connect(lambda: back.append(True))
    runner.connection_lost.connect(lambda: runner_lost.append(True))
    worker.changes.connect(lambda b: delivered.extend(
        r.entity_id for r in b.rows if r.entity == ChangeKind.CASE))
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.seq is not None, timeout=5000)
        before = report_case(direct).case_id   # seen live before the cut
        qtbot.waitUntil(lambda: before in delivered, timeout=5000)

        # A write is in flight on the seat (flushed, not committed) when the network goes.
        inside, gate, answer = threading.Event(), threading.Event(), {}

        def pending(s) -> int:
            case_id = report(s, PENDING_TEXT)
            s.flush()
            inside.set()
            gate.wait(10)
            return case_id
        runner.run(pending, on_done=lambda r: answer.setdefault("done", r),
                   on_error=lambda e: answer.setdefault("error", e))
        qtbot.waitUntil(inside.is_set, timeout=5000)
        proxy.cut()
        meanwhile = [report_case(direct).case_id for _ in range(3)]
        gate.set()
        qtbot.waitUntil(lambda: bool(answer), timeout=10_000)
        qtbot.waitUntil(lambda: bool(lost), timeout=5000)
        assert not banner.isHidden()
        assert f"{lost[0]:%H:%M:%S}" in banner.label.text()

        # The commit is sent after the cut, so it cannot have been saved: the seat must say
        # "try again", not "done" and not a refusal.
        assert "error" in answer, answer
        exc = answer["error"]
        assert is_connection_lost(exc)        # a fault of the connection, not a refusal
        assert is_busy(exc)                   # the form offers to try again
        assert "kept" in describe_error(exc)  # and says what was entered is kept
        assert runner_lost
        assert saved(direct, PENDING_TEXT) == 0

        # While cut off the seat reads nothing; the changes wait in the feed.
        assert not set(meanwhile) & set(delivered)
        proxy.restore()
        qtbot.waitUntil(lambda: bool(back), timeout=15_000)
        assert banner.isHidden()
        # "Try again" with the same input, now that the server answers.
        meanwhile.append(runner.run_and_wait(lambda s: report(s, PENDING_TEXT)))
        after = report_case(direct).case_id
        qtbot.waitUntil(lambda: after in delivered, timeout=5000)
        assert saved(direct, PENDING_TEXT) == 1
        counts = Counter(delivered)
        assert all(counts[c] == 1 for c in [before, *meanwhile, after]), counts
    finally:
        assert worker.stop()
        runner.wait(5000)
