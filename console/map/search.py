"""Finding things on the map: the toolbar's search, its results as a menu, and going to a hit
as a click would select it. A mixin of MapWidget (console/map/widget.py), which owns the
toolbar, the selection hub and the page; its words keep the widget's translation context,
"MapWidget".
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint
from PySide6.QtWidgets import QMenu

from console.services import map_data

translate = QCoreApplication.translate


class MapSearch:
    """The search half of MapWidget (see the module's docstring)."""

    def search(self, text: str) -> None:
        self.tasks.run(lambda s: map_data.search(s, text), on_done=lambda hits: self._found(text, hits),
                       owner=self)

    def _found(self, text: str, hits: list) -> None:
        if not hits:
            self.toolbar.info.setText(translate("MapWidget", "Nothing found for “{text}”.").format(text=text))
            return
        if len(hits) == 1:
            self.go_to(hits[0])
            return
        menu = QMenu(self)
        menu.setObjectName("mapSearchResults")
        for hit in hits:
            action = menu.addAction(f"{self._kind_name(hit.kind)}  {hit.label}")
            action.triggered.connect(lambda _=False, h=hit: self.go_to(h))
        menu.aboutToHide.connect(menu.deleteLater)
        self.search_menu = menu
        menu.popup(self.toolbar.search.mapToGlobal(QPoint(0, self.toolbar.search.height())))

    def _kind_name(self, kind: str) -> str:
        return {"cell": translate("MapWidget", "Cell"), "case": translate("MapWidget", "Case"), "patrol": translate("MapWidget", "Patrol"),
                "street": translate("MapWidget", "Street"), "community": translate("MapWidget", "Community")}.get(kind, kind)

    def go_to(self, hit) -> None:
        """Jump to a search hit and select it as a click would."""
        self.toolbar.info.clear()
        if hit.kind == "cell":
            self.show_cell(hit.key)
            self.selection.cell_selected.emit(hit.key)
        elif hit.kind == "case":
            self._go_to_hit(hit)
            self.selection.case_selected.emit(int(hit.key))
        elif hit.kind == "patrol":
            if hit.lat is None:
                self.toolbar.info.setText(translate("MapWidget", "{name} has no recent position.").format(
                    name=hit.label))
                return
            self.show_patrol(int(hit.key))
            self.selection.patrol_selected.emit(int(hit.key))
        else:
            self.send("focus", kind="region", level=hit.kind, code=hit.key)
