"""The shared selection: how the map, the queues and the alerts point at things for each other.

No feature knows another; each emits what the user picked here and listens for what others
picked (Qt signals carry plain ids and codes).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Selection(QObject):
    case_selected = Signal(int)        # a case was picked (queue row, map marker, alert)
    cell_selected = Signal(str)        # a unit cell code was picked (map click, search)
    patrol_selected = Signal(int)      # a patrol officer id was picked
    show_case_on_map = Signal(int)     # centre and highlight the case on the map
    show_patrol_on_map = Signal(int)   # centre and highlight the patrol officer on the map
    show_cell_on_map = Signal(str)     # centre and highlight the cell on the map
    report_here = Signal(float, float)  # lon, lat: open the new-case form at this point
    line_drawn = Signal(list)          # [[lon, lat], ...] the map's ruler finished (门前三包)
