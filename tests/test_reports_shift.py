"""The shift hand-over report: its figures match the database, and the PDF written through
the long lane holds every section, the urgent cases, the supervision order, the attendance
exceptions by officer and the evaluation table — in Chinese text that extracts (the CJK font
is embedded), with the map and the trend charts as pictures."""
from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.live.tasks import TaskRunner
from console.services.reports_shift import ATTENDANCE, read_shift_report, shift_period
from console.store.models import Alert, Case, SupervisionOrder
from console.ui.reports.shift_report import ShiftReportRunner
from tests import queue_city as Q
from tests.pg_server import PG_URL, fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """Each test on SQLite, and on a fresh PostgreSQL database when one is set."""
    from console.store.database import open_database
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
        with fresh_database("console_reports") as url:
            database = open_database(url)
            try:
                yield database
            finally:
                database.dispose()
        return
    database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    try:
        yield database
    finally:
        database.dispose()

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) not installed")


@pytest.fixture
def town(db):
    city = Q.build_city(db)
    Q.add_history(db, city, n=120)
    with db.transaction() as s:
        urgent = s.scalars(select(Case).where(Case.urgent.is_(True))
                           .order_by(Case.reported_at.desc())).first()
        s.add(SupervisionOrder(case_id=urgent.id, level=2, issued_by=city.leader.user_id,
                               issued_at=Q.NOW - timedelta(hours=2),
                               due_at=Q.NOW + timedelta(hours=4), note="限期整改井盖"))
        for i, kind in enumerate(ATTENDANCE + ("offline",)):
            s.add(Alert(kind=kind, severity="warning", subject_type="patrol",
                        subject_id=city.officers[i % 3], params={}, open_key=None,
                        raised_at=Q.NOW - timedelta(hours=1, minutes=i)))
    return city, urgent.number


def test_the_figures_are_the_databases(db, town):
    start, end = shift_period(Q.NOW)
    with db.session() as s:
        report = read_shift_report(s, start, end)
        reported = s.scalar(select(func.count()).select_from(Case).where(
            Case.reported_at >= start, Case.reported_at < end))
        closed = s.scalar(select(func.count()).select_from(Case).where(
            Case.closed_at >= start, Case.closed_at < end))
    assert report.flow["reported"] == reported == sum(report.trends["reported"]) > 0
    assert report.flow["closed"] == closed == sum(report.trends["closed"])
    with db.session() as s:
        for name, column in (("registered", Case.registered_at),
                             ("dispatched", Case.dispatched_at), ("handled", Case.handled_at)):
            assert report.flow[name] == s.scalar(select(func.count()).select_from(Case).where(
                column >= start, column < end)), name
    assert report.attendance_total == 3 and report.alerts_by_kind["offline"] == 1
    assert {e.officer for e in report.attendance} <= {"近巡查", "远巡查", "下班巡查"}
    assert [o.subject for o in report.orders] == [town[1]]
    with db.session() as s:
        open_cases = s.scalar(select(func.count()).select_from(Case).where(
            Case.status.not_in(["rejected", "closed", "cancelled"]), Case.cell_id.is_not(None)))
    assert len(report.cells) == 16 and sum(n for *_, n in report.cells) == open_cases


@needs_poppler
def test_the_pdf_has_every_section_in_extractable_chinese(db, town, qtbot, tmp_path):
    _city, order_case = town
    tasks = TaskRunner(db)
    runner = ShiftReportRunner(tasks, now=lambda: Q.NOW)
    path = tmp_path / "shift.pdf"
    with qtbot.waitSignal(runner.done, timeout=30000) as got:
        runner.start("shift", path)
    assert got.args == [path]
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    for section in ("Shift hand-over report", "1. What happened", "2. New urgent cases",
                    "3. Open urgent cases", "4. Supervision orders",
                    "5. Alerts and attendance exceptions", "6. Evaluation of departments",
                    "7. Map", "8. Trends"):
        assert section in text, section
    assert order_case in text and "限期整改井盖" in text          # the supervision order
    assert "远巡查" in text or "近巡查" in text                     # an officer's exception
    assert "2026-03-11 03:00 – 2026-03-11 15:00" in text.replace("‒", "–")
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                            check=True).stdout.strip().splitlines()[2:]
    assert len(images) >= 3                                        # map + two trend charts
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout
    assert " yes " in fonts                                        # embedded
    assert tasks.wait(10000)


def test_cancel_stops_the_report(db, town, qtbot, tmp_path):
    tasks = TaskRunner(db)
    runner = ShiftReportRunner(tasks, now=lambda: Q.NOW)
    path = tmp_path / "shift.pdf"
    with qtbot.assertNotEmitted(runner.done, wait=300):
        runner.start("daily", path)
        runner.cancel()
        assert tasks.wait(10000)
    assert not path.exists() and runner.task is None
