"""The alert engine's start-up read of the position history, on SQLite and on PostgreSQL: the
database turns each stored time into microseconds exactly (fractions of a second included),
and a console started mid-run finds off post from that history on either database."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from console.services.alerts import AlertEngine
from console.store import patrol_queries
from console.store.database import open_database
from tests import alert_city as C
from tests.alert_city import LAT0, LON0, MONDAY, STEP
from tests.pg_server import PG_URL, fresh_database

EPOCH = datetime(1970, 1, 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, tmp_path):
    if request.param == "sqlite":
        db = open_database(f"sqlite:///{tmp_path / 'history.db'}")
        yield db
        db.dispose()
        return
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("console_history") as url:
        db = open_database(url)
        try:
            yield db
        finally:
            db.dispose()


def test_history_times_arrive_as_exact_microseconds(any_db):
    city = C.build(any_db)
    start = MONDAY.replace(hour=10, microsecond=123_457)
    C.walk(any_db, city, start, start + timedelta(minutes=2), C.inside, every_s=7)
    # A fix too vague to place the officer is not part of the replay.
    C.walk(any_db, city, start + timedelta(minutes=3), start + timedelta(minutes=3), C.inside,
           accuracy=400)
    with any_db.session() as s:
        history = patrol_queries.useful_history(s, [city.officer_id], start, 10**12)
    want = []
    t = start
    while t <= start + timedelta(minutes=2):
        want.append((t - EPOCH) // timedelta(microseconds=1))
        t += timedelta(seconds=7)
    assert history.at_us.tolist() == want
    assert set(history.officer.tolist()) == {city.officer_id}
    assert history.lon.tolist() == [C.inside(EPOCH + timedelta(microseconds=u))[0] for u in want]


def test_a_console_started_mid_run_finds_off_post_from_the_history(any_db):
    city = C.build(any_db)
    start = MONDAY.replace(hour=10)
    C.walk(any_db, city, start, start + timedelta(minutes=5), C.inside, every_s=5)
    away = start + timedelta(minutes=5, seconds=30, microseconds=250_000)
    C.walk(any_db, city, away, away + timedelta(minutes=12),
           lambda t: (LON0 + STEP * 1.5, LAT0 + STEP / 2), every_s=5)
    now = away + timedelta(minutes=12)
    C.evaluate(any_db, AlertEngine(), now)
    alerts = C.open_alerts(any_db)
    off_post = alerts[f"off_post:patrol:{city.officer_id}"]
    assert off_post.params["since"] == away.isoformat(timespec="seconds")
    # Standing in one place for the twelve minutes is not yet idle (twenty).
    assert f"idle:patrol:{city.officer_id}" not in alerts
