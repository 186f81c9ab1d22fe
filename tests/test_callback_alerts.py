"""回访超期: call-backs not made by their time are one alert for the centre's desk, with a
member per call-back, updated in place as more fall due, re-alerting once when one falls due
after the acknowledgement, resolved when the last call-back is made; a department's seat does
not list it. On SQLite, and on PostgreSQL when CITY_CONSOLE_TEST_PG_URL is set."""
from __future__ import annotations

from datetime import timedelta

import pytest

from console.domain.alert_rules import seat_sees
from console.services import alert_actions, callbacks, cases
from console.services.alerts import AlertEngine
from console.store.models import Callback
from tests import alert_city as C
from tests.alert_city import MONDAY
from tests.pg_server import each_database

T = MONDAY.replace(hour=9)
DUE = timedelta(hours=24)          # the default: round the clock


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    with each_database(request.param, tmp_path, "console_callback_alerts") as database:
        yield database


@pytest.fixture
def city(db):
    return C.build(db)


def _closed_call(db, city, at):
    """A citizen's hotline case, closed at `at`: its call-back is due 24 h later."""
    with db.transaction() as s:
        change = cases.report(s, city.desk, category_code=C.ORDINARY, source="hotline",
                              cell_code=city.cells[1], reporter_phone="13812345678", at=at)
    return C.close(db, city, C.dispatch(db, city, change, at), at)


def _call_back(db, city, case_id, at):
    with db.transaction() as s:
        row = s.query(Callback).filter(Callback.case_id == case_id).one()
        callbacks.record_outcome(s, city.desk, row.id, row.version, outcome="satisfied", at=at)


def _digest(db):
    found = [a for a in C.open_alerts(db).values() if a.kind == "callback_digest"]
    assert len(found) <= 1
    return found[0] if found else None


def test_overdue_call_backs_are_one_alert_until_the_last_is_made(db, city):
    a = _closed_call(db, city, T)
    b = _closed_call(db, city, T + timedelta(hours=1))
    engine = AlertEngine()
    C.evaluate(db, engine, T + DUE)                 # due exactly now: not overdue yet
    assert _digest(db) is None
    C.evaluate(db, engine, T + DUE + timedelta(minutes=1))
    first = _digest(db)
    assert (first.severity, first.subject_type, first.params["count"]) == ("warning", "digest", 1)
    assert first.params["oldest"] == (T + DUE).isoformat(timespec="seconds")
    assert [(m["id"], m["number"]) for m in first.members] == [(a.case_id, a.number)]
    # The second falls due an hour later: the same alert, two members (by time alone).
    C.evaluate(db, engine, T + DUE + timedelta(hours=1, minutes=1))
    same = _digest(db)
    assert same.id == first.id and [m["id"] for m in same.members] == [a.case_id, b.case_id]
    # A new seat sees the same: nothing to write.
    assert C.evaluate(db, AlertEngine(), T + DUE + timedelta(hours=1, minutes=2)).changed == 0
    # Made, one after the other: the member leaves, then the alert resolves.
    _call_back(db, city, a.case_id, T + DUE + timedelta(hours=2))
    C.evaluate(db, engine, T + DUE + timedelta(hours=2))
    assert [m["id"] for m in _digest(db).members] == [b.case_id]
    _call_back(db, city, b.case_id, T + DUE + timedelta(hours=3))
    C.evaluate(db, engine, T + DUE + timedelta(hours=3))
    assert _digest(db) is None
    assert [x.resolved_at for x in C.all_alerts(db) if x.id == first.id] == [
        T + DUE + timedelta(hours=3)]


def test_one_falling_due_after_the_acknowledgement_re_alerts(db, city):
    _closed_call(db, city, T)
    _closed_call(db, city, T + timedelta(hours=2))
    engine = AlertEngine()
    C.evaluate(db, engine, T + DUE + timedelta(minutes=1))
    d = _digest(db)
    with db.transaction() as s:
        alert_actions.acknowledge(s, city.leader, [d.id], at=T + DUE + timedelta(minutes=5))
    C.evaluate(db, engine, T + DUE + timedelta(hours=1))
    assert _digest(db).acknowledged_at is not None             # nothing new
    C.evaluate(db, engine, T + DUE + timedelta(hours=2, minutes=1))
    again = _digest(db)
    assert again.id == d.id and again.acknowledged_at is None and again.params["count"] == 2


def test_the_centres_desk_sees_it_a_departments_seat_does_not(db, city):
    _closed_call(db, city, T)
    engine = AlertEngine()
    C.evaluate(db, engine, T + DUE + timedelta(minutes=1))
    d = _digest(db)
    for role, sees in (("dispatcher", True), ("leader", True), ("department", False)):
        assert seat_sees(role, 1 if role == "department" else None, d.subject_type,
                         d.subject_id, d.params, d.kind) is sees
    with db.session() as s:
        fresh = [f for f in engine.findings(s, T + DUE + timedelta(minutes=1))
                 if f.kind == "callback_digest"]
    assert [f.key for f in fresh] == [d.open_key]
