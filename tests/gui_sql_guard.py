"""The GUI thread never runs SQL: a hook on every cursor that records statements run there.

What counts: a statement on the main thread (a) while a Qt event loop runs on it — a slot, a
timer, a queued answer: application code, since pytest-qt calls the test's own waitUntil
callbacks between loop runs — or (b) from a method of one of the console's Qt objects (a
widget's constructor, a slot called directly by a simulated click). Test set-up that builds
data on the main thread before or between loops does neither; a test that must run SQL inside
a loop says so with `sql_on_gui_thread_allowed()`.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine

CONSOLE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "console") + os.sep


@dataclass
class Violation:
    reason: str
    statement: str
    stack: str

    def __str__(self) -> str:
        return f"{self.reason}:\n    {self.statement.strip()[:300]}\n{self.stack}"


class GuiSqlGuard:
    """Listens on every Engine's cursor; `violations` are what ran on the GUI thread."""

    def __init__(self, app_dirs: tuple[str, ...] = (CONSOLE_DIR,)) -> None:
        self.app_dirs = app_dirs
        self.violations: list[Violation] = []
        self._allowed = 0

    def install(self) -> None:
        event.listen(Engine, "before_cursor_execute", self.check)

    def remove(self) -> None:
        event.remove(Engine, "before_cursor_execute", self.check)

    @contextlib.contextmanager
    def allowed(self) -> Iterator[None]:
        self._allowed += 1
        try:
            yield
        finally:
            self._allowed -= 1

    def check(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self._allowed or threading.current_thread() is not threading.main_thread():
            return
        reason = self.reason(sys._getframe(1))
        if reason is not None:
            stack = "".join(traceback.format_stack(sys._getframe(1), limit=25))
            self.violations.append(Violation(reason, statement, stack))

    def reason(self, frame) -> str | None:
        """Why a statement run now, from `frame`, is application SQL on the GUI thread."""
        from PySide6.QtCore import QCoreApplication, QObject, QThread
        if QCoreApplication.instance() is None:
            return None
        if QThread.currentThread().loopLevel() > 0:
            return "SQL on the GUI thread while its event loop runs"
        while frame is not None:
            code = frame.f_code
            if (code.co_filename.startswith(self.app_dirs) and code.co_argcount
                    and code.co_varnames[0] == "self"
                    and isinstance(frame.f_locals.get("self"), QObject)):
                return (f"SQL on the GUI thread from {type(frame.f_locals['self']).__name__}."
                        f"{code.co_name} ({code.co_filename}:{frame.f_lineno})")
            frame = frame.f_back
        return None


_active: list[GuiSqlGuard] = []


@contextlib.contextmanager
def sql_on_gui_thread_allowed() -> Iterator[None]:
    """Set-up that must run SQL on the GUI thread inside a Qt loop (say why where it is used)."""
    with contextlib.ExitStack() as stack:
        for guard in _active:
            stack.enter_context(guard.allowed())
        yield


@contextlib.contextmanager
def guarding(guard: GuiSqlGuard) -> Iterator[GuiSqlGuard]:
    guard.install()
    _active.append(guard)
    try:
        yield guard
    finally:
        _active.remove(guard)
        guard.remove()
