"""The OsmAnd protocol as Traccar decodes it (org.traccar.protocol.OsmAndProtocolDecoder).

Two shapes reach the same port:
- parameters, in the query string or (when the query has none) a form-encoded body:
  `id`/`deviceid`, `timestamp`, `lat`/`lon` or `location=lat,lon`, `speed` in knots, `bearing`
  or `heading`, `altitude`, `accuracy`, `hdop`, `batt`, `charge`, `valid`, anything else kept;
- the JSON body of Traccar Client 9+ (flutter_background_geolocation's location template):
  `{"device_id": …, "location": {"timestamp": ISO, "coords": {latitude, longitude, speed m/s,
  heading, accuracy, altitude}, "battery": {"level": 0–1, "is_charging"}, "extras": {…}, …}}`.

Every field is checked here; a bad one raises BadFix and the request writes nothing.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote

from console.services.devices import MAX_UNIQUE_ID
from console.services.intake import IntakeFix

KNOT_MPS = 1852 / 3600
MAX_EXTRAS = 32
MAX_KEY = 64
MAX_TEXT = 256
# Traccar reads a whole number below 2^31 as seconds, above as milliseconds.
_SECONDS_BELOW = 2**31 - 1
_EARLIEST = datetime(2000, 1, 1)
_FUTURE_SLACK = timedelta(days=1)   # a phone's clock may be off, not by days


class BadFix(ValueError):
    """The request cannot be a fix; `reason` says why (sent back to the client)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _text(name: str, value: str, limit: int = MAX_TEXT) -> str:
    if len(value) > limit or not value.isprintable():
        raise BadFix(f"{name}: too long or not printable")
    return value


def _number(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool):
        raise BadFix(f"{name}: not a number")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise BadFix(f"{name}: not a number") from None
    if not (low <= number <= high):     # NaN and ±inf fail it too: every bound is finite
        raise BadFix(f"{name}: out of range {low}..{high}")
    return number


def _optional(name: str, value: Any, high: float) -> float | None:
    """Speed, heading, accuracy: a negative number means 'not known' (the plugin sends -1)."""
    number = _number(name, value, -1e9, high)
    return number if number >= 0 else None


def _flag(value: str) -> bool:
    # Java's Boolean.parseBoolean, plus the "1" Traccar accepts for `valid`.
    return value.lower() == "true" or value == "1"


def _local(moment: datetime) -> datetime:
    """Naive local wall-clock time at second resolution, as every timestamp in the store."""
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0)


def parse_timestamp(value: str, now: datetime) -> datetime:
    """Unix seconds or milliseconds, ISO 8601, or `yyyy-MM-dd HH:mm:ss` (server local time)."""
    value = _text("timestamp", value.strip(), 40)
    try:
        if value.isdigit():
            number = int(value)
            at = datetime.fromtimestamp(number if number < _SECONDS_BELOW else number / 1000)
        else:
            # fromisoformat takes 'T' or ' ', an offset or 'Z', and fractions of a second.
            at = datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        raise BadFix("timestamp: not a time") from None
    at = _local(at)
    if not (_EARLIEST <= at <= now + _FUTURE_SLACK):
        raise BadFix("timestamp: out of range")
    return at


def check_device(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_UNIQUE_ID \
            or not value.isprintable() or value != value.strip():
        raise BadFix("id: 1-64 printable characters")
    return value


def _extra(key: str, value: Any, extras: dict[str, Any]) -> None:
    if len(extras) >= MAX_EXTRAS:
        raise BadFix("too many parameters")
    _text("parameter name", key, MAX_KEY)
    if isinstance(value, str):
        value = _text(key, value)
        # As Traccar: numbers and booleans are kept as such, anything else as text.
        if value in ("true", "false"):
            value = value == "true"
        else:
            try:
                number = float(value)
                if math.isfinite(number):
                    value = number
            except ValueError:
                pass
    elif isinstance(value, float) and not math.isfinite(value):
        raise BadFix(f"{key}: not a number")
    elif not isinstance(value, (bool, int, float)) or (isinstance(value, int)
                                                        and abs(value) > 2**63):
        return      # nested JSON: Traccar drops it too
    extras[key] = value


def split_query(query: str) -> list[tuple[str, str]]:
    """`urllib.parse.parse_qsl(query, keep_blank_values=True)`, the same pairs, without its
    unquoting of fields that hold nothing to unquote (a phone's query never does): on the
    intake's hot path that unquoting cost twice the parsing of the fix itself."""
    pairs = []
    for field in query.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if "%" in field or "+" in field:
            name = unquote(name.replace("+", " "), errors="replace")
            value = unquote(value.replace("+", " "), errors="replace")
        pairs.append((name, value))
    return pairs


def parse_params(items: Iterable[tuple[str, str]], now: datetime) -> IntakeFix:
    """A fix from query or form parameters; the last value of a repeated name wins."""
    device = at = lat = lon = None
    speed = heading = altitude = accuracy = battery = None
    extras: dict[str, Any] = {}
    for key, value in items:
        if "\x00" in key or "\x00" in value:
            raise BadFix("NUL character")
        match key:
            case "id" | "deviceid":
                device = check_device(value)
            case "timestamp":
                at = parse_timestamp(value, now)
            case "lat":
                lat = _number("lat", value, -90, 90)
            case "lon":
                lon = _number("lon", value, -180, 180)
            case "location":
                parts = value.split(",")
                if len(parts) != 2:
                    raise BadFix("location: lat,lon")
                lat = _number("lat", parts[0], -90, 90)
                lon = _number("lon", parts[1], -180, 180)
            case "speed":
                knots = _optional("speed", value, 2000)
                speed = None if knots is None else knots * KNOT_MPS
            case "bearing" | "heading":
                heading = _optional("bearing", value, 360)
            case "altitude":
                altitude = _number("altitude", value, -12_000, 100_000)
            case "accuracy":
                accuracy = _optional("accuracy", value, 1e6)
            case "batt":
                battery = _number("batt", value, 0, 100)
            case "hdop":
                extras["hdop"] = _number("hdop", value, 0, 1000)
            case "charge" | "valid":
                extras[key] = _flag(_text(key, value, 8))
            case _:
                _extra(key, value, extras)
    if device is None:
        raise BadFix("id: missing")
    if lat is None or lon is None:
        # Traccar would reuse the device's last location; a fix without one moves nothing here.
        raise BadFix("lat/lon: missing")
    return IntakeFix(device, at or _local(now), lat, lon, speed, heading, altitude, accuracy,
                     battery, extras or None)


def _get(obj: dict, key: str, kind: type | tuple[type, ...], name: str, required: bool = True):
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise BadFix(f"{name}: missing or wrong type")
    return value


def parse_json(body: Any, now: datetime) -> IntakeFix:
    """A fix from Traccar Client's JSON body (speed already in m/s there)."""
    if not isinstance(body, dict):
        raise BadFix("body: not an object")
    device = check_device(body.get("device_id"))
    location = _get(body, "location", dict, "location")
    at = parse_timestamp(_get(location, "timestamp", str, "location.timestamp"), now)
    coords = _get(location, "coords", dict, "location.coords")
    lat = _number("latitude", _get(coords, "latitude", (int, float), "latitude"), -90, 90)
    lon = _number("longitude", _get(coords, "longitude", (int, float), "longitude"), -180, 180)
    num = (int, float)
    speed = coords.get("speed")
    speed = None if speed is None else _optional("speed", _get(coords, "speed", num, "speed"), 1000)
    heading = coords.get("heading")
    heading = None if heading is None else _optional(
        "heading", _get(coords, "heading", num, "heading"), 360)
    accuracy = coords.get("accuracy")
    accuracy = None if accuracy is None else _optional(
        "accuracy", _get(coords, "accuracy", num, "accuracy"), 1e6)
    altitude = coords.get("altitude")
    altitude = None if altitude is None else _number(
        "altitude", _get(coords, "altitude", num, "altitude"), -12_000, 100_000)
    battery = None
    extras: dict[str, Any] = {}
    if location.get("battery") is not None:
        batt = _get(location, "battery", dict, "battery")
        if (level := batt.get("level")) is not None:
            level = _number("battery.level", level, -1, 1)
            battery = None if level < 0 else round(level * 100, 1)
        if batt.get("is_charging") is True:
            extras["charge"] = True
    for key in ("event", "is_moving", "odometer", "mock", "alarm"):
        if key in location:
            _extra(key, location[key], extras)
    if isinstance(activity := location.get("activity"), dict) and "type" in activity:
        _extra("activity", activity["type"], extras)
    if location.get("extras") is not None:
        for key, value in _get(location, "extras", dict, "extras").items():
            _extra(key, value, extras)
    return IntakeFix(device, at, lat, lon, speed, heading, altitude, accuracy, battery,
                     extras or None)
