"""What the wall display (大屏) shows, read in one go off the GUI thread.

Two reads of different cost and pace: `read_live` (KPI figures, the newest urgent cases, the
running campaigns' progress — follows the feed, a few seconds apart) and `read_rankings` (the
best and the worst departments and streets over the last days — one grouped scan per period
on the whole history, so minutes apart). Both return plain frozen data.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from console.domain.evaluation import Level, Period, last_days
from console.services import kpis as kpi_service
from console.services.evaluation import evaluate_many
from console.services.kpis import Kpis
from console.services.queues import QueueFilter, QueueQuery, QueueRow, queue_page

URGENT_SHOWN = 8
RANKED_SHOWN = 5
RANKING_DAYS = 7
#: The wall's evaluation levels, in the order its panels rotate.
RANKED_LEVELS = (Level.DEPARTMENT, Level.STREET)


@dataclass(frozen=True)
class CampaignProgress:
    """One running campaign as the wall shows it: a name and its targets' shares met."""

    name: str
    targets: tuple[tuple[str, float | None], ...]   # (target's label, share reached 0..1)


@dataclass(frozen=True)
class WallLive:
    at: datetime
    kpis: Kpis
    urgent: tuple[QueueRow, ...]
    campaigns: tuple[CampaignProgress, ...] | None   # None: no campaign service to ask


@dataclass(frozen=True)
class RankedUnit:
    rank: int | None
    name: str
    score: float | None
    grade: str | None
    change: float | None


@dataclass(frozen=True)
class WallRankings:
    period: Period
    # level → (the best RANKED_SHOWN, the worst RANKED_SHOWN, worst last) of the units with data
    best: dict[Level, tuple[RankedUnit, ...]]
    worst: dict[Level, tuple[RankedUnit, ...]]


def newest_urgent(session: Session, now: datetime, limit: int = URGENT_SHOWN) -> tuple[QueueRow, ...]:
    """The newest urgent cases of any state (the "all" tab's query, newest first)."""
    query = QueueQuery("all", QueueFilter(urgent=True), "reported_at", True)
    return tuple(queue_page(session, query, limit=limit, now=now).rows)


def campaign_source():
    """The campaigns service's `campaign_progress(session, now)`, or None while there is none.

    The seam to the campaigns work: that service returns, per running campaign, an object or
    mapping with `name` and `targets` — (label, share reached) pairs, or a mapping of them."""
    try:
        module = importlib.import_module("console.services.campaigns")
    except ImportError:
        return None
    return getattr(module, "campaign_progress", None)


def _field(item: Any, name: str, default: Any = None) -> Any:
    return item.get(name, default) if isinstance(item, dict) else getattr(item, name, default)


def _progress(item: Any) -> CampaignProgress:
    targets = _field(item, "targets", ()) or ()
    if isinstance(targets, dict):
        targets = targets.items()
    pairs = []
    for t in targets:
        label, share = (t if isinstance(t, (tuple, list)) else
                        (_field(t, "label", _field(t, "name", "")), _field(t, "progress")))
        pairs.append((str(label), None if share is None else float(share)))
    return CampaignProgress(str(_field(item, "name", "")), tuple(pairs))


def read_live(session: Session, now: datetime | None = None, *, campaigns=None) -> WallLive:
    """The figures that follow the feed. `campaigns`: a `campaign_progress` to use (tests);
    by default the campaigns service's, if there is one."""
    now = now or datetime.now().replace(microsecond=0)
    figures = kpi_service.kpis(session, now)
    source = campaigns if campaigns is not None else campaign_source()
    running = None if source is None else tuple(_progress(c) for c in source(session, now))
    return WallLive(now, figures, newest_urgent(session, now), running)


def _unit(r) -> RankedUnit:
    return RankedUnit(r.rank, r.name, r.score, r.grade, r.change)


def read_rankings(session: Session, now: datetime | None = None,
                  days: int = RANKING_DAYS) -> WallRankings:
    """The best and worst departments and streets over the last `days` days, today included
    (the same period as the rankings dock's "last 7 days")."""
    now = now or datetime.now().replace(microsecond=0)
    period = last_days(now, days)
    rankings = evaluate_many(session, RANKED_LEVELS, period, now)
    best, worst = {}, {}
    for level, ranking in rankings.items():
        scored = [_unit(r) for r in ranking.rows if r.score is not None]
        best[level] = tuple(scored[:RANKED_SHOWN])
        # The worst are shown worst last, under the best, when few units have data: never twice.
        rest = scored[len(best[level]):]
        worst[level] = tuple(rest[-RANKED_SHOWN:])
    return WallRankings(period, best, worst)
