"""Starting the console: the QApplication, then database, demo city, sign-in, window, live feed.

Every step that touches the database runs off the GUI thread behind a progress dialog, so a
slow network database or a big demo build never freezes the screen.
"""
from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog

from console.live.feed_worker import FeedWorker
from console.live.tasks import ProgressRelay, TaskRunner, print_unexpected
from console.store.feed import current_seq
from console.common.application import create_application
from console.common.i18n import normalise_language
from console.domain.errors import DomainError
from console.services.actor import Actor
from console.ui.sign_in_dialog import FirstAdministratorDialog, SignInDialog
from console.common.messages import build_stage_name, describe_error, is_refusal
from console.common.seat_settings import SeatSettings

if TYPE_CHECKING:   # imported when needed: the window after the web engine starts, the
    # alert stack after the first screen (a cold start waits for neither import)
    from console.live.alert_worker import AlertWorker
    from console.ui.main_window import MainWindow

EXIT_OK, EXIT_FAILED, EXIT_BAD_USER, EXIT_DATABASE = 0, 1, 2, 3
DEFAULT_SCREENSHOT_DELAY_S = 3.0
# The live workers (feed, alert rules, listener, simulator) start once the first screen is
# up, or after this long if the map cannot show (a failed page must not keep them off).
LIVE_AT_LATEST_MS = 5_000


# lupdate finds calls named `translate` with a literal context and text.
translate = QCoreApplication.translate


def trace(step: str) -> None:
    """CITY_CONSOLE_START_TRACE=1: each start step's wall-clock time on stderr, to see where
    a cold start goes (the start-up benchmark knows when the command was given)."""
    if os.environ.get("CITY_CONSOLE_START_TRACE"):
        import time
        print(f"start-trace {time.time():.3f} {step}", file=sys.stderr, flush=True)


def _warm_web_engine() -> QObject:
    """Start Chromium (the map's engine) with an empty page, so its processes come up while
    Python imports the window and the database opens; the map's page then loads into a
    running engine (same default profile)."""
    import console.map.view  # noqa: F401 — sets Chromium's flags, read when this page is made
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage
    page = QWebEnginePage()
    page.load(QUrl("about:blank"))
    return page


def _mark_startup(variable: str = "CITY_CONSOLE_STARTUP_MARK") -> None:
    # `city-console bench` measures cold start from outside: it names a file for the moment
    # the window is shown, and (CITY_CONSOLE_SCREEN_MARK) for the queue's first rows and the
    # map's grid both on screen (wall-clock seconds since the epoch).
    mark = os.environ.get(variable)
    if mark:
        import time
        with open(mark, "w", encoding="utf-8") as f:
            f.write(f"{time.time():.3f}")


class _Startup:
    """One run of the GUI: what it opened, so shutdown can close it in the right order."""

    def __init__(self, app: QApplication, settings: SeatSettings) -> None:
        self.app = app
        self.settings = settings
        self.tasks = TaskRunner()
        self.db: Any = None
        self.window: MainWindow | None = None
        self.feed: FeedWorker | None = None
        self.alert_worker: AlertWorker | None = None
        self.simulator: Any = None
        self.listener: Any = None
        self.live = False
        self.warm_page: QObject | None = None
        self.dialog = QProgressDialog()
        self.dialog.setWindowTitle(translate("Startup", "City Command Console"))
        self.dialog.setCancelButton(None)
        self.dialog.setMinimumDuration(0)
        self.dialog.setMinimumWidth(420)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)

    def fail(self, message: str, code: int) -> int:
        """Say why the console cannot start: on stderr, and in a dialog if someone can see it."""
        self.dialog.close()
        print(message, file=sys.stderr)
        if self.app.platformName() != "offscreen":
            QMessageBox.critical(None, translate("Startup", "City Command Console"), message)
        return code

    def progress(self, text: str, fraction: float | None = None) -> None:
        self.dialog.setLabelText(text)
        if fraction is None:
            self.dialog.setRange(0, 0)   # a busy indicator: we cannot know how long it takes
        else:
            self.dialog.setRange(0, 1000)
            self.dialog.setValue(int(fraction * 1000))
        self.dialog.show()

    def run(self, db_url: str, username: str | None, demo: dict | None,
            screenshot: str | None, quit_after: float | None, wall: bool = False) -> int:
        from console.store.database import open_database

        self.progress(translate("Startup", "Opening the database…"))

        def meanwhile() -> None:
            self.warm_page = _warm_web_engine()
            import console.ui.main_window  # noqa: F401
        try:
            self.db = self.call_while(lambda: open_database(db_url), meanwhile)
        except Exception as exc:   # noqa: BLE001 — DatabaseOpenError, or anything the driver raises
            if not is_refusal(exc):   # a fault: its traceback goes to the log
                print_unexpected(exc)
            return self.fail(describe_error(exc), EXIT_DATABASE)
        self.tasks.db = self.db
        trace("database opened")
        self.settings.set("database/last_url", self.db.url_without_password)

        if demo is not None:
            code = self.build_demo(demo)
            if code != EXIT_OK:
                return code

        actor = self.sign_in(username)
        if isinstance(actor, int):
            return actor   # refused (an exit code), or nobody signed in
        self.first_setup(actor)

        # The feed starts where the window's first reads start: a change committed while the
        # window is being built then arrives through the feed instead of falling in the gap.
        since = self.tasks.run_and_wait(current_seq)
        trace("signed in")
        from console.ui.main_window import MainWindow
        self.window = MainWindow(self.tasks, self.settings, database_url=self.db.url)
        self.window.set_actor(actor)   # the queue's and the alerts' actions act as this user
        self.window.first_screen.connect(lambda: _mark_startup("CITY_CONSOLE_SCREEN_MARK"))
        self.window.queue_dock.model.loaded.connect(lambda: trace("queue rows"))
        self.window.map_widget.on_screen.connect(lambda _s: trace("map grid"))
        self.window.show()
        if wall:
            self.window.show_wall(True, can_leave=False)
        _mark_startup()
        trace("window shown")
        self.dialog.close()
        go_live = lambda: self.go_live(actor, since, demo)   # noqa: E731
        # From the event loop: the first screen's own handlers come first.
        self.window.first_screen.connect(lambda: QTimer.singleShot(0, go_live))
        self.window.map_widget.page_failed.connect(go_live)
        QTimer.singleShot(LIVE_AT_LATEST_MS, go_live)
        if screenshot or quit_after is not None:
            delay = quit_after if quit_after is not None else DEFAULT_SCREENSHOT_DELAY_S
            QTimer.singleShot(int(delay * 1000),
                              lambda: self.finish_automation(screenshot, quit_after is not None))
        self.app.setQuitOnLastWindowClosed(True)
        return self.app.exec()

    def call_while(self, fn: Callable[[], Any], meanwhile: Callable[[], None]) -> Any:
        """`fn` on a worker while `meanwhile` runs here, then its result (or its error raised),
        the GUI painting while it waits: opening the database overlaps the start of the web
        engine and the window's imports."""
        loop = QEventLoop()
        box: dict[str, Any] = {}

        def settle(key: str, value: Any) -> None:
            box[key] = value
            loop.quit()
        self.tasks.call(fn, on_done=lambda result: settle("result", result),
                        on_error=lambda exc: settle("error", exc))
        meanwhile()
        if not box:   # (an answer delivered meanwhile has quit a loop not yet running)
            loop.exec()
        if "error" in box:
            raise box["error"]
        return box["result"]

    def go_live(self, actor: Any, since: int | None, demo: dict | None) -> None:
        """Once, after the first screen: the feed (from where the window's reads started, so
        nothing falls in the gap), the alert rules, the listener and the simulator."""
        if self.live or self.window is None:
            return
        self.live = True
        if self.warm_page is not None:
            self.warm_page.deleteLater()   # the map's page runs in the engine now
            self.warm_page = None
        self.feed = FeedWorker(self.db, interval_ms=self.settings.get("live/feed_interval_ms"),
                               since=since)
        self.window.attach_feed(self.feed)
        self.feed.start()
        # The alert rules run on their own worker; the feed wakes it when cases change, from
        # the feed's thread (a NOTIFY away from any seat's commit, never behind the GUI).
        from console.live.alert_worker import AlertWorker
        self.alert_worker = AlertWorker(self.db)
        self.window.alerts_dock.attach_worker(self.alert_worker)
        self.alert_worker.follow(self.feed)
        self.alert_worker.start()
        self.start_listener(demo is not None and demo.get("via_http", False))
        if demo is not None:
            from console.sim.simulator import Simulator
            sender = None
            if self.listener is not None and demo.get("via_http"):
                from console.sim.via_http import HttpFixSender
                sender = HttpFixSender(self.listener.base_url)
            self.simulator = Simulator(self.db, seed=demo["seed"], speed=demo["speed"],
                                       send_fixes=sender)
            self.simulator.start()
        trace("live")

    def start_listener(self, for_simulator: bool) -> None:
        """The seat's field listener (a setting), or one on a free loopback port for the
        simulator's phones (--sim-via-http); never inside this process."""
        from console.ui.devices_dialog import install_devices_menu
        from console.ui.open311_keys_dialog import add_open311_keys_action
        from console.ui.listener import ListenerSupervisor, free_port
        if self.settings.get("listener/enabled"):
            host, port = self.settings.get("listener/host"), self.settings.get("listener/port")
        elif for_simulator:
            host, port = "127.0.0.1", free_port()
        else:
            host = port = None
        if port is not None:
            url = self.db.engine.url.render_as_string(hide_password=False)
            self.listener = ListenerSupervisor(url, host=host, port=port)
            self.listener.health.connect(self.window.status.show_listener)
            self.listener.state.connect(self.window.status.show_listener_state)
            self.listener.start()
        menu = install_devices_menu(self.window.menuBar(), self.tasks, self.listener,
                                    self.window)
        add_open311_keys_action(menu, self.tasks, self.window)
        from console.ui.field_sessions_dialog import install_field_sessions
        install_field_sessions(menu, self.tasks, lambda: self.window.actor, self.window)

    def sign_in(self, username: str | None) -> Actor | int:
        """Who works at this seat: in the demo city its user without a password, else the
        sign-in dialog (after the first administrator's account, on a database that has none).
        An exit code when nobody signs in."""
        from console.services import users
        self.progress(translate("Startup", "Signing in…"))
        try:
            demo = self.tasks.run_and_wait(users.is_demo)
            if username and not demo:
                # Naming a user on the command line is the demo's shortcut, never a way in.
                return self.fail(describe_error(DomainError("demo_only")), EXIT_BAD_USER)
            if demo:
                return self.tasks.run_and_wait(lambda s: users.demo_sign_in(s, username))
            first = self.tasks.run_and_wait(users.needs_administrator)
        except Exception as exc:   # noqa: BLE001
            if not is_refusal(exc):   # a fault: its traceback goes to the log
                print_unexpected(exc)
                return self.fail(describe_error(exc), EXIT_FAILED)
            return self.fail(describe_error(exc), EXIT_BAD_USER)   # unknown_user, no_users
        self.dialog.close()
        dialog = FirstAdministratorDialog(self.tasks) if first else SignInDialog(self.tasks)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
            return EXIT_OK   # the person at the seat chose not to sign in
        return dialog.actor

    def first_setup(self, actor: Actor) -> None:
        """A centre's first start (or one whose setup was left unfinished): the setup wizard,
        for an administrator; every page may be skipped and the wizard left for later."""
        from console.domain.permissions import Permission, may
        from console.services import setup_state
        if actor.demo or not may(actor.role, Permission.EDIT_SETTINGS):
            return
        try:
            if not self.tasks.run_and_wait(setup_state.needs_setup):
                return
        except Exception as exc:   # noqa: BLE001 — the window still opens; the menu has it
            print_unexpected(exc)
            return
        from console.ui.setup_wizard import resume_setup
        self.dialog.close()
        resume_setup(self.tasks, actor, self.settings).exec()

    def build_demo(self, demo: dict) -> int:
        """Build the demo city once, in a worker thread, with the generator's progress shown."""
        from console.sim import demo as demo_city
        db = self.db
        self.progress(translate("Startup", "Looking for the demo city…"))
        try:
            if self.tasks.call_and_wait(lambda: demo_city.demo_exists(db)):
                return EXIT_OK
            relay = ProgressRelay()
            relay.progress.connect(lambda fraction, stage: self.progress(
                translate("Startup", "Building the demo city: {stage}").format(
                    stage=build_stage_name(stage)), fraction))
            self.progress(translate("Startup", "Building the demo city…"), 0.0)
            self.tasks.call_and_wait(lambda: demo_city.build_demo(
                db, seed=demo["seed"], cells=demo["cells"], cases=demo["cases"], progress=relay))
        except Exception as exc:   # noqa: BLE001
            if not is_refusal(exc):   # a fault: its traceback goes to the log
                print_unexpected(exc)
            return self.fail(describe_error(exc), EXIT_FAILED)
        return EXIT_OK

    def finish_automation(self, screenshot: str | None, quit_now: bool) -> None:
        """Save the window as a PNG (for documentation and CI) and quit if asked to."""
        code = EXIT_OK
        if screenshot and self.window is not None:
            if not self.window.grab().save(screenshot, "PNG"):
                print(translate("Startup", "Could not write the screenshot to {path}").format(
                    path=screenshot), file=sys.stderr)
                code = EXIT_FAILED
        if quit_now:
            self.app.exit(code)

    def shutdown(self) -> None:
        """Stop the writers first, then the reader, then wait for queries; keep the layout."""
        self.live = True    # a pending go_live must not start anything now
        self.warm_page = None   # deleted now: before the web engine's profile goes
        self.dialog.close()
        if self.simulator is not None:
            self.simulator.stop()
        if self.listener is not None:
            self.listener.stop()     # serve writes what it accepted before it exits
        if self.alert_worker is not None:
            self.alert_worker.stop()
        if self.feed is not None:
            self.feed.stop()
        if self.window is not None and self.window.isVisible():
            self.window.close()   # saves the layout (a window the user closed already did)
        self.tasks.wait(10_000)
        # Deliver answers already queued while the window and database still exist.
        QCoreApplication.processEvents()
        self.settings.sync()
        if self.db is not None:
            self.db.dispose()


def run_gui(*, db_url: str, lang: str, username: str | None, demo: dict | None,
            screenshot: str | None, quit_after: float | None, wall: bool = False) -> int:
    """Run the console until its window closes; returns the process exit code (3: database)."""
    trace("imported")
    settings = SeatSettings.open()
    lang = normalise_language(lang or settings.get("ui/language"))
    app = create_application(sys.argv[:1] or ["city-console"], lang)
    settings.set("ui/language", lang)
    # Until the window is shown, closing the progress dialog must not end the application.
    app.setQuitOnLastWindowClosed(False)
    # Ctrl+C in the terminal: Qt's loop holds Python's signal handling, so wake it regularly.
    previous_handler = signal.signal(signal.SIGINT, lambda *_: app.quit())
    wake = QTimer(interval=500)
    wake.timeout.connect(lambda: None)
    wake.start()
    startup = _Startup(app, settings)
    try:
        return startup.run(db_url, username, demo, screenshot, quit_after, wall)
    finally:
        wake.stop()
        startup.shutdown()
        signal.signal(signal.SIGINT, previous_handler)
