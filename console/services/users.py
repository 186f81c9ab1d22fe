"""Accounts: sign-in with lock-out, the first administrator, and the administrator's user list.

Passwords are kept only as argon2id hashes; a password is never stored, logged or returned.
The hash parameters make one verification cost 100–500 ms on the seats' cores (`city-console
bench accounts` prints `auth.sign_in_ms`): slow enough against guessing, quick enough for a
shift change. Every change here is an action of the permission table, checked against the
acting user as stored now.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError, NotFound
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.domain.roles import USER_ROLES, Role
from console.services.actor import Actor, authorize, snapshot
from console.services.settings import get_setting
from console.services.trail import audited
from console.store import feed
from console.store.models import Department, Meta, User

#: argon2id: 3 passes over 64 MiB, one lane (RFC 9106's second recommendation, one lane
#: because a seat verifies one sign-in at a time and the cores are shared).
HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1)
#: Longest password accepted: argon2 takes any length, but a megabyte typed into a field is
#: not a password, and bounding it bounds the work.
PASSWORD_MAX = 256
# Verified against when the user name is unknown, so that "no such user" costs as long as
# "wrong password" and the timing tells nobody which names exist.
_DUMMY_HASH = HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt: the actor, or the refusal (committed either way)."""

    actor: Actor | None
    refusal: DomainError | None = None


@dataclass(frozen=True)
class UserRow:
    """One account as the administration dialog lists it (no hash, ever)."""

    id: int
    username: str
    display_name: str
    role: str
    department_id: int | None
    department_name: str | None
    active: bool
    has_password: bool
    locked_until: datetime | None


def _password(value: object) -> str:
    if not isinstance(value, str):
        raise DomainError("not_text", field="password")
    # NFC: the same password typed on two systems is one string; spaces are kept — they count.
    value = unicodedata.normalize("NFC", value)
    if len(value) > PASSWORD_MAX:
        raise DomainError("text_too_long", field="password", limit=PASSWORD_MAX)
    try:
        value.encode("utf-8")       # a lone surrogate (JSON "\ud800") cannot be hashed
    except UnicodeEncodeError as exc:
        raise DomainError("text_bad_character", field="password",
                          character=f"U+{ord(value[exc.start]):04X}") from None
    return value


def check_password_policy(session: Session, username: str, password: str) -> str:
    """`password` if the policy allows it for `username`; DomainError naming the rule if not."""
    password = _password(password)
    minimum = int(get_setting(session, "password_min_length"))
    if len(password) < minimum:
        raise DomainError("password_too_short", minimum=minimum)
    if username and username.casefold() in password.casefold():
        raise DomainError("password_contains_username")
    return password


def _set_password(user: User, password: str, at: datetime) -> None:
    user.password_hash = HASHER.hash(password)
    user.password_changed_at = at
    user.failed_attempts = 0
    user.locked_until = None


def _verify(hash_: str | None, password: str | None) -> bool:
    """Whether `password` matches; None (a password nobody can have) never does, in the time
    a real check takes."""
    try:
        return HASHER.verify(hash_ or _DUMMY_HASH, password if password is not None else "") \
            and hash_ is not None and password is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- signing in -------------------------------------------------------------------------

def sign_in(session: Session, username: str, password: str, at: datetime) -> SignIn:
    """Check a user name and password; count failures and lock the account after too many.

    Returns rather than raises, so the caller commits the failure count with the refusal.
    An unknown name, a wrong password and a deactivated account get the same refusal."""
    try:
        name = check_text("username", username) or ""
    except DomainError:
        return SignIn(None, DomainError("sign_in_failed"))
    if not isinstance(password, str):
        return SignIn(None, DomainError("sign_in_failed"))
    try:
        checked: str | None = _password(password)
    except DomainError:
        checked = None      # too long or unencodable: a wrong password, counted like one
    password = checked
    user = session.scalars(select(User).where(User.username == name).with_for_update()).first()
    if user is None or user.role == Role.SYSTEM.value:
        _verify(None, password)
        return SignIn(None, DomainError("sign_in_failed"))
    if user.locked_until is not None and user.locked_until > at:
        minutes = max(1, -(-int((user.locked_until - at).total_seconds()) // 60))
        return SignIn(None, DomainError("account_locked", minutes=minutes))
    if not _verify(user.password_hash, password) or not user.active:
        user.failed_attempts = (user.failed_attempts or 0) + 1
        if user.failed_attempts >= int(get_setting(session, "sign_in_max_failures")):
            minutes = int(get_setting(session, "sign_in_lockout_min"))
            user.locked_until = at + timedelta(minutes=minutes)
            user.failed_attempts = 0
            session.flush()
            # Said at the attempt that locks it, not only at the next one: the person at the
            # seat learns why to stop trying (an unknown name never locks, so the next attempt
            # would tell the same anyway).
            return SignIn(None, DomainError("account_locked", minutes=minutes))
        session.flush()
        return SignIn(None, DomainError("sign_in_failed"))
    user.failed_attempts, user.locked_until = 0, None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    session.flush()
    return SignIn(snapshot(user))


def is_demo(session: Session) -> bool:
    """Whether this database holds the demo city (whose users sign in without a password)."""
    return session.get(Meta, "demo_seed") is not None


def demo_sign_in(session: Session, username: str | None = None) -> Actor:
    """Sign in to the demo city without a password: the named user, else its first dispatcher.

    Refused outside the demo city, so a real database never opens without a password."""
    if not is_demo(session):
        raise DomainError("demo_only")
    q = select(User).where(User.active.is_(True), User.role != Role.SYSTEM.value)
    if username:
        user = session.scalars(q.where(User.username == username)).first()
        if user is None:
            raise DomainError("unknown_user", username=username[:64])
    else:
        user = session.scalars(q.where(User.role == Role.DISPATCHER.value).order_by(User.id)).first()
        if user is None:
            raise DomainError("no_users")
    return snapshot(user, demo=True)


def needs_administrator(session: Session) -> bool:
    """Whether no active administrator can sign in yet: the first thing a new database asks for."""
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN.value, User.active.is_(True),
        User.password_hash.is_not(None))) == 0


def create_first_administrator(session: Session, username: str, display_name: str,
                               password: str, at: datetime) -> Actor:
    """The first administrator of a database that has none who can sign in.

    An administrator row seeded without a password (the reference data's `admin`) is taken
    over when the name matches; any other name is a new account."""
    if not needs_administrator(session):
        raise DomainError("administrator_exists")
    username = _username(username)
    display_name = check_text("display_name", display_name) or username
    password = check_password_policy(session, username, password)
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is not None and (user.role != Role.ADMIN.value or user.password_hash is not None):
        raise DomainError("username_taken", username=username)
    if user is None:
        user = User(username=username, role=Role.ADMIN.value)
        session.add(user)
    user.display_name, user.active, user.department_id = display_name, True, None
    _set_password(user, password, at)
    session.flush()
    actor = snapshot(user)   # nobody is signed in yet: the new administrator creates itself
    audited(session, actor, ChangeKind.USER, user.id, ChangeAction.ADDED, at,
            {"username": username, "role": Role.ADMIN.value, "first_administrator": True})
    feed.record(session, ChangeKind.USER, user.id, ChangeAction.ADDED, at, {"by": None})
    return actor


# --- the administrator's list -------------------------------------------------------------

def _username(value: object) -> str:
    name = check_text("username", value) or ""
    if not name or any(ch.isspace() for ch in name):
        raise DomainError("bad_username")
    return name


def _role_and_department(session: Session, role: str, department_id: int | None
                         ) -> tuple[Role, int | None]:
    try:
        role = Role(role)
    except ValueError:
        raise DomainError("bad_role", role=str(role)[:32]) from None
    if role not in USER_ROLES:   # SYSTEM is the machines' actor, made in code
        raise DomainError("bad_role", role=role.value)
    if role is not Role.DEPARTMENT:
        return role, None   # only a department's liaison belongs to a department
    if department_id is None:
        raise DomainError("department_required")
    department = session.get(Department, department_id)
    if department is None:
        raise NotFound("department", department_id)
    if not department.active:   # a retired department receives no dispatches to handle
        raise DomainError("department_retired", name=department.name)
    return role, department_id


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound("user", user_id)
    return user


def _keep_an_administrator(session: Session, user: User) -> None:
    """Refuse to take away the last active administrator (nobody could manage users then)."""
    others = session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id))
    if user.role == Role.ADMIN.value and user.active and others == 0:
        raise DomainError("last_administrator")


def department_choices(session: Session) -> list[tuple[int, str]]:
    """The active departments (id, name) a liaison can belong to."""
    return [tuple(r) for r in session.execute(
        select(Department.id, Department.name).where(Department.active.is_(True))
        .order_by(Department.name))]


def current_actor(session: Session, actor: Actor) -> Actor | None:
    """The signed-in user as stored now (a seat refreshes its menus from it); None if gone."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.active or user.role == Role.SYSTEM.value:
        return None
    return snapshot(user, demo=actor.demo)


def list_users(session: Session, actor: Actor) -> list[UserRow]:
    """Every account, by user name."""
    authorize(session, actor, Permission.MANAGE_USERS)
    rows = session.execute(
        select(User, Department.name).outerjoin(Department, Department.id == User.department_id)
        .where(User.role != Role.SYSTEM.value).order_by(User.username)).all()
    return [UserRow(u.id, u.username, u.display_name, u.role, u.department_id, dep,
                    bool(u.active), u.password_hash is not None, u.locked_until)
            for u, dep in rows]


def create_user(session: Session, actor: Actor, *, username: str, display_name: str, role: str,
                password: str, department_id: int | None = None, at: datetime) -> int:
    """A new account with its first password; returns its id."""
    actor = authorize(session, actor, Permission.MANAGE_USERS)
    username = _username(username)
    display_name = check_text("display_name", display_name) or username
    role, department_id = _role_and_department(session, role, department_id)
    password = check_password_policy(session, username, password)
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise DomainError("username_taken", username=username)
    user = User(username=username, display_name=display_name, role=role.value,
                department_id=department_id, active=True)
    _set_password(user, password, at)
    session.add(user)
    session.flush()
    audited(session, actor, ChangeKind.USER, user.id, ChangeAction.ADDED, at,
            {"username": username, "role": role.value, "department_id": department_id})
    feed.record(session, ChangeKind.USER, user.id, ChangeAction.ADDED, at, {"by": actor.name})
    return user.id


def update_user(session: Session, actor: Actor, user_id: int, *, display_name: str, role: str,
                department_id: int | None = None, at: datetime) -> None:
    """Change an account's name, role and department (the user name stays: it is their key)."""
    actor = authorize(session, actor, Permission.MANAGE_USERS)
    user = _user(session, user_id)
    display_name = check_text("display_name", display_name) or user.username
    role, department_id = _role_and_department(session, role, department_id)
    if role is not Role.ADMIN:
        _keep_an_administrator(session, user)
    user.display_name, user.role, user.department_id = display_name, role.value, department_id
    session.flush()
    audited(session, actor, ChangeKind.USER, user.id, ChangeAction.CHANGED, at,
            {"display_name": display_name, "role": role.value, "department_id": department_id})
    feed.record(session, ChangeKind.USER, user.id, ChangeAction.CHANGED, at, {"by": actor.name})


def set_active(session: Session, actor: Actor, user_id: int, active: bool, *, at: datetime) -> None:
    """Deactivate an account (it can no longer sign in or act) or take it back."""
    actor = authorize(session, actor, Permission.MANAGE_USERS)
    user = _user(session, user_id)
    if not active:
        _keep_an_administrator(session, user)
    user.active = bool(active)
    session.flush()
    audited(session, actor, ChangeKind.USER, user.id, ChangeAction.CHANGED, at,
            {"active": bool(active)})
    feed.record(session, ChangeKind.USER, user.id, ChangeAction.CHANGED, at,
                {"by": actor.name, "active": bool(active)})


def reset_password(session: Session, actor: Actor, user_id: int, password: str, *,
                   at: datetime) -> None:
    """An administrator sets a new password (and lifts a lock-out)."""
    actor = authorize(session, actor, Permission.MANAGE_USERS)
    user = _user(session, user_id)
    _set_password(user, check_password_policy(session, user.username, password), at)
    session.flush()
    audited(session, actor, ChangeKind.USER, user.id, ChangeAction.CHANGED, at,
            {"password": "reset"})   # that it changed, never what to
    feed.record(session, ChangeKind.USER, user.id, ChangeAction.CHANGED, at,
                {"by": actor.name, "password": True})


def change_own_password(session: Session, actor: Actor, old: str, new: str, *,
                        at: datetime) -> None:
    """The signed-in user changes their own password, proving the old one."""
    actor = authorize(session, actor, Permission.CHANGE_OWN_PASSWORD)
    user = _user(session, actor.user_id)
    if not _verify(user.password_hash, _password(old)):
        raise DomainError("wrong_password")
    _set_password(user, check_password_policy(session, user.username, new), at)
    session.flush()
    audited(session, actor, ChangeKind.USER, user.id, ChangeAction.CHANGED, at,
            {"password": "changed_own"})
    feed.record(session, ChangeKind.USER, user.id, ChangeAction.CHANGED, at,
                {"by": actor.name, "password": True})


def verify_password(session: Session, actor: Actor, password: str) -> bool:
    """Whether `password` is the signed-in user's (unlocking a locked seat); counts failures
    like a sign-in, so a locked seat is no way round the lock-out."""
    if actor.demo:
        return True   # the demo city signs in without passwords; its seat unlocks without one
    user = session.get(User, actor.user_id)
    if user is None:
        return False
    return sign_in(session, user.username, password, _now()).actor is not None


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)
