"""回访超期 in the alert engine: the call-backs to citizens not made by their time, as one digest
for the centre's desk (the hotline and dispatch seats, who make the call-backs; a department's
seat does not list it), with a member per call-back — resolved when the last one is made.

A call-back joins the digest at its due time (its `joined`), so one falling due after the
digest was acknowledged re-alerts it, as a case joining an overdue digest does; the joined
times come from the data, so a restart or another seat decides alike.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from console.domain.alert_rules import Finding, Kind
from console.domain.changes import ChangeKind
from console.services.alert_digests import digest_finding
from console.store import callback_queries as q

_TICK = timedelta(microseconds=1)
#: A closure queues a call-back (its due time may come before any known one); a reopening may
#: follow a leader's consent. Other case changes leave the call-backs as they are.
_CASE_ACTIONS = frozenset({"close", "reopen"})
GROUP = (0, "")


def callback_finding(rows: Iterable[Any]) -> Finding | None:
    """The digest of the overdue call-backs (callback_queries.overdue_callbacks' rows), or None.
    A member is keyed by its case (picking it shows the case); a case closed twice with both
    call-backs waiting is one member, the older."""
    members: dict[int, dict[str, Any]] = {}
    for callback_id, case_id, number, category_name, due_at in rows:
        if case_id in members:
            continue
        due = due_at.isoformat(timespec="seconds")
        members[case_id] = {"id": case_id, "callback_id": callback_id, "number": number,
                            "category_name": category_name, "since": due, "joined": due}
    return digest_finding(Kind.CALLBACK_DIGEST, GROUP, members, {})


class CallbackWatch:
    """The overdue call-backs, kept between passes: read again after a call-back changed or a
    case was closed or reopened (the feed), or when the next one falls due."""

    def __init__(self) -> None:
        self._stale = True
        self._at: datetime | None = None
        self._until = datetime.max
        self._findings: list[Finding] = []

    def note(self, rows: Iterable[Any]) -> None:
        """The feed rows a pass caught up on ((entity, id, seq, action) each)."""
        for r in rows:
            if r.entity == ChangeKind.CALLBACK or (r.entity == ChangeKind.CASE
                                                   and r.action in _CASE_ACTIONS):
                self._stale = True
                return

    def findings(self, session: Session, now: datetime) -> list[Finding]:
        if self._stale or self._at is None or not (self._at <= now < self._until):
            found = callback_finding(q.overdue_callbacks(session, now))
            self._findings = [found] if found is not None else []
            # Overdue once now > due: the next one is overdue just after its due time.
            nxt = q.next_due(session, now)
            self._until = nxt + _TICK if nxt is not None else datetime.max
            self._stale, self._at = False, now
        return self._findings
