"""The queue stages (the tabs 待受理, 待核实 … 今日结案): which cases each holds, defined once.

The queues' and the overview's SQL (store/queue_queries.py: stage_condition) and the queue's own
"which tab holds this case" (ui/queues/selection_sync.py) both read these definitions, so the
counts on the tabs, the KPI strip and the rows a tab shows cannot drift apart.
"""
from __future__ import annotations

from datetime import datetime

from console.domain.workflow import RUNNING, Status

STAGES = ("reported", "verifying", "registered", "dispatched", "checking", "overdue", "closed_today", "all")

#: The statuses each stage holds; "overdue" adds a deadline in the past, "closed_today" a
#: closing time since midnight, and "all" holds every case.
STAGE_STATUSES: dict[str, frozenset[Status]] = {
    # A verified report waits for 立案 where every report does.
    "reported": frozenset({Status.REPORTED, Status.VERIFIED}),
    "verifying": frozenset({Status.VERIFYING}),
    "registered": frozenset({Status.REGISTERED}),
    "dispatched": frozenset({Status.DISPATCHED}),
    "checking": frozenset({Status.HANDLED, Status.CHECKING}),
    "overdue": RUNNING,
    "closed_today": frozenset({Status.CLOSED}),
}


def start_of_day(now: datetime) -> datetime:
    """Midnight before `now`: where 今日结案 begins."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def stages_of(status: str, deadline: datetime | None, closed_at: datetime | None,
              now: datetime) -> list[str]:
    """The stages that hold a case, the most specific first (超期 before 处置中), "all" last."""
    out = [stage for stage in ("reported", "verifying", "registered", "dispatched",
                                        "checking")
           if status in STAGE_STATUSES[stage]]
    if status in STAGE_STATUSES["overdue"] and deadline is not None and deadline < now:
        out.insert(0, "overdue")
    if (status in STAGE_STATUSES["closed_today"] and closed_at is not None
            and closed_at >= start_of_day(now)):
        out.append("closed_today")
    return out + ["all"]
