"""Domain errors carry a code and parameters; the interface turns them into sentences."""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused action: `code` names the reason, `params` fill the translated sentence."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params


class StaleVersion(DomainError):
    """Someone else changed the record since the caller read it (optimistic locking)."""

    def __init__(self, case_number: str, expected: int, actual: int) -> None:
        super().__init__("stale_version", number=case_number, expected=expected, actual=actual)


class NotFound(DomainError):
    """The record the caller named does not exist."""

    def __init__(self, what: str, key: object) -> None:
        super().__init__("not_found", what=what, key=str(key))
