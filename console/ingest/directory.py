"""Which devices the server accepts, and the unknown ones it has seen.

Requests are answered from memory: a database lookup per request would put the database in
every phone's round trip, and a flood of made-up ids would become a flood of queries. The
writer refreshes the known set every few seconds, so a newly registered phone is accepted on
its next retry.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from console.services.intake import IntakeFix

MAX_UNKNOWN = 1000      # remembered unknown devices (oldest forgotten first): memory stays bounded


@dataclass
class UnknownDevice:
    unique_id: str
    first_seen: float
    last_seen: float
    count: int
    lat: float | None
    lon: float | None
    at: str | None


class DeviceDirectory:
    """Thread-safe: the event loop reads it, the writer thread refreshes it."""

    def __init__(self, known: set[str] | None = None) -> None:
        self._known: frozenset[str] = frozenset(known or ())
        self._unknown: OrderedDict[str, UnknownDevice] = OrderedDict()
        self._lock = threading.Lock()
        self.refreshed_at = 0.0

    def replace(self, known: set[str]) -> None:
        self._known = frozenset(known)      # one reference swap: readers never see a half set
        self.refreshed_at = time.monotonic()

    @property
    def known_count(self) -> int:
        return len(self._known)

    def is_known(self, unique_id: str) -> bool:
        return unique_id in self._known

    def saw_unknown(self, unique_id: str, fix: IntakeFix | None = None) -> None:
        now = time.time()
        with self._lock:
            entry = self._unknown.pop(unique_id, None)
            if entry is None:
                entry = UnknownDevice(unique_id, now, now, 0, None, None, None)
                while len(self._unknown) >= MAX_UNKNOWN:
                    self._unknown.popitem(last=False)
            entry.last_seen = now
            entry.count += 1
            if fix is not None:
                entry.lat, entry.lon, entry.at = fix.lat, fix.lon, fix.at.isoformat(sep=" ")
            self._unknown[unique_id] = entry

    def unknown(self) -> list[UnknownDevice]:
        """Unknown devices, most recently seen first."""
        with self._lock:
            return [UnknownDevice(**vars(e)) for e in reversed(self._unknown.values())]
