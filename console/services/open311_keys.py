"""Open311 API keys: issued to an application by an administrator, shown once, kept hashed.

A key is 32 random bytes, so a plain SHA-256 of it is as good as a slow password hash: nobody
can guess the input, and the lookup stays one indexed equality per request.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.errors import NotFound
from console.domain.limits import check_text
from console.store.models import Open311Key

MAX_NAME = 48
MAX_KEY = 128           # a presented key longer than this cannot be one of ours


@dataclass(frozen=True)
class KeyInfo:
    name: str
    hint: str
    issued_at: datetime
    revoked_at: datetime | None


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _name(name: str) -> str:
    # The application's name is also the reporter the cases show ("open311:NAME"). A bad name
    # is a ValueError: only the command line issues keys, and it prints the reason as it is.
    name = check_text("reporter_name", name)
    if not name or len(name) > MAX_NAME or any(ch.isspace() for ch in name):
        raise ValueError(f"an application name is 1-{MAX_NAME} characters without spaces")
    return name


def issue_key(session: Session, name: str) -> str:
    """A new key for application `name`; the only time the key itself is seen."""
    name = _name(name)
    row = session.scalars(select(Open311Key).where(Open311Key.name == name)).first()
    if row is not None and row.revoked_at is None:
        raise ValueError(f"application {name!r} has an active key (revoke it first)")
    key = secrets.token_urlsafe(32)
    if row is None:
        session.add(Open311Key(name=name, key_hash=key_hash(key), key_hint=key[:6],
                               issued_at=_now(), revoked_at=None))
    else:       # a revoked application gets a new key: the old one stays refused
        row.key_hash, row.key_hint, row.issued_at, row.revoked_at = (
            key_hash(key), key[:6], _now(), None)
    session.flush()
    return key


def revoke_key(session: Session, name: str) -> None:
    row = session.scalars(select(Open311Key).where(Open311Key.name == _name(name))).first()
    if row is None:
        raise NotFound("open311_application", name)
    if row.revoked_at is None:
        row.revoked_at = _now()


def list_keys(session: Session) -> list[KeyInfo]:
    return [KeyInfo(k.name, k.key_hint, k.issued_at, k.revoked_at)
            for k in session.scalars(select(Open311Key).order_by(Open311Key.name))]


def application_for(session: Session, api_key: str) -> str | None:
    """The application a presented key belongs to, None if unknown or revoked."""
    if not api_key or len(api_key) > MAX_KEY:
        return None
    row = session.scalars(select(Open311Key).where(
        Open311Key.key_hash == key_hash(api_key), Open311Key.revoked_at.is_(None))).first()
    return None if row is None else row.name
