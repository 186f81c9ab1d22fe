"""What a photo says about itself: its EXIF time and place (JPEG only; piexif, pure Python).

The phone scales photos down before upload and copies the camera's EXIF block into the scaled
JPEG, so the time and place the camera recorded reach the centre. A photo without EXIF (a
screenshot, a PNG, a camera that records none) says nothing and is not flagged for that alone.
"""
from __future__ import annotations

from datetime import datetime

from console.services.field_reports import PhotoFacts

try:
    import piexif
except ImportError:          # the check is then skipped: photos are taken as they are
    piexif = None


def _degrees(value, ref: bytes | str | None) -> float | None:
    try:
        d, m, s = (n / q for n, q in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    number = d + m / 60 + s / 3600
    ref = ref.decode("ascii", "replace") if isinstance(ref, bytes) else (ref or "")
    return -number if ref.upper() in ("S", "W") else number


def _time(raw: bytes | str | None) -> datetime | None:
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    try:
        return datetime.strptime((raw or "").strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def photo_facts(name: str, data: bytes, ext: str) -> PhotoFacts:
    """The photo's EXIF time (DateTimeOriginal, else DateTime) and GPS position, where present."""
    if piexif is None or ext != "jpg":
        return PhotoFacts(name)
    try:
        exif = piexif.load(data)
    except Exception:       # noqa: BLE001 — a damaged EXIF block is no EXIF; the photo stays
        return PhotoFacts(name)
    taken = _time(exif.get("Exif", {}).get(piexif.ExifIFD.DateTimeOriginal)) \
        or _time(exif.get("0th", {}).get(piexif.ImageIFD.DateTime))
    gps = exif.get("GPS", {})
    lat = _degrees(gps.get(piexif.GPSIFD.GPSLatitude), gps.get(piexif.GPSIFD.GPSLatitudeRef))
    lon = _degrees(gps.get(piexif.GPSIFD.GPSLongitude), gps.get(piexif.GPSIFD.GPSLongitudeRef))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    return PhotoFacts(name, taken, lat, lon)
