"""An acknowledgement carries over to the same condition when it moves to another alert.

A digest stands for its members' conditions. When it dissolves (fewer patrols offline than make
a digest) or a member moves (its group changes, an overdue case turns urgent), those conditions
come back as alerts of their own or as members of another digest. A condition a human has
already acknowledged — in a digest acknowledged after the member joined it, or in an alert of
its own — is the same condition already seen: its new alert opens acknowledged, with the who,
when and note of that acknowledgement, and a digest it joins is not re-alerted for it (the
member carries the acknowledgement as `seen`). A condition nobody acknowledged — a member that
joined after the acknowledgement, a patrol newly silent — stays unacknowledged.

A condition names its audience too: an overdue case moved to another department's digest is
new to that department's seat, so it re-alerts there. Nothing is kept between passes: the stored
open alerts (acknowledgements, members' joined times and marks) are the record, so a restart or
a takeover decides alike. Plain Python.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from console.domain.alert_plan import Carried, OpenAlert, Plan
from console.domain.alert_rules import KIND_SUBJECT, Finding, Kind, alert_key

Condition = tuple[Any, ...]
Member = dict[str, Any]
#: A digest kind → the kind of alert its members would each be on their own.
MEMBER_KIND = {Kind.OFFLINE_DIGEST.value: Kind.OFFLINE.value,
               Kind.OVERDUE_DIGEST.value: Kind.OVERDUE.value,
               Kind.NEAR_DEADLINE_DIGEST.value: Kind.NEAR_DEADLINE.value,
               Kind.RECURRENCE_DIGEST.value: Kind.RECURRENCE.value}
DIGEST_OF = {kind: digest for digest, kind in MEMBER_KIND.items()}
_CARRIED_KINDS = frozenset(MEMBER_KIND.values())


def _condition(kind: str, subject_id: int, department: int | None, previous: Any) -> Condition:
    if kind == Kind.OFFLINE.value:
        return (kind, subject_id)               # every patrol alert has the centre's audience
    if kind == Kind.RECURRENCE.value:
        return (kind, subject_id, previous)     # recurring after another closure is new
    return (kind, subject_id, department or 0)  # the department's seat is the audience


def alert_condition(kind: str, subject_id: int, params: Mapping[str, Any]) -> Condition | None:
    """The condition an alert about one subject stands for (None: one that never carries)."""
    if kind not in _CARRIED_KINDS:
        return None
    return _condition(kind, subject_id, params.get("department_id"), params.get("previous"))


def member_condition(digest_kind: str, group_id: int, member: Mapping[str, Any]
                     ) -> Condition | None:
    """The condition a digest's member stands for (the group id is the digest's subject)."""
    kind = MEMBER_KIND.get(digest_kind)
    if kind is None:
        return None
    return _condition(kind, member["id"], group_id, member.get("previous"))


def _stored(seen: Any) -> Carried:
    at, by, note = seen
    return datetime.fromisoformat(at), by, note


def mark(ack: Carried) -> list[Any]:
    """An acknowledgement as a member keeps it (`seen`, JSON)."""
    at, by, note = ack
    return [at.isoformat(), by, note]


def covered(alert: OpenAlert, member: Mapping[str, Any]) -> Carried | None:
    """The acknowledgement that covers a digest's member, the newer of the mark it carries and
    the digest's own (when the member joined before it)."""
    seen = _stored(member["seen"]) if member.get("seen") else None
    acked = alert.acknowledged_at
    if acked is None or (seen is not None and seen[0] >= acked):
        return seen
    if datetime.fromisoformat(member["joined"]) <= acked:
        return acked, alert.acknowledged_by, alert.ack_note
    return seen


class Acknowledged:
    """The acknowledgements of the open alerts, looked up per condition: the alert of its own
    (by key) and the digest it would be a member of. Nothing is read until asked, and then
    only the alerts and digests a condition can be in: an index of every member of every
    digest cost 14 ms at 2,000 alerts and 7,500 patrols offline."""

    def __init__(self, alerts: Iterable[OpenAlert]) -> None:
        self._alerts = alerts
        self._by_key: dict[str, OpenAlert] | None = None
        self._recurrences: list[str] = []
        self._members: dict[str, dict[int, Member]] = {}

    def _alert(self, key: str) -> OpenAlert | None:
        if self._by_key is None:
            self._by_key = {a.key: a for a in self._alerts}
            self._recurrences = [k for k, a in self._by_key.items()
                                 if a.kind == Kind.RECURRENCE_DIGEST.value]
        return self._by_key.get(key)

    def _member(self, key: str, subject_id: int) -> Member | None:
        members = self._members.get(key)
        if members is None:
            alert = self._alert(key)
            members = self._members[key] = ({m["id"]: m for m in alert.members}
                                             if alert is not None else {})
        return members.get(subject_id)

    def get(self, condition: Condition | None) -> Carried | None:
        """The newest acknowledgement of `condition` in the open alerts, if any."""
        if condition is None:
            return None
        kind, subject_id = condition[0], condition[1]
        acks: list[Carried] = []
        own = self._alert(alert_key(kind, KIND_SUBJECT[Kind(kind)], subject_id))
        if (own is not None and own.acknowledged_at is not None
                and alert_condition(own.kind, own.subject_id, own.params) == condition):
            acks.append((own.acknowledged_at, own.acknowledged_by, own.ack_note))
        digest = DIGEST_OF[kind]
        if kind == Kind.RECURRENCE.value:
            self._alert("")                       # (the list of recurrence digests)
            keys = self._recurrences
        else:
            keys = [alert_key(digest, "digest", 0 if kind == Kind.OFFLINE.value
                              else condition[2])]
        for key in keys:
            m = self._member(key, subject_id)
            if m is None:
                continue
            a = self._alert(key)
            if member_condition(a.kind, a.subject_id, m) == condition:
                ack = covered(a, m)
                if ack is not None:
                    acks.append(ack)
        return max(acks, key=lambda a: a[0]) if acks else None


def mark_joiners(found: Iterable[Finding], stored: Mapping[str, OpenAlert],
                 acked: Acknowledged) -> None:
    """Members new to their digest whose condition was acknowledged elsewhere carry it.

    The members are the digest books' own dicts (digest_finding does not copy them), so the
    mark stays with the member in the book, is stored with the digest, and comes back on a
    restart through DigestBook.remember."""
    for f in found:
        alert = stored.get(f.key)
        known = {m["id"] for m in alert.members} if alert is not None else set()
        for m in f.members:
            if m["id"] in known or m.get("seen"):
                continue
            ack = acked.get(member_condition(f.kind.value, f.subject_id, m))
            if ack is not None:
                m["seen"] = mark(ack)


def keep_covered(alert: OpenAlert, members: Iterable[Member]) -> None:
    """A digest re-alerted by a new member loses its acknowledgement: the members it covered
    keep it as their mark, so they carry it if they later stand alone."""
    for m in members:
        if not m.get("seen"):
            ack = covered(alert, m)
            if ack is not None:
                m["seen"] = mark(ack)


def all_seen(members: Iterable[Member]) -> Carried | None:
    """The newest acknowledgement of a new digest's members, if every one was acknowledged
    (the digest then stands for nothing new); None otherwise."""
    acks = []
    for m in members:
        if not m.get("seen"):
            return None
        acks.append(_stored(m["seen"]))
    return max(acks, key=lambda a: a[0]) if acks else None


def carry_alone(plan: Plan, acked: Acknowledged) -> None:
    """New alerts about one subject whose condition was acknowledged open acknowledged."""
    for f in plan.open:
        if f.subject_type == "digest" or f.key in plan.carried:
            continue
        ack = acked.get(alert_condition(f.kind.value, f.subject_id, f.params))
        if ack is not None:
            plan.carried[f.key] = ack
