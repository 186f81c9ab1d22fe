"""Months of believable case history, written in bulk.

Every case's trail is produced by the domain workflow itself (`workflow.perform`), so the
stored events always replay to the stored case. Rhythm: more on weekdays and by day; a
category mix with a long tail; hotspot cells; most cases closed on time, some late, some
returned, extended or reworked; cases whose next step lies after `now` stay open where they are.
"""
from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, text

from console.domain import workflow
from console.domain.changes import ChangeAction, ChangeKind
from console.domain.case_number import format_case_number
from console.domain.roles import Role
from console.domain.work_calendar import TimeUnit
from console.domain.workflow import Action, CaseState, Status
from console.services.settings import centre_clock, work_calendar
from console.store import audit, feed
from console.store.bulk import insert_rows
from console.store.database import Database
from console.store.models import (Case, CaseEvent, CaseNumberCounter, Category, Cell, Community,
                                  PatrolOfficer, Street, User, WorkGridCell)

# Relative report volume by hour of day (0..23): quiet nights, morning and afternoon peaks.
HOURLY = (0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.5, 1.0, 1.6, 2.0, 2.0, 1.7,
          1.2, 1.4, 1.8, 1.9, 1.8, 1.5, 1.1, 0.9, 0.7, 0.5, 0.35, 0.2)
WEEKDAY = (1.1, 1.08, 1.05, 1.05, 1.0, 0.75, 0.7)
SOURCES = (("patrol", 0.68), ("hotline", 0.2), ("video", 0.06), ("public", 0.04), ("leader", 0.02))
REJECT_REASONS = ("非城管职责范围", "重复上报", "信息不全，无法核实", "现场未发现问题")
RETURN_REASONS = ("非本单位职责，请改派", "权属不清，退回重新派遣")
REWORK_REASONS = ("核查未通过，问题仍存在", "处置不彻底，需返工")
EXTENSION_REASONS = ("需协调多个部门，申请延期", "需采购材料，申请延期", "天气原因无法施工")
CANCEL_REASONS = ("误报作废", "上报人撤回")
CHUNK = 20_000


@dataclass(frozen=True)
class _Person:
    id: int
    name: str
    role: str


class HistoryGenerator:
    """Generates `cases` cases over the `days` before `now` and bulk-inserts them."""

    def __init__(self, db: Database, *, seed: int, now: datetime, days: int = 90) -> None:
        self.db, self.now, self.days = db, now, days
        self.rng = random.Random(seed * 1_000_003 + 11)
        self._load()

    def _load(self) -> None:
        rng = self.rng
        with self.db.session() as s:
            self.calendar = work_calendar(s)
            self.centre_clock = centre_clock(s)
            cats = s.execute(select(Category.code, Category.kind, Category.department_id,
                                    Category.time_limit, Category.time_unit, Category.name)
                             .where(Category.active.is_(True)).order_by(Category.code)).all()
            self.categories = cats
            # A long tail: events are reported more than components, a few classes dominate.
            self.cat_weights = _cumulative([(3.0 if c.kind == "event" else 1.0)
                                            * rng.lognormvariate(0, 0.9) for c in cats])
            self.departments = sorted({c.department_id for c in cats if c.department_id})
            cells = s.execute(select(Cell.id, Cell.centroid_lon, Cell.centroid_lat,
                                     Community.name, Street.name)
                              .join(Community, Community.id == Cell.community_id)
                              .join(Street, Street.id == Community.street_id)
                              .order_by(Cell.id)).all()
            self.cells = cells
            self.cell_weights = _cumulative([rng.lognormvariate(0, 1.0) for _ in cells])
            officer_of_grid = dict(s.execute(select(PatrolOfficer.work_grid_id, PatrolOfficer.id)).all())
            self.officer_of_cell = {cell: officer_of_grid.get(grid) for grid, cell in
                                    s.execute(select(WorkGridCell.work_grid_id, WorkGridCell.cell_id))}
            users = s.execute(select(User.id, User.display_name, User.role, User.department_id)).all()
            self.dispatchers = [_Person(u.id, u.display_name, u.role) for u in users
                                if u.role == Role.DISPATCHER] or [_Person(None, "值班员", Role.DISPATCHER)]
            self.leaders = [_Person(u.id, u.display_name, u.role) for u in users
                            if u.role == Role.LEADER] or [_Person(None, "值班长", Role.LEADER)]
            self.dept_user = {u.department_id: _Person(u.id, u.display_name, u.role)
                              for u in users if u.role == Role.DEPARTMENT}
            self.patrol_user = {}
            for officer_id, user_id, name in s.execute(
                    select(PatrolOfficer.id, PatrolOfficer.user_id, PatrolOfficer.name)):
                self.patrol_user[officer_id] = _Person(user_id, name, Role.PATROL)
            self.officer_ids = sorted(self.patrol_user)
            self.next_case_id = (s.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0) + 1

    # --- volume ---------------------------------------------------------------------------

    def _day_counts(self, total: int) -> list[tuple[date, int]]:
        first = (self.now - timedelta(days=self.days - 1)).date()
        days = [first + timedelta(days=i) for i in range(self.days)]
        # Today only up to now, so its share is the part of the day's rhythm already past.
        today_share = sum(self._hour_weights_today()) / sum(HOURLY)
        weights = [WEEKDAY[d.weekday()] * self.rng.uniform(0.85, 1.15) *
                   (today_share if d == self.now.date() else 1.0) for d in days]
        scale = total / sum(weights)
        counts = [int(w * scale) for w in weights]
        for i in range(total - sum(counts)):
            counts[-2 - i % (len(counts) - 1)] += 1
        return list(zip(days, counts))

    def _hour_weights_today(self) -> list[float]:
        """The day's rhythm up to now: full past hours and the elapsed part of this one."""
        h = self.now.hour
        elapsed = (self.now.minute * 60 + self.now.second) / 3600
        return list(HOURLY[:h]) + [HOURLY[h] * elapsed]

    def _times(self, day: date, n: int) -> list[datetime]:
        rng = self.rng
        start = datetime.combine(day, datetime.min.time())
        if day == self.now.date():
            weights = self._hour_weights_today()
            if not n or not sum(weights):
                return []
            hours = rng.choices(range(len(weights)), weights=weights, k=n)
            limit = self.now - start
            return sorted(min(start + timedelta(hours=h, seconds=rng.randrange(3600)),
                              start + limit) for h in hours)
        hours = rng.choices(range(24), weights=HOURLY, k=n)
        return sorted(start + timedelta(hours=h, seconds=rng.randrange(3600)) for h in hours)

    # --- one case -------------------------------------------------------------------------

    def _trail(self, case_id: int, at: datetime):
        """The case row and its events, by driving the workflow until `now`."""
        rng = self.rng
        cat = self.categories[_pick(self.cat_weights, rng.random())]
        cell = self.cells[_pick(self.cell_weights, rng.random())]
        source = _weighted(SOURCES, rng.random())
        officer = self.officer_of_cell.get(cell.id)
        reporter = self.patrol_user.get(officer) if source == "patrol" else None
        trail = _Trail(case_id, at, self.now, cat.code, reporter or self.dispatchers[0], source)
        desk = self.dispatchers[rng.randrange(len(self.dispatchers))]
        r = rng.random()
        # The history registers every source directly (it predates 核实): the register stage
        # runs from the report, as the service's clock would time it.
        stage = self._stage("register", at)
        if r < 0.004:
            trail.step(Action.CANCEL, self.leaders[0], rng.uniform(30, 600), stage=stage,
                       reason=rng.choice(CANCEL_REASONS))
        elif r < 0.06 + (0.04 if source in ("hotline", "public") else 0):
            trail.step(Action.REJECT, desk, rng.uniform(3, 40), stage=stage,
                       reason=rng.choice(REJECT_REASONS))
        elif trail.step(Action.REGISTER, desk, rng.uniform(3, 40), stage=stage):
            trail.registered_at = trail.t
            right = cat.department_id
            first = right
            if rng.random() < 0.04 and len(self.departments) > 1:
                first = rng.choice([d for d in self.departments if d != right])
            self._dispatch_to_close(trail, cat, desk, first, right)
        state = trail.state
        row = dict(id=case_id, number=None, source=source, category_code=state.category_code,
                   cell_id=cell.id, lon=cell.centroid_lon + rng.uniform(-0.0003, 0.0003),
                   lat=cell.centroid_lat + rng.uniform(-0.0003, 0.0003),
                   address=f"{cell[4]}{cell[3]}{rng.randrange(1, 300)}号附近",
                   description=f"{cat.name}问题，请及时处置", photos=[],
                   urgent=False, status=state.status.value, reported_at=at,
                   registered_at=trail.registered_at, dispatched_at=state.dispatched_at,
                   handled_at=state.handled_at, closed_at=state.closed_at, deadline=state.deadline,
                   requested_deadline=state.requested_deadline, department_id=state.department_id,
                   reporter_name=reporter.name if reporter else None, reporter_phone=None,
                   reporter_patrol_id=officer if reporter else None,
                   check_patrol_id=state.check_patrol_id, duplicate_of_id=None,
                   rework_count=state.rework_count, extension_count=state.extension_count,
                   return_count=state.return_count, supervision_level=0, external_id=None,
                   version=state.version, updated_at=trail.t)
        return row, trail.events

    def _dispatch_to_close(self, trail: _Trail, cat, desk, first: int, right: int) -> bool:
        """Dispatch (maybe to the wrong department first), handle, check, close or rework."""
        rng, cal = self.rng, self.calendar
        unit = TimeUnit(cat.time_unit)

        def deadline_from(start: datetime) -> datetime:
            return cal.deadline(start, cat.time_limit, unit)

        dept = first
        while True:
            when = trail.t + timedelta(minutes=rng.uniform(2, 30))
            if not trail.step(Action.DISPATCH, desk, when=when, department_id=dept,
                              deadline=deadline_from(when), stage=self._stage("dispatch", trail.t)):
                return False
            if dept == right:
                break
            if not trail.step(Action.RETURN, self._dept(dept), rng.uniform(20, 240),
                              reason=rng.choice(RETURN_REASONS)):
                return False
            dept = right
        reworked = False
        while True:
            if rng.random() < 0.03:
                asked = cal.deadline(trail.state.dispatched_at, 0.6 * cat.time_limit, unit)
                if not trail.step(Action.REQUEST_EXTENSION, self._dept(dept),
                                  when=max(asked, trail.t + timedelta(minutes=5)),
                                  reason=rng.choice(EXTENSION_REASONS),
                                  deadline=deadline_from(trail.state.deadline)):
                    return False
                if not trail.step(Action.APPROVE_EXTENSION, self.leaders[0], rng.uniform(30, 180)):
                    return False
            late = rng.random() < 0.12
            share = rng.uniform(1.02, 2.0) if late else rng.random() ** 1.5 * 0.95 + 0.02
            if trail.state.extension_count:
                share *= 1.6    # an extended case uses part of its extra time
            handled = cal.deadline(trail.state.dispatched_at, share * cat.time_limit, unit)
            if not trail.step(Action.MARK_HANDLED, self._dept(dept),
                              when=max(handled, trail.t + timedelta(minutes=10))):
                return False
            if not trail.step(Action.REQUEST_CHECK, desk, rng.uniform(10, 120),
                              patrol_id=self.officer_for_check()):
                return False
            if not reworked and rng.random() < 0.04:
                when = trail.t + timedelta(minutes=rng.uniform(20, 240))
                if not trail.step(Action.REWORK, desk, when=when, reason=rng.choice(REWORK_REASONS),
                                  deadline=deadline_from(when)):
                    return False
                reworked = True
                continue
            return trail.step(Action.CLOSE, desk, rng.uniform(20, 240))

    def _stage(self, key: str, at: datetime) -> tuple[str, datetime] | None:
        """The centre's stage `key` entered at `at`: (key, due), None when it has no limit."""
        clock = self.centre_clock.start(key, at)
        return (key, clock.due) if clock is not None else None

    def officer_for_check(self) -> int | None:
        return self.rng.choice(self.officer_ids) if self.officer_ids else None

    def _dept(self, dept_id: int) -> _Person:
        return self.dept_user.get(dept_id) or _Person(None, "专业部门", Role.DEPARTMENT)

    # --- the run --------------------------------------------------------------------------

    def run(self, total: int, progress: Callable[[float], None] | None = None) -> int:
        """Generate and insert `total` cases; returns how many were written."""
        progress = progress or (lambda f: None)
        written = 0
        cases: list[dict] = []
        events: list[dict] = []
        counters: dict[str, int] = {}
        case_id = self.next_case_id
        for day, n in self._day_counts(total):
            serial = 0
            for at in self._times(day, n):
                serial += 1
                row, evs = self._trail(case_id, at)
                row["number"] = format_case_number(day, serial)
                cases.append(row)
                events.extend(evs)
                case_id += 1
            if serial:
                counters[f"{day:%Y%m%d}"] = serial
            if len(cases) >= CHUNK:
                written += self._flush(cases, events)
                progress(written / max(total, 1))
        written += self._flush(cases, events)
        with self.db.transaction() as s:
            s.execute(insert(CaseNumberCounter),
                      [{"day": d, "last": n} for d, n in counters.items()])
            if s.get_bind().dialect.name == "postgresql":
                s.execute(text("SELECT setval(pg_get_serial_sequence('cases','id'), "
                               "(SELECT coalesce(max(id), 1) FROM cases))"))
            feed.record(s, ChangeKind.HISTORY, None, ChangeAction.LOADED, self.now, {"cases": written})
        progress(1.0)
        return written

    def _flush(self, cases: list[dict], events: list[dict]) -> int:
        n = len(cases)
        if n:
            with self.db.engine.begin() as con:
                insert_rows(con, Case.__table__, cases)
                audit.chain_rows(con, audit.CASE_EVENTS, events)   # the head's lock last
                insert_rows(con, CaseEvent.__table__, events)
        cases.clear()
        events.clear()
        return n


# --- small helpers --------------------------------------------------------------------------

class _Trail:
    """One case's life so far: the workflow state, the clock and the events recorded."""

    def __init__(self, case_id: int, at: datetime, now: datetime, category_code: str,
                 reporter: _Person, source: str) -> None:
        self.case_id, self.t, self.now = case_id, at, now
        self.state = CaseState(status=Status.REPORTED, category_code=category_code, version=1)
        self.registered_at: datetime | None = None
        self.events = [_event(case_id, at, reporter, Action.REPORT, None, Status.REPORTED, None,
                              {"category_code": category_code, "source": source})]

    def step(self, action: Action, person: _Person, minutes: float | None = None,
             when: datetime | None = None, stage: tuple[str, datetime] | None = None,
             **params) -> bool:
        """Take `action` after `minutes` (or at `when`); False, doing nothing, if that is after now.
        `stage` (key, due): the centre's stage this action ends, recorded as the service does."""
        at = when or (self.t + timedelta(minutes=minutes))
        if at > self.now:
            return False
        new, data = workflow.perform(self.state, action, person.role, at=at, **params)
        if stage is not None:
            data["centre_stage"] = {"key": stage[0], "on_time": at <= stage[1]}
        self.events.append(_event(self.case_id, at, person, action, self.state.status, new.status,
                                  data.get("reason") or data.get("note"), data))
        self.state, self.t = new, at
        return True


def _event(case_id, at, person, action, from_status, to_status, note, data) -> dict:
    return dict(case_id=case_id, at=at, actor_id=person.id, actor_name=person.name,
                actor_role=str(person.role), action=action.value,
                from_status=from_status.value if from_status else None,
                to_status=to_status.value, note=note, data=data)


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return [x / total for x in out]


def _pick(cumulative: list[float], r: float) -> int:
    return min(bisect_left(cumulative, r), len(cumulative) - 1)


def _weighted(pairs, r: float):
    for value, w in pairs:
        r -= w
        if r <= 0:
            return value
    return pairs[-1][0]
