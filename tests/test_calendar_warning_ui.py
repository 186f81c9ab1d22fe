"""The missing-holidays warning on every seat: shown while the calendar lacks a needed year,
gone when a calendar change arrives through the feed, checked again after midnight."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from console.common.i18n import install_translators
from console.common.seat_settings import SeatSettings
from console.live.feed_worker import FeedWorker
from console.live.tasks import TaskRunner
from console.services import holidays
from console.services.actor import actor_for
from console.services.settings import get_setting, set_setting
from console.ui.calendar_watch import CalendarWatch, ms_to_next_midnight
from console.ui.main_window import MainWindow

AT = datetime(2026, 11, 29, 10, 0)


@pytest.fixture
def tasks(db):
    runner = TaskRunner(db)
    yield runner
    assert runner.wait(5000)


@pytest.fixture
def zh(qapp):
    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


def _seed(db, years):
    with db.transaction() as s:
        holidays.seed_holidays(s, actor_for(s, "admin"), at=AT, years=years)


def test_midnight_is_counted_from_now():
    assert ms_to_next_midnight(datetime(2026, 12, 31, 23, 59, 0)) == 60_000 + 5_000
    assert ms_to_next_midnight(datetime(2026, 12, 31, 0, 0, 0)) == 86_400_000 + 5_000


def test_the_watch_answers_off_the_gui_thread_and_checks_again_at_a_new_date(db, tasks, qtbot):
    _seed(db, [2026])
    day = {"today": date(2026, 11, 30)}
    watch = CalendarWatch(tasks, today=lambda: day["today"])
    with qtbot.waitSignal(watch.warning, timeout=5000) as got:
        watch.start()
    assert got.args == [None]                     # November: 2026 alone is needed, and seeded
    day["today"] = date(2026, 12, 1)              # December: next year's deadlines begin
    with qtbot.waitSignal(watch.warning, timeout=5000) as got:
        watch._at_midnight()
    assert got.args[0].years == (2027,)
    assert watch._midnight.isActive()             # armed for the next midnight
    watch._midnight.stop()
    assert tasks.wait(5000)   # the workers' last references go before the watch does


def test_every_seat_shows_the_warning_until_the_calendar_is_updated(db, tasks, qtbot, zh):
    """A fresh database has no holiday schedule: the seat says so, in Chinese, and the warning
    goes away when another seat seeds the calendar (the change reaches it through the feed)."""
    window = MainWindow(tasks, SeatSettings.open(), database_url=db.url)
    qtbot.addWidget(window)
    window.show()
    label = window.status.calendar_label
    qtbot.waitUntil(lambda: label.isVisible(), timeout=5000)
    year = date.today().year
    assert f"工作日历缺少 {year} 年" in label.text() and "工作日" in label.toolTip()
    worker = FeedWorker(db, interval_ms=50)
    window.attach_feed(worker)
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.seq is not None, timeout=5000)
        with db.transaction() as s:   # "another seat": straight to the service
            calendar = dict(get_setting(s, "work_calendar"))
            calendar["holidays"] = [f"{y}-10-01" for y in holidays.years_needed(date.today())]
            set_setting(s, actor_for(s, "admin"), "work_calendar", calendar, AT)
        qtbot.waitUntil(lambda: not label.isVisible(), timeout=5000)
        assert window.calendar_watch.last is None
    finally:
        assert worker.stop()
        window.map_widget.shutdown()   # the map's page may come up later: its thread with it
        assert tasks.wait(5000)
