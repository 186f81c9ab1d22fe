"""Accounts: argon2id hashes, sign-in with lock-out, the password policy, the first
administrator, the demo's password-free sign-in, and the administrator's changes."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from console.domain.errors import DomainError
from console.domain.roles import Role
from console.services import users
from console.services.actor import actor_for
from console.services.settings import set_setting
from console.store.models import Meta, Setting, User
from tests.service_city import MON

GOOD = "长城永不倒-2026"


def first_admin(db, password=GOOD):
    with db.transaction() as s:
        return users.create_first_administrator(s, "admin", "系统管理员", password, MON)


def sign_in(db, name, password, at=MON):
    with db.transaction() as s:
        return users.sign_in(s, name, password, at)


def test_a_new_database_asks_for_its_administrator_first(db):
    with db.session() as s:
        assert users.needs_administrator(s)   # the seeded `admin` row has no password
    admin = first_admin(db)
    assert admin.role is Role.ADMIN and admin.username == "admin"
    with db.session() as s:
        assert not users.needs_administrator(s)
        assert s.scalar(select(User.password_hash).where(User.username == "admin")).startswith(
            "$argon2id$")
    with pytest.raises(DomainError) as err:
        first_admin(db)
    assert err.value.code == "administrator_exists"


def test_the_password_is_never_stored_or_logged(db, caplog):
    caplog.set_level(logging.DEBUG)
    first_admin(db)
    assert sign_in(db, "admin", GOOD).actor is not None
    with db.session() as s:
        dump = "\n".join(str(row) for table in ("users", "change_feed", "settings")
                         for row in s.execute(text(f"SELECT * FROM {table}")))
    assert GOOD not in dump and GOOD not in caplog.text


def test_sign_in_locks_the_account_after_the_set_number_of_failures(db):
    first_admin(db)
    with db.transaction() as s:
        admin = actor_for(s, "admin")
        set_setting(s, admin, "sign_in_max_failures", 3, MON)
        set_setting(s, admin, "sign_in_lockout_min", 15, MON)
    for _ in range(2):
        assert sign_in(db, "admin", "wrong password!").refusal.code == "sign_in_failed"
    assert sign_in(db, "admin", GOOD).actor is not None   # a success resets the count
    for _ in range(2):
        assert sign_in(db, "admin", "wrong password!").refusal.code == "sign_in_failed"
    # The attempt that locks the account says so, with how long.
    locking = sign_in(db, "admin", "wrong password!").refusal
    assert locking.code == "account_locked" and locking.params["minutes"] == 15
    refusal = sign_in(db, "admin", GOOD, MON + timedelta(minutes=1)).refusal
    assert refusal.code == "account_locked" and refusal.params["minutes"] == 14
    assert sign_in(db, "admin", GOOD, MON + timedelta(minutes=15)).actor is not None


def test_a_password_with_a_lone_surrogate_is_a_counted_failure_not_a_fault(db):
    first_admin(db)
    with db.transaction() as s:
        set_setting(s, actor_for(s, "admin"), "sign_in_max_failures", 2, MON)
    assert sign_in(db, "admin", "x\ud800").refusal.code == "sign_in_failed"
    assert sign_in(db, "admin", "\udfff" * 3).refusal.code == "account_locked"
    # Nobody can be given such a password either.
    with db.transaction() as s, pytest.raises(DomainError) as err:
        users.check_password_policy(s, "admin", "Good-Pass-2026\ud800")
    assert err.value.code == "text_bad_character" and err.value.params["character"] == "U+D800"


def test_unknown_names_and_inactive_accounts_get_the_same_refusal(db):
    admin = first_admin(db)
    with db.transaction() as s:
        uid = users.create_user(s, admin, username="zhang", display_name="张伟", role="dispatcher",
                                password="值班-密码-0001", at=MON)
        users.set_active(s, admin, uid, False, at=MON)
    assert sign_in(db, "nobody", "whatever-it-is").refusal.code == "sign_in_failed"
    assert sign_in(db, "zhang", "值班-密码-0001").refusal.code == "sign_in_failed"


@pytest.mark.parametrize(("password", "code"), [
    ("short-1", "password_too_short"),
    ("my-name-is-zhangwei", "password_contains_username"),
    ("MY-NAME-IS-ZHANGWEI", "password_contains_username"),
])
def test_the_password_policy(db, password, code):
    admin = first_admin(db)
    with pytest.raises(DomainError) as err, db.transaction() as s:
        users.create_user(s, admin, username="zhangwei", display_name="张伟", role="dispatcher",
                          password=password, at=MON)
    assert err.value.code == code


def test_the_policy_length_is_a_shared_setting(db):
    admin = first_admin(db)
    with db.transaction() as s:
        set_setting(s, admin, "password_min_length", 16, MON)
    with pytest.raises(DomainError) as err, db.transaction() as s:
        users.create_user(s, admin, username="li", display_name="李", role="viewer",
                          password="fifteen-chars-x", at=MON)
    assert err.value.params == {"minimum": 16}


def test_liaisons_belong_to_their_department_and_nobody_else_does(db):
    admin = first_admin(db)
    with pytest.raises(DomainError) as err, db.transaction() as s:
        users.create_user(s, admin, username="dept", display_name="部门", role="department",
                          password=GOOD, at=MON)
    assert err.value.code == "department_required"
    with db.transaction() as s:
        uid = users.create_user(s, admin, username="lead", display_name="领导", role="leader",
                                password=GOOD, department_id=1, at=MON)
        assert s.get(User, uid).department_id is None
        with pytest.raises(DomainError) as err:
            users.create_user(s, admin, username="robot", display_name="机器", role="system",
                              password=GOOD, at=MON)
        assert err.value.code == "bad_role"


def test_the_last_administrator_stays(db):
    admin = first_admin(db)
    with pytest.raises(DomainError) as err, db.transaction() as s:
        users.set_active(s, admin, admin.user_id, False, at=MON)
    assert err.value.code == "last_administrator"
    with pytest.raises(DomainError) as err, db.transaction() as s:
        users.update_user(s, admin, admin.user_id, display_name="x", role="viewer", at=MON)
    assert err.value.code == "last_administrator"


def test_reset_and_change_own_password(db):
    admin = first_admin(db)
    with db.transaction() as s:
        uid = users.create_user(s, admin, username="wang", display_name="王", role="viewer",
                                password="first-password-1", at=MON)
        users.reset_password(s, admin, uid, "second-password-2", at=MON)
    viewer = sign_in(db, "wang", "second-password-2").actor
    assert viewer.role is Role.VIEWER
    with pytest.raises(DomainError) as err, db.transaction() as s:
        users.change_own_password(s, viewer, "first-password-1", "third-password-3", at=MON)
    assert err.value.code == "wrong_password"
    with db.transaction() as s:
        users.change_own_password(s, viewer, "second-password-2", "third-password-3", at=MON)
    assert sign_in(db, "wang", "second-password-2").actor is None
    assert sign_in(db, "wang", "third-password-3").actor == viewer


def test_the_demo_signs_in_without_a_password_only_in_the_demo(db):
    with pytest.raises(DomainError) as err, db.session() as s:
        users.demo_sign_in(s)
    assert err.value.code == "demo_only"
    with db.transaction() as s:
        s.add(Meta(key="demo_seed", value="1"))
        s.add(User(username="dispatcher1", display_name="演示员", role="dispatcher"))
    with db.session() as s:
        actor = users.demo_sign_in(s)
        assert actor.demo and actor.username == "dispatcher1"
        assert users.verify_password(s, actor, "")   # its locked seat opens without one


def test_settings_record_who_changed_them(db):
    admin = first_admin(db)
    with db.transaction() as s:
        set_setting(s, admin, "seat_idle_lock_min", 5, MON)
    with db.session() as s:
        assert s.get(Setting, "seat_idle_lock_min").updated_by == admin.user_id


def test_unlocking_counts_as_a_sign_in(db):
    admin = first_admin(db)
    with db.transaction() as s:
        set_setting(s, admin, "sign_in_max_failures", 2, MON)
    for _ in range(2):
        with db.transaction() as s:
            assert not users.verify_password(s, admin, "not it at all")
    assert sign_in(db, "admin", GOOD, users._now()).refusal.code == "account_locked"
