"""The status bar: database and its health, live feed state, change rate, clock, signed-in user."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path, PurePath
from urllib.parse import parse_qs, urlsplit

from PySide6.QtCore import QTime, QTimer, Slot
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from console.common.messages import role_name
from console.common.theme import set_state


def describe_database(url: str) -> tuple[str, str]:
    """(kind, where) of a database URL: ('SQLite', 'demo.db'), ('PostgreSQL', 'host/db')."""
    scheme, _, rest = url.partition("://")
    backend = scheme.split("+")[0].lower()
    if backend == "sqlite":
        path = rest[1:] if rest.startswith("/") else rest
        return "SQLite", PurePath(path).name or ":memory:"
    parts = urlsplit(url)
    kind = {"postgresql": "PostgreSQL", "postgres": "PostgreSQL", "mysql": "MySQL"}.get(
        backend, backend or "?")
    # A primary and its standby named in the query (?host=a:5432&host=b:5432): show both.
    hosts = [h for value in parse_qs(parts.query).get("host", []) for h in value.split(",")]
    where = parts.hostname or ",".join(h.split(":")[0] for h in hosts) or "localhost"
    return kind, f"{where}{parts.path or ''}"


class ConsoleStatusBar(QStatusBar):
    """Permanent widgets on the right; temporary messages (errors of actions) on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consoleStatusBar")
        self.setSizeGripEnabled(False)
        # First, so nothing pushes it out of sight: deadlines are wrong while it shows.
        self.calendar_label = self._label("calendarWarning")
        self.calendar_label.hide()
        self.db_label = self._label("dbHealth")
        self.feed_label = self._label("feedState")
        self.rate_label = self._label("feedRate")
        self.listener_label = self._label("fieldListener")
        self.listener_label.hide()       # shown when this seat runs a listener
        self.user_label = self._label("signedInUser")
        self.clock_label = self._label("clock")
        self._database = ("", "")
        self._db_ok: bool | None = None
        self._backup_line = ""
        self.feed_label.setText(self.tr("Feed: connecting…"))
        set_state(self.feed_label, "state", "waiting")
        self.show_rate(0.0)
        self._show_database()
        self._clock = QTimer(self)
        # Ticking faster than once a second keeps the display from skipping a second.
        self._clock.setInterval(200)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._tick()

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        self.addPermanentWidget(label)
        return label

    def set_database(self, url: str) -> None:
        """Show which database this seat works on (password already hidden in `url`)."""
        self._database = describe_database(url)
        self._show_database()

    def set_database_ok(self, ok: bool) -> None:
        if ok != self._db_ok:
            self._db_ok = ok
            self._show_database()

    def _show_database(self) -> None:
        kind, where = self._database
        health = {None: self.tr("checking"), True: self.tr("connected"),
                  False: self.tr("unreachable")}[self._db_ok]
        self.db_label.setText(f"● {kind} {where} · {health}" if kind else f"● {health}")
        tip = self.tr("Database this seat reads and writes")
        self.db_label.setToolTip(f"{tip}\n{self._backup_line}" if self._backup_line else tip)
        set_state(self.db_label, "state",
                  {None: "waiting", True: "ok", False: "error"}[self._db_ok])

    def set_backup(self, status) -> None:
        """The last daily backup (console.services.backups.BackupStatus, or None): a line in the
        database's tooltip, for the administrator."""
        if status is None:
            self._backup_line = self.tr("No daily backup yet")
        elif status.error:
            self._backup_line = self.tr("Last backup failed at {time}: {error}").format(
                time=f"{status.at:%Y-%m-%d %H:%M}", error=status.error)
        else:
            self._backup_line = self.tr("Last backup: {time} · {file} ({size} MB)").format(
                time=f"{status.at:%Y-%m-%d %H:%M}", file=Path(status.path).name,
                size=f"{status.size / 1e6:.1f}")
        self._show_database()

    def set_user(self, name: str, role: str, *, demo: bool = False) -> None:
        """The signed-in user and their role (role code, shown translated); in the demo city,
        signed in without a password, it says so."""
        text = self.tr("{name} ({role})").format(name=name, role=role_name(role))
        if demo:
            text = self.tr("Demo · {user} · no password").format(user=text)
        self.user_label.setText(text)
        set_state(self.user_label, "state", "demo" if demo else "ok")

    @Slot(object)
    def show_calendar_warning(self, warning) -> None:
        """The calendar lacks the holiday schedule of a year deadlines run in
        (console.services.holidays.CalendarWarning), or None: nothing missing, no warning."""
        if warning is None:
            self.calendar_label.hide()
            self.calendar_label.clear()
            return
        years = self.tr(", ").join(str(y) for y in warning.years)
        # Short: the status bar is as wide as its labels, and the English sentence pushed a
        # 1366-px window past the screen. The tooltip says what it means for deadlines.
        self.calendar_label.setText(self.tr(
            "⚠ No {years} holidays in the work calendar").format(years=years))
        self.calendar_label.setToolTip(self.tr(
            "Until an administrator updates the work calendar (Administration → Work "
            "calendar: seed the national schedule or import the dates), deadlines in {years} "
            "treat public holidays as workdays and make-up workdays as days off.").format(
                years=years))
        set_state(self.calendar_label, "state", "error")
        self.calendar_label.show()

    @Slot(dict)
    def show_feed_status(self, status: dict) -> None:
        """Render the feed worker's periodic status."""
        ok = bool(status.get("ok"))
        self.set_database_ok(ok)
        if not ok:
            return   # the error text stays until the feed recovers
        last: datetime | None = status.get("last_change_at")
        last_text = last.strftime("%H:%M:%S") if last else self.tr("none yet")
        self.feed_label.setText(self.tr("Live · seq {seq} · last change {time}").format(
            seq=status.get("seq") if status.get("seq") is not None else "—", time=last_text))
        self.feed_label.setToolTip("")
        set_state(self.feed_label, "state", "ok")
        self.show_rate(float(status.get("rows_per_s") or 0.0))

    @Slot(str)
    def show_feed_error(self, message: str) -> None:
        """The feed cannot read the database; it keeps retrying."""
        self.set_database_ok(False)
        self.feed_label.setText(self.tr("Feed interrupted · retrying"))
        self.feed_label.setToolTip(message)
        set_state(self.feed_label, "state", "error")

    def show_rate(self, rate: float) -> None:
        self.rate_label.setText(self.tr("{rate} changes/s").format(rate=f"{rate:.1f}"))
        self.rate_label.setToolTip(self.tr("Changes per second from all seats, the field and the "
                                           "simulator (last five seconds)"))

    @Slot(str)
    def show_listener_state(self, state: str) -> None:
        """The local listener's process: starting, running, restarting:<s>, stopped."""
        self.listener_label.show()
        if state == "running":
            return          # the health report says more
        if state.startswith("restarting:"):
            text = self.tr("Listener: exited, restarting in {s} s").format(s=state.split(":")[1])
        else:
            text = {"starting": self.tr("Listener: starting…"),
                    "stopped": self.tr("Listener: stopped")}.get(state, state)
        self.listener_label.setText(text)
        set_state(self.listener_label, "state", "waiting" if state == "starting" else "error")

    @Slot(dict)
    def show_listener(self, health: dict) -> None:
        """The local listener's /healthz: its port, fixes written a second, the last write."""
        self.listener_label.show()
        age = health.get("last_write_age_s")
        last = self.tr("no fix yet") if age is None else self.tr("last fix {s} s ago").format(
            s=f"{age:.0f}")
        self.listener_label.setText(self.tr("Listener :{port} · {rate}/s · {last}").format(
            port=health.get("port"), rate=f"{float(health.get('rate') or 0):.1f}", last=last))
        self.listener_label.setToolTip(self.tr(
            "Field listener (Traccar Client / OsmAnd) run by this seat: queue {depth}/{cap}, "
            "database {db}").format(depth=health.get("queue_depth"),
                                    cap=health.get("queue_capacity"), db=health.get("database")))
        ok = health.get("database") == "reachable"
        set_state(self.listener_label, "state", "ok" if ok else "error")

    @Slot()
    def _tick(self) -> None:
        text = QTime.currentTime().toString("HH:mm:ss")
        if text != self.clock_label.text():
            self.clock_label.setText(text)
