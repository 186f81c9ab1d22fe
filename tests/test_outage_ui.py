"""The outage banner and the words for a lost connection: told apart from a refusal, a busy
database and a bug; the banner says since when, in Chinese by default, and goes when it is back."""
from __future__ import annotations

import sqlite3
from datetime import datetime

import psycopg2
import pytest
from sqlalchemy.exc import DBAPIError, OperationalError

from console.common.i18n import install_translators
from console.common.messages import describe_error, is_busy
from console.live.tasks import is_connection_lost
from console.store.retry import next_backoff
from tests.test_main_window import english, make_window  # noqa: F401 — fixtures


def gone(message: str = "server closed the connection unexpectedly", pgcode=None) -> DBAPIError:
    orig = psycopg2.OperationalError(message)
    if pgcode is not None:
        orig = type("E", (psycopg2.OperationalError,), {"pgcode": pgcode})(message)
    return OperationalError("COMMIT", {}, orig)


@pytest.mark.parametrize("exc, lost", [
    (gone(), True),                                               # socket closed, no SQLSTATE
    (gone("terminating connection due to administrator command", "57P01"), True),
    (gone("the database system is starting up", "57P03"), True),
    (gone("connection failure", "08006"), True),
    (gone("deadlock detected", "40P01"), False),                  # a victim: retried, not gone
    (OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked")), False),
    (OperationalError("COMMIT", {}, Exception("disk I/O error")), False),
    (ValueError("bug"), False),
])
def test_a_lost_server_is_told_from_everything_else(exc, lost):
    assert is_connection_lost(exc) is lost
    if lost:
        assert is_busy(exc)   # the failed form offers "try again" and keeps its input
        assert "kept" in describe_error(exc)


def test_reconnects_back_off_to_a_ceiling():
    waits, w = [], 0.0
    for _ in range(8):
        w = next_backoff(w)
        waits.append(w)
    assert waits[0] == 0.5 and waits == sorted(waits) and waits[-1] == waits[-2] <= 5.0


def test_the_window_shows_the_outage_since_when_and_drops_it_when_back(
        make_window, qtbot, qapp):
    window = make_window(feed=True)
    worker = window._feed
    assert window.outage.isHidden()
    install_translators(qapp, "zh_CN")
    since = datetime(2026, 11, 29, 14, 3, 7)
    worker.connection_lost.emit(since)
    qtbot.waitUntil(lambda: not window.outage.isHidden(), timeout=2000)
    assert window.outage.label.text() == "数据库连接中断，正在重连…（自 14:03:07）"
    worker.connection_lost.emit(datetime(2026, 11, 29, 14, 3, 9))   # the first time stays
    qtbot.waitUntil(lambda: True)
    assert "14:03:07" in window.outage.label.text()
    worker.connection_back.emit()
    qtbot.waitUntil(window.outage.isHidden, timeout=2000)


def test_a_task_that_lost_the_server_raises_the_banner_too(make_window, qtbot):
    window = make_window()

    def fails(_s):
        raise gone()
    errors = []
    window.tasks.run(fails, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert not window.outage.isHidden()


def test_the_status_bar_names_both_hosts_of_a_multi_host_url():
    from console.ui.status_bar import describe_database
    url = "postgresql+psycopg2://seat@/city?host=db1:5432&host=db2:5432&target_session_attrs=read-write"
    assert describe_database(url) == ("PostgreSQL", "db1,db2/city")
