"""The centre's base map: the XYZ tiles every seat's map draws (an intranet tile server, 天地图
with the centre's key), set once by an administrator instead of at every seat. A seat may still
name tiles of its own (its seat setting map/tile_url, console/map/tiles_dialog.py) — a wall
display on another network — and then draws those. Saved as shared settings: checked, audited
with the actor, and a SETTINGS feed row on which every seat's map rebuilds (console/map/widget.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from console.domain.permissions import Permission
from console.services.actor import Actor, authorize
from console.services.settings import get_setting, set_setting

KEYS = ("map_tile_url", "map_tile_subdomains", "map_tile_attribution")


@dataclass(frozen=True)
class BaseMap:
    url: str = ""
    subdomains: str = "abc"
    attribution: str = ""


def centre_base_map(session: Session) -> BaseMap:
    """The centre's base map as stored (empty address: none)."""
    url, subdomains, attribution = (str(get_setting(session, k) or "").strip() for k in KEYS)
    return BaseMap(url, subdomains or "abc", attribution)


def tiles_for_seat(session: Session, seat: BaseMap) -> BaseMap:
    """What a seat draws: its own tiles if it names some, else the centre's."""
    return seat if seat.url.strip() else centre_base_map(session)


def save_centre_base_map(session: Session, actor: Actor, base_map: BaseMap,
                         at: datetime) -> list[str]:
    """Store the centre's base map as `actor`; the keys that changed (each audited and told)."""
    actor = authorize(session, actor, Permission.EDIT_SETTINGS)
    now = centre_base_map(session)
    wanted = BaseMap(base_map.url.strip(), base_map.subdomains.strip() or "abc",
                     base_map.attribution.strip())
    changed = []
    for key, old, new in zip(KEYS, (now.url, now.subdomains, now.attribution),
                             (wanted.url, wanted.subdomains, wanted.attribution)):
        if old != new:
            set_setting(session, actor, key, new, at)   # checks the address (bad_tile_url)
            changed.append(key)
    return changed
