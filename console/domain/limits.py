"""What text the console accepts from a user, a file or a network client: one table, one check.

Every text that crosses a service boundary goes through `check_text` with the name of its
field. The check normalises first, then measures, so what is stored is what was measured:

- Unicode NFC (the same word typed on two systems is one string, and searches match it);
- surrounding white space stripped;
- an empty optional field becomes None.

It refuses (DomainError, with the field and the limit as parameters):

- ``text_too_long``: more characters (code points, after normalisation) than the field holds;
- ``text_bad_character``: a control character (NUL included; line breaks and tabs only in
  multi-line fields) or a lone surrogate — neither database can store them faithfully, and
  neither belongs in a report;
- ``too_many_items``: a list (photos) longer than its limit;
- ``not_text``: a value that is not a string at all (a JSON client may send anything).

Format characters stay allowed: right-to-left marks and the joiners inside emoji are text.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from console.domain.errors import DomainError


@dataclass(frozen=True)
class TextLimit:
    """How long a field may be and whether it may hold line breaks."""

    max_length: int
    multiline: bool = False


#: field → limit. The single-line lengths match the columns that hold them (VARCHAR(n)).
TEXT_LIMITS: dict[str, TextLimit] = {
    "description": TextLimit(2000, multiline=True),
    "address": TextLimit(200),
    "reporter_name": TextLimit(64),
    "reporter_phone": TextLimit(32),
    "external_id": TextLimit(64),
    "client_key": TextLimit(64),          # a seat form's own key (services/cases.report)
    "photo": TextLimit(500),              # one photo reference (a URL or a file name)
    "note": TextLimit(2000, multiline=True),
    "reason": TextLimit(2000, multiline=True),
    "search": TextLimit(200),             # free text of the queue filter and the place finder
    "category_code": TextLimit(16),
    "cell_code": TextLimit(32),
    "setting": TextLimit(2000, multiline=True),   # each text inside a shared setting's value
    "username": TextLimit(64),
    "display_name": TextLimit(64),
    "alert_note": TextLimit(500, multiline=True),  # an acknowledgement's note
    "device_id": TextLimit(64),           # a phone's protocol id
    "officer_code": TextLimit(32),
    "department_name": TextLimit(64),
    "request_id": TextLimit(64),          # an Open311 request number or token looked up
    "campaign_name": TextLimit(100),
    "region_name": TextLimit(64),         # a district, street, community or work grid's name
    "work_grid_code": TextLimit(32),
    "category_name": TextLimit(64),       # a 大类, 小类 or 细类 name (the column's length)
    "frontage_code": TextLimit(32),       # a street-front unit's number (门前三包)
    "frontage_name": TextLimit(100),
    "person_name": TextLimit(64),         # a unit's responsible person
}
#: list field → most items.
COUNT_LIMITS: dict[str, int] = {
    "photos": 20,
    "setting_items": 500,                 # strings, numbers and keys in one setting's value
    "shifts": 50,                         # one officer's shift schedule
    "assisting": 20,                      # assisting departments (协办) of one joint dispatch
    "stretch_points": 500,                # vertices of a unit's frontage stretch
}

_LINE_BREAKS = frozenset("\n\t")


def _bad_character(value: str, multiline: bool) -> str | None:
    for ch in value:
        cat = unicodedata.category(ch)
        if cat == "Cs" or (cat == "Cc" and not (multiline and ch in _LINE_BREAKS)):
            return ch
    return None


def normalise(value: str) -> str:
    """NFC and stripped: the form in which every checked text is stored and compared."""
    # NFC of a string with a lone surrogate raises nothing; the check below refuses it.
    return unicodedata.normalize("NFC", value).strip()


def check_text(field: str, value: object, *, optional: bool = False) -> str | None:
    """`value` normalised, if it fits `field`; DomainError naming the reason if it does not.

    With `optional`, None and texts empty after normalisation give None."""
    limit = TEXT_LIMITS[field]
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise DomainError("not_text", field=field)
    # Measure before normalising too: NFC of a 10 MB string is work nobody should pay for.
    if len(value) > 4 * limit.max_length + 64:
        raise DomainError("text_too_long", field=field, limit=limit.max_length)
    bad = _bad_character(value, limit.multiline)
    if bad is not None:
        raise DomainError("text_bad_character", field=field, character=f"U+{ord(bad):04X}")
    text = normalise(value)
    if len(text) > limit.max_length:
        raise DomainError("text_too_long", field=field, limit=limit.max_length)
    if optional and not text:
        return None
    return text


def check_count(field: str, items: Iterable[object] | None) -> list[object]:
    """`items` as a list, if there are no more than `field` allows; else DomainError."""
    if items is None:
        return []
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise DomainError("not_a_list", field=field)
    out = []
    for item in items:
        out.append(item)
        if len(out) > COUNT_LIMITS[field]:
            raise DomainError("too_many_items", field=field, limit=COUNT_LIMITS[field])
    return out
