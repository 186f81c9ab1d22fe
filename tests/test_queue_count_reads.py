"""What a burst of changes costs a seat's queue dock: the tab counts in one statement, and the
unfiltered total (a scan of every case on a big city) only when a new case came."""
from __future__ import annotations

from sqlalchemy import event

from console.live.feed_worker import FeedWorker
from console.services import cases
from tests.test_queue_widgets import city, english, new_case, seat  # noqa: F401


def count_statements(meter) -> list[str]:
    return [s for s in meter if "count(" in s.lower()]


def test_a_change_recounts_the_tabs_once_and_the_total_only_for_a_new_case(db, city, qtbot, seat):
    made = [new_case(db, city) for _ in range(3)]
    dock = seat(city.dispatcher)
    qtbot.waitUntil(lambda: dock.counts["all"] == 3, timeout=5000)
    statements: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", note)
    worker = FeedWorker(db, interval_ms=50)
    worker.changes.connect(dock.on_feed)
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.seq is not None, timeout=5000)
        statements.clear()
        with db.transaction() as s:                      # a status change: no new case
            cases.register(s, city.leader, made[0].case_id, made[0].version)
        qtbot.waitUntil(lambda: dock.counts["registered"] == 1, timeout=5000)
        counted = count_statements(statements)
        assert len(counted) == 1, counted                # every tab in one statement…
        assert dock.counts["all"] == 3 and dock.counts["reported"] == 2
        whole = counted[0].lower()
        assert whole.count("count(") == len(dock.STAGES) - 1   # …and not the total

        statements.clear()
        new_case(db, city)                               # a new case: the total moves
        qtbot.waitUntil(lambda: dock.counts["all"] == 4, timeout=5000)
        counted = count_statements(statements)
        assert counted and counted[-1].lower().count("count(") == len(dock.STAGES)
        assert dock.counts["reported"] == 3
    finally:
        assert worker.stop()
        event.remove(db.engine, "before_cursor_execute", note)
