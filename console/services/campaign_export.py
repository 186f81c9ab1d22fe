"""A campaign as an Excel workbook (openpyxl): what a leader hands in at the end of a shift.

Sheets: the targets with their state and the trend per day, the open focus cases, the slowest
departments and streets, the supervision orders, and for a joint operation (联合执法) its
after-action summary. Every sheet opens with a header naming the
campaign, its scope, its period and the time of export; shares carry a percent format, times a
date format; the header rows are frozen. The figures are the dashboard's own
(services/campaign_progress.progress), so the file says what the screen said. The file appears
whole or not at all: written beside its name and moved there at the end.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.services.campaign_progress import Progress, progress
from console.services.campaigns import info
from console.services.workbook import keep_text
from console.store.models import Community, Street

DATE_FORMAT = "yyyy-mm-dd hh:mm"
DAY_FORMAT = "yyyy-mm-dd"
SHARE_FORMAT = "0.0%"
#: Target keys whose figures are shares (the rest are counts).
SHARE_TARGETS = frozenset({"on_time_closure_rate", "patrol_coverage"})


def scope_text(session: Session, area: dict[str, Any], labels: dict[str, str]) -> str:
    """The campaign's area in words: its streets and communities by name, and drawn cells."""
    parts = []
    for model, key in ((Street, "streets"), (Community, "communities")):
        codes = list(area.get(key) or ())
        if codes:
            names = dict(session.execute(select(model.code, model.name).where(
                model.code.in_(codes))).all())
            parts.append("、".join(names.get(c, c) for c in codes))
    if area.get("polygon"):
        parts.append(labels["drawn_area"].format(cells=len(area.get("cells") or ())))
    return "; ".join(parts) or "—"


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class _Sheets:
    """Writes each sheet's header the same way and remembers the column widths."""

    def __init__(self, wb: Workbook, header: list[str]) -> None:
        self.wb, self.header = wb, header
        self.next_row: dict[str, int] = {}

    def sheet(self, title: str, columns: list[tuple[str, int]], first: bool = False) -> Worksheet:
        # Sheet names may not hold : \ / ? * [ ] and are at most 31 characters.
        name = "".join(" " if ch in ':\\/?*[]' else ch for ch in title)[:31].strip() or "sheet"
        ws = self.wb.active if first else self.wb.create_sheet()
        ws.title = name
        for i, line in enumerate(self.header, start=1):
            ws.cell(i, 1, line)
        ws["A1"].font = Font(bold=True, size=14)
        head = len(self.header) + 2
        for col, (text, width) in enumerate(columns, start=1):
            cell = ws.cell(head, col, text)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
            ws.column_dimensions[cell.column_letter].width = width
        ws.freeze_panes = f"A{head + 1}"
        self.next_row[ws.title] = head + 1
        return ws

    def row(self, ws: Worksheet, values: list[tuple[Any, str | None]]) -> None:
        r = self.next_row[ws.title]
        self.next_row[ws.title] = r + 1
        for col, (value, fmt) in enumerate(values, start=1):
            cell = ws.cell(r, col, value)
            if fmt:
                cell.number_format = fmt


def write_workbook(p: Progress, path: Path, *, scope: str, labels: dict[str, str],
                   target_names: dict[str, str], exported_at: datetime,
                   check: Callable[[], None] | None = None) -> None:
    """Write the figures `p` to `path` (a finished file or none)."""
    check = check or (lambda: None)
    title = f"{labels['title']}: {p.name}"
    period = f"{p.starts_at[:16].replace('T', ' ')} – {p.ends_at[:16].replace('T', ' ')}"
    header = [title, f"{labels['scope']}: {scope}",
              f"{labels['period']}: {period} ({labels['upto']} {p.upto[:16].replace('T', ' ')})"
              + (f" · {labels['closed']}" if p.closed else ""),
              f"{labels['exported']}: {exported_at:%Y-%m-%d %H:%M:%S}"]
    wb = Workbook()
    sheets = _Sheets(wb, header)

    ws = sheets.sheet(labels["targets"], [(labels["target"], 28), (labels["goal"], 12),
                                          (labels["now"], 12), (labels["met"], 10),
                                          (labels["by"], 12)], first=True)
    for t in p.targets:
        fmt = SHARE_FORMAT if t.key in SHARE_TARGETS else "0"
        met = {True: labels["yes"], False: labels["no"], None: "…"}[t.met]
        sheets.row(ws, [(target_names.get(t.key, t.key), None), (t.goal, fmt), (t.value, fmt),
                        (met, None), (date.fromisoformat(t.by) if t.by else None, DAY_FORMAT)])
    sheets.row(ws, [(None, None)])
    sheets.row(ws, [(labels["tagged"], None), (p.tagged, "0")])
    sheets.row(ws, [(labels["open"], None), (p.open_count, "0")])
    cov = p.coverage
    sheets.row(ws, [(labels["coverage"], None), (cov.get("covered"), "0"),
                    (cov.get("cells"), "0"), (cov.get("share"), SHARE_FORMAT)])
    check()

    ws = sheets.sheet(labels["trend"], [(labels["day"], 12)] + [
        (target_names.get(t.key, t.key), 18) for t in p.targets])
    for i, day in enumerate(p.days):
        sheets.row(ws, [(date.fromisoformat(day), DAY_FORMAT)] + [
            (t.trend[i] if i < len(t.trend) else None,
             SHARE_FORMAT if t.key in SHARE_TARGETS else "0") for t in p.targets])
    check()

    ws = sheets.sheet(labels["focus"], [(labels["number"], 16), (labels["category"], 22),
                                        (labels["street"], 14), (labels["department"], 16),
                                        (labels["deadline"], 17), (labels["supervision"], 10)])
    for c in p.open_cases:
        sheets.row(ws, [(c["number"], None), (c["category"], None), (c["street"], None),
                        (c["department"], None), (_time(c["deadline"]), DATE_FORMAT),
                        (c["supervision_level"] or None, "0")])
    check()

    ws = sheets.sheet(labels["slowest"], [(labels["kind"], 10), (labels["unit"], 22),
                                          (labels["score"], 10), (labels["grade"], 8),
                                          (labels["rate"], 12), (labels["overdue"], 10)])
    for kind, rows in ((labels["department"], p.slowest_departments),
                       (labels["street"], p.slowest_streets)):
        for r in rows:
            sheets.row(ws, [(kind, None), (r["name"], None), (round(r["score"], 2), "0.00"),
                            (r["grade"], None), (r["rate"], SHARE_FORMAT), (r["overdue"], "0")])
    check()

    ws = sheets.sheet(labels["orders"], [(labels["level"], 14), (labels["number"], 16),
                                         (labels["department"], 16), (labels["reason"], 28),
                                         (labels["issued"], 17), (labels["due"], 17),
                                         (labels["answered"], 17), (labels["closed_at"], 17)])
    levels = {1: labels["level1"], 2: labels["level2"], 3: labels["level3"]}
    for o in p.orders:
        sheets.row(ws, [(levels.get(o["level"], o["level"]), None), (o["number"], None),
                        (o["department"], None), (o["reason"], None),
                        (_time(o["issued_at"]), DATE_FORMAT), (_time(o["due_at"]), DATE_FORMAT),
                        (_time(o["answered_at"]), DATE_FORMAT),
                        (_time(o["closed_at"]), DATE_FORMAT)])
    if p.after_action is not None:
        _after_action(sheets, p.after_action, labels)
    for sheet in wb.worksheets:
        keep_text(sheet)    # a campaign or reason written `=1+1` is text, not a formula
    check()
    part = path.with_name(f".{path.name}.part")
    try:
        wb.save(part)
        check()
        os.replace(part, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()


def _after_action(sheets: _Sheets, figures: dict[str, Any], labels: dict[str, str]) -> None:
    """A joint operation's after-action summary (services/joint_operation.py): the totals,
    then a row per department."""
    ws = sheets.sheet(labels["after_action"], [
        (labels["department"], 22), (labels["referred"], 10), (labels["as_lead"], 10),
        (labels["as_assist"], 10), (labels["handled"], 10), (labels["overdue"], 10),
        (labels["participating"], 12)])
    for key in ("found", "by_patrol", "handled", "referred", "open_cases"):
        sheets.row(ws, [(labels[f"aa_{key}"], None),
                        (figures["open" if key == "open_cases" else key], "0")])
    sheets.row(ws, [(None, None)])
    for d in figures["departments"]:
        sheets.row(ws, [(d["name"], None), (d["referred"], "0"), (d["lead"], "0"),
                        (d["assist"], "0"), (d["handled"], "0"), (d["overdue"], "0"),
                        (labels["yes"] if d["participating"] else labels["no"], None)])


def export_campaign(session: Session, campaign_id: int, path: Path, *, now: datetime,
                    labels: dict[str, str], target_names: dict[str, str],
                    exported_at: datetime, report: Callable[[float], None] | None = None,
                    check: Callable[[], None] | None = None) -> Progress:
    """Read the campaign's figures as of `now` and write them to `path`; the figures.

    `labels` hold the seat's words for headers and columns; `check` may raise to stop (the
    task runner's cancel); `report(fraction)` tells how far it is."""
    report = report or (lambda _f: None)
    report(0.05)
    campaign = info(session, campaign_id)
    scope = scope_text(session, campaign.area, labels)
    figures = progress(session, campaign_id, now)
    if check is not None:
        check()
    report(0.7)
    write_workbook(figures, path, scope=scope, labels=labels, target_names=target_names,
                   exported_at=exported_at, check=check)
    report(1.0)
    return figures
