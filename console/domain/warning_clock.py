"""alert_rules.warning_instant for many cases at once: a first pass asks it of 50,000.

Working time is counted from one origin, so a case's total and its warning instant are two
lookups (the workdays before a date, the workday with a given count, both memoised per date)
instead of two walks of the calendar. The same integer arithmetic as WorkCalendar, step for
step, so the instants are the very ones warning_instant gives (tests/test_warning_clock.py).
"""
from __future__ import annotations

from datetime import date, datetime

from console.domain.work_calendar import TimeUnit, WorkCalendar

_US = 1_000_000
_ORIGIN = date(2000, 1, 3)


class WarningClock:
    """When `share` of each case's time limit is used, for one calendar and share."""

    def __init__(self, calendar: WorkCalendar, share: float) -> None:
        self.calendar, self.share = calendar, share
        # date → (workdays in [origin, date), whether it is one)
        self._before: dict[date, tuple[int, bool]] = {}
        self._nth: dict[tuple[date, int], date] = {}  # (date, n) → n-th workday on or after it

    def instant(self, start: datetime, deadline: datetime, unit: TimeUnit | str) -> datetime:
        """alert_rules.warning_instant(calendar, start, deadline, unit, share)."""
        if unit == TimeUnit.HOURS or unit == "hours":
            return start + (deadline - start) * self.share
        cal = self.calendar
        day_us = cal._day_us
        s_day, s_used = self._count(start)
        d_day, d_used = self._count(deadline)
        total_us = (d_day - s_day) * day_us + d_used - s_used
        if total_us <= 0:
            return deadline
        # WorkCalendar.deadline(start, total / 3600 * share, WORK_HOURS), the same floats:
        amount = total_us / _US * self.share / 3600
        need = round(amount * (3600 * _US))
        if need == 0:
            return start
        k, rest = divmod(s_day * day_us + s_used + need, day_us)
        if rest == 0:
            k, rest = k - 1, day_us
        d = start.date()
        n = k - s_day + 1
        found = self._nth.get((d, n))
        if found is None:
            found = self._nth[(d, n)] = cal._nth_workday(d, n)
        return cal._at(found, rest)

    def _count(self, t: datetime) -> tuple[int, int]:
        """(workdays before t's date since the origin, work microseconds of its day before t)."""
        d = t.date()
        known = self._before.get(d)
        cal = self.calendar
        if known is None:
            known = self._before[d] = (cal._count_workdays(_ORIGIN, d) if d >= _ORIGIN
                                       else -cal._count_workdays(d, _ORIGIN), cal.is_workday(d))
        if not known[1]:
            return known[0], 0
        return known[0], cal._worked_before(((t.hour * 60 + t.minute) * 60 + t.second) * _US
                                            + t.microsecond)
