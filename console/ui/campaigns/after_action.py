"""A joint operation's after-action summary (联合执法行动) in the campaign dock: the cases found,
handled, referred and still open, and each department's share (services/joint_operation.py)."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)


class AfterActionView(QWidget):
    """Shows the `after_action` figures of a campaign's progress (a dict, or None)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.totals = QLabel(self)
        self.totals.setWordWrap(True)
        headers = [self.tr("Department"), self.tr("Referred"), self.tr("Lead / assisting"),
                   self.tr("Handled"), self.tr("Overdue")]
        self.departments = QTableWidget(0, len(headers), self)
        self.departments.setHorizontalHeaderLabels(headers)
        self.departments.verticalHeader().hide()
        self.departments.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.departments.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.departments.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.totals)
        layout.addWidget(self.departments, 1)

    def show_summary(self, figures: dict[str, Any] | None) -> None:
        figures = figures or {"found": 0, "by_patrol": 0, "handled": 0, "referred": 0,
                              "open": 0, "departments": []}
        self.totals.setText(
            self.tr("Cases found %1 (by patrols %2) · handled %3 · referred %4 · still open %5")
            .replace("%1", str(figures["found"])).replace("%2", str(figures["by_patrol"]))
            .replace("%3", str(figures["handled"])).replace("%4", str(figures["referred"]))
            .replace("%5", str(figures["open"])))
        rows = figures["departments"]
        self.departments.setRowCount(len(rows))
        for r, d in enumerate(rows):
            name = d["name"] if d["participating"] else \
                self.tr("%1 (not in the operation)").replace("%1", d["name"])
            for c, text in enumerate((name, str(d["referred"]), f"{d['lead']} / {d['assist']}",
                                      str(d["handled"]), str(d["overdue"]))):
                self.departments.setItem(r, c, QTableWidgetItem(text))
