"""Who is acting: a plain snapshot of the signed-in user, safe to pass between threads."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.errors import DomainError
from console.domain.roles import Role
from console.store.models import User


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    role: Role
    department_id: int | None = None


SYSTEM_ACTOR = Actor(None, "system", Role.SYSTEM)


def actor_for(session: Session, username: str | None = None) -> Actor:
    """The named user, or the first active dispatcher (else any active user) when none is named."""
    q = select(User).where(User.active.is_(True))
    if username:
        user = session.scalars(q.where(User.username == username)).first()
        if user is None:
            raise DomainError("unknown_user", username=username)
    else:
        user = (session.scalars(q.where(User.role == Role.DISPATCHER).order_by(User.id)).first()
                or session.scalars(q.order_by(User.id)).first())
        if user is None:
            raise DomainError("no_users")
    return Actor(user.id, user.display_name, Role(user.role), user.department_id)
