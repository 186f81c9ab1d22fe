"""Refusals of the GIS readers: a code and parameters, worded for the user by
console/common/grid_texts.py, with an English sentence for logs and tracebacks."""
from __future__ import annotations

from typing import Any


class GisError(ValueError):
    """A file or a coordinate system that cannot be used. `code` and `params` are what the
    dialog and the command line translate; `str()` is the English sentence."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params
