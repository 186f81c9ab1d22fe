"""Quick filter changes: the queries they made obsolete are dropped, one answer lands."""
from __future__ import annotations

import threading

from console.live.tasks import TaskRunner
from console.services import queues
from console.ui.queues.dock import QueueDock
from console.common.selection import Selection
from tests.queue_city import add_history, build_city


def test_fifty_quick_filter_changes_apply_one_answer_and_leave_the_pool_idle(db, qtbot,
                                                                             monkeypatch):
    city = build_city(db)
    add_history(db, city, n=60)
    # One worker thread, so which query runs is decided by superseding, not by a race.
    tasks = TaskRunner(db, max_threads=1)
    dock = QueueDock(None, tasks=tasks, selection=Selection(), actor=city.dispatcher)
    qtbot.addWidget(dock)
    dock.tabs.setCurrentIndex(dock.tabs.count() - 1)   # every case, whatever its stage
    qtbot.waitUntil(lambda: dock.refs is not None and tasks.idle(), timeout=5000)
    sources = [dock.filters.source.itemData(i) for i in range(dock.filters.source.count())]
    assert len(sources) >= 3

    gate, ran = threading.Event(), []
    real_page = queues.queue_page

    def counted_page(session, query, **kw):
        ran.append(query.filter.source)
        if len(ran) == 1:
            assert gate.wait(5)   # the first query is still running while the user clicks on
        return real_page(session, query, **kw)
    monkeypatch.setattr(queues, "queue_page", counted_page)
    applied = []
    dock.model.loaded.connect(lambda: applied.append(dock.model.query.filter.source))

    for n in range(50):
        dock.filters.source.setCurrentIndex(1 + n % (len(sources) - 1))
    last = sources[1 + 49 % (len(sources) - 1)]
    assert dock.model.query.filter.source == last
    gate.set()
    qtbot.waitUntil(lambda: bool(applied) and tasks.idle(), timeout=1000)

    # The one the worker had picked up (if any) and the last ran; the rest never reached the
    # database.
    assert len(ran) <= 2 and ran[-1] == last
    assert applied == [last]
    shown = dock.model.rows()
    assert shown and {r.source for r in shown} == {last}
    with db.session() as s:
        expected = real_page(s, dock.model.query, limit=dock.model.page_size)
    assert [r.id for r in shown] == [r.id for r in expected.rows]
    assert tasks.wait(5000)
