"""Reading a spreadsheet a centre filled in: the file checked before openpyxl parses it, each
sheet as rows of plain values keyed by column, and every problem in the sheet's own terms
(sheet, row, column, value, why).

A workbook comes from outside, so it is judged like any other input: its size on disk and
unpacked (an .xlsx is a zip; a small one can unpack to gigabytes), its kind (a .xls or a CSV
renamed .xlsx is refused by name, not by a parser's traceback), formulas (their cached value
is whatever the last program to save the file computed, or nothing: refused), row counts.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from console.domain.errors import DomainError

#: Largest workbook file accepted, and the most its parts may unpack to.
MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
#: Most data rows one sheet may hold (a megacity's 10,000 officers with room to spare).
MAX_ROWS = 50_000
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workbook: where (sheet, row, column as the sheet shows them),
    the value found there, and why, as a refusal code with its parameters."""

    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def error(self) -> DomainError:
        return DomainError(self.code, **self.params)

    def where(self) -> str:
        """`sheet!C5` (or less, when the problem is with the whole sheet or file)."""
        if self.sheet is None:
            return ""
        if self.row is None:
            return self.sheet + (f"!{self.column}" if self.column else "")
        return f"{self.sheet}!{self.column or ''}{self.row}"


#: The value of a cell that held a formula (already reported; not to be judged again).
FORMULA = object()


def keep_text(ws: Any) -> None:
    """Write every string of `ws` as text: openpyxl takes a string starting with `=` for a
    formula, so a name such as `=HYPERLINK(...)` would become a live link in Excel and be
    refused as a formula when the workbook is imported again."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f" and isinstance(cell.value, str):
                cell.data_type = "s"


class WorkbookRefused(DomainError):
    """The workbook as a whole cannot be read (kind, size, damage): nothing was looked at."""


@dataclass
class Sheet:
    """A sheet's data rows as {column key: value}, with the row numbers and column letters
    the user sees, so problems can point at the cell."""

    name: str
    letters: dict[str, str]                     # column key → "A", "B", …
    rows: list[tuple[int, dict[str, Any]]]      # (row number, values)


def check_file(path: Path) -> None:
    """Refuse, by name, a file that is not a readable .xlsx of a sane size."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(4)
    except OSError as exc:
        raise WorkbookRefused("workbook_unreadable", path=str(path),
                              detail=exc.strerror or type(exc).__name__) from None
    if size > MAX_FILE_BYTES:
        raise WorkbookRefused("workbook_too_large", path=str(path),
                              limit=MAX_FILE_BYTES // (1024 * 1024))
    if head != _ZIP_MAGIC:
        raise WorkbookRefused("workbook_not_xlsx", path=str(path))
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError):
        raise WorkbookRefused("workbook_not_xlsx", path=str(path)) from None
    if "xl/workbook.xml" not in names:
        raise WorkbookRefused("workbook_not_xlsx", path=str(path))
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookRefused("workbook_too_large", path=str(path),
                              limit=MAX_FILE_BYTES // (1024 * 1024))


def column_key(header: Any) -> str | None:
    """The key of a header cell: its last word ("部门 department" → "department")."""
    if not isinstance(header, str) or not header.strip():
        return None
    return header.split()[-1].strip().lower()


def cell_text(value: Any) -> str:
    """A cell's value as the user would read it back in a report."""
    if value is None:
        return ""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)[:80]


def read_sheets(path: Path, wanted: dict[str, tuple[str, ...]]
                ) -> tuple[dict[str, Sheet], list[Problem]]:
    """The sheets named in `wanted` (sheet → its column keys, first ones required) and the
    problems found reading them: a missing sheet or column, a formula, too many rows.

    Sheets not in `wanted` (the hidden list of choices, a centre's own notes) are ignored."""
    from openpyxl import load_workbook
    check_file(path)
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:   # openpyxl raises KeyError, ValueError, zip and XML errors alike
        raise WorkbookRefused("workbook_unreadable", path=str(path),
                              detail=type(exc).__name__) from None
    sheets: dict[str, Sheet] = {}
    problems: list[Problem] = []
    try:
        for name, columns in wanted.items():
            if name not in book.sheetnames:
                problems.append(Problem(name, None, None, None, "workbook_sheet_missing",
                                        {"sheet": name}))
                continue
            sheet, found = _read_sheet(book[name], name, columns)
            problems += found
            if sheet is not None:
                sheets[name] = sheet
    finally:
        book.close()
    return sheets, problems


def _read_sheet(ws: Any, name: str, columns: tuple[str, ...]
                ) -> tuple[Sheet | None, list[Problem]]:
    from openpyxl.utils import get_column_letter
    problems: list[Problem] = []
    rows = ws.iter_rows()
    header = next(rows, ())
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = column_key(cell.value)
        if key in columns and key not in index:
            index[key] = i
    missing = [c for c in columns if c not in index]
    if missing:
        return None, [Problem(name, 1, None, None, "workbook_column_missing",
                              {"sheet": name, "column": c}) for c in missing]
    letters = {key: get_column_letter(i + 1) for key, i in index.items()}
    data: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(rows, start=2):
        values: dict[str, Any] = {}
        for key, i in index.items():
            cell = cells[i] if i < len(cells) else None
            value = None if cell is None else cell.value
            # Only a cell holding a formula: a text cell starting with `=` is a name.
            if cell is not None and cell.data_type == "f":
                problems.append(Problem(name, number, letters[key], cell_text(value),
                                        "cell_formula", {}))
                value = FORMULA
            if isinstance(value, str) and not value.strip():
                value = None
            values[key] = value
        if all(v is None for v in values.values()):
            continue   # an empty row (Excel keeps formatted rows) is not a record
        data.append((number, values))
        if len(data) > MAX_ROWS:
            return None, problems + [Problem(name, number, None, None, "workbook_too_many_rows",
                                             {"sheet": name, "limit": MAX_ROWS})]
    return Sheet(name, letters, data), problems
