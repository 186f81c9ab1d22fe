"""The sign-in dialog at start, and the first administrator's account for a new database.

The password is checked on a worker (argon2 takes a few hundred milliseconds on purpose, and
the database may be on the network): the dialog stays responsive and says it is checking.
The password field is cleared after every attempt; the text lives only in the field.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from console.common.messages import describe_error
from console.domain.errors import DomainError
from console.live.tasks import TaskRunner
from console.services import users
from console.services.actor import Actor
from console.services.cases import now
from console.ui.form_dialog import FormDialog, password_field


class _AccountDialog(FormDialog):
    """Both dialogs end with someone signed in: `actor`, and the `signed_in` signal."""

    signed_in = Signal(object)   # Actor

    def __init__(self, tasks: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(parent, message_name="accountMessage")
        self.tasks = tasks
        self.actor: Actor | None = None
        self.intro.setObjectName("accountIntro")

    def succeed(self, actor: Actor) -> None:
        self.actor = actor
        self.signed_in.emit(actor)
        self.accept()


class SignInDialog(_AccountDialog):
    """User name and password; `actor` holds who signed in once the dialog is accepted."""

    def __init__(self, tasks: TaskRunner, *, username: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("Sign in · City Command Console"))
        self.set_intro(self.tr("Sign in with your user name and password."))
        self.username = QLineEdit(username, self)
        self.username.setObjectName("signInUser")
        self.password = password_field(self, "signInPassword")
        self.form.addRow(self.tr("&User name:"), self.username)
        self.form.addRow(self.tr("&Password:"), self.password)
        (self.password if username else self.username).setFocus()

    def submit(self) -> None:
        name, password = self.username.text(), self.password.text()
        self.password.clear()
        if not name.strip() or not password:
            self.refuse(self.tr("Enter your user name and password."))
            return
        self.busy(self.tr("Checking…"))
        self.tasks.run(lambda s: users.sign_in(s, name, password, now()),
                       on_done=self._answered, on_error=self._failed, owner=self)

    def _answered(self, result: users.SignIn) -> None:
        if result.actor is None:
            self.refuse(describe_error(result.refusal))
            self.password.setFocus()
        else:
            self.succeed(result.actor)

    def _failed(self, exc: BaseException) -> None:
        self.refuse(describe_error(exc))


class FirstAdministratorDialog(_AccountDialog):
    """A database with no administrator who can sign in: create one before anything else."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(tasks, parent)
        self.setObjectName("firstAdminDialog")
        self.setWindowTitle(self.tr("Administrator account · City Command Console"))
        self.set_intro(self.tr(
            "This database has no administrator yet. Create the administrator's account: it "
            "signs in first and creates the other users."))
        self.username = QLineEdit("admin", self)
        self.username.setObjectName("adminUser")
        self.display_name = QLineEdit(self.tr("Administrator"), self)
        self.display_name.setObjectName("adminName")
        self.password = password_field(self, "adminPassword")
        self.confirm = password_field(self, "adminConfirm")
        self.form.addRow(self.tr("&User name:"), self.username)
        self.form.addRow(self.tr("&Name:"), self.display_name)
        self.form.addRow(self.tr("&Password:"), self.password)
        self.form.addRow(self.tr("&Repeat password:"), self.confirm)
        self.password.setFocus()

    def submit(self) -> None:
        name, display = self.username.text(), self.display_name.text()
        password, confirm = self.password.text(), self.confirm.text()
        self.password.clear()
        self.confirm.clear()
        if password != confirm:
            self.refuse(describe_error(DomainError("passwords_differ")))
            return
        self.busy(self.tr("Creating the account…"))
        self.tasks.run(lambda s: users.create_first_administrator(s, name, display, password, now()),
                       on_done=self.succeed, on_error=self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.refuse(describe_error(exc))
