"""Working-time calendar for case deadlines: work periods, weekends, holidays and make-up workdays."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

_US = 1_000_000  # all internal arithmetic is in integer microseconds so day splits never drift
_ONE_DAY = timedelta(days=1)
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
_KEYS = {"periods", "weekend", "holidays", "makeup_workdays"}


class TimeUnit(StrEnum):
    """How a time limit is counted."""

    WORK_HOURS = "work_hours"
    WORK_DAYS = "work_days"
    HOURS = "hours"  # wall-clock hours: urgent cases run round the clock


def _micros_of_day(t: datetime | time) -> int:
    """Microseconds since midnight of a datetime's (or time's) clock reading."""
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US + t.microsecond


@dataclass(frozen=True)
class WorkCalendar:
    """Work periods per day, weekend weekdays, public holidays and make-up workdays (调休)."""

    periods: tuple[tuple[time, time], ...] = ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30)))
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Accept lists/sets from callers, but store hashable, canonical (sorted) values.
        periods = tuple(tuple(p) for p in self.periods)
        if any(len(p) != 2 for p in periods):
            raise ValueError(f"each period must be a (start, end) pair, got {periods!r}")
        if any(not isinstance(t, time) for p in periods for t in p):
            raise ValueError(f"period bounds must be datetime.time, got {periods!r}")
        if any(t.tzinfo is not None for p in periods for t in p):
            raise ValueError("period times must be naive local times")
        periods = tuple(sorted(periods))
        set_ = object.__setattr__
        set_(self, "periods", periods)
        set_(self, "weekend", frozenset(self.weekend))
        set_(self, "holidays", frozenset(self.holidays))
        set_(self, "makeup_workdays", frozenset(self.makeup_workdays))
        if not periods:
            raise ValueError("work calendar needs at least one work period")
        table, cum, prev_end = [], 0, None
        for start, end in periods:
            if end <= start:
                raise ValueError(f"period {start:%H:%M}-{end:%H:%M} ends before it starts")
            if prev_end is not None and start < prev_end:
                raise ValueError(f"period starting {start:%H:%M} overlaps the one ending {prev_end:%H:%M}")
            s, e = _micros_of_day(start), _micros_of_day(end)
            table.append((s, e, cum))  # cum = work microseconds in the day before this period
            cum += e - s
            prev_end = end
        bad = [w for w in self.weekend if not isinstance(w, int) or not 0 <= w <= 6]
        if bad:
            raise ValueError(f"weekend days must be weekday numbers 0-6, got {bad}")
        if len(self.weekend) == 7:
            # Holidays are finite, so any calendar with a regular workday always terminates.
            raise ValueError("work calendar has no workdays: every weekday is a weekend day")
        for name in ("holidays", "makeup_workdays"):
            if any(not isinstance(d, date) or isinstance(d, datetime) for d in getattr(self, name)):
                raise ValueError(f"{name} must contain dates")
        both = self.holidays & self.makeup_workdays
        if both:
            raise ValueError(f"dates both holiday and make-up workday: {sorted(d.isoformat() for d in both)}")
        set_(self, "_cache", {})  # per-date is_workday memo; not a field, so eq/hash/repr ignore it
        set_(self, "_table", tuple(table))
        set_(self, "_day_us", cum)
        set_(self, "_per_week", 7 - len(self.weekend))
        # Only exceptions that change the weekly pattern matter for counting workdays in a range.
        set_(self, "_hol_ords", sorted(d.toordinal() for d in self.holidays if d.weekday() not in self.weekend))
        set_(self, "_mk_ords", sorted(d.toordinal() for d in self.makeup_workdays if d.weekday() in self.weekend))

    # ---- basic predicates -------------------------------------------------------------------

    @property
    def work_day_seconds(self) -> float:
        """Length of one work day in seconds (sum of the periods)."""
        return self._day_us / _US

    def is_workday(self, d: date) -> bool:
        """True when `d` is worked: make-up days yes, holidays no, otherwise not a weekend day."""
        if isinstance(d, datetime):
            d = d.date()
        hit = self._cache.get(d)
        if hit is None:
            if d in self.holidays:
                hit = False
            elif d in self.makeup_workdays:
                hit = True
            else:
                hit = d.weekday() not in self.weekend
            self._cache[d] = hit
        return hit

    def is_working_time(self, dt: datetime) -> bool:
        """True when `dt` lies inside a work period of a workday (start inclusive, end exclusive)."""
        t = _micros_of_day(dt)
        return self.is_workday(dt.date()) and any(s <= t < e for s, e, _ in self._table)

    # ---- internal helpers ------------------------------------------------------------------

    def _worked_before(self, t: int) -> int:
        """Work microseconds of a workday that lie before clock reading `t`."""
        for s, e, cum in self._table:
            if t <= s:
                return cum
            if t < e:
                return cum + t - s
        return self._day_us

    def _at(self, d: date, target: int) -> datetime:
        """Earliest instant on workday `d` by which `target` (>0) work microseconds have passed."""
        for s, e, cum in self._table:
            if target <= cum + e - s:  # '<=' so we stop at a period end rather than the next start
                return datetime(d.year, d.month, d.day) + timedelta(microseconds=s + target - cum)
        raise AssertionError("target beyond the work day")  # callers guarantee target <= _day_us

    def _count_workdays(self, d1: date, d2: date) -> int:
        """Number of workdays in [d1, d2), computed arithmetically (d1 <= d2)."""
        n = (d2 - d1).days
        weeks, rest = divmod(n, 7)
        wd = d1.weekday()
        count = weeks * self._per_week + sum(1 for i in range(rest) if (wd + i) % 7 not in self.weekend)
        o1, o2 = d1.toordinal(), d2.toordinal()
        count -= bisect_left(self._hol_ords, o2) - bisect_left(self._hol_ords, o1)
        count += bisect_left(self._mk_ords, o2) - bisect_left(self._mk_ords, o1)
        return count

    def _nth_workday(self, d: date, n: int) -> date:
        """The n-th (n >= 1) workday on or after `d`."""
        # Jump whole weeks while far away; the week count undershoots so we never pass the target.
        while n > self._per_week:
            d2 = d + timedelta(days=7 * ((n - 1) // self._per_week))
            c = self._count_workdays(d, d2)
            if c >= n:  # many make-up days in range: fall back to walking
                break
            n -= c
            d = d2
        while True:
            if self.is_workday(d):
                n -= 1
                if n == 0:
                    return d
            d += _ONE_DAY

    def _work_us_between(self, a: datetime, b: datetime) -> int:
        """Work microseconds in [a, b] for a <= b."""
        da, db = a.date(), b.date()
        wa = self._worked_before(_micros_of_day(a)) if self.is_workday(da) else 0
        wb = self._worked_before(_micros_of_day(b)) if self.is_workday(db) else 0
        if da == db:
            return wb - wa
        # Whole days from da (inclusive) to db (exclusive), then shift by the partial ends.
        return self._count_workdays(da, db) * self._day_us - wa + wb

    # ---- public API ------------------------------------------------------------------------

    def deadline(self, start: datetime, amount: float, unit: TimeUnit | str) -> datetime:
        """Instant at which `amount` of `unit` has elapsed from `start`."""
        unit = TimeUnit(unit)
        if amount < 0:
            raise ValueError(f"time limit must not be negative, got {amount}")
        if unit is TimeUnit.HOURS:
            return start + timedelta(hours=amount)
        per = 3600 * _US if unit is TimeUnit.WORK_HOURS else self._day_us
        need = round(amount * per)
        if need == 0:
            return start
        d = start.date()
        if self.is_workday(d):
            used = self._worked_before(_micros_of_day(start))
            left = self._day_us - used
            if need <= left:
                return self._at(d, used + need)
            need -= left
        # `need` > 0 now spans full later workdays plus a last, partial (or exactly full) one.
        full, last = divmod(need, self._day_us)
        if last == 0:
            full, last = full - 1, self._day_us
        try:
            return self._at(self._nth_workday(d + _ONE_DAY, full + 1), last)
        except OverflowError as exc:
            raise ValueError(f"deadline for {amount} {unit} from {start} is beyond the calendar") from exc

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Working seconds from `a` to `b`; negative if `b` is before `a`."""
        if b < a:
            return -self._work_us_between(b, a) / _US
        return self._work_us_between(a, b) / _US

    def _elapsed(self, a: datetime, b: datetime, unit: TimeUnit | str) -> float:
        """Seconds from `a` to `b` in the unit's clock (wall for hours, working otherwise)."""
        if TimeUnit(unit) is TimeUnit.HOURS:
            return (b - a).total_seconds()
        return self.working_seconds_between(a, b)

    def remaining_seconds(self, deadline: datetime, now: datetime, unit: TimeUnit | str) -> float:
        """Seconds left until `deadline` in the unit's clock; negative when overdue."""
        return self._elapsed(now, deadline, unit)

    def share_used(self, start: datetime, deadline: datetime, now: datetime, unit: TimeUnit | str) -> float:
        """Fraction of the time limit used: 0 at start, 1.0 at deadline, >1 overdue."""
        total = self._elapsed(start, deadline, unit)
        if total <= 0:
            # A zero-length limit has no meaningful fraction: it is simply due or not yet due.
            return 1.0 if now >= deadline else 0.0
        return self._elapsed(start, now, unit) / total

    # ---- serialisation ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: times as "HH:MM[:SS]", dates as ISO strings, all lists sorted."""
        def fmt(t: time) -> str:
            return t.strftime("%H:%M:%S" if t.second else "%H:%M")

        return {
            "periods": [[fmt(s), fmt(e)] for s, e in self.periods],
            "weekend": sorted(self.weekend),
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "makeup_workdays": sorted(d.isoformat() for d in self.makeup_workdays),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkCalendar:
        """Build a calendar from `to_dict` output; missing keys take defaults; raises ValueError."""
        if not isinstance(data, dict):
            raise ValueError(f"work calendar must be a mapping, got {type(data).__name__}")
        unknown = set(data) - _KEYS
        if unknown:
            raise ValueError(f"unknown work calendar keys: {sorted(unknown)}")
        kwargs: dict[str, Any] = {}
        if "periods" in data:
            periods = []
            for p in data["periods"]:
                if not isinstance(p, (list, tuple)) or len(p) != 2:
                    raise ValueError(f"a period must be a [start, end] pair, got {p!r}")
                periods.append((_parse_time(p[0]), _parse_time(p[1])))
            kwargs["periods"] = tuple(periods)
        if "weekend" in data:
            wk = data["weekend"]
            if any(isinstance(w, bool) or not isinstance(w, int) for w in wk):
                raise ValueError(f"weekend must be a list of weekday numbers 0-6, got {wk!r}")
            kwargs["weekend"] = frozenset(wk)
        for name in ("holidays", "makeup_workdays"):
            if name in data:
                kwargs[name] = frozenset(_parse_date(s, name) for s in data[name])
        return cls(**kwargs)


def _parse_time(s: Any) -> time:
    """Parse "HH:MM" or "HH:MM:SS" strictly."""
    m = _TIME_RE.match(s) if isinstance(s, str) else None
    if m is None:
        raise ValueError(f"bad time {s!r}: expected \"HH:MM\" or \"HH:MM:SS\"")
    return time(int(m[1]), int(m[2]), int(m[3] or 0))


def _parse_date(s: Any, name: str) -> date:
    """Parse an ISO "YYYY-MM-DD" date."""
    try:
        if not isinstance(s, str) or len(s) != 10:
            raise ValueError
        return date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"bad date {s!r} in {name}: expected \"YYYY-MM-DD\"") from None
