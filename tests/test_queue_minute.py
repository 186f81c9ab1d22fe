"""The queue's minute costs what is on screen: visible countdowns repainted, the rest on demand."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from console.live.tasks import TaskRunner
from console.services import queues
from console.ui.queues.case_queue_model import COLUMNS
from console.ui.queues.dock import QueueDock
from console.ui.queues.texts import countdown
from console.common.selection import Selection
from console.services import cases
from console.store.models import Case
from tests.queue_city import GARBAGE, add_history, build_city

REMAINING = COLUMNS.index("remaining")


def test_the_minute_repaints_the_visible_countdowns_and_the_others_follow_when_shown(
        db, qtbot, monkeypatch):
    city = build_city(db)
    add_history(db, city, n=60)
    tasks = TaskRunner(db)
    dock = QueueDock(None, tasks=tasks, selection=Selection(), actor=city.dispatcher)
    qtbot.addWidget(dock)
    dock.resize(640, 700)
    dock.show()
    dock.tabs.setCurrentIndex(dock.tabs.count() - 1)   # every case
    qtbot.waitUntil(lambda: dock.refs is not None and tasks.idle()
                    and dock.model.rowCount() >= 60, timeout=5000)
    model, table = dock.model, dock.table
    table.resize(600, 160)                             # a few rows on screen
    shown = table.visible_rows()
    assert 0 < len(shown) < model.rowCount() // 2
    for r in range(model.rowCount()):                  # let every countdown be worked out once
        model.index(r, REMAINING).data()

    later = datetime.now().replace(microsecond=0) + timedelta(days=3)
    monkeypatch.setattr("console.ui.queues.case_queue_model.now", lambda: later)
    changed = []
    model.dataChanged.connect(lambda a, b, _roles: changed.append((a.row(), a.column(),
                                                                   b.row(), b.column())))
    model.tick()
    assert changed == [(r, REMAINING, r, REMAINING) for r in shown]

    refs = dock.refs
    for r in (model.rowCount() - 1, shown.start):      # one off screen, one on it
        row = model.row_at(r)
        expected = countdown(queues.time_left(row, refs.calendar, later, refs.warning_share))
        assert model.index(r, REMAINING).data() == expected
    assert tasks.wait(5000)


def test_row_of_stays_in_step_through_live_merges(db, qtbot):
    city = build_city(db)
    made = add_history(db, city, n=40)
    tasks = TaskRunner(db)
    dock = QueueDock(None, tasks=tasks, selection=Selection(), actor=city.dispatcher)
    qtbot.addWidget(dock)
    dock.tabs.setCurrentIndex(dock.tabs.count() - 1)
    qtbot.waitUntil(lambda: dock.refs is not None and tasks.idle(), timeout=5000)
    model = dock.model
    rng = random.Random(5)
    for _ in range(4):
        picked = rng.sample(made, 6)
        with db.transaction() as s:   # new cases arrive and some are re-sorted by a change
            for case_id in picked[:3]:
                case = s.get(Case, case_id)
                case.reported_at = case.reported_at - timedelta(minutes=rng.randrange(1, 3000))
            fresh = cases.report(s, city.dispatcher, category_code=GARBAGE,
                                 source="hotline", lon=120.1505, lat=30.2705, address="x",
                                 description="y").case_id
        model.refresh_cases(set(picked) | {fresh})
        qtbot.waitUntil(lambda f=fresh: model.row_of(f) >= 0 and tasks.idle(), timeout=5000)
        rows = model.rows()
        assert [model.row_of(r.id) for r in rows] == list(range(len(rows)))
        with db.session() as s:
            expected = queues.queue_page(s, model.query, limit=500).rows
        assert [r.id for r in rows] == [r.id for r in expected]
    assert model.row_of(-1) == -1
    assert tasks.wait(5000)

