"""A save that lost the database server keeps its form open with what was typed, says the
connection was lost (not "something unexpected", not a refusal) and saves once on "try again"."""
from __future__ import annotations

import psycopg2
from PySide6.QtCore import Qt
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from console.services import case_desk
from console.store.models import CaseEvent
from tests.test_queue_widgets import (  # noqa: F401 — shared fixtures
    city,
    english,
    new_case,
    open_dialog,
    seat,
    show,
)

GONE = "The connection to the database was lost"


def test_an_action_that_lost_the_server_keeps_the_note_and_saves_once_on_retry(
        db, city, qtbot, seat, monkeypatch):
    c = new_case(db, city)
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    dialog = open_dialog(qtbot, dock, "add_note")
    dialog.note.setText("断网时写的备注")
    real = case_desk.perform

    def cut(*_args, **_kw):
        raise OperationalError("COMMIT", {}, psycopg2.OperationalError(
            "server closed the connection unexpectedly"))
    monkeypatch.setattr(case_desk, "perform", cut)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: GONE in dialog.banner.text(), timeout=5000)
    assert "unexpected" not in dialog.banner.text()   # not a fault: the connection
    assert dialog.retry.isVisible() and dialog.isVisible()
    assert dialog.note.text() == "断网时写的备注"

    monkeypatch.setattr(case_desk, "perform", real)   # the server is back
    qtbot.mouseClick(dialog.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.runner.dialog is None, timeout=5000)
    with db.session() as s:
        notes = s.scalars(select(CaseEvent.note).where(CaseEvent.case_id == c.case_id)).all()
    assert notes.count("断网时写的备注") == 1
