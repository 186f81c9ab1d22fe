"""Digests end to end with explicit times: overdue cases roll up per department (urgent ones
stand alone), the digest follows its members in place, acknowledging it covers its members
and a member joining afterwards re-alerts it once; many patrols offline together become one
alert naming the likely cause. On SQLite, and on PostgreSQL when CITY_CONSOLE_TEST_PG_URL is
set (the digest's members are a JSON column: both must give them back alike)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.services import alert_actions
from console.services import settings as shared
from console.services.actor import actor_for
from console.services.alerts import AlertEngine
from console.services.positions import Fix, record_positions
from console.store.models import Alert, Device, PatrolOfficer, Shift
from tests import alert_city as C
from tests.alert_city import MONDAY, URGENT
from tests.pg_server import each_database

T = MONDAY.replace(hour=9)
OVERDUE_AT = T + timedelta(hours=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    with each_database(request.param, tmp_path, "console_digests") as database:
        yield database


@pytest.fixture
def city(db):
    return C.build(db)


def digest(db, kind: str) -> Alert | None:
    found = [a for a in C.open_alerts(db).values() if a.kind == kind]
    assert len(found) <= 1
    return found[0] if found else None


def overdue_case(db, city, at, *, cell=1, category=C.ORDINARY):
    change = C.report(db, city, at, category=category, cell=cell)
    return C.dispatch(db, city, change, at, deadline=at + timedelta(hours=1))


def test_overdue_cases_roll_up_per_department_and_urgent_ones_stand_alone(db, city):
    engine = AlertEngine()
    a = overdue_case(db, city, T)
    b = overdue_case(db, city, T + timedelta(minutes=5), cell=2)
    urgent = overdue_case(db, city, T, category=URGENT)
    C.evaluate(db, engine, T + timedelta(hours=2))
    keys = C.open_alerts(db)
    assert f"overdue:case:{urgent.case_id}" in keys
    assert not any(k.startswith("overdue:case:") and k != f"overdue:case:{urgent.case_id}"
                   for k in keys)
    d = digest(db, "overdue_digest")
    assert d.subject_type == "digest" and d.severity == "warning"
    assert d.params["count"] == 2
    assert d.params["oldest"] == OVERDUE_AT.isoformat(timespec="seconds")
    assert d.params["department_id"] == d.subject_id and d.params["name"]
    assert [m["id"] for m in d.members] == [a.case_id, b.case_id]     # oldest first
    assert d.members[0]["number"] == a.number


def test_a_digest_follows_its_members_in_place_and_resolves_when_empty(db, city):
    engine = AlertEngine()
    a = overdue_case(db, city, T)
    C.evaluate(db, engine, T + timedelta(hours=1, minutes=1))
    first = digest(db, "overdue_digest")
    b = overdue_case(db, city, T + timedelta(minutes=30))
    result = C.evaluate(db, engine, T + timedelta(hours=1, minutes=31))
    assert result.opened == 0 and result.updated == 1
    same = digest(db, "overdue_digest")
    assert same.id == first.id and same.params["count"] == 2
    C.close(db, city, a, T + timedelta(hours=2))
    C.evaluate(db, engine, T + timedelta(hours=2))
    left = digest(db, "overdue_digest")
    assert left.id == first.id and [m["id"] for m in left.members] == [b.case_id]
    assert left.params["oldest"] == (T + timedelta(minutes=90)).isoformat(timespec="seconds")
    # Nothing changed: nothing written.
    assert C.evaluate(db, engine, T + timedelta(hours=2, minutes=1)).changed == 0
    C.close(db, city, b, T + timedelta(hours=3))
    C.evaluate(db, engine, T + timedelta(hours=3))
    assert digest(db, "overdue_digest") is None
    with db.session() as s:
        assert s.get(Alert, first.id).resolved_at == T + timedelta(hours=3)


def test_a_member_joining_after_the_acknowledgement_re_alerts_once(db, city):
    engine = AlertEngine()
    a = overdue_case(db, city, T)
    C.evaluate(db, engine, OVERDUE_AT)
    d = digest(db, "overdue_digest")
    with db.transaction() as s:
        assert alert_actions.acknowledge(s, city.leader, [d.id], at=OVERDUE_AT +
                                         timedelta(minutes=1)) == [d.id]
    # A member leaving, or time passing, does not undo the acknowledgement.
    b = overdue_case(db, city, T + timedelta(minutes=2))
    C.evaluate(db, engine, OVERDUE_AT + timedelta(minutes=1, seconds=30))
    assert digest(db, "overdue_digest").acknowledged_at is not None
    # b passes its deadline two minutes after a: it joins after the acknowledgement.
    C.evaluate(db, engine, OVERDUE_AT + timedelta(minutes=2))
    again = digest(db, "overdue_digest")
    assert again.id == d.id and again.acknowledged_at is None and again.acknowledged_by is None
    assert again.params["count"] == 2
    # Once: later passes leave it as it is until someone acknowledges it anew.
    for minute in (3, 4, 5):
        assert C.evaluate(db, engine, OVERDUE_AT + timedelta(minutes=minute)).changed == 0
    with db.transaction() as s:
        alert_actions.acknowledge(s, city.leader, [d.id], at=OVERDUE_AT + timedelta(minutes=6))
    C.close(db, city, a, OVERDUE_AT + timedelta(minutes=7))
    C.evaluate(db, engine, OVERDUE_AT + timedelta(minutes=7))
    kept = digest(db, "overdue_digest")
    assert kept.acknowledged_at is not None and [m["id"] for m in kept.members] == [b.case_id]
    with db.session() as s:
        rows = s.execute(select(Alert.id).where(Alert.kind == "overdue_digest")).all()
    assert rows == [(d.id,)]     # one alert all along: updated, never re-raised


def test_a_restart_keeps_when_members_joined(db, city):
    overdue_case(db, city, T)
    C.evaluate(db, AlertEngine(), OVERDUE_AT)
    d = digest(db, "overdue_digest")
    with db.transaction() as s:
        alert_actions.acknowledge(s, city.leader, [d.id], at=OVERDUE_AT + timedelta(minutes=1))
    # A new seat (or a takeover) rebuilds the members: they joined before the acknowledgement.
    result = C.evaluate(db, AlertEngine(), OVERDUE_AT + timedelta(minutes=10))
    assert result.changed == 0
    assert digest(db, "overdue_digest").acknowledged_at is not None


def _officers(db, city, n: int) -> list[int]:
    """`n` more officers on the tiny city's shift, each with a phone."""
    ids = []
    with db.transaction() as s:
        grid = s.get(PatrolOfficer, city.officer_id).work_grid_id
        for i in range(n):
            o = PatrolOfficer(code=f"P{i + 2:04d}", name=f"队员{i + 2}", work_grid_id=grid)
            s.add(o)
            s.flush()
            s.add(Device(unique_id=f"phone-x{i}", patrol_officer_id=o.id))
            s.add(Shift(patrol_officer_id=o.id, weekdays="0123456", start="08:00", end="16:00"))
            ids.append(o.id)
    return ids


def _fixes(db, devices, start, end, every_s=60):
    fixes, t = [], start
    while t < end:
        fixes += [Fix(device=d, at=t, lon=C.inside(t)[0], lat=C.inside(t)[1], accuracy=8.0)
                  for d in devices]
        t += timedelta(seconds=every_s)
    with db.transaction() as s:
        record_positions(s, fixes)


def test_patrols_offline_together_are_one_alert_naming_the_cause(db, city):
    officers = _officers(db, city, 9)                       # ten on shift with the first
    devices = ["phone-1"] + [f"phone-x{i}" for i in range(9)]
    _fixes(db, devices, T - timedelta(minutes=30), T)       # everyone reports until 9:00
    engine = AlertEngine()
    C.evaluate(db, engine, T)
    later = T + timedelta(minutes=15)                       # nothing since: the field is silent
    C.evaluate(db, engine, later)
    keys = C.open_alerts(db)
    assert not any(k.startswith("offline:patrol") for k in keys)
    d = digest(db, "offline_digest")
    assert d.params["count"] == 10 and d.params["cause"] == "no_positions"
    assert d.params["on_shift"] == 10 and d.params["reporting"] == 0
    assert d.params["newest_fix"] == (T - timedelta(minutes=1)).isoformat(timespec="seconds")
    assert {m["id"] for m in d.members} == {city.officer_id, *officers}
    # Seven phones come back: three silent are not "many" (fewer than 5): an alert each.
    _fixes(db, devices[3:], later, later + timedelta(minutes=2))
    C.evaluate(db, engine, later + timedelta(minutes=2))
    assert digest(db, "offline_digest") is None
    silent = {k for k in C.open_alerts(db) if k.startswith("offline:patrol")}
    assert silent == {f"offline:patrol:{o}" for o in [city.officer_id, *officers[:2]]}


def test_many_silent_while_others_report_names_those_phones(db, city):
    with db.transaction() as s:
        shared.set_setting(s, actor_for(s, "admin"), "alert_offline_digest_share", 0.2, T)
    officers = _officers(db, city, 19)
    devices = ["phone-1"] + [f"phone-x{i}" for i in range(19)]
    _fixes(db, devices, T - timedelta(minutes=30), T)
    _fixes(db, devices[6:], T, T + timedelta(minutes=15))   # 6 of 20 fall silent at 9:00
    engine = AlertEngine()
    C.evaluate(db, engine, T + timedelta(minutes=15))
    d = digest(db, "offline_digest")
    assert d.params["cause"] == "many_silent" and d.params["count"] == 6
    assert d.params["reporting"] == 14
    assert {m["id"] for m in d.members} == {city.officer_id, *officers[:5]}
