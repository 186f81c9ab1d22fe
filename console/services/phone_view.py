"""Whose eyes a read is for: the role a seat's user holds now, to mask callers' numbers by
(console/domain/privacy.py). A read takes the user as stored, not as the seat remembers it, so
a user moved from the desk to a department sees masked numbers on the next read."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.roles import Role
from console.services.actor import Actor
from console.store.models import User


def role_now(session: Session, viewer: Actor | None) -> Role | None:
    """The viewer's role as stored now; None (masked for all) for no viewer or a user gone."""
    if viewer is None:
        return None
    if viewer.user_id is None:
        return viewer.role            # a machine: SYSTEM, which sees no numbers
    row = session.execute(select(User.role, User.active).where(User.id == viewer.user_id)).first()
    return Role(row.role) if row is not None and row.active else None
