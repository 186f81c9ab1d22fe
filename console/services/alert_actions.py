"""What people do with alerts: read them, acknowledge them (with a note), escalate them.

One transaction each (the caller's); every change is a feed row, so the other seats' panels
follow within a feed poll.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.alert_rules import MAX_LEVEL, Severity
from console.domain.errors import DomainError, NotFound
from console.domain.limits import TEXT_LIMITS, check_text
from console.domain.permissions import Permission
from console.services.actor import Actor, authorize
from console.services.cases import now as wall_clock
from console.services.trail import audited
from console.store import alert_queries as q
from console.store import feed

MAX_NOTE = TEXT_LIMITS["alert_note"].max_length


@dataclass(frozen=True)
class AlertView:
    """An alert as the panel shows it (plain data, safe to pass between threads)."""

    id: int
    kind: str
    severity: str
    subject_type: str
    subject_id: int
    params: dict[str, Any]
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    ack_note: str | None
    escalated_at: datetime | None
    escalated_by: str | None
    level: int
    resolved_at: datetime | None

    @property
    def open(self) -> bool:
        return self.resolved_at is None


def _view(r: Any) -> AlertView:
    return AlertView(r.id, r.kind, r.severity, r.subject_type, r.subject_id, dict(r.params or {}),
                     r.raised_at, r.acknowledged_at, r.acknowledged_by_name, r.ack_note,
                     r.escalated_at, r.escalated_by_name, r.level, r.resolved_at)


def open_alerts(session: Session) -> list[AlertView]:
    """Every unresolved alert."""
    return [_view(r) for r in q.alert_views(session)]


def alerts_by_id(session: Session, ids: Collection[int]) -> list[AlertView]:
    """These alerts in whatever state they are now (resolved ones included)."""
    return [_view(r) for r in q.alert_views(session, ids=ids, open_only=False)]


def _check_role(session: Session, actor: Actor, permission: Permission) -> Actor:
    """The actor as stored now, if it may; the alerts' own refusal sentence if not."""
    try:
        return authorize(session, actor, permission)
    except DomainError as exc:
        if exc.code != "role_not_allowed":
            raise
        raise DomainError("alert_role_not_allowed", role=exc.params["role"]) from None


def acknowledge(session: Session, actor: Actor, alert_ids: Collection[int], *,
                note: str | None = None, at: datetime | None = None) -> list[int]:
    """Acknowledge alerts as `actor`; returns those acknowledged now.

    Alerts someone else acknowledged first are left as they are; if that was every one asked
    for, the refusal names who it was.
    """
    actor = _check_role(session, actor, Permission.ACKNOWLEDGE_ALERT)
    at = at or wall_clock()
    note = check_text("alert_note", note, optional=True)
    done: list[int] = []
    first_refusal: Any = None
    # Rows are locked in one order (ascending id) by every seat: two overlapping selections
    # cannot wait on each other.
    for alert_id in sorted(set(alert_ids)):
        if q.acknowledge(session, alert_id, user_id=actor.user_id, at=at, note=note):
            feed.record(session, ChangeKind.ALERT, alert_id, ChangeAction.ACKNOWLEDGED, at,
                        {"by": actor.name, "note": bool(note)})
            audited(session, actor, ChangeKind.ALERT, alert_id, ChangeAction.ACKNOWLEDGED, at,
                    {"note": note})
            done.append(alert_id)
            continue
        state = q.alert_state(session, alert_id)
        if state is None:
            raise NotFound("alert", alert_id)
        first_refusal = first_refusal or state
    if not done and first_refusal is not None:
        raise DomainError("alert_already_acknowledged", by=first_refusal.acknowledged_by_name or "…",
                          at=first_refusal.acknowledged_at.strftime("%H:%M"))
    return done


def escalate(session: Session, actor: Actor, alert_id: int, *,
             at: datetime | None = None) -> AlertView:
    """Raise an alert to the next level (duty leader and up): it becomes critical."""
    actor = _check_role(session, actor, Permission.ESCALATE_ALERT)
    at = at or wall_clock()
    state = q.alert_state(session, alert_id)
    if state is None:
        raise NotFound("alert", alert_id)
    if state.resolved_at is not None:
        raise DomainError("alert_resolved", at=state.resolved_at.strftime("%H:%M"))
    if state.level >= MAX_LEVEL:
        raise DomainError("alert_max_level", level=state.level)
    if not q.escalate(session, alert_id, at=at, severity=Severity.CRITICAL.value,
                      from_level=state.level, by=actor.user_id):
        raise DomainError("alert_escalated_meanwhile")
    feed.record(session, ChangeKind.ALERT, alert_id, ChangeAction.ESCALATED, at,
                {"severity": Severity.CRITICAL.value, "level": state.level + 1, "by": actor.name})
    audited(session, actor, ChangeKind.ALERT, alert_id, ChangeAction.ESCALATED, at,
            {"level": state.level + 1})
    return alerts_by_id(session, [alert_id])[0]
