"""A case's photos, one at a time and large: opened from the detail pane's thumbnails.

The image is read and scaled on a worker (QImage may be made there, QPixmap only here); ←/→
step through the case's photos, Esc closes.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.live.tasks import TaskRunner

LARGE = QSize(1600, 1200)


def load_large(path: str) -> QImage:
    """The photo upright, at most LARGE (a worker thread)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > LARGE.width() or size.height() > LARGE.height()):
        reader.setScaledSize(size.scaled(LARGE, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


class PhotoViewer(QDialog):
    shown = Signal(int)             # the index now shown (tests wait on it)

    def __init__(self, tasks: TaskRunner, photos: list[tuple[str, str]], index: int = 0,
                 parent: QWidget | None = None) -> None:
        """`photos`: (file path, caption) pairs."""
        super().__init__(parent)
        self.setObjectName("photoViewer")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.tasks, self.photos, self.index = tasks, photos, index
        self.image = QImage()
        self.picture = QLabel(self)
        self.picture.setObjectName("photoViewerImage")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(320, 240)
        self.caption = QLabel(self)
        self.caption.setObjectName("photoViewerCaption")
        self.caption.setWordWrap(True)
        self.previous = QPushButton(self.tr("‹ &Previous"), self)
        self.previous.clicked.connect(lambda: self.step(-1))
        self.next = QPushButton(self.tr("&Next ›"), self)
        self.next.clicked.connect(lambda: self.step(1))
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        for key, delta in ((Qt.Key.Key_Left, -1), (Qt.Key.Key_Right, 1)):
            QShortcut(QKeySequence(key), self, lambda d=delta: self.step(d))
        row = QHBoxLayout()
        row.addWidget(self.previous)
        row.addWidget(self.caption, 1)
        row.addWidget(self.next)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addLayout(row)
        self.resize(960, 760)
        self.show_index(index)

    def step(self, delta: int) -> None:
        if 0 <= self.index + delta < len(self.photos):
            self.show_index(self.index + delta)

    def show_index(self, index: int) -> None:
        self.index = index
        path, caption = self.photos[index]
        self.setWindowTitle(self.tr("Photo {i} of {n}").format(i=index + 1, n=len(self.photos)))
        self.caption.setText(caption)
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.photos) - 1)
        self.picture.setText(self.tr("Loading…"))
        self.tasks.call(lambda: load_large(path), on_done=lambda image: self._loaded(index, image),
                        owner=self, key=(id(self), "photo"))

    def _loaded(self, index: int, image: QImage) -> None:
        if index != self.index:
            return
        self.image = image
        if image.isNull():
            self.picture.setText(self.tr("The photo cannot be read."))
        else:
            self._fit()
        self.shown.emit(index)

    def _fit(self) -> None:
        if not self.image.isNull():
            self.picture.setPixmap(QPixmap.fromImage(self.image).scaled(
                self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()
