"""What the shift hand-over report (交接班) and the daily report say, read in one transaction.

Plain data for the PDF (console/ui/reports/shift_pdf.py): the flow of cases in the period
(counts by stage reached, from the workflow's time columns, each on its own index), the queue
counts now, the urgent cases reported in it and those still open, supervision orders issued in
it or still unresolved, alerts raised in it by kind and the attendance exceptions (脱岗, 窝岗,
提前退岗) one by one, the departments' evaluation over the period, hourly trends, and the
open cases per cell for the map picture.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from console.domain.alert_rules import Kind
from console.domain.evaluation import Level, Period
from console.domain.workflow import OPEN
from console.services.evaluation import Ranking, evaluate
from console.services.queues import QueueFilter, stage_counts
from console.store.models import (
    Alert,
    Case,
    Category,
    Cell,
    Department,
    PatrolOfficer,
    SupervisionOrder,
)

LISTED = 40            # urgent cases, orders and exceptions listed at most (the rest counted)
SHIFT_HOURS = 12
ATTENDANCE = (Kind.OFF_POST.value, Kind.IDLE.value, Kind.LEFT_EARLY.value)
#: the flow's stages and the time column that says a case reached it
FLOW = (("reported", Case.reported_at), ("registered", Case.registered_at),
        ("dispatched", Case.dispatched_at), ("handled", Case.handled_at),
        ("closed", Case.closed_at))
INDEXED = ("reported", "closed")
#: a case registered, dispatched or handled in the period was reported at most this long before
FLOW_LOOKBACK = timedelta(days=60)


@dataclass(frozen=True)
class CaseLine:
    number: str
    category: str
    address: str
    status: str
    reported_at: datetime
    deadline: datetime | None
    department: str


@dataclass(frozen=True)
class OrderLine:
    level: int
    subject: str          # the case number or the department's name
    issued_at: datetime
    due_at: datetime | None
    note: str
    resolved_at: datetime | None


@dataclass(frozen=True)
class ExceptionLine:
    kind: str
    officer: str
    raised_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class ShiftReport:
    kind: str                      # "shift" | "daily"
    start: datetime
    end: datetime
    flow: dict[str, int]
    queue_counts: dict[str, int]
    new_urgent: list[CaseLine]
    new_urgent_total: int
    open_urgent: list[CaseLine]
    open_urgent_total: int
    orders: list[OrderLine]
    alerts_by_kind: dict[str, int]
    attendance: list[ExceptionLine]
    attendance_total: int
    ranking: Ranking
    hours: list[datetime]          # the start of each hour of the trends
    trends: dict[str, list[int]]   # reported / closed per hour
    cells: list[tuple[float, float, int]] = field(default_factory=list)  # lon, lat, open cases
    meta: dict[str, Any] = field(default_factory=dict)


def shift_period(now: datetime, hours: int = SHIFT_HOURS) -> tuple[datetime, datetime]:
    """The shift just ending at `now` (the last `hours` hours)."""
    return now - timedelta(hours=hours), now


def day_period(now: datetime) -> tuple[datetime, datetime]:
    """The calendar day of `now`, up to now."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0), now


def _case_lines(session: Session, *conditions, limit: int = LISTED) -> tuple[list[CaseLine], int]:
    total = session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
    rows = session.execute(
        select(Case.number, Case.category_code, Category.name, Case.address, Case.status,
               Case.reported_at, Case.deadline, Department.name.label("department"))
        .join(Category, Category.code == Case.category_code, isouter=True)
        .join(Department, Department.id == Case.department_id, isouter=True)
        .where(*conditions).order_by(Case.reported_at.desc(), Case.id.desc()).limit(limit))
    return [CaseLine(r.number, f"{r.category_code} {r.name or ''}".strip(), r.address or "",
                     r.status, r.reported_at, r.deadline, r.department or "")
            for r in rows], total


def _hourly(times: list[datetime], start: datetime, hours: int) -> list[int]:
    counts = [0] * hours
    for t in times:
        i = int((t - start).total_seconds() // 3600)
        if 0 <= i < hours:
            counts[i] += 1
    return counts


def read_shift_report(session: Session, start: datetime, end: datetime, *, kind: str = "shift",
                      with_cells: bool = True, progress=None) -> ShiftReport:
    """Everything the report says about [start, end); `progress(fraction)` between parts."""
    step = progress or (lambda _f: None)
    flow = {name: session.scalar(select(func.count()).select_from(Case)
                                 .where(column >= start, column < end)) or 0
            for name, column in FLOW if name in INDEXED}
    # Registration, dispatch and handling times have no index: counted in one pass over the
    # cases reported within FLOW_LOOKBACK before the period (on the report-time index).
    later = [name for name, _ in FLOW if name not in INDEXED]
    sums = session.execute(select(*(
        func.sum(when((and_(column >= start, column < end), 1), else_=0))
        for name, column in FLOW if name in later))
        .where(Case.reported_at >= start - FLOW_LOOKBACK, Case.reported_at < end)).one()
    flow.update({name: int(v or 0) for name, v in zip(later, sums)})
    flow = {name: flow[name] for name, _ in FLOW}
    step(0.1)
    queue_counts = stage_counts(session, QueueFilter(), now=end)
    step(0.2)
    open_values = [s.value for s in OPEN]
    new_urgent, new_total = _case_lines(session, Case.reported_at >= start,
                                        Case.reported_at < end, Case.urgent.is_(True))
    # Open urgent cases: from the status index (open cases are a few percent of the history).
    open_urgent, open_total = _case_lines(session, Case.status.in_(open_values),
                                          Case.urgent.is_(True))
    step(0.3)
    orders = [OrderLine(r.level, r.number or r.department or "", r.issued_at, r.due_at,
                        r.note or "", r.resolved_at)
              for r in session.execute(
                  select(SupervisionOrder.level, SupervisionOrder.issued_at, SupervisionOrder.due_at,
                         SupervisionOrder.note, SupervisionOrder.resolved_at, Case.number,
                         Department.name.label("department"))
                  .join(Case, Case.id == SupervisionOrder.case_id, isouter=True)
                  .join(Department, Department.id == SupervisionOrder.department_id, isouter=True)
                  .where(SupervisionOrder.issued_at < end,
                         or_(SupervisionOrder.issued_at >= start,
                             SupervisionOrder.resolved_at.is_(None)))
                  .order_by(SupervisionOrder.level.desc(), SupervisionOrder.issued_at)
                  .limit(LISTED))]
    alerts_by_kind = dict(session.execute(
        select(Alert.kind, func.count()).where(Alert.raised_at >= start, Alert.raised_at < end)
        .group_by(Alert.kind)).all())
    attendance_total = sum(alerts_by_kind.get(k, 0) for k in ATTENDANCE)
    attendance = [ExceptionLine(r.kind, r.name or f"#{r.subject_id}", r.raised_at, r.resolved_at)
                  for r in session.execute(
                      select(Alert.kind, Alert.subject_id, Alert.raised_at, Alert.resolved_at,
                             PatrolOfficer.name)
                      .join(PatrolOfficer, PatrolOfficer.id == Alert.subject_id, isouter=True)
                      .where(Alert.raised_at >= start, Alert.raised_at < end,
                             Alert.kind.in_(ATTENDANCE))
                      .order_by(Alert.raised_at.desc()).limit(LISTED))]
    step(0.4)
    ranking = evaluate(session, Level.DEPARTMENT, Period(start, end), end)
    step(0.7)
    first = start.replace(minute=0, second=0, microsecond=0)
    hours = max(1, math.ceil((end - first).total_seconds() / 3600))
    trends = {
        name: _hourly(list(session.scalars(select(column).where(column >= start, column < end))),
                      first, hours)
        for name, column in (("reported", Case.reported_at), ("closed", Case.closed_at))}
    step(0.8)
    cells: list[tuple[float, float, int]] = []
    if with_cells:
        # Counted here, not by GROUP BY, which SQLite answers by walking the whole cell_id
        # index of a million cases (seconds) instead of the few open ones by status.
        counts = Counter(cid for (cid,) in session.execute(
            select(Case.cell_id).where(Case.status.in_(open_values))) if cid is not None)
        cells = [(lon, lat, counts.get(cid, 0)) for cid, lon, lat in session.execute(
            select(Cell.id, Cell.centroid_lon, Cell.centroid_lat))]
    step(0.9)
    return ShiftReport(kind, start, end, flow, queue_counts, new_urgent, new_total, open_urgent,
                       open_total, orders, alerts_by_kind, attendance, attendance_total, ranking,
                       [first + timedelta(hours=i) for i in range(hours)], trends, cells)
