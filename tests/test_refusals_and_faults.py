"""Races that surfaced as errors now surface as refusals; a fault is told from a refusal by type;
a database held by another program says so and offers to try again, keeping what was typed."""
from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from console.domain.errors import DomainError
from console.services import case_desk, cases
from console.store import cases as case_store
from console.store import database
from console.store.database import open_database
from console.store.models import Case, CaseEvent
from tests.limits_world import world  # noqa: F401 — the fixture
from tests.service_city import CENTRE, GARBAGE, MON, STEP
from tests.test_queue_form import fill, open_form
from tests.test_queue_widgets import (  # noqa: F401 — shared fixtures
    city,
    english,
    new_case,
    open_dialog,
    seat,
    show,
)

ROUNDS = 15


# --- the same external id filed twice at once -------------------------------------------------

def test_the_same_report_filed_twice_at_once_has_one_winner_and_one_refusal(world, monkeypatch):
    """Both seats pass the fast-path check before either inserts (a gate holds each right after
    it); the unique constraint decides, and the loser is refused as a duplicate, every round."""
    url = world.db.engine.url.render_as_string(hide_password=False)
    seats = [open_database(url, upgrade=False), open_database(url, upgrade=False)]
    real_lookup = case_store.case_by_external_id
    local = threading.local()
    try:
        for round_ in range(ROUNDS):
            gate = threading.Barrier(2, timeout=10)
            start = threading.Barrier(2, timeout=10)

            def lookup(session, external_id, gate=gate):
                found = real_lookup(session, external_id)
                if not getattr(local, "checked", False):   # only the check before the insert
                    local.checked = True
                    gate.wait()
                return found
            monkeypatch.setattr(case_store, "case_by_external_id", lookup)
            outcome: list[object] = [None, None]
            external_id = f"open311-{world.backend}-{round_}"

            def seat(i: int, start=start, external_id=external_id, outcome=outcome) -> None:
                local.checked = False
                start.wait()
                try:
                    with seats[i].transaction() as s:
                        outcome[i] = cases.report(
                            s, world.city.dispatcher, category_code=GARBAGE, source="public",
                            lon=CENTRE[0] + STEP / 3, lat=CENTRE[1] + STEP / 3,
                            description="重复上报测试", external_id=external_id,
                            at=MON + timedelta(minutes=round_))
                except Exception as exc:   # noqa: BLE001 — the test inspects it
                    outcome[i] = exc

            threads = [threading.Thread(target=seat, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            won = [o for o in outcome if isinstance(o, cases.CaseChange)]
            lost = [o for o in outcome if not isinstance(o, cases.CaseChange)]
            assert len(won) == 1 and len(lost) == 1, outcome
            assert isinstance(lost[0], DomainError), repr(lost[0])
            assert (lost[0].code, lost[0].params) == ("duplicate_report",
                                                      {"external_id": external_id})
            with world.db.session() as s:
                assert s.scalars(select(Case.id).where(Case.external_id == external_id)).all() \
                    == [won[0].case_id]
    finally:
        for d in seats:
            d.dispose()


# --- a locked database in the dialogs ---------------------------------------------------------

@pytest.fixture
def db(tmp_path, monkeypatch):
    """The test database, with a busy timeout short enough to run into in a test."""
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 200)
    opened = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    yield opened
    opened.dispose()


class HeldDatabase:
    """Another program holding the write lock (BEGIN IMMEDIATE) until released."""

    def __init__(self, db) -> None:
        self.con = sqlite3.connect(db.engine.url.database, timeout=0.1, isolation_level=None)
        self.con.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.con.execute("ROLLBACK")
        self.con.close()


BUSY = "The database is held by another program"


def test_an_action_on_a_locked_database_offers_to_try_again_and_keeps_the_note(
        db, city, qtbot, seat):
    c = new_case(db, city)
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    dialog = open_dialog(qtbot, dock, "add_note")
    dialog.note.setText("现场有积水，需要再看")
    held = HeldDatabase(db)
    try:
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: BUSY in dialog.banner.text(), timeout=5000)
        assert "unexpected" not in dialog.banner.text()
        assert dialog.retry.isVisible() and dialog.isVisible()
        assert dialog.note.text() == "现场有积水，需要再看"
    finally:
        held.release()
    qtbot.mouseClick(dialog.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.runner.dialog is None, timeout=5000)
    with db.session() as s:
        notes = s.scalars(select(CaseEvent.note).where(CaseEvent.case_id == c.case_id)).all()
    assert notes[-1] == "现场有积水，需要再看"


def test_the_hotline_form_on_a_locked_database_offers_to_try_again(db, city, qtbot, seat):
    dock = seat(city.dispatcher)
    form = open_form(qtbot, dock)
    fill(form, qtbot, cell=city.cell_codes[0], description="井盖缺失，有人差点摔倒")
    held = HeldDatabase(db)
    try:
        qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: BUSY in form.banner.text(), timeout=5000)
        assert form.retry.isVisible() and form.isVisible()
        assert form.description.toPlainText() == "井盖缺失，有人差点摔倒"
    finally:
        held.release()
    qtbot.mouseClick(form.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.form is None, timeout=5000)
    with db.session() as s:
        assert s.scalars(select(Case.description).order_by(Case.id.desc())).first() == \
            "井盖缺失，有人差点摔倒"


class _DriverError(Exception):
    code, params = "gkpj", {"constraint": "uq_cases_external_id"}


def test_a_fault_reads_as_a_fault_keeps_the_input_and_is_logged(db, city, qtbot, seat,
                                                                 monkeypatch, caplog):
    c = new_case(db, city)
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    dialog = open_dialog(qtbot, dock, "add_note")
    dialog.note.setText("一段备注")

    def broken(*_args, **_kw):
        raise IntegrityError("INSERT INTO case_events …", {}, _DriverError("duplicate key"))
    monkeypatch.setattr(case_desk, "perform", broken)
    with caplog.at_level(logging.ERROR, logger="console.faults"):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=5000)
    text = dialog.banner.text()
    assert text.startswith("Something unexpected went wrong") and "gkpj" not in text
    assert "refused" not in text and not dialog.retry.isVisible()
    assert dialog.note.text() == "一段备注" and dialog.isVisible()
    [record] = [r for r in caplog.records if r.name == "console.faults"]
    assert record.exc_info and record.exc_info[0] is IntegrityError
