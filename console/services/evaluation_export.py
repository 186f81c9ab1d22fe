"""A ranking as an Excel workbook (openpyxl): a header naming the scope, period and time of
export, one row per unit, percentages and scores as number formats, the header row frozen."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from console.domain.evaluation import reference
from console.services.evaluation import Ranking
from console.services.workbook import keep_text

GRADE_FILL = {"A": "2E7D32", "B": "558B2F", "C": "F9A825", "D": "EF6C00", "E": "C62828"}


def export_ranking(ranking: Ranking, path: Path, *, title: str, scope_text: str,
                   labels: dict[str, str], exported_at: datetime,
                   progress: Callable[[float], None] | None = None) -> Path:
    """Write `ranking` to `path`; `labels` names the columns in the seat's language
    (rank, name, score, grade, change and each indicator key)."""
    wb = Workbook()
    ws = wb.active
    # Sheet names may not hold : \ / ? * [ ] and are at most 31 characters.
    ws.title = "".join(" " if ch in ':\\/?*[]' else ch for ch in title)[:31].strip() or "ranking"
    p = ranking.period
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"{labels['scope']}: {scope_text}"
    ws["A3"] = (f"{labels['period']}: {p.start:%Y-%m-%d %H:%M} – {p.end:%Y-%m-%d %H:%M}"
                f" ({labels['upto']} {ranking.upto:%Y-%m-%d %H:%M})")
    ws["A4"] = f"{labels['exported']}: {exported_at:%Y-%m-%d %H:%M:%S}"
    keys = list(ranking.indicators)
    header = [labels["rank"], labels["name"], labels["score"], labels["grade"], labels["change"]]
    header += [labels[k] for k in keys]
    first = 6
    for col, text in enumerate(header, start=1):
        cell = ws.cell(first, col, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    indicators = reference().indicators
    n = max(len(ranking.rows), 1)
    for i, r in enumerate(ranking.rows):
        row = first + 1 + i
        ws.cell(row, 1, r.rank)
        ws.cell(row, 2, r.name)
        score = ws.cell(row, 3, None if r.score is None else round(r.score, 2))
        score.number_format = "0.00"
        g = ws.cell(row, 4, r.grade)
        if r.grade in GRADE_FILL:
            g.fill = PatternFill("solid", fgColor=GRADE_FILL[r.grade])
            g.font = Font(bold=True, color="FFFFFF")
            g.alignment = Alignment(horizontal="center")
        change = ws.cell(row, 5, None if r.change is None else round(r.change, 2))
        change.number_format = "+0.00;-0.00;0.00"
        for j, key in enumerate(keys):
            f = r.figures[key]
            c = ws.cell(row, 6 + j, f.value)
            c.number_format = "0.00%" if indicators[key].rate else "0"
        if progress is not None and i % 50 == 0:
            progress(i / n)
    keep_text(ws)   # a unit or scope named `=1+1` is a name, not a formula
    ws.freeze_panes = ws.cell(first + 1, 3)
    ws.column_dimensions["B"].width = 24
    for col in range(3, len(header) + 1):
        ws.column_dimensions[ws.cell(first, col).column_letter].width = 12
    wb.save(path)
    if progress is not None:
        progress(1.0)
    return path
