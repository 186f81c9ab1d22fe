"""The locked seat: an opaque layer over the main window that asks for the password again.

Nothing is closed while the seat is locked: the window, its docks, every open form and the
text typed in it stay exactly as they were, hidden under the layer (floating docks and open
dialogs are made transparent) and out of reach of the keyboard and the mouse (disabled, which
keeps their contents and their own state). The same layer serves the shift change
(交接班): another user signs in on the same window, with its layout and its open work.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shiboken6 import isValid

from console.common.messages import describe_error, role_name
from console.live.tasks import TaskRunner
from console.services import users
from console.services.actor import Actor
from console.services.cases import now

COVER_SWEEP_MS = 200
_ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
                       QEvent.Type.MouseMove, QEvent.Type.TouchBegin})


class IdleWatch(QObject):
    """Emits `idle` after `minutes` without a key, click, wheel or mouse move in any window of
    the application: the main window, its floating docks, every dialog and menu.

    Every input event reaches a top-level QWindow before any widget, so the watch listens on
    each QWindow of the application: those open when it starts and each one that takes the
    focus later (a dialog, a popup menu). Not on the QApplication: a Python filter there is
    called for every event of every object, and PySide crashes when a worker imports a module
    meanwhile (seen in tests/test_sign_in_ui.py with the map's page being built)."""

    idle = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.idle)
        self._watched: set[int] = set()
        self._stopped = False
        QGuiApplication.instance().focusWindowChanged.connect(self._watch)

    def _watch(self, handle: QWindow | None) -> None:
        if handle is not None and not self._stopped and id(handle) not in self._watched:
            handle.installEventFilter(self)
            self._watched.add(id(handle))
            handle.destroyed.connect(lambda _=None, key=id(handle): self._watched.discard(key))
            if self._timer.isActive():
                self._timer.start()   # a window opening is the user's doing too

    def _watch_all(self) -> None:
        for handle in QGuiApplication.topLevelWindows():
            self._watch(handle)

    def set_minutes(self, minutes: float) -> None:
        """Lock after this many idle minutes; 0 or less: never."""
        self._watch_all()
        if minutes > 0 and not self._stopped:
            self._timer.setInterval(int(minutes * 60_000))
            self._timer.start()
        else:
            self._timer.stop()

    def pause(self) -> None:
        self._timer.stop()

    def resume(self) -> None:
        self._watch_all()
        if not self._stopped and self._timer.interval() > 0:
            self._timer.start()

    def stop(self) -> None:
        """Stop for good (the window is closing)."""
        if self._stopped:
            return
        self._stopped = True
        self._timer.stop()
        QGuiApplication.instance().focusWindowChanged.disconnect(self._watch)
        for handle in QGuiApplication.topLevelWindows():
            if id(handle) in self._watched:
                handle.removeEventFilter(self)
        self._watched.clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()   # restart: idle time counts from the last input
        return False


class LockOverlay(QFrame):
    """Covers `window` while the seat is locked; `unlocked` says who works on it now."""

    unlocked = Signal(object)   # Actor: the same user, or the next shift's

    def __init__(self, window: QWidget, tasks: TaskRunner) -> None:
        super().__init__(window)
        self.setObjectName("lockOverlay")
        self.setAutoFillBackground(True)
        self.window_ = window
        self.tasks = tasks
        self.actor: Actor | None = None
        self.shift_change = False
        self._hidden_windows: list[tuple[QWidget, float]] = []

        panel = QFrame(self)
        panel.setObjectName("lockPanel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setMaximumWidth(460)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        layout = QVBoxLayout(panel)
        self.title = QLabel(panel)
        self.title.setObjectName("lockTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.who = QLabel(panel)
        self.who.setObjectName("lockWho")
        self.who.setWordWrap(True)
        layout.addWidget(self.who)
        form = QFormLayout()
        self.username = QLineEdit(panel)
        self.username.setObjectName("lockUser")
        self.password = QLineEdit(panel)
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.password.returnPressed.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self._user_label = QLabel(self.tr("&User name:"), panel)
        self._user_label.setBuddy(self.username)
        form.addRow(self._user_label, self.username)
        form.addRow(self.tr("&Password:"), self.password)
        layout.addLayout(form)
        self.message = QLabel(panel)
        self.message.setObjectName("lockMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.switch_button = QPushButton(self.tr("Shift change: another user…"), panel)
        self.switch_button.setObjectName("lockSwitch")
        self.switch_button.clicked.connect(lambda: self.lock(self.actor, shift_change=True))
        self.unlock_button = QPushButton(self.tr("&Unlock"), panel)
        self.unlock_button.setObjectName("lockUnlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        self.hide()
        self._disabled: list[QWidget] = []
        # While locked, a window that opens (a message box, a dialog a feed answer opens) is
        # covered like the others: looked for a few times a second, not by an event filter.
        self._sweep = QTimer(self, interval=COVER_SWEEP_MS)
        self._sweep.timeout.connect(self._cover_new_windows)

    # --- locking ---------------------------------------------------------------------------

    def is_locked(self) -> bool:
        return self.isVisible()

    def lock(self, actor: Actor | None, *, shift_change: bool = False) -> None:
        """Cover the window; ask `actor` for the password, or (shift change) anyone to sign in."""
        self.actor = actor
        self.shift_change = shift_change or actor is None
        demo = actor is not None and actor.demo
        if self.shift_change:
            self.title.setText(self.tr("Shift change"))
            self.who.setText(self.tr("The window, its layout and any open work stay as they "
                                     "are. The next user signs in:"))
            self.username.clear()
        else:
            self.title.setText(self.tr("Seat locked"))
            self.who.setText(self.tr("Locked for {name} ({role}). Enter the password to go "
                                     "on; everything open stays as it was.").format(
                name=actor.name, role=role_name(actor.role.value)))
            self.username.setText(actor.username)
        self.username.setVisible(self.shift_change)
        self._user_label.setVisible(self.shift_change)
        self.password.setVisible(not demo)
        self.switch_button.setVisible(not self.shift_change)
        # "Unlock" would be wrong for a new user taking over, and its &U clashes with &User name.
        self.unlock_button.setText(self.tr("&Sign in") if self.shift_change else self.tr("&Unlock"))
        self.password.clear()
        self.message.setText(self.tr("Demo city: no password is needed.") if demo else "")
        self.unlock_button.setEnabled(True)
        if not self.isVisible():
            self._cover_other_windows()
        self.setGeometry(self.window_.rect())
        self.show()
        self.raise_()
        (self.username if self.shift_change else self.password).setFocus()

    def submit(self) -> None:
        name, password = self.username.text(), self.password.text()
        self.password.clear()
        actor = self.actor
        self.unlock_button.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        if self.shift_change and actor is not None and actor.demo:
            self.tasks.run(lambda s: users.demo_sign_in(s, name.strip() or None),
                           on_done=self._open, on_error=self._failed, owner=self)
        elif self.shift_change:
            self.tasks.run(lambda s: users.sign_in(s, name, password, now()),
                           on_done=self._signed_in, on_error=self._failed, owner=self)
        else:
            self.tasks.run(lambda s: users.verify_password(s, actor, password),
                           on_done=lambda ok: self._open(actor) if ok else self._refused(),
                           on_error=self._failed, owner=self)

    def _signed_in(self, result: users.SignIn) -> None:
        if result.actor is None:
            self.message.setText(describe_error(result.refusal))
            self.unlock_button.setEnabled(True)
        else:
            self._open(result.actor)

    def _refused(self) -> None:
        self.message.setText(self.tr("The password is wrong."))
        self.unlock_button.setEnabled(True)
        self.password.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(describe_error(exc))
        self.unlock_button.setEnabled(True)

    def _open(self, actor: Actor) -> None:
        self._uncover_other_windows()
        self.hide()
        self.actor = actor
        self.unlocked.emit(actor)

    def release(self) -> None:
        """Give everything back (the window is closing)."""
        self._uncover_other_windows()

    # --- what else is on screen ------------------------------------------------------------

    def _cover_other_windows(self) -> None:
        """Put everything but this layer out of reach: the window's own parts (menus, docks,
        the map) disabled, every other window of the seat disabled and transparent — not
        hidden, not closed: hiding a modal dialog would end it and lose what was typed in it,
        and a disabled widget keeps its text and its own enabled state for afterwards."""
        self._hidden_windows, self._disabled = [], []
        for child in self.window_.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child is not self and child.isEnabled():
                child.setEnabled(False)
                self._disabled.append(child)
        for w in QApplication.topLevelWidgets():
            if w.isVisible():
                self.cover_window(w)
        self._sweep.start()

    def cover_window(self, w: QWidget) -> None:
        """Make one window of the seat (not the main one) transparent and out of reach."""
        if w is self.window_ or any(w is seen for seen, _ in self._hidden_windows):
            return
        self._hidden_windows.append((w, w.windowOpacity()))
        w.setWindowOpacity(0.0)
        if w.isEnabled():
            w.setEnabled(False)
            self._disabled.append(w)

    def _cover_new_windows(self) -> None:
        for w in QApplication.topLevelWidgets():
            if w.isVisible() and w.windowOpacity() > 0.0:
                self.cover_window(w)

    def _uncover_other_windows(self) -> None:
        self._sweep.stop()
        for w in self._disabled:
            if isValid(w):
                w.setEnabled(True)
        for w, opacity in self._hidden_windows:
            if isValid(w):
                w.setWindowOpacity(opacity)
        self._hidden_windows, self._disabled = [], []

    def follow_window(self) -> None:
        """Keep covering the whole window (it calls this when it is resized)."""
        if self.isVisible():
            self.setGeometry(self.window_.rect())
