"""The alert sound: resources/sounds/critical_alert.wav through QSoundEffect, mutable per seat.

QtMultimedia is loaded only when a sound is first due: it is a heavy library, and on a machine
without an audio device it complains on load. There the system beep stands in; on the offscreen
platform (tests, screenshots) nothing is played, but plays are still counted.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from console.resources import RESOURCES

SOUND_FILE = RESOURCES / "sounds" / "critical_alert.wav"
log = logging.getLogger(__name__)


class AlertSound(QObject):
    """Plays the alert sound unless muted; `plays` counts what was asked for."""

    def __init__(self, parent: QObject | None = None, *, muted: bool = False) -> None:
        super().__init__(parent)
        self.muted = muted
        self.plays = 0
        self._effect = None
        self._backend: str | None = None   # "effect" | "beep" | "silent", chosen on first play

    def play(self) -> None:
        """Sound the alert once (if not muted)."""
        if self.muted:
            return
        self.plays += 1
        if self._backend is None:
            self._backend = self._choose_backend()
        if self._backend == "effect":
            self._effect.play()
        elif self._backend == "beep":
            QApplication.beep()

    def _choose_backend(self) -> str:
        if QGuiApplication.platformName() == "offscreen":
            return "silent"
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError:   # e.g. no PulseAudio client library on this machine
            log.info("QtMultimedia unavailable: alerts use the system beep")
            return "beep"
        if not QMediaDevices.audioOutputs() or not SOUND_FILE.exists():
            return "beep"
        effect = QSoundEffect(self)
        effect.setSource(QUrl.fromLocalFile(str(SOUND_FILE)))
        effect.setVolume(0.9)
        self._effect = effect
        return "effect"
