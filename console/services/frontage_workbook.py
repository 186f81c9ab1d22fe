"""The 门前三包 workbook: the register of street-front units exported pre-filled (notes on
every column, lists for the choices) and imported again — every cell checked, problems named
by cell, then all of it in the caller's transaction or nothing. Rows are matched by the unit's
code; a unit the workbook does not name is left as it is (retire one with 启用 = no)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain import frontage as geo
from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError
from console.domain.permissions import Permission
from console.services import frontage
from console.services.actor import Actor, authorize
from console.services.people_book import YES_NO, Column
from console.services.trail import audited
from console.services.workbook import (
    FORMULA,
    Problem,
    cell_text,
    keep_text,
    read_sheets,
)
from console.store import feed
from console.store.models import FrontageUnit

SHEET = "units"
CHOICES_SHEET = "choices"
KIND_CHOICES = geo.UNIT_KINDS
COLUMNS = (
    Column("code", "编号", "The unit's number; its key: rows are matched by it.", True),
    Column("name", "名称", "The shop's or organisation's name.", True),
    Column("kind", "类型", "shop (商户) or organisation (单位).", True, choices="kinds"),
    Column("stretch", "责任路段", "The stretch it answers for: 'lon lat; lon lat; …' in WGS-84 "
           "degrees; a ring whose last point repeats the first is an area.", True),
    Column("address", "地址", "Street address."),
    Column("person", "责任人", "The responsible person."),
    Column("phone", "电话", "Their phone, digits and - + ( ) only."),
    Column("letter_signed", "责任书签订日期", "Date the responsibility letter was signed, "
           "YYYY-MM-DD."),
    Column("active", "启用", "yes / no (是 / 否). Empty: yes.", choices="yes_no"),
)
_TEXT = "@"


@dataclass
class UnitsReport:
    problems: list[Problem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)     # added / changed / unchanged
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


class UnitsRefused(DomainError):
    """The workbook has problems: nothing was written; `report` lists every one."""

    def __init__(self, report: UnitsReport) -> None:
        super().__init__("workbook_has_problems", count=len(report.problems))
        self.report = report


def _row(u: FrontageUnit) -> list[object]:
    return [u.code, u.name, u.kind, geo.points_text(u.stretch), u.address, u.person, u.phone,
            u.letter_signed_on.isoformat() if u.letter_signed_on else None,
            "yes" if u.active else "no"]


def export_units(session: Session, actor: Actor, path: Path) -> int:
    """Write the register to `path`; the number of units written."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    authorize(session, actor, Permission.EDIT_FRONTAGE)
    rows = [_row(u) for u in session.scalars(select(FrontageUnit).order_by(FrontageUnit.code))]
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    choices = book.create_sheet(CHOICES_SHEET)
    ranges = {}
    for col, (name, values) in enumerate((("kinds", KIND_CHOICES), ("yes_no", YES_NO)), 1):
        letter = get_column_letter(col)
        choices.cell(1, col, name)
        for i, v in enumerate(values, start=2):
            choices.cell(i, col, v)
        ranges[name] = f"{quote_sheetname(CHOICES_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    choices.sheet_state = "hidden"
    last = max(len(rows) + 1, 1000)
    for col, c in enumerate(COLUMNS, start=1):
        cell = ws.cell(1, col, f"{c.title} {c.key}")
        cell.comment = Comment(c.note + (" (required)" if c.required else ""), "console")
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = 60 if c.key == "stretch" else 16
        if c.choices:
            dv = DataValidation(type="list", formula1=ranges[c.choices], allow_blank=True,
                                showErrorMessage=True)
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
    for r in rows:
        ws.append(r)
    keep_text(ws)
    for row in ws.iter_rows(min_row=2, max_row=len(rows) + 1):
        for cell in row:
            cell.number_format = _TEXT     # codes and phones stay text
    ws.freeze_panes = "A2"
    book.save(path)
    return len(rows)


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def _date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError("cell_bad_date") from None


_YES = {"yes", "y", "true", "1", "是", "启用"}
_NO = {"no", "n", "false", "0", "否", "停用"}


def _active(value: Any) -> bool:
    """启用: yes / no in either language; empty is yes (as the organisation workbook)."""
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES or text in _NO:
        return text in _YES
    raise DomainError("cell_not_yes_no")


def _values(values: dict[str, Any]) -> frontage.UnitValues:
    """One row as a unit, every cell parsed (a DomainError names the first bad one by key)."""
    out: dict[str, Any] = {}
    for key in ("code", "name", "kind", "address", "person", "phone"):
        out[key] = _text(values.get(key)) or ""
    out["phone"] = out["phone"] or None
    out["kind"] = out["kind"].strip().lower()
    text = values.get("stretch")
    out["stretch"] = geo.stretch_geometry(geo.parse_points(text if isinstance(text, str) else ""))
    out["letter_signed_on"] = _date(values.get("letter_signed"))
    out["active"] = _active(values.get("active"))
    return frontage.checked(frontage.UnitValues(**out))


def _column_of(exc: DomainError) -> str:
    """The column a refusal is about (the first parsed is the default)."""
    if exc.code in ("bad_stretch", "stretch_too_short", "stretch_not_simple", "too_many_items"):
        return "stretch"
    if exc.code == "cell_bad_date":
        return "letter_signed"
    if exc.code == "cell_not_yes_no":
        return "active"
    if exc.code == "bad_phone" or exc.params.get("field") == "reporter_phone":
        return "phone"
    if exc.code == "bad_frontage_kind":
        return "kind"
    field_ = {"frontage_code": "code", "frontage_name": "name", "address": "address",
              "person_name": "person"}
    return field_.get(str(exc.params.get("field")), "code")


def import_units(session: Session, actor: Actor, path: Path, *, at: datetime,
                 dry_run: bool = False) -> UnitsReport:
    """Check a workbook and (unless `dry_run`) apply it as `actor`; UnitsRefused with the
    report if any cell is wrong (nothing written)."""
    actor = authorize(session, actor, Permission.EDIT_FRONTAGE)
    sheets, problems = read_sheets(path, {SHEET: tuple(c.key for c in COLUMNS)})
    report = UnitsReport(problems=list(problems))
    sheet = sheets.get(SHEET)
    parsed: list[frontage.UnitValues] = []
    seen: dict[str, int] = {}
    for number, values in (sheet.rows if sheet else []):
        if any(v is FORMULA for v in values.values()):
            continue     # already reported
        try:
            v = _values(values)
        except DomainError as exc:
            key = _column_of(exc)
            report.problems.append(Problem(SHEET, number, sheet.letters.get(key),
                                           cell_text(values.get(key)), exc.code, exc.params))
            continue
        if v.code in seen:
            report.problems.append(Problem(SHEET, number, sheet.letters["code"], v.code,
                                           "duplicate_key", {"key": v.code, "row": seen[v.code]}))
            continue
        seen[v.code] = number
        parsed.append(v)
    if report.problems:
        raise UnitsRefused(report)
    existing = {u.code: u for u in session.scalars(select(FrontageUnit))}
    for v in parsed:
        unit = existing.get(v.code)
        if unit is not None and _row(unit) == _row(_shadow(v)):
            report.counts["unchanged"] += 1
            continue
        report.counts["changed" if unit is not None else "added"] += 1
        if dry_run:
            continue
        action = ChangeAction.CHANGED if unit is not None else ChangeAction.ADDED
        if unit is None:
            unit = FrontageUnit(code=v.code)
            session.add(unit)
        frontage.apply_values(unit, v, at)
        session.flush()
        audited(session, actor, ChangeKind.FRONTAGE, unit.id, action, at,
                {"code": v.code, "name": v.name, "active": v.active, "via": "workbook"})
        feed.record(session, ChangeKind.FRONTAGE, unit.id, action, at, {"code": v.code})
    report.applied = not dry_run
    return report


def _shadow(v: frontage.UnitValues) -> FrontageUnit:
    """A transient unit holding `v`, compared with a stored one as the export writes both."""
    return FrontageUnit(code=v.code, name=v.name, kind=v.kind, stretch=v.stretch,
                        address=v.address, person=v.person, phone=v.phone,
                        letter_signed_on=v.letter_signed_on, active=v.active)
