"""Signing in at a seat: the dialogs, the lock layer, the shift change, the interface by role."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit
from sqlalchemy import update

from console.common.i18n import install_translators
from console.common.seat_settings import SeatSettings
from console.live.tasks import TaskRunner
from console.services import users
from console.services.actor import Actor
from console.store.models import User
from console.ui.main_window import MainWindow
from console.ui.sign_in_dialog import FirstAdministratorDialog, SignInDialog
from console.ui.users_dialog import UsersDialog

ADMIN_PW = "长城永不倒-2026"
DESK_PW = "值班密码-2026-a"
VIEW_PW = "大屏只读-2026-b"


@pytest.fixture
def zh(qapp):
    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


@pytest.fixture
def people(db) -> dict[str, Actor]:
    """An administrator, a dispatcher and a viewer, each with a password."""
    now = datetime.now().replace(microsecond=0)
    with db.transaction() as s:
        admin = users.create_first_administrator(s, "admin", "管理员", ADMIN_PW, now)
        for name, display, role in (("zhangwei", "张伟", "dispatcher"),
                                    ("wall", "大屏", "viewer")):
            users.create_user(s, admin, username=name, display_name=display, role=role,
                              password=DESK_PW if role == "dispatcher" else VIEW_PW, at=now)
    out = {"admin": admin}
    for name in ("zhangwei", "wall"):
        with db.transaction() as s:
            out[name] = users.sign_in(s, name, DESK_PW if name == "zhangwei" else VIEW_PW,
                                      now).actor
    return out


@pytest.fixture
def tasks(db):
    runner = TaskRunner(db)
    yield runner
    assert runner.wait(5000)


@pytest.fixture
def window(db, tasks, qtbot, people, zh):
    w = MainWindow(tasks, SeatSettings.open(), database_url=db.url)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.overview_loaded, timeout=5000):
        w.show()
    w.set_actor(people["zhangwei"])
    return w


def _ok(dialog: QDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_sign_in_dialog_refuses_then_signs_in_off_the_gui_thread(tasks, people, qtbot, zh):
    dialog = SignInDialog(tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("zhangwei")
    dialog.password.setText("不是这个密码-123")
    _ok(dialog)
    assert dialog.password.text() == ""   # the typed password does not stay in the field
    qtbot.waitUntil(lambda: dialog.message.text() == "用户名或密码错误。", timeout=10_000)
    assert dialog.actor is None and dialog.isVisible()
    dialog.password.setText(DESK_PW)
    with qtbot.waitSignal(dialog.signed_in, timeout=10_000) as signal:
        _ok(dialog)
    assert signal.args[0] == people["zhangwei"]
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_the_first_administrator_dialog_checks_both_passwords(db, tasks, qtbot, zh):
    dialog = FirstAdministratorDialog(tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText(ADMIN_PW)
    dialog.confirm.setText(ADMIN_PW + "x")
    _ok(dialog)
    assert dialog.message.text() == "两次输入的密码不一致。"
    dialog.password.setText(ADMIN_PW)
    dialog.confirm.setText(ADMIN_PW)
    with qtbot.waitSignal(dialog.signed_in, timeout=10_000):
        _ok(dialog)
    assert dialog.actor.role.value == "admin"
    with db.session() as s:
        assert not users.needs_administrator(s)


def test_the_lock_keeps_open_work_and_asks_for_the_password(window, qtbot, tasks):
    # Unsaved text in the window and in an open form of its own.
    search = window.queue_dock.findChild(QLineEdit)
    search.setText("井盖 未保存")
    form = QDialog(window)
    note = QLineEdit("写了一半的备注", form)
    form.show()
    window.lock_seat()
    overlay = window.lock_overlay
    assert overlay.is_locked() and overlay.geometry() == window.rect()
    assert not window.queue_dock.isEnabled() and not window.menuBar().isEnabled()
    assert not form.isEnabled() and form.windowOpacity() == 0.0
    overlay.password.setText("错误的密码-000")
    overlay.submit()
    qtbot.waitUntil(lambda: overlay.message.text() == "密码错误。", timeout=10_000)
    assert overlay.is_locked()
    overlay.password.setText(DESK_PW)
    with qtbot.waitSignal(overlay.unlocked, timeout=10_000):
        overlay.submit()
    assert not overlay.is_locked()
    assert window.queue_dock.isEnabled() and form.isEnabled() and form.isVisible()
    assert form.windowOpacity() == 1.0
    assert search.text() == "井盖 未保存" and note.text() == "写了一半的备注"
    form.close()


def test_the_seat_locks_after_the_idle_time(window, qtbot):
    window.idle.set_minutes(0.001)   # 60 ms
    qtbot.waitUntil(window.lock_overlay.is_locked, timeout=5000)
    assert window.lock_overlay.title.text() == "席位已锁定"


def test_typing_in_a_dialog_counts_as_activity(window, qtbot):
    """Idle time counts input anywhere in the application, not on the main window alone."""
    form = QDialog(window)
    note = QLineEdit(form)
    form.show()
    form.activateWindow()
    note.setFocus()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is form.windowHandle(), timeout=5000)
    typing = QTimer(interval=60)
    # Through the dialog's own window, as a keyboard's keys arrive.
    typing.timeout.connect(lambda: QTest.keyClick(form.windowHandle(), Qt.Key.Key_A))
    window.idle.set_minutes(0.01)   # 600 ms
    typing.start()
    try:
        # 25 keys at 60 ms: about 1.5 s of typing, well past the idle time.
        qtbot.waitUntil(lambda: len(note.text()) >= 25 or window.lock_overlay.is_locked(),
                        timeout=10_000)
        assert not window.lock_overlay.is_locked()
    finally:
        typing.stop()
    qtbot.waitUntil(window.lock_overlay.is_locked, timeout=5000)   # and idle again: it locks
    assert not form.isEnabled() and form.windowOpacity() == 0.0
    form.close()


def test_a_window_opened_while_locked_is_covered_too(window, qtbot):
    window.lock_seat()
    box = QDialog(window)
    QLineEdit("在锁定时弹出", box)
    box.show()
    qtbot.waitUntil(lambda: not box.isEnabled() and box.windowOpacity() == 0.0, timeout=5000)
    window.lock_overlay.password.setText(DESK_PW)
    with qtbot.waitSignal(window.lock_overlay.unlocked, timeout=10_000):
        window.lock_overlay.submit()
    assert box.isEnabled() and box.windowOpacity() == 1.0 and box.isVisible()
    box.close()


def test_shift_change_keeps_the_window_and_its_layout(window, qtbot, people):
    state, geometry = window.saveState(), window.saveGeometry()
    window.shift_change()
    overlay = window.lock_overlay
    assert overlay.title.text() == "交接班" and overlay.username.isVisibleTo(overlay)
    overlay.username.setText("admin")
    overlay.password.setText(ADMIN_PW)
    with qtbot.waitSignal(overlay.unlocked, timeout=10_000):
        overlay.submit()
    assert window.actor == people["admin"]
    assert window.admin_menu.menuAction().isVisible()
    assert "管理员" in window.status.user_label.text()
    assert window.saveState() == state and window.saveGeometry() == geometry


def test_a_viewer_sees_no_actions(window, people):
    window.set_actor(people["wall"])
    assert not window.admin_menu.menuAction().isVisible()
    assert window.alerts_dock.ack_button.isHidden() and window.alerts_dock.escalate_button.isHidden()
    assert window.password_action.isVisible()
    assert "只读观察员" in window.status.user_label.text()
    assert window.queue_dock.new_case_button.isHidden()   # a viewer files no reports
    window.set_actor(people["zhangwei"])
    assert not window.alerts_dock.ack_button.isHidden()
    assert not window.queue_dock.new_case_button.isHidden()


def test_a_seat_whose_user_is_deactivated_asks_for_the_next_one(window, db, qtbot):
    with db.transaction() as s:
        s.execute(update(User).where(User.username == "zhangwei").values(active=False))
    window._reload_actor()
    qtbot.waitUntil(window.lock_overlay.is_locked, timeout=5000)
    assert window.lock_overlay.shift_change


def test_the_administrator_lists_and_deactivates_users(db, tasks, people, qtbot, zh):
    dialog = UsersDialog(tasks, people["admin"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3, timeout=5000)
    names = [dialog.table.item(r, 0).text() for r in range(3)]
    dialog.table.selectRow(names.index("wall"))
    dialog.toggle_active()
    qtbot.waitUntil(lambda: "已停用" in [dialog.table.item(r, 4).text() for r in range(3)],
                    timeout=5000)
    with db.session() as s:
        assert not s.get(User, people["wall"].user_id).active


def test_the_users_dialog_as_a_dispatcher_shows_the_refusal(tasks, people, qtbot, zh):
    dialog = UsersDialog(tasks, people["zhangwei"])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "无权" in dialog.message.text() or "管理用户" in dialog.message.text(),
                    timeout=5000)
    assert dialog.table.rowCount() == 0


def test_the_demo_says_so_in_the_title_and_the_status_bar(window, people):
    demo = Actor(people["zhangwei"].user_id, "张伟", people["zhangwei"].role, demo=True)
    window.set_actor(demo)
    assert window.windowTitle().endswith("· 演示")
    assert window.status.user_label.text().startswith("演示")
    assert not window.password_action.isVisible()   # nothing to change: it has none
    window.lock_seat()
    assert window.lock_overlay.password.isHidden()
    assert window.lock_overlay.message.text() == "演示城市：无需密码。"
