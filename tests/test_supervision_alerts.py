"""An open supervision order raises an alert for the seat of the department it is addressed to:
raised → alert; stepped up → a new alert at the new level; answered → cleared. On the
evaluation town (tests/evaluation_town.py): a4 is dispatched to 甲局 and never handled."""
from __future__ import annotations

from sqlalchemy import select

from console.domain.alert_rules import seat_sees
from console.services import supervision as sv
from console.services.alerts import AlertEngine
from console.store.models import Alert
from tests import evaluation_town as T
from tests.test_supervision import database, town  # noqa: F401 — the fixtures


def _evaluate(database, engine, at):
    with database.transaction() as s:
        return engine.evaluate(s, at)


def _supervision_alerts(database):
    with database.session() as s:
        return s.scalars(select(Alert).where(Alert.kind.in_(
            ["supervised", "department_supervised"])).order_by(Alert.id)).all()


def test_an_order_alerts_its_department_until_answered(database, town):  # noqa: F811
    a4, lead, jia = town.cases["a4"], town.people["lead"], town.people["jia"]
    jia_id, yi_id = town.depts["甲局"], town.depts["乙局"]
    engine = AlertEngine()
    _evaluate(database, engine, T.at(13, 11))
    assert _supervision_alerts(database) == []
    with database.transaction() as s:
        order = sv.raise_order(s, lead, case_id=a4, level=1, reason="尽快处置",
                               due_at=T.at(13, 16), at=T.at(13, 12))
    _evaluate(database, engine, T.at(13, 12, ))
    (alert,) = _supervision_alerts(database)
    assert (alert.subject_type, alert.subject_id, alert.resolved_at) == ("case", a4, None)
    assert (alert.params["level"], alert.params["reason"], alert.params["department_id"]) == (
        1, "尽快处置", jia_id)
    seen = lambda role, dept: seat_sees(role, dept, alert.subject_type,  # noqa: E731
                                        alert.subject_id, alert.params, alert.kind)
    assert seen("department", jia_id) and not seen("department", yi_id)
    # The desk that raised it follows it by the badge and the ring: not one alert per order.
    assert not any(seen(role, None) for role in ("dispatcher", "leader", "admin", "viewer"))
    # Stepped up: the 催办's alert goes, the 督办's comes (not acknowledged by anyone yet).
    with database.transaction() as s:
        sv.raise_order(s, lead, case_id=a4, level=2, reason="仍未处置", due_at=T.at(13, 18),
                       at=T.at(13, 13))
    _evaluate(database, engine, T.at(13, 13))
    first, second = _supervision_alerts(database)
    assert first.resolved_at == T.at(13, 13) and second.resolved_at is None
    assert (second.params["level"], second.acknowledged_at) == (2, None)
    with database.session() as s:
        assert {f.key for f in engine.findings(s, T.at(13, 13)) if f.kind == "supervised"} == {
            f"supervised:case:{a4}:level2"}
    # Answered: nothing left for the department to do.
    with database.transaction() as s:
        sv.answer(s, jia, order.order_id, reply="已派人", promised_at=T.at(14, 9),
                  at=T.at(13, 14))
    _evaluate(database, engine, T.at(13, 14))
    assert all(a.resolved_at is not None for a in _supervision_alerts(database))


def test_an_order_on_a_department_alerts_that_department(database, town):  # noqa: F811
    jia_id = town.depts["甲局"]
    engine = AlertEngine()
    with database.transaction() as s:
        order = sv.raise_order(s, town.people["lead"], department_id=jia_id, level=3,
                               reason="积案严重", due_at=T.at(14, 9), at=T.at(13, 12))
    _evaluate(database, engine, T.at(13, 12))
    (alert,) = _supervision_alerts(database)
    assert (alert.kind, alert.subject_type, alert.subject_id) == (
        "department_supervised", "department", jia_id)
    assert alert.params["name"] == "甲局"
    with database.transaction() as s:
        sv.close(s, town.people["lead"], order.order_id, at=T.at(13, 15))
    _evaluate(database, engine, T.at(13, 15))
    assert _supervision_alerts(database)[0].resolved_at == T.at(13, 15)
