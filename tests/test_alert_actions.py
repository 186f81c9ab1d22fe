"""Acknowledging and escalating alerts: stored with the name and time, seen by another seat."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.domain.errors import DomainError
from console.services import alert_actions
from console.services.alerts import AlertEngine
from console.store.database import open_database
from console.store.models import ChangeFeed
from console.common import messages
from tests import alert_city as C
from tests.alert_city import MONDAY, URGENT

T = MONDAY.replace(hour=9)


@pytest.fixture
def alerts(db):
    """Two open alerts: an urgent case (critical) and the officer offline (warning)."""
    city = C.build(db)
    C.report(db, city, T, category=URGENT)
    C.evaluate(db, AlertEngine(), T)
    with db.session() as s:
        views = {a.kind: a for a in alert_actions.open_alerts(s)}
    assert set(views) == {"new_urgent", "offline"}
    return city, views


def test_acknowledge_keeps_name_time_and_note_and_another_seat_sees_it(db, alerts):
    city, views = alerts
    alert = views["new_urgent"]
    with db.transaction() as s:
        done = alert_actions.acknowledge(s, city.desk, [alert.id], note="  已电话通知市政  ",
                                         at=T + timedelta(minutes=2))
    assert done == [alert.id]
    other = open_database(db.url)   # a second seat: its own engine, pool and sessions
    try:
        with other.session() as s:
            (seen,) = alert_actions.alerts_by_id(s, [alert.id])
    finally:
        other.dispose()
    assert (seen.acknowledged_by, seen.acknowledged_at, seen.ack_note) == (
        "张伟", T + timedelta(minutes=2), "已电话通知市政")
    assert seen.open   # acknowledged is not resolved: the condition still holds
    with db.session() as s:
        row = s.execute(select(ChangeFeed.action, ChangeFeed.payload)
                        .where(ChangeFeed.entity == "alert", ChangeFeed.entity_id == alert.id)
                        .order_by(ChangeFeed.id.desc())).first()
    assert row.action == "acknowledged" and row.payload == {"by": "张伟", "note": True}


def test_acknowledging_twice_names_who_was_first(db, alerts):
    city, views = alerts
    alert = views["offline"]
    with db.transaction() as s:
        alert_actions.acknowledge(s, city.leader, [alert.id], at=T + timedelta(minutes=1))
    with pytest.raises(DomainError) as info, db.transaction() as s:
        alert_actions.acknowledge(s, city.desk, [alert.id])
    assert info.value.code == "alert_already_acknowledged"
    assert info.value.params == {"by": "李娜", "at": "09:01"}
    # In a batch, the ones already acknowledged are simply left as they are.
    with db.transaction() as s:
        done = alert_actions.acknowledge(s, city.desk, [alert.id, views["new_urgent"].id])
    assert done == [views["new_urgent"].id]


def test_only_the_desk_acknowledges_and_notes_are_bounded(db, alerts):
    city, views = alerts
    with pytest.raises(DomainError) as info, db.transaction() as s:
        alert_actions.acknowledge(s, city.patrol_user, [views["offline"].id])
    assert info.value.code == "alert_role_not_allowed"
    with pytest.raises(DomainError) as info, db.transaction() as s:
        alert_actions.acknowledge(s, city.desk, [views["offline"].id], note="长" * 501)
    assert info.value.code == "text_too_long" and info.value.params["field"] == "alert_note"
    for bad in ("未接\x00电话", "\ud800"):     # NUL crashed PostgreSQL, a lone surrogate both
        with pytest.raises(DomainError) as info, db.transaction() as s:
            alert_actions.acknowledge(s, city.desk, [views["offline"].id], note=bad)
        assert info.value.code == "text_bad_character"
    with pytest.raises(DomainError) as info, db.transaction() as s:
        alert_actions.acknowledge(s, city.desk, [999_999])
    assert info.value.code == "not_found"


def test_escalate_raises_level_and_severity_up_to_the_top(db, alerts):
    city, views = alerts
    alert = views["offline"]
    for level in (1, 2, 3):
        with db.transaction() as s:
            view = alert_actions.escalate(s, city.desk, alert.id, at=T + timedelta(minutes=level))
        assert (view.level, view.severity, view.escalated_by) == (level, "critical", "张伟")
        assert view.escalated_at == T + timedelta(minutes=level)
    with pytest.raises(DomainError) as info, db.transaction() as s:
        alert_actions.escalate(s, city.leader, alert.id)
    assert (info.value.code, info.value.params) == ("alert_max_level", {"level": 3})


def test_a_resolved_alert_cannot_be_escalated(db, alerts):
    city, views = alerts
    C.walk(db, city, T + timedelta(minutes=1), T + timedelta(minutes=2), C.inside)
    C.evaluate(db, AlertEngine(), T + timedelta(minutes=2))   # the officer reports again
    with pytest.raises(DomainError) as info, db.transaction() as s:
        alert_actions.escalate(s, city.desk, views["offline"].id)
    assert (info.value.code, info.value.params) == ("alert_resolved", {"at": "09:02"})


@pytest.mark.parametrize("code, params, words", [
    ("alert_already_acknowledged", {"by": "李娜", "at": "09:01"}, "李娜 已于 09:01 确认此告警。"),
    ("alert_resolved", {"at": "09:02"}, "此告警已于 09:02 自动解除，无需升级。"),
    ("alert_max_level", {"level": 3}, "此告警已处于最高升级级别（3 级）。"),
    ("alert_role_not_allowed", {"role": "patrol"}, "“监督员”角色无权确认或升级告警。"),
])
def test_refusals_are_worded(qapp, code, params, words):
    from console.ui import alerts as _feature  # noqa: F401 — registers the sentences
    from console.common.i18n import install_translators
    install_translators(qapp, "zh_CN")
    try:
        assert messages.describe_error(DomainError(code, **params)) == words
    finally:
        install_translators(qapp, "en")
