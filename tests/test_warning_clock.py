"""The first pass's warning instants are warning_instant's, whatever the calendar."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.alert_rules import warning_instant
from console.domain.warning_clock import WarningClock
from console.domain.work_calendar import WorkCalendar

BASE = datetime(2026, 9, 25)
days = st.integers(0, 60).map(lambda n: (BASE + timedelta(days=n)).date())
instants = st.integers(0, 40 * 86_400 * 1_000_000).map(lambda us: BASE + timedelta(microseconds=us))
calendars = st.builds(
    lambda weekend, holidays, makeup, lunch: WorkCalendar(
        periods=((time(9), time(12)), (time(13, 30), time(18))) if lunch
        else ((time(8, 30), time(17, 15)),),
        weekend=frozenset(weekend), holidays=frozenset(holidays),
        makeup_workdays=frozenset(makeup - holidays)),
    st.sets(st.integers(0, 6), max_size=3), st.sets(days, max_size=8),
    st.sets(days, max_size=3), st.booleans())


@settings(max_examples=400, deadline=None)
@given(calendars, st.lists(st.tuples(instants, instants), min_size=1, max_size=12),
       st.sampled_from([0.0, 0.25, 0.8, 1.0]), st.sampled_from(["work_days", "work_hours",
                                                                 "hours"]))
def test_the_clock_gives_warning_instant(calendar, cases, share, unit):
    clock = WarningClock(calendar, share)
    for start, deadline in cases + cases:    # twice: the memos answer the second time
        assert clock.instant(start, deadline, unit) == warning_instant(
            calendar, start, deadline, unit, share), (start, deadline)


def test_a_deadline_at_the_end_of_a_day_and_one_before_the_origin():
    calendar = WorkCalendar()
    clock = WarningClock(calendar, 0.5)
    for start, deadline in [(datetime(2026, 11, 23, 9), datetime(2026, 11, 24, 17, 0)),
                            (datetime(1999, 12, 30, 10), datetime(2000, 1, 5, 12)),
                            (datetime(2026, 11, 28, 10), datetime(2026, 11, 28, 11))]:
        assert clock.instant(start, deadline, "work_days") == warning_instant(
            calendar, start, deadline, "work_days", 0.5)
    assert date(2000, 1, 3).weekday() == 0
