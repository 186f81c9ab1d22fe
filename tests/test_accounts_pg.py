"""Accounts on PostgreSQL: the check reads the user as stored now and holds it for the action.

An action's transaction takes a shared lock on the acting user's row (FOR SHARE): an
administrator's deactivation either commits first and the action is refused, or waits until
the action has committed. Interleaved on one row, both ways round.
"""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text, update

from console.domain.errors import DomainError
from console.domain.permissions import Permission
from console.services import users
from console.services.actor import authorize
from console.store.database import open_database
from console.store.models import User
from tests.pg_server import fresh_database, needs_pg

pytestmark = needs_pg
NOW = datetime(2026, 12, 1, 9, 0)


@pytest.fixture(scope="module")
def pg():
    with fresh_database("console_accounts") as url:
        db = open_database(url)
        with db.transaction() as s:
            admin = users.create_first_administrator(s, "admin", "管理员", "长城永不倒-2026", NOW)
            users.create_user(s, admin, username="leader", display_name="值班长", role="leader",
                              password="带班领导-2026-x", at=NOW)
        yield db
        db.dispose()


def _leader(db):
    with db.transaction() as s:
        s.execute(update(User).where(User.username == "leader").values(active=True, role="leader"))
        return users.sign_in(s, "leader", "带班领导-2026-x", NOW).actor


def test_a_deactivation_waits_for_the_action_that_checked_first(pg):
    leader = _leader(pg)
    action = pg.session()
    try:
        assert authorize(action, leader, Permission.CANCEL).role.value == "leader"
        # The administrator's seat, while the action is still open: its update must wait.
        with pytest.raises(DomainError, match="db_lock_timeout"), pg.transaction() as s:
            s.execute(text("SET LOCAL lock_timeout = '300ms'"))
            s.execute(update(User).where(User.id == leader.user_id).values(active=False))
        action.commit()
    finally:
        action.close()
    with pg.transaction() as s:   # once the action is done, the deactivation goes through
        s.execute(update(User).where(User.id == leader.user_id).values(active=False))
    with pytest.raises(DomainError) as err, pg.transaction() as s:
        authorize(s, leader, Permission.CANCEL)
    assert err.value.code == "user_inactive"


def test_a_demotion_committed_first_refuses_the_next_action(pg):
    leader = _leader(pg)
    with pg.transaction() as s:
        s.execute(update(User).where(User.id == leader.user_id).values(role="viewer"))
    with pytest.raises(DomainError) as err, pg.transaction() as s:
        authorize(s, leader, Permission.CANCEL)
    assert err.value.code == "role_not_allowed"


def test_sign_in_failures_count_across_seats(pg):
    """Two seats guessing at once: the row lock serialises the count, none is lost."""
    _leader(pg)
    with pg.transaction() as s:
        s.execute(update(User).where(User.username == "leader").values(failed_attempts=0))
    import threading
    start = threading.Barrier(2)

    def guess():
        start.wait()
        with pg.transaction() as s:
            assert users.sign_in(s, "leader", "not the password", NOW).actor is None

    threads = [threading.Thread(target=guess) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with pg.session() as s:
        assert s.query(User.failed_attempts).filter(User.username == "leader").scalar() == 2
