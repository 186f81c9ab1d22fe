"""GeoReport v2 documents in both formats: XML (the one the spec requires) and JSON.

Each document is built once as plain data (a root name, an item name, a list of ordered
fields) and written by a real serializer — xml.etree for XML, json for JSON — so nothing a
client sent is ever pasted into markup. Dates are W3C date/times with the local offset, as
the spec requires; absent values are empty elements in XML and null in JSON.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from starlette.responses import Response

FORMATS = ("xml", "json")
MEDIA_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


def w3c(at: datetime | None) -> str | None:
    """A stored (naive, local) time with its offset: 2026-03-09T10:00:00+08:00."""
    return None if at is None else at.astimezone().isoformat(timespec="seconds")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return w3c(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# What XML 1.0 cannot hold at all (escaping does not help): replaced, never written.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value)
    return _NOT_XML.sub("\ufffd", str(value))


def _fill(parent: ET.Element, fields: dict[str, Any], lists: dict[str, str]) -> None:
    """Children of `parent` from `fields`; a list named in `lists` gets that item name."""
    for name, value in fields.items():
        child = ET.SubElement(parent, name)
        if isinstance(value, list):
            item_name = lists[name]
            for item in value:
                node = ET.SubElement(child, item_name)
                if isinstance(item, dict):
                    _fill(node, item, lists)
                else:
                    node.text = _text(item)
        elif isinstance(value, dict):
            _fill(child, value, lists)
        elif value is not None:
            child.text = _text(value)


def _xml(root: str, body: Any, item: str | None, lists: dict[str, str]) -> bytes:
    top = ET.Element(root)
    if item is None:
        _fill(top, body, lists)
    else:
        for fields in body:
            _fill(ET.SubElement(top, item), fields, lists)
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)


def document(fmt: str, root: str, body: Any, *, item: str | None = None,
             lists: dict[str, str] | None = None, status: int = 200) -> Response:
    """`body` as `fmt`: a list of item dicts under `root`/`item`, or one dict under `root`.

    JSON drops the wrappers as the spec's examples do: a list is a top-level array."""
    if fmt == "json":
        content = json.dumps(_plain(body), ensure_ascii=False, allow_nan=False).encode("utf-8")
    else:
        content = _xml(root, body, item, lists or {})
    return Response(content, status_code=status, media_type=MEDIA_TYPES[fmt])


def errors(fmt: str, status: int, description: str, headers: dict[str, str] | None = None
           ) -> Response:
    """The spec's error form: errors/error with a code (the HTTP status) and a description."""
    response = document(fmt if fmt in FORMATS else "xml", "errors",
                        [{"code": status, "description": description}], item="error",
                        status=status)
    response.headers.update(headers or {})
    return response
