"""The alert engine's view of flagged devices: which phones reported from two places at an
impossible speed (services/intake.py flags them), read again only when a device changed."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain import alert_rules as rules
from console.domain.changes import ChangeKind
from console.store.models import Device, PatrolOfficer

_SUSPECTS = (select(Device.id, Device.unique_id, Device.patrol_officer_id, PatrolOfficer.code,
                    PatrolOfficer.name, Device.suspect_at, Device.suspect_kmh)
             .outerjoin(PatrolOfficer, PatrolOfficer.id == Device.patrol_officer_id)
             .where(Device.suspect_at.is_not(None), Device.active.is_(True)))


def suspect_devices(session: Session) -> list[rules.SuspectDevice]:
    """The active devices flagged now (a disabled one no longer reports: nothing to watch)."""
    return [rules.SuspectDevice(r[0], r[1], r[2], r[3], r[4], r[5], float(r[6] or 0.0))
            for r in session.execute(_SUSPECTS)]


class SuspectWatch:
    """The impossible-speed findings, kept between passes: every flag comes with a DEVICE
    feed row, so the devices are read again only after one (a pass costs nothing otherwise)."""

    def __init__(self) -> None:
        self._stale = True
        self._findings: list[rules.Finding] = []

    def note(self, entities: Iterable[str]) -> None:
        """The feed kinds a pass caught up on."""
        if ChangeKind.DEVICE in entities:
            self._stale = True

    def findings(self, session: Session) -> list[rules.Finding]:
        if self._stale:
            self._findings = rules.device_findings(suspect_devices(session))
            self._stale = False
        return self._findings
