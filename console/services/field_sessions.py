"""The officers' phones (城管通): sign-in, the per-officer session behind every request, revocation.

A phone signs in with the officer's own account (the patrol role, linked to a patrol officer)
and gets a random token; only its SHA-256 is kept — 32 random bytes cannot be guessed, so a
plain hash is as good as a slow one and the lookup stays one indexed equality. A session ends
at its expiry (a shift and a margin), when the officer signs out, or when the console revokes
it; the user is checked as stored now on every request, so a deactivated account is out at once.
Every sign-in, sign-out and revocation is in the audit trail with the officer and the device.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError, NotFound
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.domain.roles import Role
from console.services import users
from console.services.actor import Actor, authorize, snapshot
from console.services.trail import audited, command_line_actor
from console.store.models import FieldSession, PatrolOfficer, User

#: A day shift, overtime, and the walk home: one sign-in a shift is enough.
SESSION_HOURS = 14
#: last_seen_at is written at most this often: not one UPDATE per request.
SEEN_EVERY = timedelta(minutes=1)
MAX_TOKEN = 128


class FieldRefused(Exception):
    """A refusal the phone shows as it is: HTTP status, a stable code, a Chinese sentence."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class FieldOfficer:
    """Who is behind a request: the officer's actor, their patrol officer row, this session."""

    actor: Actor
    officer_id: int
    officer_code: str
    session_id: int
    device: str
    expires_at: datetime


@dataclass(frozen=True)
class Issued:
    token: str                      # shown to the phone once, never stored
    officer: FieldOfficer


@dataclass(frozen=True)
class SessionRow:
    id: int
    username: str
    officer_code: str
    device: str
    officer_name: str
    issued_at: datetime
    expires_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def check_device(device: object) -> str:
    """The name a phone gives itself (shown in the audit trail and the session list)."""
    try:
        name = check_text("device_id", device if device is not None else "", optional=True)
    except DomainError:
        raise FieldRefused(400, "bad_device", "设备名称无效（最多 64 个字符）") from None
    return name or "未命名设备"


def _officer_of(session: Session, user_id: int) -> PatrolOfficer | None:
    return session.scalars(select(PatrolOfficer).where(
        PatrolOfficer.user_id == user_id, PatrolOfficer.active.is_(True))
        .order_by(PatrolOfficer.id)).first()


def sign_in(session: Session, username: object, password: object, device: object,
            at: datetime) -> Issued:
    """A new session for an officer's phone; FieldRefused otherwise.

    The password check is the console's own (lock-out included): its failure count must be
    committed with the refusal, so a refusal here is raised only after `users.sign_in` has
    flushed it, and the caller commits before answering (see field_app)."""
    device = check_device(device)
    if not isinstance(username, str) or not isinstance(password, str):
        raise FieldRefused(400, "bad_request", "请输入用户名和密码")
    outcome = users.sign_in(session, username, password, at)
    if outcome.actor is None:
        if outcome.refusal is not None and outcome.refusal.code == "account_locked":
            raise FieldRefused(403, "account_locked", "尝试次数过多，账号已锁定 "
                               f"{outcome.refusal.params.get('minutes', '')} 分钟")
        raise FieldRefused(401, "sign_in_failed", "用户名或密码错误")
    actor = outcome.actor
    officer = _officer_of(session, actor.user_id) if actor.role is Role.PATROL else None
    if officer is None:
        raise FieldRefused(403, "not_patrol", "此账号不是在岗监督员账号，不能使用城管通")
    token = secrets.token_urlsafe(32)
    row = FieldSession(token_hash=token_hash(token), user_id=actor.user_id,
                       patrol_officer_id=officer.id, device=device, issued_at=at,
                       expires_at=at + timedelta(hours=SESSION_HOURS), last_seen_at=at)
    session.add(row)
    session.flush()
    audited(session, actor, ChangeKind.USER, actor.user_id, ChangeAction.ADDED, at,
            {"field": "sign_in", "session": row.id, "device": device, "officer": officer.code})
    return Issued(token, FieldOfficer(actor, officer.id, officer.code, row.id, device,
                                      row.expires_at))


def resolve(session: Session, token: object, at: datetime) -> FieldOfficer:
    """The officer behind a presented token, as stored now; FieldRefused(401) if none."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        raise FieldRefused(401, "signed_out", "请先登录")
    found = session.execute(
        select(FieldSession, User, PatrolOfficer)
        .join(User, User.id == FieldSession.user_id)
        .join(PatrolOfficer, PatrolOfficer.id == FieldSession.patrol_officer_id)
        .where(FieldSession.token_hash == token_hash(token))).first()
    if found is None:
        raise FieldRefused(401, "signed_out", "请先登录")
    row, user, officer = found
    if row.revoked_at is not None:
        raise FieldRefused(401, "revoked", "登录已被指挥中心注销，请重新登录")
    if row.expires_at <= at:
        raise FieldRefused(401, "expired", "登录已过期，请重新登录")
    if not user.active or user.role != Role.PATROL.value or not officer.active \
            or officer.user_id != user.id:
        raise FieldRefused(401, "account_changed", "账号已停用或已变更，请联系指挥中心")
    if at - row.last_seen_at >= SEEN_EVERY:
        session.execute(update(FieldSession).where(FieldSession.id == row.id)
                        .values(last_seen_at=at))
    return FieldOfficer(snapshot(user), officer.id, officer.code, row.id, row.device,
                        row.expires_at)


def sign_out(session: Session, officer: FieldOfficer, at: datetime) -> None:
    """The officer ends their own session (the token is useless from now on)."""
    _end(session, officer.session_id, officer.actor.name, at)
    audited(session, officer.actor, ChangeKind.USER, officer.actor.user_id,
            ChangeAction.REMOVED, at,
            {"field": "sign_out", "session": officer.session_id, "device": officer.device})


def _end(session: Session, session_id: int, by: str, at: datetime) -> bool:
    return bool(session.execute(
        update(FieldSession).where(FieldSession.id == session_id,
                                   FieldSession.revoked_at.is_(None))
        .values(revoked_at=at, revoked_by=by[:64])).rowcount)


def _allowed(session: Session, actor: Actor | None) -> Actor:
    # The command line acts as the operating-system account, as `devices` does.
    if actor is None:
        return command_line_actor()
    return authorize(session, actor, Permission.EDIT_ROSTER)


def revoke(session: Session, *, session_id: int | None = None, username: str | None = None,
           actor: Actor | None = None, at: datetime) -> int:
    """Revoke one session, or every open session of a user; returns how many were open.

    `actor`: a signed-in user allowed to edit the roster; none: the command line."""
    actor = _allowed(session, actor)
    q = select(FieldSession).where(FieldSession.revoked_at.is_(None))
    if session_id is not None:
        if session.get(FieldSession, session_id) is None:
            raise NotFound("field_session", session_id)
        q = q.where(FieldSession.id == session_id)
    elif username is not None:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise DomainError("unknown_user", username=str(username)[:64])
        q = q.where(FieldSession.user_id == user.id)
    else:
        raise ValueError("name a session or a user")
    ended = 0
    for row in session.scalars(q.order_by(FieldSession.id)).all():
        if _end(session, row.id, actor.name, at):
            ended += 1
            audited(session, actor, ChangeKind.USER, row.user_id, ChangeAction.REMOVED, at,
                    {"field": "revoke", "session": row.id, "device": row.device})
    return ended


def list_sessions(session: Session, *, open_only: bool = True, at: datetime | None = None
                  ) -> list[SessionRow]:
    """The phones' sessions, newest first (open ones only: not revoked, not expired)."""
    q = (select(FieldSession, User.username, PatrolOfficer.code, PatrolOfficer.name)
         .join(User, User.id == FieldSession.user_id)
         .join(PatrolOfficer, PatrolOfficer.id == FieldSession.patrol_officer_id))
    if open_only:
        q = q.where(FieldSession.revoked_at.is_(None),
                    FieldSession.expires_at > (at or datetime.now()))
    return [SessionRow(r.id, name, code, r.device, officer, r.issued_at, r.expires_at,
                       r.last_seen_at, r.revoked_at, r.revoked_by)
            for r, name, code, officer in session.execute(q.order_by(FieldSession.id.desc()).limit(1000))]
