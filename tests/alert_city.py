"""A tiny city for the alert tests: four cells, one work grid, one patrol officer, two people.

    lon  116.400   116.401   116.402
  lat 39.902 +---------+---------+
             |  cell 3 |  cell 4 |
  lat 39.901 +---------+---------+      work grid "W1" = cells 1 and 3 (the west half),
             |  cell 1 |  cell 2 |      so lon 116.401 is its east boundary.
  lat 39.900 +---------+---------+
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from console.domain.roles import Role
from console.services import cases
from console.services.actor import Actor
from console.services.alerts import AlertEngine, PassResult
from console.services.positions import Fix, record_positions
from console.store.models import (
    Alert,
    Cell,
    Community,
    Device,
    District,
    PatrolOfficer,
    Shift,
    Street,
    User,
    WorkGrid,
    WorkGridCell,
)
from tests.service_city import without_centre_clock, without_verification

MONDAY = datetime(2026, 11, 23)          # a Monday: the work calendar's week starts here
ORDINARY = "10101"                       # 上水井盖: 3 work days, not urgent
URGENT = "20401"                         # 路面塌陷: 2 hours, urgent
LON0, LAT0, STEP = 116.400, 39.900, 0.001
SHIFT = ("0123456", "08:00", "16:00")


def square(col: int, row: int) -> list[list[float]]:
    x, y = LON0 + col * STEP, LAT0 + row * STEP
    return [[x, y], [x + STEP, y], [x + STEP, y + STEP], [x, y + STEP], [x, y]]


@dataclass
class City:
    cells: dict[int, str]        # number (1-4) → cell code
    cell_ids: dict[int, int]
    officer_id: int
    device: str
    desk: Actor
    leader: Actor
    patrol_user: Actor


def build(db, *, shift: tuple[str, str, str] = SHIFT) -> City:
    with db.transaction() as s:
        without_verification(s)
        without_centre_clock(s)
        for row in (District(id=1, code="330102", name="上城区"),
                    Street(id=1, code="330102001", name="湖滨街道", district_id=1),
                    Community(id=1, code="330102001001", name="东坡社区", street_id=1)):
            s.add(row)
            s.flush()
        cells, ids = {}, {}
        for n, (col, row) in enumerate([(0, 0), (1, 0), (0, 1), (1, 1)], start=1):
            ring = square(col, row)
            code = f"33010200100100{n}"
            cell = Cell(code=code, community_id=1, ring=ring,
                        centroid_lon=ring[0][0] + STEP / 2, centroid_lat=ring[0][1] + STEP / 2,
                        area_m2=10_000, min_lon=ring[0][0], min_lat=ring[0][1],
                        max_lon=ring[2][0], max_lat=ring[2][1])
            s.add(cell)
            s.flush()
            cells[n], ids[n] = code, cell.id
        grid = WorkGrid(code="330102001W01", name="东坡一网格", street_id=1)
        s.add(grid)
        s.flush()
        s.add_all([WorkGridCell(work_grid_id=grid.id, cell_id=ids[1]),
                   WorkGridCell(work_grid_id=grid.id, cell_id=ids[3])])
        desk = User(username="zhangwei", display_name="张伟", role=Role.DISPATCHER)
        leader = User(username="lina", display_name="李娜", role=Role.LEADER)
        patrol_user = User(username="wangqiang", display_name="王强", role=Role.PATROL)
        s.add_all([desk, leader, patrol_user])
        s.flush()
        officer = PatrolOfficer(code="P0001", name="王强", work_grid_id=grid.id,
                                user_id=patrol_user.id)
        s.add(officer)
        s.flush()
        s.add(Device(unique_id="phone-1", patrol_officer_id=officer.id))
        s.add(Shift(patrol_officer_id=officer.id, weekdays=shift[0], start=shift[1], end=shift[2]))
        return City(cells, ids, officer.id, "phone-1",
                    Actor(desk.id, desk.display_name, Role.DISPATCHER),
                    Actor(leader.id, leader.display_name, Role.LEADER),
                    Actor(patrol_user.id, patrol_user.display_name, Role.PATROL))


def report(db, city: City, at: datetime, *, category: str = ORDINARY, cell: int = 1,
           urgent: bool | None = None) -> cases.CaseChange:
    with db.transaction() as s:
        return cases.report(s, city.desk, category_code=category, source="hotline",
                            cell_code=city.cells[cell], urgent=urgent, at=at)


def dispatch(db, city: City, change: cases.CaseChange, at: datetime, *,
             deadline: datetime | None = None) -> cases.CaseChange:
    with db.transaction() as s:
        c = cases.register(s, city.desk, change.case_id, change.version, at=at)
        return cases.dispatch(s, city.desk, c.case_id, c.version, at=at, deadline=deadline)


def close(db, city: City, change: cases.CaseChange, at: datetime) -> cases.CaseChange:
    with db.transaction() as s:
        c = cases.mark_handled(s, city.leader, change.case_id, change.version, at=at)
        c = cases.request_check(s, city.desk, c.case_id, c.version, patrol_id=city.officer_id,
                                at=at)
        return cases.close(s, city.desk, c.case_id, c.version, at=at)


def walk(db, city: City, start: datetime, end: datetime, where, *, every_s: int = 30,
         accuracy: float = 8.0) -> None:
    """Fixes from `start` to `end` (inclusive); `where(t)` gives (lon, lat)."""
    fixes, t = [], start
    while t <= end:
        lon, lat = where(t)
        fixes.append(Fix(device=city.device, at=t, lon=lon, lat=lat, accuracy=accuracy))
        t += timedelta(seconds=every_s)
    with db.transaction() as s:
        record_positions(s, fixes)


def inside(t: datetime) -> tuple[float, float]:
    """Walking up and down cell 1, well inside the grid."""
    k = (t.minute * 60 + t.second) % 600 / 600
    return LON0 + STEP * 0.5, LAT0 + STEP * (0.2 + 0.6 * k)


def evaluate(db, engine: AlertEngine, now: datetime) -> PassResult:
    with db.transaction() as s:
        return engine.evaluate(s, now)


def open_alerts(db) -> dict[str, Alert]:
    """Open alerts by their kind:subject key."""
    with db.session() as s:
        return {a.open_key: a for a in s.scalars(select(Alert).where(Alert.resolved_at.is_(None)))}


def all_alerts(db) -> list[Alert]:
    with db.session() as s:
        return list(s.scalars(select(Alert).order_by(Alert.id)))


def race_seats(seats, start: datetime, passes: int = 3, timeout_s: float = 60) -> None:
    """Every seat runs its own engine for `passes` minutes at once; raises what any seat raised."""
    import threading
    barrier = threading.Barrier(len(seats))
    errors: list[BaseException] = []

    def run(seat):
        engine = AlertEngine()
        barrier.wait()
        try:
            for k in range(passes):
                with seat.transaction() as s:
                    engine.evaluate(s, start + timedelta(minutes=k))
        except BaseException as exc:   # noqa: BLE001 — raised in the test's thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(seat,)) for seat in seats]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout_s)
    for seat in seats:
        seat.dispose()
    if errors:
        raise errors[0]
