"""A small city with a varied case history, for the queue tests (services and widgets).

Two districts → four streets → eight communities → sixteen 100 m cells; a dispatcher, a
leader, department users, three patrol officers with shifts and positions; cases in every
state, reported by every source, with texts that exercise the search (ASCII case, %, _).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from console.domain.roles import Role
from console.services import cases
from console.services.actor import Actor
from console.store.models import (Campaign, Case, CaseCampaign, Cell, Community, Department,
                                  Device, District, LatestPosition, PatrolOfficer, Shift, Street,
                                  Setting, User, WorkGrid, WorkGridCell)
from tests.service_city import without_verification

NOW = datetime(2026, 3, 11, 15, 0)      # a Wednesday afternoon, in working time
CENTRE = (120.15, 30.27)
STEP = 0.001
GARBAGE, MANHOLE, COLLAPSE, BIKES, ADS = "20102", "10102", "20401", "20301", "20201"
CATEGORIES = (GARBAGE, MANHOLE, COLLAPSE, BIKES, ADS)
ADDRESSES = ("曙光路12号", "文三路Block A 3号", "黄龙体育中心东门", "100%满意小区北门",
             "a_b 创意园", "青芝坞路88号")
DESCRIPTIONS = ("路边暴露垃圾", "井盖破损有安全隐患", "Trash pile near the GATE", "共享单车乱停放",
                "违规广告牌匾", "")


@dataclass
class QueueCity:
    cell_ids: list[int]
    cell_codes: list[str]
    community_ids: list[int]
    street_ids: list[int]
    district_ids: list[int]
    officers: list[int]
    dispatcher: Actor
    leader: Actor
    departments: dict[str, int]
    campaign_id: int
    case_ids: list[int] = field(default_factory=list)

    def dept_actor(self, db, department_id: int) -> Actor:
        with db.transaction() as s:
            return dept_actor_in(s, department_id)


def dept_actor_in(s, department_id: int) -> Actor:
    """The liaison of a department (made on first use) — in the caller's transaction."""
    user = s.scalars(select(User).where(User.username == f"dept{department_id}")).first()
    if user is None:
        user = User(username=f"dept{department_id}", display_name=f"部门{department_id}",
                    role=Role.DEPARTMENT, department_id=department_id)
        s.add(user)
        s.flush()
    return Actor(user.id, user.display_name, Role.DEPARTMENT, department_id)


def square(lon: float, lat: float) -> list[list[float]]:
    ring = [[lon, lat], [lon + STEP, lat], [lon + STEP, lat + STEP], [lon, lat + STEP]]
    return ring + ring[:1]


def cell_centre(i: int, j: int) -> tuple[float, float]:
    return CENTRE[0] + i * STEP + STEP / 2, CENTRE[1] + j * STEP + STEP / 2


def build_city(db) -> QueueCity:
    """The regions, people and patrols; no cases yet."""
    with db.transaction() as s:
        without_verification(s)
        districts = [District(code=f"33010{d + 1}", name=f"第{d + 1}区") for d in range(2)]
        s.add_all(districts)
        s.flush()
        streets = [Street(code=f"{districts[d].code}00{k + 1}", name=f"街道{d}{k}",
                          district_id=districts[d].id) for d in range(2) for k in range(2)]
        s.add_all(streets)
        s.flush()
        communities = [Community(code=f"{st.code}00{m + 1}", name=f"{st.name}社区{m}",
                                 street_id=st.id) for st in streets for m in range(2)]
        s.add_all(communities)
        s.flush()
        cells: dict[tuple[int, int], Cell] = {}
        for i in range(4):
            for j in range(4):
                community = communities[(i // 2 * 2 + j // 2) * 2 + i % 2]
                lon, lat = CENTRE[0] + i * STEP, CENTRE[1] + j * STEP
                cells[i, j] = Cell(code=f"{community.code}{j % 2 + 1:02d}",
                                   community_id=community.id, ring=square(lon, lat),
                                   centroid_lon=lon + STEP / 2, centroid_lat=lat + STEP / 2,
                                   area_m2=10_000.0, min_lon=lon, min_lat=lat,
                                   max_lon=lon + STEP, max_lat=lat + STEP)
        s.add_all(cells.values())
        grid = WorkGrid(code="W01", name="第1责任网格", street_id=streets[0].id)
        s.add(grid)
        s.flush()
        s.add_all(WorkGridCell(work_grid_id=grid.id, cell_id=cells[i, j].id)
                  for i in range(2) for j in range(2))
        users = {r: User(username=r.value, display_name=f"{r.value}·张", role=r)
                 for r in (Role.DISPATCHER, Role.LEADER)}
        s.add_all(users.values())
        s.flush()
        officers = []
        # (name, on shift now?, fix age, position) — the one on shift but far comes before
        # the near one off shift; the silent one is last.
        for k, (name, weekdays, fix_age, where) in enumerate([
                ("近巡查", "01234", 1, (0.2, 0.2)), ("远巡查", "01234", 2, (3.5, 3.5)),
                ("下班巡查", "56", 1, (0.4, 0.4)), ("失联巡查", "01234", 90, (0.3, 0.3))]):
            officer = PatrolOfficer(code=f"P{k + 1:03d}", name=name, phone=f"1390000000{k}",
                                    work_grid_id=grid.id if k == 0 else None)
            s.add(officer)
            s.flush()
            device = Device(unique_id=f"dev-{k}", patrol_officer_id=officer.id)
            s.add(device)
            s.add(Shift(patrol_officer_id=officer.id, weekdays=weekdays, start="08:00",
                        end="20:00"))
            s.flush()
            s.add(LatestPosition(device_id=device.id, patrol_officer_id=officer.id,
                                 at=NOW - timedelta(minutes=fix_age),
                                 lon=CENTRE[0] + where[0] * STEP, lat=CENTRE[1] + where[1] * STEP,
                                 seq=0))
            officers.append(officer.id)
        campaign = Campaign(name="迎检专项整治", starts_at=NOW - timedelta(days=10),
                            ends_at=NOW + timedelta(days=10), area={}, categories=[GARBAGE])
        s.add(campaign)
        s.flush()
        departments = {d.name: d.id for d in s.scalars(select(Department))}
        ordered = [cells[i, j] for i in range(4) for j in range(4)]
        return QueueCity([c.id for c in ordered], [c.code for c in ordered],
                         [c.id for c in communities], [st.id for st in streets],
                         [d.id for d in districts], officers,
                         *(Actor(u.id, u.display_name, Role(u.role)) for u in users.values()),
                         departments, campaign.id)


# Where a generated case ends, with weights.
ENDINGS = ("reported", "registered", "dispatched", "overdue", "handled", "checking",
           "closed_today", "closed_earlier", "rejected", "parked", "extension")


def add_history(db, city: QueueCity, n: int = 160, seed: int = 3) -> list[int]:
    """`n` cases reported over the last two days, each driven through the services to an end."""
    rng = random.Random(seed)
    leader, desk = city.leader, city.dispatcher
    for k in range(n):
        i, j = rng.randrange(4), rng.randrange(4)
        lon, lat = cell_centre(i, j)
        lon += rng.uniform(-0.3, 0.3) * STEP
        lat += rng.uniform(-0.3, 0.3) * STEP
        # Several cases share one report time, so sorting must break ties by id.
        at = NOW - timedelta(minutes=rng.choice([5, 40, 40, 300, 900, 1500, 2800]))
        ending = ENDINGS[k % len(ENDINGS)]
        with db.transaction() as s:
            c = cases.report(s, desk, category_code=rng.choice(CATEGORIES),
                             source=rng.choice(cases.SOURCES), lon=lon, lat=lat,
                             address=rng.choice(ADDRESSES), description=rng.choice(DESCRIPTIONS),
                             reporter_phone=rng.choice([None, "13812345678", "0571-87654321"]),
                             urgent=rng.random() < 0.2 or None, at=at)
            if rng.random() < 0.25:
                s.add(CaseCampaign(case_id=c.case_id, campaign_id=city.campaign_id))
            city.case_ids.append(c.case_id)
            if ending == "reported":
                continue
            if ending == "rejected":
                cases.reject(s, desk, c.case_id, c.version, reason="不属实", at=at)
                continue
            c = cases.register(s, desk, c.case_id, c.version, at=at)
            if ending == "registered":
                continue
            if ending == "parked":
                cases.park(s, leader, c.case_id, c.version, reason="统筹解决", at=at)
                continue
            dept = rng.choice(list(city.departments.values()))
            deadline = (at + timedelta(minutes=30) if ending == "overdue"
                        else NOW + timedelta(hours=rng.choice([1, 5, 30])))
            c = cases.dispatch(s, desk, c.case_id, c.version, department_id=dept,
                               deadline=deadline, at=at)
            if ending in ("dispatched", "overdue"):
                continue
            if ending == "extension":
                cases.request_extension(s, dept_actor_in(s, dept), c.case_id,
                                        c.version, deadline=deadline + timedelta(days=1),
                                        reason="材料未到", at=at)
                continue
            c = cases.mark_handled(s, leader, c.case_id, c.version, at=at)
            if ending == "handled":
                continue
            c = cases.request_check(s, desk, c.case_id, c.version, patrol_id=city.officers[0],
                                    at=at)
            if ending == "checking":
                continue
            closed = NOW - timedelta(minutes=10) if ending == "closed_today" else \
                NOW.replace(hour=0, minute=0) - timedelta(hours=2)
            cases.close(s, desk, c.case_id, c.version, at=max(closed, at))
    return city.case_ids


def all_cases(db) -> list[Case]:
    with db.session() as s:
        return list(s.scalars(select(Case).order_by(Case.id)))


def add_verifying(db, city: QueueCity, n: int = 3) -> None:
    """Hotline reports sent out for 核实 (待核实), every other one answered 属实 (back in 待受理)."""
    with db.transaction() as s:
        s.execute(delete(Setting).where(Setting.key == "verification_sources"))
    for k in range(n):
        at = NOW - timedelta(minutes=30 + 20 * k)
        with db.transaction() as s:
            lon, lat = cell_centre(k % 4, 1)
            c = cases.report(s, city.dispatcher, category_code=GARBAGE, source="hotline",
                             lon=lon, lat=lat, address="核实路1号", at=at)
            c = cases.request_verify(s, city.dispatcher, c.case_id, c.version,
                                     patrol_id=city.officers[0], at=at + timedelta(minutes=5))
            if k % 2:
                cases.confirm(s, city.dispatcher, c.case_id, c.version, note="属实",
                              at=at + timedelta(minutes=15))
            city.case_ids.append(c.case_id)
