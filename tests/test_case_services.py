"""Case and position services on a real SQLite file: rows, events, feed, locking and numbering."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from console.domain.errors import DomainError, NotFound, StaleVersion
from console.domain.roles import Role
from console.domain.work_calendar import TimeUnit, WorkCalendar
from console.domain.workflow import CaseState, Status, replay
from console.services import cases
from console.services.actor import SYSTEM_ACTOR, Actor, actor_for
from console.services.positions import Fix, record_position, record_positions
from console.services.settings import set_setting
from console.store.database import open_database
from console.store.feed import changes_since, current_seq
from console.store.models import (Case, CaseEvent, CaseNumberCounter, Category, Cell, ChangeFeed,
                                  Community, Department, Device, District, LatestPosition,
                                  PatrolOfficer, Position, Street, User, WorkGrid, WorkGridCell)

MON = datetime(2026, 3, 9, 10, 0)      # a Monday, in working time
FRI = datetime(2026, 3, 13, 10, 0)
CENTRE = (120.15, 30.27)
STEP = 0.001                           # cell side in degrees (about 100 m)
GARBAGE = "20102"                      # 暴露垃圾: 4 work_hours, 环卫处
MANHOLE = "10102"                      # 污水井盖: 3 work_days, 排水公司
COLLAPSE = "20401"                     # 路面塌陷: urgent, 2 natural hours


# --- a tiny city ---------------------------------------------------------------------------

@dataclass
class City:
    cell_ids: list[int]
    cell_codes: list[str]
    officer_id: int
    device: str
    dispatcher: Actor
    leader: Actor
    patrol: Actor
    departments: dict[str, int]        # name → id

    def dept_user(self, db, department_id: int) -> Actor:
        with db.transaction() as s:
            user = User(username=f"dept{department_id}", display_name=f"部门{department_id}",
                        role=Role.DEPARTMENT, department_id=department_id)
            s.add(user)
            s.flush()
            return Actor(user.id, user.display_name, Role.DEPARTMENT, department_id)


def square(lon: float, lat: float) -> list[list[float]]:
    ring = [[lon, lat], [lon + STEP, lat], [lon + STEP, lat + STEP], [lon, lat + STEP]]
    return ring + ring[:1]


@pytest.fixture
def city(db) -> City:
    """Four square cells (2×2) around CENTRE in one community and one work grid; one patrol."""
    with db.transaction() as s:
        district = District(code="330106", name="西湖区")
        s.add(district)
        s.flush()
        street = Street(code="330106001", name="北山街道", district_id=district.id)
        s.add(street)
        s.flush()
        community = Community(code="330106001001", name="青芝坞社区", street_id=street.id)
        s.add(community)
        s.flush()
        cells = []
        for i, (dx, dy) in enumerate([(-1, -1), (0, -1), (-1, 0), (0, 0)], start=1):
            lon, lat = CENTRE[0] + dx * STEP, CENTRE[1] + dy * STEP
            cells.append(Cell(code=f"{community.code}{i:02d}", community_id=community.id,
                              ring=square(lon, lat), centroid_lon=lon + STEP / 2,
                              centroid_lat=lat + STEP / 2, area_m2=10_000.0, min_lon=lon,
                              min_lat=lat, max_lon=lon + STEP, max_lat=lat + STEP))
        s.add_all(cells)
        grid = WorkGrid(code="330106001W01", name="第1责任网格", street_id=street.id)
        s.add(grid)
        s.flush()
        s.add_all(WorkGridCell(work_grid_id=grid.id, cell_id=c.id) for c in cells)
        users = {role: User(username=role.value, display_name=f"{role.value}·张", role=role)
                 for role in (Role.DISPATCHER, Role.LEADER, Role.PATROL)}
        s.add_all(users.values())
        s.flush()
        officer = PatrolOfficer(code="P0001", name="王巡", phone="13900000001",
                                work_grid_id=grid.id, user_id=users[Role.PATROL].id)
        s.add(officer)
        s.flush()
        s.add(Device(unique_id="patrol-0001", patrol_officer_id=officer.id))
        departments = {d.name: d.id for d in s.scalars(select(Department))}
        return City([c.id for c in cells], [c.code for c in cells], officer.id, "patrol-0001",
                    *(Actor(u.id, u.display_name, Role(u.role)) for u in users.values()),
                    departments)




# --- helpers ---------------------------------------------------------------------------------

def counts(db) -> dict[str, int]:
    """Row counts of everything a write could touch, and the feed counter."""
    with db.session() as s:
        out = {m.__tablename__: s.scalar(select(func.count()).select_from(m))
               for m in (Case, CaseEvent, ChangeFeed, CaseNumberCounter, Position, LatestPosition)}
        out["feed_seq"] = current_seq(s)
        out["counter_last"] = s.scalar(select(func.coalesce(func.sum(CaseNumberCounter.last), 0)))
        return out


def stored_state(case: Case) -> CaseState:
    return CaseState(
        status=Status(case.status), category_code=case.category_code,
        department_id=case.department_id, deadline=case.deadline,
        dispatched_at=case.dispatched_at, handled_at=case.handled_at, closed_at=case.closed_at,
        requested_deadline=case.requested_deadline, check_patrol_id=case.check_patrol_id,
        rework_count=case.rework_count, extension_count=case.extension_count,
        return_count=case.return_count, version=case.version)


def load(db, case_id: int) -> tuple[Case, list[CaseEvent]]:
    """The case row and its events; also checks they replay to the row and chain up."""
    with db.session() as s:
        case = s.get(Case, case_id)
        events = list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                .order_by(CaseEvent.id)))
    assert events[0].action == "report" and events[0].from_status is None
    replayed = replay(events[0].data["category_code"], [(e.action, e.data, e.at) for e in events])
    assert replayed == stored_state(case)
    for prev, ev in pairwise(events):
        assert ev.from_status == prev.to_status
        assert ev.at >= prev.at
    assert events[-1].to_status == case.status
    return case, events


def feed_after(db, since: int):
    with db.session() as s:
        return changes_since(s, since)


def report(db, actor: Actor, **kw):
    params = {"category_code": GARBAGE, "source": "hotline", "lon": CENTRE[0] + STEP / 3,
              "lat": CENTRE[1] + STEP / 3, "address": "曙光路12号", "description": "路边暴露垃圾",
              "reporter_name": "李女士", "reporter_phone": "13812345678", "at": MON} | kw
    with db.transaction() as s:
        return cases.report(s, actor, **params)


def do(db, fn, actor, change, **kw):
    with db.transaction() as s:
        return fn(s, actor, change.case_id, change.version, **kw)


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
    assert events[-1].data == {"department_id": dept, "deadline": case.deadline.isoformat()}
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
        set_setting(s, "work_calendar",
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
    assert events[1].data == {"category_code": MANHOLE}
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
    worker = Actor(None, "部门", Role.DEPARTMENT, 1)
    with pytest.raises(DomainError) as err:
        report(db, worker)
    assert err.value.code == "role_not_allowed"
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


# --- optimistic locking ------------------------------------------------------------------------

def test_stale_version_refused_and_nothing_written(db, city):
    c = report(db, city.dispatcher)
    # Two seats read the case at version 1.
    seat_b = db.session()
    seat_b.begin()
    seen = seat_b.get(Case, c.case_id)
    assert seen.version == 1
    # Seat A registers it.
    a = do(db, cases.register, city.dispatcher, c, at=MON + timedelta(minutes=1))
    assert a.version == 2
    before = counts(db)
    # Seat B rejects what it saw: its session still holds version 1, so the write must be refused.
    with pytest.raises(StaleVersion) as err:
        cases.reject(seat_b, city.dispatcher, c.case_id, 1, reason="重复上报",
                     at=MON + timedelta(minutes=2))
    seat_b.rollback()
    seat_b.close()
    assert err.value.code == "stale_version"
    assert err.value.params == {"number": c.number, "expected": 1, "actual": 2}
    assert counts(db) == before
    case, events = load(db, c.case_id)
    assert (case.status, case.version) == ("registered", 2)
    assert [e.action for e in events] == ["report", "register"]


def test_stale_version_from_a_fresh_session(db, city):
    c = report(db, city.dispatcher)
    do(db, cases.register, city.dispatcher, c)
    before = counts(db)
    with pytest.raises(StaleVersion) as err:
        do(db, cases.reject, city.dispatcher, c, reason="重复")    # c still says version 1
    assert err.value.params["expected"] == 1 and err.value.params["actual"] == 2
    assert counts(db) == before


def race(dbs, actions) -> list[object]:
    """Run one action per seat on its own thread, both after reading the case; their outcomes."""
    barrier = threading.Barrier(len(actions))
    outcome: list[object] = [None] * len(actions)

    def seat(i: int) -> None:
        case_id, action = actions[i]
        try:
            with dbs[i].transaction() as s:
                assert s.get(Case, case_id).version == 1      # both seats saw version 1
                barrier.wait(timeout=10)
                outcome[i] = action(s)
        except Exception as exc:     # noqa: BLE001 - the test inspects it
            outcome[i] = exc

    threads = [threading.Thread(target=seat, args=(i,)) for i in range(len(actions))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    return outcome


def test_race_on_real_threads_has_one_winner(db, city, tmp_path):
    """Two seats, each with its own Database, act on the same case at the same version."""
    url = f"sqlite:///{tmp_path / 'test.db'}"
    reported = [report(db, city.dispatcher, at=MON + timedelta(seconds=i)) for i in range(3)]
    dbs = [open_database(url), open_database(url)]
    at = MON + timedelta(minutes=1)
    try:
        for c in reported:
            outcome = race(dbs, [
                (c.case_id, lambda s, c=c: cases.register(s, city.dispatcher, c.case_id, 1, at=at)),
                (c.case_id, lambda s, c=c: cases.reject(s, city.leader, c.case_id, 1, reason="重复",
                                                        at=at)),
            ])
            wins = [o for o in outcome if isinstance(o, cases.CaseChange)]
            losses = [o for o in outcome if isinstance(o, StaleVersion)]
            assert len(wins) == 1 and len(losses) == 1, outcome
            assert losses[0].params == {"number": c.number, "expected": 1, "actual": 2}
            case, events = load(db, c.case_id)
            assert case.version == 2 and len(events) == 2
            assert case.status == wins[0].status
    finally:
        for d in dbs:
            d.dispose()
    batch = feed_after(db, reported[-1].seq)
    assert len(batch.rows) == len(reported)          # one feed row per winner, none per loser


# --- case numbers ------------------------------------------------------------------------------

def test_case_numbers_are_daily_and_consecutive(db, city):
    nums = [report(db, city.dispatcher, at=MON + timedelta(minutes=i)).number for i in range(12)]
    assert nums == [f"20260309{i:04d}" for i in range(1, 13)]
    # A new day starts again at 1; the old day continues where it was.
    assert report(db, city.dispatcher, at=MON + timedelta(days=1)).number == "202603100001"
    assert report(db, city.dispatcher, at=MON + timedelta(hours=3)).number == "202603090013"
    with db.session() as s:
        assert dict(s.execute(select(CaseNumberCounter.day, CaseNumberCounter.last)).all()) == {
            "20260309": 13, "20260310": 1}


def test_case_numbers_unique_under_concurrent_reports(db, city, tmp_path):
    url = f"sqlite:///{tmp_path / 'test.db'}"
    dbs = [open_database(url), open_database(url)]
    per_thread = 25
    got: list[list[str]] = [[], []]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def reporter(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            for k in range(per_thread):
                with dbs[i].transaction() as s:
                    got[i].append(cases.report(
                        s, city.patrol, category_code=GARBAGE, source="patrol",
                        cell_code=city.cell_codes[k % 4], at=MON + timedelta(seconds=k)).number)
        except BaseException as exc:   # noqa: BLE001 - reported below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=reporter, args=(i,)) for i in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
    finally:
        for d in dbs:
            d.dispose()
    assert not errors, errors
    numbers = got[0] + got[1]
    assert len(set(numbers)) == 2 * per_thread
    assert sorted(numbers) == [f"20260309{i:04d}" for i in range(1, 2 * per_thread + 1)]
    for mine in got:      # each seat sees its own numbers rising
        assert mine == sorted(mine)
    with db.session() as s:
        assert s.scalar(select(CaseNumberCounter.last).where(CaseNumberCounter.day == "20260309")) == 50
        assert s.scalar(select(func.count()).select_from(Case)) == 50
        stored = set(s.scalars(select(Case.number)))
    assert stored == set(numbers)
    batch = feed_after(db, 0)
    report_seqs = [r.seq for r in batch.rows if r.action == "report"]
    assert len(report_seqs) == len(set(report_seqs)) == 50


# --- positions ---------------------------------------------------------------------------------

def fix(city: City, at: datetime, dx: float = 0.0, **kw) -> Fix:
    """A fix of the city's device `dx` degrees north-east of the centre."""
    values = {"device": city.device, "at": at, "lat": CENTRE[1] + dx, "lon": CENTRE[0] + dx,
              "speed": 1.2, "heading": 90.0, "accuracy": 5.0, "battery": 80.0}
    return Fix(**(values | kw))


def latest(db, city: City) -> LatestPosition:
    with db.session() as s:
        dev = s.scalars(select(Device).where(Device.unique_id == city.device)).one()
        return s.get(LatestPosition, dev.id)


def test_record_positions_writes_history_and_latest(db, city):
    seq0 = counts(db)["feed_seq"]
    t = MON
    with db.transaction() as s:
        n = record_positions(s, [fix(city, t, 0.0001), fix(city, t + timedelta(seconds=5), 0.0002)])
    assert n == 2
    with db.session() as s:
        history = s.execute(select(Position.at, Position.lat, Position.patrol_officer_id)
                            .order_by(Position.id)).all()
    assert [h.at for h in history] == [t, t + timedelta(seconds=5)]
    assert all(h.patrol_officer_id == city.officer_id for h in history)
    last = latest(db, city)
    assert (last.at, last.lat, last.patrol_officer_id) == (
        t + timedelta(seconds=5), CENTRE[1] + 0.0002, city.officer_id)
    assert last.seq == seq0 + 1
    batch = feed_after(db, seq0)
    assert batch.rows == []                      # positions write no feed rows
    assert [(p.patrol_officer_id, p.at, p.lat, p.battery) for p in batch.positions] == [
        (city.officer_id, t + timedelta(seconds=5), CENTRE[1] + 0.0002, 80.0)]
    assert batch.seq == seq0 + 1
    assert feed_after(db, batch.seq).positions == []

    # A buffered, older fix goes to history but does not move the latest position back.
    with db.transaction() as s:
        record_position(s, fix(city, t - timedelta(minutes=10), 0.0009))
    last = latest(db, city)
    assert (last.at, last.lat, last.seq) == (t + timedelta(seconds=5), CENTRE[1] + 0.0002, seq0 + 1)
    assert counts(db)["positions"] == 3
    assert feed_after(db, batch.seq).positions == []

    # A newer one does, with the new transaction's sequence.
    with db.transaction() as s:
        record_position(s, fix(city, t + timedelta(minutes=1), 0.0003, battery=79.0))
    last = latest(db, city)
    assert (last.at, last.battery) == (t + timedelta(minutes=1), 79.0)
    later = feed_after(db, batch.seq)
    assert [p.at for p in later.positions] == [t + timedelta(minutes=1)]
    assert later.seq == last.seq > batch.seq


def test_older_fix_later_in_the_same_batch_does_not_win(db, city):
    t = MON
    with db.transaction() as s:
        record_positions(s, [fix(city, t, 0.0005), fix(city, t - timedelta(seconds=30), 0.0001)])
    last = latest(db, city)
    assert (last.at, last.lat) == (t, CENTRE[1] + 0.0005)
    assert counts(db)["positions"] == 2


@pytest.mark.parametrize(("bad", "code"), [
    ({"device": "nobody"}, "unknown_device"),
    ({"lat": float("nan")}, "bad_coordinates"),
    ({"lat": 95.0}, "bad_coordinates"),
    ({"battery": 120.0}, "bad_battery"),
])
def test_one_bad_fix_refuses_the_whole_batch(db, city, bad, code):
    before = counts(db)
    good = fix(city, MON)
    wrong = Fix(**({"device": city.device, "at": MON + timedelta(seconds=5), "lat": CENTRE[1],
                    "lon": CENTRE[0]} | bad))
    with pytest.raises(DomainError) as err, db.transaction() as s:
        record_positions(s, [good, wrong])
    assert err.value.code == code
    assert counts(db) == before
    assert latest(db, city) is None


def test_inactive_device_is_refused(db, city):
    with db.transaction() as s:
        s.scalars(select(Device).where(Device.unique_id == city.device)).one().active = False
    before = counts(db)
    with pytest.raises(DomainError) as err, db.transaction() as s:
        record_position(s, fix(city, MON))
    assert err.value.code == "unknown_device"
    assert counts(db) == before


def test_actor_for_prefers_a_dispatcher(db, city):
    with db.session() as s:
        assert actor_for(s) == city.dispatcher
        assert actor_for(s, "leader") == city.leader
        with pytest.raises(DomainError) as err:
            actor_for(s, "ghost")
    assert err.value.code == "unknown_user"
