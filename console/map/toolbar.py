"""The strip above the map: search, what shades the cells, heat-map period, tools."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QToolBar,
                               QToolButton, QWidget)

from console.map import texts
from console.services.map_data import MEASURES


class MapToolBar(QWidget):
    search_requested = Signal(str)
    measure_changed = Signal(str)
    heat_days_changed = Signal(int)
    heat_night_changed = Signal(bool)
    measuring_toggled = Signal(bool)
    fit_requested = Signal()
    tiles_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapToolBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(8)

        self.search = QLineEdit(self)
        self.search.setObjectName("mapSearch")
        self.search.setPlaceholderText(self.tr("Cell code, case number or patrol name (Ctrl+G)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(150)
        self.search.setMaximumWidth(280)
        self.search.returnPressed.connect(self._search)
        layout.addWidget(self.search, 1)
        # The choices and tools sit in a QToolBar: when the map is narrow (a 1366-px screen, long
        # English names) the ones that do not fit move behind its » button instead of widening
        # the window.
        tools = QToolBar(self)
        tools.setObjectName("mapTools")
        layout.addWidget(tools, 4)
        # Keyboard-first: jump to the search box from anywhere in the window.
        shortcut = QShortcut(QKeySequence("Ctrl+G"), self.window() or self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self.focus_search)

        tools.addWidget(QLabel(self.tr("Shading"), self))
        self.measure = QComboBox(self)
        self.measure.setObjectName("mapMeasure")
        for key in MEASURES:
            self.measure.addItem(texts.measure_name(key), key)
        self.measure.currentIndexChanged.connect(
            lambda _: self.measure_changed.emit(self.measure.currentData()))
        _compact(self.measure, 8)
        tools.addWidget(self.measure)

        tools.addWidget(QLabel(self.tr("Heat"), self))
        self.heat = QComboBox(self)
        self.heat.setObjectName("mapHeatPeriod")
        for days, label in texts.HEAT_PERIODS.items():
            self.heat.addItem(texts.tr(label), days)
        self.heat.currentIndexChanged.connect(
            lambda _: self.heat_days_changed.emit(int(self.heat.currentData())))
        _compact(self.heat, 6)
        tools.addWidget(self.heat)
        self.heat_night = QToolButton(self)
        self.heat_night.setObjectName("mapHeatNight")
        self.heat_night.setText(self.tr("Night"))
        self.heat_night.setToolTip(self.tr(
            "Night reports only: reported 19:00–06:00, or in the hours of their category"))
        self.heat_night.setCheckable(True)
        self.heat_night.toggled.connect(self.heat_night_changed)
        tools.addWidget(self.heat_night)

        self.ruler = QToolButton(self)
        self.ruler.setObjectName("mapRuler")
        self.ruler.setText(self.tr("Ruler"))
        self.ruler.setToolTip(self.tr("Click points on the map; double-click or Esc ends"))
        self.ruler.setCheckable(True)
        self.ruler.toggled.connect(self.measuring_toggled)
        tools.addWidget(self.ruler)

        self.fit = QToolButton(self)
        self.fit.setText(self.tr("Whole city"))
        self.fit.setToolTip(self.tr("Show the whole city"))
        self.fit.clicked.connect(self.fit_requested)
        tools.addWidget(self.fit)

        self.tiles = QToolButton(self)
        self.tiles.setObjectName("mapTiles")
        self.tiles.setText(self.tr("Base map…"))
        self.tiles.setToolTip(self.tr("The tile server of this seat's base map"))
        self.tiles.clicked.connect(self.tiles_requested)
        tools.addWidget(self.tiles)

        self.info = QLabel(self)
        self.info.setObjectName("mapInfo")
        self.info.setProperty("kind", "note")
        # A long note must not widen the window past a 1366-px screen: it is cut, with a tooltip.
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.info, 1)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search(self) -> None:
        text = self.search.text().strip()
        if text:
            self.search_requested.emit(text)

    def set_choices(self, measure: str, heat_days: int) -> None:
        """Show the seat's remembered choices without emitting change signals."""
        for combo, value in ((self.measure, measure), (self.heat, heat_days)):
            index = combo.findData(value)
            if index >= 0:
                combo.blockSignals(True)
                combo.setCurrentIndex(index)
                combo.blockSignals(False)

    def enable_campaign(self, enabled: bool) -> None:
        """The campaign measure is offered only while a campaign runs."""
        index = self.measure.findData("campaign")
        item = self.measure.model().item(index) if index >= 0 else None
        if item is not None:
            item.setEnabled(enabled)
            item.setToolTip("" if enabled else texts.no_campaign())


def _compact(combo: QComboBox, characters: int) -> None:
    # Sized to a few characters rather than the longest choice, so the tools fit a narrow
    # map in English too; the open list still shows every name in full.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
