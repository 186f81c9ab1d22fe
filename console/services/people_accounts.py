"""A one-time password for an account an import created without one: made here, set through
console/services/users.py's reset (policy, audit and feed as any reset), returned once to be
handed to its owner, and kept nowhere but in the hash."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.errors import DomainError
from console.services import users
from console.services.actor import Actor
from console.services.settings import get_setting
from console.store.models import User

# No 0/O, 1/l/I: a password read aloud or copied from a screen by hand.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
_GROUP = 4


def make_password(length: int) -> str:
    """Random letters and digits in groups of four joined by '-', at least `length` long."""
    groups = max(3, -(-length // (_GROUP + 1)) + 1)
    while True:
        text = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(_GROUP))
                        for _ in range(groups))
        if len(text) >= length:
            return text
        groups += 1


def set_one_time_password(session: Session, actor: Actor, username: str, *,
                          at: datetime) -> str:
    """Give `username` a fresh random password as `actor` (an administrator); returns it."""
    user_id = session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        raise DomainError("unknown_account", username=username)
    minimum = int(get_setting(session, "password_min_length"))
    password = make_password(max(12, minimum))
    while username.casefold() in password.casefold():   # the policy refuses it; draw again
        password = make_password(max(12, minimum))
    users.reset_password(session, actor, user_id, password, at=at)
    return password
