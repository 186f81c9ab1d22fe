"""Open311 GeoReport v2 under /open311/v2/: discovery, services, requests, tokens.

Every method answers in XML (`.xml`, the format the spec requires) or JSON (`.json`); every
refusal is the spec's error document (errors/error with code and description) with a 4xx
status, and writes nothing. POST takes the spec's form-encoded fields; a multipart POST may
carry photos too (parts named `media`), stored with the case under their content hash.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import parse_qsl

from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from console.domain.errors import DomainError
from console.ingest import open311_media as media
from console.ingest.open311_format import FORMATS, document, errors, w3c
from console.ingest.open311_limits import TokenBucket, TooLarge, limited
from console.resources import RESOURCES
from console.services import open311
from console.services.open311 import Refused, Submission
from console.services.open311_keys import key_hash
from console.store.database import Database
from console.store.retry import in_transaction

log = logging.getLogger(__name__)

PREFIX = "/open311/v2"
OPENAPI = RESOURCES / "open311" / "openapi.json"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00+08:00"
MAX_FORM = 64 * 1024            # every text field at its limit fits with room to spare
MAX_QUERY = 8 * 1024
MAX_FIELDS = 64
MAX_MULTIPART = media.MAX_PHOTOS * (media.MAX_PHOTO_BYTES + 4096) + MAX_FORM
RETRY_AFTER_S = 5
_SUBMISSION_FIELDS = frozenset(Submission.__dataclass_fields__) - {"attributes"}


class Limits:
    """Requests a second (sustained, burst) per client address and per API key."""

    def __init__(self, per_address: tuple[float, float] = (10, 50),
                 per_key: tuple[float, float] = (20, 200)) -> None:
        self.address = TokenBucket(*per_address)
        self.key = TokenBucket(*per_key)


def _split_format(name: str) -> tuple[str, str]:
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in FORMATS or not stem:
        raise Refused(404, "not found: add .xml or .json to the resource")
    return stem, fmt


def _clean(name: str, value: str) -> str:
    # NUL and other control characters would reach SQL before the input limits see them
    # (PostgreSQL refuses a NUL in a parameter with an error, not a refusal).
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value) or len(value) > MAX_FORM:
        raise Refused(400, f"{name}: control characters or too long")
    return value


def _query(request: Request) -> dict[str, str]:
    if len(request.scope.get("query_string", b"")) > MAX_QUERY:
        raise Refused(414, "query string too long")
    return {k: _clean(k, v) for k, v in request.query_params.multi_items()}


def _describe(exc: DomainError) -> str:
    params = ", ".join(f"{k}={v}" for k, v in exc.params.items())
    return f"{exc.code} ({params})" if params else exc.code


def _attribute_name(key: str) -> str | None:
    """`attribute[code]` or `attribute[code][]` (a multivaluelist) → code."""
    if not key.startswith("attribute[") or not key.endswith("]"):
        return None
    inner = key[len("attribute["):-1]
    inner = inner[:-2] if inner.endswith("][") else inner
    if not inner or "[" in inner or "]" in inner:
        raise Refused(400, f"{key}: not attribute[code]")
    return inner


def submission(items: list[tuple[str, str]]) -> tuple[Submission, str | None]:
    """The spec's POST fields (the last of a repeated single field wins) and the api_key."""
    sub, api_key = Submission(), None
    for key, value in items:
        value = _clean(key, value)
        if key == "api_key":
            api_key = value
        elif (code := _attribute_name(key)) is not None:
            sub.attributes.setdefault(code, []).append(value)
        elif key in _SUBMISSION_FIELDS:
            setattr(sub, key, value)
        # Other fields (jurisdiction_id, device_id, account_id, …) are the spec's optional
        # context or a client's own: ignored, as the spec lets a server do.
    return sub, api_key


def create_open311_app(db: Database, *, data_dir: Path, limits: Limits | None = None
                       ) -> Starlette:
    """The GeoReport v2 application over `db`; photos go to `data_dir`/photos."""
    limits = limits or Limits()

    def throttle(request: Request) -> None:
        address = request.client.host if request.client else "-"
        wait = limits.address.take(address)
        if wait:
            raise Refused(429, f"too many requests from this address; retry in {wait:.1f} s")

    async def read(fn, *args, **kw):
        def run():
            with db.session() as s:
                return fn(s, *args, **kw)
        return await run_in_threadpool(run)

    async def discovery(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            raise Refused(404, "not found: discovery.xml or discovery.json")
        throttle(request)
        url = str(request.url.replace(query="")).rpartition("/")[0]
        body = {"changeset": CHANGESET, "contact": "城市管理指挥中心", "key_service":
                "API keys are issued by the command centre's administrator",
                "endpoints": [{"specification": SPECIFICATION, "url": url,
                               "changeset": CHANGESET, "type": "production",
                               "formats": ["text/xml", "application/json"]}]}
        return document(fmt, "discovery", body,
                        lists={"endpoints": "endpoint", "formats": "format"})

    async def services(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            raise Refused(404, "not found: services.xml or services.json")
        throttle(request)
        _query(request)
        rows = await read(open311.list_services)
        return document(fmt, "services", [
            {"service_code": s.code, "service_name": s.name, "description": s.description,
             "metadata": s.metadata, "type": "realtime", "keywords": s.keywords,
             "group": s.group} for s in rows], item="service")

    async def definition(request: Request) -> Response:
        code, fmt = _split_format(request.path_params["name"])
        throttle(request)
        service, attributes = await read(open311.service_definition, _clean("service_code", code))
        body = {"service_code": service.code, "attributes": [
            {"variable": a.variable, "code": a.code, "datatype": a.datatype,
             "required": a.required, "datatype_description": a.datatype_description,
             "order": a.order, "description": a.description,
             **({"values": [{"key": v.key, "name": v.name} for v in a.values]}
                if a.values else {})} for a in attributes]}
        return document(fmt, "service_definition", body,
                        lists={"attributes": "attribute", "values": "value"})

    def request_fields(r: open311.RequestView) -> dict:
        return {"service_request_id": r.service_request_id, "status": r.status,
                "status_notes": r.status_notes, "service_name": r.service_name,
                "service_code": r.service_code, "description": r.description,
                "agency_responsible": r.agency_responsible, "service_notice": None,
                "requested_datetime": r.requested_datetime,
                "updated_datetime": r.updated_datetime,
                "expected_datetime": r.expected_datetime, "address": r.address,
                "address_id": r.address_id, "zipcode": None, "lat": r.lat, "long": r.long,
                "media_url": r.media_url}

    async def requests(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            raise Refused(404, "not found: requests.xml or requests.json")
        if request.method == "POST":
            return await post(request, fmt)
        throttle(request)
        q = _query(request)
        rows = await read(open311.find_requests, **{k: q.get(k) for k in (
            "service_request_id", "service_code", "start_date", "end_date", "status")})
        return document(fmt, "service_requests", [request_fields(r) for r in rows],
                        item="request")

    async def one_request(request: Request) -> Response:
        number, fmt = _split_format(request.path_params["name"])
        throttle(request)
        row = await read(open311.request_by_id, _clean("service_request_id", number))
        return document(fmt, "service_requests", [request_fields(row)], item="request")

    async def token(request: Request) -> Response:
        value, fmt = _split_format(request.path_params["name"])
        throttle(request)
        row = await read(open311.request_by_token, _clean("token", value))
        return document(fmt, "service_requests",
                        [{"service_request_id": row.service_request_id, "token": row.token}],
                        item="request")

    async def post(request: Request, fmt: str) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise Refused(415, "Content-Type: application/x-www-form-urlencoded or "
                               "multipart/form-data")
        cap = MAX_FORM if kind == "application/x-www-form-urlencoded" else MAX_MULTIPART
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            raise Refused(413, f"body larger than {cap} bytes")
        throttle(request)          # the address, before any work is spent on the body
        body = Request(request.scope, limited(request.receive, cap))
        photos: list[media.Photo] = []
        if kind == "application/x-www-form-urlencoded":
            raw = await body.body()
            try:
                items = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                                  encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS)
            except (UnicodeDecodeError, ValueError):
                raise Refused(400, "body: not UTF-8 form fields (or more than "
                                   f"{MAX_FIELDS})") from None
        else:
            items, photos = await multipart(body)
        items += [(k, v) for k, v in request.query_params.multi_items() if k == "api_key"
                  and not any(name == "api_key" for name, _ in items)]
        sub, api_key = submission(items)
        if api_key is not None:
            throttle_key(api_key)

        def work(session):
            done = open311.submit(session, api_key, sub, photos=[p.name for p in photos])
            for photo in photos:        # only now: the report passed every check
                media.store_at_commit(session, photo, data_dir)
            return done

        done = await run_in_threadpool(in_transaction, db, work)
        log.info("open311 report %s (%d photos)", done.service_request_id, len(photos))
        return document(fmt, "service_requests", [
            {"service_request_id": done.service_request_id, "token": done.token,
             "service_notice": done.service_notice, "account_id": done.account_id}],
            item="request", status=201)

    def throttle_key(api_key: str) -> None:
        wait = limits.key.take(key_hash(api_key))
        if wait:
            raise Refused(429, f"too many requests for this api_key; retry in {wait:.1f} s")

    async def multipart(body: Request) -> tuple[list[tuple[str, str]], list[media.Photo]]:
        form = await body.form(max_files=media.MAX_PHOTOS, max_fields=MAX_FIELDS,
                               max_part_size=MAX_FORM)
        try:
            items, photos = [], []
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    if key != "media":
                        raise Refused(400, f"{key}: files go in parts named media")
                    data = await value.read(media.MAX_PHOTO_BYTES + 1)
                    try:
                        photos.append(media.check_photo(data))
                    except media.BadPhoto as exc:
                        raise Refused(400, str(exc)) from None
                else:
                    items.append((key, value))
            return items, photos
        finally:
            await form.close()

    async def openapi(request: Request) -> Response:
        return Response(OPENAPI.read_bytes(), media_type="application/json")

    routes = [
        Route("/discovery.{fmt}", discovery, methods=["GET"]),
        Route("/services.{fmt}", services, methods=["GET"]),
        Route("/services/{name}", definition, methods=["GET"]),
        Route("/requests.{fmt}", requests, methods=["GET", "POST"]),
        Route("/requests/{name}", one_request, methods=["GET"]),
        Route("/tokens/{name}", token, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]

    def fmt_of(request: Request) -> str:
        return "json" if request.url.path.endswith(".json") else "xml"

    async def refused(request: Request, exc: Refused) -> Response:
        headers = {"Retry-After": str(RETRY_AFTER_S)} if exc.status in (429, 503) else None
        return errors(fmt_of(request), exc.status, exc.description, headers)

    async def domain(request: Request, exc: DomainError) -> Response:
        return errors(fmt_of(request), 400, _describe(exc))

    async def too_large(request: Request, exc: TooLarge) -> Response:
        return errors(fmt_of(request), 413, "body too large")

    async def http(request: Request, exc: HTTPException) -> Response:
        return errors(fmt_of(request), exc.status_code, str(exc.detail))

    async def database(request: Request, exc: OperationalError) -> Response:
        log.warning("open311: database unavailable: %s", str(exc.orig).strip().splitlines()[0])
        return errors(fmt_of(request), 503, "the database is not answering; try again",
                      {"Retry-After": str(RETRY_AFTER_S)})

    async def fault(request: Request, exc: Exception) -> Response:
        log.exception("open311: fault on %s %s", request.method, request.url.path)
        return errors(fmt_of(request), 500, "internal error")

    return Starlette(routes=[Mount(PREFIX, routes=routes)], exception_handlers={
        Refused: refused, DomainError: domain, TooLarge: too_large, HTTPException: http,
        OperationalError: database, Exception: fault})


def openapi_document() -> dict:
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


__all__ = ["create_open311_app", "Limits", "openapi_document", "w3c"]
