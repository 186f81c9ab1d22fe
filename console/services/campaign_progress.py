"""A campaign's figures: each target's value and daily trend, its open cases, who is slowest,
patrol coverage and supervision orders — or, once closed, the figures it closed with.

The rates are the evaluation's (services/evaluation.py) over the campaign's `Scope`: 按期结案率
counts the cases due (deadline passed, dispatched, not cancelled) and those of them closed with
their handling in time, cumulatively from the campaign's start to the end of each day. Open focus
cases are the tagged cases open at each day's end. Coverage is the share of the area's cells in
which at least one patrol fix fell that day.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.errors import NotFound
from console.domain.evaluation import Level, Period
from console.domain.workflow import Status
from console.services.cell_index import CellIndex, ring_boxes
from console.services.evaluation import evaluate_many
from console.services.joint_operation import summary
from console.store import campaign_queries as q
from console.store.evaluation_queries import Scope
from console.store.models import Campaign

#: The longest trend drawn (a campaign runs weeks, not years).
MAX_DAYS = 366
#: How many of the slowest departments and streets are shown.
SLOWEST = 5
_NEVER_OPEN = (Status.REJECTED.value, Status.CANCELLED.value)


@dataclass
class Target:
    key: str                   # on_time_closure_rate | open_focus_max | patrol_coverage
    goal: float
    value: float | None        # now (or when closed)
    met: bool | None           # None: nothing to judge yet
    trend: list[float | None]  # one per day of `Progress.days`
    by: str | None = None      # open_focus_max: the date it must hold by


@dataclass
class Progress:
    campaign_id: int
    name: str
    kind: str
    starts_at: str
    ends_at: str
    upto: str
    closed: bool
    days: list[str]
    targets: list[Target]
    tagged: int
    open_count: int
    open_cases: list[dict[str, Any]]
    slowest_departments: list[dict[str, Any]]
    slowest_streets: list[dict[str, Any]]
    coverage: dict[str, Any]
    orders: list[dict[str, Any]]
    on_time: dict[str, int] = field(default_factory=dict)   # due, closed_on_time
    # A joint operation's after-action summary (services/joint_operation.py), frozen with the rest.
    after_action: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Progress:
        data = dict(data)
        data["targets"] = [Target(**t) for t in data["targets"]]
        return cls(**data)

    def met(self) -> dict[str, bool | None]:
        return {t.key: t.met for t in self.targets}


def _days(start: datetime, upto: datetime) -> list[date]:
    first, last = start.date(), max(start, upto - timedelta(microseconds=1)).date()
    n = min((last - first).days + 1, MAX_DAYS)
    return [first + timedelta(days=i) for i in range(n)]


def _day_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time())


def progress(session: Session, campaign_id: int, now: datetime, *,
             details: bool = True) -> Progress:
    """The campaign's figures as seen at `now` (its stored figures once it is closed);
    `details=False` leaves out the slowest units, the open cases and the orders (the wall
    shows the targets only, and refreshes them every few seconds)."""
    c = session.get(Campaign, campaign_id)
    if c is None:
        raise NotFound("campaign", campaign_id)
    if c.closed_at is not None and c.snapshot:
        return Progress.from_json(c.snapshot)
    scope = q.scope_for(session, c.area or {}, c.categories or ())
    upto = max(min(c.ends_at, now), c.starts_at)
    days = _days(c.starts_at, upto)
    ends = [min(_day_end(d), upto) for d in days]
    targets_in = c.targets or {}
    targets = []

    due = q.due_rows(session, scope, c.starts_at, upto)
    rate_trend = [_on_time_rate(due, end) for end in ends]
    closed_on_time = sum(1 for d, closed, handled in due if _on_time(d, closed, handled, upto))
    if "on_time_closure_rate" in targets_in:
        goal = targets_in["on_time_closure_rate"]
        value = rate_trend[-1] if rate_trend else None
        targets.append(Target("on_time_closure_rate", goal, value,
                              None if value is None else value >= goal - 1e-9, rate_trend))

    history = q.tagged_history(session, campaign_id)
    open_trend = [float(_open_at(history, end)) for end in ends]
    open_now = _open_at(history, upto)
    if "open_focus_max" in targets_in:
        goal = targets_in["open_focus_max"]
        by = targets_in.get("open_focus_by") or c.ends_at.date().isoformat()
        by_end = _day_end(date.fromisoformat(by))
        judged = _open_at(history, by_end) if upto >= by_end else open_now
        targets.append(Target("open_focus_max", goal, float(judged),
                              judged <= goal if upto >= by_end or judged <= goal else None,
                              open_trend, by))

    coverage = _coverage(session, scope, days, ends)
    if "patrol_coverage" in targets_in:
        goal = targets_in["patrol_coverage"]
        trend = coverage["trend"]
        # A day is judged once it is over; the day under way only counts when it is the last.
        full = [v for d, v in zip(days, trend) if _day_end(d) <= upto and v is not None]
        value = full[-1] if full else (trend[-1] if trend else None)
        targets.append(Target("patrol_coverage", goal, value,
                              None if value is None else value >= goal - 1e-9, trend))

    slowest_departments, slowest_streets = _slowest(session, scope, c.starts_at, upto, now) \
        if details else ([], [])
    return Progress(
        campaign_id=c.id, name=c.name, kind=c.kind, starts_at=c.starts_at.isoformat(),
        ends_at=c.ends_at.isoformat(), upto=upto.isoformat(), closed=c.closed_at is not None,
        days=[d.isoformat() for d in days], targets=targets,
        tagged=q.tagged_count(session, campaign_id), open_count=open_now,
        open_cases=q.open_cases(session, campaign_id) if details else [],
        slowest_departments=slowest_departments, slowest_streets=slowest_streets,
        coverage=coverage, orders=q.orders_of(session, campaign_id) if details else [],
        on_time={"due": len(due), "closed_on_time": closed_on_time},
        after_action=summary(session, scope, c.starts_at, upto, list(c.departments or ())).to_json()
        if details and c.kind == "joint" else None)


def _on_time(deadline: datetime, closed: datetime | None, handled: datetime | None,
             end: datetime) -> bool:
    return closed is not None and closed < end and handled is not None and handled <= deadline


def _on_time_rate(due: list[tuple], end: datetime) -> float | None:
    counted = [r for r in due if r[0] < end]
    if not counted:
        return None
    return sum(1 for d, closed, handled in counted if _on_time(d, closed, handled, end)) / len(counted)


def _open_at(history: list[tuple], t: datetime) -> int:
    """How many of the tagged cases were open at `t`. A rejection or cancellation has no time
    of its own on the case: its last change (updated_at) stands for it."""
    n = 0
    for reported, closed, status, updated in history:
        if reported >= t or (closed is not None and closed < t):
            continue
        if status in _NEVER_OPEN and updated < t:
            continue
        n += 1
    return n


def _coverage(session: Session, scope: Scope, days: list[date],
              ends: list[datetime]) -> dict[str, Any]:
    cells = q.scope_cells(session, scope)
    if not cells:
        return {"cells": 0, "covered": 0, "share": None, "trend": [None] * len(days)}
    rings = [np.asarray(r[1], dtype=np.float64) for r in cells]
    boxes = ring_boxes(rings)
    index = CellIndex(rings, boxes)
    box = (float(boxes[:, 0].min()), float(boxes[:, 1].min()),
           float(boxes[:, 2].max()), float(boxes[:, 3].max()))
    trend: list[float | None] = []
    covered = 0
    for day, end in zip(days, ends):
        start = datetime.combine(day, time())
        lons, lats = q.positions_in_box(session, box, start, end)
        hit = index.covering(lons, lats)[1] if lons else np.empty(0, dtype=np.int64)
        covered = len(np.unique(hit))
        trend.append(covered / len(cells))
    return {"cells": len(cells), "covered": covered,
            "share": trend[-1] if trend else None, "trend": trend}


def _slowest(session: Session, scope: Scope, start: datetime, upto: datetime,
             now: datetime) -> tuple[list[dict], list[dict]]:
    """The departments and streets with the lowest scores over the campaign, in its scope."""
    rankings = evaluate_many(session, (Level.DEPARTMENT, Level.STREET), Period(start, upto),
                             now, scope)
    out = []
    for level, rate in ((Level.DEPARTMENT, "on_time_handling_rate"),
                        (Level.STREET, "on_time_closure_rate")):
        rows = [r for r in rankings[level].rows if r.score is not None]
        rows.sort(key=lambda r: (r.score, r.name))
        out.append([{"unit_id": r.unit_id, "name": r.name, "score": r.score, "grade": r.grade,
                     "rate": r.figures[rate].value, "overdue": r.figures["overdue"].numerator or 0}
                    for r in rows[:SLOWEST]])
    return out[0], out[1]


def reached(target: Target) -> float | None:
    """How much of a target is reached, 0..1: value over goal for a share to reach, goal over
    value for a count to stay under (3 open against at most 1: a third of the way)."""
    if target.value is None:
        return None
    if target.key == "open_focus_max":
        return 1.0 if target.value <= target.goal else target.goal / target.value
    return min(1.0, target.value / target.goal) if target.goal else 1.0


def running_progress(session: Session, now: datetime) -> list[dict[str, Any]]:
    """The running campaigns (begun, not over, not closed) as the wall shows them: the name and
    (target key, share reached) of each target."""
    running = session.execute(
        select(Campaign.id, Campaign.name).where(
            Campaign.closed_at.is_(None), Campaign.starts_at <= now, Campaign.ends_at >= now)
        .order_by(Campaign.starts_at, Campaign.id)).all()
    out = []
    for cid, name in running:
        p = progress(session, cid, now, details=False)
        out.append({"name": name, "targets": [(t.key, reached(t)) for t in p.targets]})
    return out
