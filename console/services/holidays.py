"""The national holiday schedule in the work calendar: public holidays and make-up workdays
(法定节假日, 调休) seeded from the `chinesecalendar` package, which carries the State Council's
yearly notice; a centre's own changes kept on top; a dated list imported; and the warning every
seat shows while the calendar has no schedule for a year deadlines are about to run in.

Which dates are a centre's own is not stored beside each date: the calendar keeps plain dates
(console/domain/work_calendar.py). The schedule last seeded is kept in `meta` instead, and a
local change is any difference between the calendar and that record — so a re-seed replaces
the official dates and leaves every local addition and removal as the centre made it.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from console.domain.errors import DomainError
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.services.actor import Actor, authorize
from console.services.settings import get_setting, set_setting
from console.services.workbook import Problem
from console.store.models import Meta

SEED_KEY = "holiday_seed"
#: A dated list is a few dozen lines a year; anything far larger is not one.
MAX_LIST_BYTES = 256 * 1024
MAX_LIST_LINES = 2000
_KINDS = {"holiday": "holiday", "假": "holiday", "休": "holiday", "节假日": "holiday",
          "workday": "workday", "班": "workday", "调休": "workday", "补班": "workday"}


@dataclass(frozen=True)
class Schedule:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def years(self) -> set[int]:
        return {d.year for d in self.holidays | self.workdays}


@dataclass
class SeedReport:
    years: list[int]
    holidays: int = 0               # official holidays now in the calendar for those years
    workdays: int = 0
    local_kept: int = 0             # local changes left on top
    changed: bool = False


def official_years() -> list[int]:
    """The years the installed `chinesecalendar` has the State Council's schedule for."""
    from chinese_calendar.constants import holidays
    return sorted({d.year for d in holidays})


def official_schedule(years: list[int]) -> Schedule:
    """The public holidays and make-up workdays of `years` as the package has them."""
    from chinese_calendar.constants import holidays, workdays
    wanted = set(years)
    return Schedule(frozenset(d for d in holidays if d.year in wanted),
                    frozenset(d for d in workdays if d.year in wanted))


def _seeded(session: Session) -> Schedule:
    row = session.get(Meta, SEED_KEY)
    if row is None:
        return Schedule()
    data = json.loads(row.value)
    return Schedule(frozenset(map(date.fromisoformat, data["holidays"])),
                    frozenset(map(date.fromisoformat, data["workdays"])))


def _calendar(session: Session) -> dict:
    return dict(get_setting(session, "work_calendar"))


def _dates(values: list[str]) -> set[date]:
    return {date.fromisoformat(v) for v in values}


def seed_holidays(session: Session, actor: Actor, *, at: datetime,
                  years: list[int] | None = None) -> SeedReport:
    """Put the official schedule of `years` (default: last year onwards, as far as the package
    reaches) into the work calendar, keeping the centre's local changes on top."""
    actor = authorize(session, actor, Permission.EDIT_SETTINGS)
    available = official_years()
    years = sorted(set(years if years is not None else
                       [y for y in available if y >= at.year - 1]))
    missing = [y for y in years if y not in available]
    if missing:
        raise DomainError("holidays_not_published", years=", ".join(map(str, missing)),
                          last=max(available))
    calendar = _calendar(session)
    hol, work = _dates(calendar.get("holidays", [])), _dates(calendar.get("makeup_workdays", []))
    before = _seeded(session)
    local_hol, local_unhol = hol - before.holidays, before.holidays - hol
    local_work, local_unwork = work - before.workdays, before.workdays - work
    official = official_schedule(years)
    seed = Schedule(frozenset(d for d in before.holidays if d.year not in years) | official.holidays,
                    frozenset(d for d in before.workdays if d.year not in years) | official.workdays)
    new_hol = (set(seed.holidays) - local_unhol) | local_hol
    new_work = (set(seed.workdays) - local_unwork) | local_work
    # A date cannot be both: a local change wins over the official list.
    for d in new_hol & new_work:
        (new_work if d in local_hol else new_hol).discard(d)
    report = SeedReport(years, len(official.holidays & new_hol), len(official.workdays & new_work),
                        len(local_hol | local_unhol | local_work | local_unwork))
    if new_hol != hol or new_work != work:
        calendar["holidays"] = sorted(d.isoformat() for d in new_hol)
        calendar["makeup_workdays"] = sorted(d.isoformat() for d in new_work)
        set_setting(session, actor, "work_calendar", calendar, at)
        report.changed = True
    if seed != before:
        session.merge(Meta(key=SEED_KEY, value=json.dumps({
            "holidays": sorted(d.isoformat() for d in seed.holidays),
            "workdays": sorted(d.isoformat() for d in seed.workdays)})))
    return report


# --- a dated list: the centre's own changes ---------------------------------------------------

@dataclass
class ListReport:
    problems: list[Problem] = field(default_factory=list)
    holidays: int = 0
    workdays: int = 0
    changed: bool = False


def read_dated_list(path: Path) -> tuple[list[tuple[int, date, str, str | None]], list[Problem]]:
    """Lines of `date,kind,name` (kind holiday/workday, or 假/班); a header line is allowed."""
    name = Path(path).name
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_LIST_BYTES + 1)   # never more: a larger file is refused unread
    except OSError as exc:
        raise DomainError("workbook_unreadable", path=str(path),
                          detail=exc.strerror or type(exc).__name__) from None
    if len(raw) > MAX_LIST_BYTES:
        raise DomainError("workbook_too_large", path=str(path), limit=MAX_LIST_BYTES // 1024)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")   # saved by Excel on a Chinese system
        except UnicodeDecodeError:
            raise DomainError("dated_list_not_text", path=str(path)) from None
    rows, problems, seen = [], [], {}
    for number, cells in _lines(text, name, problems):
        if number > MAX_LIST_LINES:
            problems.append(Problem(name, number, None, None, "workbook_too_many_rows",
                                    {"sheet": name, "limit": MAX_LIST_LINES}))
            break
        if not cells or not "".join(cells).strip():
            continue
        first = cells[0].strip()
        if number == 1 and first.lower() in ("date", "日期"):
            continue
        try:
            day = date.fromisoformat(first)
        except ValueError:
            problems.append(Problem(name, number, "date", first[:40], "cell_bad_date", {}))
            continue
        kind = _KINDS.get(cells[1].strip().lower() if len(cells) > 1 else "")
        if kind is None:
            problems.append(Problem(name, number, "kind", (cells[1] if len(cells) > 1 else "")[:40],
                                    "cell_bad_day_kind", {}))
            continue
        try:
            label = check_text("display_name", cells[2] if len(cells) > 2 else None, optional=True)
        except DomainError as exc:
            problems.append(Problem(name, number, "name", cells[2][:40], exc.code, exc.params))
            continue
        if day in seen:
            problems.append(Problem(name, number, "date", first, "duplicate_key",
                                    {"key": first, "first_row": seen[day]}))
            continue
        seen[day] = number
        rows.append((number, day, kind, label))
    return rows, problems


def _lines(text: str, name: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """The CSV records of `text`, numbered from 1; one the csv module cannot read (a field over
    its 128 KB limit, a stray quote in strict files) is a problem on its row and ends the list."""
    reader = csv.reader(io.StringIO(text))
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            problems.append(Problem(name, number, None, None, "dated_list_bad_line", {}))
            return
        yield number, cells


def import_dated_list(session: Session, actor: Actor, path: Path, *, at: datetime,
                      dry_run: bool = False) -> ListReport:
    """Make each listed date a holiday or a workday in the calendar (a local change, kept over
    any later re-seed); all or nothing: DomainError `dated_list_has_problems` if any line is bad."""
    actor = authorize(session, actor, Permission.EDIT_SETTINGS)
    rows, problems = read_dated_list(path)
    report = ListReport(problems)
    if problems:
        error = DomainError("dated_list_has_problems", count=len(problems))
        error.report = report   # type: ignore[attr-defined]
        raise error
    calendar = _calendar(session)
    hol, work = _dates(calendar.get("holidays", [])), _dates(calendar.get("makeup_workdays", []))
    new_hol, new_work = set(hol), set(work)
    for _, day, kind, _ in rows:
        if kind == "holiday":
            new_hol.add(day)
            new_work.discard(day)
            report.holidays += 1
        else:
            new_work.add(day)
            new_hol.discard(day)
            report.workdays += 1
    if (new_hol, new_work) != (hol, work) and not dry_run:
        calendar["holidays"] = sorted(d.isoformat() for d in new_hol)
        calendar["makeup_workdays"] = sorted(d.isoformat() for d in new_work)
        set_setting(session, actor, "work_calendar", calendar, at)
    report.changed = (new_hol, new_work) != (hol, work)
    return report


# --- the warning every seat shows -------------------------------------------------------------

@dataclass(frozen=True)
class CalendarWarning:
    """Deadlines would count holidays as workdays: the calendar has no schedule for `years`."""

    years: tuple[int, ...]
    code: str = "calendar_without_holidays"

    def error(self) -> DomainError:
        return DomainError(self.code, years=", ".join(map(str, self.years)))


def years_needed(today: date) -> list[int]:
    """This year, and from December on the next one too (its cases' deadlines run into it)."""
    return [today.year] + ([today.year + 1] if today.month == 12 else [])


def calendar_warning(session: Session, today: date) -> CalendarWarning | None:
    """The warning while the calendar holds no holiday or make-up day in a year it needs."""
    calendar = _calendar(session)
    have = {d[:4] for d in calendar.get("holidays", []) + calendar.get("makeup_workdays", [])}
    missing = tuple(y for y in years_needed(today) if str(y) not in have)
    return CalendarWarning(missing) if missing else None


# --- the calendar page: one year's days, a day added or removed -------------------------------

@dataclass(frozen=True)
class DayRow:
    day: date
    kind: str            # "holiday" or "workday" (a make-up workday, 调休)
    official: bool       # as the national schedule last seeded has it; else a local change


@dataclass(frozen=True)
class YearView:
    year: int
    days: list[DayRow]
    official_years: list[int]     # the years the installed national schedule covers
    removed_official: int         # official days this centre took out of the year


def year_view(session: Session, year: int) -> YearView:
    """The holidays and make-up workdays of `year`, each marked official or local."""
    calendar, seeded = _calendar(session), _seeded(session)
    rows = [DayRow(d, "holiday", d in seeded.holidays)
            for d in _dates(calendar.get("holidays", [])) if d.year == year]
    rows += [DayRow(d, "workday", d in seeded.workdays)
             for d in _dates(calendar.get("makeup_workdays", [])) if d.year == year]
    kept = {r.day for r in rows}
    removed = sum(1 for d in seeded.holidays | seeded.workdays if d.year == year and d not in kept)
    return YearView(year, sorted(rows, key=lambda r: r.day), official_years(), removed)


def set_day(session: Session, actor: Actor, day: date, kind: str | None, *,
            at: datetime) -> bool:
    """Make `day` a holiday or a make-up workday (`kind`), or an ordinary day again (None), as
    `actor`; recorded and sent to every seat like any change of the calendar. Whether it changed."""
    actor = authorize(session, actor, Permission.EDIT_SETTINGS)
    if kind not in ("holiday", "workday", None):
        raise DomainError("cell_bad_day_kind")
    calendar = _calendar(session)
    hol, work = _dates(calendar.get("holidays", [])), _dates(calendar.get("makeup_workdays", []))
    new_hol, new_work = hol - {day}, work - {day}
    if kind == "holiday":
        new_hol.add(day)
    elif kind == "workday":
        new_work.add(day)
    if (new_hol, new_work) == (hol, work):
        return False
    calendar["holidays"] = sorted(d.isoformat() for d in new_hol)
    calendar["makeup_workdays"] = sorted(d.isoformat() for d in new_work)
    set_setting(session, actor, "work_calendar", calendar, at)
    return True
