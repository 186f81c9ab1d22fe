"""人员导入导出 at the seat: export, a check that reports problems where the sheet shows them and
writes nothing, an import, and a one-time password that lets a new account sign in."""
from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from console.common.i18n import install_translators
from console.live.tasks import TaskRunner
from console.services import users
from console.services.people_accounts import make_password
from console.store.models import PatrolOfficer, User
from console.ui.people_dialog import PeopleDialog

ADMIN_PW = "长城永不倒-2026"


@pytest.fixture
def zh(qapp):
    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


@pytest.fixture
def admin(db):
    with db.transaction() as s:
        return users.create_first_administrator(s, "admin", "管理员", ADMIN_PW,
                                                datetime.now().replace(microsecond=0))


@pytest.fixture
def dialog(db, admin, qtbot, zh):
    tasks = TaskRunner(db)
    d = PeopleDialog(tasks, admin)
    qtbot.addWidget(d)
    d.show()
    yield d
    assert tasks.wait(5000)


def _add_rows(path, **rows) -> None:
    book = load_workbook(path)
    for sheet, values in rows.items():
        for row in values:
            book[sheet].append(row)
    book.save(path)


def _counts(db) -> tuple[int, int]:
    with db.transaction() as s:
        return (s.scalar(select(func.count()).select_from(User)),
                s.scalar(select(func.count()).select_from(PatrolOfficer)))


def test_one_time_passwords_are_long_and_readable():
    pw = make_password(12)
    assert len(pw) >= 12 and not set(pw) & set("0O1lI")
    assert make_password(12) != pw


def test_check_reports_problems_then_import_and_a_one_time_password(db, dialog, qtbot, tmp_path,
                                                                    monkeypatch):
    book = tmp_path / "组织人员.xlsx"
    monkeypatch.setattr(dialog, "ask_save_path", lambda: str(book))
    monkeypatch.setattr(dialog, "ask_open_path", lambda: str(book))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled() and book.exists(), timeout=10_000)
    assert "组织人员.xlsx" in dialog.message.text()

    # A new account, and an officer patrolling a work grid nobody has heard of.
    _add_rows(book, users=[["newbie", "新来的", "dispatcher", None, "yes"]],
              officers=[["P900", "王五", "13900000000", "NO-SUCH-GRID", None, "yes"]])
    before = _counts(db)
    with qtbot.waitSignal(dialog.report_shown, timeout=10_000) as shown:
        dialog.check_button.click()
    report = shown.args[0]
    assert not report.ok and not dialog.apply_button.isEnabled()
    assert dialog.problems.isVisible() and dialog.problems.rowCount() == 1
    cells = [dialog.problems.item(0, c).text() for c in range(5)]
    assert cells[0] == "巡查员" and cells[3] == "NO-SUCH-GRID" and cells[2] == "D"
    assert "NO-SUCH-GRID" in cells[4] and cells[1] == str(report.problems[0].row)
    assert _counts(db) == before

    # Fixed: the check counts what will change, and only the import writes it.
    wb = load_workbook(book)
    ws = wb["officers"]
    ws.delete_rows(ws.max_row)
    wb.save(book)
    with qtbot.waitSignal(dialog.report_shown, timeout=10_000) as shown:
        dialog.check_button.click()
    assert shown.args[0].ok and shown.args[0].added["users"] == 1
    assert dialog.summary.item(1, 0).text() == "账号" and dialog.summary.item(1, 1).text() == "1"
    assert not dialog.problems.isVisible() and _counts(db) == before
    qtbot.waitUntil(dialog.apply_button.isEnabled, timeout=5000)
    with qtbot.waitSignal(dialog.report_shown, timeout=10_000) as shown:
        dialog.apply_button.click()
    assert shown.args[0].applied and _counts(db) == (before[0] + 1, before[1])
    assert dialog.accounts_box.isVisible() and dialog.accounts.item(0, 0).text() == "newbie"
    assert not dialog.apply_button.isEnabled()           # the same import twice: no

    button = dialog.accounts.cellWidget(0, 2)
    with qtbot.waitSignal(dialog.password_set, timeout=10_000):
        button.click()
    password = dialog.accounts.cellWidget(0, 1).text()
    with db.transaction() as s:
        signed = users.sign_in(s, "newbie", password, datetime.now().replace(microsecond=0))
    assert signed.actor is not None and signed.actor.username == "newbie"


def test_cancel_during_an_import_writes_nothing(db, dialog, qtbot, tmp_path, monkeypatch):
    import threading
    book = tmp_path / "book.xlsx"
    monkeypatch.setattr(dialog, "ask_save_path", lambda: str(book))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled() and book.exists(), timeout=10_000)
    _add_rows(book, users=[["newbie", "新来的", "dispatcher", None, "yes"]])
    dialog.path = book
    with qtbot.waitSignal(dialog.report_shown, timeout=10_000):
        dialog._run_import(dry_run=True)
    # The import waits at its write stage until the test has pressed cancel.
    gate, reached = threading.Event(), threading.Event()
    real = dialog._stage

    def stage(job):
        tell = real(job)

        def gated(fraction, name):
            if name == "write":
                reached.set()
                assert gate.wait(5)
            tell(fraction, name)
        return gated
    monkeypatch.setattr(dialog, "_stage", stage)
    before = _counts(db)
    dialog.apply_button.click()
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    dialog.cancel_button.click()
    gate.set()
    assert dialog.tasks.wait(5000)
    assert _counts(db) == before
    assert "未写入" in dialog.message.text() or "nothing" in dialog.message.text()
    assert dialog.check_button.isEnabled()
