"""The engine changes stored alerts in ascending id order, as a seat acknowledging a selection
locks them: on PostgreSQL a pass that resolved b and then updated a, while a seat acknowledged
[a, b], could deadlock (each holding the row the other waited for). The race itself is in
tests/test_feed_deadlocks.py."""
from __future__ import annotations

from datetime import timedelta

from console.domain.alert_plan import OpenAlert, Plan
from console.domain.alert_rules import Severity
from console.services.alert_writes import write_plan
from console.store import alert_queries
from tests.service_city import MON


def new_alerts(db, n: int, at) -> list[OpenAlert]:
    with db.transaction() as s:
        rows = [{"kind": "new_urgent", "severity": "warning", "subject_type": "case",
                 "subject_id": 1, "params": {}, "raised_at": at, "level": 0,
                 "open_key": f"test:{at.isoformat()}:{i}"} for i in range(n)]
        ids = sorted(alert_id for alert_id, _ in alert_queries.insert_alerts(s, rows))
    return [OpenAlert(i, f"test:{n}", "new_urgent", "warning", 0, at, None, {}, "case", 1)
            for i in ids]


def against_id_order(a: OpenAlert, b: OpenAlert, c: OpenAlert | None = None) -> Plan:
    """Writes listed against the id order: b resolved, a updated and escalated (c updated)."""
    plan = Plan(resolve=[b], update=[(a, {"count": 2})], escalate=[(a, Severity.CRITICAL)])
    if c is not None:
        plan.update.insert(0, (c, {"count": 3}))
    return plan


def test_stored_alerts_are_written_in_ascending_id_order(db, monkeypatch):
    a, b, c = new_alerts(db, 3, MON)
    touched: list[tuple[str, int]] = []
    for name in ("resolve", "set_params", "escalate"):
        real = getattr(alert_queries, name)

        def spy(session, alert_id, *args, _real=real, _name=name, **kw):
            touched.append((_name, alert_id))
            return _real(session, alert_id, *args, **kw)

        monkeypatch.setattr(alert_queries, name, spy)
    with db.transaction() as s:
        done = write_plan(s, against_id_order(a, b, c), MON)
    assert touched == [("set_params", a.id), ("escalate", a.id), ("resolve", b.id),
                       ("set_params", c.id)]
    assert [x.id for x in done.resolved] == [b.id]
    assert [(x.id, p) for x, p in done.updated] == [(a.id, {"count": 2}), (c.id, {"count": 3})]
    assert [change[:2] for change in done.changes] == [
        (a.id, "updated"), (a.id, "escalated"), (b.id, "resolved"), (c.id, "updated")]


def test_digest_member_writes_keep_the_id_order(db, monkeypatch):
    """A digest's new members (with its re-alert) are written in the same ascending order."""
    a, b, c = new_alerts(db, 3, MON)
    touched: list[tuple[str, int]] = []
    for name in ("resolve", "set_members"):
        real = getattr(alert_queries, name)

        def spy(session, alert_id, *args, _real=real, _name=name, **kw):
            touched.append((_name, alert_id))
            return _real(session, alert_id, *args, **kw)

        monkeypatch.setattr(alert_queries, name, spy)
    member = {"id": 7, "since": None, "joined": MON.isoformat()}
    plan = Plan(resolve=[b], members=[(c, {"count": 1}, (member,), True),
                                      (a, {"count": 1}, (member,), False)])
    with db.transaction() as s:
        done = write_plan(s, plan, MON)
    assert touched == [("set_members", a.id), ("resolve", b.id), ("set_members", c.id)]
    assert [(x.id, rearm) for x, _, _, rearm in done.members] == [(a.id, False), (c.id, True)]
    assert [change[:2] for change in done.changes] == [
        (a.id, "updated"), (b.id, "resolved"), (c.id, "updated")]
