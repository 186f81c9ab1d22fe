"""Supervision orders (督办): the ladder, answers, closing, the periodic check — explicit times.

The evaluation town (tests/evaluation_town.py) gives the cases: a4 (甲局) is dispatched with
its deadline 13 March 11:00 and never handled; a5 is handled; b1 is closed.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.domain.errors import DomainError
from console.services import supervision as sv
from console.services.actor import snapshot
from console.store.models import AuditRecord, Case, ChangeFeed, Setting, SupervisionOrder, User
from tests import evaluation_town as T
from tests.pg_server import PG_URL, fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, db):
    if request.param == "sqlite":
        yield db
        return
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    from console.store.database import open_database
    with fresh_database("console_supervision") as url:
        pg = open_database(url)
        try:
            yield pg
        finally:
            pg.dispose()


@pytest.fixture
def town(database):
    town = T.build(database)
    with database.transaction() as s:
        people = {"lead": User(username="lead", display_name="带班领导", role="leader"),
                  "jia": User(username="jia", display_name="甲局值守", role="department",
                              department_id=town.depts["甲局"]),
                  "yi": User(username="yi", display_name="乙局值守", role="department",
                             department_id=town.depts["乙局"]),
                  "desk": User(username="desk", display_name="值班员", role="dispatcher")}
        s.add_all(people.values())
        s.flush()
        town.people = {k: snapshot(u) for k, u in people.items()}
    return town


def _level(database, case_id):
    with database.session() as s:
        return s.get(Case, case_id).supervision_level


def test_raise_answer_close_on_a_case(database, town):
    a4, lead, jia = town.cases["a4"], town.people["lead"], town.people["jia"]
    with database.transaction() as s:
        order = sv.raise_order(s, lead, case_id=a4, level=1, reason="尽快处置",
                               due_at=T.at(13, 16), at=T.at(13, 12))
    assert (order.level, order.due_at, order.auto) == (1, T.at(13, 16), False)
    assert _level(database, a4) == 1
    with database.transaction() as s, pytest.raises(DomainError) as e:
        sv.answer(s, town.people["yi"], order.order_id, reply="不归我们", promised_at=T.at(14, 9),
                  at=T.at(13, 13))
    assert e.value.code == "supervision_not_yours"
    with database.transaction() as s, pytest.raises(DomainError) as e:
        sv.answer(s, jia, order.order_id, reply="已派人", promised_at=T.at(13, 12),
                  at=T.at(13, 13))
    assert e.value.code == "supervision_promise_past"
    with database.transaction() as s:
        answered = sv.answer(s, jia, order.order_id, reply="已派人", promised_at=T.at(14, 9),
                             at=T.at(13, 13))
    assert (answered.reply, answered.promised_at, answered.answered_at) == (
        "已派人", T.at(14, 9), T.at(13, 13))
    with database.transaction() as s, pytest.raises(DomainError) as e:
        sv.close(s, jia, order.order_id, at=T.at(14, 10))
    assert e.value.code == "role_not_allowed"
    with database.transaction() as s:
        closed = sv.close(s, lead, order.order_id, note="已处置", at=T.at(14, 10))
    assert closed.closed_at == T.at(14, 10) and _level(database, a4) == 0
    with database.session() as s:
        actions = [r.action for r in s.scalars(select(ChangeFeed).where(
            ChangeFeed.entity == "supervision").order_by(ChangeFeed.id))]
        audit = [(r.action, r.actor_name) for r in s.scalars(select(AuditRecord).where(
            AuditRecord.entity == "supervision").order_by(AuditRecord.id))]
    assert actions == ["added", "answered", "closed"]
    assert audit == [("added", "带班领导"), ("answered", "甲局值守"), ("closed", "带班领导")]
    # Closed: the next order on the case is a new one.
    with database.transaction() as s:
        again = sv.raise_order(s, lead, case_id=a4, level=2, reason="再次督办", at=T.at(15, 9))
    assert again.order_id != order.order_id and _level(database, a4) == 2


def test_one_open_order_per_subject_raised_a_step_not_doubled(database, town):
    lead, dept = town.people["lead"], town.depts["乙局"]
    with database.transaction() as s:
        first = sv.raise_order(s, lead, department_id=dept, reason="积案多", at=T.at(13, 9))
    # The default due time: the answer window (4 hours).
    assert first.due_at == T.at(13, 13)
    with database.transaction() as s, pytest.raises(DomainError) as e:
        sv.raise_order(s, lead, department_id=dept, level=1, reason="再催", at=T.at(13, 10))
    assert e.value.code == "supervision_open"
    with database.transaction() as s:
        up = sv.raise_order(s, lead, department_id=dept, level=3, reason="挂牌", at=T.at(13, 10),
                            due_at=T.at(14, 10))
    assert (up.order_id, up.level, up.reason, up.due_at) == (first.order_id, 3, "挂牌", T.at(14, 10))
    with database.session() as s:
        assert s.scalar(select(SupervisionOrder.open_key)) == f"department:{dept}"


def test_who_may_raise_and_what_is_refused(database, town):
    a4 = town.cases["a4"]
    with database.transaction() as s, pytest.raises(DomainError) as e:
        sv.raise_order(s, town.people["desk"], case_id=a4, reason="催", at=T.at(13, 12))
    assert e.value.code == "role_not_allowed"
    for kw, code in (({"case_id": a4, "department_id": 1}, "supervision_subject"),
                     ({}, "supervision_subject"), ({"case_id": a4, "level": 4},
                                                    "supervision_bad_level"),
                     ({"case_id": 99_999}, "not_found")):
        with database.transaction() as s, pytest.raises(DomainError) as e:
            sv.raise_order(s, town.people["lead"], reason="催", at=T.at(13, 12), **kw)
        assert e.value.code == code, kw


def test_the_check_raises_on_overdue_cases_and_escalates_unanswered(database, town):
    a4, b4 = town.cases["a4"], town.cases["b4"]
    lead = town.people["lead"]
    # a4's deadline 13th 11:00 + 24 h margin = 14th 11:00: not yet at 10:59, raised at 11:01.
    with database.transaction() as s:
        assert sv.run_due(s, T.at(14, 10 + 59 / 60)) == sv.DueResult(0, 0)
    with database.transaction() as s:
        assert sv.run_due(s, T.at(14, 11 + 1 / 60)) == sv.DueResult(1, 0)
        order = s.scalars(select(SupervisionOrder).where(SupervisionOrder.case_id == a4)).one()
        assert (order.level, order.auto, order.issued_by, order.due_at) == (
            1, True, None, T.at(14, 15 + 1 / 60))
        order_id = order.id
    assert _level(database, a4) == 1
    # Run again: nothing doubles. At the due time, not past it: nothing escalates.
    with database.transaction() as s:
        assert sv.run_due(s, T.at(14, 15 + 1 / 60)) == sv.DueResult(0, 0)
    with database.transaction() as s:
        assert sv.run_due(s, T.at(14, 15.5)) == sv.DueResult(0, 1)
        order = s.get(SupervisionOrder, order_id)
        assert (order.level, order.escalated_at, order.due_at) == (2, T.at(14, 15.5),
                                                                  T.at(14, 19.5))
    assert _level(database, a4) == 2
    # Answered orders wait for the leader; unanswered ones climb to 挂牌督办 and stay there.
    with database.transaction() as s:
        sv.raise_order(s, lead, department_id=town.depts["乙局"], reason="积案", at=T.at(14, 16))
        dept_order = s.scalar(select(SupervisionOrder.id).where(
            SupervisionOrder.department_id == town.depts["乙局"]))
        sv.answer(s, town.people["yi"], dept_order, reply="正在清理", promised_at=T.at(16, 9),
                  at=T.at(14, 17))
    with database.transaction() as s:
        assert sv.run_due(s, T.at(15, 0)) == sv.DueResult(0, 1)
    with database.transaction() as s:
        assert sv.run_due(s, T.at(16, 0)) == sv.DueResult(0, 0)
        assert s.get(SupervisionOrder, order_id).level == 3
        assert s.get(SupervisionOrder, dept_order).level == 1
    # b4 was handled: never raised; the margin is a shared setting (0: never).
    with database.transaction() as s:
        assert s.scalar(select(SupervisionOrder.id).where(SupervisionOrder.case_id == b4)) is None


def test_the_margin_is_a_shared_setting(database, town):
    with database.transaction() as s:
        s.add(Setting(key="supervision_auto_overdue_hours", value={"v": 0}, updated_at=T.at(1, 0)))
    with database.transaction() as s:
        assert sv.run_due(s, T.at(20, 0)) == sv.DueResult(0, 0)
    with database.transaction() as s:
        s.get(Setting, "supervision_auto_overdue_hours").value = {"v": 2}
    with database.transaction() as s:
        assert sv.run_due(s, T.at(13, 13 + 1 / 60)).raised == 1


def test_escalation_leaves_the_case_version_alone(database, town):
    a4 = town.cases["a4"]
    with database.session() as s:
        version = s.get(Case, a4).version
    with database.transaction() as s:
        sv.raise_order(s, town.people["lead"], case_id=a4, reason="催", at=T.at(13, 12))
        sv.run_due(s, T.at(13, 12) + timedelta(hours=5))
    with database.session() as s:
        case = s.get(Case, a4)
        assert (case.version, case.supervision_level) == (version, 2)
