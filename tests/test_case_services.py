"""Case services on a real SQLite file: rows, events, feed, validation and roles."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from console.domain.errors import DomainError, NotFound
from console.domain.roles import Role
from console.domain.work_calendar import TimeUnit, WorkCalendar
from console.services import cases
from console.services.actor import SYSTEM_ACTOR, Actor, actor_for
from console.services.settings import set_setting
from console.store.models import Category, Cell
from tests.service_city import (
    CENTRE,
    COLLAPSE,
    FRI,
    GARBAGE,
    MANHOLE,
    MON,
    STEP,
    counts,
    do,
    feed_after,
    load,
    report,
)

# --- the main path ---------------------------------------------------------------------------

def test_report_to_close_through_the_services(db, city):
    dept = city.departments["环卫处"]
    worker = city.dept_user(db, dept)
    seq0 = counts(db)["feed_seq"]

    # 上报
    c = report(db, city.dispatcher)
    case, events = load(db, c.case_id)
    assert c.number == "202603090001" and c.status == "reported" and c.version == 1
    assert (case.status, case.reported_at, case.updated_at) == ("reported", MON, MON)
    assert case.cell_id == city.cell_ids[3]            # the north-east cell holds the point
    assert (case.category_code, case.source, case.urgent) == (GARBAGE, "hotline", False)
    assert (case.reporter_phone, case.address) == ("13812345678", "曙光路12号")
    assert case.deadline is None and case.department_id is None
    [ev] = events
    assert (ev.actor_id, ev.actor_name, ev.actor_role) == (
        city.dispatcher.user_id, city.dispatcher.name, "dispatcher")
    assert (ev.from_status, ev.to_status, ev.note) == (None, "reported", None)
    batch = feed_after(db, seq0)
    assert [(r.seq, r.entity, r.entity_id, r.action) for r in batch.rows] == [
        (seq0 + 1, "case", c.case_id, "report")]
    assert batch.rows[0].payload["status"] == "reported"
    assert batch.rows[0].payload["cell_id"] == city.cell_ids[3]
    assert c.seq == batch.seq == seq0 + 1

    # 立案
    t1 = MON + timedelta(minutes=5)
    c = do(db, cases.register, city.dispatcher, c, note="核实属实", at=t1)
    case, events = load(db, c.case_id)
    assert (case.status, case.registered_at, case.updated_at, case.version) == (
        "registered", t1, t1, 2)
    assert (events[-1].action, events[-1].from_status, events[-1].to_status, events[-1].note) == (
        "register", "reported", "registered", "核实属实")
    assert c.seq == seq0 + 2

    # 派遣: department and deadline default from the category and the work calendar
    t2 = MON + timedelta(minutes=20)
    c = do(db, cases.dispatch, city.dispatcher, c, at=t2)
    case, events = load(db, c.case_id)
    with db.session() as s:
        cat = s.scalars(select(Category).where(Category.code == GARBAGE)).one()
    assert (cat.time_limit, cat.time_unit, cat.department_id) == (4, "work_hours", dept)
    # 10:20 + 4 work hours = 1h40 before lunch, 2h20 after 14:00 → 16:20 the same day.
    assert case.deadline == datetime(2026, 3, 9, 16, 20)
    assert case.deadline == WorkCalendar().deadline(t2, 4, TimeUnit.WORK_HOURS)
    assert (case.status, case.department_id, case.dispatched_at, case.version) == (
        "dispatched", dept, t2, 3)
    # The centre's own 派遣 limit (30 work minutes from 立案 at 10:05) was kept.
    assert events[-1].data == {"department_id": dept, "deadline": case.deadline.isoformat(),
                               "centre_stage": {"key": "dispatch", "on_time": True}}
    batch = feed_after(db, seq0 + 2)
    assert [(r.seq, r.action) for r in batch.rows] == [(seq0 + 3, "dispatch")]
    assert batch.rows[0].payload == {"status": "dispatched", "from": "registered",
                                     "cell_id": city.cell_ids[3], "department_id": dept}

    # 处置完成 by the department
    t3 = MON + timedelta(hours=3)
    c = do(db, cases.mark_handled, worker, c, note="已清理", at=t3)
    case, events = load(db, c.case_id)
    assert (case.status, case.handled_at, case.deadline) == ("handled", t3, datetime(2026, 3, 9, 16, 20))
    assert (events[-1].actor_id, events[-1].actor_role, events[-1].note) == (
        worker.user_id, "department", "已清理")

    # 核查
    t4 = t3 + timedelta(minutes=10)
    c = do(db, cases.request_check, city.dispatcher, c, patrol_id=city.officer_id, at=t4)
    case, events = load(db, c.case_id)
    assert (case.status, case.check_patrol_id) == ("checking", city.officer_id)
    assert events[-1].data == {"patrol_id": city.officer_id}

    # 结案
    t5 = t4 + timedelta(minutes=30)
    c = do(db, cases.close, city.dispatcher, c, at=t5)
    case, events = load(db, c.case_id)
    assert (case.status, case.closed_at, case.updated_at, case.version) == ("closed", t5, t5, 6)
    assert [e.action for e in events] == ["report", "register", "dispatch", "mark_handled",
                                          "request_check", "close"]
    assert [e.to_status for e in events] == ["reported", "registered", "dispatched", "handled",
                                             "checking", "closed"]

    # One sequence per transaction, strictly increasing, one feed row each.
    batch = feed_after(db, seq0)
    assert [r.seq for r in batch.rows] == list(range(seq0 + 1, seq0 + 7))
    assert [r.action for r in batch.rows] == [e.action for e in events]
    assert all(r.entity_id == c.case_id for r in batch.rows)
    assert batch.rows[-1].payload["status"] == "closed"

    # Nothing is left to do but annotate.
    with pytest.raises(DomainError) as err:
        do(db, cases.rework, city.dispatcher, c, reason="重新处理", at=t5 + timedelta(minutes=1))
    assert err.value.code == "action_not_allowed_in_state"
    assert load(db, c.case_id)[0].version == 6


def test_report_by_cell_code_uses_its_centroid_and_urgency_defaults(db, city):
    c = report(db, SYSTEM_ACTOR, category_code=COLLAPSE, source="sensor", lon=None, lat=None,
               cell_code=city.cell_codes[0], reporter_phone=" 0571-87654321 ")
    case, events = load(db, c.case_id)
    assert case.cell_id == city.cell_ids[0]
    with db.session() as s:
        cell = s.get(Cell, city.cell_ids[0])
    assert (case.lon, case.lat) == (cell.centroid_lon, cell.centroid_lat)
    assert case.lon == pytest.approx(CENTRE[0] - STEP / 2) and case.lat == pytest.approx(CENTRE[1] - STEP / 2)
    assert case.urgent is True and case.reporter_phone == "0571-87654321"
    assert (events[0].actor_id, events[0].actor_role) == (None, "system")
    # Urgent categories run on natural hours: 2 h from 10:20 is 12:20, lunch or not.
    t = MON + timedelta(minutes=20)
    c = do(db, cases.register, city.dispatcher, c, at=t)
    c = do(db, cases.dispatch, city.dispatcher, c, at=t)
    case, _ = load(db, c.case_id)
    assert case.deadline == t + timedelta(hours=2)


def test_dispatch_deadline_follows_the_stored_work_calendar(db, city):
    c = report(db, city.dispatcher, category_code=MANHOLE, at=FRI)
    c = do(db, cases.register, city.dispatcher, c, at=FRI)
    with db.transaction() as s:
        set_setting(s, actor_for(s, "admin"), "work_calendar",
                    WorkCalendar(holidays=frozenset({date(2026, 3, 16)})).to_dict(), FRI)
    t = FRI + timedelta(minutes=1)
    c = do(db, cases.dispatch, city.dispatcher, c, at=t)
    case, _ = load(db, c.case_id)
    # Fri 10:01 + 3 work days: Mon 16th is a holiday, so Thu 19th 10:01 (not Wed 18th).
    assert case.deadline == datetime(2026, 3, 19, 10, 1)
    assert case.department_id == city.departments["排水公司"]


def test_explicit_department_and_deadline_win(db, city):
    other = min(d for d in city.departments.values() if d != city.departments["环卫处"])
    c = report(db, city.dispatcher)
    c = do(db, cases.register, city.dispatcher, c, at=MON)
    due = MON + timedelta(days=2)
    c = do(db, cases.dispatch, city.dispatcher, c, department_id=other, deadline=due,
           at=MON + timedelta(minutes=1))
    case, _ = load(db, c.case_id)
    assert (case.department_id, case.deadline) == (other, due)


def test_register_can_correct_the_category(db, city):
    c = report(db, city.dispatcher)
    c = do(db, cases.register, city.dispatcher, c, category_code=MANHOLE, at=MON)
    case, events = load(db, c.case_id)
    assert case.category_code == MANHOLE
    assert events[0].data["category_code"] == GARBAGE
    assert events[1].data == {"category_code": MANHOLE,
                              "centre_stage": {"key": "register", "on_time": True}}
    c = do(db, cases.dispatch, city.dispatcher, c, at=FRI)
    case, _ = load(db, c.case_id)
    assert case.department_id == city.departments["排水公司"]


def test_the_side_paths_replay(db, city):
    """回退 and re-dispatch, 延期 requested and approved, 返工, 挂账 and resume, 作废, notes."""
    dept = city.departments["环卫处"]
    worker = city.dept_user(db, dept)
    t = MON
    c = report(db, city.patrol, source="patrol", reporter_patrol_id=city.officer_id)

    def step(fn, actor, **kw):
        nonlocal t, c
        t += timedelta(minutes=15)
        c = do(db, fn, actor, c, at=t, **kw)
        return load(db, c.case_id)[0]

    step(cases.register, city.dispatcher)
    wrong = min(d for d in city.departments.values() if d != dept)
    assert step(cases.dispatch, city.dispatcher, department_id=wrong).department_id == wrong
    with pytest.raises(DomainError) as refused:   # only the department it went to may act
        do(db, cases.return_case, worker, c, at=t, reason="非本单位职责")
    assert refused.value.code == "not_your_department"
    case = step(cases.return_case, city.dept_user(db, wrong), reason="非本单位职责")
    assert (case.status, case.department_id, case.deadline, case.return_count) == (
        "registered", None, None, 1)
    case = step(cases.dispatch, city.dispatcher)
    assert case.department_id == dept
    first_deadline = case.deadline
    case = step(cases.request_extension, worker, deadline=first_deadline + timedelta(days=1),
                reason="需采购材料")
    assert case.requested_deadline == first_deadline + timedelta(days=1)
    assert case.deadline == first_deadline
    case = step(cases.approve_extension, city.leader)
    assert (case.deadline, case.requested_deadline, case.extension_count) == (
        first_deadline + timedelta(days=1), None, 1)
    step(cases.mark_handled, worker)
    step(cases.request_check, city.dispatcher, patrol_id=city.officer_id)
    case = step(cases.rework, city.dispatcher, reason="处置不彻底")
    assert (case.status, case.rework_count, case.handled_at, case.check_patrol_id) == (
        "dispatched", 1, None, None)
    assert case.deadline == WorkCalendar().deadline(t, 4, TimeUnit.WORK_HOURS)
    case = step(cases.park, city.leader, reason="需统筹解决")
    assert case.status == "parked"
    case = step(cases.resume, city.leader)
    assert case.status == "registered"
    case = step(cases.add_note, city.patrol, note="现场仍有垃圾")
    assert case.status == "registered"
    case = step(cases.cancel, city.leader, reason="上报人撤回")
    case, events = load(db, c.case_id)
    assert case.status == "cancelled" and case.version == len(events) == 14
    assert events[-2].note == "现场仍有垃圾" and events[-1].note == "上报人撤回"
    assert events[0].actor_id == city.patrol.user_id and case.reporter_patrol_id == city.officer_id


def test_reject_needs_a_reason_and_writes_nothing_without(db, city):
    c = report(db, city.dispatcher)
    before = counts(db)
    with pytest.raises(DomainError) as err:
        do(db, cases.reject, city.dispatcher, c, reason="   ")
    assert err.value.code == "reason_required"
    assert counts(db) == before
    c = do(db, cases.reject, city.dispatcher, c, reason="重复上报", at=MON + timedelta(minutes=2))
    case, events = load(db, c.case_id)
    assert case.status == "rejected" and events[-1].note == "重复上报"


def test_roles_are_checked_by_the_services(db, city):
    c = report(db, city.dispatcher)
    before = counts(db)
    for fn, actor, kw in [(cases.register, city.patrol, {}),
                          (cases.cancel, city.dispatcher, {"reason": "误报"})]:
        with pytest.raises(DomainError) as err:
            do(db, fn, actor, c, **kw)
        assert err.value.code == "role_not_allowed"
    assert counts(db) == before
    worker = city.dept_user(db, 1)
    with pytest.raises(DomainError) as err:
        report(db, worker)
    assert err.value.code == "role_not_allowed"
    # A person made up in code, without a row, is nobody: only the machines' actor has none.
    with pytest.raises(DomainError) as err:
        report(db, Actor(None, "部门", Role.DEPARTMENT, 1))
    assert err.value.code == "unknown_user"
    assert counts(db) == before


@pytest.mark.parametrize(("fn", "kw", "what"), [
    (cases.dispatch, {"department_id": 99_999}, "department"),
    pytest.param(cases.register, {"category_code": "29999"}, None),
])
def test_unknown_references_in_actions_write_nothing(db, city, fn, kw, what):
    c = report(db, city.dispatcher)
    if fn is cases.dispatch:
        c = do(db, cases.register, city.dispatcher, c)
    before = counts(db)
    with pytest.raises(DomainError) as err:
        do(db, fn, city.dispatcher, c, **kw)
    if what:
        assert isinstance(err.value, NotFound) and err.value.params["what"] == what
    else:
        assert err.value.code == "unknown_category"
    assert counts(db) == before


def test_request_check_needs_a_known_patrol(db, city):
    dept = city.departments["环卫处"]
    c = report(db, city.dispatcher)
    c = do(db, cases.register, city.dispatcher, c)
    c = do(db, cases.dispatch, city.dispatcher, c)
    c = do(db, cases.mark_handled, city.dept_user(db, dept), c)
    before = counts(db)
    with pytest.raises(NotFound):
        do(db, cases.request_check, city.dispatcher, c, patrol_id=12345)
    assert counts(db) == before


def test_unknown_case_is_not_found(db, city):
    with db.transaction() as s, pytest.raises(NotFound):
        cases.register(s, city.dispatcher, 4242, 1)


# --- report validation -------------------------------------------------------------------------

OUTSIDE = (CENTRE[0] + 0.5, CENTRE[1] + 0.5)


@pytest.mark.parametrize(("kw", "code"), [
    pytest.param({"category_code": "29999"}, "unknown_category"),
    ({"reporter_phone": "12345"}, None),                 # 5 digits is a valid short number
    ({"reporter_phone": "1381234567"}, "bad_phone"),     # 10-digit mobile
    ({"reporter_phone": "23812345678"}, "bad_phone"),
    ({"reporter_phone": "tel:110"}, "bad_phone"),
    ({"lon": None, "lat": None}, "location_required"),
    ({"lon": OUTSIDE[0], "lat": OUTSIDE[1]}, "location_outside_city"),
    ({"lon": 200.0, "lat": 30.0}, "bad_coordinates"),
    pytest.param({"lon": None, "lat": None, "cell_code": "33010600100199"}, "unknown_cell"),
    ({"source": "pigeon"}, "unknown_source"),
    ({"description": "脏" * 2001}, "text_too_long"),
])
def test_report_validation(db, city, kw, code):
    before = counts(db)
    if code is None:
        c = report(db, city.dispatcher, **kw)
        assert load(db, c.case_id)[0].reporter_phone == kw["reporter_phone"]
        return
    with pytest.raises(DomainError) as err:
        report(db, city.dispatcher, **kw)
    assert err.value.code == code
    assert counts(db) == before
    # The counter was not consumed: the next good report is serial 1.
    assert report(db, city.dispatcher).number == "202603090001"


def test_a_point_on_a_shared_edge_finds_one_cell(db, city):
    c = report(db, city.dispatcher, lon=CENTRE[0], lat=CENTRE[1] + STEP / 2)
    case, _ = load(db, c.case_id)
    assert case.cell_id in (city.cell_ids[2], city.cell_ids[3])


def test_actor_for_prefers_a_dispatcher(db, city):
    with db.session() as s:
        assert actor_for(s) == city.dispatcher
        assert actor_for(s, "leader") == city.leader
        with pytest.raises(DomainError) as err:
            actor_for(s, "ghost")
    assert err.value.code == "unknown_user"
