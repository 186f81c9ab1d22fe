"""Alerts on PostgreSQL, the shared server of a multi-seat centre: the one-open-alert guard
under concurrent seats, the evaluator lease, acknowledgements seen by another seat, KPIs.

Runs when CITY_CONSOLE_TEST_PG_URL is set (see tests/test_postgres.py); skipped otherwise.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.services import alert_actions
from console.services.alerts import AlertEngine
from console.services.kpis import kpis
from console.store import alert_lease
from console.store.database import open_database
from console.store.models import Alert
from tests import alert_city as C
from tests.alert_city import MONDAY, URGENT
from tests.pg_server import fresh_database, needs_pg

pytestmark = needs_pg
T = MONDAY.replace(hour=9)


@pytest.fixture
def pg():
    with fresh_database("console_alerts") as url:
        db = open_database(url)
        db.full_url = url   # db.url hides the password; other seats need it
        try:
            yield db
        finally:
            db.dispose()


def test_concurrent_seats_raise_each_alert_once(pg):
    city = C.build(pg)
    for i in range(6):
        C.report(pg, city, T + timedelta(seconds=i), category=URGENT, cell=1 + i % 4)
    seats = [open_database(pg.full_url) for _ in range(3)]
    C.race_seats(seats, T)
    with pg.session() as s:
        per_key = s.execute(select(Alert.open_key, func.count()).where(Alert.resolved_at.is_(None))
                            .group_by(Alert.open_key)).all()
    assert len(per_key) == 7 and all(n == 1 for _, n in per_key)   # 6 urgent + 1 offline


def test_lease_acknowledgement_and_kpis(pg):
    city = C.build(pg)
    C.report(pg, city, T, category=URGENT)
    C.evaluate(pg, AlertEngine(), T)
    ttl = timedelta(seconds=30)
    with pg.transaction() as s:
        assert alert_lease.claim_evaluator(s, "seat-a", ttl)
    with pg.transaction() as s:
        assert not alert_lease.claim_evaluator(s, "seat-b", ttl)
    with pg.session() as s:
        urgent = next(a for a in alert_actions.open_alerts(s) if a.kind == "new_urgent")
    with pg.transaction() as s:
        alert_actions.acknowledge(s, city.desk, [urgent.id], note="已派人")
    other = open_database(pg.full_url)
    try:
        with other.session() as s:
            (seen,) = alert_actions.alerts_by_id(s, [urgent.id])
            figures = kpis(s, T + timedelta(minutes=1))
    finally:
        other.dispose()
    assert (seen.acknowledged_by, seen.ack_note) == ("张伟", "已派人")
    assert figures.reported_today == 1 and figures.patrols_offline == 1
