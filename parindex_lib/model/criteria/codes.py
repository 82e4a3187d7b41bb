"""Criterion codes as offices write them (``1.1.1.``, ``II``, ``1,1``) and their canonical form."""

from __future__ import annotations

import re

from parindex_lib.errors import BadValue, because
from parindex_lib.vn import nfc

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
_SEGMENT = re.compile(r"[0-9]+|[a-zđ]")
_NOT_A_CODE = because("crit_not_a_code", "is not a criterion code (expected numbers separated by dots, e.g. 1.1.2)")


def roman_to_int(text: str) -> int | None:
    """``IV`` → 4 (up to 89); ``None`` when ``text`` is not a Roman numeral.

    Examples
    --------
    >>> roman_to_int("IX"), roman_to_int("ii"), roman_to_int("1")
    (9, 2, None)
    """
    s = text.strip().lower()
    if not s or any(ch not in _ROMAN for ch in s):
        return None
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        value = _ROMAN[a]
        total += -value if b != " " and _ROMAN[b] > value else value
    if total <= 0 or total >= 90:
        return None
    return total


def normalise_code(text: object) -> str:
    """A criterion code as offices write it → its canonical form.

    Trailing dots and spaces go (``1.1.1.`` → ``1.1.1``); a Roman numeral at the head is an area's number
    (``II`` → ``2``, ``II.1`` → ``2.1``); a decimal comma (Excel turning ``1.1`` into the number 1,1) is a dot.

    Raises
    ------
    BadValue
        (a ValueError) When the text is not a code of numbers (and single letters) separated by dots.

    Examples
    --------
    >>> normalise_code("1.1.1."), normalise_code("III"), normalise_code(" 2,3 "), normalise_code("1.2.a)")
    ('1.1.1', '3', '2.3', '1.2.a')
    """
    s = nfc(str(text)).lower().replace(",", ".").replace(" ", "")
    s = s.rstrip(".)").lstrip("(")
    parts = [p for p in s.split(".")]
    if not s or any(not p for p in parts):
        raise BadValue(_NOT_A_CODE)
    head = roman_to_int(parts[0])
    if head is not None:
        parts[0] = str(head)
    for p in parts:
        if not _SEGMENT.fullmatch(p):
            raise BadValue(_NOT_A_CODE)
    return ".".join(str(int(p)) if p.isdigit() else p for p in parts)


def parent_code(code: str) -> str | None:
    """``1.1.2`` → ``1.1``; an area's code → ``None``."""
    return code.rsplit(".", 1)[0] if "." in code else None
