"""工作日历 at the seat: a year's days, seeding, a day added and removed, a dated list imported
(refused whole when a line is bad), every change recorded as the administrator, and the page
following changes made elsewhere."""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from console.common.i18n import install_translators
from console.domain.changes import ChangeKind
from console.live.tasks import TaskRunner
from console.services import holidays, users
from console.services.actor import actor_for
from console.services.settings import work_calendar
from console.store.models import ChangeFeed
from console.ui.calendar_dialog import CalendarDialog


@pytest.fixture
def zh(qapp):
    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


@pytest.fixture
def admin(db):
    with db.transaction() as s:
        return users.create_first_administrator(s, "admin", "管理员", "长城永不倒-2026",
                                                datetime.now().replace(microsecond=0))


@pytest.fixture
def dialog(db, admin, qtbot, zh):
    tasks = TaskRunner(db)
    d = CalendarDialog(tasks, admin, year=2026)
    qtbot.addWidget(d)
    with qtbot.waitSignal(d.loaded, timeout=5000):
        d.show()
    yield d
    assert tasks.wait(5000)


def _cal(db):
    with db.transaction() as s:
        return work_calendar(s)


def _row(dialog, day: str) -> int:
    return next(i for i in range(dialog.table.rowCount()) if dialog.table.item(i, 0).text() == day)


def _changed_and_loaded(dialog, qtbot, click) -> None:
    with qtbot.waitSignals([dialog.changed, dialog.loaded], timeout=10_000, order="strict"):
        click()


def test_seed_add_remove_through_the_services_as_the_administrator(db, dialog, qtbot):
    assert dialog.table.rowCount() == 0 and "2026" in dialog.summary.text()
    _changed_and_loaded(dialog, qtbot, dialog.seed_button.click)
    national = _row(dialog, "2026-10-01")
    assert dialog.table.item(national, 2).text() == "法定节假日"
    assert dialog.table.item(national, 3).text() == "国家安排"
    assert dialog.table.item(_row(dialog, "2026-10-10"), 2).text() == "调休上班"

    dialog.day.setDate(date(2026, 12, 24))
    dialog.kind.setCurrentIndex(dialog.kind.findData("holiday"))
    _changed_and_loaded(dialog, qtbot, dialog.add_button.click)
    assert dialog.table.item(_row(dialog, "2026-12-24"), 3).text() == "本中心"
    assert not _cal(db).is_workday(date(2026, 12, 24))

    dialog.table.selectRow(_row(dialog, "2026-10-01"))
    assert dialog.remove_button.isEnabled()
    _changed_and_loaded(dialog, qtbot, dialog.remove_button.click)
    assert all(dialog.table.item(i, 0).text() != "2026-10-01" for i in range(dialog.table.rowCount()))
    assert _cal(db).is_workday(date(2026, 10, 1))
    assert "1" in dialog.summary.text()                  # one national day taken out
    with db.transaction() as s:
        bys = [r.payload.get("by") for r in s.scalars(
            select(ChangeFeed).where(ChangeFeed.entity == ChangeKind.SETTINGS.value))]
    assert bys and set(bys) == {"管理员"}


def test_a_dated_list_with_a_bad_line_changes_nothing(db, dialog, qtbot, tmp_path, monkeypatch):
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,类型,名称\n2027-01-01,假,元旦\n2027-02-30,假,不存在\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("2027-01-01,假,元旦\n2027-01-04,班,调休\n", encoding="utf-8")
    monkeypatch.setattr(dialog, "ask_open_path", lambda: str(bad))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "第 3 行" in dialog.message.text(), timeout=5000)
    assert date(2027, 1, 1) not in _cal(db).holidays
    monkeypatch.setattr(dialog, "ask_open_path", lambda: str(good))
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        dialog.import_button.click()
    cal = _cal(db)
    assert date(2027, 1, 1) in cal.holidays and date(2027, 1, 4) in cal.makeup_workdays


def test_the_page_follows_a_change_made_at_another_seat(db, dialog, qtbot):
    with db.transaction() as s:
        holidays.set_day(s, actor_for(s, "admin"), date(2026, 6, 1), "holiday",
                         at=datetime(2026, 5, 1))
    batch = SimpleNamespace(rows=[SimpleNamespace(entity=ChangeKind.SETTINGS,
                                                  payload={"key": "work_calendar"})])
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.on_feed(batch)
    assert _row(dialog, "2026-06-01") >= 0
