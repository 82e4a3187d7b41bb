"""The catalogue: component codes, their Vietnamese and English names and aliases; and the words tables
use for a unit's level, a period and a kind of value.

Both are data: ``data/components.csv`` (codes, names, aliases seen in real documents) and ``data/words.csv``
(``tỉnh`` → ``province``, ``Quý II`` → ``Q2``, ``mục tiêu`` → ``target``…). Names and words match after NFC
normalisation ignoring case, spacing, punctuation and diacritics, so ``"cai cach the che"``,
``"CẢI CÁCH THỂ CHẾ"`` and ``"Cải cách thể chế"`` all mean ``C2``.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from types import MappingProxyType

import pandas as pd

from parindex_lib.config import COMPONENTS_CSV, WORDS_CSV
from parindex_lib.errors import BadValue, Reason, because
from parindex_lib.vn import fold, nfc

TOTAL = "TOTAL"


@cache
def catalogue() -> pd.DataFrame:
    """Return the component catalogue, indexed by code, in reporting order.

    Examples
    --------
    >>> catalogue().loc["C6", "name_en"]
    'Public finance reform'
    """
    table = pd.read_csv(COMPONENTS_CSV, dtype=str, keep_default_na=False)
    for col in ("name_vi", "short_vi", "aliases"):
        table[col] = table[col].map(nfc)
    table["order"] = table["order"].astype(int)
    return table.set_index("code").sort_values("order")


def codes(include_total: bool = False) -> list[str]:
    """Codes of what a total is made of, in reporting order: the components ``C1``…``C8``, ``SIPAS``, and
    the blocks of older methodologies (``APPRAISAL``, ``SURVEY``…); with ``TOTAL`` if asked.

    Adjustments (``BONUS``, ``PENALTY``) are not parts of the total's weighting: see :func:`adjustments`.
    """
    return list(_codes(include_total))


@cache
def _codes(include_total: bool) -> tuple[str, ...]:
    table = catalogue()
    roles = {"component", "block"} | ({"total"} if include_total else set())
    return tuple(table.index[table["role"].isin(roles)])


@cache
def _adjustments() -> tuple[str, ...]:
    table = catalogue()
    return tuple(table.index[table["role"] == "adjustment"])


def adjustments() -> list[str]:
    """Codes of bonus and penalty points (điểm thưởng, điểm trừ): added to the points, not to the maximum."""
    return list(_adjustments())


def all_codes() -> list[str]:
    """Every code a tidy row may carry."""
    return list(catalogue().index)


@cache
def _alias_map() -> dict[str, str]:
    """Every name of every code, as a matching key (folded, abbreviations written out) → code."""
    mapping: dict[str, str] = {}
    for code, row in catalogue().iterrows():
        names = [code, row["name_vi"], row["name_en"], row["short_vi"], row["short_en"]]
        names += [a for a in row["aliases"].split(";") if a.strip()]
        for name in names:
            key = _key(name)
            if key in mapping and mapping[key] != code:
                raise BadValue(because("mod_alias_twice", "components.csv: alias {name} is given to {first} and {code}",
                                       name=repr(name), first=mapping[key], code=code))
            mapping[key] = code
    return mapping


@cache
def _abbreviations() -> tuple[tuple[re.Pattern, str], ...]:
    """``data/words.csv``'s abbreviations (``CCHC`` → ``cải cách hành chính``), longest first, on folded text."""
    rows = _words_table()[_words_table()["field"] == "abbreviation"]
    pairs = sorted(((fold(w), fold(v)) for w, v in zip(rows["word"], rows["value"], strict=True)),
                   key=lambda pair: -len(pair[0]))
    return tuple((re.compile(rf"\b{re.escape(short)}\b"), long) for short, long in pairs)


def _key(name: str) -> str:
    """A name's matching key: folded, its abbreviations written out."""
    key = fold(name)
    for pattern, long in _abbreviations():
        key = pattern.sub(long, key)
    return key


# Numbering before a name, as tables and decisions print it: "1.", "1.2", "I.", "a)", "Lĩnh vực 1:", "Nội dung 3 -".
_LABEL = r"(?:lĩnh\s+vực|nội\s+dung|chỉ\s+số\s+thành\s+phần|tiêu\s+chí|phần|mục|khối)"
_NUMBERING = re.compile(rf"""^\s*(?:
      {_LABEL}\s+(?:\d+(?:\.\d+)*|[IVXLC]+)\s*[.:)\-–—]?\s*   # a label and its number
    | \d+(?:\.\d+)*\s*[.:)\-–—/]?\s+                          # 1. / 1.2 / 1) / 1 -  / a bare number
    | \d+(?:\.\d+)*\s*[.:)\-–—/]\s*
    | [IVXLC]+\s*[.:)\-–—]\s*                                      # I. / II -
    | [a-zđ]\s*[.)]\s*                                               # a) / đ.
)""", re.IGNORECASE | re.VERBOSE)
_ENCLOSED = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
# Words that frame a name without changing what it names.
_FRAME_BEFORE = ("chi so thanh phan ", "chi so ", "diem ", "ket qua ", "linh vuc ", "noi dung ", "cong tac ")
_FRAME_AFTER = re.compile(r" (?:(?:cua|tai|tren dia ban) (?:tinh|huyen|xa|thanh pho|tp|quan|phuong|dia phuong|don vi)"
                          r"|cap (?:tinh|huyen|xa|so|bo))$")
# A prefix must be at least this many words to name a component alone ("cải cách tổ chức", not "cải").
_PREFIX_WORDS = 2


def _exact(key: str) -> str | None:
    """The code of a key, trying it as written, without its framing words, and with or without "cải cách"."""
    found = _alias_map().get(key)
    if found or not key:
        return found
    tries = [_FRAME_AFTER.sub("", key)]
    tries += [t[len(f):] for t in list(tries) for f in _FRAME_BEFORE if t.startswith(f)]
    tries += ["cai cach " + t for t in list(tries)]
    tries += [t[len("cai cach "):] for t in list(tries) if t.startswith("cai cach ")]
    return next((_alias_map()[t] for t in tries if t in _alias_map()), None)


def _by_prefix(key: str) -> set[str]:
    """The codes having a name that starts with ``key``'s whole words (an abbreviated name)."""
    if len(key.split()) < _PREFIX_WORDS:
        return set()
    starts = key + " "
    return {code for alias, code in _alias_map().items() if alias.startswith(starts)}


@cache
def _candidates(name: str) -> frozenset[str]:
    """Every code ``name`` may mean: one when it names a component, several when it is ambiguous, none."""
    text = nfc(str(name)).strip()
    found = _exact(_key(text))
    if found:
        return frozenset({found})
    text = _NUMBERING.sub("", text, count=1).strip() or text
    outside = _ENCLOSED.sub(" ", text)
    named = {c for part in _ENCLOSED.findall(text) if (c := _exact(_key(part)))}
    whole = _exact(_key(outside))
    if whole or named:
        return frozenset(named | ({whole} if whole else set()))  # name and enclosed code agree, or both listed
    return frozenset(_by_prefix(_key(outside)))


def match_component(name: str) -> str | None:
    """Return the canonical code a component name refers to, or ``None`` if unknown or not one component.

    Names are matched as people write them: ignoring case, diacritics and punctuation, with abbreviations
    (``CCHC``, ``TTHC``, ``KT-XH``), numbering before the name (``1.``, ``I.``, ``a)``, ``Lĩnh vực 1:``),
    the code in parentheses or brackets (``Hài lòng (SIPAS)``, ``Thể chế [C2]``), with or without
    "Cải cách" or "Chỉ số thành phần", or abbreviated to the first words of exactly one component's name.

    Examples
    --------
    >>> match_component("CAI CACH TAI CHINH CONG"), match_component("Tổng cộng")
    ('C6', 'TOTAL')
    >>> match_component("I. Cải cách TTHC"), match_component("Chỉ số CCHC (PAR INDEX)"), match_component("Cải cách")
    ('C3', 'TOTAL', None)
    """
    found = _candidates(name)
    return next(iter(found)) if len(found) == 1 else None


def component_of(name: str) -> str:
    """The code a name refers to.

    Raises
    ------
    BadValue
        A ``ValueError`` saying why not (its ``reason``): the name is unknown (with the closest names), or fits
        several components (naming them).
    """
    found = _candidates(name)
    if len(found) == 1:
        return next(iter(found))
    if len(found) > 1:
        listed = ", ".join(f'"{name_of(c)}" ({c})' for c in _in_order(found))
        raise BadValue(because("mod_fits_several", "fits several components: {listed} (expected one: write more of "
                                                   "its name, or its code)", listed=listed))
    raise BadValue(suggest(name))


def _in_order(found: frozenset[str]) -> list[str]:
    return [c for c in catalogue().index if c in found]


def suggest(name: str) -> Reason:
    """Why ``name`` is not a component, naming the closest known one (``str()``: the English text)."""
    keys = list(_alias_map())
    close = difflib.get_close_matches(_key(name), keys, n=1, cutoff=0.6)
    if close:
        code = _alias_map()[close[0]]
        return because("mod_unknown_component_like", 'is not a known component (did you mean "{name}" ({code})?)',
                       name=name_of(code), code=code)
    return because("mod_unknown_component", 'is not a known component (expected a name from the catalogue, e.g. '
                                            '"Cải cách thể chế" or C2)')


def find_components(text: str) -> list[str]:
    """Every component a free text mentions, in catalogue order (for task lists such as the appendix).

    Examples
    --------
    >>> find_components("Tham mưu thực hiện các nội dung thuộc cải cách bộ máy, cải cách chế độ công vụ")
    ['C4', 'C5']
    """
    folded = f" {_key(text)} "
    found = set()
    # Longest aliases first, removing each match, so "chinh quyen dien tu" is not also read as a shorter alias.
    for key in sorted(_alias_map(), key=len, reverse=True):
        if len(key) < 4 or key in {"tong", "tong so"}:
            continue
        pattern = f" {key} "
        if pattern in folded:
            found.add(_alias_map()[key])
            folded = folded.replace(pattern, " | ")
    return [c for c in codes(include_total=True) if c in found]


def name_of(code: str, lang: str = "vi", short: bool = False) -> str:
    """The component's name in ``lang`` (full, or short for chart labels)."""
    column = ("short_" if short else "name_") + lang
    return str(catalogue().loc[code, column])


# -- the words of levels, periods and kinds ---------------------------------------------------------------

@cache
def _words_table() -> pd.DataFrame:
    return pd.read_csv(WORDS_CSV, dtype=str, keep_default_na=False)


@cache
def _words(field: str) -> MappingProxyType:
    rows = _words_table()[_words_table()["field"] == field]
    return MappingProxyType({fold(w): v for w, v in zip(rows["word"], rows["value"], strict=True) if fold(w)})


@cache
def _missing_marks() -> frozenset[str]:
    rows = _words_table()[_words_table()["field"] == "missing"]
    return frozenset(nfc(w).casefold() for w in rows["word"])


def match_bound(text: str | None) -> str | None:
    """The bound a word or symbol names (``"Trên"`` → ``>``, ``"trở lên"`` → ``>=``, ``"bằng"`` → ``=``), or None.

    Examples
    --------
    >>> match_bound("Trên"), match_bound("≥"), match_bound("bằng"), match_bound("dưới")
    ('>', '>=', '=', None)
    """
    if not text:
        return None
    text = nfc(text)
    return _symbols("bound").get(text) or _words("bound").get(fold(text))


@cache
def _symbols(field: str) -> dict[str, str]:
    """Words of a field that are symbols (``>=``, ``≥``), which folding would erase."""
    rows = _words_table()[_words_table()["field"] == field]
    return {w: v for w, v in zip(rows["word"], rows["value"], strict=True) if not fold(w)}


def is_missing_mark(text: str | None) -> bool:
    """Whether a cell holds a word or sign that tables write for "no value" (``N/A``, ``-``, ``x``, ``không có``).

    Examples
    --------
    >>> is_missing_mark("N/A"), is_missing_mark("—"), is_missing_mark("Không có"), is_missing_mark("70%")
    (True, True, True, False)
    """
    return bool(text) and nfc(text).casefold() in _missing_marks()


#: Folded words → canonical value, from ``data/words.csv`` (read-only mappings).
LEVEL_WORDS = _words("level")
PERIOD_WORDS = _words("period")
KIND_WORDS = _words("kind")


def match_level(text: str | None) -> str | None:
    """The level a word names (``"Huyện"`` → ``district``, ``"xã, phường, thị trấn"`` → ``commune``), or None.

    Examples
    --------
    >>> match_level("Thành phố trực thuộc Trung ương"), match_level("Cấp xã"), match_level("planet")
    ('province', 'commune', None)
    """
    return LEVEL_WORDS.get(fold(text)) if text else None


def match_period(text: str | None) -> str | None:
    """The period a word names (``"Quý II"`` → ``Q2``; ``"Cả năm"`` and ``"năm 2022"`` → ``FY``), or None.

    Examples
    --------
    >>> match_period("Quý II"), match_period("năm 2022"), match_period("Q5")
    ('Q2', 'FY', None)
    """
    if not text:
        return None
    key = fold(text)
    if key in PERIOD_WORDS:
        return PERIOD_WORDS[key]
    return "FY" if re.fullmatch(r"nam \d{4}", key) else None  # "năm 2022": the year's final result


def match_kind(text: str | None) -> str | None:
    """The kind of value a word names (``"Mục tiêu"`` → ``target``, ``"Thực hiện"`` → ``actual``), or None.

    Examples
    --------
    >>> match_kind("Mục tiêu"), match_kind("dự báo")
    ('target', None)
    """
    return KIND_WORDS.get(fold(text)) if text else None
