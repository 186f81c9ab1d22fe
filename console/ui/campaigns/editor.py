"""The campaign editor: name, kind, period, the area picked from a street/community tree, focus
categories, targets, departments. Polygon drawing on the map is not offered here (the service
takes a GeoJSON polygon; the map's drawing tool is still to come)."""
from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QLineEdit, QListWidget, QListWidgetItem, QSpinBox,
                               QTreeWidget, QTreeWidgetItem, QWidget)

from console.services.campaigns import CampaignForm

_CHECK = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def kind_names(widget: QWidget) -> dict[str, str]:
    return {"rectification": widget.tr("专项整治 (rectification)"),
            "inspection": widget.tr("迎检准备 (inspection)"),
            "night": widget.tr("夜查 (night operation)"), "joint": widget.tr("联合执法 (joint)")}


class CampaignEditor(QDialog):
    """Fills a CampaignForm; `refs` = (streets [(code, name, [(code, name)…])…],
    categories [(code, name)], departments [(id, name)])."""

    def __init__(self, refs, form: CampaignForm | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Campaign"))
        streets, categories, departments = refs
        today = QDate.currentDate()
        self.name = QLineEdit(self)
        self.kind = QComboBox(self)
        for code, text in kind_names(self).items():
            self.kind.addItem(text, code)
        self.start = QDateEdit(today, self, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.end = QDateEdit(today.addDays(30), self, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.area = QTreeWidget(self)
        self.area.setHeaderHidden(True)
        for code, name, communities in streets:
            top = QTreeWidgetItem(self.area, [name])
            top.setData(0, Qt.ItemDataRole.UserRole, ("street", code))
            top.setFlags(_CHECK)
            top.setCheckState(0, Qt.CheckState.Unchecked)
            for c_code, c_name in communities:
                child = QTreeWidgetItem(top, [c_name])
                child.setData(0, Qt.ItemDataRole.UserRole, ("community", c_code))
                child.setFlags(_CHECK)
                child.setCheckState(0, Qt.CheckState.Unchecked)
        self.categories = self._checklist(categories)
        self.departments = self._checklist(departments)
        self.rate = QDoubleSpinBox(self, minimum=0, maximum=100, suffix=" %", value=95)
        self.open_max = QSpinBox(self, minimum=-1, maximum=100000, value=-1,
                                 specialValueText=self.tr("no target"))
        self.open_by = QDateEdit(today.addDays(30), self, calendarPopup=True,
                                 displayFormat="yyyy-MM-dd")
        self.coverage = QDoubleSpinBox(self, minimum=0, maximum=100, suffix=" %", value=100)
        form_layout = QFormLayout(self)
        for label, w in ((self.tr("Name"), self.name), (self.tr("Kind"), self.kind),
                         (self.tr("Starts"), self.start), (self.tr("Ends"), self.end),
                         (self.tr("Area (streets / communities)"), self.area),
                         (self.tr("Focus categories (none: all)"), self.categories),
                         (self.tr("On-time closure rate ≥ (0: no target)"), self.rate),
                         (self.tr("Open focus cases ≤"), self.open_max),
                         (self.tr("…by"), self.open_by),
                         (self.tr("Cells patrolled daily ≥ (0: no target)"), self.coverage),
                         (self.tr("Responsible departments"), self.departments)):
            form_layout.addRow(label, w)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form_layout.addRow(buttons)
        if form is not None:
            self._fill(form)

    def _checklist(self, items) -> QListWidget:
        w = QListWidget(self)
        w.setMaximumHeight(90)
        for key, name in items:
            item = QListWidgetItem(str(name), w)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(_CHECK)
            item.setCheckState(Qt.CheckState.Unchecked)
        return w

    @staticmethod
    def _checked(w: QListWidget) -> list:
        return [w.item(i).data(Qt.ItemDataRole.UserRole) for i in range(w.count())
                if w.item(i).checkState() == Qt.CheckState.Checked]

    def _tree_items(self):
        for i in range(self.area.topLevelItemCount()):
            top = self.area.topLevelItem(i)
            yield top
            for j in range(top.childCount()):
                yield top.child(j)

    def _fill(self, f: CampaignForm) -> None:
        self.name.setText(f.name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(f.kind)))
        self.start.setDate(QDate(f.starts_at.date()))
        self.end.setDate(QDate(f.ends_at.date()))
        chosen = {("street", c) for c in f.streets} | {("community", c) for c in f.communities}
        for item in self._tree_items():
            if tuple(item.data(0, Qt.ItemDataRole.UserRole)) in chosen:
                item.setCheckState(0, Qt.CheckState.Checked)
        for w, keys in ((self.categories, f.categories), (self.departments, f.departments)):
            for i in range(w.count()):
                if w.item(i).data(Qt.ItemDataRole.UserRole) in keys:
                    w.item(i).setCheckState(Qt.CheckState.Checked)
        t = f.targets
        self.rate.setValue(100 * t.get("on_time_closure_rate", 0))
        self.open_max.setValue(t.get("open_focus_max", -1))
        if t.get("open_focus_by"):
            self.open_by.setDate(QDate.fromString(t["open_focus_by"], "yyyy-MM-dd"))
        self.coverage.setValue(100 * t.get("patrol_coverage", 0))
        self._polygon = f.polygon

    def form(self) -> CampaignForm:
        """What the dialog holds (the service checks it)."""
        picked = [tuple(i.data(0, Qt.ItemDataRole.UserRole)) for i in self._tree_items()
                  if i.checkState(0) == Qt.CheckState.Checked]
        targets = {}
        if self.rate.value() > 0:
            targets["on_time_closure_rate"] = round(self.rate.value() / 100, 4)
        if self.open_max.value() >= 0:
            targets["open_focus_max"] = self.open_max.value()
            targets["open_focus_by"] = self.open_by.date().toPython().isoformat()
        if self.coverage.value() > 0:
            targets["patrol_coverage"] = round(self.coverage.value() / 100, 4)
        return CampaignForm(
            name=self.name.text(), kind=self.kind.currentData(),
            starts_at=datetime.combine(self.start.date().toPython(), time()),
            ends_at=datetime.combine(self.end.date().toPython(), time(23, 59, 59)),
            streets=[c for k, c in picked if k == "street"],
            communities=[c for k, c in picked if k == "community"],
            polygon=getattr(self, "_polygon", None), categories=self._checked(self.categories),
            targets=targets, departments=self._checked(self.departments))
