"""What the two GIS import dialogs (the unit grid, the work grids) share: the encoding and
coordinate-system choices, an attribute chooser filled from the file, read-only table items."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QTableWidgetItem, QWidget

# Encodings offered (None: the .cpg, else UTF-8, else GB18030 — the reader decides).
ENCODINGS = (None, "utf-8", "gbk", "gb18030")
# Coordinate systems offered; the box is editable for any EPSG code (e.g. EPSG:4549).
CRS_CHOICES = (None, "WGS84", "EPSG:4490", "GK3", "WebMercator", "GCJ02", "BD09")
# The words keep the context "GridImportDialog" (the grid dialog's, where they were first):
# one translation for both dialogs.


def item(text: str, align_right: bool = False) -> QTableWidgetItem:
    out = QTableWidgetItem(text)
    out.setFlags(out.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if align_right:
        out.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return out


def encoding_box(parent: QWidget, name: str) -> QComboBox:
    box = QComboBox(parent)
    box.setObjectName(name)
    for value in ENCODINGS:
        box.addItem(QCoreApplication.translate("GridImportDialog", "Detect") if value is None
                    else value.upper(), value)
    return box


def crs_box(parent: QWidget, name: str) -> QComboBox:
    box = QComboBox(parent)
    box.setObjectName(name)
    box.setEditable(True)
    labels = {None: QCoreApplication.translate("GridImportDialog",
                                               "As the file states (else WGS 84)"),
              "WGS84": "WGS 84",
              "EPSG:4490": QCoreApplication.translate("GridImportDialog",
                                                      "CGCS2000 geographic (EPSG:4490)"),
              "GK3": QCoreApplication.translate(
                  "GridImportDialog", "CGCS2000 Gauss–Krüger 3° (zone from the coordinates)"),
              "WebMercator": QCoreApplication.translate("GridImportDialog",
                                                        "Web Mercator (EPSG:3857)"),
              "GCJ02": QCoreApplication.translate("GridImportDialog", "GCJ-02 (Amap, Tencent)"),
              "BD09": QCoreApplication.translate("GridImportDialog", "BD-09 (Baidu)")}
    for value in CRS_CHOICES:
        box.addItem(labels[value], value)
    box.setToolTip(QCoreApplication.translate("GridImportDialog",
                                              "Or type an EPSG code, e.g. EPSG:4549"))
    return box


def chosen_crs(box: QComboBox) -> str | None:
    """The offered system chosen, or the text typed (an EPSG code)."""
    if box.currentText() == box.itemText(box.currentIndex()):
        return box.currentData()
    return box.currentText().strip() or None


def choose_crs(box: QComboBox, crs: str) -> None:
    index = box.findData(crs)
    if index >= 0:
        box.setCurrentIndex(index)
    else:
        box.setEditText(crs)


class FieldBox(QComboBox):
    """An attribute of the file, chosen: first "Detect" (or "None"), then the file's attributes
    as a dry run or a refusal names them."""

    def __init__(self, parent: QWidget, name: str, *, optional: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.addItem(QCoreApplication.translate("GridImportDialog", "Detect"), None)
        # An optional role may be left out on purpose even when an attribute's name fits it.
        self.optional = optional
        if optional:
            self.addItem(QCoreApplication.translate("GridImportDialog", "None"), "")

    def offer(self, fields: list[str]) -> None:
        """Add the file's attribute names, keeping the choice; no change signal."""
        current = self.currentData()
        self.blockSignals(True)
        for name in fields:
            if self.findData(name) < 0:
                self.addItem(name, name)
        self.setCurrentIndex(max(0, self.findData(current)))
        self.blockSignals(False)

    def choose(self, name: str) -> None:
        self.offer([name] if name else [])
        self.setCurrentIndex(self.findData(name))

    def chosen(self) -> str | None:
        """None: detect; "": none; else the attribute's name."""
        return self.currentData()
