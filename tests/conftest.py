"""Test setup: offscreen Qt, settings and data in tmp_path, a fresh migrated database per test."""
from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path

import pytest

# The tiny service-test city (`city` fixture); modules with a city of their own override it.
pytest_plugins = ("tests.service_city",)

# Before anything imports Qt: no screen here, and QtWebEngine refuses to run as root sandboxed.
# The offscreen screen is a dispatcher's 1920×1080 workstation, not the plugin's 800×600, on
# which a window opens at its minimum size (it fits itself to the screen).
# Written once per run, whole (a Qt process reading a half-written file aborts), and named
# by this process: another run's rewrite must not touch it. Plain "offscreen" (as CI sets it)
# gets the screen too; another platform is the caller's choice.
_SCREEN = Path(tempfile.gettempdir()) / f"city-console-test-screen-{os.getpid()}.json"
with tempfile.NamedTemporaryFile("w", dir=_SCREEN.parent, delete=False, suffix=".tmp") as _f:
    json.dump({"screens": [{"name": "test", "x": 0, "y": 0, "width": 1920, "height": 1080,
                            "logicalDpi": 96, "dpr": 1}]}, _f)
os.replace(_f.name, _SCREEN)
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"
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
    _SCREEN.unlink(missing_ok=True)   # this run's screen; its Qt children have ended
