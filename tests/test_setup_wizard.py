"""初始设置向导: a new centre's name, region and map centre saved; every page skippable; left
and resumed at the page reached; the calendar seeded from it; the centre's base map saved;
finished, it no longer opens at start."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtWidgets import QPushButton, QWizard

from console.common.i18n import install_translators
from console.common.seat_settings import SeatSettings
from console.live.tasks import TaskRunner
from console.services import setup_state, users
from console.services.base_map import centre_base_map
from console.services.overview import city_name
from console.services.settings import work_calendar
from console.ui.setup_wizard import SetupWizard, parse_centre, resume_setup


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
def tasks(db):
    runner = TaskRunner(db)
    yield runner
    assert runner.wait(5000)


def _status(db):
    with db.transaction() as s:
        return setup_state.setup_status(s), setup_state.needs_setup(s)


def _next(wizard, qtbot, step: int) -> None:
    # (showing the wizard saves the page it starts on too: that answer may come first)
    with qtbot.waitSignal(wizard.progress_saved, timeout=5000,
                          check_params_cb=lambda s, _f: s == step) as saved:
        wizard.next()
    assert saved.args == [step, False] and wizard.currentId() == step


def test_centre_text_is_two_numbers_in_range():
    assert parse_centre(" 120.13，30.26 ") == (120.13, 30.26)
    assert parse_centre("") is None
    for bad in ("120", "abc 30", "200 30", "120 95"):
        with pytest.raises(ValueError):
            parse_centre(bad)


def test_the_wizard_saves_the_centre_resumes_and_finishes(db, admin, tasks, qtbot, zh):
    assert _status(db)[1], "an empty database wants setting up"
    settings = SeatSettings.open()
    wizard = SetupWizard(tasks, admin, settings)
    qtbot.addWidget(wizard)
    with qtbot.waitSignal(wizard.status_loaded, timeout=5000):
        wizard.show()
    page = wizard.currentPage()
    page.centre.setText("200, 30")                      # refused: no page change, a reason
    page.name.setText("西湖区城市管理指挥中心")
    wizard.next()
    assert wizard.currentId() == 0 and "经度" in page.message.text()
    page.region.setText("浙江省杭州市西湖区")
    page.centre.setText("120.130, 30.259")
    _next(wizard, qtbot, 1)
    status, _ = _status(db)
    assert status.city_name == "西湖区城市管理指挥中心" and status.region == "浙江省杭州市西湖区"
    assert status.centre == (120.13, 30.259) and status.step == 1

    grid = wizard.currentPage()
    assert grid.open_button.isEnabled()            # the grid import dialog is there to open
    shots = {}
    for step in (2, 3, 4):                              # skipped as they are
        _next(wizard, qtbot, step)
    calendar = wizard.currentPage()
    qtbot.waitUntil(lambda: "没有" in calendar.state.text(), timeout=5000)
    with qtbot.waitSignal(wizard.status_loaded, timeout=10_000):
        calendar.findChild(QPushButton, "seedCalendar").click()
    assert "已具备" in calendar.state.text()
    with db.transaction() as s:
        assert not work_calendar(s).is_workday(date(2026, 10, 1))
    wizard.reject()                                     # 稍后继续
    qtbot.waitUntil(tasks.idle, timeout=5000)
    assert _status(db)[0].step == 4 and _status(db)[1], "left, not finished"

    again = resume_setup(tasks, admin, settings)
    qtbot.addWidget(again)
    again.show()
    assert again.currentId() == 4, "resumed where it was left"
    _next(again, qtbot, 5)
    again.currentPage().url.setText("not a url")
    again.next()                          # on the last page "next" is finish; refused here
    assert again.isVisible() and "{z}" in again.currentPage().message.text()
    again.currentPage().url.setText("http://tiles.example/{z}/{x}/{y}.png")
    with qtbot.waitSignal(again.progress_saved, timeout=5000) as saved:
        again.button(QWizard.WizardButton.FinishButton).click()
    assert saved.args == [5, True]
    with db.transaction() as s:   # the centre's base map, for every seat (services/base_map.py)
        assert centre_base_map(s).url == "http://tiles.example/{z}/{x}/{y}.png"
    assert settings.get("map/tile_url") == "", "the seat keeps no address of its own"
    assert not _status(db)[1], "finished: it no longer opens at start"
    with db.transaction() as s:
        assert city_name(s) == "西湖区城市管理指挥中心"


def test_screenshots_of_every_page(db, admin, tasks, qtbot, zh, tmp_path):
    wizard = SetupWizard(tasks, admin, SeatSettings.open())
    qtbot.addWidget(wizard)
    with qtbot.waitSignal(wizard.status_loaded, timeout=5000):
        wizard.show()
    for step in range(6):
        if step:
            _next(wizard, qtbot, step)
        qtbot.waitUntil(lambda: bool(wizard.currentPage().title()), timeout=1000)
        shot = tmp_path / f"wizard-{step}.png"
        assert wizard.grab().save(str(shot)) and shot.stat().st_size > 0
        if step == 3:   # 部件/事件分类: the page opens the catalogue's administration page
            from console.ui.categories_dialog import CategoriesDialog
            wizard.currentPage().findChild(QPushButton, "openCategories").click()
            qtbot.waitUntil(lambda: any(d.isVisible() and d.data is not None
                                        for d in wizard.findChildren(CategoriesDialog)),
                            timeout=5000)
            wizard.findChild(CategoriesDialog).reject()
    assert wizard.currentId() == 5


def test_the_administration_menu_opens_every_page(db, admin, tasks, qtbot, zh):
    from PySide6.QtGui import QAction
    from console.ui.base_map_dialog import BaseMapDialog
    from console.ui.calendar_dialog import CalendarDialog
    from console.ui.categories_dialog import CategoriesDialog
    from console.ui.main_window import MainWindow
    from console.ui.people_dialog import PeopleDialog
    from console.ui.thresholds_dialog import ThresholdsDialog
    window = MainWindow(tasks, SeatSettings.open(), database_url=db.url)
    qtbot.addWidget(window)
    window.show()
    window.set_actor(admin)
    assert window.admin_menu.menuAction().isVisible()
    for name, kind in (("peopleAction", PeopleDialog), ("calendarAction", CalendarDialog),
                       ("categoriesAction", CategoriesDialog),
                       ("thresholdsAction", ThresholdsDialog), ("baseMapAction", BaseMapDialog),
                       ("setupAction", SetupWizard)):
        window.findChild(QAction, name).trigger()
        qtbot.waitUntil(lambda k=kind: any(isinstance(w, k) and w.isVisible()
                                           for w in window.findChildren(k)), timeout=5000)
    window.map_widget.shutdown()   # the map's page may come up later: its thread with it
    assert tasks.wait(5000)
