"""Open311 API keys: issued to an application by an administrator, shown once, kept hashed.

A key is 32 random bytes, so a plain SHA-256 of it is as good as a slow password hash: nobody
can guess the input, and the lookup stays one indexed equality per request.

An application is an account of a kind (its reports carry "open311:NAME"), so issuing,
revoking and even listing keys take the permission to manage accounts; the command line acts
as the operating-system account, with the database's own rights.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from console.domain.errors import DomainError
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.services.actor import Actor, authorize
from console.services.trail import command_line_actor
from console.store import audit
from console.store.models import Open311Key

MAX_NAME = 48
MAX_KEY = 128           # a presented key longer than this cannot be one of ours
AUDIT_ENTITY = "open311_key"


@dataclass(frozen=True)
class KeyInfo:
    name: str
    hint: str
    issued_at: datetime
    revoked_at: datetime | None
    issued_by: str | None = None
    last_used_at: datetime | None = None
    requests: int = 0


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _allowed(session: Session, actor: Actor | None) -> Actor:
    """The acting administrator as stored now; the command line's account when none signed in."""
    if actor is None:
        return command_line_actor()
    return authorize(session, actor, Permission.MANAGE_USERS)


def _name(name: str) -> str:
    # The application's name is also the reporter the cases show ("open311:NAME").
    name = check_text("reporter_name", name)
    if not name or len(name) > MAX_NAME or any(ch.isspace() for ch in name):
        raise DomainError("open311_bad_name", limit=MAX_NAME)
    return name


def _audit(session: Session, actor: Actor, row: Open311Key, action: str, at: datetime) -> None:
    audit.record(session, actor_id=actor.user_id, actor_name=actor.name,
                 actor_role=actor.role.value, entity=AUDIT_ENTITY, entity_id=row.id,
                 action=action, at=at, data={"name": row.name, "hint": row.key_hint})


def issue_key(session: Session, name: str, *, actor: Actor | None = None) -> str:
    """A new key for application `name`; the only time the key itself is seen."""
    actor = _allowed(session, actor)
    name = _name(name)
    row = session.scalars(select(Open311Key).where(Open311Key.name == name)).first()
    if row is not None and row.revoked_at is None:
        raise DomainError("open311_key_active", name=name)
    key, at = secrets.token_urlsafe(32), _now()
    if row is None:
        row = Open311Key(name=name, key_hash=key_hash(key), key_hint=key[:6], issued_at=at,
                         revoked_at=None, issued_by=actor.name, last_used_at=None, requests=0)
        session.add(row)
    else:       # a revoked application gets a new key: the old one stays refused
        row.key_hash, row.key_hint, row.issued_at, row.revoked_at = key_hash(key), key[:6], at, None
        row.issued_by, row.last_used_at, row.requests = actor.name, None, 0
    session.flush()
    _audit(session, actor, row, "issued", at)
    return key


def revoke_key(session: Session, name: str, *, actor: Actor | None = None) -> None:
    """Refuse the application's key from now on (its reports stay)."""
    actor = _allowed(session, actor)
    row = session.scalars(select(Open311Key).where(Open311Key.name == _name(name))).first()
    if row is None:
        raise DomainError("open311_unknown_application", name=name)
    if row.revoked_at is None:
        row.revoked_at = _now()
        _audit(session, actor, row, "revoked", row.revoked_at)


def list_keys(session: Session, *, actor: Actor | None = None) -> list[KeyInfo]:
    """Every application with its key's first characters, who issued it and its use."""
    _allowed(session, actor)
    return [KeyInfo(k.name, k.key_hint, k.issued_at, k.revoked_at, k.issued_by, k.last_used_at,
                    k.requests or 0)
            for k in session.scalars(select(Open311Key).order_by(Open311Key.name))]


def application_for(session: Session, api_key: str) -> str | None:
    """The application a presented key belongs to, None if unknown or revoked."""
    if not api_key or len(api_key) > MAX_KEY:
        return None
    row = session.scalars(select(Open311Key).where(
        Open311Key.key_hash == key_hash(api_key), Open311Key.revoked_at.is_(None))).first()
    return None if row is None else row.name


def count_use(session: Session, application: str, at: datetime) -> None:
    """One more report accepted with the application's key (in the report's transaction, so a
    refused or rolled-back report counts nothing)."""
    session.execute(update(Open311Key).where(Open311Key.name == application)
                    .values(requests=Open311Key.requests + 1, last_used_at=at),
                    execution_options={"synchronize_session": False})
