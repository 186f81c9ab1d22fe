"""The KPI strip's figures: today's flow of cases, the on-time closure rate, patrols on duty.

Definitions follow reference/kpis.md over the period "today" (midnight to now):
- registered: cases registered (立案) today; reported and closed likewise.
- due (应结案数): cases closed today plus cases still with a department whose deadline passed
  today unhandled; on-time closure rate (按期结案率) = closed today on time / due, where on time
  means handled (处置完成) by the deadline.
- overdue now (超期数): cases with a department past their deadline.
- patrols: the patrol state's conditions (domain/patrol_state.py: patrol_state, the decision the
  map and the alerts use), as the alert engine stored them: off post and offline = officers
  with that open alert; on duty = on shift, neither offline nor gone early.
Each figure has 24 hourly values for a sparkline (the last is the hour in progress): counts per
hour for flows, the value at the end of each hour for states.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.domain.alert_rules import Kind
from console.domain.patrol_state import on_shift
from console.domain.workflow import OPEN, Status
from console.store import alert_queries as aq
from console.store import patrol_queries
from console.store.models import Case
from console.store.queue_queries import stage_condition

HOURS = 24
#: Registration is looked for among cases reported this long before it (keeps the time index).
REGISTER_LOOKBACK = timedelta(days=7)
_DROPPED = (Status.REJECTED.value, Status.CANCELLED.value)


@dataclass(frozen=True)
class Kpis:
    """Figures for the strip and their hourly series (oldest first, HOURS values each)."""

    at: datetime
    reported_today: int = 0
    registered_today: int = 0
    closed_today: int = 0
    closed_on_time_today: int = 0
    due_today: int = 0
    overdue_now: int = 0
    open_now: int = 0
    patrols_on_shift: int = 0
    patrols_on_duty: int = 0
    patrols_off_post: int = 0
    patrols_offline: int = 0
    series: dict[str, list[float]] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        """按期结案率 today, or None when nothing was due."""
        return on_time_rate(self.closed_on_time_today, self.due_today)


def on_time_rate(closed_on_time: int, due: int) -> float | None:
    """Closed on time / due (reference/kpis.md); None when nothing was due."""
    return closed_on_time / due if due > 0 else None


def hour_marks(now: datetime) -> list[datetime]:
    """The ends of the HOURS hourly buckets; the last is `now` (the hour in progress)."""
    top = now.replace(minute=0, second=0, microsecond=0)
    if top == now:   # on the hour: the hour just ended is the last full one
        top -= timedelta(hours=1)
    return [top - timedelta(hours=HOURS - 2 - i) for i in range(HOURS - 1)] + [now]


def _bucket_of(t: datetime, marks: list[datetime]) -> int | None:
    """The hour bucket [marks[i-1], marks[i]) of `t` (the last one ends at now, inclusive)."""
    if not marks[0] - timedelta(hours=1) <= t <= marks[-1]:
        return None
    return min(bisect_right(marks[:-1], t), len(marks) - 1)


def _bucket(times: list[datetime], marks: list[datetime]) -> list[float]:
    """How many of `times` fall in each hour bucket."""
    counts = [0.0] * len(marks)
    for t in times:
        i = _bucket_of(t, marks)
        if i is not None:
            counts[i] += 1
    return counts


def _open_at(intervals: list[tuple[datetime, datetime | None]], marks: list[datetime]) -> list[float]:
    return [float(sum(1 for a, b in intervals if a <= m and (b is None or b > m))) for m in marks]


def _on_time(r) -> bool:
    """Handled (处置完成) by the deadline; a case that never had one cannot be late."""
    return r.deadline is None or (r.handled_at or r.closed_at) <= r.deadline


def kpis(session: Session, now: datetime | None = None) -> Kpis:
    """Read every figure; each query stays on an index (time columns, status + deadline)."""
    now = now or datetime.now().replace(microsecond=0)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    marks = hour_marks(now)
    since = marks[0] - timedelta(hours=1)
    start = min(since, midnight)

    reported_rows = session.execute(select(Case.reported_at, Case.status, Case.updated_at)
                                    .where(Case.reported_at >= start)).all()
    reported = [r.reported_at for r in reported_rows]
    registered = [t for t in session.scalars(
        select(Case.registered_at).where(Case.reported_at >= start - REGISTER_LOOKBACK,
                                         Case.registered_at >= start)) if t is not None]
    # closed_at is set only by 结案, a final state: no status filter, which would lead SQLite
    # onto the status index (most cases are closed) instead of the time index.
    closed = session.execute(select(Case.closed_at, Case.handled_at, Case.deadline).where(
        Case.closed_at >= start)).all()
    closed_today = [r for r in closed if r.closed_at >= midnight]
    on_time = sum(1 for r in closed_today if _on_time(r))
    # Still with a department and past the deadline — the 超期 tab's own definition
    # (domain/stages.py) — in one row of sums over the status index.
    overdue_cols = [func.sum(when((Case.deadline < m, 1), else_=0)) for m in marks]
    row = session.execute(select(func.count(), func.sum(when((Case.deadline >= midnight, 1),
                                                              else_=0)), *overdue_cols)
                          .where(stage_condition("overdue", now))).one()
    overdue_now, lapsed_today = row[0] or 0, row[1] or 0
    overdue_series = [float(v or 0) for v in row[2:]]

    kinds = (Kind.OFF_POST.value, Kind.OFFLINE.value, Kind.LEFT_EARLY.value)
    intervals = aq.alert_intervals(session, kinds, since)
    off_post_series, offline_series = (
        _open_at([(r.raised_at, r.resolved_at) for r in intervals if r.kind == k], marks)
        for k in kinds[:2])
    # Officers share a few shift patterns: each pattern is asked of the calendar once a mark.
    patterns: dict[tuple, list[int]] = {}
    for officer, shifts in patrol_queries.shifts(session).items():
        patterns.setdefault(tuple(shifts), []).append(officer)
    on_shift_series, on_duty_series = [], []
    for m in marks:
        present = {o for s, officers in patterns.items() if on_shift(s, m) is not None
                   for o in officers}
        # Not on duty (PatrolState.on_duty): offline, or gone early (which, past the shift's
        # end, is not on shift anyway).
        away = {r.subject_id for r in intervals
                if r.kind != Kind.OFF_POST.value and r.raised_at <= m
                and (r.resolved_at is None or r.resolved_at > m)}
        on_shift_series.append(float(len(present)))
        on_duty_series.append(float(len(present - away)))

    closed_series = _bucket([r.closed_at for r in closed], marks)
    # Per hour: the share of that hour's closures handled on time (NaN: none closed).
    good_per_hour = _bucket([r.closed_at for r in closed if _on_time(r)], marks)
    on_time_series = [float("nan") if n == 0 else good / n * 100
                      for good, n in zip(good_per_hour, closed_series)]

    # Open at the end of each hour: open now, less what was reported since, plus what has been
    # closed, rejected or cancelled since (a case reported before the window and rejected in it
    # is missed; rejection follows the report within minutes).
    open_now = session.scalar(select(func.count()).select_from(Case)
                              .where(Case.status.in_([s.value for s in OPEN]))) or 0
    left = [r.closed_at for r in closed] + [r.updated_at for r in reported_rows
                                            if r.status in _DROPPED]
    open_series = [float(open_now - sum(1 for t in reported if t > m) + sum(1 for t in left if t > m))
                   for m in marks]

    return Kpis(
        at=now,
        reported_today=sum(1 for t in reported if t >= midnight),
        registered_today=sum(1 for t in registered if t >= midnight),
        closed_today=len(closed_today), closed_on_time_today=on_time,
        due_today=len(closed_today) + lapsed_today, overdue_now=overdue_now, open_now=open_now,
        patrols_on_shift=int(on_shift_series[-1]), patrols_on_duty=int(on_duty_series[-1]),
        patrols_off_post=int(off_post_series[-1]), patrols_offline=int(offline_series[-1]),
        series={"reported_today": _bucket(list(reported), marks),
                "registered_today": _bucket(registered, marks),
                "closed_today": closed_series, "on_time_rate": on_time_series,
                "overdue_now": overdue_series, "open_total": open_series, "patrols_on_duty": on_duty_series,
                "patrols_off_post": off_post_series, "patrols_offline": offline_series})
