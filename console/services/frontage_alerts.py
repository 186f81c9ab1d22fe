"""The 门前三包 repeat rule in the alert engine: a unit with N offences in D days is one open
alert (回潮) until its count falls below N again."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from console.domain import alert_rules as rules
from console.domain.changes import ChangeKind
from console.services import frontage

_TICK = timedelta(microseconds=1)


def repeat_findings(repeats: Iterable[frontage.Repeat], days: float) -> list[rules.Finding]:
    """One finding per repeat offender."""
    return [rules.Finding(rules.Kind.FRONTAGE_REPEAT, r.unit_id,
                          {"code": r.code, "name": r.name, "count": r.count, "days": days,
                           "first_at": r.first_at.isoformat(timespec="seconds"),
                           "lon": round(r.lon, 6), "lat": round(r.lat, 6)})
            for r in repeats]


class FrontageWatch:
    """The repeat findings, kept between passes: every offence comes with a FRONTAGE feed row,
    and a unit's count falls by time alone only when its first counted offence leaves the
    period, so the records are counted again only then."""

    def __init__(self) -> None:
        self._stale = True
        self._at: datetime | None = None
        self._until = datetime.max
        self._findings: list[rules.Finding] = []

    def note(self, entities: Iterable[str]) -> None:
        """The feed kinds a pass caught up on."""
        entities = set(entities)
        if ChangeKind.FRONTAGE in entities or ChangeKind.SETTINGS in entities:
            self._stale = True

    def findings(self, session: Session, now: datetime) -> list[rules.Finding]:
        if self._stale or self._at is None or not (self._at <= now < self._until):
            _, days = frontage.repeat_rule(session)
            repeats = frontage.repeat_offenders(session, now)
            self._findings = repeat_findings(repeats, days)
            self._until = min((r.first_at + timedelta(days=days) + _TICK for r in repeats),
                              default=datetime.max)
            self._stale, self._at = False, now
        return self._findings
