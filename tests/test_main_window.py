"""The main window: docks, live queue counts, layout kept between starts, theme, language."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMenu
from PySide6.QtGui import QAction

from console.live.feed_worker import FeedWorker
from console.live.tasks import TaskRunner
from console.services import cases, users
from console.services.actor import actor_for
from console.services import overview as readers
from console.store.models import Meta
from console.common.i18n import install_translators
from console.ui.main_window import MainWindow
from console.common.seat_settings import SeatSettings
from console.common.theme import apply_theme, current_theme, severity_color
from tests.test_feed_worker import add_cell, report_case
from tests.sign_in_helpers import sign_in_when_asked


@pytest.fixture
def english(qapp):
    install_translators(qapp, "en")
    yield
    install_translators(qapp, "en")


@pytest.fixture
def make_window(db, qtbot, qapp, english):
    """Build main windows on the test database; everything they started is stopped afterwards."""
    runners, workers = [], []

    def make(*, feed: bool = False) -> MainWindow:
        tasks = TaskRunner(db)
        runners.append(tasks)
        window = MainWindow(tasks, SeatSettings.open(), user_name="张伟", role="dispatcher",
                            database_url=db.url)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.overview_loaded, timeout=5000):
            window.show()
        if feed:
            worker = FeedWorker(db, interval_ms=50)
            workers.append(worker)
            window.attach_feed(worker)
            worker.start()
            qtbot.waitUntil(lambda: worker.seq is not None, timeout=5000)
        return window

    yield make
    for worker in workers:
        assert worker.stop()
    for tasks in runners:
        assert tasks.wait(5000)
    apply_theme(qapp, "dark")


def test_window_has_the_map_placeholder_and_three_docks(make_window):
    window = make_window()
    assert window.centralWidget().objectName() == "mapWidget"
    for name in ("queueDock", "alertsDock", "statusDock"):
        dock = window.findChild(QDockWidget, name)
        assert dock is not None and dock.isVisible()
        assert dock.features() & QDockWidget.DockWidgetFeature.DockWidgetMovable
        assert dock.features() & QDockWidget.DockWidgetFeature.DockWidgetFloatable
        assert dock.features() & QDockWidget.DockWidgetFeature.DockWidgetClosable
    assert window.queue_dock.counts == dict.fromkeys(window.queue_dock.STAGES, 0)
    assert window.windowTitle() == "City Command Console"
    assert "SQLite test.db" in window.status.db_label.text()
    assert window.status.user_label.text() == "张伟 (Dispatcher)"


def test_the_first_window_fits_the_screen(make_window, monkeypatch, qtbot, qapp):
    """1440×900 on a workstation; on a 1366×768 laptop the screen's free area, and the
    window's minimum (English, every dock, the status bar with the calendar's warning — the
    test database has no holidays) still fits it."""
    from PySide6.QtCore import QRect, QSize
    apply_theme(qapp, "dark")                               # the product's type sizes
    window = make_window()
    assert window.size() == QSize(1440, 900)               # the test screen is 1920×1080

    class Laptop:
        def availableGeometry(self):
            return QRect(0, 0, 1366, 728)                   # 768 less a taskbar
    monkeypatch.setattr(window, "screen", lambda: Laptop())
    assert window._first_size() == QSize(1366, 728)
    qtbot.waitUntil(window.status.calendar_label.isVisible, timeout=5000)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 728


def test_a_leaders_docks_open_as_tabs_of_the_status_strip(make_window, qtbot):
    """Rankings and campaigns share the strip's place, each a tab, the newest in front."""
    window = make_window()
    actions = {a.text().replace("&", ""): a for a in window.findChildren(QAction)}
    actions["Rankings"].trigger()
    actions["Campaigns"].trigger()
    tabbed = window.tabifiedDockWidgets(window.status_dock)
    assert window.evaluation_dock in tabbed and window.campaign_dock in tabbed
    from PySide6.QtWidgets import QTabBar
    bars = [b for b in window.findChildren(QTabBar) if b.count() == 3
            and b.tabText(0) == "Status and KPIs"]
    assert len(bars) == 1
    assert [bars[0].tabText(i) for i in range(3)] == ["Status and KPIs", "Rankings", "Campaigns"]
    assert bars[0].currentIndex() == 2                      # the one just opened in front
    for dock in (window.evaluation_dock, window.campaign_dock):
        assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea


def test_closing_the_last_leader_dock_gives_the_map_its_height_back(make_window, qtbot):
    window = make_window()
    actions = {a.text().replace("&", ""): a for a in window.findChildren(QAction)}
    qtbot.waitUntil(lambda: window.status_dock.height() > 0, timeout=2000)
    before = (window.status_dock.height(), window.centralWidget().height())
    actions["Rankings"].trigger()
    actions["Campaigns"].trigger()
    qtbot.waitUntil(lambda: window.centralWidget().height() < before[1], timeout=2000)
    window.evaluation_dock.close()
    assert window.centralWidget().height() < before[1]      # the campaigns still open
    window.campaign_dock.close()
    qtbot.waitUntil(lambda: (window.status_dock.height(), window.centralWidget().height())
                    == before, timeout=2000)


def test_queue_counts_follow_the_feed(db, make_window, qtbot):
    add_cell(db)
    window = make_window(feed=True)
    first, second, third = report_case(db), report_case(db), report_case(db)
    past = datetime.now().replace(microsecond=0) - timedelta(days=2)
    with db.transaction() as s:
        cases.register(s, actor_for(s), first.case_id, first.version)
        c = cases.register(s, actor_for(s), second.case_id, second.version)
        # Dispatched two days ago with a one-hour deadline: overdue now.
        cases.dispatch(s, actor_for(s), second.case_id, c.version, at=past,
                       deadline=past + timedelta(hours=1))
    expected = {"reported": 1, "verifying": 0, "registered": 1, "dispatched": 1, "checking": 0, "overdue": 1,
                "closed_today": 0, "all": 3}
    qtbot.waitUntil(lambda: window.queue_dock.counts == expected, timeout=5000)
    tabs = window.queue_dock.tabs
    assert tabs.tabTextColor(window.queue_dock.STAGES.index("overdue")) == severity_color("critical")
    # The queue counts by itself: the KPI strip's own read may come a moment later.
    qtbot.waitUntil(lambda: window.status_dock.tiles["open_total"].value.text() == "3",
                    timeout=5000)
    assert tabs.tabText(0) == "To accept 1"
    qtbot.waitUntil(lambda: "Live · seq" in window.status.feed_label.text(), timeout=5000)
    assert third.case_id


def test_many_changes_are_read_with_few_queries(db, make_window, qtbot, monkeypatch):
    add_cell(db)
    window = make_window(feed=True)
    calls = []
    real = window.tasks.run
    monkeypatch.setattr(window.tasks, "run", lambda fn, **kw: (calls.append(fn), real(fn, **kw))[1])
    for _ in range(10):
        report_case(db)
    qtbot.waitUntil(lambda: window.queue_dock.counts.get("reported") == 10, timeout=5000)
    assert len([fn for fn in calls if fn is readers.overview]) <= 4
    # The queue's rows and counts are coalesced too.
    assert len([fn for fn in calls if fn.__module__.startswith("console.ui.queues")]) <= 8


def test_layout_is_restored_by_the_next_window(make_window, qtbot):
    first = make_window()
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.queue_dock)
    first.alerts_dock.hide()
    first.close()

    second = make_window()
    assert second.dockWidgetArea(second.queue_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert second.alerts_dock.isHidden()
    assert second.status_dock.isVisible()

    second.reset_layout()
    assert second.dockWidgetArea(second.queue_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert second.alerts_dock.isVisible()


def test_view_menu_toggles_docks(make_window):
    window = make_window()
    toggle = window.alerts_dock.toggleViewAction()
    view_menu = window.findChild(QMenu, "viewMenu")
    assert toggle in view_menu.actions()
    toggle.trigger()
    assert window.alerts_dock.isHidden()
    toggle.trigger()
    assert window.alerts_dock.isVisible()


def test_theme_switch_changes_the_style_sheet_and_is_remembered(make_window, qapp):
    window = make_window()
    assert current_theme() == "dark"
    dark = qapp.styleSheet()
    window.theme_actions["light"].trigger()
    assert current_theme() == "light"
    assert qapp.styleSheet() != dark and "#f7f9fc" in qapp.styleSheet()
    assert SeatSettings.open().get("ui/theme") == "light"
    window.set_theme("dark")
    assert qapp.styleSheet() == dark


def test_city_name_from_the_database_is_in_the_title(db, make_window, qtbot):
    with db.transaction() as s:
        s.add(Meta(key="city_name", value="滨江市"))
    window = make_window()
    qtbot.waitUntil(lambda: "滨江市" in window.windowTitle(), timeout=5000)
    assert window.windowTitle() == "滨江市 · City Command Console"


def test_titles_follow_the_language(make_window, qapp):
    install_translators(qapp, "zh_CN")
    zh = make_window()
    assert zh.queue_dock.windowTitle() == "案件队列"
    assert zh.alerts_dock.windowTitle() == "告警"
    assert zh.status_dock.windowTitle() == "状态与指标"
    assert zh.windowTitle() == "城市管理统一指挥台"
    assert [a.text() for a in zh.menuBar().actions() if a.isVisible()] == [
        "文件(&F)", "视图(&V)", "账户(&A)", "帮助(&H)"]   # 管理 only for an administrator
    assert zh.queue_dock.tabs.tabText(0).startswith("待受理")
    install_translators(qapp, "en")
    en = make_window()
    assert en.queue_dock.windowTitle() == "Case queues"
    assert en.status_dock.windowTitle() == "Status and KPIs"
    closed = en.queue_dock.STAGES.index("closed_today")
    assert en.queue_dock.tabs.tabText(closed).startswith("Closed today")


@pytest.fixture
def restore_app(qapp):
    """run_gui configures the shared QApplication; put it back for the next tests."""
    yield
    install_translators(qapp, "en")
    apply_theme(qapp, "dark")
    qapp.setQuitOnLastWindowClosed(True)


def test_run_gui_refuses_a_file_that_is_not_a_database(tmp_path, capsys, restore_app):
    from console.ui.app import run_gui
    path = tmp_path / "notes.db"
    path.write_bytes(b"shopping list: rice, tea\n")
    code = run_gui(db_url=f"sqlite:///{path}", lang="en", username=None, demo=None,
                   screenshot=None, quit_after=None)
    assert code == 3
    assert path.read_bytes() == b"shopping list: rice, tea\n"
    assert f"{path} is not a SQLite database" in capsys.readouterr().err


def test_run_gui_takes_a_user_name_only_in_the_demo(db, capsys, restore_app):
    from console.ui.app import run_gui
    code = run_gui(db_url=db.url, lang="zh_CN", username="admin", demo=None, screenshot=None,
                   quit_after=None)
    assert code == 2
    assert "只有演示城市可以不用密码登录" in capsys.readouterr().err


def _leave_the_setup_wizard_when_asked() -> list[str]:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    seen: list[str] = []
    timer = QTimer()
    timer.setInterval(20)

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None and widget.objectName() == "setupWizard":
            timer.stop()
            seen.append(widget.objectName())
            widget.reject()      # 稍后继续: the window opens, the wizard resumes next time
    timer.timeout.connect(poll)
    timer.start()
    _leave_the_setup_wizard_when_asked.timer = timer
    return seen


def test_run_gui_takes_a_screenshot_quits_and_keeps_the_layout(db, tmp_path, restore_app):
    from console.ui.app import run_gui
    shot = tmp_path / "console.png"
    with db.transaction() as s:
        users.create_first_administrator(s, "admin", "管理员", "长城永不倒-2026", datetime.now())
    sign_in_when_asked("admin", "长城永不倒-2026")
    wizard = _leave_the_setup_wizard_when_asked()   # an empty database: the first start's setup
    code = run_gui(db_url=db.url, lang="en", username=None, demo=None, screenshot=str(shot),
                   quit_after=0.5)
    assert code == 0
    assert wizard == ["setupWizard"], "the administrator was offered the setup first"
    assert shot.read_bytes().startswith(b"\x89PNG")
    settings = SeatSettings.open()
    assert not settings.get("window/state").isEmpty()
    assert settings.get("database/last_url") == db.url


# A second quit of one QApplication with web pages around crashes inside QtWebEngine: this
# start runs in a process of its own.
_GO_LIVE_CHILD = """
import sys
from PySide6.QtCore import QTimer
from console.ui import app
real, seen = app._Startup.go_live, []

def go_live(self, *args):
    window = self.window
    seen.append((window.map_widget.grid_drawn, window.queue_dock.model.rowCount(),
                 self.feed is None and self.alert_worker is None,
                 "console.live.alert_worker" in sys.modules))
    real(self, *args)
    real(self, *args)   # a second ask (the fallback timer, a failed page) starts nothing
    seen.append((self.feed.is_running(), self.alert_worker.is_running(), id(self.feed)))
    QTimer.singleShot(0, lambda: self.app.exit(0))

app._Startup.go_live = go_live
# Signed in as the administrator without the dialog (the sign-in has tests of its own).
from console.services.actor import actor_for
app._Startup.sign_in = lambda self, username: self.tasks.run_and_wait(
    lambda s: actor_for(s, "admin"))
code = app.run_gui(db_url=sys.argv[1], lang="en", username=None, demo=None,
                   screenshot=None, quit_after=60)
print(repr((code, seen)))
"""


def test_run_gui_starts_the_live_workers_once_the_first_screen_is_up(db, tmp_path):
    """The feed and the alert rules (not even imported before) wait for the queue's rows and
    the map's grid, which a cold start then shows sooner; they start once."""
    import ast
    import os
    import subprocess
    import sys
    from pathlib import Path
    add_cell(db)
    report_case(db)
    env = dict(os.environ, CITY_CONSOLE_DATA_DIR=str(tmp_path / "data"),
               CITY_CONSOLE_CONFIG_DIR=str(tmp_path / "config"), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", _GO_LIVE_CHILD, db.url], env=env,
                            capture_output=True, text=True, timeout=120, check=False,
                            cwd=Path(__file__).resolve().parents[1])
    code, seen = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    assert code == 0
    (drawn, rows, nothing_live, alerts_imported), (feed_running, alerts_running, _) = seen
    assert drawn and rows == 1, "the first screen is up"
    assert nothing_live and not alerts_imported, "nothing live before it"
    assert feed_running and alerts_running
