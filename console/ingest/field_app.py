"""The officers' phone app (城管通) under /field/: its page, Leaflet, and a small JSON API.

The page's files come from resources/field and Leaflet from the xstatic package the console's
map uses: nothing from the internet. The API answers JSON only; a refusal is
{"error": code, "message": 中文} with a 4xx status and writes nothing (a failed sign-in writes
its failure count, which the lock-out needs). Every request but sign-in carries
`Authorization: Bearer <token>`; every write carries an `Idempotency-Key`.
"""
from __future__ import annotations

import json
import logging
import mimetypes
import time
from datetime import datetime
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route

from console.domain.errors import DomainError
from console.ingest import open311_media as media
from console.ingest.field_exif import photo_facts
from console.ingest.open311_limits import TokenBucket, TooLarge, limited
from console.resources import RESOURCES
from console.services import field_reports, field_sessions, field_tasks
from console.services.field_reports import FieldReport, Raced
from console.services.field_sessions import FieldOfficer, FieldRefused
from console.services.settings import get_setting
from console.store.database import Database
from console.store.retry import in_transaction

log = logging.getLogger(__name__)

PREFIX = "/field"
PAGE = RESOURCES / "field"
LEAFLET = Path(xs_leaflet.BASE_DIR)
MAX_PHOTOS = 6                   # a report's or an answer's photos
MAX_JSON = 16 * 1024
MAX_FIELDS = 32
MAX_FIELD = 8 * 1024             # one text part (a description is at most 2,000 characters)
MAX_MULTIPART = MAX_PHOTOS * (media.MAX_PHOTO_BYTES + 4096) + MAX_FIELDS * MAX_FIELD
RETRY_AFTER_S = 5
TILES_EVERY_S = 30.0             # the tile setting is re-read this often, not once per tile
MAX_TILE_ZOOM = 22
_STATIC = {"index.html", "field.js", "field.css", "manifest.webmanifest", "sw.js", "icon.svg"}
_LEAFLET = {"leaflet.js", "leaflet.css", "images/marker-icon.png", "images/marker-icon-2x.png",
            "images/marker-shadow.png"}


class Limits:
    """Requests a second (sustained, burst): sign-ins per address, requests per session; and
    how many uploads (each up to MAX_MULTIPART in memory) the server takes at once."""

    def __init__(self, sign_in: tuple[float, float] = (0.2, 10),
                 session: tuple[float, float] = (5, 60),
                 tiles: tuple[float, float] = (40, 400), uploads: int = 4) -> None:
        self.sign_in = TokenBucket(*sign_in)
        self.session = TokenBucket(*session)
        self.tiles = TokenBucket(*tiles)        # per address: tiles carry no session
        self.uploads = uploads


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _refuse(status: int, code: str, message: str, retry: bool = False) -> JSONResponse:
    headers = {"Retry-After": str(RETRY_AFTER_S)} if retry else None
    return JSONResponse({"error": code, "message": message}, status_code=status,
                        headers=headers)


def _made_at(text: object) -> datetime | None:
    """The phone's time of the report (ISO 8601, with offset or local); None if unusable."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        at = datetime.fromisoformat(text.strip())
        # 0001-01-01T00:00+14:00 is a valid text whose local time is before year 1.
        return at.astimezone().replace(tzinfo=None) if at.tzinfo else at
    except (ValueError, OverflowError, OSError):
        return None


def create_field_app(db: Database, *, data_dir: Path, limits: Limits | None = None
                     ) -> Starlette:
    """The phone app over `db`; photos go to `data_dir`/photos like Open311's."""
    limits = limits or Limits()

    def officer_of(request: Request, s) -> FieldOfficer:
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        return field_sessions.resolve(s, token, _now())

    async def as_officer(request: Request, fn, *args, write: bool = False,
                         counted: bool = True):
        """`fn(session, officer, *args)` in one transaction as the request's officer; the
        request counts towards the session's rate unless `admit` counted it already."""
        def work(s):
            officer = officer_of(request, s)
            wait = limits.session.take(str(officer.session_id)) if counted else 0
            if wait:
                raise FieldRefused(429, "too_many", f"请求过于频繁，请 {wait:.0f} 秒后再试")
            return fn(s, officer, *args)
        if not write:
            def read():
                with db.session() as s:
                    out = work(s)
                    s.commit()          # last_seen_at
                    return out
            return await run_in_threadpool(read)
        return await run_in_threadpool(in_transaction, db, work)

    async def json_body(request: Request) -> dict:
        body = await Request(request.scope, limited(request.receive, MAX_JSON)).body()
        try:
            value = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise FieldRefused(400, "bad_request", "请求格式错误") from None
        if not isinstance(value, dict):
            raise FieldRefused(400, "bad_request", "请求格式错误")
        return value

    # --- session --------------------------------------------------------------------------

    async def sign_in(request: Request) -> Response:
        address = request.client.host if request.client else "-"
        wait = limits.sign_in.take(address)
        if wait:
            raise FieldRefused(429, "too_many", f"登录尝试过于频繁，请 {wait:.0f} 秒后再试")
        body = await json_body(request)

        def work(s):
            try:
                return field_sessions.sign_in(s, body.get("username"), body.get("password"),
                                              body.get("device"), _now())
            except FieldRefused as exc:
                return exc          # committed: the failure counts towards the lock-out
        done = await run_in_threadpool(in_transaction, db, work)
        if isinstance(done, FieldRefused):
            log.info("field: sign-in refused (%s) from %s", done.code, address)
            raise done
        o = done.officer
        log.info("field: %s signed in on %s", o.officer_code, o.device)
        return JSONResponse({"token": done.token, "expires_at": o.expires_at.isoformat(),
                             "officer": o.actor.name, "officer_code": o.officer_code,
                             "device": o.device}, status_code=201)

    async def sign_out(request: Request) -> Response:
        await as_officer(request, lambda s, o: field_sessions.sign_out(s, o, _now()),
                         write=True)
        return Response(status_code=204)

    # --- reading --------------------------------------------------------------------------

    async def categories(request: Request) -> Response:
        rows = await as_officer(request, field_reports.categories)
        return JSONResponse([{"code": c.code, "kind": c.kind, "major": c.major, "name": c.name,
                              "urgent": c.urgent} for c in rows])

    async def where(request: Request) -> Response:
        q = request.query_params
        out = await as_officer(request, lambda s, o: field_reports.where(
            s, q.get("lat"), q.get("lon")))
        return JSONResponse(out)

    async def shift(request: Request) -> Response:
        return JSONResponse(await as_officer(request, lambda s, o: field_reports.shift(
            s, o, _now())))

    async def tasks(request: Request) -> Response:
        return JSONResponse(await as_officer(request, field_tasks.tasks))

    async def photo(request: Request) -> Response:
        name = request.path_params["name"]
        stem, _, ext = name.partition(".")
        if len(stem) != 64 or any(c not in "0123456789abcdef" for c in stem) \
                or ext not in ("jpg", "png", "gif", "webp", "heic"):
            raise FieldRefused(404, "not_found", "没有这张照片")
        await as_officer(request, lambda s, o: None)
        path = data_dir / media.FOLDER / name
        if not path.is_file():
            raise FieldRefused(404, "not_found", "没有这张照片")
        return FileResponse(path, headers={"Cache-Control": "private, max-age=86400"})

    # --- the base map ---------------------------------------------------------------------
    # The centre's tiles (the shared setting field_tile_url): a file:// template is served from
    # here, so the phone needs nothing but this server; an http(s) one is handed to the page.

    tile_setting: list = [None, float("-inf")]

    def tile_template() -> str:
        if time.monotonic() - tile_setting[1] > TILES_EVERY_S:
            with db.session() as s:
                tile_setting[0] = str(get_setting(s, "field_tile_url") or "").strip()
            tile_setting[1] = time.monotonic()
        return tile_setting[0]

    async def map_info(request: Request) -> Response:
        await as_officer(request, lambda s, o: None)
        url = await run_in_threadpool(tile_template)
        if url.startswith("file://"):
            ext = url.rpartition(".")[2].lower()
            tiles = f"tiles/{{z}}/{{x}}/{{y}}.{ext if ext in ('png', 'jpg', 'jpeg', 'webp') else 'png'}"
        elif url.startswith(("http://", "https://")):
            tiles = url
        else:
            tiles = None
        return JSONResponse({"tiles": tiles, "max_native_zoom": 18})

    async def tile(request: Request) -> Response:
        address = request.client.host if request.client else "-"
        if limits.tiles.take(address):
            raise FieldRefused(429, "too_many", "请求过于频繁")
        z, x, y = (request.path_params[k] for k in ("z", "x", "y"))
        url = await run_in_threadpool(tile_template)
        if not url.startswith("file://") or z > MAX_TILE_ZOOM or x >= 2 ** z or y >= 2 ** z:
            raise FieldRefused(404, "not_found", "没有这块地图")
        path = Path(url[len("file://"):].format(z=z, x=x, y=y, s="a"))
        if not path.is_file():
            raise FieldRefused(404, "not_found", "没有这块地图")
        return FileResponse(path, headers={"Cache-Control": "max-age=86400"})

    # --- writing --------------------------------------------------------------------------

    async def multipart(request: Request) -> tuple[dict[str, str], list[media.Photo]]:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):
            raise FieldRefused(415, "bad_request", "请以 multipart/form-data 上传")
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_MULTIPART):
            raise TooLarge
        body = Request(request.scope, limited(request.receive, MAX_MULTIPART))
        form = await body.form(max_files=MAX_PHOTOS, max_fields=MAX_FIELDS,
                               max_part_size=MAX_FIELD)
        try:
            fields, photos = {}, []
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    if key != "photo":
                        raise FieldRefused(400, "bad_request", "照片字段名应为 photo")
                    data = await value.read(media.MAX_PHOTO_BYTES + 1)
                    try:
                        photos.append(media.check_photo(data, "photo"))
                    except media.BadPhoto as exc:
                        raise FieldRefused(400, "bad_photo", f"照片无效：{exc}") from None
                else:
                    fields[key] = value
            return fields, photos
        finally:
            await form.close()

    uploading = [0]     # uploads being read or stored now (one event loop: no lock needed)

    async def admit(request: Request) -> None:
        """Refuse an upload before its body is read: a stranger's or a flooding session's
        megabytes are never parsed, and only `limits.uploads` bodies are in memory at once."""
        await as_officer(request, lambda s, o: None)
        if uploading[0] >= limits.uploads:
            raise FieldRefused(503, "busy", "服务器正忙，稍后自动重试")

    async def upload(request: Request, handle) -> Response:
        await admit(request)
        uploading[0] += 1
        try:
            return await handle()
        finally:
            uploading[0] -= 1

    def idempotency_key(request: Request) -> str:
        return field_reports.check_key(request.headers.get("idempotency-key"))

    async def once(request: Request, key: str, endpoint: str, digest: str, work) -> dict:
        """Run `work` in a transaction; a key another request took meanwhile gives its answer
        (or its refusal, if that request asked something else)."""
        try:
            return await as_officer(request, work, write=True, counted=False)
        except Raced:
            done = await as_officer(request, lambda s, o: field_reports.receipt(
                s, o.actor.user_id, key, endpoint, digest), counted=False)
            if done is None:
                raise FieldRefused(409, "retry", "请重试") from None
            return done

    async def report(request: Request) -> Response:
        key = idempotency_key(request)
        return await upload(request, lambda: report_body(request, key))

    async def report_body(request: Request, key: str) -> Response:
        fields, photos = await multipart(request)
        facts = [photo_facts(p.name, p.data, p.ext) for p in photos]
        sub = FieldReport(key=key, category_code=fields.get("category_code"),
                          lat=fields.get("lat"), lon=fields.get("lon"),
                          description=fields.get("description", ""),
                          address=fields.get("address", ""), accuracy=fields.get("accuracy"),
                          made_at=_made_at(fields.get("made_at")), photos=facts)

        def work(s, officer):
            done = field_reports.report(s, officer, sub, _now())
            if not done["replayed"]:
                for p in photos:        # only now: the report passed every check
                    media.store_at_commit(s, p, data_dir)
            return done
        done = await once(request, key, "report", field_reports.report_digest(sub), work)
        log.info("field: report %s (%d photos%s)", done["case_number"], len(photos),
                 ", replayed" if done["replayed"] else "")
        return JSONResponse(done, status_code=200 if done["replayed"] else 201)

    async def answer(request: Request) -> Response:
        key = idempotency_key(request)
        return await upload(request, lambda: answer_body(request, key))

    async def answer_body(request: Request, key: str) -> Response:
        fields, photos = await multipart(request)
        ans = field_tasks.Answer(key, fields.get("kind", "check"),
                                 fields.get("case_number", ""), fields.get("result", ""),
                                 fields.get("note", ""), tuple(p.name for p in photos))

        def work(s, officer):
            done = field_tasks.answer(s, officer, ans, _now())
            if not done["replayed"]:
                for p in photos:        # named only once the answer has committed
                    media.store_at_commit(s, p, data_dir)
            return done
        done = await once(request, key, "answer", field_tasks.answer_digest(ans), work)
        return JSONResponse(done, status_code=200 if done["replayed"] else 201)

    # --- the page -------------------------------------------------------------------------

    async def page(request: Request) -> Response:
        name = request.path_params.get("name") or "index.html"
        if name not in _STATIC:
            raise FieldRefused(404, "not_found", "没有这个文件")
        media_type = {"webmanifest": "application/manifest+json",
                      "js": "text/javascript"}.get(name.rpartition(".")[2])
        headers = {"Cache-Control": "no-cache"}
        if name == "sw.js":
            headers["Service-Worker-Allowed"] = PREFIX + "/"
        return FileResponse(PAGE / name, media_type=media_type or mimetypes.guess_type(name)[0],
                            headers=headers)

    async def leaflet(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _LEAFLET:
            raise FieldRefused(404, "not_found", "没有这个文件")
        return FileResponse(LEAFLET / name, headers={"Cache-Control": "max-age=86400"})

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/lib/leaflet/{name:path}", leaflet, methods=["GET"]),
        Route("/api/session", sign_in, methods=["POST"]),
        Route("/api/session", sign_out, methods=["DELETE"]),
        Route("/api/categories", categories, methods=["GET"]),
        Route("/api/where", where, methods=["GET"]),
        Route("/api/shift", shift, methods=["GET"]),
        Route("/api/tasks", tasks, methods=["GET"]),
        Route("/api/tasks/answer", answer, methods=["POST"]),
        Route("/api/reports", report, methods=["POST"]),
        Route("/api/photos/{name}", photo, methods=["GET"]),
        Route("/api/map", map_info, methods=["GET"]),
        Route("/tiles/{z:int}/{x:int}/{y:int}.{ext}", tile, methods=["GET"]),
        Route("/{name}", page, methods=["GET"]),
    ]

    async def refused(request: Request, exc: FieldRefused) -> Response:
        return _refuse(exc.status, exc.code, exc.message, exc.status in (429, 503))

    async def domain(request: Request, exc: DomainError) -> Response:
        r = field_reports.refusal_of(exc)
        return _refuse(r.status, r.code, r.message)

    async def too_large(request: Request, exc: TooLarge) -> Response:
        return _refuse(413, "too_large", f"上传过大（每张照片不超过 "
                                         f"{media.MAX_PHOTO_BYTES // 2**20} MB，最多 {MAX_PHOTOS} 张）")

    async def http(request: Request, exc: HTTPException) -> Response:
        return _refuse(exc.status_code, "bad_request", str(exc.detail))

    async def database(request: Request, exc: OperationalError) -> Response:
        log.warning("field: database unavailable: %s", str(exc.orig).strip().splitlines()[0])
        return _refuse(503, "unavailable", "服务器暂时无法处理，稍后自动重试", retry=True)

    async def fault(request: Request, exc: Exception) -> Response:
        log.exception("field: fault on %s %s", request.method, request.url.path)
        return _refuse(500, "internal", "服务器内部错误")

    return Starlette(routes=routes, middleware=[
        # Leaflet and the page compress to a third: the first load on a slow mobile link.
        Middleware(GZipMiddleware, minimum_size=1024)], exception_handlers={
        FieldRefused: refused, DomainError: domain, TooLarge: too_large, HTTPException: http,
        OperationalError: database, Exception: fault})


def field_mount(db: Database, *, data_dir: Path, limits: Limits | None = None) -> Mount:
    """The phone app as a route of the intake application (`city-console serve`)."""
    return Mount(PREFIX, app=create_field_app(db, data_dir=data_dir, limits=limits))
