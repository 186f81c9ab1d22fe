"""The centre's own clock: a time limit on each stage that waits for the centre, not a department.

受理 → 核实派出 (verify_send), 核实应答 (verify_answer), 立案 (register: after verification, or
after the report where none is needed), 派遣 after 立案 (dispatch) and 核查应答 (check_answer).
Each limit is minutes counted in working time by the city's calendar (or round the clock when
the centre says so), as a department's deadline is; the warning instant is the same share of
it the departments' near-deadline warning uses. The service stores the stage's key, start,
warning instant and end on the case when it enters the stage, so the queues and the alert
rules read them as columns and the clock is never re-derived in two places.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.domain.work_calendar import TimeUnit, WorkCalendar
from console.domain.workflow import Status

STAGE_KEYS = ("verify_send", "verify_answer", "register", "dispatch", "check_answer")
#: Minutes each stage may take; the shared setting `centre_stage_limits_min` overrides them.
DEFAULT_LIMITS_MIN: dict[str, float] = {"verify_send": 10, "verify_answer": 60, "register": 30,
                                        "dispatch": 30, "check_answer": 240}
#: Sources whose reports are verified on site before 立案 (a patrol officer's report is its
#: own verification); the shared setting `verification_sources` overrides them.
DEFAULT_VERIFIED_SOURCES = ("public", "hotline", "video")


def stage_key(status: Status | str, needs_verification: bool) -> str | None:
    """Which centre limit runs while a case is in `status` (None: the centre waits on nobody)."""
    match Status(status):
        case Status.REPORTED:
            return "verify_send" if needs_verification else "register"
        case Status.VERIFYING:
            return "verify_answer"
        case Status.VERIFIED:
            return "register"
        case Status.REGISTERED:
            return "dispatch"
        case Status.CHECKING:
            return "check_answer"
    return None


def limits_from_setting(value: Any) -> dict[str, float]:
    """The stored limits over the defaults: 0 times no limit on that stage; a missing, negative
    or bad entry keeps its default."""
    out = dict(DEFAULT_LIMITS_MIN)
    if isinstance(value, dict):
        for key in STAGE_KEYS:
            v = value.get(key)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0:
                out[key] = float(v)
    return out


@dataclass(frozen=True)
class StageClock:
    """Where one stage's clock stands: its key, start, warning instant and end."""

    key: str
    at: datetime
    warn_at: datetime
    due: datetime


@dataclass(frozen=True)
class CentreClock:
    calendar: WorkCalendar
    limits_min: dict[str, float]
    warning_share: float = 0.8
    round_the_clock: bool = False

    def start(self, key: str | None, at: datetime) -> StageClock | None:
        """The clock of stage `key` entered at `at`."""
        minutes = self.limits_min.get(key) if key is not None else None
        if not minutes:
            return None   # the centre times no limit on this stage
        unit = TimeUnit.HOURS if self.round_the_clock else TimeUnit.WORK_HOURS
        due = self.calendar.deadline(at, minutes / 60, unit)
        warn_at = self.calendar.deadline(at, minutes * self.warning_share / 60, unit)
        return StageClock(key, at, warn_at, due)


def state_at(clock_warn: datetime | None, clock_due: datetime | None, now: datetime) -> str:
    """none, ok, warning or overdue: the countdown's colour at `now`."""
    if clock_due is None:
        return "none"
    if now >= clock_due:
        return "overdue"
    if clock_warn is not None and now >= clock_warn:
        return "warning"
    return "ok"
