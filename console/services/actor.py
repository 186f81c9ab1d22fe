"""Who is acting: a plain snapshot of the signed-in user, and the check every service makes.

An `Actor` is what a seat remembers; it is never trusted. `authorize` reads the user as stored
now, in the caller's transaction, and checks the permission table against that: a user
deactivated or demoted while a seat was open is refused on the very next call.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.errors import DomainError
from console.domain.permissions import Permission, may
from console.domain.roles import Role
from console.store.models import User


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    role: Role
    department_id: int | None = None
    username: str = field(default="", compare=False)   # the sign-in name, for unlocking
    demo: bool = False   # signed in without a password, in the demo city


#: The machines' actor (field intake, the simulator's reports). It exists only in code: no
#: user row can hold the SYSTEM role, so no sign-in at a seat can produce it.
SYSTEM_ACTOR = Actor(None, "system", Role.SYSTEM)


def snapshot(user: User, *, demo: bool = False) -> Actor:
    """The plain snapshot of a user row (safe to hand to another thread)."""
    return Actor(user.id, user.display_name, Role(user.role), user.department_id,
                 user.username, demo)


def authorize(session: Session, actor: Actor, permission: Permission) -> Actor:
    """The actor as stored now, if it may take `permission`; DomainError otherwise.

    The user row is read in the caller's transaction with a shared lock (PostgreSQL's FOR
    SHARE; SQLite's one writer already orders it), so a deactivation or demotion committed by
    an administrator either comes before this action and refuses it, or waits for it."""
    if actor.user_id is None:
        # Machines (the simulator, field intake, an Open311 application) act as the SYSTEM
        # role under their own name, from code only; a made-up person without a row is nobody.
        if actor.role != Role.SYSTEM:
            raise DomainError("unknown_user", username=actor.name[:64])
        current = actor
    else:
        user = session.scalars(select(User).where(User.id == actor.user_id)
                               .with_for_update(read=True)
                               .execution_options(populate_existing=True)).first()
        if user is None or not user.active:
            raise DomainError("user_inactive", username=actor.name[:64])
        if user.role == Role.SYSTEM.value:
            raise DomainError("unknown_user", username=actor.name[:64])
        current = snapshot(user, demo=actor.demo)
    if not may(current.role, permission):
        raise DomainError("role_not_allowed", action=permission.value, role=current.role.value)
    return current


def actor_for(session: Session, username: str | None = None) -> Actor:
    """The named user, or the first active dispatcher (else any active user) when none is named.

    For code only (benchmarks, previews, the simulator): a seat signs in through
    console/services/users.py."""
    q = select(User).where(User.active.is_(True), User.role != Role.SYSTEM.value)
    if username:
        user = session.scalars(q.where(User.username == username)).first()
        if user is None:
            raise DomainError("unknown_user", username=username)
    else:
        user = (session.scalars(q.where(User.role == Role.DISPATCHER).order_by(User.id)).first()
                or session.scalars(q.order_by(User.id)).first())
        if user is None:
            raise DomainError("no_users")
    return snapshot(user)
