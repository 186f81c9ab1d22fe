"""The KPI figures as reference/kpis.md defines them, their 24-hour series, and the strip."""
from __future__ import annotations

import math
from datetime import timedelta

import pytest

from console.services import cases
from console.services.alerts import AlertEngine
from console.services.kpis import HOURS, Kpis, hour_marks, kpis, on_time_rate
from tests import alert_city as C
from tests.alert_city import MONDAY

NOW = MONDAY.replace(hour=15)
YESTERDAY = MONDAY - timedelta(hours=6)      # Sunday 18:00


@pytest.fixture
def city(db):
    return C.build(db)


def test_on_time_rate_is_closed_on_time_over_due():
    assert on_time_rate(1, 3) == pytest.approx(1 / 3)
    assert on_time_rate(0, 0) is None


def test_hour_marks_end_at_now():
    marks = hour_marks(NOW.replace(minute=20))
    assert len(marks) == HOURS and marks[-1] == NOW.replace(minute=20)
    assert marks[-2] == NOW and marks[0] == NOW - timedelta(hours=22)
    on_the_hour = hour_marks(NOW)
    assert on_the_hour[-1] == NOW and on_the_hour[-2] == NOW - timedelta(hours=1)


def test_todays_figures(db, city):
    old = C.report(db, city, YESTERDAY)                                   # reported yesterday…
    C.dispatch(db, city, old, MONDAY.replace(hour=8),                     # …registered today
               deadline=MONDAY.replace(hour=10))                          # lapsed today, unhandled
    ancient = C.report(db, city, YESTERDAY - timedelta(days=2))
    C.dispatch(db, city, ancient, YESTERDAY - timedelta(days=2),
               deadline=YESTERDAY)                                        # overdue, due before today
    on_time = C.report(db, city, MONDAY.replace(hour=9))
    on_time = C.dispatch(db, city, on_time, MONDAY.replace(hour=9),
                         deadline=MONDAY.replace(hour=12))
    C.close(db, city, on_time, MONDAY.replace(hour=11))                   # handled 11:00 < 12:00
    late = C.report(db, city, MONDAY.replace(hour=9, minute=30))
    late = C.dispatch(db, city, late, MONDAY.replace(hour=9, minute=30),
                      deadline=MONDAY.replace(hour=10))
    C.close(db, city, late, MONDAY.replace(hour=13))                      # handled after
    waiting = C.report(db, city, MONDAY.replace(hour=14))                 # reported, untouched
    with db.transaction() as s:
        cases.reject(s, city.desk, waiting.case_id, waiting.version, reason="非城管职责",
                     at=MONDAY.replace(hour=14, minute=30))

    with db.session() as s:
        k = kpis(s, NOW)
    assert (k.reported_today, k.registered_today, k.closed_today) == (3, 3, 2)
    # due = closed today (2) + with a department, deadline passed today, unhandled (1)
    assert (k.closed_on_time_today, k.due_today) == (1, 3)
    assert k.on_time_rate == pytest.approx(1 / 3)
    assert k.overdue_now == 2
    assert k.open_now == 2

    series = k.series
    assert all(len(v) == HOURS for v in series.values())
    assert sum(series["reported_today"]) == 4            # yesterday 18:00 is within 24 hours
    # Buckets are [start, end) hours; the last is the hour in progress, 14:00–15:00.
    assert series["reported_today"][-1] == 1 and series["reported_today"][-6] == 2   # 9–10 h
    assert series["closed_today"][-4] == 1 and series["closed_today"][-2] == 1       # 11, 13 h
    assert series["on_time_rate"][-4] == 100 and series["on_time_rate"][-2] == 0
    assert math.isnan(series["on_time_rate"][-1])
    # Overdue at the end of each hour: `ancient` all along, `old` once 10:00 has passed.
    assert series["overdue_now"][-1] == 2 and series["overdue_now"][-5] == 2
    assert series["overdue_now"][-6] == 1                 # at 10:00 itself `old` is just due
    # Open at the end of each hour, counting back from the two open now.
    assert series["open_total"][-1] == 2
    assert series["open_total"][-2] == 3                  # at 14:00 the rejected one was open
    assert series["open_total"][0] == 1                   # Sunday 16:00: only `ancient`


def test_patrol_figures_follow_shifts_and_alerts(db, city):
    with db.session() as s:
        early = kpis(s, MONDAY.replace(hour=7))
    assert (early.patrols_on_shift, early.patrols_on_duty, early.patrols_offline) == (0, 0, 0)
    C.evaluate(db, AlertEngine(), MONDAY.replace(hour=8, minute=10))   # never reported: offline
    with db.session() as s:
        k = kpis(s, MONDAY.replace(hour=9))
    assert (k.patrols_on_shift, k.patrols_on_duty, k.patrols_offline, k.patrols_off_post) == (
        1, 0, 1, 0)
    assert k.series["patrols_offline"][-1] == 1 and k.series["patrols_offline"][-3] == 0
    C.walk(db, city, MONDAY.replace(hour=9), MONDAY.replace(hour=9, minute=5), C.inside)
    C.evaluate(db, AlertEngine(), MONDAY.replace(hour=9, minute=5))
    with db.session() as s:
        k = kpis(s, MONDAY.replace(hour=9, minute=6))
    assert (k.patrols_on_duty, k.patrols_offline) == (1, 0)


def test_the_strip_shows_figures_and_sparklines(qtbot, db):
    from console.live.tasks import TaskRunner
    from console.ui.alerts.kpi_strip import KpiStripDock
    tasks = TaskRunner(db)
    strip = KpiStripDock(tasks)
    qtbot.addWidget(strip)
    with qtbot.waitSignal(strip.kpis_loaded, timeout=5000):
        pass
    series = {key: [float(i) for i in range(HOURS)] for key in (
        "reported_today", "registered_today", "closed_today", "on_time_rate", "overdue_now",
        "open_total", "patrols_on_duty", "patrols_off_post", "patrols_offline")}
    k = Kpis(at=NOW, reported_today=12, registered_today=10, closed_today=8,
             closed_on_time_today=7, due_today=9, overdue_now=3, open_now=40,
             patrols_on_shift=20, patrols_on_duty=18, patrols_off_post=1, patrols_offline=2,
             series=series)
    curve = strip.tiles["overdue_now"].curve
    strip.show_kpis(k)
    assert strip.tiles["overdue_now"].curve is curve      # created once, updated with setData
    assert list(curve.getData()[1]) == series["overdue_now"]
    assert strip.tiles["on_time_rate"].value.text() == "77.8%"
    assert strip.tiles["on_time_rate"].value.property("severity") == "warning"   # 75–90%
    assert strip.tiles["on_time_rate"].note.text() == "7/9"
    assert strip.tiles["overdue_now"].value.property("severity") == "critical"
    assert strip.tiles["patrols_on_duty"].note.text() == "of 20 on shift"
    strip.add_rate(2.5)
    assert strip.tiles["rate"].value.text() == "2.5"
    assert tasks.wait(5000)


def test_sparklines_made_later_show_what_the_tiles_were_told(qtbot, db):
    from console.live.tasks import TaskRunner
    from console.ui.alerts.kpi_strip import KpiStripDock
    tasks = TaskRunner(db)
    strip = KpiStripDock(tasks, sparklines=False)
    qtbot.addWidget(strip)
    with qtbot.waitSignal(strip.kpis_loaded, timeout=5000):
        pass
    assert all(tile.plot is None for tile in strip.tiles.values())
    strip.add_rate(4.0)
    strip.create_sparklines()
    qtbot.waitUntil(lambda: all(t.curve is not None for t in strip.tiles.values()), timeout=5000)
    rate = strip.tiles["rate"]
    assert list(rate.curve.getData()[1])[-1] == 4.0                 # told before it existed
    assert rate.curve.opts["pen"].color().name() == rate._colour[0]  # the theme's colour
    assert len(strip.findChildren(type(rate.plot))) == len(strip.tiles)
    strip.create_sparklines()   # asked again: nothing more is made
    assert len(strip.findChildren(type(rate.plot))) == len(strip.tiles)
    assert tasks.wait(5000)
