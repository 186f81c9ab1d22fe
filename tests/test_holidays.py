"""The national holiday schedule: seeded from chinesecalendar, local changes kept over a re-seed,
a dated list imported all or nothing, and the warning while a needed year has no schedule."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from console.domain.errors import DomainError
from console.services import holidays
from console.services.actor import actor_for
from console.services.settings import work_calendar
from console.store.models import AuditRecord, ChangeFeed
from tests.pg_server import fresh_database, needs_pg

AT = datetime(2026, 11, 29, 10, 0)
NATIONAL_DAY = date(2026, 10, 1)
MAKEUP = date(2026, 10, 10)          # Saturday worked for the National Day week


def _seed(db, **kw):
    with db.transaction() as s:
        return holidays.seed_holidays(s, actor_for(s, "admin"), at=AT, **kw)


def _calendar(db):
    with db.transaction() as s:
        return work_calendar(s)


def test_seeding_puts_the_state_councils_schedule_into_deadlines(db):
    report = _seed(db)
    assert report.changed and 2026 in report.years and report.holidays > 20
    cal = _calendar(db)
    assert not cal.is_workday(NATIONAL_DAY) and cal.is_workday(MAKEUP)
    # A 3-work-day limit from the Wednesday before National Day skips the holiday week and
    # falls on the Saturday worked in lieu.
    assert cal.deadline(datetime(2026, 9, 30, 9, 0), 3, "work_days") == datetime(2026, 10, 10, 9, 0)
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.entity == "settings")) == 1
    again = _seed(db)
    assert not again.changed


def test_local_changes_survive_a_reseed(db, tmp_path):
    _seed(db)
    listed = tmp_path / "local.csv"
    listed.write_text("date,kind,name\n2026-10-08,workday,本地不放假\n2026-06-01,假,儿童节\n",
                      encoding="utf-8")
    with db.transaction() as s:
        report = holidays.import_dated_list(s, actor_for(s, "admin"), listed, at=AT)
    assert report.changed and (report.holidays, report.workdays) == (1, 1)
    assert _calendar(db).is_workday(date(2026, 10, 8))
    # A fresh seed of the same years (an updated package) keeps both local changes.
    report = _seed(db, years=[2025, 2026])
    cal = _calendar(db)
    assert cal.is_workday(date(2026, 10, 8)) and not cal.is_workday(date(2026, 6, 1))
    assert not cal.is_workday(NATIONAL_DAY) and report.local_kept == 2


def test_a_year_the_package_does_not_have_is_refused_by_name(db):
    last = holidays.official_years()[-1]
    with pytest.raises(DomainError) as caught:
        _seed(db, years=[last + 1])
    assert caught.value.code == "holidays_not_published"


def test_a_bad_dated_list_changes_nothing(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("2026-13-01,holiday,x\n2026-05-01,maybe,x\n2026-05-02,假,\n2026-05-02,班,\n",
                   encoding="utf-8")
    with db.transaction() as s:
        before = s.scalar(select(func.count()).select_from(ChangeFeed))
    with db.transaction() as s, pytest.raises(DomainError) as caught:
        holidays.import_dated_list(s, actor_for(s, "admin"), bad, at=AT)
    found = [(p.row, p.column, p.code) for p in caught.value.report.problems]
    assert found == [(1, "date", "cell_bad_date"), (2, "kind", "cell_bad_day_kind"),
                     (4, "date", "duplicate_key")]
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(ChangeFeed)) == before
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 10)
    with db.transaction() as s, pytest.raises(DomainError, match="dated_list_not_text"):
        holidays.import_dated_list(s, actor_for(s, "admin"), binary, at=AT)


def test_a_line_the_csv_module_cannot_read_is_a_problem_on_its_row(db, tmp_path):
    listed = tmp_path / "long.csv"
    listed.write_text("date,kind,name\n2026-10-01,holiday,\"" + "x" * 140_000 + "\"\n",
                      encoding="utf-8")     # one field over csv's 131,072-character limit
    with db.transaction() as s, pytest.raises(DomainError) as caught:
        holidays.import_dated_list(s, actor_for(s, "admin"), listed, at=AT)
    assert [(p.row, p.code) for p in caught.value.report.problems] == [(2, "dated_list_bad_line")]


def test_a_list_too_large_is_refused_by_name_without_being_read(db, tmp_path):
    import tracemalloc
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as f:
        f.truncate(64 * 1024 * 1024)      # sparse: 64 MB that cost no disk
    tracemalloc.start()
    try:
        with db.transaction() as s, pytest.raises(DomainError) as caught:
            holidays.import_dated_list(s, actor_for(s, "admin"), huge, at=AT)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.code == "workbook_too_large" and caught.value.params["path"] == str(huge)
    assert peak < 4 * 1024 * 1024, peak       # read up to the limit, not the whole file


def test_the_warning_names_the_years_without_a_schedule(db):
    with db.transaction() as s:
        assert holidays.calendar_warning(s, date(2026, 11, 29)).years == (2026,)
    _seed(db)
    with db.transaction() as s:
        assert holidays.calendar_warning(s, date(2026, 11, 29)) is None
        # From December the next year's deadlines are near: 2027 is not published yet.
        warning = holidays.calendar_warning(s, date(2026, 12, 1))
    assert warning.years == (2027,) and warning.error().code == "calendar_without_holidays"


def test_only_an_administrator_seeds(db):
    from console.store.models import User
    with db.transaction() as s:
        s.add(User(username="lead", display_name="带班", role="leader"))
    with db.transaction() as s, pytest.raises(DomainError, match="role_not_allowed"):
        holidays.seed_holidays(s, actor_for(s, "lead"), at=AT)


@needs_pg
def test_seed_and_warning_on_postgresql():
    from console.store.database import open_database
    with fresh_database("holidays") as url:
        pg = open_database(url)
        try:
            assert _seed(pg).changed and not _seed(pg).changed
            assert not _calendar(pg).is_workday(NATIONAL_DAY)
            with pg.transaction() as s:
                assert holidays.calendar_warning(s, date(2026, 12, 1)).years == (2027,)
        finally:
            pg.dispose()
