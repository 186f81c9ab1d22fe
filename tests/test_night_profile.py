"""夜查: categories with a time-of-day window (露天烧烤 at night by default): the hotspot and
recurrence rules count only their reports inside it, and the heat map's night toggle shows the
night reports only."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from console.domain.errors import DomainError
from console.domain.night_window import TimeWindow
from console.services import map_data, map_grid, night_profile
from console.services.actor import actor_for
from console.services.alerts import AlertEngine
from console.services.settings import set_setting
from console.store.models import Category
from tests import alert_city as C

MON = C.MONDAY


@pytest.fixture
def city(db):
    return C.build(db)


def bbq(db) -> str:
    """露天烧烤's code, as this catalogue has it (the setting names it by name)."""
    with db.session() as s:
        return s.scalar(select(Category.code).where(Category.name == "露天烧烤"))


def at(hhmm: str, day: int = 0) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return MON + timedelta(days=day, hours=h, minutes=m)


@pytest.mark.parametrize(("text", "inside", "outside"), [
    ("19:00-06:00", ["19:00", "23:59", "00:00", "05:59"], ["06:00", "12:00", "18:59"]),
    ("08:00-17:00", ["08:00", "16:59"], ["07:59", "17:00"]),
    ("22:00–24:00", ["22:00", "23:59"], ["00:00", "21:59"]),
])
def test_time_windows(text, inside, outside):
    window = TimeWindow.parse(text)
    assert all(window.holds(at(t)) for t in inside)
    assert not any(window.holds(at(t)) for t in outside)


@pytest.mark.parametrize("text", ["", "19:00", "25:00-06:00", "19:60-06:00", "夜里"])
def test_bad_windows_are_refused(text):
    with pytest.raises(DomainError) as err:
        TimeWindow.parse(text)
    assert err.value.code == "bad_time_window"


def _hotspots(db) -> dict[str, int]:
    return {k: a.params["count"] for k, a in C.open_alerts(db).items()
            if k.startswith("hotspot")}


def test_hotspot_counts_only_the_reports_inside_the_categorys_window(db, city):
    code = bbq(db)
    engine = AlertEngine()
    for t in ("15:00", "16:00", "18:59"):          # three by day: no hotspot for 露天烧烤
        C.report(db, city, at(t), category=code, cell=2)
        C.report(db, city, at(t), category=C.ORDINARY, cell=4)   # no window: counted
    C.evaluate(db, engine, at("19:00"))
    key = f"hotspot:cell:{city.cell_ids[2]}:{code}"
    assert _hotspots(db) == {f"hotspot:cell:{city.cell_ids[4]}:{C.ORDINARY}": 3}
    for t in ("19:00", "19:30"):
        C.report(db, city, at(t), category=code, cell=2)
    C.evaluate(db, engine, at("19:45"))
    assert key not in _hotspots(db)                  # two at night so far
    C.report(db, city, at("20:00"), category=code, cell=2)
    C.evaluate(db, engine, at("20:01"))
    assert _hotspots(db)[key] == 3                   # the night's three, not six
    with db.session() as s:                          # a fresh look agrees with the passes
        fresh = {f.key for f in engine.findings(s, at("20:01")) if f.kind.value == "hotspot"}
    assert key in fresh


def test_recurrence_counts_only_a_report_inside_the_window(db, city):
    code = bbq(db)
    engine = AlertEngine()
    first = C.report(db, city, at("21:00"), category=code, cell=3)
    C.close(db, city, C.dispatch(db, city, first, at("21:00")), at("22:00"))
    by_day = C.report(db, city, at("10:00", 1), category=code, cell=3)
    C.evaluate(db, engine, at("10:01", 1))

    def members() -> list[int]:
        return [m["id"] for k, a in C.open_alerts(db).items() if k.startswith("recurrence")
                for m in (a.members or [a.params]) if "id" in m]

    assert by_day.case_id not in members()
    assert not any(k.startswith("recurrence") for k in C.open_alerts(db))
    at_night = C.report(db, city, at("21:30", 1), category=code, cell=3)
    C.evaluate(db, engine, at("21:31", 1))
    assert members() == [at_night.case_id]


def test_the_window_setting_is_data_by_code_or_name(db, city):
    code = bbq(db)
    with db.session() as s:
        assert night_profile.windows(s) == {code: TimeWindow.parse("19:00-06:00")}
    with db.transaction() as s:
        set_setting(s, actor_for(s, "admin"), "category_time_windows",
                    {C.ORDINARY: "08:00-12:00"}, MON)
    with db.session() as s:
        assert night_profile.windows(s) == {C.ORDINARY: TimeWindow.parse("08:00-12:00")}


def test_heat_night_only(db, city):
    code = bbq(db)
    C.report(db, city, at("12:00"), category=code, cell=1)      # 露天烧烤 by day: not at night
    C.report(db, city, at("23:00"), category=code, cell=1)
    C.report(db, city, at("05:59", 1), category=C.ORDINARY, cell=2)   # the night: 19–06
    C.report(db, city, at("06:00", 1), category=C.ORDINARY, cell=2)
    C.report(db, city, at("18:00", 1), category=C.ORDINARY, cell=4)
    with db.session() as s:
        grid = map_grid.load_grid(s)
        every = {(lat, lon): n for lat, lon, n in map_data.heat_points(s, grid, MON)}
        night = {(lat, lon): n for lat, lon, n in map_data.heat_points(s, grid, MON, True)}
    assert sorted(every.values()) == [1, 2, 2] and sorted(night.values()) == [1, 1]
