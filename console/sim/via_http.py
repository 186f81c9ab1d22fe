"""The simulated phones, reporting over HTTP to a `serve` as Traccar Client does (`--sim-via-http`).

The same OsmAnd GET a phone sends, on one keep-alive connection: every demo then exercises the
real intake (parsing, the device check, the queue, the batch writer) instead of calling the
service. A fix the server does not take (503 when its queue is full, 4xx for a device it does
not know, no server at all while it starts or restarts) is dropped and counted: a simulated
phone has no buffer to keep it in.
"""
from __future__ import annotations

import http.client
import logging
from urllib.parse import urlencode, urlsplit

from console.services.positions import Fix

log = logging.getLogger(__name__)

KNOT_MPS = 1852 / 3600        # the protocol's speed unit
TIMEOUT_S = 5.0


def osmand_query(fix: Fix) -> str:
    """The query string Traccar Client sends for `fix`."""
    params = {"id": fix.device, "timestamp": int(fix.at.timestamp()),
              "lat": f"{fix.lat:.6f}", "lon": f"{fix.lon:.6f}"}
    if fix.speed is not None:
        params["speed"] = f"{fix.speed / KNOT_MPS:.2f}"
    if fix.heading is not None:
        params["bearing"] = f"{fix.heading:.1f}"
    if fix.accuracy is not None:
        params["accuracy"] = fix.accuracy
    if fix.battery is not None:
        params["batt"] = fix.battery
    return urlencode(params)


class HttpFixSender:
    """Callable the simulator hands each tick's fixes to (from its own thread only)."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 5055
        self._con: http.client.HTTPConnection | None = None
        self.sent = self.refused = self.unreachable = 0
        self._down = False

    def __call__(self, fixes: list[Fix]) -> None:
        for i, fix in enumerate(fixes):
            try:
                status = self._get("/?" + osmand_query(fix))
            except OSError as exc:       # refused, reset, timed out: serve is not there now
                self.close()
                self.unreachable += len(fixes) - i
                if not self._down:
                    log.warning("intake at %s:%d unreachable (%s): fixes dropped until it "
                                "answers", self.host, self.port, exc)
                    self._down = True
                return
            if self._down:
                log.info("intake at %s:%d answers again", self.host, self.port)
                self._down = False
            if status == 200:
                self.sent += 1
            else:
                self.refused += 1

    def _get(self, path: str) -> int:
        reused = self._con is not None
        try:
            return self._request(path)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            if not reused:
                raise
            # The server closed the idle keep-alive connection between two ticks (as phones
            # see it too): a new connection, once.
            self.close()
            return self._request(path)

    def _request(self, path: str) -> int:
        if self._con is None:
            self._con = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
        self._con.request("GET", path)
        response = self._con.getresponse()
        response.read()
        return response.status

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
