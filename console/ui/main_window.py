"""The one screen: the map in the centre, case queues, alerts and KPIs in movable docks."""
from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from console.domain.changes import ChangeKind
from console.live.tasks import TaskRunner
from console.map.widget import MapWidget
from console.services import backups
from console.domain.permissions import Permission, may
from console.services import overview as readers
from console.services import users
from console.services.actor import Actor
from console.services.settings import get_setting
from console.ui.alerts.alert_panel import AlertsDock
from console.ui.alerts.kpi_strip import KpiStripDock
from console.common.messages import describe_error
from console.ui.queues import QueueDock
from console.common.seat_settings import SeatSettings
from console.common.selection import Selection
from console.ui.leader_docks import LeaderDocks
from console.ui.lock_overlay import IdleWatch, LockOverlay
from console.ui.admin_entries import install_admin_entries
from console.ui.calendar_watch import CalendarWatch
from console.ui.outage_banner import OutageBanner
from console.ui.status_bar import ConsoleStatusBar
from console.ui.users_dialog import PasswordDialog, UsersDialog
from console.ui.window_live import COUNTED_KINDS, WindowLive
from console.common.theme import THEME_NAMES, apply_theme, current_theme

if TYPE_CHECKING:
    from console.live.feed_worker import FeedWorker

# Queue counts are re-read at most this often, however fast the feed reports case changes.
OVERVIEW_MIN_INTERVAL_MS = 500
# …and at least this often: time alone makes cases overdue, and patrols report positions
# (which are too frequent to trigger a re-read each).
OVERVIEW_PERIOD_MS = 15_000
# The feed kinds the window reacts to (tests/test_feed_kinds.py checks that something
# produces each): the overview follows bulk loads (window_live.py), the title the city's
# settings.
# Accounts: the signed-in user's own row changed (role, deactivation) → the menus follow it.
FEED_KINDS = COUNTED_KINDS | {ChangeKind.SETTINGS, ChangeKind.CITY, ChangeKind.USER}
# The KPI strip's sparklines come with the first screen, or after this long without one.
SPARKLINES_AT_LATEST_MS = 5_000
SPARKLINES_AFTER_SCREEN_MS = 100
# The window's first size where the screen has room for it.
FIRST_SIZE = QSize(1440, 900)


class MainWindow(WindowLive, LeaderDocks, QMainWindow):
    """The console's main window; every database read goes through `tasks`, never this thread."""

    overview_loaded = Signal(object)   # Overview, after each refresh
    feed_changed = Signal(object)      # every FeedBatch from the feed worker, for feature widgets
    first_screen = Signal()            # once: the queue's first rows and the map's grid shown
    actor_changed = Signal(object)     # the signed-in Actor, whenever it changes (menus follow)

    def __init__(self, tasks: TaskRunner, settings: SeatSettings, *, user_name: str = "",
                 role: str = "", database_url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.tasks = tasks
        self.settings = settings
        self._city = ""
        self._feed: FeedWorker | None = None
        self._overview_running = False
        self._overview_dirty = False
        self.tasks.task_failed.connect(self._on_task_failed)

        self.selection = Selection(self)
        self._install_map()
        self._install_queues()
        self._install_alerts()
        self._watch_first_screen()
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.queue_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.alerts_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.status_dock)
        first = self._first_size()
        self.resize(first)
        if first != FIRST_SIZE:
            # A smaller screen: all of it, maximized — sized to its free area, the window's
            # title bar would still run past the bottom.
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        self.resizeDocks([self.queue_dock, self.alerts_dock], [450, 320],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.status_dock], [150], Qt.Orientation.Vertical)

        self.outage = OutageBanner(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.outage)
        self.tasks.connection_lost.connect(self.outage.connection_lost)
        self.status = ConsoleStatusBar(self)
        self.setStatusBar(self.status)
        if database_url:
            self.status.set_database(database_url)
        if user_name:
            self.status.set_user(user_name, role)
        self.actor: Actor | None = None

        self._build_menus()
        self.lock_overlay = LockOverlay(self, self.tasks)
        self.lock_overlay.unlocked.connect(self._unlocked)
        self.idle = IdleWatch(self)
        self.idle.idle.connect(self.lock_seat)
        self._default_state = self.saveState()
        self._restore_layout()
        self.outage.setVisible(self.outage.since is not None)   # a saved layout has no say
        self._update_title()
        self.status_dock.apply_theme(current_theme())

        self._overview_timer = QTimer(self, singleShot=True, interval=OVERVIEW_MIN_INTERVAL_MS)
        self._overview_timer.timeout.connect(self.refresh_overview)
        self._periodic = QTimer(self, interval=OVERVIEW_PERIOD_MS)
        self._periodic.timeout.connect(self.schedule_overview)
        self._periodic.start()
        self.refresh_overview()
        # Every seat says so while deadlines would count holidays as workdays.
        self.calendar_watch = CalendarWatch(self.tasks, self)
        self.calendar_watch.warning.connect(self.status.show_calendar_warning)
        self.feed_changed.connect(self.calendar_watch.on_feed)
        self.calendar_watch.start()
        self.load_city_name()
        self.load_idle_minutes()

    def _watch_first_screen(self) -> None:
        # What a dispatcher waits for at start: the start-up benchmark marks this moment.
        waiting = {"queue", "map"}

        def shown(part: str) -> None:
            if part in waiting:
                waiting.discard(part)
                if not waiting:
                    self.first_screen.emit()
        self.queue_dock.model.loaded.connect(lambda: shown("queue"))
        self.map_widget.on_screen.connect(lambda _s: shown("map"))

    # --- features: each feature's issue owns one of these methods --------------------------

    def _install_map(self) -> None:
        self.map_widget = MapWidget(self.tasks, self.settings, self.selection, self)
        self.setCentralWidget(self.map_widget)
        self.feed_changed.connect(self.map_widget.apply_feed)
        self.map_widget.page_failed.connect(lambda text: self.status.showMessage(text, 10_000))

    def _install_queues(self) -> None:
        # The signed-in user arrives later (set_actor): until then the queues are read-only.
        self.queue_dock = QueueDock(self, tasks=self.tasks, selection=self.selection)
        self.feed_changed.connect(self.queue_dock.on_feed)
        self.queue_dock.message.connect(lambda text: self.status.showMessage(text, 10_000))

    def _install_alerts(self) -> None:
        self.alerts_dock = AlertsDock(self.tasks, self.selection, settings=self.settings,
                                      parent=self)
        # The sparklines follow the first screen (they cost a cold start a noticeable part):
        # after it is painted, not inside the signal (the first plot imports pyqtgraph, about
        # a second of this thread that the screen would wait for).
        self.status_dock = KpiStripDock(self.tasks, self, sparklines=False)
        self.first_screen.connect(lambda: QTimer.singleShot(
            SPARKLINES_AFTER_SCREEN_MS, self.status_dock, self.status_dock.create_sparklines))
        QTimer.singleShot(SPARKLINES_AT_LATEST_MS, self.status_dock,
                          self.status_dock.create_sparklines)
        self.status_dock.theme_changed.connect(self.alerts_dock.apply_theme)
        self.feed_changed.connect(self.alerts_dock.on_feed)
        self.feed_changed.connect(self.status_dock.on_feed)

    def write_report(self, kind: str) -> None:
        """The shift hand-over or daily report as PDF (console/ui/reports/shift_report.py)."""
        if getattr(self, "reports", None) is None:
            from console.ui.reports.shift_report import ShiftReportRunner
            self.reports = ShiftReportRunner(self.tasks, self, map_widget=self.map_widget)
            self.reports.message.connect(lambda text: self.status.showMessage(text, 10_000))
        self.reports.ask(kind)

    def write_briefing_map(self) -> None:
        """The queue filter's campaign or street (else the city) as an offline HTML map."""
        if getattr(self, "briefing", None) is None:
            from console.ui.reports.briefing import BriefingMap
            self.briefing = BriefingMap(self.tasks, self)
            self.briefing.message.connect(lambda text: self.status.showMessage(text, 10_000))
        self.briefing.ask(self.queue_dock.current_filter())

    def _wall_action(self) -> QAction:
        # Also the window's own action: its shortcut works while the menu bar is hidden.
        self.wall_action = QAction(self.tr("&Wall display"), self, checkable=True)
        self.wall_action.setShortcut(QKeySequence("F11"))
        self.wall_action.triggered.connect(lambda on: self.show_wall(on))
        self.addAction(self.wall_action)
        return self.wall_action

    def show_wall(self, on: bool = True, *, can_leave: bool = True) -> None:
        """The wall display (大屏) on or off; `can_leave=False` (--wall) keeps it on."""
        if getattr(self, "wall", None) is None:
            from console.ui.wall.mode import WallMode
            self.wall = WallMode(self)
            self.wall.changed.connect(self.wall_action.setChecked)
        if on:
            self.wall.enter(can_leave=can_leave)
        elif self.wall.view is None or self.wall.view.can_leave:
            self.wall.leave()
        self.wall_action.setChecked(self.wall.active)

    # --- menus ---------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.setObjectName("fileMenu")
        export = QAction(self.tr("&Export the queue to Excel…"), self)
        export.setObjectName("exportQueueAction")
        export.triggered.connect(self.queue_dock.export_view)
        file_menu.addAction(export)
        for kind, text in (("shift", self.tr("&Shift hand-over report (PDF)…")),
                           ("daily", self.tr("&Daily report (PDF)…"))):
            action = QAction(text, self)
            action.setObjectName(f"{kind}ReportAction")
            action.triggered.connect(lambda _=False, k=kind: self.write_report(k))
            file_menu.addAction(action)
        briefing = QAction(self.tr("&Briefing map (HTML)…"), self)
        briefing.setObjectName("briefingMapAction")
        briefing.triggered.connect(self.write_briefing_map)
        file_menu.addAction(briefing)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view = self.menuBar().addMenu(self.tr("&View"))
        view.setObjectName("viewMenu")
        for dock in (self.queue_dock, self.alerts_dock, self.status_dock):
            view.addAction(dock.toggleViewAction())
        view.addAction(self._rankings_action())
        view.addAction(self._campaigns_action())
        view.addAction(self._wall_action())
        from console.ui.disputes_dialog import install_disputes   # 执法调处, for the command
        self.disputes_action = install_disputes(view, self.tasks, lambda: self.actor, self)
        view.addSeparator()
        self.theme_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        labels = {"dark": self.tr("&Dark theme"), "light": self.tr("&Light theme")}
        for name in THEME_NAMES:
            action = QAction(labels[name], self, checkable=True)
            action.setChecked(name == current_theme())
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            group.addAction(action)
            view.addAction(action)
            self.theme_actions[name] = action
        view.addSeparator()
        reset = QAction(self.tr("&Reset layout"), self)
        reset.triggered.connect(self.reset_layout)
        view.addAction(reset)

        account = self.menuBar().addMenu(self.tr("&Account"))
        account.setObjectName("accountMenu")
        self.password_action = QAction(self.tr("Change my &password…"), self)
        self.password_action.triggered.connect(self.change_password)
        self.lock_action = QAction(self.tr("&Lock the seat"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_seat)
        self.shift_action = QAction(self.tr("&Shift change (sign out)…"), self)
        self.shift_action.triggered.connect(self.shift_change)
        for action in (self.password_action, self.lock_action, self.shift_action):
            account.addAction(action)

        self.admin_menu = self.menuBar().addMenu(self.tr("A&dministration"))
        self.admin_menu.setObjectName("adminMenu")
        self.users_action = QAction(self.tr("&Users…"), self)
        self.users_action.triggered.connect(self.show_users)
        self.admin_menu.addAction(self.users_action)
        install_admin_entries(self)
        self.grid_import_action = QAction(self.tr("Import &grid…"), self)
        self.grid_import_action.triggered.connect(self.show_grid_import)
        self.admin_menu.addAction(self.grid_import_action)
        self.admin_menu.menuAction().setVisible(False)   # until an administrator signs in

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    @Slot()
    def show_about(self) -> None:
        try:
            version = metadata.version("city-command-console")
        except metadata.PackageNotFoundError:
            version = "0.1"
        QMessageBox.about(self, self.tr("About"), self.tr(
            "<b>City Command Console</b> {version}<br><br>One screen for a city-management "
            "command centre: the unit grid, the case workflow, patrols and alerts.").format(
                version=version))

    # --- who works at this seat ------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        """The signed-in user: the status bar, the title, what the docks offer and the menus
        follow their role (what the role may not do is not shown; the services refuse it)."""
        self.actor = actor
        self.status.set_user(actor.name, actor.role.value, demo=actor.demo)
        self.queue_dock.set_actor(actor)
        self.alerts_dock.set_actor(actor)
        for dock in (getattr(self, "campaign_dock", None), getattr(self, "evaluation_dock", None)):
            if dock is not None:      # opened on demand; a shift change hands them over too
                dock.set_actor(actor)
        self.admin_menu.menuAction().setVisible(may(actor.role, Permission.MANAGE_USERS))
        self.password_action.setVisible(
            not actor.demo and may(actor.role, Permission.CHANGE_OWN_PASSWORD))
        self._update_title()
        self.actor_changed.emit(actor)

    @Slot()
    def lock_seat(self) -> None:
        """Cover the window and ask for the password again; nothing open is closed."""
        if self.actor is not None and not self.lock_overlay.is_locked():
            self.idle.pause()
            self.lock_overlay.lock(self.actor)

    @Slot()
    def shift_change(self) -> None:
        """交接班: the next user signs in on this window, its layout and open work kept."""
        self.idle.pause()
        self.lock_overlay.lock(self.actor, shift_change=True)

    def _unlocked(self, actor: Actor) -> None:
        if actor != self.actor:
            self.set_actor(actor)
        self.idle.resume()

    def change_password(self) -> None:
        if self.actor is not None:
            PasswordDialog(self.tasks, self.actor, parent=self).open()

    def show_users(self) -> None:
        if self.actor is not None:
            UsersDialog(self.tasks, self.actor, parent=self).open()

    def show_grid_import(self) -> None:
        if self.actor is not None:
            from console.ui.grid_import_dialog import GridImportDialog
            GridImportDialog(self.tasks, self.actor, parent=self).show()

    def load_idle_minutes(self) -> None:
        """The shared idle time after which seats lock, read off the GUI thread."""
        self.tasks.run(lambda s: get_setting(s, "seat_idle_lock_min"),
                       on_done=lambda minutes: self.idle.set_minutes(float(minutes)), owner=self)

    def _reload_actor(self) -> None:
        """Someone changed an account: if it was ours, follow the stored role, or lock the
        seat for the next user if ours was deactivated."""
        actor = self.actor
        if actor is None or actor.user_id is None:
            return
        self.tasks.run(lambda s: users.current_actor(s, actor),
                       on_done=self._actor_reloaded, owner=self)

    def _actor_reloaded(self, actor: Actor | None) -> None:
        if actor is None:
            self.shift_change()
        elif actor != self.actor:
            self.set_actor(actor)

    # --- title ---------------------------------------------------------------------------

    def load_city_name(self) -> None:
        """Read the city's name off the GUI thread and put it in the title."""
        self.tasks.run(readers.city_name, on_done=self.set_city_name, owner=self)
        self.tasks.run(backups.last_backup, on_done=self.status.set_backup, owner=self)

    def set_city_name(self, name: str) -> None:
        self._city = name or ""
        self._update_title()

    def _update_title(self) -> None:
        if self._city:
            title = self.tr("{city} · City Command Console").format(city=self._city)
        else:
            title = self.tr("City Command Console")
        if self.actor is not None and self.actor.demo:
            title = self.tr("{title} · Demo").format(title=title)
        self.setWindowTitle(title)

    @Slot(object)
    def _on_task_failed(self, exc: BaseException) -> None:
        self.status.showMessage(describe_error(exc), 10_000)

    # --- theme and layout ----------------------------------------------------------------

    def set_theme(self, name: str) -> None:
        """Switch the theme for the whole application and remember it for this seat."""
        name = apply_theme(QApplication.instance(), name)
        self.settings.set("ui/theme", name)
        self.theme_actions[name].setChecked(True)
        self.status_dock.apply_theme(name)

    @Slot()
    def reset_layout(self) -> None:
        """Back to the layout the console ships with: every dock visible in its place."""
        self.restoreState(self._default_state)
        for dock in (self.queue_dock, self.alerts_dock, self.status_dock):
            dock.setFloating(False)
            dock.show()

    def _first_size(self) -> QSize:
        """1440×900, or the screen's free area where that is smaller (a 1366×768 seat's
        window ran past the screen's bottom, its status bar out of sight)."""
        screen = self.screen() or QApplication.primaryScreen()
        return (FIRST_SIZE if screen is None
                else FIRST_SIZE.boundedTo(screen.availableGeometry().size()))

    def _restore_layout(self) -> None:
        geometry: QByteArray = self.settings.get("window/geometry")
        state: QByteArray = self.settings.get("window/state")
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        if not state.isEmpty():
            self.restoreState(state)

    def save_layout(self) -> None:
        """Remember geometry and dock layout for the next start of this seat: the seat's own
        when it closes on the wall, not the wall's (every dock hidden, full screen), which
        the next ordinary start would have opened with."""
        wall = getattr(self, "wall", None)
        if wall is not None and wall.active:
            self.settings.set("window/state", wall.seat_state)
        else:
            self.settings.set("window/geometry", self.saveGeometry())
            self.settings.set("window/state", self.saveState())
        self.settings.sync()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.lock_overlay.follow_window()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.idle.stop()
        self.lock_overlay.release()
        self.save_layout()
        # A closed window's map must stop following the feed now, not at the application's
        # quit: its clock would go on starting patrol work for a window nobody sees.
        self.map_widget.shutdown()
        super().closeEvent(event)
