"""The guard of tests/conftest.py: SQL the application runs on the GUI thread fails a Qt test."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QPushButton, QWidget
from sqlalchemy import text

from console.live.tasks import TaskRunner
from tests.gui_sql_guard import GuiSqlGuard, guarding, sql_on_gui_thread_allowed

pytest_plugins = ("pytester",)
HERE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def count_cases(db) -> int:
    with db.session() as s:
        return s.scalar(text("select count(*) from cases"))


class Reader(QObject):
    """Stands for application code that reads the database in a slot (what must not happen)."""

    def __init__(self, db) -> None:
        super().__init__()
        self.db, self.counts = db, []

    def read(self) -> None:
        self.counts.append(count_cases(self.db))


class ReadingWidget(QWidget):
    def __init__(self, db) -> None:
        super().__init__()
        self.count = count_cases(db)


@pytest.fixture
def local_guard():
    """A guard of its own that sees this module as the application; the conftest's guard is
    told these deliberate statements are allowed."""
    with sql_on_gui_thread_allowed(), guarding(GuiSqlGuard(app_dirs=(HERE,))) as guard:
        yield guard


def test_a_timer_slot_running_sql_in_the_event_loop_is_caught(db, qtbot, local_guard):
    ran = []
    QTimer.singleShot(0, lambda: ran.append(count_cases(db)))
    qtbot.waitUntil(lambda: ran == [0], timeout=2000)
    assert len(local_guard.violations) == 1
    violation = local_guard.violations[0]
    assert "event loop" in violation.reason and "count(*)" in violation.statement


def test_a_slot_called_by_a_simulated_click_is_caught(db, qtbot, local_guard):
    reader, button = Reader(db), QPushButton("read")
    qtbot.addWidget(button)
    button.clicked.connect(reader.read)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)   # no event loop: a direct call
    assert reader.counts == [0]
    line = Reader.read.__code__.co_firstlineno + 1
    assert [v.reason for v in local_guard.violations] == [
        f"SQL on the GUI thread from Reader.read ({__file__}:{line})"]


def test_a_widget_constructor_running_sql_is_caught(db, qtbot, local_guard):
    widget = ReadingWidget(db)
    qtbot.addWidget(widget)
    assert len(local_guard.violations) == 1
    assert "ReadingWidget.__init__" in local_guard.violations[0].reason


def test_set_up_and_worker_threads_are_not_caught(db, qtbot, local_guard):
    assert count_cases(db) == 0            # test set-up on the main thread, no loop running
    tasks = TaskRunner(db)
    got = []
    tasks.run(lambda s: s.scalar(text("select count(*) from cases")), on_done=got.append)
    qtbot.waitUntil(lambda: got == [0], timeout=2000)
    assert tasks.run_and_wait(lambda s: s.scalar(text("select 1"))) == 1
    assert local_guard.violations == []
    assert tasks.wait(5000)


def test_the_escape_hatch_allows_set_up_inside_a_loop(db, qtbot, local_guard):
    ran = []

    def slot():
        with local_guard.allowed():
            ran.append(count_cases(db))
    QTimer.singleShot(0, slot)
    qtbot.waitUntil(lambda: ran == [0], timeout=2000)
    assert local_guard.violations == []


def test_the_conftest_fixture_fails_a_qt_test_whose_slot_runs_sql(pytester, monkeypatch):
    """The real fixture, in a pytest run of its own: the guilty test fails, the clean passes."""
    monkeypatch.setenv("PYTHONPATH", os.path.dirname(HERE.rstrip(os.sep)))
    pytester.makeconftest("pytest_plugins = ('tests.conftest',)\n")
    pytester.makepyfile(test_inner="""
        from PySide6.QtCore import QTimer
        from sqlalchemy import text

        def test_guilty(db, qtbot):
            ran = []
            def slot():
                with db.session() as s:
                    ran.append(s.scalar(text("select 42")))
            QTimer.singleShot(0, slot)
            qtbot.waitUntil(lambda: ran == [42], timeout=2000)

        def test_clean(db, qtbot):
            with db.session() as s:
                assert s.scalar(text("select 42")) == 42
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ran on the GUI thread*", "*while its event loop runs*",
                                 "*select 42*"])
