"""What the window shows at a glance: stage counts, today's figures, the city's name."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.domain.workflow import RUNNING, Status
from console.services.settings import get_setting
from console.store.models import Case, LatestPosition, Meta


@dataclass(frozen=True)
class Overview:
    """Counts for the queue tabs and the KPI strip, read in one short transaction."""

    reported: int = 0          # 待受理
    registered: int = 0        # 待派遣
    dispatched: int = 0        # 处置中
    checking: int = 0          # 待核查: handled + checking
    overdue: int = 0           # 超期: dispatched past the deadline
    closed_today: int = 0      # 今日结案
    reported_today: int = 0
    open_total: int = 0
    patrols_online: int = 0    # a position within the last five minutes
    at: datetime | None = None


def overview(session: Session, now: datetime | None = None) -> Overview:
    """Stage counts and today's figures; every query uses an index on status or a time column."""
    now = now or datetime.now().replace(microsecond=0)
    midnight = now.replace(hour=0, minute=0, second=0)
    open_statuses = [s.value for s in Status if s not in (Status.CLOSED, Status.REJECTED,
                                                          Status.CANCELLED)]
    by_status = dict(session.execute(
        select(Case.status, func.count()).where(Case.status.in_(open_statuses))
        .group_by(Case.status)).all())
    overdue = session.scalar(select(func.count()).select_from(Case).where(
        Case.status.in_([s.value for s in RUNNING]), Case.deadline < now)) or 0
    # closed_at is set only by closing (a terminal state), so the time index alone answers this;
    # adding the status makes SQLite pick the status index and scan every closed case.
    closed_today = session.scalar(select(func.count()).select_from(Case).where(
        Case.closed_at >= midnight)) or 0
    reported_today = session.scalar(select(func.count()).select_from(Case).where(
        Case.reported_at >= midnight)) or 0
    online = session.scalar(select(func.count()).select_from(LatestPosition).where(
        LatestPosition.at >= now - timedelta(minutes=5))) or 0
    return Overview(
        reported=by_status.get(Status.REPORTED.value, 0),
        registered=by_status.get(Status.REGISTERED.value, 0),
        dispatched=by_status.get(Status.DISPATCHED.value, 0),
        checking=by_status.get(Status.HANDLED.value, 0) + by_status.get(Status.CHECKING.value, 0),
        overdue=overdue, closed_today=closed_today, reported_today=reported_today,
        open_total=sum(by_status.values()), patrols_online=online, at=now)


def city_name(session: Session) -> str:
    """The city's name from the `meta` table (the demo writes it), else the shared setting."""
    row = session.get(Meta, "city_name")
    if row is not None and row.value.strip():
        return row.value.strip()
    return str(get_setting(session, "city_name") or "").strip()
