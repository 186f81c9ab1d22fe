"""A category chooser searchable by code or Chinese name: type "201", "井盖" or "垃圾"."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from console.services.queues import CategoryRef


def category_label(c: CategoryRef, parent: CategoryRef | None = None) -> str:
    """"20102 暴露垃圾（市容环境）"; a 细类 names its 小类: "2010201 建筑垃圾（暴露垃圾）"."""
    return f"{c.code} {c.name}（{parent.name if parent else c.major_name}）"


class CategoryPicker(QComboBox):
    """`code()` is the chosen category's code, or None while the text names none."""

    code_changed = Signal(str)   # "" when the text no longer names a category

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(16)
        self.lineEdit().setPlaceholderText(self.tr("Type a code or a name, e.g. 20102 or 垃圾"))
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self._categories: dict[str, CategoryRef] = {}
        self._last = ""
        self.currentIndexChanged.connect(self._announce)
        self.lineEdit().textEdited.connect(self._announce)
        completer.activated.connect(self._picked)

    def set_categories(self, categories: list[CategoryRef]) -> None:
        keep = self.code()
        self.blockSignals(True)
        self.clear()
        self._categories = {c.code: c for c in categories}
        # A 细类 right after its 小类 (its code extends the 小类's, so code order does it) and
        # indented, so a dispatcher sees the finer choice where a centre has one. A retired
        # class is not in `categories` at all (services/queues.py references).
        for c in sorted(categories, key=lambda c: c.code):
            parent = self._categories.get(c.parent_code) if c.parent_code else None
            self.addItem(("　" if c.parent_code else "") + category_label(c, parent), c.code)
        self.setCurrentIndex(-1)
        self.blockSignals(False)
        if keep:
            self.set_code(keep)

    def set_code(self, code: str | None) -> None:
        """Choose a category by code (None or an unknown code clears the choice)."""
        found = self.findData(code) if code else -1
        self.setCurrentIndex(found)
        if found < 0:
            self.setEditText("")
        self._announce()

    def code(self) -> str | None:
        """The category the text names: an exact label, or a text that is just a known code."""
        text = self.currentText().strip()
        found = self.findText(text)
        if found >= 0:
            return self.itemData(found)
        first = text.split(" ", 1)[0] if text else ""
        return first if first in self._categories else None

    def category(self) -> CategoryRef | None:
        code = self.code()
        return self._categories.get(code) if code else None

    def _picked(self, text: str) -> None:
        found = self.findText(text)
        if found >= 0:
            self.setCurrentIndex(found)
        self._announce()

    def _announce(self, *_args) -> None:
        code = self.code() or ""
        if code != self._last:
            self._last = code
            self.code_changed.emit(code)
