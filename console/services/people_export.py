"""The organisation workbook written from the database: each sheet pre-filled, a note on every
column, drop-down lists for the choices, the header frozen — the template a centre edits and
imports again (console/services/people_import.py). Unchanged, it imports as no change."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.permissions import Permission
from console.domain.roles import Role
from console.services.actor import Actor, authorize
from console.services.people_book import SHEETS, USER_ROLE_CHOICES, YES_NO
from console.services.workbook import keep_text
from console.store.models import Department, Device, PatrolOfficer, Shift, User, WorkGrid

CHOICES_SHEET = "choices"
_TEXT = "@"


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def people_rows(session: Session) -> dict[str, list[list[object]]]:
    """The current organisation as the sheets' rows, in the sheets' column order."""
    deps = {d.id: d.name for d in session.scalars(select(Department))}
    grids = {r[0]: r[1] for r in session.execute(select(WorkGrid.id, WorkGrid.code))}
    users = session.scalars(select(User).where(User.role != Role.SYSTEM.value)
                            .order_by(User.username)).all()
    usernames = {u.id: u.username for u in users}
    officers = session.scalars(select(PatrolOfficer).order_by(PatrolOfficer.code)).all()
    codes = {o.id: o.code for o in officers}
    return {
        "departments": [[d.name, d.phone, _yes(d.active)] for d in session.scalars(
            select(Department).order_by(Department.name))],
        "users": [[u.username, u.display_name, u.role, deps.get(u.department_id),
                   _yes(u.active)] for u in users],
        "officers": [[o.code, o.name, o.phone, grids.get(o.work_grid_id),
                      usernames.get(o.user_id), _yes(o.active)] for o in officers],
        "devices": [[d.unique_id, codes.get(d.patrol_officer_id), _yes(d.active)]
                    for d in session.scalars(select(Device).order_by(Device.unique_id))],
        "shifts": [[codes[s.patrol_officer_id], s.weekdays, s.start, s.end]
                   for s in session.scalars(select(Shift).order_by(Shift.patrol_officer_id,
                                                                   Shift.weekdays, Shift.start))],
    }


def export_people(session: Session, actor: Actor, path: Path) -> dict[str, int]:
    """Write the organisation workbook to `path` as `actor` (who may manage users: the sheet
    lists every account); returns the rows written per sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    authorize(session, actor, Permission.MANAGE_USERS)
    data = people_rows(session)
    book = Workbook()
    book.remove(book.active)
    lists = {"roles": list(USER_ROLE_CHOICES), "yes_no": list(YES_NO),
             "departments": [r[0] for r in data["departments"]] or [""]}
    choices = book.create_sheet(CHOICES_SHEET)
    ranges = {}
    for col, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        choices.cell(1, col, name)
        for i, v in enumerate(values, start=2):
            choices.cell(i, col, v)
        ranges[name] = (f"{quote_sheetname(CHOICES_SHEET)}!${letter}$2:"
                        f"${letter}${len(values) + 1}")
    keep_text(choices)
    choices.sheet_state = "hidden"
    for name, columns in SHEETS.items():
        ws = book.create_sheet(name, index=len(book.sheetnames) - 1)
        rows = data[name]
        last = max(len(rows) + 1, 1000)   # room for rows a centre adds below
        for col, c in enumerate(columns, start=1):
            cell = ws.cell(1, col, f"{c.title} {c.key}")
            cell.comment = Comment(c.note + (" (required)" if c.required else ""), "console")
            letter = get_column_letter(col)
            ws.column_dimensions[letter].width = max(14, len(c.title) * 2 + len(c.key) + 4)
            if c.choices:
                dv = DataValidation(type="list", formula1=ranges[c.choices], allow_blank=True,
                                    showErrorMessage=True)
                dv.add(f"{letter}2:{letter}{last}")
                ws.add_data_validation(dv)
        for r in rows:
            ws.append(r)
        keep_text(ws)
        # Codes, phones and weekdays are text: typed into a number cell, 01234 would read 1234.
        for col in range(1, len(columns) + 1):
            for row in ws.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=col, max_col=col):
                row[0].number_format = _TEXT
        ws.freeze_panes = "A2"
    book.active = 0
    book.save(path)
    return {name: len(rows) for name, rows in data.items()}
