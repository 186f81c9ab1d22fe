"""The Open311 keys page: an administrator issues a key (shown once, copyable, with the warning),
sees who issued it and its use, and revokes it; other roles see no menu entry and the services
refuse them anyway. Every read and write runs off the GUI thread (tests/gui_sql_guard.py)."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QMessageBox
from sqlalchemy import select

from console.common.i18n import install_translators
from console.services import open311_keys
from console.services.open311 import Refused, Submission, submit
from console.store.models import Open311Key
from console.ui.devices_dialog import install_devices_menu
from console.ui.open311_keys_dialog import Open311KeysDialog, add_open311_keys_action
from tests.service_city import CENTRE, GARBAGE
from tests.test_main_window import english, make_window  # noqa: F401  (fixtures)
from tests.test_sign_in_ui import people, tasks, zh  # noqa: F401  (fixtures)


def column(dialog, col: int) -> list[str]:
    return [dialog.table.item(r, col).text() for r in range(dialog.table.rowCount())]


def test_the_administrator_issues_sees_and_revokes_a_key(db, tasks, people, qtbot, zh,  # noqa: F811
                                                         monkeypatch):
    dialog = Open311KeysDialog(tasks, people["admin"])
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.reload()
    assert dialog.table.rowCount() == 0
    with qtbot.waitSignal(dialog.issued, timeout=5000):
        dialog.issue("wx-app")
    shown = dialog.key_dialog
    assert shown is not None and shown.isVisible()
    key = shown.field.text()
    assert shown.field.isReadOnly() and len(key) >= 40
    assert "不会再次显示" in shown.warning.text()
    shown.copy_button.click()
    assert QGuiApplication.clipboard().text() == key
    with db.session() as s:
        stored = s.scalars(select(Open311Key)).one()
        assert stored.key_hash == open311_keys.key_hash(key) and stored.issued_by == "管理员"
        assert open311_keys.application_for(s, key) == "wx-app"
    qtbot.waitUntil(lambda: column(dialog, 0) == ["wx-app"], timeout=5000)
    assert column(dialog, 1) == [f"{key[:6]}…"] and key not in " ".join(
        " ".join(column(dialog, c)) for c in range(7))
    assert column(dialog, 2) == ["管理员"] and column(dialog, 4) == ["—"]
    assert column(dialog, 5) == ["0"] and column(dialog, 6) == ["有效"]
    # A second key for the same application is refused, in words.
    dialog.issue("wx-app")
    qtbot.waitUntil(lambda: "吊销" in dialog.message.text(), timeout=5000)
    # Revoking asks first; the list follows.
    dialog.table.selectRow(0)
    assert dialog.revoke_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.revoked, timeout=5000):
        dialog.revoke_button.click()
    qtbot.waitUntil(lambda: column(dialog, 6)[0].startswith("已吊销"), timeout=5000)
    with db.session() as s:
        assert open311_keys.application_for(s, key) is None


def test_use_is_counted_by_accepted_reports_only(db, city, people):  # noqa: F811
    with db.transaction() as s:
        key = open311_keys.issue_key(s, "city-app", actor=people["admin"])
    sub = Submission(service_code=GARBAGE, lat=str(CENTRE[1]), long=str(CENTRE[0]))
    for _ in range(2):
        with db.transaction() as s:
            submit(s, key, sub)
    try:
        with db.transaction() as s:
            submit(s, key, Submission(service_code="99999", lat=sub.lat, long=sub.long))
    except Refused:
        pass
    with db.session() as s:
        (info,) = open311_keys.list_keys(s, actor=people["admin"])
    assert info.requests == 2 and info.last_used_at is not None
    assert info.last_used_at <= datetime.now()


def test_a_dispatcher_has_no_entry_and_the_service_refuses(make_window, tasks, people,  # noqa: F811
                                                           qtbot, qapp):
    window = make_window()
    window.set_actor(people["zhangwei"])
    install_translators(qapp, "zh_CN")
    try:
        field = install_devices_menu(window.menuBar(), tasks, None, window)
        action = add_open311_keys_action(field, tasks, window)
    finally:
        install_translators(qapp, "en")
    assert window.findChild(QMenu, "fieldMenu") is field
    assert not action.isVisible()                       # the window's user is a dispatcher
    action.open_dialog()
    assert action.dialogs == []
    window.set_actor(people["admin"])                   # shift change to the administrator
    assert action.isVisible() and action.text() == "Open311 API 密钥(&K)…"
    action.open_dialog()
    (dialog,) = action.dialogs
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=5000)
    window.set_actor(people["zhangwei"])                # and back: the page goes with them
    assert not action.isVisible() and action.dialogs == []
    refused = Open311KeysDialog(tasks, people["zhangwei"])
    qtbot.addWidget(refused)
    refused.reload()
    qtbot.waitUntil(lambda: "may not" in refused.message.text(), timeout=5000)
    assert refused.table.rowCount() == 0
