"""Administration of accounts: the list, a new or changed account, deactivation, password reset;
and every user's own password change.

Every read and write goes through console/services/users.py on a worker; the services check
that the one acting is an administrator as stored now, whatever this dialog shows.
"""
from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import describe_error, role_name
from console.domain.errors import DomainError
from console.domain.roles import Role
from console.live.tasks import TaskRunner
from console.services import users
from console.services.actor import Actor
from console.services.cases import now
from console.ui.form_dialog import FormDialog, password_field

#: The roles an account may hold, in the order the form offers them.
ROLE_ORDER = (Role.DISPATCHER, Role.LEADER, Role.DEPARTMENT, Role.PATROL, Role.VIEWER, Role.ADMIN)


class _FormDialog(FormDialog):
    """A form whose OK runs one service call on a worker and closes only when it succeeds."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.tasks = tasks

    def run(self, fn) -> None:
        self.busy(self.tr("Saving…"))
        self.tasks.run(fn, on_done=lambda _: self.accept(),
                       on_error=lambda exc: self.refuse(describe_error(exc)), owner=self)

    def passwords(self, first: QLineEdit, second: QLineEdit) -> str | None:
        a, b = first.text(), second.text()
        first.clear()
        second.clear()
        if a != b:
            self.refuse(describe_error(DomainError("passwords_differ")))
            return None
        return a


class UserForm(_FormDialog):
    """A new account (with its first password) or the name, role and department of one."""

    def __init__(self, tasks: TaskRunner, actor: Actor, departments: list[tuple[int, str]],
                 row: users.UserRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(tasks, parent)
        self.setObjectName("userForm")
        self.actor, self.row = actor, row
        self.setWindowTitle(self.tr("New user") if row is None else self.tr("Edit user"))
        self.username = QLineEdit(row.username if row else "", self)
        self.username.setObjectName("userName")
        self.username.setEnabled(row is None)   # the sign-in name is the account's key
        self.display_name = QLineEdit(row.display_name if row else "", self)
        self.display_name.setObjectName("userDisplayName")
        self.role = QComboBox(self)
        self.role.setObjectName("userRole")
        for role in ROLE_ORDER:
            self.role.addItem(role_name(role.value), role.value)
        self.department = QComboBox(self)
        self.department.setObjectName("userDepartment")
        for dep_id, name in departments:
            self.department.addItem(name, dep_id)
        self.form.addRow(self.tr("&User name:"), self.username)
        self.form.addRow(self.tr("&Name:"), self.display_name)
        self.form.addRow(self.tr("&Role:"), self.role)
        self.form.addRow(self.tr("&Department:"), self.department)
        self.password = self.confirm = None
        if row is None:
            self.password = password_field(self, "userPassword")
            self.confirm = password_field(self, "userConfirm")
            self.form.addRow(self.tr("&Password:"), self.password)
            self.form.addRow(self.tr("Repeat pass&word:"), self.confirm)
        self.role.currentIndexChanged.connect(self._role_changed)
        if row is not None:
            self.role.setCurrentIndex(max(0, self.role.findData(row.role)))
            if row.department_id is not None:
                self.department.setCurrentIndex(max(0, self.department.findData(row.department_id)))
        self._role_changed()

    def _role_changed(self) -> None:
        # Only a department's liaison belongs to a department; for any other role the field
        # is empty, not showing a department the account would not belong to.
        liaison = self.role.currentData() == Role.DEPARTMENT.value
        self.department.setEnabled(liaison)
        if not liaison:
            self.department.setCurrentIndex(-1)
        elif self.department.currentIndex() < 0 and self.department.count():
            self.department.setCurrentIndex(0)

    def submit(self) -> None:
        actor, role = self.actor, self.role.currentData()
        display = self.display_name.text()
        department = self.department.currentData() if role == Role.DEPARTMENT.value else None
        if self.row is None:
            password = self.passwords(self.password, self.confirm)
            if password is None:
                return
            username = self.username.text()
            self.run(lambda s: users.create_user(
                s, actor, username=username, display_name=display, role=role,
                password=password, department_id=department, at=now()))
        else:
            user_id = self.row.id
            self.run(lambda s: users.update_user(s, actor, user_id, display_name=display,
                                                 role=role, department_id=department, at=now()))


class PasswordDialog(_FormDialog):
    """One's own new password (proving the old one), or an administrator's reset of another's."""

    def __init__(self, tasks: TaskRunner, actor: Actor, *, reset: users.UserRow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, parent)
        self.setObjectName("passwordDialog")
        self.actor, self.reset = actor, reset
        self.old = None
        if reset is None:
            self.setWindowTitle(self.tr("Change my password"))
            self.old = password_field(self, "oldPassword")
            self.form.addRow(self.tr("&Current password:"), self.old)
        else:
            self.setWindowTitle(self.tr("Reset the password of {name}").format(
                name=reset.display_name))
        self.new = password_field(self, "newPassword")
        self.confirm = password_field(self, "confirmPassword")
        self.form.addRow(self.tr("&New password:"), self.new)
        self.form.addRow(self.tr("Re&peat new password:"), self.confirm)

    def submit(self) -> None:
        actor = self.actor
        new = self.passwords(self.new, self.confirm)
        if new is None:
            return
        if self.reset is None:
            old = self.old.text()
            self.old.clear()
            self.run(lambda s: users.change_own_password(s, actor, old, new, at=now()))
        else:
            user_id = self.reset.id
            self.run(lambda s: users.reset_password(s, actor, user_id, new, at=now()))


class UsersDialog(QDialog):
    """The administrator's list of accounts."""

    COLUMNS = 5

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usersDialog")
        self.setWindowTitle(self.tr("Users"))
        self.resize(760, 480)
        self.tasks, self.actor = tasks, actor
        self.rows: list[users.UserRow] = []
        self.departments: list[tuple[int, str]] = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, self.COLUMNS, self)
        self.table.setObjectName("usersTable")
        self.table.setHorizontalHeaderLabels([
            self.tr("User name"), self.tr("Name"), self.tr("Role"), self.tr("Department"),
            self.tr("State")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _: self.edit_user())
        layout.addWidget(self.table)
        self.message = QLabel(self)
        self.message.setObjectName("usersMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("&New…"), self)
        self.new_button.clicked.connect(self.new_user)
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.edit_button.clicked.connect(self.edit_user)
        self.active_button = QPushButton(self.tr("&Deactivate"), self)
        self.active_button.setObjectName("toggleActive")
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_button = QPushButton(self.tr("&Reset password…"), self)
        self.reset_button.clicked.connect(self.reset_password)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        for b in (self.new_button, self.edit_button, self.active_button, self.reset_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        actor = self.actor
        self.tasks.run(lambda s: (users.list_users(s, actor), users.department_choices(s)),
                       on_done=self._show, on_error=self._failed, owner=self)

    def _show(self, answer) -> None:
        self.rows, self.departments = answer
        self.table.setRowCount(len(self.rows))
        at = now()
        for i, r in enumerate(self.rows):
            if not r.active:
                state = self.tr("Deactivated")
            elif r.locked_until is not None and r.locked_until > at:
                state = self.tr("Locked until {time}").format(time=r.locked_until.strftime("%H:%M"))
            elif not r.has_password:
                state = self.tr("No password")
            else:
                state = self.tr("Active")
            for col, text in enumerate((r.username, r.display_name, role_name(r.role),
                                        r.department_name or "", state)):
                self.table.setItem(i, col, QTableWidgetItem(text))
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(describe_error(exc))

    def selected(self) -> users.UserRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        row = self.selected()
        for b in (self.edit_button, self.active_button, self.reset_button):
            b.setEnabled(row is not None)
        self.active_button.setText(self.tr("&Activate") if row is not None and not row.active
                                   else self.tr("&Deactivate"))

    def _form(self, dialog: QDialog) -> None:
        dialog.accepted.connect(self.reload)
        dialog.open()

    def new_user(self) -> None:
        self._form(UserForm(self.tasks, self.actor, self.departments, parent=self))

    def edit_user(self) -> None:
        row = self.selected()
        if row is not None:
            self._form(UserForm(self.tasks, self.actor, self.departments, row, parent=self))

    def reset_password(self) -> None:
        row = self.selected()
        if row is not None:
            self._form(PasswordDialog(self.tasks, self.actor, reset=row, parent=self))

    def toggle_active(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor, user_id, active = self.actor, row.id, not row.active
        self.tasks.run(lambda s: users.set_active(s, actor, user_id, active, at=now()),
                       on_done=lambda _: self.reload(), on_error=self._failed, owner=self)
