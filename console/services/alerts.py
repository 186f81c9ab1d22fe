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

import heapq
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from console.domain import alert_rules as rules
from console.domain.alert_rules import (
    CaseFacts,
    Finding,
    Kind,
    OpenAlert,
    PatrolFacts,
    Thresholds,
)
from console.domain.changes import ROSTER_KINDS, ChangeAction, ChangeKind
from console.domain.patrol_state import (
    PatrolTrack,
    ShiftWindow,
    TrackSummary,
    WorkArea,
    covers_many,
    next_state_change,
    replay_many,
    shift_window,
)
from console.domain.warning_clock import WarningClock
from console.domain.work_calendar import WorkCalendar
from console.domain.workflow import Status
from console.services.settings import get_setting, work_calendar
from console.store import alert_queries as q
from console.store import feed
from console.store import patrol_tracks as tracks_store

#: Feed kinds whose rows make the engine re-read something (tests/test_feed_kinds.py checks
#: that something produces each).
_REFERENCE = frozenset({ChangeKind.SETTINGS, ChangeKind.CATEGORY, ChangeKind.DEPARTMENT})
FEED_KINDS = frozenset({ChangeKind.CASE, ChangeKind.ALERT}) | _REFERENCE | ROSTER_KINDS
#: Static patrol data (officers, shifts, work grids) is re-read at least this often.
PATROL_RELOAD = timedelta(minutes=10)
#: Department backlogs move slowly; they are counted at most this often.
BACKLOG_EVERY = timedelta(seconds=60)
#: The tracks that changed are stored this often (patrol_track_summaries): a seat that starts
#: or takes over reads them and the fixes since, not the half hour of history. Every pass
#: would rewrite one row per phone on shift (about 40 ms at 10,000 officers).
TRACK_SAVE_EVERY = timedelta(seconds=30)
#: With no track changing (a quiet night), the stored ones are marked current this often: a
#: start finds them within the history window and need not replay it.
TRACK_REFRESH = timedelta(minutes=10)
_DISPATCHED = Status.DISPATCHED.value
_TICK = timedelta(microseconds=1)
_CASE_KINDS = frozenset({Kind.NEW_URGENT, Kind.NEAR_DEADLINE, Kind.OVERDUE, Kind.RECURRENCE})
_PATROL_KINDS = frozenset({Kind.OFF_POST, Kind.IDLE, Kind.OFFLINE, Kind.LEFT_EARLY})


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


_EPOCH = datetime(1970, 1, 1)


def _when(us: Any) -> datetime:
    """The naive datetime of microseconds since 1970-01-01 (as the history is read)."""
    return _EPOCH + timedelta(microseconds=int(us))


def _open_alert(r: Any) -> OpenAlert:
    return OpenAlert(r.id, r.open_key or "", r.kind, r.severity, r.level, r.raised_at,
                     r.acknowledged_at, r.params or {}, r.subject_type, r.subject_id)


class AlertEngine:
    """Evaluates the alert rules incrementally against one database; not thread-safe."""

    def __init__(self) -> None:
        self.loaded = False
        self.th = Thresholds()
        self.calendar = WorkCalendar()
        self._warnings = WarningClock(self.calendar, self.th.near_share)
        self.cases: dict[int, CaseFacts] = {}
        self.tracks: dict[int, PatrolTrack] = {}
        self.patrols: dict[int, PatrolFacts] = {}
        self.areas: dict[int, WorkArea | None] = {}        # officer id → work area (None: none)
        self.windows: dict[int, ShiftWindow] = {}          # officer id → shifts around now
        self._pattern_windows: dict[tuple[Any, ...], ShiftWindow] = {}
        self.alerts: dict[int, OpenAlert] = {}             # open alerts by id
        self._events: list[tuple[datetime, int]] = []      # (instant, case id) heap
        self._backlog: list[Finding] = []
        self._backlog_at: datetime | None = None
        self._grid_areas: dict[int, WorkArea] = {}
        self._category: dict[str, tuple[str, str]] = {}
        self._names: dict[str, str] = {}
        self._departments: dict[int, str] = {}
        self._seq = 0
        self._position_id = 0
        self._patrols_read_at: datetime | None = None
        # Our own alert writes: (the feed ticket of the pass, alert ids); the ticket tells the
        # sequence once the pass's transaction has committed.
        self._own: list[tuple[feed.Ticket, set[int]]] = []
        # Patrols are re-decided when their track, shifts or thresholds change, or when the
        # clock reaches the next instant their state could change at (patrol_state's own
        # thresholds): a pass costs the fixes that arrived, not the 10,000 officers.
        self._patrol_all = True
        self._patrol_dirty: set[int] = set()
        self._patrol_next: dict[int, datetime] = {}
        self._escalations: list[tuple[datetime, int]] = []   # (due, alert id) heap
        self._hotspot_findings: list[Finding] = []
        self._hotspots_stale = True
        self._hotspots_at: datetime | None = None
        self._hotspots_until = datetime.max
        # Track summaries: what is stored of each track, the officers fed since the last save,
        # when it was, and whether the next save replaces every row (after a history replay).
        self._saved: dict[int, TrackSummary] = {}
        self._track_dirty: set[int] = set()
        self._saved_at: datetime | None = None
        self._written_at: datetime | None = None
        self._save_all = False
        #: How the last start was made: "summaries" or "history" (for tests and the bench).
        self.started_from = ""

    # --- the pass -------------------------------------------------------------------------

    def evaluate(self, session: Session, now: datetime) -> PassResult:
        """One pass at `now`: catch up, find, reconcile, write (in the caller's transaction)."""
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

    def _plan(self, session: Session, now: datetime, dirty: set[int]) -> rules.Plan:
        """Findings of each scope against the open alerts of the same scope."""
        th = self.th
        patrols = self._patrols_to_decide(now)
        by_scope: dict[str, list[OpenAlert]] = {"case": [], "patrol": [], "cell": [],
                                                "department": []}
        for a in self.alerts.values():
            scope = a.subject_type
            if ((scope != "case" or a.subject_id in dirty)
                    and (scope != "patrol" or patrols is None or a.subject_id in patrols)):
                by_scope.setdefault(scope, []).append(a)
        case_findings = [f for case_id in dirty for f in self._case_findings(case_id, now)]
        plan = rules.reconcile(by_scope["case"], case_findings)
        plan.extend(rules.reconcile(by_scope["patrol"], self._patrol_findings(patrols, now)))
        plan.extend(rules.reconcile(by_scope["cell"], self._current_hotspots(session, now)))
        if self._backlog_at is None or not (now - BACKLOG_EVERY < self._backlog_at <= now):
            self._backlog = rules.backlog_findings(self.cases.values(), now, th, self._departments)
            self._backlog_at = now
        plan.extend(rules.reconcile(by_scope["department"], self._backlog))
        plan.escalate = rules.escalations(self._due_escalations(plan, now), now, th)
        return plan

    def _patrols_to_decide(self, now: datetime) -> set[int] | None:
        """The officers whose state may have changed since the last pass (None: all)."""
        if self._patrol_all:
            return None
        ids = self._patrol_dirty
        ids.update(pid for pid, at in self._patrol_next.items() if at <= now)
        return ids

    def _patrol_findings(self, ids: set[int] | None, now: datetime) -> list[Finding]:
        """The findings of the officers `ids` (None: all), noting when each is due again."""
        th, rules_ = self.th, self.th.patrol_rules
        if ids is None:
            ids = set(self.patrols)
            self._patrol_next = {}
        out: list[Finding] = []
        for pid in ids:
            p = self.patrols.get(pid)
            if p is None:
                self._patrol_next.pop(pid, None)
                continue
            track, window = self.tracks.get(pid), self._window(p, now)
            out += rules.patrol_findings(p, track, now, th, window)
            self._patrol_next[pid] = next_state_change(track, window, now, rules_)
        self._patrol_all = False
        self._patrol_dirty = set()
        return out

    def _push_escalation(self, alert: OpenAlert) -> None:
        due = rules.escalation_due(alert, self.th)
        if due is not None:
            heapq.heappush(self._escalations, (due, alert.id))

    def _reset_escalations(self) -> None:
        self._escalations = []
        for a in self.alerts.values():
            self._push_escalation(a)

    def _due_escalations(self, plan: rules.Plan, now: datetime) -> list[OpenAlert]:
        """Open alerts whose escalation time has come (rules.escalations decides), except
        those this pass resolves."""
        resolving = {a.id for a in plan.resolve}
        due: dict[int, OpenAlert] = {}
        heap = self._escalations
        while heap and heap[0][0] <= now:
            alert = self.alerts.get(heapq.heappop(heap)[1])
            if alert is not None and alert.id not in resolving:
                due[alert.id] = alert
        return list(due.values())

    def _window(self, p: PatrolFacts, now: datetime) -> ShiftWindow:
        """The officer's shift window, asked of the calendar only when a shift starts or ends."""
        window = self.windows.get(p.id)
        if window is None or not window.holds(now):
            # Officers share a few shift patterns: one window per pattern serves them all.
            window = self._pattern_windows.get(p.shifts)
            if window is None or not window.holds(now):
                window = self._pattern_windows[p.shifts] = shift_window(p.shifts, now)
            self.windows[p.id] = window
        return window

    def _case_findings(self, case_id: int, now: datetime) -> list[Finding]:
        c = self.cases.get(case_id)
        if c is None:
            return []
        found = rules.case_findings(c, now, self.th, self._names)
        nxt = rules.next_change(c, now, self.th)
        if nxt is not None:
            heapq.heappush(self._events, (nxt, case_id))
        return found

    def _current_hotspots(self, session: Session, now: datetime) -> list[Finding]:
        """The hotspot findings, counted again only when a case changed or when a case of a
        hotspot leaves the window (counts below the threshold only fall with the time)."""
        if (self._hotspots_stale or self._hotspots_at is None
                or not (self._hotspots_at <= now < self._hotspots_until)):
            self._hotspot_findings = self._hotspots(session, now)
            self._hotspots_stale, self._hotspots_at = False, now
        return self._hotspot_findings

    def _hotspots(self, session: Session, now: datetime) -> list[Finding]:
        th = self.th
        window = timedelta(hours=th.hotspot_hours)
        groups = q.hotspot_groups(session, now - window, th.hotspot_cases)
        codes = q.cell_codes(session, {g[0] for g in groups}) if groups else {}
        # A case counts while reported_at >= now - window: the first of a group leaves just
        # after first + window.
        self._hotspots_until = min((first + window + _TICK for *_, first in groups),
                                   default=datetime.max)
        return rules.hotspot_findings(
            (rules.HotspotGroup(cell, codes.get(cell, ""), code, n, first)
             for cell, code, n, first in groups), th, self._names)

    def findings(self, session: Session, now: datetime) -> list[Finding]:
        """Every condition that holds at `now`, computed afresh (for tests and inspection)."""
        out = [f for c in self.cases.values() for f in rules.case_findings(c, now, self.th,
                                                                           self._names)]
        out += [f for p in self.patrols.values()
                for f in rules.patrol_findings(p, self.tracks.get(p.id), now, self.th)]
        out += self._hotspots(session, now)
        out += rules.backlog_findings(self.cases.values(), now, self.th, self._departments)
        return out

    # --- reading --------------------------------------------------------------------------

    def _bootstrap(self, session: Session, now: datetime) -> None:
        # The feed position and history id first: anything written while we read is seen again.
        self._seq = feed.current_seq(session)
        self._position_id = q.max_position_id(session)
        self._read_settings(session)
        self._read_reference(session)
        self._read_patrols(session, now)
        self.cases, self._events = {}, []
        self._backlog_at = None
        self._refresh_cases(session, q.open_cases(session), set(), now)
        self._read_tracks(session, now)
        self.alerts = {r.id: _open_alert(r) for r in q.open_alerts(session)}
        self._reset_escalations()
        self._patrol_all = True
        self._hotspots_stale = True
        self.loaded = True

    def _read_tracks(self, session: Session, now: datetime) -> None:
        """Every officer's track: from the stored summaries and the fixes since, as the seat
        that wrote them holds them; else (none, or too old) by replaying the history."""
        since = now - self.th.patrol_rules.history
        start = tracks_store.track_start(session, now, self.th.patrol_rules.history, self._position_id)
        self.tracks, self._saved, self._track_dirty = {}, {}, set()
        self._saved_at = None
        if start is None:
            self._replay(q.useful_history(session, list(self.patrols), since, self._position_id))
            self._latest_fixes(session, None)
            self._save_all = True
            self.started_from = "history"
            return
        stored = start.summaries
        self._written_at = stored.written_at
        self.tracks = {o: PatrolTrack.from_summary(s) for o, s in stored.tracks.items()}
        self._saved = dict(stored.tracks)
        self._save_all = False
        self.started_from = "summaries"
        # The first save waits for the next one's time: the rows stay valid meanwhile, and a
        # takeover's pass does not rewrite every track it has just read.
        self._saved_at = now
        # An officer the writer had no track of (new since): the window's history, up to the
        # summaries' point; the fixes after it follow for everyone alike.
        missing = [o for o in self.patrols if o not in self.tracks]
        if missing:
            self._replay(q.useful_history(session, missing, since, stored.upto))
        self._take_fixes(start.fixes)
        if missing:
            self._latest_fixes(session, set(missing))
        self._patrol_dirty = set()

    def _latest_fixes(self, session: Session, officers: set[int] | None) -> None:
        """When each phone last spoke (of `officers`; None: all), older than the window too:
        it is all that matters of an old fix (offline, left early)."""
        for r in q.latest_fixes(session):
            if officers is not None and r.patrol_officer_id not in officers:
                continue
            track = self.tracks.setdefault(r.patrol_officer_id, PatrolTrack())
            if track.last_at is None or r.at > track.last_at:
                track.last_at, track.last_lon, track.last_lat = r.at, r.lon, r.lat
                track.last_speed = r.speed

    def _save_tracks(self, session: Session, now: datetime) -> None:
        """Store the tracks that changed since the last save (all rows, after a replay), as of
        the history id this pass has read to: with every unchanged row, valid as of it."""
        if not self._save_all:
            if self._saved_at is not None and self._saved_at <= now < self._saved_at + TRACK_SAVE_EVERY:
                return
            ids: Any = self._track_dirty
        else:
            ids = self.tracks
        saved, tracks = self._saved, self.tracks
        rows = []
        for officer in ids:
            track = tracks.get(officer)
            if track is None:
                continue
            summary = track.to_summary()
            if saved.get(officer) != summary:
                rows.append((officer, summary))
        if rows or self._save_all:
            tracks_store.write_track_summaries(session, self._position_id, now, rows,
                                    replace_all=self._save_all)
            self._written_at = now
        elif self._written_at is None or not (self._written_at <= now
                                              < self._written_at + TRACK_REFRESH):
            # Nothing changed since: every stored track is current as of this pass.
            tracks_store.mark_track_summaries(session, self._position_id, now)
            self._written_at = now
        if self._save_all:
            saved.clear()
        saved.update(rows)
        self._saved_at, self._track_dirty, self._save_all = now, set(), False

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
            self._grid_areas = {}   # a grid's cells may have changed
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
            fixes = q.positions_after(session, self._position_id)
            if not fixes:
                break
            self._position_id = fixes[-1].id
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
        self._departments = q.department_names(session)

    def _read_patrols(self, session: Session, now: datetime) -> None:
        officers = q.patrol_officers(session)
        shifts = q.shifts(session)
        grids = {o.work_grid_id for o in officers if o.work_grid_id is not None}
        missing = grids - set(self._grid_areas)
        if missing:
            # Kept until a work grid changes (the feed says): read again every few minutes
            # with the roster, they are read once. A ring is decoded when a fix needs it.
            for grid_id, cells in q.work_grid_cells(session, missing).items():
                self._grid_areas[grid_id] = WorkArea.from_boxes(
                    cells.boxes, lambda i, rings=cells.rings: q.parse_ring(rings[i]))
        empty = WorkArea.from_rings([])
        self.patrols = {o.id: PatrolFacts(o.id, o.code, o.name, tuple(shifts.get(o.id, ())))
                        for o in officers}
        self.windows = {}
        # No work grid: never off post (as the map sees it); a grid without cells: always.
        self.areas = {o.id: None if o.work_grid_id is None
                      else self._grid_areas.get(o.work_grid_id, empty) for o in officers}
        self._patrols_read_at = now
        self._patrol_all = True

    def _refresh_cases(self, session: Session, rows: list[Any], asked: set[int],
                       now: datetime) -> None:
        """Replace the snapshot rows of `asked` (and add new ones) from freshly read `rows`."""
        if not self.cases and not asked:
            self._first_cases(session, rows, now)
            return
        still_open = {r.id for r in rows}
        for case_id in asked - still_open:
            self.cases.pop(case_id, None)     # closed, rejected or cancelled since
        old = {r.id: self.cases.get(r.id) for r in rows}
        # Closures are looked up once per case (again only if its cell or category changes), and
        # only for cases recent enough to be a recurrence at all.
        recent = timedelta(days=self.th.recurrence_days)
        lookup = [r for r in rows if now - r.reported_at <= recent
                  and (old[r.id] is None or old[r.id].cell_id != r.cell_id
                       or old[r.id].category_code != r.category_code)]
        previous = q.previous_closures(session, lookup, self.th.recurrence_days) if lookup else {}
        looked = {r.id for r in lookup}
        for r in rows:
            before = old[r.id]
            prev = previous.get(r.id) if r.id in looked else (before.previous if before else None)
            self.cases[r.id] = self._facts(r, prev, before)

    def _first_cases(self, session: Session, rows: list[Any], now: datetime) -> None:
        """_refresh_cases with nothing known yet: what _facts does, inlined for the 50,000 open
        cases of a first pass (the rows are open_cases' columns, in order)."""
        recent = timedelta(days=self.th.recurrence_days)
        lookup = [r for r in rows if now - r.reported_at <= recent]
        previous = q.previous_closures(session, lookup, self.th.recurrence_days) if lookup else {}
        units = {code: unit for code, (_, unit) in self._category.items()}
        instant, cases = self._warnings.instant, self.cases
        for (case_id, number, status, urgent, code, cell_id, department_id, reported_at,
             dispatched_at, deadline, stage, stage_warn_at, stage_due) in rows:
            warn_at = None
            if status == _DISPATCHED and deadline is not None and dispatched_at:
                warn_at = instant(dispatched_at, deadline, units.get(code, "work_days"))
            cases[case_id] = CaseFacts(case_id, number, status, bool(urgent), code, cell_id,
                                       department_id, reported_at, deadline, warn_at,
                                       previous.get(case_id), dispatched_at, stage,
                                       stage_warn_at, stage_due)

    def _facts(self, r: Any, previous: tuple[str, datetime] | None,
               before: CaseFacts | None = None) -> CaseFacts:
        warn_at = None
        if r.status == _DISPATCHED and r.deadline is not None and r.dispatched_at:
            if (before is not None and before.warn_at is not None
                    and (before.dispatched_at, before.deadline) == (r.dispatched_at, r.deadline)):
                warn_at = before.warn_at    # the calendar walk is the costly part: reuse it
            else:
                unit = self._category.get(r.category_code, ("", "work_days"))[1]
                warn_at = self._warnings.instant(r.dispatched_at, r.deadline, unit)
        return CaseFacts(r.id, r.number, r.status, bool(r.urgent), r.category_code, r.cell_id,
                         r.department_id, r.reported_at, r.deadline, warn_at, previous,
                         r.dispatched_at, r.stage_key, r.stage_warn_at, r.stage_due)

    def _recompute_warnings(self) -> None:
        """The calendar or the share changed: every dispatched case's warning instant moves."""
        for case_id, c in list(self.cases.items()):
            if c.deadline is not None and c.dispatched_at is not None:
                self.cases[case_id] = self._facts(c, c.previous)

    def _replay(self, history: q.History) -> None:
        """Start-up: rebuild each track from its useful recent fixes, as the map does.

        The same steps as the map's replay (patrol_state.replay_steps), taken for all officers
        at once (replay_many), so both start from the same tracks. Only the trailing run outside
        the work area matters for off post, so it is found walking back from the newest step: a
        handful of polygon tests per officer.
        """
        at_us, lon, lat = history.at_us, history.lon, history.lat
        for officer, (steps, anchor) in replay_many(
                history.officer, at_us, lon, lat, self.th.idle_radius_m).items():
            last = int(steps[-1])
            track = self.tracks.setdefault(officer, PatrolTrack())
            track.last_at, track.last_speed = _when(at_us[last]), None
            track.last_lon, track.last_lat = float(lon[last]), float(lat[last])
            track.anchor = (float(lon[anchor]), float(lat[anchor]))
            track.still_since = _when(at_us[anchor])
            track.outside_since = self._outside_since(self.areas.get(officer), steps, history)

    @staticmethod
    def _outside_since(area: WorkArea | None, steps: Any, history: q.History) -> datetime | None:
        """The first step of the trailing run outside `area` (None if inside or no area)."""
        since = None
        if area is None:
            return None
        lon, lat = history.lon, history.lat
        for i in reversed(steps.tolist()):
            if area.covers(float(lon[i]), float(lat[i])):
                break
            since = i
        return None if since is None else _when(history.at_us[since])

    def _take_fixes(self, fixes: list[Any]) -> int:
        # (id, officer, at, lon, lat, accuracy, speed) as q.positions_after reads them
        fixes = [tuple(f) for f in fixes if f[1] is not None]
        radius = self.th.idle_radius_m
        tracks, areas, dirty = self.tracks, self.areas, self._patrol_dirty
        self._track_dirty.update(f[1] for f in fixes)
        # Every fix's polygon test at once: the batch is one fix from each phone on shift.
        inside = covers_many([areas.get(f[1]) for f in fixes], [f[3] for f in fixes],
                             [f[4] for f in fixes])
        for (_, officer, at, lon, lat, accuracy, speed), within in zip(fixes, inside):
            track = tracks.get(officer)
            if track is None:
                track = tracks[officer] = PatrolTrack()
            track.add(at, lon, lat, inside=within, radius_m=radius, accuracy=accuracy,
                      speed=speed)
            dirty.add(officer)
        return len(fixes)

    # --- writing --------------------------------------------------------------------------

    def _write(self, session: Session, plan: rules.Plan, now: datetime, result: PassResult) -> None:
        changes: list[tuple[int, str, dict[str, Any]]] = []
        if plan.open:
            by_key = {f.key: f for f in plan.open}
            rows = [{"kind": f.kind.value, "severity": f.severity.value,
                     "subject_type": f.subject_type, "subject_id": f.subject_id,
                     "params": f.params, "raised_at": now, "open_key": f.key, "level": 0}
                    for f in plan.open]
            for alert_id, key in q.insert_alerts(session, rows):
                f = by_key[key]
                alert = self.alerts[alert_id] = OpenAlert(
                    alert_id, key, f.kind.value, f.severity.value, 0, now, None, f.params,
                    f.subject_type, f.subject_id)
                self._push_escalation(alert)
                changes.append((alert_id, ChangeAction.RAISED, {
                    "kind": f.kind.value, "severity": f.severity.value,
                    "subject_type": f.subject_type, "subject_id": f.subject_id}))
        for alert in plan.resolve:
            self.alerts.pop(alert.id, None)
            if q.resolve(session, alert.id, now):
                changes.append((alert.id, ChangeAction.RESOLVED, {"kind": alert.kind}))
        for alert, params in plan.update:
            if q.set_params(session, alert.id, params):
                self.alerts[alert.id] = replace(alert, params=params)
                changes.append((alert.id, ChangeAction.UPDATED, {"kind": alert.kind}))
        for alert, severity in plan.escalate:
            if q.escalate(session, alert.id, at=now, severity=severity.value,
                          from_level=alert.level, by=None):
                self.alerts[alert.id] = replace(alert, severity=severity.value,
                                                level=alert.level + 1)
                changes.append((alert.id, ChangeAction.ESCALATED, {
                    "kind": alert.kind, "severity": severity.value, "level": alert.level + 1}))
        ticket = q.record_feed(session, now, changes)
        if ticket is not None:
            self._own.append((ticket, {alert_id for alert_id, _, _ in changes}))
        counts: dict[str, int] = {}
        for _, action, _ in changes:
            counts[action] = counts.get(action, 0) + 1
        result.opened, result.resolved = counts.get("raised", 0), counts.get("resolved", 0)
        result.updated, result.escalated = counts.get("updated", 0), counts.get("escalated", 0)
