"""Alert rules: what needs a human now, as findings over plain data, and how stored alerts follow.

No Qt and no SQL: the alert service reads the facts, calls these functions and writes the plan
domain/alert_plan.py's `reconcile` returns. A finding names its subject by a stable key, so
there is at most one open alert per subject and kind (no floods).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any, NamedTuple

from console.domain.patrol_state import (
    PatrolRules,
    PatrolStatus,
    PatrolTrack,
    Shift,
    ShiftWindow,
    patrol_state,
    shift_window,
)
from console.domain.work_calendar import TimeUnit, WorkCalendar
from console.domain.workflow import Status


class Kind(StrEnum):
    NEW_URGENT = "new_urgent"          # 急件 / 突发事件 waiting to be dispatched
    NEAR_DEADLINE = "near_deadline"    # 临期: most of the working time used
    OVERDUE = "overdue"                # 超期
    OFF_POST = "off_post"              # 脱岗
    IDLE = "idle"                      # 窝岗
    OFFLINE = "offline"                # 离线
    LEFT_EARLY = "left_early"          # 提前退岗
    HOTSPOT = "hotspot"                # 高发
    RECURRENCE = "recurrence"          # 回潮
    BACKLOG = "backlog"                # 部门积压
    IMPOSSIBLE_SPEED = "impossible_speed"  # 定位异常: a device reported from two places too far apart
    # Digests: one alert standing for many (services/alert_digests.py keeps their members).
    OVERDUE_DIGEST = "overdue_digest"          # 超期汇总: a department's overdue cases
    NEAR_DEADLINE_DIGEST = "near_deadline_digest"   # 临期汇总: its cases near the deadline
    RECURRENCE_DIGEST = "recurrence_digest"    # 回潮汇总: one category's recurrences
    OFFLINE_DIGEST = "offline_digest"          # 集体离线: many patrols silent together
    CENTRE_NEAR = "centre_near"        # the centre's own stage limit nearly used (受理/核实/立案/派遣/核查)
    CENTRE_OVERDUE = "centre_overdue"  # …or passed
    # An open supervision order (督办) not yet answered: the department's seat must act.
    SUPERVISED = "supervised"                        # on one of its cases
    DEPARTMENT_SUPERVISED = "department_supervised"  # on the department itself
    FRONTAGE_REPEAT = "frontage_repeat"  # 门前三包回潮: a street-front unit offending again and again
    # 回访超期: call-backs to citizens not made by their time, one alert for the centre's desk
    # with the call-backs as members (services/callback_alerts.py).
    CALLBACK_DIGEST = "callback_digest"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}
KIND_SEVERITY: dict[Kind, Severity] = {
    Kind.NEW_URGENT: Severity.CRITICAL, Kind.OVERDUE: Severity.WARNING,
    Kind.NEAR_DEADLINE: Severity.INFO, Kind.OFF_POST: Severity.WARNING,
    Kind.IDLE: Severity.WARNING, Kind.OFFLINE: Severity.WARNING, Kind.LEFT_EARLY: Severity.WARNING,
    Kind.HOTSPOT: Severity.WARNING, Kind.RECURRENCE: Severity.INFO, Kind.BACKLOG: Severity.WARNING,
    Kind.IMPOSSIBLE_SPEED: Severity.WARNING,
    Kind.OVERDUE_DIGEST: Severity.WARNING, Kind.NEAR_DEADLINE_DIGEST: Severity.INFO,
    Kind.RECURRENCE_DIGEST: Severity.INFO, Kind.OFFLINE_DIGEST: Severity.WARNING,
    Kind.CENTRE_NEAR: Severity.INFO, Kind.CENTRE_OVERDUE: Severity.WARNING,
    Kind.SUPERVISED: Severity.WARNING, Kind.DEPARTMENT_SUPERVISED: Severity.WARNING,
    Kind.FRONTAGE_REPEAT: Severity.WARNING, Kind.CALLBACK_DIGEST: Severity.WARNING,
}
KIND_SUBJECT: dict[Kind, str] = {
    Kind.NEW_URGENT: "case", Kind.NEAR_DEADLINE: "case", Kind.OVERDUE: "case",
    Kind.RECURRENCE: "case", Kind.OFF_POST: "patrol", Kind.IDLE: "patrol",
    Kind.OFFLINE: "patrol", Kind.LEFT_EARLY: "patrol", Kind.HOTSPOT: "cell",
    Kind.BACKLOG: "department", Kind.IMPOSSIBLE_SPEED: "device",
    Kind.OVERDUE_DIGEST: "digest",
    Kind.NEAR_DEADLINE_DIGEST: "digest", Kind.RECURRENCE_DIGEST: "digest",
    Kind.OFFLINE_DIGEST: "digest",
    Kind.CENTRE_NEAR: "case", Kind.CENTRE_OVERDUE: "case",
    Kind.SUPERVISED: "case", Kind.DEPARTMENT_SUPERVISED: "department",
    Kind.FRONTAGE_REPEAT: "frontage", Kind.CALLBACK_DIGEST: "digest",
}
#: Kinds that follow the supervision orders, not the cases' own facts (decided on their own).
SUPERVISION_KINDS = frozenset({Kind.SUPERVISED, Kind.DEPARTMENT_SUPERVISED})
_SUPERVISION_VALUES = frozenset(k.value for k in SUPERVISION_KINDS)
DIGEST_KINDS = frozenset({Kind.OVERDUE_DIGEST, Kind.NEAR_DEADLINE_DIGEST,
                          Kind.RECURRENCE_DIGEST, Kind.OFFLINE_DIGEST, Kind.CALLBACK_DIGEST})
#: Manual escalation goes no higher than this (值班长 → 分管领导 → 主要领导).
MAX_LEVEL = 3
_URGENT_WAITING = frozenset({Status.REPORTED.value, Status.VERIFYING.value,
                             Status.VERIFIED.value, Status.REGISTERED.value})
_TERMINAL = frozenset({Status.CLOSED.value, Status.REJECTED.value, Status.CANCELLED.value})
_DISPATCHED = Status.DISPATCHED.value   # an enum member's .value is a lookup each time


@dataclass(frozen=True)
class Thresholds:
    """Every number the rules use; the shared settings hold them (see SETTING_KEYS)."""

    near_share: float = 0.8
    off_post_min: float = 10
    idle_radius_m: float = 30
    idle_min: float = 20
    offline_min: float = 10
    leave_early_min: float = 30
    hotspot_cases: int = 3
    hotspot_hours: float = 6
    recurrence_days: float = 7
    backlog_open: int = 100
    backlog_overdue: int = 20
    escalate_min: float = 15
    # Many patrols offline together become one alert: at least `offline_digest_min` and that
    # share of the officers on shift, or `offline_burst` silent within `offline_burst_min`.
    offline_digest_min: int = 5
    offline_digest_share: float = 0.3
    offline_burst: int = 10
    offline_burst_min: float = 10

    @cached_property
    def patrol_rules(self) -> PatrolRules:
        """The thresholds the patrol state uses."""
        return PatrolRules(self.offline_min, self.off_post_min, self.idle_min,
                           self.idle_radius_m, self.leave_early_min)

    @classmethod
    def from_settings(cls, get: Callable[[str], Any]) -> Thresholds:
        """Read each threshold through `get(setting_key)`; bad values fall back to the default."""
        values = {}
        for name, key in SETTING_KEYS.items():
            default = getattr(cls, name)
            try:
                value = type(default)(get(key))
            except (TypeError, ValueError):
                value = default
            values[name] = value if value > 0 else default
        return cls(**values)


#: Threshold field → shared setting key.
SETTING_KEYS = {
    "near_share": "deadline_warning_share", "off_post_min": "alert_off_post_min",
    "idle_radius_m": "alert_idle_radius_m", "idle_min": "alert_idle_min",
    "offline_min": "alert_offline_min", "leave_early_min": "alert_leave_early_min",
    "hotspot_cases": "alert_hotspot_cases", "hotspot_hours": "alert_hotspot_hours",
    "recurrence_days": "alert_recurrence_days", "backlog_open": "alert_backlog_open",
    "backlog_overdue": "alert_backlog_overdue", "escalate_min": "alert_escalate_min",
    "offline_digest_min": "alert_offline_digest_min",
    "offline_digest_share": "alert_offline_digest_share",
    "offline_burst": "alert_offline_burst", "offline_burst_min": "alert_offline_burst_min",
}


@dataclass(frozen=True)
class Finding:
    """A condition that holds now: a kind, a subject, and what to show about it."""

    kind: Kind
    subject_id: int
    params: dict[str, Any] = field(default_factory=dict)
    discriminator: str = ""   # e.g. the category of a hotspot: one cell may have several
    members: tuple[dict[str, Any], ...] = ()   # what a digest stands for (Kind.*_DIGEST)

    @property
    def subject_type(self) -> str:
        return KIND_SUBJECT[self.kind]

    @property
    def severity(self) -> Severity:
        return KIND_SEVERITY[self.kind]

    @property
    def key(self) -> str:
        """The identity of the condition; one open alert per key."""
        return alert_key(self.kind, self.subject_type, self.subject_id, self.discriminator)


def alert_key(kind: str, subject_type: str, subject_id: int, discriminator: str = "") -> str:
    base = f"{kind}:{subject_type}:{subject_id}"
    return f"{base}:{discriminator}" if discriminator else base


def _iso(t: datetime | None) -> str | None:
    return t.isoformat(timespec="seconds") if t is not None else None


# --- cases --------------------------------------------------------------------------------

def warning_instant(calendar: WorkCalendar, start: datetime, deadline: datetime,
                    unit: TimeUnit | str, share: float) -> datetime:
    """When `share` of the time from `start` to `deadline` is used, in the unit's clock.

    Equivalent to the first `now` with calendar.share_used(...) >= share, but computed once per
    dispatch so a pass over 50,000 open cases is only comparisons.
    """
    if TimeUnit(unit) is TimeUnit.HOURS:
        return start + (deadline - start) * share
    total = calendar.working_seconds_between(start, deadline)
    if total <= 0:
        return deadline
    return calendar.deadline(start, total * share / 3600, TimeUnit.WORK_HOURS)


class CaseFacts(NamedTuple):
    """What the case rules need of one open case (a tuple: a first pass makes 50,000, and a
    frozen dataclass costs four times as much to build)."""

    id: int
    number: str
    status: str
    urgent: bool
    category_code: str
    cell_id: int | None
    department_id: int | None
    reported_at: datetime
    deadline: datetime | None = None
    warn_at: datetime | None = None           # from warning_instant, for dispatched cases
    previous: tuple[str, datetime] | None = None   # (number, closed_at) this case recurs after
    dispatched_at: datetime | None = None
    # The centre's own clock on the case's stage (domain/centre_clock.py), stored on the case.
    stage_key: str | None = None
    stage_warn_at: datetime | None = None
    stage_due: datetime | None = None


def case_findings(c: CaseFacts, now: datetime, th: Thresholds,
                  names: Mapping[str, str] | None = None) -> list[Finding]:
    """New urgent, near deadline, overdue and recurrence findings of one case."""
    out: list[Finding] = []
    urgent = c.urgent and c.status in _URGENT_WAITING
    due = None
    if c.status == _DISPATCHED and c.deadline is not None:
        if now >= c.deadline:
            due = Kind.OVERDUE
        elif c.warn_at is not None and now >= c.warn_at:
            due = Kind.NEAR_DEADLINE
    recurs = (c.previous is not None and c.status not in _TERMINAL
              and now - c.reported_at <= timedelta(days=th.recurrence_days))
    stage_due = c.stage_due is not None and c.stage_key is not None and (
        now >= c.stage_due or (c.stage_warn_at is not None and now >= c.stage_warn_at))
    if not (urgent or due or stage_due or recurs):
        return out     # most cases of a first pass: no parameters made for nothing
    base = {"number": c.number, "category": c.category_code,
            "category_name": (names or {}).get(c.category_code, ""),
            "department_id": c.department_id}    # whose seat shows it (seat_sees)
    if urgent:
        out.append(Finding(Kind.NEW_URGENT, c.id, base | {"reported_at": _iso(c.reported_at)}))
    if due is not None:
        out.append(Finding(due, c.id, base | {"deadline": _iso(c.deadline)}))
    if stage_due:
        stage = base | {"stage": c.stage_key, "due": _iso(c.stage_due)}
        # The discriminator keeps one stage's alert from standing for the next stage's.
        kind = Kind.CENTRE_OVERDUE if now >= c.stage_due else Kind.CENTRE_NEAR
        out.append(Finding(kind, c.id, stage, c.stage_key))
    if recurs:
        number, closed_at = c.previous
        out.append(Finding(Kind.RECURRENCE, c.id, base | {"previous": number,
                                                          "previous_closed_at": _iso(closed_at)}))
    return out


class OrderFacts(NamedTuple):
    """An open, unanswered supervision order (services/supervision.py) as the rule needs it."""

    order_id: int
    case_id: int | None
    department_id: int | None      # the order's department, or the case's
    level: int
    number: str                    # the case's number ("" for an order on a department)
    name: str                      # the department's name
    reason: str
    due_at: datetime | None


def supervision_findings(orders: Iterable[OrderFacts]) -> list[Finding]:
    """One alert per open order awaiting its answer, for the seat of the department it is
    addressed to. The level is part of the identity: an order raised a step is a new alert
    (unacknowledged again), and the answer clears it."""
    out = []
    for o in orders:
        params = {"order_id": o.order_id, "level": o.level, "reason": o.reason,
                  "due_at": _iso(o.due_at), "department_id": o.department_id, "name": o.name}
        if o.case_id is not None:
            out.append(Finding(Kind.SUPERVISED, o.case_id, params | {"number": o.number},
                               f"level{o.level}"))
        elif o.department_id is not None:
            out.append(Finding(Kind.DEPARTMENT_SUPERVISED, o.department_id, params,
                               f"level{o.level}"))
    return out


def is_recurrence(reported_at: datetime, previous_closed_at: datetime, th: Thresholds) -> bool:
    """Whether a case reported at `reported_at` recurs after one closed at `previous_closed_at`."""
    return timedelta(0) <= reported_at - previous_closed_at <= timedelta(days=th.recurrence_days)


@dataclass(frozen=True, slots=True)
class HotspotGroup:
    cell_id: int
    cell_code: str
    category_code: str
    count: int
    first_at: datetime


def hotspot_findings(groups: Iterable[HotspotGroup], th: Thresholds,
                     names: Mapping[str, str] | None = None) -> list[Finding]:
    """At least K cases of one minor category in one cell within the window (groups are counted in it)."""
    return [Finding(Kind.HOTSPOT, g.cell_id,
                    {"cell_code": g.cell_code, "category": g.category_code,
                     "category_name": (names or {}).get(g.category_code, ""), "count": g.count,
                     "hours": th.hotspot_hours},
                    discriminator=g.category_code)
            for g in groups if g.count >= th.hotspot_cases]


def backlog_findings(cases: Iterable[CaseFacts], now: datetime, th: Thresholds,
                     departments: Mapping[int, str]) -> list[Finding]:
    """More than N open or M overdue cases dispatched to one department."""
    open_: dict[int, int] = {}
    overdue: dict[int, int] = {}
    for c in cases:
        if c.status != _DISPATCHED or c.department_id is None:
            continue
        open_[c.department_id] = open_.get(c.department_id, 0) + 1
        if c.deadline is not None and now >= c.deadline:
            overdue[c.department_id] = overdue.get(c.department_id, 0) + 1
    return [Finding(Kind.BACKLOG, d, {"name": departments.get(d, ""), "open": n,
                                      "overdue": overdue.get(d, 0)})
            for d, n in sorted(open_.items())
            if n > th.backlog_open or overdue.get(d, 0) > th.backlog_overdue]


# --- patrols ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SuspectDevice:
    """A device flagged for reporting from two places at an impossible speed (the newest flag)."""

    device_id: int
    unique_id: str
    officer_id: int | None
    officer_code: str | None
    officer_name: str | None
    flagged_at: datetime
    kmh: float


def device_findings(devices: Iterable[SuspectDevice]) -> list[Finding]:
    """One finding per flagged device for as long as the flag stands (registering the device
    again clears it): every further flagged fix of it keeps the same alert, and its speed and
    time are volatile, so the alert says what the first flag saw and is not rewritten per fix."""
    return [Finding(Kind.IMPOSSIBLE_SPEED, d.device_id,
                    {"device": d.unique_id, "officer_id": d.officer_id, "code": d.officer_code,
                     "name": d.officer_name, "kmh": round(d.kmh), "flagged_at": _iso(d.flagged_at)})
            for d in devices]


@dataclass(frozen=True, slots=True)
class PatrolFacts:
    id: int
    code: str
    name: str
    shifts: tuple[Shift, ...]


def patrol_findings(p: PatrolFacts, track: PatrolTrack | None, now: datetime,
                    th: Thresholds, window: ShiftWindow | None = None) -> list[Finding]:
    """The conditions of patrol_state (the map's and the KPI strip's decision too) as findings:
    off post, idle and offline during a shift; left early near and after its end."""
    if window is None or not window.holds(now):
        window = shift_window(p.shifts, now)
    state = patrol_state(track, window, now, th.patrol_rules)
    if state.status is PatrolStatus.OFF_SHIFT:
        return []
    base = {"code": p.code, "name": p.name}
    last_at = track.last_at if track is not None else None
    if state.left_early:
        return [Finding(Kind.LEFT_EARLY, p.id, base | {"last_seen": _iso(last_at),
                                                       "shift_end": _iso(state.shift[1])})]
    out: list[Finding] = []
    if state.offline:
        out.append(Finding(Kind.OFFLINE, p.id, base | {"last_seen": _iso(last_at),
                                                       "shift_start": _iso(state.shift[0])}))
    if state.off_post_since is not None:
        out.append(Finding(Kind.OFF_POST, p.id, base | {
            "since": _iso(state.off_post_since), "lon": round(track.last_lon, 6),
            "lat": round(track.last_lat, 6)}))
    if state.idle_since is not None:
        out.append(Finding(Kind.IDLE, p.id, base | {
            "since": _iso(state.idle_since), "lon": round(track.anchor[0], 6),
            "lat": round(track.anchor[1], 6)}))
    return out


#: The patrol condition each patrol alert kind stands for.
PATROL_KIND_STATUS = {Kind.OFF_POST: PatrolStatus.OFF_POST, Kind.IDLE: PatrolStatus.IDLE,
                      Kind.OFFLINE: PatrolStatus.OFFLINE, Kind.LEFT_EARLY: PatrolStatus.LEFT_EARLY}


# --- who sees what -------------------------------------------------------------------------

def seat_sees(role: str | None, department_id: int | None, subject_type: str, subject_id: int,
              params: Mapping[str, Any], kind: str | None = None) -> bool:
    """Whether a seat shows an alert: a department's seat (专业部门, with its department set)
    sees its own department's digests, backlog and cases; every other seat sees them all (the
    duty leader the digests first of all) — but for the supervision orders awaiting a
    department's answer, which are that department's to act on: the desk that raised them
    sees them as badges in the queues and rings on the map, not as one alert each."""
    if role != "department" or department_id is None:
        return kind not in _SUPERVISION_VALUES
    if subject_type == "department":
        return subject_id == department_id
    return params.get("department_id") == department_id


def next_change(c: CaseFacts, now: datetime, th: Thresholds) -> datetime | None:
    """The next instant after `now` at which this case's findings change by time alone."""
    instants = [c.warn_at, c.deadline, c.stage_warn_at, c.stage_due]
    if c.previous is not None:
        instants.append(c.reported_at + timedelta(days=th.recurrence_days, seconds=1))
    later = [t for t in instants if t is not None and t > now]
    return min(later) if later else None
