"""A citizen's phone number as a role may see it: in full to the desk that calls back, masked
(138****5678) to everyone else — departments, viewers, the wall, exports, the public API.

The services mask; the widgets only show what they are given. A role that may see numbers holds
Permission.SEE_CALLER_PHONE; everything else (and every export or public answer, which has no
role of its own) gets the masked form.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from console.domain.permissions import Permission, may
from console.domain.roles import Role

#: Digit groups joined by a space or a hyphen (138 1234 5678, 0571-8765-4321), with an optional
#: + before them (+86…), in a text folded to ASCII digits. A group is whole: a case number
#: (12 digits) or a cell code (14–15) is never cut to find a number inside it.
_RUN = re.compile(r"\+?\d+(?:[ -]{1,2}\d+)*")
_GROUP = re.compile(r"\d+")
#: Groups of one phone number: at most the prefix, the area code and three more.
_MAX_GROUPS = 5
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0(?:[12]\d|[3-9]\d\d)\d{7,8}")     # 010/02x have 3 digits, others 4
_LOCAL = re.compile(r"[2-9]\d{6,7}")                           # a number without its area code
_DECIMAL = re.compile(r"\d\.")                                  # 30.2741523
#: 8 digits that read as a date (20261129) are a date, not a local number.
_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


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


def _fold(text: str) -> str:
    """`text` NFKC-folded character by character, so that positions still match the original
    (full-width １３８ and ＋ and the ideographic space become ASCII)."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def _kept(digits: str) -> int | None:
    """How many leading digits of a number written as `digits` stay visible (the 86 prefix,
    a mobile's first three, a landline's area code); None if `digits` is not a phone number."""
    prefix = 2 if digits.startswith("86") and len(digits) > 10 else 0
    for skip in ((prefix, 0) if prefix else (0,)):
        rest = digits[skip:]
        if _MOBILE.fullmatch(rest):
            return skip + 3
        if _LANDLINE.fullmatch(rest):
            return skip + (3 if rest[1] in "12" else 4)
        if skip and _LANDLINE.fullmatch("0" + rest):   # +86 571 …: the area code without its 0
            return skip + (2 if rest[0] in "12" else 3)
        if not skip and _LOCAL.fullmatch(rest) and not _DATE.fullmatch(rest):
            return 0
    return None


def _phone_spans(folded: str) -> Iterable[tuple[int, int, int]]:
    """(start, end, digits kept) of every phone number in a folded text: the longest run of
    whole groups from each group on that is a number."""
    for run in _RUN.finditer(folded):
        start, end = run.span()
        groups = [(m.start() + start, m.end() + start, m.group())
                  for m in _GROUP.finditer(run.group())]
        # A run's outer groups next to a star are masked already; next to "3." or ".5" they
        # are a decimal's digits (a coordinate, an amount) unless they are a whole mobile or
        # landline number, not a short local one.
        before, after = folded[max(0, start - 2):start], folded[end:end + 2]
        masked = {0} if before.endswith("*") else set()
        decimal = {0} if _DECIMAL.fullmatch(before) else set()
        if after.startswith("*"):
            masked.add(len(groups) - 1)
        if _DECIMAL.fullmatch(after[::-1]):
            decimal.add(len(groups) - 1)
        i = 0
        while i < len(groups):
            for j in range(min(len(groups), i + _MAX_GROUPS) - 1, i - 1, -1):
                part = groups[i:j + 1]
                # Groups of one or two digits are list items, dates and times (2026-11-29),
                # not parts of a phone number (the 86 prefix aside).
                inside = set(range(i, j + 1))
                if masked & inside or any(
                        len(g) < 3 for k, (_, _, g) in enumerate(part) if k or g != "86"):
                    continue
                kept = _kept("".join(g for _, _, g in part))
                if kept is not None and not (kept == 0 and decimal & inside):
                    yield part[0][0], part[-1][1], kept
                    i = j
                    break
            i += 1


def _known_spans(folded: str, known: Iterable[str | None]) -> Iterable[tuple[int, int, int]]:
    """Where the case's own numbers appear in a folded text, spaces or hyphens between digits
    or not (whatever their shape: a short service number the patterns above leave alone)."""
    for phone in known:
        digits = "".join(ch for ch in _fold(phone or "") if ch.isdigit())
        local = _fold(phone or "").rpartition("-")[2]
        for d in {digits, local if local.isdigit() else ""}:
            if len(d) < 5:
                continue
            pattern = r"(?<![\d*])" + "[ -]?".join(d) + r"(?![\d*])"
            keep = 3 if _MOBILE.fullmatch(d) else 0
            yield from ((m.start(), m.end(), keep) for m in re.finditer(pattern, folded))


def mask_phones_in(text: str | None, known: Iterable[str | None] = ()) -> str:
    """Every phone number inside a free text masked (a note quoting the caller's number), however
    it is typed (spaces, hyphens, +86, full-width digits), and every number of `known` (the
    case's own caller) wherever it appears. Digits are starred in place — all but the last four
    and the visible head — so the text keeps its other characters."""
    if not text:
        return text or ""
    folded = _fold(text)
    starred = list(text)
    for start, end, kept in (*_phone_spans(folded), *_known_spans(folded, known)):
        positions = [i for i in range(start, end) if folded[i].isdigit()]
        shown = len(positions) - 4 if len(positions) >= 7 else len(positions) - 2
        for i in positions[kept:max(kept, shown)]:
            starred[i] = "*"
    return "".join(starred)


def sees_phone(role: Role | str | None) -> bool:
    """Whether `role` sees callers' numbers in full; None (an export, the public) never does."""
    return role is not None and may(role, Permission.SEE_CALLER_PHONE)


def phone_for(role: Role | str | None, phone: str | None) -> str:
    """The number as `role` may see it."""
    return (phone or "") if sees_phone(role) else mask_phone(phone)


def text_for(role: Role | str | None, text: str | None, known: Iterable[str | None] = ()) -> str:
    """A free text (a note, a description) as `role` may see it: numbers in it masked, and the
    numbers of `known` (the case's caller) wherever they appear."""
    return (text or "") if sees_phone(role) else mask_phones_in(text, known)
