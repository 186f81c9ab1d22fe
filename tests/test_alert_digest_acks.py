"""An acknowledged digest that dissolves hands its acknowledgement on: the duty leader who
acknowledged "10 patrols offline" does not get the three still silent back as fresh alerts —
they are the same conditions, already seen — while an officer who fell silent after the
acknowledgement, or after the digest dissolved, is new and stays unacknowledged. A digest made
of conditions each acknowledged already opens acknowledged; a takeover decides alike. On
SQLite, and on PostgreSQL when CITY_CONSOLE_TEST_PG_URL is set."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from console.domain.alert_plan import OpenAlert
from console.domain.alert_rules import Finding, Kind
from console.services import ack_carry, alert_actions
from console.services import settings as shared
from console.services.actor import actor_for
from console.services.alert_digests import reconcile_digests
from console.services.alerts import AlertEngine
from console.store.models import Device, PatrolOfficer, Shift
from tests import alert_city as C
from tests.alert_city import MONDAY
from tests.pg_server import each_database
from tests.test_alert_digests import _fixes, _officers

T = MONDAY.replace(hour=9)
SILENT = T + timedelta(minutes=15)        # nobody has reported since 9:00
ACKED = SILENT + timedelta(minutes=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    with each_database(request.param, tmp_path, "console_digest_acks") as database:
        yield database


@pytest.fixture
def city(db):
    return C.build(db)


def _ten_silent(db, city):
    """Ten officers on shift report until 9:00, then nothing: one offline digest at 9:15."""
    officers = [city.officer_id, *_officers(db, city, 9)]
    devices = ["phone-1"] + [f"phone-x{i}" for i in range(9)]
    _fixes(db, devices, T - timedelta(minutes=30), T)
    return officers, devices


def _open(db, kind: str):
    return {a.subject_id: a for a in C.open_alerts(db).values() if a.kind == kind}


def _acknowledge(db, city, alert_id: int, at: datetime, note: str | None = None) -> None:
    with db.transaction() as s:
        assert alert_actions.acknowledge(s, city.leader, [alert_id], note=note, at=at) == [
            alert_id]


def test_an_acknowledged_offline_digest_dissolves_into_acknowledged_alerts(db, city):
    officers, devices = _ten_silent(db, city)
    engine = AlertEngine()
    C.evaluate(db, engine, T)
    C.evaluate(db, engine, SILENT)
    (digest,) = _open(db, "offline_digest").values()
    _acknowledge(db, city, digest.id, ACKED, note="接入服务器重启中")
    # Seven phones come back: three silent are too few for a digest, an alert each — the same
    # three conditions the leader acknowledged in the digest.
    back = ACKED + timedelta(minutes=1)
    _fixes(db, devices[3:], back, back + timedelta(minutes=2))
    C.evaluate(db, engine, back + timedelta(minutes=2))
    assert _open(db, "offline_digest") == {}
    alone = _open(db, "offline")
    assert set(alone) == set(officers[:3])
    for a in alone.values():
        assert a.acknowledged_at == ACKED and a.acknowledged_by == city.leader.user_id
        assert a.ack_note == "接入服务器重启中"
    # They are acknowledged: nothing escalates them later.
    C.evaluate(db, engine, back + timedelta(minutes=40))
    assert all(a.level == 0 for a in _open(db, "offline").values())


def _late_officer(db, city) -> int:
    """An eleventh officer on the shift, with the phone "phone-late"."""
    with db.transaction() as s:
        grid = s.get(PatrolOfficer, city.officer_id).work_grid_id
        o = PatrolOfficer(code="P0999", name="队员晚", work_grid_id=grid)
        s.add(o)
        s.flush()
        s.add(Device(unique_id="phone-late", patrol_officer_id=o.id))
        s.add(Shift(patrol_officer_id=o.id, weekdays="0123456", start="08:00", end="16:00"))
        return o.id


def test_who_fell_silent_after_the_acknowledgement_stays_unacknowledged(db, city):
    officers, devices = _ten_silent(db, city)
    late = _late_officer(db, city)                # reports until 9:20
    _fixes(db, ["phone-late"], T - timedelta(minutes=30), T + timedelta(minutes=20))
    engine = AlertEngine()
    C.evaluate(db, engine, T)
    C.evaluate(db, engine, SILENT)
    (digest,) = _open(db, "offline_digest").values()
    assert late not in {m["id"] for m in digest.members}
    _acknowledge(db, city, digest.id, ACKED)
    # 9:31: the eleventh is silent too; it joins after the acknowledgement: the digest alerts
    # again (and nobody acknowledges it this time).
    C.evaluate(db, engine, T + timedelta(minutes=31))
    (again,) = _open(db, "offline_digest").values()
    assert again.id == digest.id and again.acknowledged_at is None
    assert late in {m["id"] for m in again.members}
    # Eight come back: the two left from the first ten carry the leader's acknowledgement, the
    # eleventh — never acknowledged — does not.
    back = T + timedelta(minutes=32)
    _fixes(db, devices[2:], back, back + timedelta(minutes=2))
    C.evaluate(db, engine, back + timedelta(minutes=2))
    assert _open(db, "offline_digest") == {}
    alone = _open(db, "offline")
    assert set(alone) == {*officers[:2], late}
    assert alone[officers[0]].acknowledged_at == ACKED
    assert alone[officers[1]].acknowledged_by == city.leader.user_id
    assert alone[late].acknowledged_at is None


def test_a_takeover_hands_the_acknowledgement_on_alike(db, city):
    officers, devices = _ten_silent(db, city)
    C.evaluate(db, AlertEngine(), SILENT)
    (digest,) = _open(db, "offline_digest").values()
    _acknowledge(db, city, digest.id, ACKED)
    back = ACKED + timedelta(minutes=1)
    _fixes(db, devices[3:], back, back + timedelta(minutes=2))
    C.evaluate(db, AlertEngine(), back + timedelta(minutes=2))     # a new seat's first pass
    alone = _open(db, "offline")
    assert set(alone) == set(officers[:3])
    assert all(a.acknowledged_at == ACKED for a in alone.values())


def test_a_digest_of_conditions_each_acknowledged_opens_acknowledged(db, city):
    officers, devices = _ten_silent(db, city)
    engine = AlertEngine()
    C.evaluate(db, engine, SILENT)
    (digest,) = _open(db, "offline_digest").values()
    _acknowledge(db, city, digest.id, ACKED)
    back = ACKED + timedelta(minutes=1)
    _fixes(db, devices[5:], back, back + timedelta(minutes=40))   # five report from now on
    C.evaluate(db, engine, back + timedelta(minutes=2))
    # Five silent of ten are still many (at least 5 and 30 %): the same digest, still seen.
    (same,) = _open(db, "offline_digest").values()
    assert same.id == digest.id and same.acknowledged_at == ACKED
    # A sixth reports for a minute: four are too few — an alert each, acknowledged.
    _fixes(db, devices[4:5], back + timedelta(minutes=2), back + timedelta(minutes=3))
    C.evaluate(db, engine, back + timedelta(minutes=3))
    assert _open(db, "offline_digest") == {}
    assert {o: a.acknowledged_at for o, a in _open(db, "offline").items()} == {
        o: ACKED for o in officers[:4]}
    # …and falls silent again, a fifth: the digest is back, with one silence nobody has
    # acknowledged — so it alerts; the four carry their acknowledgement in it.
    C.evaluate(db, engine, back + timedelta(minutes=14))
    (back_again,) = _open(db, "offline_digest").values()
    assert back_again.id != digest.id and back_again.acknowledged_at is None
    seen = {m["id"]: bool(m.get("seen")) for m in back_again.members}
    assert seen == {**{o: True for o in officers[:4]}, officers[4]: False}
    # Acknowledged in turn; the fifth comes back: the four stand alone, acknowledged.
    _acknowledge(db, city, back_again.id, back + timedelta(minutes=15))
    _fixes(db, devices[4:5], back + timedelta(minutes=16), back + timedelta(minutes=40))
    C.evaluate(db, engine, back + timedelta(minutes=17))
    assert _open(db, "offline_digest") == {}
    assert set(_open(db, "offline")) == set(officers[:4])
    # (the newer of the two acknowledgements each was covered by)
    assert all(a.acknowledged_at == back + timedelta(minutes=15)
               for a in _open(db, "offline").values())
    # A digest of those four (the threshold lowered to four) stands for nothing new: it opens
    # acknowledged.
    with db.transaction() as s:
        shared.set_setting(s, actor_for(s, "admin"), "alert_offline_digest_min", 4,
                           back + timedelta(minutes=18))
    C.evaluate(db, engine, back + timedelta(minutes=18))
    (quiet,) = _open(db, "offline_digest").values()
    assert quiet.acknowledged_at is not None and quiet.params["count"] == 4
    assert _open(db, "offline") == {}


# --- case digests, as plain data ------------------------------------------------------------

def _digest(kind: Kind, group: int, members, *, ack=None, by=None, alert_id=1) -> OpenAlert:
    f = Finding(kind, group, {"count": len(members)}, members=tuple(members))
    return OpenAlert(alert_id, f.key, kind.value, "warning", 0, MONDAY, ack, f.params,
                     "digest", group, tuple(members), by)


def test_an_overdue_case_standing_alone_keeps_its_departments_acknowledgement():
    member = {"id": 7, "number": "7", "since": "", "joined": MONDAY.isoformat()}
    acked = _digest(Kind.OVERDUE_DIGEST, 3, [member], ack=MONDAY + timedelta(hours=1), by=9)
    index = ack_carry.Acknowledged([acked])
    same = ack_carry.alert_condition("overdue", 7, {"department_id": 3})
    assert index.get(same) == (MONDAY + timedelta(hours=1), 9, None)
    # Near deadline is another condition; another department is another audience.
    assert index.get(ack_carry.alert_condition("near_deadline", 7, {"department_id": 3})) is None
    assert index.get(ack_carry.alert_condition("overdue", 7, {"department_id": 4})) is None


def test_a_case_moving_to_another_departments_digest_re_alerts_it():
    joined = (MONDAY + timedelta(hours=2)).isoformat()
    old = _digest(Kind.OVERDUE_DIGEST, 3, [{"id": 7, "joined": MONDAY.isoformat()}],
                  ack=MONDAY + timedelta(hours=1), alert_id=1)
    there = _digest(Kind.OVERDUE_DIGEST, 4, [{"id": 8, "joined": MONDAY.isoformat()}],
                    ack=MONDAY + timedelta(hours=1), alert_id=2)
    moved = {"id": 7, "joined": joined}
    f = Finding(Kind.OVERDUE_DIGEST, 4, {"count": 2},
                members=({"id": 8, "joined": MONDAY.isoformat()}, moved))
    ack_carry.mark_joiners([f], {there.key: there}, ack_carry.Acknowledged([old, there]))
    assert "seen" not in moved
    (_, _, _, rearm), = reconcile_digests([there], [f]).members
    assert rearm


def test_a_recurrence_moving_digest_with_the_same_closure_carries_it():
    # A case's recurrence digest changes its group (the category roll-up): same case, same
    # previous closure — the same condition, so the new digest opens acknowledged.
    at = MONDAY + timedelta(hours=1)
    member = {"id": 7, "previous": "P1", "joined": MONDAY.isoformat()}
    old = OpenAlert(1, "recurrence_digest:digest:0:1010101", "recurrence_digest", "info", 0,
                    MONDAY, at, {}, "digest", 0, (member,), 9)
    new_member = {"id": 7, "previous": "P1", "joined": (at + timedelta(hours=1)).isoformat()}
    f = Finding(Kind.RECURRENCE_DIGEST, 0, {"count": 1}, "10101", members=(new_member,))
    ack_carry.mark_joiners([f], {}, ack_carry.Acknowledged([old]))
    plan = reconcile_digests([], [f])
    assert plan.carried == {f.key: (at, 9, None)}
    other = {"id": 7, "previous": "P2", "joined": new_member["joined"]}
    g = Finding(Kind.RECURRENCE_DIGEST, 0, {"count": 1}, "10102", members=(other,))
    ack_carry.mark_joiners([g], {}, ack_carry.Acknowledged([old]))
    assert reconcile_digests([], [g]).carried == {}
