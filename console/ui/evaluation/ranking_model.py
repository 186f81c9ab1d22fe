"""A ranking as a table: rank, name, score, grade (coloured), change, then the indicators."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QColor

from console.common.i18n import current_language
from console.domain.evaluation import reference
from console.services.evaluation import PARTS, Ranking

FIXED = ("rank", "name", "score", "grade", "change")
GRADE_COLOURS = {"A": "#2e7d32", "B": "#558b2f", "C": "#f9a825", "D": "#ef6c00", "E": "#c62828"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def _t(text: str) -> str:
    return QCoreApplication.translate("RankingModel", text)


def _marks() -> None:
    # lupdate finds the strings `tr` translates only through literal translate() calls.
    for text in (QCoreApplication.translate("RankingModel", "Rank"),
                 QCoreApplication.translate("RankingModel", "Name"),
                 QCoreApplication.translate("RankingModel", "Score"),
                 QCoreApplication.translate("RankingModel", "Grade"),
                 QCoreApplication.translate("RankingModel", "Change"),
                 QCoreApplication.translate("RankingModel", "No data: this indicator is not recorded yet"),
                 QCoreApplication.translate("RankingModel", "Double-click to list the cases")):
        del text


def indicator_name(key: str) -> str:
    """The indicator's name in the seat's language (Chinese, or the reference's English)."""
    ind = reference().indicators[key]
    if current_language() != "en":
        return ind.name_zh
    return ind.name_en[:1].upper() + ind.name_en[1:]   # a column title, like its neighbours


class RankingModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.ranking: Ranking | None = None

    def set_ranking(self, ranking: Ranking | None) -> None:
        self.beginResetModel()
        self.ranking = ranking
        self.endResetModel()

    def columns(self) -> tuple[str, ...]:
        return FIXED + (self.ranking.indicators if self.ranking else ())

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.ranking is None else len(self.ranking.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns())

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        key = self.columns()[section]
        if role == Qt.ItemDataRole.DisplayRole:
            labels = {"rank": _t("Rank"), "name": _t("Name"), "score": _t("Score"),
                      "grade": _t("Grade"), "change": _t("Change")}
            return labels.get(key) or indicator_name(key)
        if role == Qt.ItemDataRole.ToolTipRole and key not in FIXED:
            ind = reference().indicators[key]
            return f"{ind.name_zh} — {ind.name_en}\n{ind.formula}"
        if role == Qt.ItemDataRole.ToolTipRole and key == "score" and self.ranking:
            return " + ".join(f"{'(1 − ' if t.inverted else ''}{indicator_name(t.key)}"
                              f"{')' if t.inverted else ''} {t.weight:g}%" for t in self.ranking.terms)
        return None

    def key_at(self, column: int) -> str:
        return self.columns()[column]

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.ranking is None:
            return None
        r = self.ranking.rows[index.row()]
        key = self.columns()[index.column()]
        if role == SORT_ROLE:
            value = {"rank": r.rank, "name": r.name, "score": r.score, "grade": r.grade,
                     "change": r.change}.get(key, None) if key in FIXED else r.figures[key].value
            return (value is None, value if value is not None else 0)
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "rank":
                return "" if r.rank is None else str(r.rank)
            if key == "name":
                return r.name
            if key == "score":
                return "—" if r.score is None else f"{r.score:.2f}"
            if key == "grade":
                return r.grade or "—"
            if key == "change":
                if r.change is None:
                    return "—"
                arrow = "▲" if r.change > 0.005 else "▼" if r.change < -0.005 else "＝"
                return f"{arrow} {abs(r.change):.2f}"
            f = r.figures[key]
            if f.value is None:
                return "—"
            return f"{f.value * 100:.1f}%" if reference().indicators[key].rate else f"{f.value:.0f}"
        if role == Qt.ItemDataRole.ToolTipRole and key not in FIXED:
            f = r.figures[key]
            num, den = PARTS[key]
            if num is None:
                return _t("No data: this indicator is not recorded yet")
            base = f"{f.numerator}" + ("" if den is None else f" / {f.denominator}")
            return base + "\n" + _t("Double-click to list the cases")
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "grade" and r.grade in GRADE_COLOURS:
                return QColor("white")
            if key == "change" and r.change is not None and abs(r.change) > 0.005:
                return QColor("#43a047" if r.change > 0 else "#e53935")
        if role == Qt.ItemDataRole.BackgroundRole and key == "grade" and r.grade in GRADE_COLOURS:
            return QColor(GRADE_COLOURS[r.grade])
        if role == Qt.ItemDataRole.TextAlignmentRole and key != "name":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) \
                if key != "grade" else int(Qt.AlignmentFlag.AlignCenter)
        return None
