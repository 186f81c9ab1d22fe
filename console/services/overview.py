"""What the window shows at a glance: stage counts, today's figures, the city's name."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session

from console.domain.workflow import OPEN
from console.services.settings import get_setting
from console.store.models import Case, LatestPosition, Meta
from console.store.queue_queries import stage_condition


@dataclass(frozen=True)
class Overview:
    """Counts for the queue tabs and the KPI strip, read in one short transaction."""

    reported: int = 0          # 待受理
    verifying: int = 0         # 待核实
    registered: int = 0        # 待派遣
    dispatched: int = 0        # 处置中
    checking: int = 0          # 待核查: handled + checking
    overdue: int = 0           # 超期: dispatched past the deadline
    closed_today: int = 0      # 今日结案
    reported_today: int = 0
    open_total: int = 0
    patrols_online: int = 0    # a position within the last five minutes
    at: datetime | None = None


#: The queue tabs the overview counts, named as the queue names them.
TAB_STAGES = ("reported", "verifying", "registered", "dispatched", "checking", "overdue", "closed_today")


def overview(session: Session, now: datetime | None = None) -> Overview:
    """Stage counts and today's figures in one statement of indexed counts.

    The stage counts use the queue's own stage conditions (`queue_queries.stage_condition`),
    so a tab's count and the strip's figure cannot disagree; those conditions already keep
    each count on its index (status, status + deadline, closed_at).
    """
    now = now or datetime.now().replace(microsecond=0)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    open_statuses = [s.value for s in OPEN]

    def count(*where) -> ScalarSelect:
        return select(func.count()).select_from(Case).where(*where).scalar_subquery()

    row = session.execute(select(
        *(count(stage_condition(stage, now)).label(stage) for stage in TAB_STAGES),
        count(Case.status.in_(open_statuses)).label("open_total"),
        count(Case.reported_at >= midnight).label("reported_today"),
        select(func.count()).select_from(LatestPosition)
        .where(LatestPosition.at >= now - timedelta(minutes=5)).scalar_subquery()
        .label("online"))).one()
    return Overview(
        reported=row.reported, verifying=row.verifying, registered=row.registered, dispatched=row.dispatched,
        checking=row.checking, overdue=row.overdue, closed_today=row.closed_today,
        reported_today=row.reported_today, open_total=row.open_total,
        patrols_online=row.online, at=now)


def city_name(session: Session) -> str:
    """The city's name from the `meta` table (the demo writes it), else the shared setting."""
    row = session.get(Meta, "city_name")
    if row is not None and row.value.strip():
        return row.value.strip()
    return str(get_setting(session, "city_name") or "").strip()
