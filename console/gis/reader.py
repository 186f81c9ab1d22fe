"""Reading a grid file: GeoJSON or Shapefile (.shp/.shx/.dbf with .prj and .cpg), loose or in a
zip, into plain features: attributes and raw polygon rings in the file's own coordinates.

Attribute text: a .cpg names the encoding; without one, Chinese GIS files are as often GBK as
UTF-8, so the attributes are decoded as strict UTF-8 and, if that fails anywhere, as GB18030
(a superset of GBK and GB2312). Guessing wrong would store mojibake for every name.
"""
from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapefile

from console.gis.errors import GisError

#: Files larger than this are refused before reading (a city's grid is tens of megabytes).
MAX_FILE_BYTES = 2 * 1024**3
#: A zip's members are read whole: what they unpack to is capped before any is read (a zip of
#: 600 KB can declare 600 MB of GeoJSON).
MAX_UNPACKED_BYTES = 256 * 1024**2
_CPG = {"936": "gbk", "cp936": "gbk", "gbk": "gbk", "gb2312": "gbk", "gb18030": "gb18030",
        "65001": "utf-8", "utf8": "utf-8", "utf-8": "utf-8", "utf_8": "utf-8"}
_FALLBACK_ENCODING = "gb18030"


class ReadError(GisError):
    """The file cannot be read as a grid: a code (worded in console/common/grid_texts.py)."""


@dataclass
class RawFeature:
    """One feature as the file has it: `parts` is a list of polygons, each a list of rings
    (exterior first) as (k, 2) arrays in the file's coordinates; no geometry: empty list."""

    index: int                      # 1-based position in the file, as GIS tools number them
    attributes: dict[str, Any]
    parts: list[list[np.ndarray]]
    geometry_type: str              # "Polygon", "MultiPolygon", "" (none) or another type


@dataclass
class SourceFile:
    """What was read: features, the attribute names, and what the file says of itself."""

    path: str
    format: str                     # "shapefile" | "geojson"
    features: list[RawFeature]
    fields: list[str]
    encoding: str
    encoding_note: str = ""         # how the encoding was decided
    prj_wkt: str | None = None
    geojson_crs: Any = None
    notes: list[str] = field(default_factory=list)


def read_source(path: str | Path, encoding: str | None = None) -> SourceFile:
    """Read a .shp, .geojson/.json, or a .zip holding one of them."""
    path = Path(path)
    if path.is_dir():
        path = _only_grid_file(path)
    if not path.is_file():
        raise ReadError("file_missing", f"no such file: {path}", path=str(path))
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ReadError("file_too_large", f"{path.name} is larger than "
                        f"{MAX_FILE_BYTES // 1024**3} GB", name=path.name,
                        limit_gb=MAX_FILE_BYTES // 1024**3)
    if encoding is not None:
        try:
            "".encode(encoding)
        except LookupError:
            raise ReadError("unknown_encoding", f"unknown encoding {encoding!r} (e.g. utf-8, "
                            "gbk, gb18030)", encoding=encoding) from None
    try:
        return _read_path(path, encoding)
    except OSError as exc:       # unreadable: permissions, a file vanishing, a bad disk
        raise ReadError("file_unreadable", f"{path.name} cannot be read ({exc})",
                        name=path.name, detail=exc.strerror or type(exc).__name__) from None


def _read_path(path: Path, encoding: str | None) -> SourceFile:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _read_zip(path, encoding)
    if suffix == ".shp":
        def sibling(ext: str) -> bytes | None:
            for candidate in (path.with_suffix(ext), path.with_suffix(ext.upper())):
                if candidate.is_file():
                    return candidate.read_bytes()
            return None
        return _read_shapefile(str(path), path.read_bytes(), sibling, encoding)
    if suffix in (".geojson", ".json"):
        return _read_geojson(str(path), path.read_bytes(), encoding)
    raise ReadError("not_grid_file", f"{path.name}: not a grid file (.shp, .geojson, .json, or "
                    "a .zip of one)", name=path.name)


def _only_grid_file(folder: Path) -> Path:
    """The one grid file in a folder (a Shapefile's parts, a GeoJSON, or a zip of one)."""
    found = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                   and p.suffix.lower() in (".shp", ".geojson", ".json", ".zip"))
    shps = [p for p in found if p.suffix.lower() == ".shp"]
    chosen = shps if len(shps) == 1 else found
    if len(chosen) != 1:
        names = ", ".join(p.name for p in found) or "-"
        raise ReadError("folder_not_one_file", f"{folder} must hold exactly one .shp, .geojson or "
                        f".zip (found: {names})", folder=str(folder), found=names)
    return chosen[0]


def _read_zip(path: Path, encoding: str | None) -> SourceFile:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ReadError("zip_unreadable", f"{path.name} is not a readable zip file",
                        name=path.name) from None
    with archive:
        unpacked = sum(i.file_size for i in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise ReadError("zip_too_large", f"{path.name} unpacks to more than "
                            f"{MAX_UNPACKED_BYTES // 1024**2} MB", name=path.name,
                            limit_mb=MAX_UNPACKED_BYTES // 1024**2)
        names = [n for n in archive.namelist() if not n.endswith("/")
                 and not Path(n).name.startswith(".") and "__MACOSX" not in n]
        shps = [n for n in names if n.lower().endswith(".shp")]
        jsons = [n for n in names if n.lower().endswith((".geojson", ".json"))]
        if len(shps) + len(jsons) != 1:
            found = ", ".join(shps + jsons) or "-"
            raise ReadError("zip_not_one_file", f"{path.name} must hold exactly one .shp or "
                            f".geojson (found: {found})", name=path.name, found=found)
        if jsons:
            return _read_geojson(f"{path}!{jsons[0]}", _member(archive, path, jsons[0]),
                                 encoding)
        stem = shps[0][:-4].lower()
        by_lower = {n.lower(): n for n in names}

        def sibling(ext: str) -> bytes | None:
            name = by_lower.get(stem + ext)
            return _member(archive, path, name) if name else None
        return _read_shapefile(f"{path}!{shps[0]}", _member(archive, path, shps[0]), sibling,
                               encoding)


def _member(archive: zipfile.ZipFile, path: Path, name: str) -> bytes:
    """One file of the zip: a damaged, encrypted or Deflate64-packed member (Windows' own zip
    writes those) is refused by name rather than failing with zipfile's exception."""
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error):
        raise ReadError("zip_member_unreadable", f"{name} in {path.name} cannot be unpacked",
                        name=path.name, member=name) from None


def _read_shapefile(label: str, shp: bytes, sibling, encoding: str | None) -> SourceFile:
    shx, dbf = sibling(".shx"), sibling(".dbf")
    if dbf is None:
        raise ReadError("dbf_missing", f"{label}: the .dbf beside it is missing (it holds the "
                        "attributes)", name=_name(label))
    prj, cpg = sibling(".prj"), sibling(".cpg")
    note = ""
    if encoding is None and cpg is not None:
        stated = cpg.decode("ascii", "replace").strip().lower()
        encoding = _CPG.get(stated)
        note = f"from the .cpg ({stated})" if encoding else ""
    elif encoding is not None:
        note = "as chosen"
    if encoding is not None:
        try:
            fields, features = _shapefile_features(label, shp, shx, dbf, encoding)
        except UnicodeDecodeError:
            raise ReadError("wrong_encoding", f"{label}: the attributes are not {encoding} "
                            "(try --encoding gbk, or leave it out to detect it)",
                            name=_name(label), encoding=encoding) from None
    else:
        try:
            fields, features = _shapefile_features(label, shp, shx, dbf, "utf-8")
            encoding, note = "utf-8", "no .cpg: the attributes are valid UTF-8"
        except UnicodeDecodeError:
            try:
                fields, features = _shapefile_features(label, shp, shx, dbf, _FALLBACK_ENCODING)
            except UnicodeDecodeError:
                raise _undetected(label) from None
            encoding, note = _FALLBACK_ENCODING, "no .cpg and not UTF-8: read as GB18030 (GBK)"
    return SourceFile(label, "shapefile", features, fields, encoding, note,
                      prj_wkt=prj.decode("utf-8", "replace") if prj else None)


def _shapefile_features(label: str, shp: bytes, shx: bytes | None, dbf: bytes,
                        encoding: str) -> tuple[list[str], list[RawFeature]]:
    try:
        reader = shapefile.Reader(shp=io.BytesIO(shp), shx=io.BytesIO(shx) if shx else None,
                                  dbf=io.BytesIO(dbf), encoding=encoding,
                                  encodingErrors="strict")
    except (shapefile.ShapefileException, struct.error, ValueError, IndexError) as exc:
        raise ReadError("shapefile_unreadable", f"{label}: not a readable Shapefile ({exc})",
                        name=_name(label)) from None
    with reader:
        if reader.shapeType not in (shapefile.NULL, shapefile.POLYGON, shapefile.POLYGONZ,
                                    shapefile.POLYGONM):
            raise ReadError("not_polygons", f"{label} holds {reader.shapeTypeName} shapes, not "
                            "polygons", name=_name(label), type=reader.shapeTypeName)
        fields = [f[0] for f in reader.fields[1:]]
        features = []
        try:
            for i, item in enumerate(reader.iterShapeRecords(), start=1):
                shape = item.shape
                attributes = item.record.as_dict()
                if shape.shapeType == shapefile.NULL or not shape.points:
                    features.append(RawFeature(i, attributes, [], ""))
                    continue
                points = np.asarray(shape.points, dtype=float)[:, :2]
                bounds = list(shape.parts) + [len(points)]
                rings = [points[a:b] for a, b in zip(bounds, bounds[1:])]
                features.append(RawFeature(i, attributes, _group_rings(rings), "Polygon"))
        except UnicodeDecodeError:
            raise
        except Exception as exc:    # pyshp 3 wraps a decoding failure in its own exception
            if "decode" in str(exc):
                raise UnicodeDecodeError(encoding, b"", 0, 1, str(exc)) from None
            if isinstance(exc, (shapefile.ShapefileException, struct.error, ValueError,
                                IndexError, OSError)):
                raise ReadError("shapefile_damaged", f"{label}: damaged at feature "
                                f"{len(features) + 1} ({exc})", name=_name(label),
                                feature=len(features) + 1) from None
            raise
    return fields, features


def _name(label: str) -> str:
    """The file's own name in a sentence ("grid.zip!data/g.shp" → "g.shp in grid.zip")."""
    outer, _, inner = label.partition("!")
    return f"{Path(inner).name} ({Path(outer).name})" if inner else Path(outer).name


def _undetected(label: str) -> ReadError:
    return ReadError("encoding_undetected", f"{label}: the attributes are neither UTF-8 nor "
                     "GB18030 (GBK): name the encoding", name=_name(label))


def _group_rings(rings: list[np.ndarray]) -> list[list[np.ndarray]]:
    """Shapefile rings → polygons: a clockwise ring starts a polygon, counter-clockwise ones are
    its holes (the format's rule)."""
    if len(rings) == 1:
        return [rings]
    parts: list[list[np.ndarray]] = []
    for ring in rings:
        x, y = ring[:, 0], ring[:, 1]
        signed = float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2.0
        if signed <= 0 or not parts:
            parts.append([ring])
        else:
            parts[-1].append(ring)
    return parts


def _read_geojson(label: str, data: bytes, encoding: str | None) -> SourceFile:
    note = "as chosen" if encoding else "UTF-8 (GeoJSON's own encoding)"
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError:
        if encoding:
            raise ReadError("wrong_encoding", f"{label} is not valid {encoding}",
                            name=_name(label), encoding=encoding) from None
        try:
            text, encoding = data.decode(_FALLBACK_ENCODING, "strict"), _FALLBACK_ENCODING
        except UnicodeDecodeError:
            raise _undetected(label) from None
        note = "not UTF-8: read as GB18030 (GBK)"
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError("json_invalid", f"{label} is not valid JSON ({exc})", name=_name(label),
                        line=exc.lineno, column=exc.colno) from None
    except (ValueError, RecursionError) as exc:    # nested beyond the parser's depth
        raise ReadError("json_invalid", f"{label} is not valid JSON ({exc})", name=_name(label),
                        line="-", column="-") from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc], "crs": doc.get("crs")}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise ReadError("not_feature_collection", f"{label} is not a GeoJSON FeatureCollection",
                        name=_name(label))
    fields: dict[str, None] = {}
    features = []
    for i, item in enumerate(doc["features"], start=1):
        item = item if isinstance(item, dict) else {}
        props = item.get("properties")
        attributes = props if isinstance(props, dict) else {}
        fields.update(dict.fromkeys(attributes))
        geometry = item.get("geometry")
        kind = geometry.get("type", "") if isinstance(geometry, dict) else ""
        parts = _geojson_parts(geometry) if kind in ("Polygon", "MultiPolygon") else []
        features.append(RawFeature(i, attributes, parts if parts is not None else [], kind))
    return SourceFile(label, "geojson", features, list(fields), encoding or "utf-8", note,
                      geojson_crs=doc.get("crs"))


def _geojson_parts(geometry: dict) -> list[list[np.ndarray]] | None:
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry.get("type") == "Polygon" else coords
    if not isinstance(polygons, list):
        return None
    parts = []
    try:
        for polygon in polygons:
            rings = [np.asarray(r, dtype=float)[:, :2] for r in polygon if len(r)]
            if rings:
                parts.append(rings)
    except (TypeError, ValueError, IndexError):
        return None      # malformed coordinates: reported as no geometry
    return parts
