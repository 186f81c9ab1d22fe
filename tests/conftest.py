"""Test setup: offscreen Qt, settings and data in tmp_path, a fresh migrated database per test."""
from __future__ import annotations

import os
import threading

import pytest

from console.bench import offscreen_platform, workstation_screen

# The tiny service-test city (`city` fixture); modules with a city of their own override it.
pytest_plugins = ("tests.service_city",)

# Before anything imports Qt: no screen here, and QtWebEngine refuses to run as root sandboxed.
# The offscreen screen is a dispatcher's 1920×1080 workstation, not the plugin's smaller one,
# on which a window opens at its minimum size (it fits itself to the screen); plain
# "offscreen" (as CI sets it) gets it too. Its file goes at the session's end: the process
# ends with os._exit (pytest_unconfigure), before atexit.
os.environ["QT_QPA_PLATFORM"] = offscreen_platform()
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    """Keep the console's data folder and QSettings inside the test's tmp_path."""
    monkeypatch.setenv("CITY_CONSOLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CITY_CONSOLE_CONFIG_DIR", str(tmp_path / "config"))
    yield


@pytest.fixture
def db(tmp_path):
    """A migrated, seeded SQLite database in a file (WAL needs a real file)."""
    from console.store.database import open_database
    database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def _no_dangling_threads():
    """A test must stop every thread it started (simulator, feed worker, task pool)."""
    before = {t.ident for t in threading.enumerate()}
    yield
    left = [t for t in threading.enumerate()
            if t.ident not in before and t.is_alive() and not t.daemon]
    for t in left:
        t.join(timeout=5)
    still = [t.name for t in left if t.is_alive()]
    assert not still, f"threads left running: {still}"


@pytest.fixture(autouse=True)
def _no_sql_on_the_gui_thread(request):
    """Every Qt test fails if the application runs SQL on the GUI thread (tests/gui_sql_guard.py)."""
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    from tests.gui_sql_guard import GuiSqlGuard, guarding
    with guarding(GuiSqlGuard()) as guard:
        yield
    if guard.violations:
        pytest.fail(f"{len(guard.violations)} statement(s) ran on the GUI thread; the first:\n"
                    f"{guard.violations[0]}", pytrace=False)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """End the process as soon as pytest is done, with pytest's own exit status.

    Tearing down the interpreter afterwards destroys QtWebEngine's profile while pages of map
    widgets from earlier tests are still queued for deletion ("Release of profile requested
    but WebEnginePage still not deleted"); that teardown crashed once at the end of a full
    run (exit 139 after "2719 passed"), which would report a passing run as failed. Nothing
    the tests check happens after this point; the application's own exit path is tested
    separately (tests that run the console as a child process)."""
    import sys
    status = getattr(config, "_console_exit_status", None)
    if status is None or os.environ.get("CITY_CONSOLE_TEST_NORMAL_EXIT"):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def pytest_sessionfinish(session, exitstatus):
    session.config._console_exit_status = int(exitstatus)
    workstation_screen().unlink(missing_ok=True)   # its Qt children have ended
