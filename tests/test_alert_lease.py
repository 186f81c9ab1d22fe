"""The evaluator lease runs on the database server's clock: two seats whose own clocks are
hours apart still cannot both hold it (SQLite, and PostgreSQL when CITY_CONSOLE_TEST_PG_URL is set)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from console.live.alert_worker import AlertWorker
from console.store import alert_lease
from console.store.database import Database, open_database
from tests.gui_sql_guard import sql_on_gui_thread_allowed
from tests.pg_server import PG_URL, fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lease.db'}"
        return
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("console_lease") as pg_url:
        yield pg_url


@pytest.fixture
def seats(url) -> Iterator[tuple[Database, Database]]:
    a, b = open_database(url), open_database(url)
    try:
        yield a, b
    finally:
        a.dispose()
        b.dispose()


def skewed(hours: float):
    return lambda: datetime.now() + timedelta(hours=hours)


@pytest.mark.parametrize("ahead", [-3, 3])
def test_seats_with_skewed_clocks_cannot_both_hold_the_lease(qapp, seats, ahead):
    first, second = AlertWorker(seats[0], clock=skewed(0)), AlertWorker(seats[1], clock=skewed(ahead))
    # The test plays both workers' loops itself, so their claims run on this (the GUI) thread.
    with sql_on_gui_thread_allowed():
        _claims_alternate(first, second, seats)


def _claims_alternate(first: AlertWorker, second: AlertWorker, seats) -> None:
    for _ in range(5):
        assert first._claim()
        assert not second._claim()
        # The second seat asking as if the lease were new to it changes nothing either.
        second._lease_until = None
        assert not second._claim()
    with seats[0].transaction() as s:
        alert_lease.release_evaluator(s, first.holder)
    first._lease_until = None
    assert second._claim()
    assert not first._claim()


def test_a_lease_runs_out_on_the_server_clock(seats):
    a, b = seats
    with a.transaction() as s:
        assert alert_lease.claim_evaluator(s, "seat-a", timedelta(seconds=30))
    with b.transaction() as s:
        assert not alert_lease.claim_evaluator(s, "seat-b", timedelta(seconds=30))
    with a.transaction() as s:   # renewed for a moment already past: run out
        assert alert_lease.claim_evaluator(s, "seat-a", timedelta(seconds=-1))
    with b.transaction() as s:
        assert alert_lease.claim_evaluator(s, "seat-b", timedelta(seconds=30))
    with a.transaction() as s:
        assert not alert_lease.claim_evaluator(s, "seat-a", timedelta(seconds=30))
