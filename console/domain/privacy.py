"""A citizen's phone number as a role may see it: in full to the desk that calls back, masked
(138****5678) to everyone else — departments, viewers, the wall, exports, the public API.

The services mask; the widgets only show what they are given. A role that may see numbers holds
Permission.SEE_CALLER_PHONE; everything else (and every export or public answer, which has no
role of its own) gets the masked form.
"""
from __future__ import annotations

import re

from console.domain.permissions import Permission, may
from console.domain.roles import Role

#: A mobile number (11 digits, 1[3-9]…) or a landline with its area code, also inside a text
#: (a note that quotes the caller). Digits around it must not belong to a longer number (a
#: case number is 12 digits and stays).
_IN_TEXT = re.compile(r"(?<![\d*])(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![\d*])")


def mask_phone(phone: str | None) -> str:
    """`phone` with its middle digits starred: 13812345678 → 138****5678, 0571-87654321 →
    0571-****4321; a short number keeps only its last two digits. '' for none."""
    if not phone:
        return ""
    head, sep, tail = phone.rpartition("-")
    if sep and head:                      # a landline: the area code is no one's secret
        return f"{head}-{_star_middle(tail, keep_head=0)}"
    return _star_middle(phone, keep_head=3)


def _star_middle(digits: str, *, keep_head: int) -> str:
    if len(digits) < 7:
        return "*" * max(0, len(digits) - 2) + digits[-2:]
    keep_head = keep_head if len(digits) >= 11 else 0
    return digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]


def mask_phones_in(text: str | None) -> str:
    """Every phone number inside a free text masked (a note quoting the caller's number)."""
    if not text:
        return text or ""
    return _IN_TEXT.sub(lambda m: mask_phone(m.group(1)), text)


def sees_phone(role: Role | str | None) -> bool:
    """Whether `role` sees callers' numbers in full; None (an export, the public) never does."""
    return role is not None and may(role, Permission.SEE_CALLER_PHONE)


def phone_for(role: Role | str | None, phone: str | None) -> str:
    """The number as `role` may see it."""
    return (phone or "") if sees_phone(role) else mask_phone(phone)


def text_for(role: Role | str | None, text: str | None) -> str:
    """A free text (a note, a description) as `role` may see it: numbers in it masked."""
    return (text or "") if sees_phone(role) else mask_phones_in(text)
