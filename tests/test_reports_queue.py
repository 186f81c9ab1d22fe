"""A queue view to Excel: the workbook's rows are the queue's rows in the queue's order
(streamed in pages through the queue's keyset), with a header naming scope, as-of time and
export time, date formats, the column header frozen; a cancelled export leaves no file; the
dock's button exports the view shown, on the long lane."""
from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from console.common.messages import source_name, status_name
from console.common.selection import Selection
from console.domain.work_calendar import TimeUnit  # noqa: F401 — the city's categories use it
from console.live.tasks import Cancelled, Lane, TaskRunner
from console.services.queues import QueueFilter, QueueQuery, queue_page
from console.services.reports_queue import COLUMNS, HEADER_ROWS, export_queue
from console.ui.queues import QueueDock
from tests import queue_city as Q
from tests.pg_server import PG_URL, fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """Each test on SQLite, and on a fresh PostgreSQL database when one is set."""
    from console.store.database import open_database
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
        with fresh_database("console_reports") as url:
            database = open_database(url)
            try:
                yield database
            finally:
                database.dispose()
        return
    database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    try:
        yield database
    finally:
        database.dispose()

LABELS = {"scope": "Scope", "as_of": "Queue as of", "exported": "Exported",
          **{k: k for k in COLUMNS}}
NAMES = {"status": status_name, "source": source_name}
EXPORTED = datetime(2026, 3, 11, 15, 5, 30)


@pytest.fixture
def town(db):
    city = Q.build_city(db)
    Q.add_history(db, city, n=160)
    return city


def _numbers(db, query):
    with db.session() as s:
        return [r.number for r in queue_page(s, query, limit=10_000, now=Q.NOW).rows]


def _sheet_numbers(path):
    ws = openpyxl.load_workbook(path).active
    return [r[0].value for r in ws.iter_rows(min_row=HEADER_ROWS + 2) if r[0].value], ws


@pytest.mark.parametrize("query", [
    QueueQuery("all"),
    QueueQuery("dispatched", QueueFilter(category=Q.GARBAGE)),
    QueueQuery("all", QueueFilter(text="井盖"), "number", True),
    QueueQuery("overdue"),
])
def test_the_workbook_holds_the_queue_rows_in_order(db, town, tmp_path, query):
    path = tmp_path / "q.xlsx"
    fractions = []
    with db.session() as s:
        n = export_queue(s, query, path, title="案卷队列", scope_text="全部 · 垃圾", labels=LABELS,
                         names=NAMES, exported_at=EXPORTED, now=Q.NOW,
                         progress=fractions.append, page_size=7)
    expected = _numbers(db, query)
    numbers, ws = _sheet_numbers(path)
    assert numbers == expected and n == len(expected) > 0
    if len(expected) > 7:
        assert len(fractions) > 1 and fractions[-1] == 1.0   # streamed in pages
    assert ws["A1"].value == "案卷队列"
    assert ws["A2"].value == "Scope: 全部 · 垃圾"
    assert ws["A3"].value == "Queue as of: 2026-03-11 15:00"
    assert ws["A4"].value == "Exported: 2026-03-11 15:05:30"
    assert ws.freeze_panes == f"A{HEADER_ROWS + 2}"
    header = [c.value for c in ws[HEADER_ROWS + 1]]
    assert header == list(COLUMNS)
    first = ws[HEADER_ROWS + 2]
    reported = first[header.index("reported_at")]
    assert isinstance(reported.value, datetime) and reported.number_format == "yyyy-mm-dd hh:mm"


def test_a_cancelled_export_leaves_no_file(db, town, tmp_path):
    path = tmp_path / "q.xlsx"
    calls = []

    def check():
        calls.append(1)
        if len(calls) > 2:
            raise Cancelled
    with db.session() as s, pytest.raises(Cancelled):
        export_queue(s, QueueQuery("all"), path, title="t", scope_text="s", labels=LABELS,
                     names=NAMES, exported_at=EXPORTED, now=Q.NOW, check=check, page_size=10)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("q.xlsx")]


def test_the_dock_exports_the_view_shown_on_the_long_lane(db, town, qtbot, tmp_path, monkeypatch):
    tasks = TaskRunner(db)
    dock = QueueDock(None, tasks=tasks, selection=Selection(), actor=town.dispatcher)
    qtbot.addWidget(dock)
    dock.show()
    dock.tabs.setCurrentIndex(dock.STAGES.index("all"))
    dock.search.setText("井盖")
    dock._apply_filter()
    qtbot.waitUntil(lambda: dock.model.query.filter.text == "井盖"
                    and dock.model.rowCount() > 0 and not dock.model._fetching, timeout=5000)
    shown = [dock.model.row_at(i).number for i in range(dock.model.rowCount())]
    path = tmp_path / "view.xlsx"
    monkeypatch.setattr("console.ui.reports.queue_export.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(path), ""))
    lanes = []
    original = tasks.run_long
    monkeypatch.setattr(tasks, "run_long", lambda *a, **k: lanes.append(Lane.LONG) or original(*a, **k))
    dock.export_button.click()
    with qtbot.waitSignal(dock.exporter.done, timeout=10000) as got:
        pass
    assert lanes == [Lane.LONG] and got.args[1] == len(shown)
    numbers, ws = _sheet_numbers(path)
    assert numbers == shown
    assert "井盖" in ws["A2"].value
    assert tasks.wait(5000)
