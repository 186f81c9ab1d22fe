"""A new case saved again after its answer was lost (the connection dropped during the commit):
the form's key finds the case it filed — one case, one number, one event — and a form changed
since is refused with the case's number instead of being filed twice."""
from __future__ import annotations

import threading

import psycopg2
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from console.domain.errors import DomainError
from console.services import cases
from console.store.database import open_database
from console.store.models import Case, CaseEvent, CaseNumberCounter, ChangeFeed
from tests.pg_server import fresh_database, needs_pg
from tests.queue_city import build_city, cell_centre
from tests.test_queue_form import fill, open_form
from tests.test_queue_widgets import city, english, seat  # noqa: F401 — shared fixtures

FIELDS = dict(category_code="20102", source="hotline", address="曙光路12号",
              description="路边暴露垃圾", reporter_name="李女士", reporter_phone="13812345678")


def counts(db):
    with db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m))
                     for m in (Case, CaseEvent, ChangeFeed))


def save(db, actor, key, **changes):
    lon, lat = cell_centre(0, 0)
    with db.transaction() as s:
        return cases.report(s, actor, lon=lon, lat=lat, client_key=key, **(FIELDS | changes))


def test_the_same_form_saved_twice_files_one_case(db):
    city = build_city(db)
    first = save(db, city.dispatcher, "form-1")
    before = counts(db)
    again = save(db, city.dispatcher, "form-1")
    assert (again.case_id, again.number, again.version) == (first.case_id, first.number, 1)
    assert counts(db) == before                      # no case, event or feed row added
    other = save(db, city.dispatcher, "form-2")      # the next form: the next number, no gap
    assert int(other.number[-4:]) == int(first.number[-4:]) + 1


def test_a_form_changed_after_a_lost_save_is_refused_with_the_case_number(db):
    city = build_city(db)
    first = save(db, city.dispatcher, "form-1")
    before = counts(db)
    with pytest.raises(DomainError) as refused:
        save(db, city.dispatcher, "form-1", description="改过的描述")
    assert refused.value.code == "form_already_saved"
    assert refused.value.params["number"] == first.number
    assert counts(db) == before


def test_a_save_whose_commit_answer_was_lost_is_saved_once_on_retry(db, city, qtbot, seat,
                                                                    monkeypatch):
    """The first save commits, then the seat hears "server closed the connection": the form
    stays open offering 重试, and 重试 closes it on the case already filed."""
    dock = seat(city.dispatcher)
    form = open_form(qtbot, dock)
    fill(form, qtbot, cell=city.cell_codes[5])
    real = cases.report
    lost = []

    def commit_then_lose_the_answer(session, actor, **kw):
        if not lost:
            lost.append(True)
            with db.transaction() as other:        # the commit that did happen
                real(other, actor, **kw)
            raise OperationalError("COMMIT", {}, psycopg2.OperationalError(
                "server closed the connection unexpectedly"))
        return real(session, actor, **kw)
    monkeypatch.setattr(cases, "report", commit_then_lose_the_answer)
    before = counts(db)
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.retry.isVisible(), timeout=5000)
    assert form.isVisible() and counts(db)[0] == before[0] + 1
    qtbot.mouseClick(form.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.form is None, timeout=5000)
    with db.session() as s:
        filed = s.scalars(select(Case).where(Case.description == "路边暴露垃圾，气味很大")).all()
    assert len(filed) == 1 and counts(db)[0] == before[0] + 1
    assert f"New case {filed[0].number} saved." in dock.status.text()


@needs_pg
def test_two_saves_of_one_form_racing_on_postgresql_file_one_case_without_a_number_gap():
    """The retry starts while the first attempt is still in its transaction: the retry's
    insert waits on the unique index, then finds the first attempt's case; the number it had
    taken is rolled back with its savepoint."""
    with fresh_database("retry") as url:
        db = open_database(url)
        try:
            city = build_city(db)
            lon, lat = cell_centre(0, 0)
            first = db.session()
            first.begin()
            filed = cases.report(first, city.dispatcher, lon=lon, lat=lat, client_key="k",
                                 **FIELDS)
            result: dict = {}

            def retry():
                try:
                    result["change"] = save(db, city.dispatcher, "k")
                except BaseException as exc:   # noqa: BLE001 — reported below
                    result["error"] = exc
            racer = threading.Thread(target=retry)
            racer.start()
            with db.engine.connect() as watch:      # the retry is blocked on the index
                for _ in range(500):
                    waiting = watch.execute(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock'")).scalar()
                    watch.rollback()   # pg_stat_activity is a snapshot per transaction
                    if waiting:
                        break
                    threading.Event().wait(0.01)
                assert waiting == 1
            first.commit()
            first.close()
            racer.join(30)
            assert "error" not in result, result.get("error")
            assert result["change"].case_id == filed.case_id
            with db.session() as s:
                assert s.scalar(select(func.count()).select_from(Case)) == 1
                assert s.scalar(select(CaseNumberCounter.last)) == 1
        finally:
            db.dispose()

