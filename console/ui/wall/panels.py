"""The wall's pieces: big KPI tiles and the rotating panels (rankings, urgent cases, campaigns).

Each is a fixed grid of labels made once; an update only sets texts, so a refresh costs the
GUI thread a few hundred `setText` calls at most. Type sizes come from the wall's style sheet
(wall_style.py), keyed by object names and the `kind` property.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import status_name
from console.services.queues import QueueRow
from console.services.wall_data import (
    RANKED_SHOWN,
    URGENT_SHOWN,
    CampaignProgress,
    RankedUnit,
)

CAMPAIGNS_SHOWN = 4
DASH = "—"
translate = QCoreApplication.translate
# The campaigns service names a target by its key (services/campaigns.TARGETS).
# The figure beside it is how far the target is reached, not the rate itself: the label says so.
TARGET_LABELS = {
    "on_time_closure_rate": QT_TRANSLATE_NOOP("WallView", "On-time closure rate, of target"),
    "open_focus_max": QT_TRANSLATE_NOOP("WallView", "Open focus cases, of target"),
    "patrol_coverage": QT_TRANSLATE_NOOP("WallView", "Cells patrolled daily, of target")}


def _label(parent: QWidget, kind: str, text: str = "", *, align=None,
           gives_way: bool = False) -> QLabel:
    """`gives_way`: cut at the panel's edge rather than widening the wall past the screen."""
    label = QLabel(text, parent)
    label.setProperty("kind", kind)
    if align is not None:
        label.setAlignment(align)
    if gives_way:
        label.setMinimumWidth(1)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class WallTile(QFrame):
    """A caption over a large figure, coloured by state."""

    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"wallTile_{key}")
        self.setProperty("kind", "wallTile")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.caption = _label(self, "tileCaption", caption, align=Qt.AlignmentFlag.AlignCenter,
                              gives_way=True)
        self.value = _label(self, "tileValue", DASH, align=Qt.AlignmentFlag.AlignCenter,
                            gives_way=True)
        # A long caption (English) wraps rather than widening the row past the screen.
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set_value(self, text: str, state: str = "") -> None:
        if self.value.text() != text:
            self.value.setText(text)
        if self.value.property("state") != state:
            self.value.setProperty("state", state)
            self.value.style().unpolish(self.value)
            self.value.style().polish(self.value)


class Panel(QFrame):
    """A titled page of the rotation."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"wallPanel_{key}")
        self.setProperty("kind", "wallPanel")
        self.layout_ = QVBoxLayout(self)
        self.title = _label(self, "panelTitle", title)
        self.layout_.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(4)
        self.layout_.addLayout(self.grid)
        self.layout_.addStretch(1)
        self.note = _label(self, "panelNote")
        self.layout_.addWidget(self.note)

    def set_spacing(self, pixels: int) -> None:
        """The gap between columns, scaled with the wall's type (fixed, a 4K wall ran a
        case's time into its number)."""
        self.grid.setHorizontalSpacing(pixels)

    def _row(self, row: int, kinds: tuple[str, ...], stretch_col: int) -> list[QLabel]:
        cells = [_label(self, k) for k in kinds]
        for col, cell in enumerate(cells):
            self.grid.addWidget(cell, row, col)
        self.grid.setColumnStretch(stretch_col, 1)
        return cells

    def texts(self) -> list[list[str]]:
        """What the panel shows, row by row (for tests and the log)."""
        out = []
        for r in range(self.grid.rowCount()):
            row = [self.grid.itemAtPosition(r, c).widget().text()
                   for c in range(self.grid.columnCount()) if self.grid.itemAtPosition(r, c)]
            if any(row):
                out.append(row)
        return out


class RankingPanel(Panel):
    """The best units over the period, a gap, then the worst (worst last)."""

    KINDS = ("rank", "name", "score", "grade", "change")

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(key, title, parent)
        self.best = [self._row(i, self.KINDS, 1) for i in range(RANKED_SHOWN)]
        self.gap = _label(self, "gap", "⋯", align=Qt.AlignmentFlag.AlignCenter)
        self.grid.addWidget(self.gap, RANKED_SHOWN, 0, 1, len(self.KINDS))
        self.worst = [self._row(RANKED_SHOWN + 1 + i, self.KINDS, 1) for i in range(RANKED_SHOWN)]

    def show_units(self, best: tuple[RankedUnit, ...], worst: tuple[RankedUnit, ...],
                   note: str) -> None:
        for rows, units in ((self.best, best), (self.worst, worst)):
            for i, cells in enumerate(rows):
                unit = units[i] if i < len(units) else None
                self._fill(cells, unit)
        self.gap.setVisible(bool(worst))
        self.note.setText(note)

    @staticmethod
    def _fill(cells: list[QLabel], u: RankedUnit | None) -> None:
        if u is None:
            for c in cells:
                c.setText("")
            return
        change = "" if u.change is None else (
            f"▲{u.change:.1f}" if u.change > 0.05 else f"▼{-u.change:.1f}" if u.change < -0.05
            else "–")
        texts = (str(u.rank or ""), u.name, f"{u.score:.1f}" if u.score is not None else DASH,
                 u.grade or "", change)
        for c, t in zip(cells, texts):
            c.setText(t)
        grade = cells[3]
        if grade.property("grade") != (u.grade or ""):
            grade.setProperty("grade", u.grade or "")
            grade.style().unpolish(grade)
            grade.style().polish(grade)


class UrgentPanel(Panel):
    """The newest urgent cases, two lines each: when, the number and the state; then what and
    where across the panel's width. On one line the address had what the other four left — a
    few characters beside an English state ("Being checked")."""

    KINDS = ("time", "number", "category", "address", "status")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("urgent", translate("WallView", "Newest urgent cases"), parent)
        self.rows: list[list[QLabel]] = []
        self.lines: list[QHBoxLayout] = []
        for i in range(URGENT_SHOWN):
            time, number, status = (_label(self, k) for k in ("time", "number", "status"))
            what = _label(self, "category")
            where = _label(self, "address", gives_way=True)   # never the case number
            top, below = 2 * i, 2 * i + 1
            self.grid.addWidget(time, top, 0)
            self.grid.addWidget(number, top, 1)
            self.grid.addWidget(status, top, 2, Qt.AlignmentFlag.AlignRight)
            line = QHBoxLayout()
            line.setSpacing(self.grid.horizontalSpacing())
            line.addWidget(what)
            line.addWidget(where, 1)
            self.grid.addLayout(line, below, 1, 1, 2)
            self.rows.append([time, number, what, where, status])
            self.lines.append(line)
        self.grid.setColumnStretch(1, 1)

    def set_spacing(self, pixels: int) -> None:
        super().set_spacing(pixels)
        for line in self.lines:
            line.setSpacing(pixels)

    def show_cases(self, cases: tuple[QueueRow, ...]) -> None:
        for i, cells in enumerate(self.rows):
            c = cases[i] if i < len(cases) else None
            texts = ("", "", "", "", "") if c is None else (
                f"{c.reported_at:%H:%M}", c.number, c.category_name,
                c.address or c.cell_code, status_name(c.status))
            for cell, t in zip(cells, texts):
                if cell.text() != t:
                    cell.setText(t)
        self.note.setText("" if cases else translate("WallView", "No urgent case."))

    def texts(self) -> list[list[str]]:
        """One row a case shown: time, number, category, address, state."""
        return [[c.text() for c in cells] for cells in self.rows if cells[1].text()]


class CampaignPanel(Panel):
    """Running campaigns: each one's name across the panel, then its targets with the share of
    each reached. Name, target and share on one line left each a few characters."""

    KINDS = ("name", "target", "share")
    TARGETS_SHOWN = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("campaigns", translate("WallView", "Running campaigns"), parent)
        self.blocks: list[tuple[QLabel, list[list[QLabel]]]] = []
        row = 0
        for _ in range(CAMPAIGNS_SHOWN):
            name = _label(self, "name", gives_way=True)
            self.grid.addWidget(name, row, 0, 1, 2)
            targets = []
            for i in range(self.TARGETS_SHOWN):
                label, share = _label(self, "target", gives_way=True), _label(self, "share")
                self.grid.addWidget(label, row + 1 + i, 0)
                self.grid.addWidget(share, row + 1 + i, 1)
                targets.append([label, share])
            self.blocks.append((name, targets))
            row += 1 + self.TARGETS_SHOWN
        self.grid.setColumnStretch(0, 1)

    def show_campaigns(self, campaigns: tuple[CampaignProgress, ...]) -> None:
        for i, (name, targets) in enumerate(self.blocks):
            c = campaigns[i] if i < len(campaigns) else None
            name.setText("" if c is None else c.name)
            lines = [] if c is None else [
                (translate("WallView", TARGET_LABELS[label]) if label in TARGET_LABELS else label,
                 DASH if share is None else f"{share:.0%}")
                for label, share in (c.targets or (("", None),))[:self.TARGETS_SHOWN]]
            for j, cells in enumerate(targets):
                for cell, t in zip(cells, lines[j] if j < len(lines) else ("", "")):
                    cell.setText(t)
        self.note.setText("" if campaigns else translate("WallView", "No campaign running."))

    def texts(self) -> list[list[str]]:
        """One row a target shown: the campaign's name (on its first), the target, its share."""
        out = []
        for name, targets in self.blocks:
            for j, (label, share) in enumerate(targets):
                if label.text() or share.text():
                    out.append([name.text() if j == 0 else "", label.text(), share.text()])
        return out
