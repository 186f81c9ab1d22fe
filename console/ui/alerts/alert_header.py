"""The top of the alert panel: a banner that flashes while a critical alert is unacknowledged,
the mute switch, and one filter chip per kind with its count."""
from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.ui.alerts import texts
from console.ui.alerts._flow_layout import FlowLayout
from console.common.theme import set_state

FLASH_MS = 500


class AlertHeader(QWidget):
    """Banner, mute switch and kind chips; emits the kind picked ('' = all)."""

    kind_changed = Signal(str)
    mute_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.banner = QFrame(self)
        self.banner.setObjectName("alertBanner")
        self.banner.setProperty("state", "calm")
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(10, 6, 6, 6)
        self.banner_text = QLabel(self.banner)
        self.banner_text.setObjectName("alertBannerText")
        self.banner_text.setWordWrap(True)
        row.addWidget(self.banner_text, 1)
        self.mute = QToolButton(self.banner)
        self.mute.setObjectName("alertMute")
        self.mute.setCheckable(True)
        self.mute.setAutoRaise(True)
        self.mute.toggled.connect(self._show_mute)
        self.mute.toggled.connect(self.mute_toggled)
        row.addWidget(self.mute)
        layout.addWidget(self.banner)

        self.chip_box = QWidget(self)
        self.chip_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.chips_layout = FlowLayout(self.chip_box, spacing=4)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.chips: dict[str, QToolButton] = {}
        for kind in ("", *texts.KIND_ORDER):
            chip = QToolButton(self.chip_box)
            chip.setObjectName(f"chip_{kind or 'all'}")
            chip.setProperty("kind", "chip")
            chip.setCheckable(True)
            chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            chip.clicked.connect(lambda _=False, k=kind: self._pick(k))
            self.group.addButton(chip)
            self.chips_layout.addWidget(chip)
            self.chips[kind] = chip
        self.chips[""].setChecked(True)
        layout.addWidget(self.chip_box)
        self.kind = ""
        self._flash_on = False
        self._flash = QTimer(self, interval=FLASH_MS)
        self._flash.timeout.connect(self._toggle_flash)
        self.show_counts({}, total=0, unacknowledged=0, critical=0)
        self._show_mute(False)

    @property
    def flashing(self) -> bool:
        return self._flash.isActive()

    def show_counts(self, counts: Mapping[str, int], *, total: int, unacknowledged: int,
                    critical: int, stands_for: int | None = None) -> None:
        """Chip labels, which chips show, and the banner's words and state. The banner counts
        what needs a human: open alerts not yet acknowledged, a digest as one (and says how
        many cases and officers the open alerts stand for)."""
        self.chips[""].setText(self.tr("All {n}").format(n=total))
        for kind in texts.KIND_ORDER:
            n = counts.get(kind, 0)
            chip = self.chips[kind]
            chip.setText(f"{texts.kind_name(kind)} {n}")
            # Kinds with nothing open stay out of the way, unless they are the filter in use.
            chip.setVisible(n > 0 or kind == self.kind)
        self.chips_layout.invalidate()
        if critical:
            self.banner_text.setText(self.tr("{n} critical alert(s) not acknowledged").format(
                n=critical))
            if not self._flash.isActive():
                self._flash_on = True
                self._set_banner("flash")
                self._flash.start()
        else:
            self._flash.stop()
            self._flash_on = False
            if total:
                text = self.tr("{unack} need a human · {total} open").format(
                    total=total, unack=unacknowledged)
                if stands_for is not None and stands_for > total:
                    text += self.tr(" · standing for {n} cases and officers").format(n=stands_for)
                self.banner_text.setText(text)
                self._set_banner("attention" if unacknowledged else "calm")
            else:
                self.banner_text.setText(self.tr("No open alerts: the rules are watching"))
                self._set_banner("calm")

    @Slot()
    def _toggle_flash(self) -> None:
        self._flash_on = not self._flash_on
        self._set_banner("flash" if self._flash_on else "flashOff")

    def _set_banner(self, state: str) -> None:
        # The label carries the state too: a child is not re-styled when its parent changes.
        set_state(self.banner, "state", state)
        set_state(self.banner_text, "state", state)

    @property
    def banner_state(self) -> str:
        return self.banner.property("state")

    def _pick(self, kind: str) -> None:
        if kind != self.kind:
            self.kind = kind
            self.kind_changed.emit(kind)

    def set_kind(self, kind: str) -> None:
        self.chips[kind].setChecked(True)
        self._pick(kind)

    @Slot(bool)
    def _show_mute(self, muted: bool) -> None:
        pixmap = (QStyle.StandardPixmap.SP_MediaVolumeMuted if muted
                  else QStyle.StandardPixmap.SP_MediaVolume)
        self.mute.setIcon(self.style().standardIcon(pixmap))
        self.mute.setToolTip(self.tr("Alert sound off — click to switch it on") if muted
                             else self.tr("Alert sound on — click to mute"))
