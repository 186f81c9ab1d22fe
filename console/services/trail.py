"""Writes the audit trail remembers: a feed row every seat sees and an audit record of who did
it, from which seat, when (console/store/audit.py chains it). For the writes that are not case
events: settings, the roster and catalogues, alert acknowledgements, devices."""
from __future__ import annotations

import getpass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.roles import Role
from console.services.actor import Actor
from console.store import audit, feed


def command_line_actor() -> Actor:
    """Who acts from the command line: the operating-system account (no console user signs in)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "?"
    return Actor(None, f"os:{name}"[:64], Role.SYSTEM)


def audited(session: Session, actor: Actor, kind: ChangeKind, entity_id: Any,
            action: ChangeAction, at: datetime, data: dict[str, Any] | None = None,
            *, feed_payload: dict[str, Any] | None = None) -> feed.Ticket | None:
    """Record the write in the audit trail and (with `feed_payload`) tell every seat."""
    audit.record(session, actor_id=actor.user_id, actor_name=actor.name,
                 actor_role=actor.role.value, entity=kind.value, entity_id=entity_id,
                 action=action.value, at=at, data=data)
    if feed_payload is None:
        return None
    return feed.record(session, kind, entity_id, action, at, feed_payload)
