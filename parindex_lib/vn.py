"""Vietnamese text and numbers: NFC normalisation, diacritic-free keys, parsing and formatting.

Parsing is strict: a value either reads exactly as written or raises
:class:`~parindex_lib.errors.BadValue` (a ``ValueError``) with its cause as data; the readers turn that into a
located :class:`~parindex_lib.errors.Problem`, said in the command's language. Formatting uses Babel,
so ``76.17`` shows as ``76,17%`` in Vietnamese and ``76.17%`` in English.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from parindex_lib.errors import BadValue, because

LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC with surrounding white space removed.

    Examples
    --------
    >>> nfc("Tam \u0110u\u031bo\u031b\u0300ng") == "Tam Đường"
    True
    """
    return unicodedata.normalize("NFC", str(text)).strip()


_FULLWIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}


def halfwidth(text: str) -> str:
    """Full-width letters, digits and signs (``２０２３``, ``７０,５２％``, typed with an East Asian input method)
    as their ordinary forms: they mean exactly the same.

    Examples
    --------
    >>> halfwidth("２０２３"), halfwidth("70,52％")
    ('2023', '70,52%')
    """
    return str(text).translate(_FULLWIDTH)


def fold(text: str) -> str:
    """Return a matching key: no diacritics, lower case, punctuation as single spaces.

    Examples
    --------
    >>> fold("Cải cách  thể-chế!")
    'cai cach the che'
    """
    decomposed = unicodedata.normalize("NFD", halfwidth(str(text)).replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = re.sub(r"[^0-9a-z]+", " ", bare.casefold())
    return bare.strip()


@dataclass(frozen=True)
class Percent:
    """A parsed percentage: value in 0–100, its bound and the decimals it was printed with."""

    value: float
    bound: str = "="
    decimals: int = 2


_NUMBER = r"[+-]?[0-9]+(?:[.,][0-9]+)?"
# Words before and after the number that make a target a bound, compared on folded text.
_ABOVE = {"tren", "hon", "cao hon", "above", "more than", "over"}
_AT_LEAST = {"tu", "dat tu", "it nhat", "toi thieu", "dat", "at least"}
_AT_LEAST_TAIL = {"tro len", "or more", "or above"}
#: Marks written beside a value (footnotes, stars): never part of it.
_MARK = re.compile(r"[*†‡§#'\"^°¹²³⁴⁵⁶⁷⁸⁹⁰]+|\(\s*(?:[0-9]{1,2}|\*+)\s*\)|\[\s*[0-9*]{1,2}\s*\]")
_SPACES = "\u00a0\u202f\u2007\u2009"

SPACE_INSIDE = because("read_space_inside", "has a space inside the number (expected e.g. 70,52: is a digit "
                       "missing, or one too many?)")
TWO_MARKS = because("read_two_marks", "has both \".\" and \",\" in it, as a thousands separator would: it is not a "
                    "percentage or a number of points as written, which never need one (expected one decimal mark, "
                    "e.g. 70,52)")
#: Causes a number's parser gives that say more than "not a percentage" or "not points": kept by their callers.
NUMBER_FAULTS = (SPACE_INSIDE, TWO_MARKS)
NOT_POINTS = because("read_not_points", "is not points (expected e.g. 67,41/97,5 điểm)")
PERCENT_EMPTY = because("read_percent_empty", "is empty (expected a percentage such as 70,52%)")
POINTS_NEGATIVE = because("read_points_negative", "is negative (expected points from 0 to the maximum)")


def parse_number(text: str) -> tuple[float, int]:
    """Parse one decimal number written the Vietnamese or the English way.

    Returns the value and the number of decimals printed. Percentages and points never need a
    thousands separator, so one ``,`` or ``.`` is the decimal mark (``1.234`` is 1,234, never a
    thousand: no percentage reaches it); a space between digits (``7 0,52``) is an error, not ignored.
    Full-width digits (``７０,５２``) read as ordinary ones.

    Examples
    --------
    >>> parse_number("70,52")
    (70.52, 2)
    >>> parse_number("100")
    (100.0, 0)
    """
    s = halfwidth(nfc(text)).replace("\u2212", "-")  # the minus sign Word likes to insert
    for space in _SPACES:
        s = s.replace(space, " ")
    if re.search(r"[0-9.,]\s+[0-9]|[0-9]\s+[.,]", s):
        raise BadValue(SPACE_INSIDE)
    s = re.sub(r"\s+", "", s)
    if "." in s and "," in s and re.fullmatch(r"[+-]?[0-9.,]+", s):
        raise BadValue(TWO_MARKS)
    if not re.fullmatch(_NUMBER, s):
        raise BadValue(because("read_not_a_number", "is not a number (expected e.g. 70,52)"))
    decimals = len(re.split(r"[.,]", s)[1]) if re.search(r"[.,]", s) else 0
    return float(s.replace(",", ".")), decimals


def value_mark(text: str) -> str | None:
    """The mark written beside a number (``70,52%*`` → ``*``; ``70,52% (1)`` → ``(1)``), if any.

    Examples
    --------
    >>> value_mark("70,52%*"), value_mark("[2] 99%"), value_mark("70,52%")
    ('*', '[2]', None)
    """
    s = halfwidth(nfc(text))
    mark = f"(?:{_MARK.pattern})?"
    m = re.fullmatch(rf"\s*(?P<lead>{mark})\s*[+\-\u2212]?[0-9][0-9.,\s]*%?\s*(?P<tail>{mark})\s*", s)
    if not m:
        return None
    return (m.group("lead") or m.group("tail")) or None


def parse_percent(text: str, *, allow_bound: bool = False) -> Percent:
    """Parse a percentage such as ``70,52%``, ``100%``, ``Trên 75%`` or ``từ 80% trở lên``.

    Parameters
    ----------
    text : str
        The cell as written.
    allow_bound : bool
        Targets may carry a bound (``Trên`` = above, ``từ … trở lên``/``≥`` = at least);
        actual results may not.

    Returns
    -------
    Percent
        ``bound`` is ``">"``, ``">="`` or ``"="``.

    Raises
    ------
    BadValue
        A ``ValueError`` with its cause, when the text is not a percentage in 0–100.

    Examples
    --------
    >>> parse_percent("Trên 75%", allow_bound=True)
    Percent(value=75.0, bound='>', decimals=0)
    """
    raw = halfwidth(nfc(text))
    if not raw:
        raise BadValue(PERCENT_EMPTY)
    _refuse_marks(raw)
    bound, s = _bound(raw)
    if bound != "=" and not allow_bound:
        raise BadValue(because("read_bound_on_a_result",
                               "has a bound, but an actual result must be a single value (e.g. 70,52%)"))
    s = re.sub(r"\s*(%|phan tram|phần trăm|điểm %)\s*$", "", s.strip(), flags=re.IGNORECASE)
    s = s.replace("%", "")
    try:
        value, decimals = parse_number(s)
    except BadValue as exc:
        if exc.reason in NUMBER_FAULTS:
            raise
        raise BadValue(because("read_not_a_percent", "is not a percentage (expected e.g. 70,52%)")) from None
    if not 0 <= value <= 100:
        raise BadValue(because("read_outside_0_100", "is outside 0–100% (expected a percentage such as 70,52%)"))
    return Percent(value, bound, decimals)


def _bound(raw: str) -> tuple[str, str]:
    """A target's bound (``>``, ``>=``, or ``=`` for none), from a symbol or words around the number, and the
    number's text."""
    for symbol, bound in (("≥", ">="), (">=", ">="), (">", ">")):
        if raw.startswith(symbol):
            return bound, raw[len(symbol):].strip()
    m = re.fullmatch(r"(?P<words>[^\d+\-\u2212]*?)\s*(?P<num>[+\-\u2212]?[\d.,\s]*\d\s*%?)\s*(?P<tail>.*)", raw)
    if not m or not (m.group("words") or m.group("tail")):
        return "=", raw
    words, tail = fold(m.group("words")), fold(m.group("tail"))
    if words in _ABOVE and not tail:
        return ">", m.group("num")
    if words and (words in _AT_LEAST) and (tail in _AT_LEAST_TAIL or not tail) or \
            not words and tail in _AT_LEAST_TAIL:
        return ">=", m.group("num")
    raise BadValue(because("read_not_a_percent_or_target",
                           "is not a percentage or a target such as \"Trên 75%\" or \"từ 80% trở lên\""))


def _refuse_marks(raw: str) -> None:
    """A value in parentheses, or with a footnote mark beside it, is refused by what it is."""
    if re.fullmatch(r"\(\s*[+\-\u2212]?[0-9][0-9.,\s]*%?\s*\)", raw):
        raise BadValue(because("read_in_parentheses", "is in parentheses (expected the value alone, e.g. 70,52%: "
                               "parentheses mark a negative amount in accounts, and a result is never negative)"))
    mark = value_mark(raw)
    if mark:
        raise BadValue(because("read_mark_beside", 'has the mark "{mark}" beside the value (expected the value '
                               "alone, e.g. 70,52%: a footnote belongs in the note column, Ghi chú)", mark=mark))


@dataclass(frozen=True)
class Points:
    """Points achieved out of a maximum, e.g. ``67,41/97,5 điểm``."""

    points: float
    max_points: float
    decimals: int

    @property
    def percent(self) -> float:
        """Points as a percentage of the maximum."""
        return 100.0 * self.points / self.max_points


def parse_points(text: str) -> Points:
    """Parse ``67,41/97,5 điểm`` or ``67,41 / 97,5`` into points and maximum.

    Examples
    --------
    >>> parse_points("67,41/97,5 điểm")
    Points(points=67.41, max_points=97.5, decimals=2)
    """
    s = re.sub(r"\s*(điểm|diem|points?|pts)\s*$", "", halfwidth(nfc(text)), flags=re.IGNORECASE)
    parts = s.split("/")
    if len(parts) != 2:
        raise BadValue(NOT_POINTS)
    try:
        points, decimals = parse_number(parts[0])
        maximum, _ = parse_number(parts[1])
    except BadValue as exc:
        if exc.reason in NUMBER_FAULTS:
            raise
        raise BadValue(NOT_POINTS) from None
    if maximum <= 0:
        raise BadValue(because("read_maximum_not_positive",
                               "has a maximum of zero or less (expected e.g. 67,41/97,5 điểm)"))
    if points < 0:
        raise BadValue(POINTS_NEGATIVE)
    if points > maximum:
        raise BadValue(because("read_points_over_maximum", "is more than its maximum {maximum} (expected points ≤ "
                               "maximum)", maximum=parts[1].strip()))
    return Points(points, maximum, decimals)


def looks_like_points(text: str) -> bool:
    """Whether a cell is written as points out of a maximum (contains ``/`` and no ``%``)."""
    s = halfwidth(nfc(text))
    return "/" in s and "%" not in s


def parse_rank(text: str) -> tuple[int, int | None]:
    """Parse a rank such as ``4`` or ``59/63`` into (rank, out of).

    Examples
    --------
    >>> parse_rank("59/63")
    (59, 63)
    """
    s = halfwidth(nfc(text))
    if re.search(r"[0-9]\s+[0-9]", s):
        raise BadValue(because("read_rank_space_inside", "has a space inside the number (expected e.g. 4 or 59/63)"))
    s = s.replace(" ", "")
    m = re.fullmatch(r"([0-9]+)(?:/([0-9]+))?", s)
    if not m:
        raise BadValue(because("read_not_a_rank", "is not a rank (expected e.g. 4 or 59/63)"))
    rank, of = int(m.group(1)), (int(m.group(2)) if m.group(2) else None)
    if rank < 1 or (of is not None and rank > of):
        raise BadValue(because("read_rank_out_of_range", "is not a valid rank (expected 1 ≤ rank ≤ number ranked)"))
    return rank, of


def round_half_up(value: float, decimals: int = 2) -> Decimal:
    """Round as the plan, Excel and the Ministry print: halves away from zero (76,165 → 76,17).

    The float's shortest decimal form is rounded, so 76.165 (stored as 76.16499999…) rounds up as printed.

    Examples
    --------
    >>> str(round_half_up(76.165)), str(round_half_up(0.125)), str(round_half_up(-2.5, 0))
    ('76.17', '0.13', '-3')
    """
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: float, lang: str = "vi", decimals: int = 2) -> str:
    """Format a number for ``lang`` with Babel, rounded half-up (``76,17`` in Vietnamese, ``76.17`` in English).

    Examples
    --------
    >>> format_number(76.165, "vi"), format_number(1234.5, "en", 1)
    ('76,17', '1,234.5')
    """
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never print "-0,00"
    return format_decimal(rounded, format=pattern, locale=LOCALES[lang])


def format_pct(value: float, lang: str = "vi", decimals: int = 2) -> str:
    """Format a percentage: ``76,17%`` (vi) or ``76.17%`` (en).

    Examples
    --------
    >>> format_pct(76.1756, "vi"), format_pct(76.1756, "en"), format_pct(76.165, "vi")
    ('76,18%', '76.18%', '76,17%')
    """
    return f"{format_number(value, lang, decimals)}%"


def format_pp(value: float, lang: str = "vi", decimals: int = 2, unit: bool = True) -> str:
    """Format a signed change in percentage points: ``+3,83 điểm phần trăm`` / ``+3.83 percentage points``.

    A change that rounds to zero prints as ``±0,00``. With ``unit=False`` only the signed number.

    Examples
    --------
    >>> format_pp(2.5, "vi"), format_pp(-0.004, "en", unit=False)
    ('+2,50 điểm phần trăm', '±0.00')
    """
    rounded = round_half_up(value, decimals)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    number = f"{sign}{format_number(abs(value), lang, decimals)}"
    if not unit:
        return number
    return f"{number} {'điểm phần trăm' if lang == 'vi' else 'percentage points'}"


def format_points(points: float, max_points: float | None = None, lang: str = "vi", decimals: int = 2) -> str:
    """Format points, with their maximum when known: ``3,36/16,5 điểm`` / ``3.36/16.5 points``.

    Trailing zeros of the maximum are dropped, as the Ministry prints it (16,5 not 16,50).

    Examples
    --------
    >>> format_points(3.355, 16.5, "vi"), format_points(9.56, None, "en")
    ('3,36/16,5 điểm', '9.56 points')
    """
    word = "điểm" if lang == "vi" else "points"
    text = format_number(points, lang, decimals)
    if max_points is not None:
        top = round_half_up(max_points, decimals).normalize()
        text += "/" + format_decimal(top, locale=LOCALES[lang], decimal_quantization=False)
    return f"{text} {word}"


def format_rank(rank: int | None, rank_of: int | None = None) -> str:
    """Format a rank: ``4``, or ``24/63`` when the number ranked is known; empty when unknown.

    Examples
    --------
    >>> format_rank(24, 63), format_rank(4), format_rank(None)
    ('24/63', '4', '')
    """
    if _missing(rank):
        return ""
    return str(int(rank)) if _missing(rank_of) else f"{int(rank)}/{int(rank_of)}"


def _missing(value: object) -> bool:
    """None, NaN or pandas' NA."""
    return value is None or str(value) in {"nan", "<NA>", "NaN"}
