"""The intake's HTTP face: the OsmAnd endpoint, health, and the unknown devices seen.

Answers follow Traccar so a phone keeps or drops its buffered fixes correctly: 200 with an
empty body when the fix is taken; 400 for a parameter request it cannot use (unknown device
included) and 404 for a JSON request from an unknown device, as Traccar answers. Traccar
Client treats any 2xx as delivered and keeps (and later resends) the fix on anything else —
so 503 with Retry-After when the queue is full loses nothing.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from console.ingest.directory import DeviceDirectory
from console.ingest.osmand import BadFix, parse_json, parse_params, split_query
from console.ingest.writer import BatchWriter
from console.services.devices import list_suspects
from console.services.intake import IntakeFix
from console.store.database import ping

log = logging.getLogger(__name__)

MAX_QUERY = 8 * 1024      # a fix is ~200 bytes; Traccar Client's longest well under 1 KB
MAX_BODY = 64 * 1024      # the JSON body with extras is ~600 bytes
RETRY_AFTER_S = 5
_LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}


class TooLarge(Exception):
    pass


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number")


def _refuse(reason: str, status: int = 400) -> Response:
    return PlainTextResponse(reason, status_code=status)


def create_app(writer: BatchWriter, directory: DeviceDirectory, *,
               field_data_dir: Path | None = None) -> Starlette:
    """The Starlette application around a running writer; with `field_data_dir`, the officers'
    phone app (城管通) under /field/ too, its photos in that folder."""

    async def osmand(request: Request) -> Response:
        now = datetime.now()
        query = request.scope.get("query_string", b"")
        if len(query) > MAX_QUERY:
            return _refuse("query too long", 414)
        is_json = request.headers.get("content-type", "").startswith("application/json")
        try:
            if is_json:
                text = (await _body(request)).decode("utf-8")
                fix = parse_json(json.loads(text, parse_constant=_no_constants), now)
            elif query:
                fix = parse_params(request.query_params.multi_items(), now)
            elif request.method == "POST":
                # As Traccar: parameters in the body only when the query has none.
                text = (await _body(request)).decode("ascii")
                fix = parse_params(QueryParams(text).multi_items(), now)
            else:
                return _refuse("no parameters")
        except TooLarge:
            return _refuse("body too large", 413)
        except BadFix as exc:
            return _refuse(exc.reason)
        except (ValueError, RecursionError):     # not JSON, not UTF-8/ASCII, nested too deep
            return _refuse("body: not a valid request")
        status, reason = take(fix, is_json)
        if status == 200:
            return Response(status_code=200)
        if status == 503:
            return Response(status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})
        return _refuse(reason, status)

    def take(fix: IntakeFix, is_json: bool) -> tuple[int, str]:
        if not directory.is_known(fix.device):
            directory.saw_unknown(fix.device, fix)
            return (404 if is_json else 400), "unknown device"
        if not writer.offer(fix):
            return 503, ""
        return 200, ""

    async def fast_get(scope, send) -> None:
        # The phones' common request (GET with a query) without Request/Response objects:
        # a third of the cost of a request at 20,000 a second. Same parsing, same answers.
        query = scope["query_string"]
        if len(query) > MAX_QUERY:
            status, reason = 414, "query too long"
        else:
            try:
                fix = parse_params(split_query(query.decode("latin-1")), datetime.now())
            except BadFix as exc:
                status, reason = 400, exc.reason
            else:
                status, reason = take(fix, False)
        body = reason.encode()
        headers = [(b"content-length", str(len(body)).encode())]
        if body:
            headers.append((b"content-type", b"text/plain; charset=utf-8"))
        if status == 503:
            headers.append((b"retry-after", str(RETRY_AFTER_S).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def healthz(request: Request) -> Response:
        reachable = await run_in_threadpool(ping, writer.db)
        age = writer.last_write_age()
        body = {"database": "reachable" if reachable else "unreachable",
                "queue_depth": writer.depth, "queue_capacity": writer.capacity,
                "last_write_age_s": None if age is None else round(age, 3),
                "accepted": writer.accepted, "written": writer.written,
                "unknown_devices": len(directory.unknown())}
        return JSONResponse(body, status_code=200 if reachable else 503)

    async def unknown_devices(request: Request) -> Response:
        # Device ids and where they are: for the centre's administrator, not the internet.
        if request.client is None or request.client.host not in _LOOPBACK:
            return _refuse("forbidden", 403)
        return JSONResponse([vars(u) for u in directory.unknown()])

    async def suspect_devices(request: Request) -> Response:
        if request.client is None or request.client.host not in _LOOPBACK:
            return _refuse("forbidden", 403)
        suspects = await run_in_threadpool(_suspects, writer.db)
        return JSONResponse([{"unique_id": d.unique_id, "officer_code": d.officer_code,
                              "suspect_at": d.suspect_at.isoformat(sep=" "),
                              "suspect_kmh": d.suspect_kmh} for d in suspects])

    routes = [
        Route("/", osmand, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/admin/unknown-devices", unknown_devices, methods=["GET"]),
        Route("/admin/suspect-devices", suspect_devices, methods=["GET"]),
    ]
    if field_data_dir is not None:
        from console.ingest.field_app import field_mount
        routes.append(field_mount(writer.db, data_dir=field_data_dir))
    return IntakeApp(fast_get, routes=routes)


def _suspects(db) -> list:
    with db.session() as s:
        return list_suspects(s)


class IntakeApp(Starlette):
    """Starlette, with the OsmAnd GET answered before routing (see fast_get)."""

    def __init__(self, fast_get, **kw) -> None:
        super().__init__(**kw)
        self._fast_get = fast_get

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"] == "/" and scope["method"] == "GET" \
                and scope["query_string"]:
            await self._fast_get(scope, send)
            return
        await super().__call__(scope, receive, send)
