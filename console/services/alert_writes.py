"""Writing an evaluation pass's plan: new alerts, then the stored ones it changes in id order.

Every seat that changes several alerts in one transaction locks them in ascending id order
(alert_actions.acknowledge does too), so the engine's pass and a seat acknowledging a
selection cannot each hold a row the other waits for: on PostgreSQL, resolving b and then
updating a while a seat acknowledged [a, b] was a deadlock. An alert the plan both updates
and escalates is written once for each, in that order, under the one lock.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from console.domain import alert_plan as plans
from console.domain.alert_plan import OpenAlert
from console.domain.alert_rules import Finding, Severity
from console.domain.changes import ChangeAction
from console.store import alert_queries as q
from console.store import feed


@dataclass
class Written:
    """What a plan's writes did: only the changes that really took place (another seat may
    have resolved, acknowledged or escalated a row first), each with its feed row."""

    opened: list[tuple[int, Finding]] = field(default_factory=list)
    resolved: list[OpenAlert] = field(default_factory=list)
    updated: list[tuple[OpenAlert, dict[str, Any]]] = field(default_factory=list)
    escalated: list[tuple[OpenAlert, Severity]] = field(default_factory=list)
    members: list[tuple[OpenAlert, dict[str, Any], tuple[dict[str, Any], ...], bool]] = field(
        default_factory=list)
    changes: list[tuple[int, ChangeAction, dict[str, Any]]] = field(default_factory=list)
    ticket: feed.Ticket | None = None


def _existing(plan: plans.Plan) -> list[tuple[int, int, Any]]:
    """The plan's writes to stored alerts as (alert id, order within the alert, write)."""
    out: list[tuple[int, int, Any]] = [(a.id, 0, ("resolve", a)) for a in plan.resolve]
    out += [(a.id, 1, ("update", a, params)) for a, params in plan.update]
    out += [(a.id, 1, ("members", a, params, members, rearm))
            for a, params, members, rearm in plan.members]
    out += [(a.id, 2, ("escalate", a, severity)) for a, severity in plan.escalate]
    out.sort(key=lambda w: (w[0], w[1]))
    return out


def write_plan(session: Session, plan: plans.Plan, now: datetime) -> Written:
    """Insert the plan's new alerts and change its stored ones (ascending id), in the caller's
    transaction; the feed rows of what happened are queued for its commit."""
    done = Written()
    changes = done.changes
    if plan.open:
        by_key = {f.key: f for f in plan.open}
        none = (None, None, None)
        rows = [{"kind": f.kind.value, "severity": f.severity.value,
                 "subject_type": f.subject_type, "subject_id": f.subject_id,
                 "params": f.params, "raised_at": now, "open_key": f.key, "level": 0,
                 "members": list(f.members) if f.members else None,
                 # A condition acknowledged already opens acknowledged (services/ack_carry.py).
                 **dict(zip(("acknowledged_at", "acknowledged_by", "ack_note"),
                            plan.carried.get(f.key, none)))}
                for f in plan.open]
        for alert_id, key in q.insert_alerts(session, rows):
            f = by_key[key]
            done.opened.append((alert_id, f))
            changes.append((alert_id, ChangeAction.RAISED, {
                "kind": f.kind.value, "severity": f.severity.value,
                "subject_type": f.subject_type, "subject_id": f.subject_id,
                "acknowledged": f.key in plan.carried}))
    for alert_id, _, write in _existing(plan):
        alert = write[1]
        if write[0] == "resolve":
            if q.resolve(session, alert_id, now):
                done.resolved.append(alert)
                changes.append((alert_id, ChangeAction.RESOLVED, {"kind": alert.kind}))
        elif write[0] == "members":
            _, _, params, members, rearm = write
            if q.set_members(session, alert_id, params, list(members), rearm=rearm):
                done.members.append((alert, params, members, rearm))
                changes.append((alert_id, ChangeAction.UPDATED, {
                    "kind": alert.kind, "count": len(members), "realerted": rearm}))
        elif write[0] == "update":
            if q.set_params(session, alert_id, write[2]):
                done.updated.append((alert, write[2]))
                changes.append((alert_id, ChangeAction.UPDATED, {"kind": alert.kind}))
        else:
            severity = write[2]
            if q.escalate(session, alert_id, at=now, severity=severity.value,
                          from_level=alert.level, by=None):
                done.escalated.append((alert, severity))
                changes.append((alert_id, ChangeAction.ESCALATED, {
                    "kind": alert.kind, "severity": severity.value, "level": alert.level + 1}))
    done.ticket = q.record_feed(session, now, changes)
    return done
