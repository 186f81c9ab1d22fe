"""The live simulator: patrols walk their grids, reports arrive, the workflow moves on.

Everything goes through the services, exactly as field intake and the dispatchers' own
actions do, so the audit trail and the change feed are real. `SimCore.tick(now)` is a
deterministic step that tests drive with a synthetic clock; `Simulator` runs it on a plain
Python thread against the wall clock. The speed factor scales report rates and workflow
delays; patrols keep walking pace.
"""
from __future__ import annotations

import logging
import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from console.domain.errors import DomainError
from console.domain.patrol_state import in_shift, minutes_to_shift_end
from console.domain.roles import Role
from console.domain.workflow import Status
from console.services import cases as case_services
from console.services.actor import SYSTEM_ACTOR, Actor
from console.services.positions import Fix, record_positions
from console.services.settings import verification_sources
from console.sim.history import HOURLY
from console.store.database import Database
from console.store.models import (
    Case,
    Category,
    Cell,
    Device,
    PatrolOfficer,
    Shift,
    User,
    WorkGridCell,
)
from console.store.retry import in_transaction

log = logging.getLogger(__name__)

WALK_MPS = 1.3
FIX_INTERVAL_S = 5.0
WORKFLOW_INTERVAL_S = 1.0
MAX_ACTIONS_PER_TICK = 6
_M_PER_DEG = 111_320.0


@dataclass
class _Walker:
    """One patrol officer's device and habits."""

    officer_id: int
    device: str
    actor: Actor
    cells: list[tuple[float, float]]           # centroids of the officer's work grid
    shift: tuple[str, str, str]                 # weekdays, start, end
    habit: str                                  # normal | idler | wanderer | leaver
    pos: tuple[float, float] | None = None
    target: tuple[float, float] | None = None
    pause_until: datetime | None = None
    battery: float = 100.0
    away_until: datetime | None = None
    rng: random.Random = field(default_factory=random.Random)


class SimCore:
    """The simulation step: deterministic for a seed and a sequence of `now`s."""

    def __init__(self, db: Database, *, seed: int = 1, speed: float = 10.0,
                 send_fixes: Callable[[list[Fix]], None] | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.db, self.speed = db, speed
        #: where the patrols' fixes go: the service (default) or a phone's path (via_http)
        self.send_fixes = send_fixes
        self.rng = random.Random(seed * 31 + 7)
        self.seed = seed
        self.counts = {"reports": 0, "actions": 0, "fixes": 0}
        self._last_fix: datetime | None = None
        self._last_flow: datetime | None = None
        self._load()

    def _load(self) -> None:
        with self.db.session() as s:
            users = s.execute(select(User.id, User.display_name, User.role, User.department_id,
                                     User.username).where(User.active.is_(True))).all()
            desk = [Actor(u.id, u.display_name, Role(u.role)) for u in users
                    if u.role == Role.DISPATCHER]
            # The first dispatcher is the person at the console; the simulator is their colleagues.
            self.desk = desk[1:] or desk or [Actor(None, "值班员", Role.DISPATCHER)]
            self.leader = next((Actor(u.id, u.display_name, Role.LEADER) for u in users
                                if u.role == Role.LEADER), Actor(None, "值班长", Role.LEADER))
            self.dept = {u.department_id: Actor(u.id, u.display_name, Role.DEPARTMENT, u.department_id)
                         for u in users if u.role == Role.DEPARTMENT}
            user_actor = {u.id: Actor(u.id, u.display_name, Role(u.role)) for u in users}
            self.categories = s.execute(select(Category.code, Category.kind)
                                        .where(Category.active.is_(True))).all()
            cells_of_grid: dict[int, list[tuple[float, float]]] = {}
            for grid_id, lon, lat in s.execute(select(WorkGridCell.work_grid_id, Cell.centroid_lon,
                                                      Cell.centroid_lat)
                                               .join(Cell, Cell.id == WorkGridCell.cell_id)):
                cells_of_grid.setdefault(grid_id, []).append((lon, lat))
            self.grid_of_cell = dict(s.execute(select(WorkGridCell.cell_id, WorkGridCell.work_grid_id)).all())
            self.officer_of_grid: dict[int, int] = {}
            self.walkers: list[_Walker] = []
            rows = s.execute(select(PatrolOfficer.id, PatrolOfficer.work_grid_id, PatrolOfficer.user_id,
                                    Device.unique_id, Shift.weekdays, Shift.start, Shift.end)
                             .join(Device, Device.patrol_officer_id == PatrolOfficer.id)
                             .join(Shift, Shift.patrol_officer_id == PatrolOfficer.id)
                             .where(PatrolOfficer.active.is_(True)).order_by(PatrolOfficer.id)).all()
            all_cells = [c for cells in cells_of_grid.values() for c in cells]
            for r in rows:
                cells = cells_of_grid.get(r.work_grid_id) or all_cells
                if not cells:
                    continue
                self.officer_of_grid[r.work_grid_id] = r.id
                roll = self.rng.random()
                habit = ("idler" if roll < 0.08 else "wanderer" if roll < 0.13
                         else "leaver" if roll < 0.17 else "normal")
                actor = user_actor.get(r.user_id) or SYSTEM_ACTOR   # reports only, as the machines do
                self.walkers.append(_Walker(r.id, r.unique_id, actor, cells,
                                            (r.weekdays, r.start, r.end), habit,
                                            rng=random.Random(self.seed * 100_003 + r.id)))
            self.all_cells = all_cells
            # Officers with an account answer 核实 themselves (as from the phone); for the
            # others the desk records the answer given by phone.
            self._walker_of = {w.officer_id: w for w in self.walkers if w.actor.role is Role.PATROL}
            self._verified_sources: frozenset[str] = frozenset()
            days = 7
            since = datetime.now() - timedelta(days=days)
            recent = s.scalar(select(func.count()).select_from(Case).where(Case.reported_at >= since))
            self.daily_reports = max(40.0, (recent or 0) / days)

    # --- the step -------------------------------------------------------------------------

    def tick(self, now: datetime) -> None:
        """Advance the city to `now`: positions every 5 s, workflow every second."""
        if self._last_fix is None or (now - self._last_fix).total_seconds() >= FIX_INTERVAL_S:
            dt = FIX_INTERVAL_S if self._last_fix is None else (now - self._last_fix).total_seconds()
            self._move_patrols(now, min(dt, 60.0))
            self._last_fix = now
        if self._last_flow is None or (now - self._last_flow).total_seconds() >= WORKFLOW_INTERVAL_S:
            dt = WORKFLOW_INTERVAL_S if self._last_flow is None else (now - self._last_flow).total_seconds()
            self._new_reports(now, min(dt, 60.0))
            self._advance_cases(now)
            self._last_flow = now

    # --- patrols --------------------------------------------------------------------------

    def _move_patrols(self, now: datetime, dt: float) -> None:
        fixes = []
        for w in self.walkers:
            fix = self._step_walker(w, now, dt)
            if fix is not None:
                fixes.append(fix)
        if fixes:
            if self.send_fixes is not None:
                self.send_fixes(fixes)
            else:
                in_transaction(self.db, lambda s: record_positions(s, fixes))
            self.counts["fixes"] += len(fixes)

    def _step_walker(self, w: _Walker, now: datetime, dt: float) -> Fix | None:
        weekdays, start, end = w.shift
        if not in_shift(weekdays, start, end, now):
            w.pos, w.battery = None, 100.0
            return None
        if w.habit == "leaver" and minutes_to_shift_end(end, now) < 75:
            return None    # phone off well before the end of the shift (提前退岗)
        rng = w.rng
        if w.pos is None:
            w.pos = _jitter(rng.choice(w.cells), rng)
        speed, heading = 0.0, None
        if w.pause_until and now < w.pause_until:
            pass
        else:
            if w.target is None:
                w.target = self._next_target(w, now)
            (lon, lat), (tlon, tlat) = w.pos, w.target
            dx = (tlon - lon) * _M_PER_DEG * math.cos(math.radians(lat))
            dy = (tlat - lat) * _M_PER_DEG
            dist = math.hypot(dx, dy)
            step = WALK_MPS * dt
            if dist <= step:
                w.pos, w.target = w.target, None
                w.pause_until = now + timedelta(seconds=self._pause_s(w))
            else:
                f = step / dist
                w.pos = (lon + (tlon - lon) * f, lat + (tlat - lat) * f)
                speed, heading = WALK_MPS, (math.degrees(math.atan2(dx, dy)) + 360) % 360
        w.battery = max(5.0, w.battery - dt * 0.0012)
        return Fix(device=w.device, at=now, lat=w.pos[1], lon=w.pos[0], speed=speed,
                   heading=heading, accuracy=round(rng.uniform(4, 15), 1),
                   battery=round(w.battery, 1))

    def _next_target(self, w: _Walker, now: datetime) -> tuple[float, float]:
        rng = w.rng
        if w.habit == "wanderer" and rng.random() < 0.25 and self.all_cells:
            # Off the grid for a while (脱岗): somewhere else in the city, then a long pause.
            w.away_until = now + timedelta(minutes=rng.uniform(12, 25))
            return _jitter(rng.choice(self.all_cells), rng)
        return _jitter(rng.choice(w.cells), rng)

    def _pause_s(self, w: _Walker) -> float:
        rng = w.rng
        if w.habit == "idler" and rng.random() < 0.5:
            return rng.uniform(22, 40) * 60      # stands at one spot (窝岗)
        if w.away_until is not None:
            w.away_until = None
            return rng.uniform(12, 20) * 60
        return rng.uniform(20, 240)

    # --- reports --------------------------------------------------------------------------

    def _new_reports(self, now: datetime, dt: float) -> None:
        rate = self.daily_reports * HOURLY[now.hour] / sum(HOURLY) / 3600 * self.speed
        n = _poisson(self.rng, rate * dt)
        for _ in range(n):
            self._report(now)

    def _report(self, now: datetime) -> None:
        rng = self.rng
        weights = [3.0 if c.kind == "event" else 1.0 for c in self.categories]
        code = rng.choices(self.categories, weights=weights)[0].code
        walking = [w for w in self.walkers if w.pos is not None]
        # Every random choice before the transaction: a retried one repeats the same report.
        if walking and rng.random() < 0.7:
            w = rng.choice(walking)
            actor, params = w.actor, dict(
                source="patrol", lon=w.pos[0], lat=w.pos[1], reporter_name=w.actor.name,
                reporter_patrol_id=w.officer_id, description="巡查发现，现场拍照上报")
        elif self.all_cells:
            lon, lat = _jitter(rng.choice(self.all_cells), rng)
            actor, params = rng.choice(self.desk), dict(
                source="hotline", lon=lon, lat=lat, reporter_name=rng.choice("王李张刘陈杨") + "先生",
                reporter_phone=f"13{rng.randrange(10**9):09d}", description="市民来电反映")
        else:
            return
        try:
            in_transaction(self.db, lambda s: case_services.report(
                s, actor, category_code=code, at=now, **params))
            self.counts["reports"] += 1
        except DomainError as exc:
            log.debug("simulated report refused: %s", exc)

    # --- the workflow ---------------------------------------------------------------------

    def _advance_cases(self, now: datetime) -> None:
        with self.db.session() as s:
            self._verified_sources = verification_sources(s)
            rows = s.execute(select(Case.id, Case.version, Case.status, Case.updated_at,
                                    Case.deadline, Case.dispatched_at, Case.requested_deadline,
                                    Case.department_id, Case.cell_id, Case.source,
                                    Case.verify_patrol_id)
                             .where(Case.status.in_([Status.REPORTED, Status.VERIFYING,
                                                     Status.VERIFIED, Status.REGISTERED,
                                                     Status.DISPATCHED, Status.HANDLED,
                                                     Status.CHECKING]))
                             .order_by(Case.updated_at).limit(3000)).all()
        acted = 0
        for row in rows:
            if acted >= MAX_ACTIONS_PER_TICK:
                break
            decision = self._decide(row, now)
            if decision is None:
                continue
            try:
                in_transaction(self.db, decision)
                acted += 1
            except DomainError as exc:     # e.g. a dispatcher at the console acted first
                log.debug("simulated action on case %s refused: %s", row.id, exc)
        self.counts["actions"] += acted

    def _decide(self, row, now: datetime):
        """The action due on this case now, as a function of a session, or None."""
        r = random.Random(hash((self.seed, row.id, row.version)) & 0xFFFFFFFF)
        waited = (now - row.updated_at).total_seconds() / 60 * self.speed   # simulated minutes
        desk = self.desk[row.id % len(self.desk)]
        cid, v = row.id, row.version
        if row.status == Status.REPORTED and row.source in self._verified_sources:
            # 核实: a citizen's report goes to the officer of its grid before 立案.
            officer = self._officer_for(row)
            if officer is None or waited < r.uniform(2, 8):
                return None
            return lambda s: case_services.request_verify(s, desk, cid, v, patrol_id=officer,
                                                          note="请现场核实", at=now)
        if row.status == Status.VERIFYING and waited >= r.uniform(8, 45):
            walker = self._walker_of.get(row.verify_patrol_id)
            answerer = walker.actor if walker is not None else desk   # else told by phone
            if r.random() < 0.12:
                return lambda s: case_services.refute(s, answerer, cid, v,
                                                      reason="【核实】不属实：现场未发现", at=now)
            return lambda s: case_services.confirm(s, answerer, cid, v, note="【核实】属实", at=now)
        if row.status in (Status.REPORTED, Status.VERIFIED) and waited >= r.uniform(3, 12):
            if r.random() < 0.08:
                return lambda s: case_services.reject(s, desk, cid, v, reason="非城管职责范围", at=now)
            return lambda s: case_services.register(s, desk, cid, v, at=now)
        if row.status == Status.REGISTERED and waited >= r.uniform(2, 15):
            return lambda s: case_services.dispatch(s, desk, cid, v, at=now)
        if row.status == Status.DISPATCHED:
            dept = self.dept.get(row.department_id)
            if row.requested_deadline is not None:
                if waited >= r.uniform(10, 30):
                    return lambda s: case_services.approve_extension(s, self.leader, cid, v, at=now)
                return None
            if dept is None:
                return None
            roll = r.random()
            if roll < 0.04 and waited >= r.uniform(10, 60):
                return lambda s: case_services.return_case(s, dept, cid, v, reason="非本单位职责，请改派", at=now)
            allowed = ((row.deadline - row.dispatched_at).total_seconds() / 60
                       if row.deadline and row.dispatched_at else 240)
            due = min(allowed * r.uniform(0.1, 0.9), 180)
            if roll < 0.07 and waited >= due * 0.5 and row.deadline and row.deadline > now:
                return lambda s: case_services.request_extension(
                    s, dept, cid, v, deadline=row.deadline + timedelta(days=2),
                    reason="需协调多个部门，申请延期", at=now)
            if waited >= due:
                return lambda s: case_services.mark_handled(s, dept, cid, v, note="已处置完毕", at=now)
            return None
        if row.status == Status.HANDLED and waited >= r.uniform(5, 20):
            officer = self._officer_for(row)
            if officer is None:
                return None
            return lambda s: case_services.request_check(s, desk, cid, v, patrol_id=officer, at=now)
        if row.status == Status.CHECKING and waited >= r.uniform(10, 40):
            if r.random() < 0.08:
                return lambda s: case_services.rework(s, desk, cid, v, reason="核查未通过，问题仍存在", at=now)
            return lambda s: case_services.close(s, desk, cid, v, note="核查通过", at=now)
        return None


    def _officer_for(self, row) -> int | None:
        """The patrol officer of the case's grid, else one of the walkers."""
        officer = self.officer_of_grid.get(self.grid_of_cell.get(row.cell_id))
        if officer is None and self.walkers:
            officer = self.walkers[row.id % len(self.walkers)].officer_id
        return officer


class Simulator:
    """Runs a SimCore against the wall clock on its own thread until stopped."""

    def __init__(self, db: Database, *, seed: int = 1, speed: float = 10.0,
                 send_fixes: Callable[[list[Fix]], None] | None = None) -> None:
        self.db, self.seed, self.speed = db, seed, speed
        self.send_fixes = send_fixes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.core: SimCore | None = None
        self.last_error: str | None = None

    def start(self) -> None:
        """Start simulating in the background."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="simulator")
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        try:
            self.core = SimCore(self.db, seed=self.seed, speed=self.speed,
                                send_fixes=self.send_fixes)
        except Exception as exc:   # a worker reports, it never takes the console down
            log.exception("simulator could not start")
            self.last_error = str(exc)
            return
        while not self._stop.wait(0.25):
            try:
                self.core.tick(datetime.now().replace(microsecond=0))
            except Exception as exc:
                log.exception("simulator step failed")
                self.last_error = str(exc)
                if self._stop.wait(2.0):
                    break


def _jitter(p: tuple[float, float], rng: random.Random) -> tuple[float, float]:
    return (p[0] + rng.uniform(-0.0003, 0.0003), p[1] + rng.uniform(-0.0003, 0.0003))


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
