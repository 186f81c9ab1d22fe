"""The alert evaluation pass: read what the rules need, run them, make the stored alerts follow.

`AlertEngine` keeps a snapshot of the open cases, a track per patrol officer and the open
alerts, and each pass reads only what changed: case ids from the change feed, new fixes from
the position history (by id), alerts other seats touched. A case's findings are recomputed
when it changed or when one of its instants (warning, deadline, end of recurrence) passes, so
a pass over 50,000 open cases costs what changed, not what exists. Plain Python: the alert
worker runs it off the GUI thread, tests drive it with a synthetic clock. Every write goes
through the feed, so every seat sees the same alerts.
"""
from __future__ import annotations

import gc
import heapq
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from console.domain import alert_plan as plans
from console.domain import alert_rules as rules
from console.domain.alert_plan import OpenAlert
from console.domain.alert_rules import (
    Finding,
    Kind,
    Thresholds,
)
from console.domain.changes import ROSTER_KINDS, ChangeKind
from console.domain.night_window import category_windows
from console.domain.warning_clock import WarningClock
from console.domain.work_calendar import WorkCalendar
from console.domain.workflow import Status
from console.services import alert_digests as digests
from console.services import device_alerts
from console.services.ack_carry import Acknowledged, carry_alone
from console.services.alert_digests import DigestBook, DigestSteps
from console.services.alert_writes import write_plan
from console.services.callback_alerts import CallbackWatch
from console.services.case_alerts import CaseAlerts
from console.services.device_alerts import SuspectWatch
from console.services.frontage_alerts import FrontageWatch
from console.services.patrol_alerts import PATROL_RELOAD, PatrolAlerts
from console.services.settings import get_setting, work_calendar
from console.store import alert_queries as q
from console.store import feed
from console.store import patrol_queries as pq

#: Feed kinds whose rows make the engine re-read something (tests/test_feed_kinds.py checks
#: that something produces each).
_REFERENCE = frozenset({ChangeKind.SETTINGS, ChangeKind.CATEGORY, ChangeKind.DEPARTMENT})
FEED_KINDS = (frozenset({ChangeKind.CASE, ChangeKind.ALERT, ChangeKind.FRONTAGE,
                         ChangeKind.CALLBACK}) | _REFERENCE | ROSTER_KINDS)
#: Department backlogs move slowly; they are counted at most this often.
BACKLOG_EVERY = timedelta(seconds=60)
_DISPATCHED = Status.DISPATCHED.value
_TICK = timedelta(microseconds=1)
_CASE_KINDS = frozenset({Kind.NEW_URGENT, Kind.NEAR_DEADLINE, Kind.OVERDUE, Kind.RECURRENCE})
_PATROL_KINDS = frozenset({Kind.OFF_POST, Kind.IDLE, Kind.OFFLINE, Kind.LEFT_EARLY})
_OFFLINE = Kind.OFFLINE.value
_SUPERVISION = frozenset(k.value for k in rules.SUPERVISION_KINDS)
_CALLBACKS = Kind.CALLBACK_DIGEST.value


@dataclass
class PassResult:
    """What one evaluation pass did, and how long its parts took (ms)."""

    opened: int = 0
    resolved: int = 0
    updated: int = 0
    escalated: int = 0
    open_cases: int = 0
    patrols: int = 0
    fixes: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.opened + self.resolved + self.updated + self.escalated


def thresholds(session: Session) -> Thresholds:
    """The alert thresholds from the shared settings."""
    return Thresholds.from_settings(lambda key: get_setting(session, key))


def _open_alert(r: Any) -> OpenAlert:
    return OpenAlert(r.id, r.open_key or "", r.kind, r.severity, r.level, r.raised_at,
                     r.acknowledged_at, r.params or {}, r.subject_type, r.subject_id,
                     tuple(r.members or ()), r.acknowledged_by, r.ack_note)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cycle collector paused for a first pass, which reads 50,000 cases, the tracks and
    the alerts: those objects live on, and each collection the growing heap sets off walks
    them all again (a third of a takeover's time). At the end they join the oldest generation
    unscanned (freeze, then unfreeze) instead of being walked once more as young objects; the
    next full collection looks at them as at everything else, so no cycle is kept (that one
    collection, about a tenth of a second at 10,000 officers, falls in a later pass)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


class AlertEngine(CaseAlerts, PatrolAlerts, DigestSteps):
    """Evaluates the alert rules incrementally against one database; not thread-safe. The
    case half (the open-case snapshot, hotspots) is services/case_alerts.py's, the patrol
    half (tracks, rosters, work areas) services/patrol_alerts.py's, the digests' steps
    services/alert_digests.py's."""

    def __init__(self) -> None:
        self.loaded = False
        self.th = Thresholds()
        self.calendar = WorkCalendar()
        self._warnings = WarningClock(self.calendar, self.th.near_share)
        self.alerts: dict[int, OpenAlert] = {}             # open alerts by id
        self._backlog: list[Finding] = []
        self._backlog_at: datetime | None = None
        self._category: dict[str, tuple[str, str]] = {}
        self._names: dict[str, str] = {}
        # 细类 → its 小类: the hotspot and recurrence rules count a 细类 in its 小类.
        self._family: dict[str, str] = {}
        self._departments: dict[int, str] = {}
        self._seq = 0
        # Our own alert writes: (the feed ticket of the pass, alert ids); the ticket tells the
        # sequence once the pass's transaction has committed.
        self._own: list[tuple[feed.Ticket, set[int]]] = []
        self._escalations: list[tuple[datetime, int]] = []   # (due, alert id) heap
        self.suspects = SuspectWatch()      # devices flagged for an impossible speed
        self.frontage = FrontageWatch()     # street-front units offending again (门前三包)
        self.callbacks = CallbackWatch()    # call-backs to citizens past their time (回访)
        self.case_book = DigestBook()                      # overdue and recurrence digests
        self._init_cases()
        self._init_patrols()

    # --- the pass -------------------------------------------------------------------------

    def evaluate(self, session: Session, now: datetime) -> PassResult:
        """One pass at `now`: catch up, find, reconcile, write (in the caller's transaction)."""
        if not self.loaded:
            with _no_cycle_collection():
                return self._evaluate(session, now)
        return self._evaluate(session, now)

    def _evaluate(self, session: Session, now: datetime) -> PassResult:
        result = PassResult()
        t0 = time.perf_counter()
        if not self.loaded:
            self._bootstrap(session, now)
            # Alerts of cases closed while no seat was watching are in scope too.
            dirty = set(self.cases) | {a.subject_id for a in self.alerts.values()
                                       if a.subject_type == "case"}
        else:
            dirty, result.fixes = self._catch_up(session, now)
        while self._events and self._events[0][0] <= now:
            dirty.add(heapq.heappop(self._events)[1])
        t1 = time.perf_counter()
        plan = self._plan(session, now, dirty)
        t2 = time.perf_counter()
        self._write(session, plan, now, result)
        self._save_tracks(session, now)
        t3 = time.perf_counter()
        result.open_cases, result.patrols = len(self.cases), len(self.patrols)
        result.timings = {"read": (t1 - t0) * 1000, "rules": (t2 - t1) * 1000,
                          "write": (t3 - t2) * 1000, "total": (t3 - t0) * 1000}
        return result

    def _plan(self, session: Session, now: datetime, dirty: set[int]) -> plans.Plan:
        """Findings of each scope against the open alerts of the same scope."""
        th = self.th
        patrols = self._patrols_to_decide(now)
        cases: list[OpenAlert] = []
        by_patrol: list[OpenAlert] = []
        offline: list[OpenAlert] = []
        by_scope: dict[str, list[OpenAlert]] = {"cell": [], "department": [], "digest": []}
        supervised: list[OpenAlert] = []
        callbacks: list[OpenAlert] = []
        for a in self.alerts.values():
            scope = a.subject_type
            if a.kind in _SUPERVISION:
                supervised.append(a)      # the orders decide these, not the case or backlog
            elif a.kind == _CALLBACKS:
                callbacks.append(a)       # the call-backs decide it, not the digest books
            elif scope == "case":
                if a.subject_id in dirty:
                    cases.append(a)
            elif scope == "patrol":
                if a.kind == _OFFLINE:
                    offline.append(a)     # decided together: one digest when many
                elif patrols is None or a.subject_id in patrols:
                    by_patrol.append(a)
            else:
                by_scope.setdefault(scope, []).append(a)
        alone = self._route_cases(self._case_findings(dirty, now), dirty, now)
        plan = plans.reconcile(cases, alone)
        plan.extend(plans.reconcile(by_patrol, self._patrol_findings(patrols, now)))
        plan.extend(plans.reconcile(by_scope["cell"], self._current_hotspots(session, now)))
        if self._backlog_at is None or not (now - BACKLOG_EVERY < self._backlog_at <= now):
            self._backlog = rules.backlog_findings(self.cases.values(), now, th, self._departments)
            self._backlog_at = now
        plan.extend(plans.reconcile(by_scope["department"], self._backlog))
        plan.extend(plans.reconcile(by_scope.get("device", []), self.suspects.findings(session)))
        plan.extend(plans.reconcile(supervised, self._supervision(session)))
        plan.extend(plans.reconcile(by_scope.get("frontage", []),
                                    self.frontage.findings(session, now)))
        plan.extend(digests.reconcile_digests(callbacks, self.callbacks.findings(session, now)))
        acked = Acknowledged(self.alerts.values())
        plan.extend(self._digest_plan(by_scope["digest"], offline, now, acked))
        carry_alone(plan, acked)
        plan.escalate = plans.escalations(self._due_escalations(plan, now), now, th)
        return plan

    def _push_escalation(self, alert: OpenAlert) -> None:
        due = plans.escalation_due(alert, self.th)
        if due is not None:
            heapq.heappush(self._escalations, (due, alert.id))

    def _reset_escalations(self) -> None:
        self._escalations = []
        for a in self.alerts.values():
            self._push_escalation(a)

    def _due_escalations(self, plan: plans.Plan, now: datetime) -> list[OpenAlert]:
        """Open alerts whose escalation time has come (plans.escalations decides), except
        those this pass resolves."""
        resolving = {a.id for a in plan.resolve}
        due: dict[int, OpenAlert] = {}
        heap = self._escalations
        while heap and heap[0][0] <= now:
            alert = self.alerts.get(heapq.heappop(heap)[1])
            if alert is not None and alert.id not in resolving:
                due[alert.id] = alert
        return list(due.values())

    @staticmethod
    def _supervision(session: Session) -> list[Finding]:
        # A handful of open orders, read every pass: an order raised, answered or stepped up
        # shows on the department's seat at the next pass without tracking the feed for it.
        return rules.supervision_findings(rules.OrderFacts(*r)
                                          for r in q.open_unanswered_orders(session))

    def findings(self, session: Session, now: datetime) -> list[Finding]:
        """Every condition that holds at `now`, computed afresh and digested as the passes do
        (for tests and inspection; members' joined times are not compared)."""
        book = DigestBook()
        raw = [f for c in self.cases.values() for f in rules.case_findings(c, now, self.th,
                                                                           self._names)]
        out = self._route_cases(raw, set(self.cases), now, book)
        out += self._case_digests(book, set(book.groups))
        offline_book, offline = DigestBook(), {}
        for p in self.patrols.values():
            for f in rules.patrol_findings(p, self.tracks.get(p.id), now, self.th):
                if f.kind is not Kind.OFFLINE:
                    out.append(f)
                    continue
                offline[p.id] = f
                offline_book.place(p.id, ((Kind.OFFLINE_DIGEST, digests.OFFLINE_GROUP, {
                    "id": p.id, "code": p.code, "name": p.name,
                    "since": digests.silent_since(f.params)}),), now)
        digest, alone = self._offline_digest(offline_book, offline, now)
        out += digest + alone
        out += self._hotspots(session, now)
        out += rules.backlog_findings(self.cases.values(), now, self.th, self._departments)
        out += rules.device_findings(device_alerts.suspect_devices(session))
        out += self._supervision(session)
        out += FrontageWatch().findings(session, now)
        out += CallbackWatch().findings(session, now)
        return out

    # --- reading --------------------------------------------------------------------------

    def _bootstrap(self, session: Session, now: datetime) -> None:
        # The feed position and history id first: anything written while we read is seen again.
        self._seq = feed.current_seq(session)
        self._position_id = pq.max_position_id(session)
        self._read_settings(session)
        self._read_reference(session)
        self._read_patrols(session, now)
        self.cases, self._events = {}, []
        self._backlog_at = None
        self._refresh_cases(session, q.open_cases(session), set(), now)
        self._read_tracks(session, now)
        self.alerts = {r.id: _open_alert(r) for r in q.open_alerts(session)}
        self.case_book, self.offline_book = DigestBook(), DigestBook()
        stored = [a for a in self.alerts.values()
                  if a.subject_type == "digest" and a.kind != _CALLBACKS]   # (no book: data)
        self.case_book.remember(a for a in stored if a.kind != Kind.OFFLINE_DIGEST.value)
        self.offline_book.remember(a for a in stored if a.kind == Kind.OFFLINE_DIGEST.value)
        self._offline_found, self._on_shift, self._offline_dirty = {}, set(), True
        self._reset_escalations()
        self._patrol_all = True
        self._hotspots_stale = True
        self.callbacks = CallbackWatch()
        self.loaded = True

    def _catch_up(self, session: Session, now: datetime) -> tuple[set[int], int]:
        seq, rows = q.feed_changes(session, self._seq, FEED_KINDS)
        self._seq = seq
        if self._own:
            # Our own alert writes are in the snapshot already: no need to read them back.
            own = {(ticket.seq, alert_id) for ticket, ids in self._own if ticket.seq is not None
                   for alert_id in ids}
            rows = [r for r in rows
                    if r.entity != ChangeKind.ALERT or (r.seq, r.entity_id) not in own]
            self._own = [(t, ids) for t, ids in self._own if t.seq is not None and t.seq > seq]
        entities = {r.entity for r in rows}
        self.suspects.note(entities)
        self.frontage.note(entities)
        self.callbacks.note(rows)
        dirty: set[int] = set()
        if entities & _REFERENCE:
            self._read_settings(session)
            self._read_reference(session)
            self._recompute_warnings()
            self._reset_escalations()
            self._patrol_all = True
            self._hotspots_stale = True
            self._backlog_at = None
            dirty |= set(self.cases)
        if ChangeKind.WORK_GRID in entities:
            self._area_grids = None   # a grid's cells may have changed
        if (entities & ROSTER_KINDS or self._patrols_read_at is None
                or not (now - PATROL_RELOAD < self._patrols_read_at <= now)):
            self._read_patrols(session, now)
        changed = {r.entity_id for r in rows if r.entity == ChangeKind.CASE and r.entity_id is not None}
        if changed:
            self._refresh_cases(session, q.open_cases(session, changed), changed, now)
            dirty |= changed
            self._hotspots_stale = True
        touched = {r.entity_id for r in rows if r.entity == ChangeKind.ALERT and r.entity_id is not None}
        if touched:
            self._refresh_alerts(session, touched)
        taken = 0
        while True:
            fixes = pq.positions_after(session, self._position_id)
            if not fixes:
                break
            self._position_id = fixes[-1][0]
            taken += self._take_fixes(fixes)
        return dirty, taken

    def _refresh_alerts(self, session: Session, ids: set[int]) -> None:
        """Alerts changed by any seat (or by our own last pass): take their stored state."""
        for r in q.open_alerts(session, ids):
            if r.resolved_at is None:
                alert = self.alerts[r.id] = _open_alert(r)
                self._push_escalation(alert)
            else:
                self.alerts.pop(r.id, None)
            if r.subject_type == "patrol":
                self._patrol_dirty.add(r.subject_id)

    def _read_settings(self, session: Session) -> None:
        self.th = thresholds(session)
        self.calendar = work_calendar(session)
        self._warnings = WarningClock(self.calendar, self.th.near_share)

    def _read_reference(self, session: Session) -> None:
        self._category = q.categories(session)
        self._names = {code: name for code, (name, _) in self._category.items()}
        self._family = q.category_families(session)
        self._windows = category_windows(get_setting(session, "category_time_windows") or {},
                                         self._names)
        for code, family in self._family.items():
            if code not in self._windows and family in self._windows:
                self._windows[code] = self._windows[family]   # a 细类 keeps its 小类's hours
        self._departments = q.department_names(session)

    # --- writing --------------------------------------------------------------------------

    def _write(self, session: Session, plan: plans.Plan, now: datetime, result: PassResult) -> None:
        done = write_plan(session, plan, now)
        for alert_id, f in done.opened:
            at, by, note = plan.carried.get(f.key) or (None, None, None)
            alert = self.alerts[alert_id] = OpenAlert(
                alert_id, f.key, f.kind.value, f.severity.value, 0, now, at, f.params,
                f.subject_type, f.subject_id, f.members, by, note)
            self._push_escalation(alert)
        for alert, params, members, rearm in done.members:
            alert = self.alerts[alert.id] = replace(
                self.alerts.get(alert.id, alert), params=params, members=members)
            if rearm:
                alert = self.alerts[alert.id] = replace(alert, acknowledged_at=None)
                self._push_escalation(alert)
        self.case_book.forget_remembered()
        self.offline_book.forget_remembered()
        for alert in plan.resolve:
            self.alerts.pop(alert.id, None)   # resolved now, or by another seat before
        for alert, params in done.updated:
            self.alerts[alert.id] = replace(self.alerts.get(alert.id, alert), params=params)
        for alert, severity in done.escalated:
            self.alerts[alert.id] = replace(self.alerts.get(alert.id, alert),
                                            severity=severity.value, level=alert.level + 1)
        if done.ticket is not None:
            self._own.append((done.ticket, {alert_id for alert_id, _, _ in done.changes}))
        result.opened, result.resolved = len(done.opened), len(done.resolved)
        result.updated = len(done.updated) + len(done.members)
        result.escalated = len(done.escalated)
