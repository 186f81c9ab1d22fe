"""The ranking workbook: what a unit is called is written as text, never as a formula."""
from __future__ import annotations

from datetime import datetime

from openpyxl import load_workbook

from console.domain.evaluation import Level, Period
from console.services.evaluation import Figure, Ranked, Ranking
from console.services.evaluation_export import export_ranking

LABELS = {"scope": "Scope", "period": "Period", "upto": "up to", "exported": "Exported",
          "rank": "Rank", "name": "Name", "score": "Score", "grade": "Grade",
          "change": "Change", "closure_rate": "On time"}


def test_a_unit_named_like_a_formula_is_written_as_text(tmp_path):
    period = Period(datetime(2026, 11, 1), datetime(2026, 12, 1))
    rows = [Ranked(1, "=1+1", {"closure_rate": Figure(0.5, 1, 2)}, 80.0, "B", None, rank=1),
            Ranked(2, "一号街道", {"closure_rate": Figure(1.0, 2, 2)}, 90.0, "A", None, rank=2)]
    ranking = Ranking(Level.STREET, period, period.end, rows, ("closure_rate",), ())
    path = export_ranking(ranking, tmp_path / "r.xlsx", title="=SUM(1)", scope_text="=2*3",
                          labels=dict(LABELS, closure_rate="=on time"),
                          exported_at=datetime(2026, 12, 1, 9, 0))
    ws = load_workbook(path).active
    names = {ws.cell(r, 2).value: ws.cell(r, 2).data_type for r in (7, 8)}
    assert names == {"=1+1": "s", "一号街道": "s"}
    assert ws["A1"].value == "=SUM(1)" and ws["A1"].data_type == "s"
    assert ws["A2"].value == "Scope: =2*3"
    assert ws.cell(6, 6).value == "=on time" and ws.cell(6, 6).data_type == "s"
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
