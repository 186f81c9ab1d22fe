"""Stored alerts follow the findings: what an evaluation pass must write (open what is new,
resolve what cleared, refresh changed details) and when an unacknowledged alert escalates by
itself (once, after a set time). Plain data, no Qt and no SQL (services/alert_writes.py writes
the plan)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from console.domain.alert_rules import SEVERITY_RANK, Finding, Severity, Thresholds

_NEXT_SEVERITY = {Severity.INFO: Severity.WARNING, Severity.WARNING: Severity.CRITICAL,
                  Severity.CRITICAL: Severity.CRITICAL}
#: Parameters that change all the time; a change alone does not rewrite the stored alert.
VOLATILE_PARAMS = frozenset({"open", "overdue", "kmh", "flagged_at"})


@dataclass(frozen=True, slots=True)
class OpenAlert:
    """An unresolved stored alert, as reconcile needs it."""

    id: int
    key: str
    kind: str
    severity: str
    level: int
    raised_at: datetime
    acknowledged_at: datetime | None
    params: dict[str, Any]
    subject_type: str = ""
    subject_id: int = 0
    members: tuple[dict[str, Any], ...] = ()   # a digest's, as stored
    acknowledged_by: int | None = None
    ack_note: str | None = None


#: An acknowledgement carried over to a new alert: (when, by whom, the note), as it was given.
Carried = tuple[datetime, int | None, str | None]


@dataclass
class Plan:
    """What the evaluation pass must write."""

    open: list[Finding] = field(default_factory=list)
    resolve: list[OpenAlert] = field(default_factory=list)
    update: list[tuple[OpenAlert, dict[str, Any]]] = field(default_factory=list)
    escalate: list[tuple[OpenAlert, Severity]] = field(default_factory=list)
    # Digests whose members changed: (alert, params, members, re-alert: clear the
    # acknowledgement because a member joined after it).
    members: list[tuple[OpenAlert, dict[str, Any], tuple[dict[str, Any], ...], bool]] = field(
        default_factory=list)
    # New alerts that open acknowledged: their condition was acknowledged already, in a
    # digest or an alert of its own (services/ack_carry.py); finding key → that acknowledgement.
    carried: dict[str, Carried] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.open or self.resolve or self.update or self.escalate or self.members)

    def extend(self, other: Plan) -> None:
        self.open += other.open
        self.resolve += other.resolve
        self.update += other.update
        self.escalate += other.escalate
        self.members += other.members
        self.carried.update(other.carried)


def _stable(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k not in VOLATILE_PARAMS}


def escalated_severity(severity: str) -> Severity:
    """One step up: info → warning → critical."""
    return _NEXT_SEVERITY[Severity(severity)]


def reconcile(open_alerts: Iterable[OpenAlert], findings: Iterable[Finding]) -> Plan:
    """Open what is new, resolve what cleared, refresh changed details.

    Both arguments cover the same scope (e.g. the cases that changed): an open alert with no
    finding in it is resolved.
    """
    plan = Plan()
    wanted = {f.key: f for f in findings}
    seen: set[str] = set()
    for alert in open_alerts:
        finding = wanted.get(alert.key)
        if finding is None:
            plan.resolve.append(alert)
            continue
        seen.add(alert.key)
        if _stable(finding.params) != _stable(alert.params):
            plan.update.append((alert, finding.params))
    plan.open = [f for k, f in wanted.items() if k not in seen]
    return plan


def escalation_due(alert: OpenAlert, th: Thresholds) -> datetime | None:
    """When an alert escalates by itself: unacknowledged warnings and criticals, once."""
    if (alert.acknowledged_at is not None or alert.level != 0
            or SEVERITY_RANK[Severity(alert.severity)] < SEVERITY_RANK[Severity.WARNING]):
        return None
    return alert.raised_at + timedelta(minutes=th.escalate_min)


def escalations(open_alerts: Iterable[OpenAlert], now: datetime,
                th: Thresholds) -> list[tuple[OpenAlert, Severity]]:
    """The alerts left unacknowledged for the set time, with the severity they rise to."""
    out = []
    for alert in open_alerts:
        due = escalation_due(alert, th)
        if due is not None and now >= due:
            out.append((alert, escalated_severity(alert.severity)))
    return out
