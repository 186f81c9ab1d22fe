"""Digests: one alert standing for many, so a flood reads as the few things a human must do.

A department's overdue cases and its cases near their deadline (urgent ones keep their own
alerts), one category's recurrences across the city and many patrols falling silent together
each become one alert whose members are stored with it (alerts.members), so the panel can list
them. Recurrences are grouped by category, not by community: on the million-case city 230 of
them fell in 184 communities (no roll-up) but in 33 categories, and a category recurring all
over the city is the thing to act on. A digest is updated in place as members come
and go (count, oldest); it is resolved when the last one leaves.

Acknowledging a digest acknowledges the members it had then: each member carries the time it
joined, and a member that joins after the acknowledgement clears it — the digest alerts again,
once, until someone acknowledges it anew — unless that member's condition was acknowledged
already elsewhere (services/ack_carry.py: it carries that acknowledgement as `seen`, and a
digest that dissolves hands its acknowledgement on to its members' own alerts). Joined times
and marks survive a restart or a takeover: the engine's book is seeded from the stored
members. Plain Python, no SQL: the engine feeds it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from console.domain.alert_plan import OpenAlert, Plan, reconcile
from console.domain.alert_rules import (
    CaseFacts,
    Finding,
    Kind,
    Thresholds,
    alert_key,
)
from console.services import ack_carry
from console.services.ack_carry import Acknowledged
from console.store import digest_queries

Member = dict[str, Any]
#: A case's finding kind → the digest it joins (urgent cases keep their own deadline alerts).
CASE_DIGEST = {Kind.OVERDUE: Kind.OVERDUE_DIGEST, Kind.NEAR_DEADLINE: Kind.NEAR_DEADLINE_DIGEST,
               Kind.RECURRENCE: Kind.RECURRENCE_DIGEST}
#: A digest is about (subject id, discriminator): a department's id, or a category's code.
Group = tuple[int, str]
OFFLINE_GROUP = (0, "")
OFFLINE_KEY = alert_key(Kind.OFFLINE_DIGEST.value, "digest", *OFFLINE_GROUP)
#: Digest figures that move with every fix: a change alone does not rewrite the stored digest
#: (with 7,500 members, rewriting it each pass cost more than the rest of the pass).
VOLATILE = frozenset({"newest_fix"})
#: The likely causes a mass offline digest names.
NO_POSITIONS = "no_positions"    # no fix from any phone for the offline time: intake or network
MANY_SILENT = "many_silent"      # others still report: those phones, or their area


class DigestBook:
    """The members of each digest of one subject kind (cases, or patrols), kept as subjects
    change: digest key → subject id → member, and the keys each subject is in."""

    def __init__(self) -> None:
        self.members: dict[str, dict[int, Member]] = {}
        self.groups: dict[str, tuple[Kind, Group]] = {}
        self.changed: set[str] = set()
        self._in: dict[int, tuple[str, ...]] = {}
        self._stored: dict[tuple[str, int], Member] = {}   # stored members (a start)

    def remember(self, alerts: Iterable[OpenAlert]) -> None:
        """Start from stored digests: their members keep the time they joined (and the
        acknowledgement they carry), and each is looked at again in the first pass (resolved
        if nothing stands behind it any more)."""
        for a in alerts:
            self.changed.add(a.key)
            disc = a.key.split(":", 3)[3] if a.key.count(":") >= 3 else ""
            self.groups.setdefault(a.key, (Kind(a.kind), (a.subject_id, disc)))
            for m in a.members:
                self._stored[(a.key, m["id"])] = m

    def forget_remembered(self) -> None:
        self._stored = {}

    def place(self, subject_id: int, entries: Iterable[tuple[Kind, Group, Member]],
              now: datetime) -> None:
        """The digests `subject_id` belongs to now, as (digest kind, group, member without
        its joined time); it leaves every other one."""
        before = self._in.get(subject_id)
        if before is None and not entries:
            return       # most open cases: in no digest, before or now
        keys = []
        for kind, group, member in entries:
            key = alert_key(kind.value, "digest", *group)
            keys.append(key)
            members = self.members.setdefault(key, {})
            self.groups[key] = (kind, group)
            old = members.get(subject_id)
            prior = old if old is not None else self._stored.get((key, subject_id))
            member = member | {"joined": prior["joined"] if prior else now.isoformat()}
            if prior and prior.get("seen"):
                member["seen"] = prior["seen"]     # an acknowledgement it carries
            if member != old:
                members[subject_id] = member
                self.changed.add(key)
        for key in before or ():
            if key not in keys:
                self.members[key].pop(subject_id, None)
                self.changed.add(key)
        if keys:
            self._in[subject_id] = tuple(keys)
        else:
            self._in.pop(subject_id, None)

    def take_changed(self) -> set[str]:
        changed, self.changed = self.changed, set()
        return changed


def route_cases(book: DigestBook, findings: list[Finding], dirty: Iterable[int],
                cases: Mapping[int, CaseFacts], now: datetime,
                family: Mapping[str, str] | None = None) -> list[Finding]:
    """Deadline findings of ordinary cases and every recurrence finding of the cases `dirty`
    go into their department's and category's digests (a 细类's into its 小类's, by `family`);
    the others stand alone (returned)."""
    family = family or {}
    joins: dict[int, list[tuple[Kind, Group, Member]]] = {}
    alone: list[Finding] = []
    for f in findings:
        digest = CASE_DIGEST.get(f.kind)
        c = cases.get(f.subject_id)
        if digest is None or c is None or (f.kind is not Kind.RECURRENCE and c.urgent):
            alone.append(f)
            continue
        p = f.params
        member = {"id": c.id, "number": c.number, "category_name": p.get("category_name", "")}
        if f.kind is Kind.RECURRENCE:
            group: Group = (0, family.get(c.category_code, c.category_code))
            member["since"] = c.reported_at.isoformat(timespec="seconds")
            member["previous"] = p.get("previous")
        else:
            group, member["since"] = (c.department_id or 0, ""), p.get("deadline")
        joins.setdefault(c.id, []).append((digest, group, member))
    for case_id in dirty:
        book.place(case_id, joins.get(case_id, ()), now)
    return alone


def digest_finding(kind: Kind, group: Group, members: Mapping[int, Member],
                   params: Mapping[str, Any]) -> Finding | None:
    """The digest of these members (None: no member, nothing to stand for)."""
    if not members:
        return None
    ordered = tuple(sorted(members.values(), key=lambda m: (m.get("since") or "", m["id"])))
    return Finding(kind, group[0], dict(params) | {"count": len(ordered),
                                                   "oldest": ordered[0].get("since")},
                   discriminator=group[1], members=ordered)


def rearms(alert: OpenAlert, members: Iterable[Member]) -> bool:
    """Whether a member joined after the digest was acknowledged (it must alert again), but
    for one whose condition was acknowledged elsewhere."""
    acked = alert.acknowledged_at
    return acked is not None and any(datetime.fromisoformat(m["joined"]) > acked
                                     and not m.get("seen") for m in members)


def _stable(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k not in VOLATILE}


def reconcile_digests(open_alerts: Iterable[OpenAlert], findings: Iterable[Finding]) -> Plan:
    """Open new digests, resolve emptied ones, rewrite changed ones in place (re-alerting an
    acknowledged one when a member joined after its acknowledgement)."""
    plan = Plan()
    wanted = {f.key: f for f in findings}
    for alert in open_alerts:
        f = wanted.pop(alert.key, None)
        if f is None:
            plan.resolve.append(alert)
        elif f.members != alert.members or _stable(f.params) != _stable(alert.params):
            rearm = rearms(alert, f.members)
            if rearm:
                ack_carry.keep_covered(alert, f.members)
            plan.members.append((alert, f.params, f.members, rearm))
    plan.open = list(wanted.values())
    for f in plan.open:
        # A new digest of conditions each acknowledged already stands for nothing new.
        ack = ack_carry.all_seen(f.members)
        if ack is not None:
            plan.carried[f.key] = ack
    return plan


# --- patrols offline together -------------------------------------------------------------

def silent_since(params: Mapping[str, Any]) -> str | None:
    """Since when an offline officer's phone is silent in its shift (its last fix, or the
    shift's start if it has not spoken since)."""
    last, start = params.get("last_seen"), params.get("shift_start")
    if last is not None and (start is None or last >= start):
        return last
    return start


def _burst(instants: list[str], window: timedelta) -> int:
    """The most officers fallen silent within one `window`."""
    times = sorted(datetime.fromisoformat(t) for t in instants)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] > window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def mass_offline(members: Mapping[int, Member], on_shift: int, th: Thresholds) -> bool:
    """Whether the offline officers are one event (one alert) rather than each their own."""
    n = len(members)
    if n >= th.offline_digest_min and n >= th.offline_digest_share * on_shift:
        return True
    if n < th.offline_burst:
        return False
    return _burst([m["since"] for m in members.values() if m.get("since")],
                  timedelta(minutes=th.offline_burst_min)) >= th.offline_burst


def offline_cause(newest_fix: datetime | None, now: datetime, on_shift: int, offline: int,
                  th: Thresholds) -> dict[str, Any]:
    """The likely cause: no phone at all has been heard for the offline time (the intake, its
    network or the server — one cause), or others still report (those phones or their area)."""
    quiet = newest_fix is None or now - newest_fix >= timedelta(minutes=th.offline_min)
    return {"cause": NO_POSITIONS if quiet else MANY_SILENT,
            "newest_fix": newest_fix.isoformat(timespec="seconds") if newest_fix else None,
            "on_shift": on_shift, "reporting": max(0, on_shift - offline)}


def members(session: Session, alert_id: int) -> list[Member]:
    """A digest's members as stored (oldest first), for the panel's list; plain dicts."""
    return [dict(m) for m in digest_queries.alert_members(session, alert_id)]


class DigestSteps:
    """The digest steps of an AlertEngine's pass (mixed into services/alerts.AlertEngine and
    sharing its state: the case snapshot, the names, the books, the officers on shift)."""

    th: Thresholds
    cases: dict[int, CaseFacts]
    case_book: DigestBook
    offline_book: DigestBook
    _offline_found: dict[int, Finding]
    _offline_dirty: bool
    _on_shift: set[int]
    _newest_fix: datetime | None
    _names: dict[str, str]
    _family: dict[str, str]
    _departments: dict[int, str]

    def _route_cases(self, found: list[Finding], dirty: set[int], now: datetime,
                     book: DigestBook | None = None) -> list[Finding]:
        """Deadline and recurrence findings into their digests; the rest stand alone."""
        return route_cases(book or self.case_book, found, dirty, self.cases, now, self._family)

    def _digest_plan(self, stored: list[OpenAlert], offline: list[OpenAlert],
                     now: datetime, acked: Acknowledged) -> Plan:
        """The digests whose members changed, and the offline officers: one digest when many
        fell silent together, else an alert each."""
        changed = self.case_book.take_changed()
        if self._offline_dirty:
            changed |= self.offline_book.take_changed() | {OFFLINE_KEY}
        if not changed:
            return Plan()
        found = self._case_digests(self.case_book, changed - {OFFLINE_KEY})
        plan = Plan()
        if self._offline_dirty:
            self._offline_dirty = False
            digest, alone = self._offline_digest(self.offline_book, self._offline_found, now)
            found += digest
            plan.extend(reconcile(offline, alone))
        stored = [a for a in stored if a.key in changed]
        ack_carry.mark_joiners(found, {a.key: a for a in stored}, acked)
        plan.extend(reconcile_digests(stored, found))
        return plan

    def _case_digests(self, book: DigestBook, keys: set[str]) -> list[Finding]:
        found: list[Finding] = []
        for key in keys:
            kind, group = book.groups[key]
            params = ({"category": group[1], "name": self._names.get(group[1], "")}
                      if kind is Kind.RECURRENCE_DIGEST
                      else {"department_id": group[0],
                            "name": self._departments.get(group[0], "")})
            f = digest_finding(kind, group, book.members.get(key, {}), params)
            if f is not None:
                found.append(f)
        return found

    def _offline_digest(self, book: DigestBook, found: dict[int, Finding],
                        now: datetime) -> tuple[list[Finding], list[Finding]]:
        """(the offline digest, or nothing; the officers' own offline findings, or none)."""
        members = book.members.get(OFFLINE_KEY, {})
        on_shift = len(self._on_shift)
        if not mass_offline(members, on_shift, self.th):
            return [], list(found.values())
        cause = offline_cause(self._newest_fix, now, on_shift, len(members), self.th)
        f = digest_finding(Kind.OFFLINE_DIGEST, OFFLINE_GROUP, members, cause)
        return ([f] if f is not None else []), []
