"""The campaign editor: name, kind, period, the area picked from a street/community tree or drawn
on the map as a polygon, focus categories, targets, departments.

The editor is not modal, so the map stays usable while it is open: "Draw on map…" hands the
drawing to the map (console/map/widget.py: draw_polygon), whose `polygon_drawn` brings the
GeoJSON back; the service turns it into the cells whose centre lies inside."""
from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QSpinBox, QTreeWidget,
                               QTreeWidgetItem, QWidget)

from console.services.campaigns import CampaignForm

_CHECK = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def kind_names(widget: QWidget) -> dict[str, str]:
    return {"rectification": widget.tr("专项整治 (rectification)"),
            "inspection": widget.tr("迎检准备 (inspection)"),
            "night": widget.tr("夜查 (night operation)"), "joint": widget.tr("联合执法 (joint)")}


class CampaignEditor(QDialog):
    """Fills a CampaignForm; `refs` = (streets [(code, name, [(code, name)…])…],
    categories [(code, name)], departments [(id, name)]); `drawer`: the map (draw_polygon,
    stop_drawing, polygon_drawn), or None where there is no map to draw on."""

    def __init__(self, refs, form: CampaignForm | None = None, parent: QWidget | None = None,
                 drawer=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Campaign"))
        self.drawer = drawer
        self.drawing = False
        self._polygon = None
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
        self.drawn = QLabel(self)
        self.drawn.setObjectName("campaignDrawn")
        self.draw_button = QPushButton(self.tr("Draw on map…"), self)
        self.draw_button.setObjectName("campaignDraw")
        self.draw_button.setVisible(drawer is not None)
        self.draw_button.clicked.connect(self.start_drawing)
        self.clear_drawing = QPushButton(self.tr("Clear"), self)
        self.clear_drawing.clicked.connect(lambda: self.set_polygon(None))
        drawn_row = QHBoxLayout()
        drawn_row.addWidget(self.drawn, 1)
        drawn_row.addWidget(self.draw_button)
        drawn_row.addWidget(self.clear_drawing)
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
                         (self.tr("Area drawn on the map"), drawn_row),
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
        self.set_polygon(self._polygon)
        self.finished.connect(lambda _result: self._stop_drawing())

    # --- the drawn area --------------------------------------------------------------------

    def set_polygon(self, polygon) -> None:
        self._polygon = polygon
        corners = len(polygon["coordinates"][0]) - 1 if polygon and polygon.get(
            "type") == "Polygon" else (1 if polygon else 0)
        self.drawn.setText(self.tr("{n} corners").format(n=corners) if corners > 1
                           else self.tr("drawn") if polygon else self.tr("none"))
        self.clear_drawing.setEnabled(polygon is not None)

    def start_drawing(self) -> None:
        """Hand the drawing to the map; the editor waits beside it (it is not modal)."""
        if self.drawer is None or self.drawing:
            return
        self.drawing = True
        self.drawer.polygon_drawn.connect(self._drawn)
        self.drawn.setText(self.tr("Drawing on the map: click the corners, double-click to "
                                   "close, Esc to give up…"))
        self.draw_button.setEnabled(False)
        self.drawer.draw_polygon(self._polygon)

    def _drawn(self, polygon) -> None:
        self._disconnect()
        self.set_polygon(polygon if polygon is not None else self._polygon)

    def _disconnect(self) -> None:
        if self.drawing:
            self.drawing = False
            self.drawer.polygon_drawn.disconnect(self._drawn)
            self.draw_button.setEnabled(True)

    def _stop_drawing(self) -> None:
        if self.drawing:
            self._disconnect()
            self.drawer.stop_drawing()

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
            polygon=self._polygon, categories=self._checked(self.categories),
            targets=targets, departments=self._checked(self.departments))
