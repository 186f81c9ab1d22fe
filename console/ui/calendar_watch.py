"""Whether the work calendar has the holiday schedule of the years deadlines run in, re-checked
when the calendar changes on any seat (the feed) and when the date does (midnight).

The check is console/services/holidays.py `calendar_warning`, read on a worker; the answer
goes to the status bar, which keeps the warning up until a check finds nothing missing.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from console.domain.changes import ChangeKind
from console.live.tasks import TaskRunner
from console.services import holidays

#: The feed kinds that can change the answer (tests/test_feed_kinds.py checks a producer).
FEED_KINDS = frozenset({ChangeKind.SETTINGS})
# A check a little after midnight: the clock of the machine may run a moment early.
_AFTER_MIDNIGHT_MS = 5_000


def ms_to_next_midnight(now: datetime) -> int:
    """Milliseconds from `now` to just after the next midnight."""
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return int((midnight - now).total_seconds() * 1000) + _AFTER_MIDNIGHT_MS


class CalendarWatch(QObject):
    """Emits `warning` with a CalendarWarning, or None once the calendar is complete again."""

    warning = Signal(object)

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None, *,
                 today: Callable[[], date] = date.today,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self._today, self._clock = today, clock
        self.last: holidays.CalendarWarning | None = None
        self._midnight = QTimer(self, singleShot=True)
        self._midnight.timeout.connect(self._at_midnight)

    def start(self) -> None:
        """Check now, and again after every midnight."""
        self.check()
        self._arm()

    def _arm(self) -> None:
        self._midnight.start(ms_to_next_midnight(self._clock()))

    @Slot()
    def _at_midnight(self) -> None:
        self.check()
        self._arm()

    @Slot()
    def check(self) -> None:
        today = self._today()
        self.tasks.run(lambda s: holidays.calendar_warning(s, today), on_done=self._answer,
                       on_error=lambda _exc: None,   # the next change or midnight tries again
                       owner=self, key=(id(self), "calendar-warning"))

    def _answer(self, warning: holidays.CalendarWarning | None) -> None:
        self.last = warning
        self.warning.emit(warning)

    @Slot(object)
    def on_feed(self, batch) -> None:
        """A shared setting changed somewhere: if it was the calendar, check again."""
        if any(row.entity == ChangeKind.SETTINGS
               and (row.payload or {}).get("key") in (None, "work_calendar")
               for row in batch.rows):
            self.check()
