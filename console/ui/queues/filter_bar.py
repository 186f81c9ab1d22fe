"""The queue's filters: category, region, department, source, urgency, campaign, status."""
from __future__ import annotations

import re
from dataclasses import replace

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from console.services.queues import QueueFilter, References
from console.common.messages import source_name, status_name

_CODE_FIRST = re.compile(r"^(\d{3,})\s")
TEXT_DELAY_MS = 350   # typing pauses this long before the query runs


class FilterBar(QWidget):
    """Emits `changed` with the new QueueFilter (without the free text, which the dock owns)."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queueFilters")
        self._refs: References | None = None
        self._locked_department: int | None = None
        self._quiet = False
        self._typing = QTimer(self, singleShot=True, interval=TEXT_DELAY_MS)
        self._typing.timeout.connect(self._emit)

        self.category = QLineEdit(self)
        self.category.setObjectName("filterCategory")
        self.category.setPlaceholderText(self.tr("Code or name, e.g. 201 or 井盖"))
        self.category.setClearButtonEnabled(True)
        self._category_words = QStringListModel(self)
        completer = QCompleter(self._category_words, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.category.setCompleter(completer)
        self.district = self._combo("filterDistrict")
        self.street = self._combo("filterStreet")
        self.community = self._combo("filterCommunity")
        self.cell = QLineEdit(self)
        self.cell.setObjectName("filterCell")
        self.cell.setPlaceholderText(self.tr("Cell code"))
        self.cell.setClearButtonEnabled(True)
        self.department = self._combo("filterDepartment")
        self.source = self._combo("filterSource")
        self.urgent = self._combo("filterUrgent")
        self.campaign = self._combo("filterCampaign")
        self.status = self._combo("filterStatus")
        self.clear_button = QPushButton(self.tr("Clear filters"), self)
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.clicked.connect(self.clear)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        rows = [
            [(self.tr("Category"), self.category, 3), (self.tr("Status"), self.status, 1)],
            [(self.tr("District"), self.district, 1), (self.tr("Street"), self.street, 1),
             (self.tr("Community"), self.community, 1)],
            [(self.tr("Cell"), self.cell, 1), (self.tr("Department"), self.department, 1),
             (self.tr("Source"), self.source, 1)],
            [(self.tr("Urgency"), self.urgent, 1), (self.tr("Campaign"), self.campaign, 1)],
        ]
        for r, cells in enumerate(rows):
            column = 0
            for label, widget, span in cells:
                caption = QLabel(label, self)
                caption.setProperty("kind", "fieldLabel")
                caption.setBuddy(widget)
                grid.addWidget(caption, r, column)
                grid.addWidget(widget, r, column + 1, 1, 2 * span - 1)
                column += 2 * span
        grid.addWidget(self.clear_button, 3, 4, 1, 2)
        for c in (1, 3, 5):
            grid.setColumnStretch(c, 1)

        self.category.textEdited.connect(lambda _t: self._typing.start())
        self.category.returnPressed.connect(self._emit)
        completer.activated.connect(lambda _t: self._emit())
        self.cell.textEdited.connect(lambda _t: self._typing.start())
        self.cell.returnPressed.connect(self._emit)
        self.district.currentIndexChanged.connect(self._district_changed)
        self.street.currentIndexChanged.connect(self._street_changed)
        for combo in (self.community, self.department, self.source, self.urgent, self.campaign,
                      self.status):
            combo.currentIndexChanged.connect(self._emit)

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        return combo

    # --- contents ----------------------------------------------------------------------------

    def set_references(self, refs: References) -> None:
        """Fill the lists (keeps what is chosen where it still exists)."""
        self._refs = refs
        self._quiet = True
        self._category_words.setStringList([f"{c.code} {c.name}（{c.major_name}）"
                                            for c in refs.categories])
        self._fill(self.district, self.tr("All districts"),
                   [(d.id, d.name) for d in refs.districts])
        self._fill(self.department, self.tr("All departments"),
                   [(d.id, d.name) for d in refs.departments])
        self._fill(self.source, self.tr("All sources"), [(s, source_name(s)) for s in refs.sources])
        self._fill(self.urgent, self.tr("Urgent or not"),
                   [(True, self.tr("Urgent only")), (False, self.tr("Not urgent"))])
        self._fill(self.campaign, self.tr("All campaigns") if refs.campaigns else
                   self.tr("No campaign running"), [(c.id, c.name) for c in refs.campaigns])
        self.campaign.setEnabled(bool(refs.campaigns))
        self._fill(self.status, self.tr("All statuses"),
                   [(s, status_name(s)) for s in refs.statuses])
        self._quiet = False
        self._district_changed()
        if self._locked_department is not None:
            self.lock_department(self._locked_department)

    @staticmethod
    def _fill(combo: QComboBox, everything: str, items: list[tuple[object, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for value, text in items:
            combo.addItem(text, value)
        found = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    def _district_changed(self) -> None:
        if self._refs is None:
            return
        district = self.district.currentData()
        streets = [(s.id, s.name) for s in self._refs.streets
                   if district is None or s.parent_id == district]
        self._fill(self.street, self.tr("All streets"), streets)
        self._street_changed()

    def _street_changed(self) -> None:
        if self._refs is None:
            return
        street, district = self.street.currentData(), self.district.currentData()
        if street is not None:
            communities = [(c.id, c.name) for c in self._refs.communities if c.parent_id == street]
        else:
            streets = {s.id for s in self._refs.streets
                       if district is None or s.parent_id == district}
            communities = [(c.id, c.name) for c in self._refs.communities
                           if district is None or c.parent_id in streets]
        self._fill(self.community, self.tr("All communities"), communities)
        self._emit()

    # --- the value --------------------------------------------------------------------------

    def value(self) -> QueueFilter:
        """The filter the controls describe."""
        category = self.category.text().strip()
        code = _CODE_FIRST.match(category + " ")
        return QueueFilter(
            category=code.group(1) if code else category,
            district_id=self.district.currentData(), street_id=self.street.currentData(),
            community_id=self.community.currentData(), cell_code=self.cell.text().strip(),
            department_id=self.department.currentData(), source=self.source.currentData() or "",
            urgent=self.urgent.currentData(), campaign_id=self.campaign.currentData(),
            status=self.status.currentData() or "")

    def set_cell(self, code: str) -> None:
        """Filter to one cell (a click on the map)."""
        self.cell.setText(code)
        self._emit()

    def lock_department(self, department_id: int) -> None:
        """A department's seat sees its own cases only."""
        self._locked_department = department_id
        found = self.department.findData(department_id)
        if found >= 0:
            self.department.setCurrentIndex(found)
        self.department.setEnabled(False)

    def clear(self) -> None:
        """Every filter off (the locked department stays)."""
        self._quiet = True
        self.category.clear()
        self.cell.clear()
        for combo in (self.district, self.source, self.urgent, self.campaign, self.status):
            combo.setCurrentIndex(0)
        if self._locked_department is None:
            self.department.setCurrentIndex(0)
        self._quiet = False
        self._district_changed()

    def describe(self) -> str:
        """The active filters in a few words, for the line under the search box."""
        f, parts = self.value(), []
        if f.category:
            parts.append(self.tr("category {value}").format(value=self.category.text().strip()))
        for combo, on in ((self.community, f.community_id), (self.street, f.street_id),
                          (self.district, f.district_id)):
            if on is not None:
                parts.append(combo.currentText())
                break
        if f.cell_code:
            parts.append(self.tr("cell {code}").format(code=f.cell_code))
        for combo, on in ((self.department, f.department_id), (self.source, f.source),
                          (self.urgent, f.urgent), (self.campaign, f.campaign_id),
                          (self.status, f.status)):
            if on not in (None, ""):
                parts.append(combo.currentText())
        return " · ".join(parts)

    def _emit(self, *_args) -> None:
        if not self._quiet:
            self._typing.stop()
            self.changed.emit(self.value())

    def with_text(self, text: str) -> QueueFilter:
        return replace(self.value(), text=text.strip())
