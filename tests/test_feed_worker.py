"""The change-feed worker: service writes, positions and a second seat reach the GUI thread."""
from __future__ import annotations

from datetime import datetime

import pytest

from console.live.feed_worker import FeedWorker
from console.services import cases
from console.services.actor import actor_for
from console.services.positions import Fix, record_positions
from console.store import feed
from console.store.database import open_database
from console.store.models import Cell, Community, Device, District, PatrolOfficer, Street

CATEGORY = "10101"   # 上水井盖, from resources/seed/categories.csv
CELL = "110101001001001"


def add_cell(db) -> None:
    """One district → street → community → square cell, enough to report a case in."""
    with db.transaction() as s:
        # No ORM relationships between regions: flush each level so parents exist first.
        for row in (District(id=1, code="110101", name="东城区"),
                    Street(id=1, code="110101001", name="东华门街道", district_id=1),
                    Community(id=1, code="110101001001", name="多福巷社区", street_id=1)):
            s.add(row)
            s.flush()
        ring = [[116.40, 39.90], [116.401, 39.90], [116.401, 39.901], [116.40, 39.901],
                [116.40, 39.90]]
        s.add(Cell(code=CELL, community_id=1, ring=ring, centroid_lon=116.4005,
                   centroid_lat=39.9005, area_m2=10_000, min_lon=116.40, min_lat=39.90,
                   max_lon=116.401, max_lat=39.901))


def report_case(db) -> cases.CaseChange:
    with db.transaction() as s:
        # An officer's report: registered without 核实 (a citizen's would be verified first).
        return cases.report(s, actor_for(s), category_code=CATEGORY, source="patrol",
                            cell_code=CELL, description="井盖缺失")


class Recorder:
    """Everything a worker emitted. Connected through lambdas, which the connection owns, so a
    signal still queued when a test ends never reaches a freed receiver."""

    def __init__(self, worker: FeedWorker) -> None:
        self.batches, self.statuses, self.errors = [], [], []
        worker.changes.connect(lambda b: self.batches.append(b))
        worker.status.connect(lambda st: self.statuses.append(st))
        worker.error.connect(lambda e: self.errors.append(e))

    def batch(self, qtbot, predicate, timeout=5000):
        """The first batch satisfying `predicate`, waiting for it if need be."""
        qtbot.waitUntil(lambda: any(bool(predicate(b)) for b in self.batches), timeout=timeout)
        return next(b for b in self.batches if predicate(b))


def start(worker: FeedWorker, qtbot) -> Recorder:
    """Start a worker and wait until it has read its starting sequence."""
    rec = Recorder(worker)
    worker.start()
    qtbot.waitUntil(lambda: worker.seq is not None, timeout=5000)
    return rec


@pytest.fixture
def worker(db, qtbot):
    w = FeedWorker(db, interval_ms=50)
    w.rec = start(w, qtbot)
    yield w
    assert w.stop()
    assert not w.is_running()


def test_starts_at_the_present_and_delivers_a_reported_case(db, qtbot):
    add_cell(db)
    before = report_case(db)      # history: the worker must not replay it
    w = FeedWorker(db, interval_ms=50)
    rec = start(w, qtbot)
    try:
        assert w.seq == before.seq
        change = report_case(db)
        batch = rec.batch(qtbot, lambda b: b.seq >= change.seq)
        assert [r.entity_id for r in batch.rows if r.entity == "case"] == [change.case_id]
        assert batch.since == before.seq and batch.seq == change.seq > before.seq
        assert batch.rows[0].payload["status"] == "reported"
        assert all(b.seq > before.seq for b in rec.batches)
    finally:
        assert w.stop()


def test_positions_arrive_in_the_batch(db, qtbot, worker):
    with db.transaction() as s:
        s.add(PatrolOfficer(id=7, code="P007", name="王磊"))
        s.flush()
        s.add(Device(unique_id="phone-7", patrol_officer_id=7))
    with db.transaction() as s:
        record_positions(s, [Fix("phone-7", datetime(2026, 11, 26, 9, 0), 39.9005, 116.4005,
                                 speed=1.2, battery=80)])
    batch = worker.rec.batch(qtbot, lambda b: b.positions)
    [pos] = batch.positions
    assert (pos.patrol_officer_id, pos.lat, pos.lon, pos.battery) == (7, 39.9005, 116.4005, 80)


def test_a_second_seat_writing_the_same_file_is_seen(db, qtbot, worker):
    add_cell(db)
    other_seat = open_database(db.url)
    try:
        change = report_case(other_seat)
    finally:
        other_seat.dispose()
    batch = worker.rec.batch(qtbot, lambda b: b.seq >= change.seq)
    assert change.case_id in {r.entity_id for r in batch.rows}


def test_backlog_comes_as_one_coalesced_batch(db, qtbot):
    add_cell(db)
    with db.session() as s:
        start_seq = feed.current_seq(s)
    changes = [report_case(db) for _ in range(5)]   # written before the worker polls
    w = FeedWorker(db, interval_ms=50, since=start_seq)
    batches = Recorder(w).batches
    w.start()
    try:
        qtbot.waitUntil(lambda: bool(batches) and batches[-1].seq == changes[-1].seq,
                        timeout=5000)
        assert len(batches) == 1
        assert [r.entity_id for r in batches[0].rows] == [c.case_id for c in changes]
    finally:
        assert w.stop()


def test_status_reports_sequence_rate_and_health(db, qtbot, worker):
    add_cell(db)
    change = report_case(db)
    statuses = worker.rec.statuses
    qtbot.waitUntil(lambda: any(st["seq"] == change.seq for st in statuses), timeout=5000)
    status = next(st for st in statuses if st["seq"] == change.seq)
    assert status["ok"] is True
    assert status["rows_per_s"] > 0
    assert isinstance(status["last_change_at"], datetime)


def test_database_errors_are_reported_and_the_worker_recovers(db, qtbot, worker):
    add_cell(db)
    real_session = db.session

    def broken():
        raise RuntimeError("database went away")
    statuses, errors = worker.rec.statuses, worker.rec.errors
    db.session = broken
    try:
        qtbot.waitUntil(lambda: len(errors) >= 2, timeout=5000)   # it keeps retrying
    finally:
        db.session = real_session
    assert "database went away" in errors[0]
    assert any(st["ok"] is False for st in statuses)
    change = report_case(db)
    worker.rec.batch(qtbot, lambda b: b.seq >= change.seq, timeout=10_000)
    qtbot.waitUntil(lambda: statuses[-1]["ok"] is True, timeout=5000)


def test_stop_is_prompt_and_idempotent(db, qtbot):
    w = FeedWorker(db, interval_ms=10_000)   # a long sleep must not delay stopping
    start(w, qtbot)
    assert w.is_running()
    assert w.stop(timeout_ms=2000)
    assert w.stop()
    assert FeedWorker(db).stop()   # never started
