"""The case half of the alert engine: the open-case snapshot, the findings of the cases that
changed and the instants each changes at by time alone, and the hotspots.

`CaseAlerts` is mixed into services/alerts.AlertEngine and shares its state: the snapshot is
read whole at a start and then per changed case (ids from the change feed); a case's warning
instant is computed once per dispatch, its previous closure once per cell and category, so a
pass over 50,000 open cases costs what changed. Hotspots are counted again only when a case
changed or a counted one leaves the window. No Qt; SQL through store modules.
"""
from __future__ import annotations

import heapq
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from console.domain import alert_rules as rules
from console.domain.alert_rules import CaseFacts, Finding, Thresholds
from console.domain.night_window import TimeWindow
from console.domain.warning_clock import WarningClock
from console.domain.workflow import Status
from console.store import alert_queries as q

_DISPATCHED = Status.DISPATCHED.value
_TICK = timedelta(microseconds=1)


class CaseAlerts:
    """The case state of an AlertEngine and the passes' case steps."""

    th: Thresholds
    _warnings: WarningClock
    _category: dict[str, tuple[str, str]]
    _names: dict[str, str]
    _family: dict[str, str]

    def _init_cases(self) -> None:
        """Nothing known yet: the first pass reads every open case."""
        self.cases: dict[int, CaseFacts] = {}
        self._events: list[tuple[datetime, int]] = []      # (instant, case id) heap
        self._hotspot_findings: list[Finding] = []
        # Categories that happen at certain hours (夜查): their hotspots and recurrences count
        # only the reports inside the window.
        self._windows: dict[str, TimeWindow] = {}
        self._hotspots_stale = True
        self._hotspots_at: datetime | None = None
        self._hotspots_until = datetime.max

    def _case_findings(self, dirty: set[int], now: datetime) -> list[Finding]:
        """The findings of the cases `dirty`, noting when each is due again."""
        cases, th, names, events = self.cases, self.th, self._names, self._events
        findings, next_change = rules.case_findings, rules.next_change
        out: list[Finding] = []
        due: list[tuple[datetime, int]] = []
        for case_id in dirty:
            c = cases.get(case_id)
            if c is None:
                continue
            out += findings(c, now, th, names)
            nxt = next_change(c, now, th)
            if nxt is not None:
                due.append((nxt, case_id))
        if len(due) > len(events):
            # A first pass: one heapify of 50,000 instants, not 50,000 pushes.
            events += due
            heapq.heapify(events)
        else:
            for item in due:
                heapq.heappush(events, item)
        return out

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
        groups = q.hotspot_groups(session, now - window, th.hotspot_cases,
                                  self._in_window if self._windows else None, self._family)
        codes = q.cell_codes(session, {g[0] for g in groups}) if groups else {}
        # A case counts while reported_at >= now - window: the first of a group leaves just
        # after first + window.
        self._hotspots_until = min((first + window + _TICK for *_, first in groups),
                                   default=datetime.max)
        return rules.hotspot_findings(
            (rules.HotspotGroup(cell, codes.get(cell, ""), code, n, first)
             for cell, code, n, first in groups), th, self._names)

    def _in_window(self, category_code: str, reported_at: datetime) -> bool:
        """Whether a report counts for the hotspot and recurrence rules: inside its category's
        time-of-day window, or of a category without one."""
        window = self._windows.get(category_code)
        return window is None or window.holds(reported_at)

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
                  and self._in_window(r.category_code, r.reported_at)
                  and (old[r.id] is None or old[r.id].cell_id != r.cell_id
                       or old[r.id].category_code != r.category_code)]
        previous = q.previous_closures(
            session, [(r.id, r.cell_id, r.category_code, r.reported_at) for r in lookup],
            self.th.recurrence_days, self._family) if lookup else {}
        looked = {r.id for r in lookup}
        for r in rows:
            before = old[r.id]
            prev = previous.get(r.id) if r.id in looked else (before.previous if before else None)
            self.cases[r.id] = self._facts(r, prev, before)

    def _first_cases(self, session: Session, rows: list[Any], now: datetime) -> None:
        """_refresh_cases with nothing known yet: what _facts does, inlined for the 50,000 open
        cases of a first pass (the rows are open_cases' columns, in order)."""
        since, windows = now - timedelta(days=self.th.recurrence_days), self._windows
        previous = q.previous_closures(
            session, [(r[0], r[5], r[4], r[7]) for r in rows
                      if r[7] >= since and (r[4] not in windows or windows[r[4]].holds(r[7]))],
            self.th.recurrence_days, self._family)
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
