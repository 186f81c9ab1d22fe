"""The live simulator drives the city through the services."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from console.domain import workflow
from console.domain.patrol_state import in_shift, minutes_to_shift_end
from console.sim.demo import build_demo
from console.sim.simulator import SimCore, Simulator
from console.store import feed
from console.store.models import Case, CaseEvent, LatestPosition, Position

T0 = datetime(2026, 11, 23, 9, 0)   # a Monday morning: day shifts on duty, reports flowing


@pytest.fixture
def demo_db(db):
    build_demo(db, seed=5, cells=400, cases=2500, now=T0)
    return db


def test_one_simulated_hour_moves_the_whole_workflow(demo_db):
    core = SimCore(demo_db, seed=5, speed=10)
    with demo_db.session() as s:
        seq_before = feed.current_seq(s)
    for second in range(0, 3600, 10):
        core.tick(T0 + timedelta(seconds=second))
    with demo_db.session() as s:
        actions = dict(s.execute(select(CaseEvent.action, func.count())
                                 .where(CaseEvent.at >= T0).group_by(CaseEvent.action)).all())
        fixes = s.scalar(select(func.count()).select_from(Position))
        latest = s.scalar(select(func.count()).select_from(LatestPosition))
        batch = feed.changes_since(s, seq_before)
        touched = s.scalars(select(Case).where(Case.updated_at >= T0)).all()
        for case in touched:
            events = [(e.action, e.data, e.at) for e in case.events]
            state = workflow.replay(events[0][1]["category_code"], events)
            assert (state.status.value, state.version, state.department_id, state.deadline) == \
                (case.status, case.version, case.department_id, case.deadline), case.number
    for action in ("report", "request_verify", "confirm", "register", "dispatch",
                   "mark_handled", "request_check", "close"):
        assert actions.get(action, 0) > 0, (action, actions)
    assert fixes > 0 and latest > 0
    # Every case change reached the feed; positions are read from the latest-position table.
    case_rows = [r for r in batch.rows if r.entity == "case"]
    assert len(case_rows) == sum(actions.values())
    assert batch.positions and batch.seq > seq_before


def test_patrol_positions_stay_near_their_grid_and_walk_at_walking_pace(demo_db):
    core = SimCore(demo_db, seed=5, speed=10)
    for second in range(0, 120, 5):
        core.tick(T0 + timedelta(seconds=second))
    with demo_db.session() as s:
        rows = s.execute(select(Position.patrol_officer_id, Position.at, Position.speed)).all()
    assert rows
    assert all(r.speed is None or r.speed <= 2.0 for r in rows)
    on_duty = {r.patrol_officer_id for r in rows}
    expected = {w.officer_id for w in core.walkers
                if in_shift(*w.shift, T0) and w.habit != "leaver"}
    assert expected <= on_duty


@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 11, 23, 6, 59), False),
    (datetime(2026, 11, 23, 7, 0), True),
    (datetime(2026, 11, 23, 14, 59), True),
    (datetime(2026, 11, 23, 15, 0), False),
])
def test_day_shift_bounds(now, expected):
    assert in_shift("0123456", "07:00", "15:00", now) is expected


def test_overnight_shift_belongs_to_the_day_it_started():
    # A Friday-only night shift 23:00–07:00 covers Saturday 03:00, not Friday 03:00.
    assert in_shift("4", "23:00", "07:00", datetime(2026, 11, 28, 3, 0))
    assert not in_shift("4", "23:00", "07:00", datetime(2026, 11, 27, 3, 0))
    assert in_shift("4", "23:00", "07:00", datetime(2026, 11, 27, 23, 30))
    assert minutes_to_shift_end("07:00", datetime(2026, 11, 27, 23, 30)) == 450


def test_background_simulator_writes_and_stops(demo_db):
    sim = Simulator(demo_db, seed=5, speed=50)
    with demo_db.session() as s:
        before = s.scalar(select(func.count()).select_from(Position))
    sim.start()
    try:
        waiter = threading.Event()
        for _ in range(200):
            with demo_db.session() as s:
                if s.scalar(select(func.count()).select_from(Position)) > before:
                    break
            waiter.wait(0.1)
        else:
            pytest.fail(f"the simulator wrote no position (last error: {sim.last_error})")
    finally:
        sim.stop()
    assert sim.last_error is None
