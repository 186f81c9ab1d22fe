"""GCJ-02 and BD-09: the shifted coordinates of Chinese commercial maps, which no EPSG code
describes (so PROJ cannot convert them).

GCJ-02 (国测局, used by AutoNavi/Amap, Tencent) adds a published polynomial offset to WGS 84
on the Krasovsky ellipsoid; BD-09 (Baidu) rotates and shifts GCJ-02 once more. The forward
formulas are the widely published ones; there is no closed inverse, so it is found by fixed-
point iteration to well under a millimetre. Vectorised over numpy arrays; outside China the
offset is not applied (the same rule every map vendor follows).
"""
from __future__ import annotations

import math

import numpy as np

_A = 6378245.0                      # Krasovsky 1940 semi-major axis, as the formula uses it
_EE = 0.00669342162296594323        # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0
#: Iterating the inverse stops once a step moves less than this (degrees, ~1 mm).
INVERSE_TOLERANCE_DEG = 1e-9
INVERSE_MAX_STEPS = 30


def out_of_china(lon, lat) -> np.ndarray:
    """The vendors' rough box: outside it no offset applies."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    pi = math.pi
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0)
    radlat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * pi)
    dlon = dlon * 180.0 / (_A / sqrtmagic * np.cos(radlat) * pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def _arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _out(lon: np.ndarray, lat: np.ndarray):
    return (float(lon), float(lat)) if lon.ndim == 0 else (lon, lat)


def wgs84_to_gcj02(lon, lat):
    """WGS 84 → GCJ-02; scalars or arrays."""
    lon, lat = _arrays(lon, lat)
    dlon, dlat = _offset(lon, lat)
    return _out(lon + dlon, lat + dlat)


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 → WGS 84 by iteration: the WGS 84 point whose forward shift is the given one."""
    glon, glat = _arrays(lon, lat)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(INVERSE_MAX_STEPS):
        dlon, dlat = _offset(wlon, wlat)
        nlon, nlat = glon - dlon, glat - dlat
        step = max(float(np.max(np.abs(nlon - wlon), initial=0.0)),
                   float(np.max(np.abs(nlat - wlat), initial=0.0)))
        wlon, wlat = nlon, nlat
        if step < INVERSE_TOLERANCE_DEG:
            break
    return _out(wlon, wlat)


def gcj02_to_bd09(lon, lat):
    """GCJ-02 → BD-09."""
    x, y = _arrays(lon, lat)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return _out(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006)


def bd09_to_gcj02(lon, lat):
    """BD-09 → GCJ-02 (Baidu's published approximate inverse, good to a few centimetres)."""
    lon, lat = _arrays(lon, lat)
    x, y = lon - 0.0065, lat - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _out(z * np.cos(theta), z * np.sin(theta))


def bd09_to_gcj02_exact(lon, lat):
    """BD-09 → GCJ-02, the published inverse refined by iteration to the forward formula."""
    blon, blat = _arrays(lon, lat)
    glon, glat = _arrays(*bd09_to_gcj02(blon, blat))
    for _ in range(INVERSE_MAX_STEPS):
        flon, flat = _arrays(*gcj02_to_bd09(glon, glat))
        dlon, dlat = blon - flon, blat - flat
        glon, glat = glon + dlon, glat + dlat
        if max(float(np.max(np.abs(dlon), initial=0.0)),
               float(np.max(np.abs(dlat), initial=0.0))) < INVERSE_TOLERANCE_DEG:
            break
    return _out(glon, glat)


def bd09_to_wgs84(lon, lat):
    """BD-09 → WGS 84 (through GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02_exact(lon, lat))


def wgs84_to_bd09(lon, lat):
    """WGS 84 → BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
