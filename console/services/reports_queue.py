"""A queue view (a tab, its filter and its order) as an Excel workbook, streamed.

The rows are the queue's own query (services/queues.py: queue_page) read page by page with its
keyset, written by openpyxl's write-only workbook: memory stays flat whether the view holds
ten cases or most of a million. A header names the scope, the moment the queue is read as of,
and the time of export; times carry a date format, counts a number format; the column header
row is frozen. The file appears whole or not at all: it is written beside its name and moved
there at the end, so a cancelled or failed export leaves nothing behind.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from console.services.queues import QueueQuery, QueueRow, queue_page, stage_counts

EXPORT_PAGE = 2000
#: column key → width; the order of the sheet's columns
COLUMNS = {"number": 15, "category": 26, "status": 10, "urgent": 6, "source": 10,
           "department": 18, "cell": 17, "address": 30, "reported_at": 17, "deadline": 17,
           "dispatched_at": 17, "handled_at": 17, "closed_at": 17, "supervision": 8}
DATE_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_ROWS = 5   # title, scope, as-of, exported, blank; then the column header


def row_values(row: QueueRow, names: dict[str, Callable[[str], str]]) -> dict[str, object]:
    """One queue row as the sheet's cells; `names` turn codes (status, source) into words."""
    return {"number": row.number, "category": f"{row.category_code} {row.category_name}",
            "status": names["status"](row.status), "urgent": "●" if row.urgent else "",
            "source": names["source"](row.source), "department": row.department_name,
            "cell": row.cell_code, "address": row.address, "reported_at": row.reported_at,
            "deadline": row.deadline, "dispatched_at": row.dispatched_at,
            "handled_at": row.handled_at, "closed_at": row.closed_at,
            "supervision": row.supervision_level or None}


def export_queue(session: Session, query: QueueQuery, path: Path, *, title: str,
                 scope_text: str, labels: dict[str, str], names: dict[str, Callable[[str], str]],
                 exported_at: datetime, now: datetime | None = None,
                 progress: Callable[[float], None] | None = None,
                 check: Callable[[], None] | None = None, page_size: int = EXPORT_PAGE) -> int:
    """Write every row of the view `query` (as of `now`) to `path`; the number of rows.

    `labels`: the words of the header ("scope", "as_of", "exported") and of each column key;
    `check` is called between pages and may raise to stop (the task runner's cancel)."""
    now = now or exported_at
    total = stage_counts(session, query.filter, stages=(query.stage,), now=now,
                         viewer=query.viewer)[query.stage]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("".join(" " if ch in ':\\/?*[]' else ch for ch in title)[:31].strip()
                         or "queue")
    for i, width in enumerate(COLUMNS.values()):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = f"A{HEADER_ROWS + 2}"
    bold = Font(bold=True)
    ws.append([_cell(ws, title, font=Font(bold=True, size=14))])
    ws.append([f"{labels['scope']}: {scope_text}"])
    ws.append([f"{labels['as_of']}: {now:%Y-%m-%d %H:%M}"])
    ws.append([f"{labels['exported']}: {exported_at:%Y-%m-%d %H:%M:%S}"])
    ws.append([])
    ws.append([_cell(ws, labels[k], font=bold, align=Alignment(horizontal="center"))
               for k in COLUMNS])
    written, after = 0, None
    part = path.with_name(path.name + ".part")
    try:
        while True:
            if check is not None:
                check()
            page = queue_page(session, query, after=after, limit=page_size, now=now)
            for row in page.rows:
                ws.append([_value_cell(ws, v) for v in row_values(row, names).values()])
            written += len(page.rows)
            if progress is not None:
                progress(min(written / total, 1.0) if total else 1.0)
            if not page.has_more or not page.rows:
                break
            last = page.rows[-1]
            after = (last.sort_value(query.sort), last.id)
        wb.save(part)
        os.replace(part, path)
    except BaseException:
        # The write-only sheet holds an open temporary file: closed now, not by the collector.
        with contextlib.suppress(Exception):   # the error that brought us here is the one raised
            ws.close()
        raise
    finally:
        part.unlink(missing_ok=True)
    return written


def _cell(ws, value, *, font: Font | None = None, align: Alignment | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if align is not None:
        cell.alignment = align
    return cell


def _value_cell(ws, value):
    if isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, int) and not isinstance(value, bool):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "0"
        return cell
    return value
