"""Work calendar: worked deadline examples, clocks for remaining/share, serialisation and properties."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.domain.work_calendar import TimeUnit, WorkCalendar

H = 3600
DEFAULT = WorkCalendar()

# 2024 PRC schedule around Mid-Autumn and National Day (国务院办公厅 2024 holiday notice).
HOLIDAYS_2024 = frozenset(
    [date(2024, 9, d) for d in (15, 16, 17)] + [date(2024, 10, d) for d in range(1, 8)]
)
MAKEUP_2024 = frozenset({date(2024, 9, 14), date(2024, 9, 29), date(2024, 10, 12)})
CN = WorkCalendar(holidays=HOLIDAYS_2024, makeup_workdays=MAKEUP_2024)


def dt(*args: int) -> datetime:
    return datetime(*args)


# ---- worked examples ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        # 2024-05-13 is a Monday.
        (dt(2024, 5, 13, 11, 0), 2, "work_hours", dt(2024, 5, 13, 15, 0)),  # across lunch
        (dt(2024, 5, 13, 12, 30), 1, "work_hours", dt(2024, 5, 13, 15, 0)),  # starts in lunch
        (dt(2024, 5, 13, 7, 0), 1, "work_hours", dt(2024, 5, 13, 9, 30)),  # before work
        (dt(2024, 5, 13, 8, 30), 3.5, "work_hours", dt(2024, 5, 13, 12, 0)),  # ends at period end
        (dt(2024, 5, 13, 17, 0), 1, "work_hours", dt(2024, 5, 14, 9, 0)),  # across evening
        (dt(2024, 5, 13, 20, 0), 1, "work_hours", dt(2024, 5, 14, 9, 30)),  # starts in evening
        (dt(2024, 5, 17, 16, 30), 1, "work_hours", dt(2024, 5, 17, 17, 30)),  # Fri, ends at close
        (dt(2024, 5, 17, 17, 30), 1, "work_hours", dt(2024, 5, 20, 9, 30)),  # over weekend
        (dt(2024, 5, 18, 10, 0), 1, "work_hours", dt(2024, 5, 20, 9, 30)),  # starts Saturday
        (dt(2024, 5, 13, 9, 15), 0.25, "work_hours", dt(2024, 5, 13, 9, 30)),  # fractional
        (dt(2024, 5, 13, 10, 0), 1, "work_days", dt(2024, 5, 14, 10, 0)),
        (dt(2024, 5, 13, 8, 30), 1, "work_days", dt(2024, 5, 13, 17, 30)),
        (dt(2024, 5, 13, 10, 0), 5, "work_days", dt(2024, 5, 20, 10, 0)),
        (dt(2024, 5, 13, 10, 0), 0.5, "work_days", dt(2024, 5, 13, 15, 30)),
        (dt(2024, 5, 13, 10, 0), 30, "work_days", dt(2024, 6, 24, 10, 0)),  # six plain weeks
        (dt(2024, 5, 17, 22, 0), 4, "hours", dt(2024, 5, 18, 2, 0)),  # wall clock past midnight
        (dt(2024, 5, 17, 22, 0), 48, "hours", dt(2024, 5, 19, 22, 0)),  # and through a weekend
        (dt(2024, 5, 17, 22, 0), 0.5, TimeUnit.HOURS, dt(2024, 5, 17, 22, 30)),
    ],
)
def test_default_calendar_examples(start, amount, unit, expected):
    assert DEFAULT.deadline(start, amount, unit) == expected


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        # Mon 30 Sep 16:00: 1.5 h left that day, then Oct 1-7 off; resume Tue 8 Oct.
        (dt(2024, 9, 30, 16, 0), 3, "work_hours", dt(2024, 10, 8, 10, 0)),
        # Fri 11 Oct 17:00: Saturday 12 Oct is a make-up workday.
        (dt(2024, 10, 11, 17, 0), 1, "work_hours", dt(2024, 10, 12, 9, 0)),
        # Sat 28 Sep is off, Sun 29 Sep is worked.
        (dt(2024, 9, 28, 10, 0), 1, "work_days", dt(2024, 9, 29, 17, 30)),
        # Fri 27 Sep 10:00 + 21 h: 5.5 Fri, 7 Sun 29 (make-up), 7 Mon 30, 1.5 on Tue 8 Oct.
        (dt(2024, 9, 27, 10, 0), 3, "work_days", dt(2024, 10, 8, 10, 0)),
        # Fri 13 Sep: Sat 14 make-up, Sun 15 - Tue 17 Mid-Autumn holiday.
        (dt(2024, 9, 13, 17, 0), 1, "work_days", dt(2024, 9, 14, 17, 0)),
        (dt(2024, 9, 14, 17, 0), 1, "work_hours", dt(2024, 9, 18, 9, 0)),
        # The holiday does not affect wall-clock hours.
        (dt(2024, 9, 30, 16, 0), 24, "hours", dt(2024, 10, 1, 16, 0)),
        # Long span over both holidays: 6.5 h on Mon 2 Sep, 20 full days (incl. two make-ups), 0.5 h.
        (dt(2024, 9, 2, 9, 0), 21, "work_days", dt(2024, 10, 8, 9, 0)),
    ],
)
def test_holiday_and_makeup_examples(start, amount, unit, expected):
    assert CN.deadline(start, amount, unit) == expected


def test_single_midweek_holiday():
    cal = WorkCalendar(holidays=frozenset({date(2024, 5, 15)}))  # a Wednesday
    assert cal.deadline(dt(2024, 5, 14, 17, 0), 1, "work_hours") == dt(2024, 5, 16, 9, 0)
    assert cal.deadline(dt(2024, 5, 13, 10, 0), 5, "work_days") == dt(2024, 5, 21, 10, 0)


def test_amount_zero_returns_start_even_outside_working_time():
    saturday_night = dt(2024, 5, 18, 3, 0)
    for unit in TimeUnit:
        assert DEFAULT.deadline(saturday_night, 0, unit) == saturday_night


@pytest.mark.parametrize("unit", list(TimeUnit))
def test_negative_amount_rejected(unit):
    with pytest.raises(ValueError):
        DEFAULT.deadline(dt(2024, 5, 13, 10, 0), -1, unit)


def test_unknown_unit_rejected():
    with pytest.raises(ValueError):
        DEFAULT.deadline(dt(2024, 5, 13, 10, 0), 1, "fortnights")


def test_custom_periods_define_the_work_day():
    cal = WorkCalendar(periods=((time(9), time(17)),), weekend=frozenset({6}))
    assert cal.work_day_seconds == 8 * H
    assert cal.deadline(dt(2024, 5, 17, 13, 0), 1, "work_days") == dt(2024, 5, 18, 13, 0)  # Sat worked
    assert cal.deadline(dt(2024, 5, 18, 13, 0), 1, "work_days") == dt(2024, 5, 20, 13, 0)  # Sun off


def test_predicates():
    assert DEFAULT.work_day_seconds == 7 * H
    assert DEFAULT.is_workday(date(2024, 5, 17)) and not DEFAULT.is_workday(date(2024, 5, 18))
    assert CN.is_workday(date(2024, 10, 12)) and not CN.is_workday(date(2024, 10, 2))
    assert DEFAULT.is_working_time(dt(2024, 5, 13, 8, 30))
    assert DEFAULT.is_working_time(dt(2024, 5, 13, 11, 59, 59))
    assert not DEFAULT.is_working_time(dt(2024, 5, 13, 12, 0))  # end is exclusive
    assert not DEFAULT.is_working_time(dt(2024, 5, 13, 8, 29, 59))
    assert not DEFAULT.is_working_time(dt(2024, 5, 18, 10, 0))
    assert CN.is_working_time(dt(2024, 10, 12, 10, 0))
    assert not CN.is_working_time(dt(2024, 10, 2, 10, 0))


def test_working_seconds_between():
    assert DEFAULT.working_seconds_between(dt(2024, 5, 13, 11), dt(2024, 5, 13, 15)) == 2 * H
    assert DEFAULT.working_seconds_between(dt(2024, 5, 13, 15), dt(2024, 5, 13, 11)) == -2 * H
    assert DEFAULT.working_seconds_between(dt(2024, 5, 17, 17), dt(2024, 5, 20, 9)) == 1 * H
    assert DEFAULT.working_seconds_between(dt(2024, 5, 18, 1), dt(2024, 5, 19, 23)) == 0
    assert CN.working_seconds_between(dt(2024, 9, 27, 10), dt(2024, 10, 8, 10)) == 21 * H


# ---- remaining time and share used -------------------------------------------------------------

def test_remaining_and_share_in_work_hours():
    start = dt(2024, 5, 13, 10, 0)
    due = DEFAULT.deadline(start, 7, "work_hours")
    assert due == dt(2024, 5, 14, 10, 0)
    assert DEFAULT.share_used(start, due, start, "work_hours") == 0.0
    assert DEFAULT.share_used(start, due, dt(2024, 5, 13, 15, 30), "work_hours") == pytest.approx(0.5)
    assert DEFAULT.share_used(start, due, due, "work_hours") == 1.0
    assert DEFAULT.share_used(start, due, dt(2024, 5, 14, 11, 0), "work_hours") == pytest.approx(8 / 7)
    # The evening and the lunch break do not count for work units.
    evening, morning = dt(2024, 5, 13, 20, 0), dt(2024, 5, 14, 8, 30)
    assert DEFAULT.share_used(start, due, evening, "work_hours") == pytest.approx(5.5 / 7)
    assert DEFAULT.share_used(start, due, evening, "work_hours") == DEFAULT.share_used(
        start, due, morning, "work_hours")
    assert DEFAULT.share_used(start, due, dt(2024, 5, 13, 12, 0), "work_hours") == pytest.approx(2 / 7)
    assert DEFAULT.share_used(start, due, dt(2024, 5, 13, 13, 59), "work_hours") == pytest.approx(2 / 7)
    assert DEFAULT.remaining_seconds(due, evening, "work_hours") == 1.5 * H
    assert DEFAULT.remaining_seconds(due, due, "work_hours") == 0
    assert DEFAULT.remaining_seconds(due, dt(2024, 5, 14, 11, 0), "work_days") == -1 * H


def test_remaining_and_share_in_wall_hours():
    start = dt(2024, 5, 17, 10, 0)
    due = DEFAULT.deadline(start, 24, "hours")
    assert DEFAULT.share_used(start, due, dt(2024, 5, 17, 22, 0), "hours") == pytest.approx(0.5)
    assert DEFAULT.share_used(start, due, dt(2024, 5, 18, 16, 0), "hours") == pytest.approx(1.25)
    assert DEFAULT.remaining_seconds(due, dt(2024, 5, 18, 4, 0), "hours") == 6 * H
    assert DEFAULT.remaining_seconds(due, dt(2024, 5, 18, 12, 0), "hours") == -2 * H


def test_share_used_for_zero_length_limit():
    start = dt(2024, 5, 13, 10, 0)
    assert DEFAULT.share_used(start, start, start - timedelta(minutes=1), "work_hours") == 0.0
    assert DEFAULT.share_used(start, start, start, "work_hours") == 1.0


# ---- serialisation -----------------------------------------------------------------------------

def test_dict_round_trip_through_json():
    data = CN.to_dict()
    assert data["periods"] == [["08:30", "12:00"], ["14:00", "17:30"]]
    assert data["weekend"] == [5, 6]
    assert "2024-10-01" in data["holidays"] and "2024-10-12" in data["makeup_workdays"]
    again = WorkCalendar.from_dict(json.loads(json.dumps(data)))
    assert again == CN
    assert again.deadline(dt(2024, 9, 30, 16), 3, "work_hours") == dt(2024, 10, 8, 10)
    assert WorkCalendar.from_dict({}) == DEFAULT


def test_from_dict_sorts_periods_and_keeps_seconds():
    cal = WorkCalendar.from_dict({"periods": [["14:00", "17:30:30"], ["08:30", "12:00"]]})
    assert cal.periods[0] == (time(8, 30), time(12, 0))
    assert cal.to_dict()["periods"][1] == ["14:00", "17:30:30"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"periods": [["12:00", "08:30"]]}, "ends before it starts"),
        ({"periods": [["08:30", "08:30"]]}, "ends before it starts"),
        ({"periods": [["08:30", "12:00"], ["11:00", "14:00"]]}, "overlaps"),
        ({"periods": [["8:30", "12:00"]]}, "bad time"),
        ({"periods": [["08:30", "25:00"]]}, "bad time"),
        ({"periods": [["08:30am", "12:00"]]}, "bad time"),
        ({"periods": [[830, "12:00"]]}, "bad time"),
        ({"periods": [["08:30"]]}, "pair"),
        ({"periods": []}, "at least one"),
        ({"weekend": [5, 7]}, "0-6"),
        ({"weekend": ["sat"]}, "weekday numbers"),
        ({"weekend": list(range(7))}, "no workdays"),
        ({"holidays": ["2024-13-01"]}, "bad date"),
        ({"holidays": ["1 Oct 2024"]}, "bad date"),
        ({"holidays": ["2024-10-12"], "makeup_workdays": ["2024-10-12"]}, "both"),
        ({"holiday": ["2024-10-01"]}, "unknown"),
    ],
)
def test_from_dict_rejects_bad_data(data, message):
    with pytest.raises(ValueError, match=message):
        WorkCalendar.from_dict(data)


def test_calendar_without_workdays_rejected_up_front():
    with pytest.raises(ValueError, match="no workdays"):
        WorkCalendar(weekend=frozenset(range(7)), makeup_workdays=frozenset({date(2024, 1, 6)}))


# ---- properties --------------------------------------------------------------------------------

def _reference_deadline(cal: WorkCalendar, start: datetime, seconds: float) -> datetime:
    """Slow, obviously-right oracle: walk day by day, period by period."""
    need = timedelta(seconds=seconds)
    day = start.date()
    while True:
        if cal.is_workday(day):
            for ps, pe in cal.periods:
                a = max(datetime.combine(day, ps), start)
                b = datetime.combine(day, pe)
                if a < b:
                    if need <= b - a:
                        return a + need
                    need -= b - a
        day += timedelta(days=1)


_DAYS = [date(2024, 1, 1) + timedelta(days=i) for i in range(800)]
calendars = st.one_of(
    st.just(DEFAULT),
    st.just(CN),
    st.builds(
        lambda hol, mk: WorkCalendar(holidays=frozenset(hol), makeup_workdays=frozenset(mk - hol)),
        st.sets(st.sampled_from(_DAYS), max_size=40),
        st.sets(st.sampled_from([d for d in _DAYS if d.weekday() >= 5]), max_size=15),
    ),
)
starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2025, 6, 30))
work_hours = st.one_of(
    st.integers(min_value=1, max_value=2000).map(lambda m: m / 4),  # quarter hours
    st.floats(min_value=1e-3, max_value=500, allow_nan=False, allow_infinity=False),
)
work_units = st.sampled_from([TimeUnit.WORK_HOURS, TimeUnit.WORK_DAYS])
PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(calendars, starts, work_hours)
def test_deadline_matches_reference_walk(cal, start, amount):
    got = cal.deadline(start, amount, "work_hours")
    assert abs(got - _reference_deadline(cal, start, amount * H)) <= timedelta(microseconds=1)


@PROPS
@given(calendars, starts, starts, work_hours, work_units)
def test_deadline_monotonic_in_start(cal, s1, s2, amount, unit):
    s1, s2 = min(s1, s2), max(s1, s2)
    assert cal.deadline(s1, amount, unit) <= cal.deadline(s2, amount, unit)


@PROPS
@given(calendars, starts, work_hours, work_hours, st.sampled_from(list(TimeUnit)))
def test_deadline_monotonic_in_amount(cal, start, x1, x2, unit):
    x1, x2 = min(x1, x2), max(x1, x2)
    assert cal.deadline(start, x1, unit) <= cal.deadline(start, x2, unit)
    assert cal.deadline(start, 0, unit) <= cal.deadline(start, x1, unit)


@PROPS
@given(calendars, starts, work_hours, work_units)
def test_work_deadline_is_in_working_time_or_at_period_end(cal, start, amount, unit):
    due = cal.deadline(start, amount, unit)
    assert due > start
    assert cal.is_working_time(due) or (
        cal.is_workday(due.date()) and due.time() in {pe for _, pe in cal.periods})


@PROPS
@given(calendars, starts, work_hours)
def test_working_seconds_invert_deadline(cal, start, amount):
    due = cal.deadline(start, amount, "work_hours")
    assert cal.working_seconds_between(start, due) == pytest.approx(amount * H, abs=1e-5)
    assert cal.working_seconds_between(due, start) == pytest.approx(-amount * H, abs=1e-5)
    days = cal.deadline(start, amount / 7, "work_days")
    assert cal.working_seconds_between(start, days) == pytest.approx(amount / 7 * cal.work_day_seconds, abs=1e-5)


@PROPS
@given(calendars, starts, work_hours, st.sampled_from(list(TimeUnit)))
def test_share_used_reaches_one_exactly_at_deadline(cal, start, amount, unit):
    due = cal.deadline(start, amount, unit)
    assert cal.share_used(start, due, due, unit) == 1.0
    assert cal.remaining_seconds(due, due, unit) == 0
    just_before = due - timedelta(microseconds=1)
    assert cal.share_used(start, due, just_before, unit) < 1.0
    assert cal.remaining_seconds(due, just_before, unit) > 0
    assert cal.share_used(start, due, start, unit) == 0.0


@PROPS
@given(calendars, starts, starts, starts)
def test_working_seconds_additive(cal, a, b, c):
    total = cal.working_seconds_between(a, c)
    assert total == pytest.approx(cal.working_seconds_between(a, b) + cal.working_seconds_between(b, c), abs=1e-6)
