"""A tiny city for service tests: four square cells, one patrol with a device, the desk."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from console.domain.centre_clock import STAGE_KEYS
from console.domain.roles import Role
from console.domain.workflow import CaseState, Status, replay
from console.services import cases
from console.services.actor import Actor
from console.store.feed import changes_since, current_seq
from console.store.models import (
    Case,
    CaseEvent,
    CaseNumberCounter,
    Cell,
    ChangeFeed,
    Community,
    Department,
    Device,
    District,
    LatestPosition,
    PatrolOfficer,
    Position,
    Setting,
    Street,
    User,
    WorkGrid,
    WorkGridCell,
)

MON = datetime(2026, 3, 9, 10, 0)      # a Monday, in working time
FRI = datetime(2026, 3, 13, 10, 0)
CENTRE = (120.15, 30.27)
STEP = 0.001                           # cell side in degrees (about 100 m)
GARBAGE = "20102"                      # 暴露垃圾: 4 work_hours, 环卫处
MANHOLE = "10102"                      # 污水井盖: 3 work_days, 排水公司
COLLAPSE = "20401"                     # 路面塌陷: urgent, 2 natural hours


# --- a tiny city ---------------------------------------------------------------------------

def without_verification(session) -> None:
    """No source is verified before 立案 (核实): for the tests of everything else, whose cities
    register hotline reports straight away; tests/test_verification.py turns it back on."""
    session.merge(Setting(key="verification_sources", value={"v": []}, updated_at=MON))


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


def without_centre_clock(session) -> None:
    """No limit on the centre's own stages: for the tests of the other alert rules, which count
    exactly the alerts they expect; tests/test_verification.py times the stages."""
    session.merge(Setting(key="centre_stage_limits_min", updated_at=MON,
                          value={"v": dict.fromkeys(STAGE_KEYS, 0)}))


@pytest.fixture
def city(db) -> City:
    """Four square cells (2×2) around CENTRE in one community and one work grid; one patrol."""
    with db.transaction() as s:
        without_verification(s)
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
        verify_patrol_id=case.verify_patrol_id,
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
