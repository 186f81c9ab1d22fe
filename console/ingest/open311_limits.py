"""How much one client may ask of the Open311 endpoint: token buckets and a body size cap.

The buckets live in memory (one serve process per centre) and are keyed by API key and by
client address; the table of buckets is bounded, oldest forgotten first, so a flood of new
addresses or made-up keys cannot grow it.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

from starlette.types import Message, Receive

MAX_BUCKETS = 10_000


class TokenBucket:
    """`rate` requests a second on average, bursts of up to `burst`; thread-safe."""

    def __init__(self, rate: float, burst: float, *, clock=time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 if `key` may go on now, else the seconds until it may."""
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > MAX_BUCKETS:
                self._buckets.popitem(last=False)
            return wait


class TooLarge(Exception):
    pass


def limited(receive: Receive, limit: int) -> Receive:
    """`receive` that raises TooLarge once the body passes `limit` bytes (whatever it declared)."""
    seen = 0

    async def receive_limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge
        return message

    return receive_limited
