"""The audit record of a write that is not a case event (settings, the roster and catalogues,
alert acknowledgements, devices): who did it, from which seat, when; console/store/audit.py
chains it."""
from __future__ import annotations

import getpass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.roles import Role
from console.services.actor import Actor
from console.store import audit


def command_line_actor() -> Actor:
    """Who acts from the command line: the operating-system account (no console user signs in)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "?"
    return Actor(None, f"os:{name}"[:64], Role.SYSTEM)


def audited(session: Session, actor: Actor, kind: ChangeKind, entity_id: Any,
            action: ChangeAction, at: datetime, data: dict[str, Any] | None = None) -> None:
    """Record the write in the audit trail, in the caller's transaction (written at its commit).
    The caller's own `feed.record(session, ChangeKind.X, …)` tells the seats: written out, so
    tests/test_feed_kinds.py sees every producer."""
    audit.record(session, actor_id=actor.user_id, actor_name=actor.name,
                 actor_role=actor.role.value, entity=kind.value, entity_id=entity_id,
                 action=action.value, at=at, data=data)
