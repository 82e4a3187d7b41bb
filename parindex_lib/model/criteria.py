"""Criteria as data: the tree of areas, criteria and sub-criteria under the components, with scoring rules.

Offices score themselves, and are appraised, criterion by criterion (tiêu chí, tiêu chí thành phần). A
:class:`CriteriaTree` holds a scheme's criteria as offices number them (``1``, ``1.1``, ``1.1.1``): each
:class:`Criterion` has a parent, Vietnamese and English names, a maximum, a lead office and, for leaves, a
:class:`Rule` — ``binary`` (the maximum or 0), ``steps`` (the allowed point values with their labels),
``bands`` (points by thresholds on a measured quantity, edges inclusive or exclusive as written) or ``free``
(any value in 0–maximum). Each area (a criterion without parent) maps to a component code of the catalogue
(``C1``…``C8``, ``SIPAS``, a block, or ``BONUS``/``PENALTY``); its descendants inherit it.

A tree is one file — YAML, or a spreadsheet with one row per criterion as decisions print them
(``STT/Mã | Tiêu chí, tiêu chí thành phần | Điểm tối đa | Cách chấm/Thang điểm | Đơn vị chủ trì``) — or a
mapping inline in a scheme (``criteria:``). It is validated when loaded, every problem located (file, row,
criterion, field, value): codes unique, every parent present, a parent's maximum equal to the sum of its
children's unless the file says why not, every leaf with a rule, step points within 0–maximum and including
it, bands ordered without overlap or gap, every area mapped to a known component. Rule text as decisions print
it ("Ban hành kịp thời: 1; Ban hành không kịp thời: 0,5; Không ban hành: 0", "Thực hiện trên 90% kế
hoạch: 2; …") is read into rules by :func:`parse_rule_text`, and what cannot be read is refused.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from parindex_lib.config import CRITERIA_DIR, PACKAGE_DIR, PROJECT_ROOT
from parindex_lib.errors import InputError, Problem, SchemeError
from parindex_lib.model.components import adjustments, all_codes, codes, match_component
from parindex_lib.vn import fold, nfc, parse_number

RULE_KINDS = ("binary", "steps", "bands", "free")
#: Points are compared with this tolerance (sums of halves and quarters are exact in binary anyway).
EPS = 1e-9
SPREADSHEET_SUFFIXES = {".xlsx", ".csv", ".tsv", ".txt"}
YAML_SUFFIXES = {".yaml", ".yml"}


# -- problems and errors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionProblem(Problem):
    """A :class:`~parindex_lib.errors.Problem` that also names the criterion (``1.1.4``) it concerns.

    ``column`` is the column of a spreadsheet or the field of a YAML file (``field_word`` says which).
    """

    code: str | None = None
    field_word: str = "column"

    def where(self, rows: str | None = None) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f'sheet "{self.sheet}"')
        if rows is not None:
            parts.append(rows)
        elif self.row is not None:
            parts.append(f"row {self.row}")
        if self.code and rows is None:  # a folded run of rows spans several criteria
            parts.append(f'criterion "{self.code}"')
        if self.column:
            parts.append(f'{self.field_word} "{self.column}"')
        return ", ".join(parts)


class CriteriaError(InputError, SchemeError):
    """A criteria tree (or a scheme's ``criteria:``) cannot be used as written; ``problems`` lists why."""


# -- scoring rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One allowed value of a ``binary`` or ``steps`` rule, with its label ("Ban hành kịp thời": 1)."""

    points: float
    label_vi: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class Band:
    """Points given when a measured value lies between two edges (``None``: unbounded on that side).

    Examples
    --------
    >>> b = Band(1.0, low=70, high=90, low_inclusive=True, high_inclusive=True)
    >>> b.contains(70), b.contains(90), b.contains(90.01)
    (True, True, False)
    """

    points: float
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = False
    label_vi: str = ""
    label_en: str = ""

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the band."""
        low, high = self.low, self.high
        if low is not None and (value < low - EPS or (not self.low_inclusive and value <= low + EPS)):
            return False
        if high is not None and (value > high + EPS or (not self.high_inclusive and value >= high - EPS)):
            return False
        return True

    def describe(self, unit: str = "") -> str:
        """The band's edges in symbols: ``> 90%``, ``70–90%``, ``[80–100)%``, ``< 70%``.

        Examples
        --------
        >>> Band(2, low=90, low_inclusive=False).describe("%"), Band(0, high=70).describe("%")
        ('> 90%', '< 70%')
        """
        def num(x: float) -> str:
            return f"{x:g}"

        if self.low is None and self.high is None:
            return "any"
        if self.high is None:
            return f"{'≥' if self.low_inclusive else '>'} {num(self.low)}{unit}"
        if self.low is None:
            return f"{'≤' if self.high_inclusive else '<'} {num(self.high)}{unit}"
        if self.low == self.high:
            return f"= {num(self.low)}{unit}"
        left, right = ("[" if self.low_inclusive else "("), ("]" if self.high_inclusive else ")")
        if self.low_inclusive and self.high_inclusive:
            return f"{num(self.low)}–{num(self.high)}{unit}"
        return f"{left}{num(self.low)}–{num(self.high)}{right}{unit}"


@dataclass(frozen=True)
class Reach:
    """What a measured value must become to fall in a band: ``≥ 90`` (``inclusive``) or ``> 90``, upward;
    ``≤``/``<`` when the band lies below (a rate where lower is better, e.g. late files)."""

    edge: float
    inclusive: bool
    direction: str  # "up" or "down"

    def describe(self, unit: str = "") -> str:
        sign = {("up", True): "≥", ("up", False): ">", ("down", True): "≤", ("down", False): "<"}
        return f"{sign[(self.direction, self.inclusive)]} {self.edge:g}{unit}"


@dataclass(frozen=True)
class NextStep:
    """The next allowed value above a criterion's current points, and, for bands, what the measured
    quantity must reach for it."""

    points: float
    gain: float
    label_vi: str = ""
    label_en: str = ""
    reach: Reach | None = None


@dataclass(frozen=True)
class Rule:
    """How a leaf criterion is scored.

    ``kind`` is ``binary`` (the maximum or 0), ``steps`` (the values in ``steps``), ``bands`` (the points of the
    band a measured value falls in; ``quantity_vi``/``quantity_en`` name what is measured, ``unit`` its unit, e.g.
    ``%``) or ``free`` (any value in 0–maximum). ``text_vi`` keeps the rule as the decision prints it.

    Examples
    --------
    >>> rule = parse_rule_text("Ban hành kịp thời: 1; Ban hành không kịp thời: 0,5; Không ban hành: 0", 1)
    >>> rule.kind, rule.levels(1)
    ('steps', (0.0, 0.5, 1.0))
    >>> bands = parse_rule_text("Thực hiện trên 90% kế hoạch: 2; Thực hiện từ 70% - 90% kế hoạch: 1; "
    ...                         "Dưới 70% kế hoạch: 0", 2)
    >>> bands.kind, bands.points_for(90), bands.points_for(90.5), bands.next_step(1, 2, 85).reach.describe("%")
    ('bands', 1.0, 2.0, '> 90%')
    """

    kind: str
    steps: tuple[Step, ...] = ()
    bands: tuple[Band, ...] = ()
    quantity_vi: str = ""
    quantity_en: str = ""
    unit: str = ""
    text_vi: str = ""

    def levels(self, maximum: float) -> tuple[float, ...] | None:
        """The allowed point values, ascending (``None`` for ``free``: any value in 0–maximum)."""
        if self.kind == "free":
            return None
        values = [b.points for b in self.bands] if self.kind == "bands" else [s.points for s in self.steps]
        if self.kind == "binary" and not values:
            values = [0.0, float(maximum)]
        return tuple(sorted({float(v) for v in values}))

    def allows(self, points: float, maximum: float) -> bool:
        """Whether ``points`` is a value this rule can give."""
        if points < -EPS or points > maximum + EPS:
            return False
        allowed = self.levels(maximum)
        return allowed is None or any(abs(points - v) <= EPS for v in allowed)

    def band_for(self, measured: float) -> Band | None:
        """The band a measured value falls in (``None`` outside every band, or for another kind)."""
        return next((b for b in self.bands if b.contains(measured)), None)

    def points_for(self, measured: float) -> float | None:
        """The points a measured value earns under a ``bands`` rule."""
        band = self.band_for(measured)
        return None if band is None else float(band.points)

    def label_of(self, points: float, lang: str = "vi") -> str:
        """The label of the level worth ``points`` (the first one written, when several are)."""
        for item in (*self.steps, *self.bands):
            if abs(item.points - points) <= EPS:
                return (item.label_en or item.label_vi) if lang == "en" else item.label_vi
        return ""

    def reach(self, band: Band, measured: float | None) -> Reach | None:
        """What ``measured`` must become to fall in ``band`` (its nearer edge); ``None`` if it already does."""
        if measured is not None and band.contains(measured):
            return None
        if band.low is not None and (measured is None or measured <= band.low + EPS):
            return Reach(band.low, band.low_inclusive, "up")
        if band.high is not None:
            return Reach(band.high, band.high_inclusive, "down")
        return None

    def next_step(self, points: float, maximum: float, measured: float | None = None) -> NextStep | None:
        """The smallest allowed value above ``points`` (``None`` at the maximum).

        For ``bands`` the step names the edge the measured quantity must reach (the nearest band worth those
        points); for ``free`` the next step is the maximum.
        """
        if points >= maximum - EPS:
            return None
        allowed = self.levels(maximum)
        if allowed is None:
            return NextStep(float(maximum), float(maximum) - points)
        above = [v for v in allowed if v > points + EPS]
        if not above:
            return None
        target = above[0]
        reach = None
        if self.kind == "bands":
            candidates = [b for b in self.bands if abs(b.points - target) <= EPS]
            if measured is None:
                band = candidates[0]
            else:
                band = min(candidates, key=lambda b: _distance(b, measured))
            reach = self.reach(band, measured)
        return NextStep(target, target - points, self.label_of(target, "vi"), self.label_of(target, "en"), reach)


def _distance(band: Band, value: float) -> float:
    if band.contains(value):
        return 0.0
    if band.low is not None and value < band.low:
        return band.low - value
    if band.high is not None and value > band.high:
        return value - band.high
    return 0.0


# -- criteria and trees ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """One node of a criteria tree: an area (no parent), a criterion or a sub-criterion.

    ``component`` is the component code the node's area maps to (inherited); ``lead_units`` the lead office
    (inherited when not given); ``rule`` is set on leaves only. ``incomplete`` (why the children's maxima add
    up to less than this maximum) and ``capped`` (why they add up to more, the points being capped at the
    maximum) record what the file says when a parent's maximum is not the sum of its children's.
    """

    code: str
    name_vi: str
    max_points: float
    parent: str | None = None
    name_en: str = ""
    rule: Rule | None = None
    component: str = ""
    lead_units: str | None = None
    incomplete: str | None = None
    capped: str | None = None
    depth: int = 0
    note: str = ""
    row: int | None = None

    @property
    def is_area(self) -> bool:
        return self.parent is None

    def name(self, lang: str = "vi") -> str:
        """The criterion's name in ``lang`` (Vietnamese when no English name is given)."""
        return (self.name_en or self.name_vi) if lang == "en" else self.name_vi


@dataclass(frozen=True, eq=False)
class CriteriaTree:
    """A scheme's criteria in the order the file gives them, with the relations between them.

    Build it with :func:`load_criteria` (or :func:`tree_from_spec` / :func:`tree_from_rows`), which validate.

    Examples
    --------
    >>> tree = load_criteria("ca-mau-1880-2013")
    >>> tree.partial, [c.code for c in tree.children("1.1")], tree.leaves("1.1")[-1].rule.kind
    (True, ['1.1.1', '1.1.2', '1.1.3', '1.1.4'], 'bands')
    >>> [c.code for c in tree.path("1.2.1")], tree.levels("1.1.1")
    (['1', '1.2', '1.2.1'], (0.0, 0.5, 1.0))
    """

    name: str
    criteria: tuple[Criterion, ...]
    title_vi: str = ""
    title_en: str = ""
    source: str = ""
    level: str = ""
    partial: bool = False
    illustrative: bool = False
    file: str = ""
    _by_code: dict = field(default_factory=dict, repr=False)
    _children: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        by_code = {c.code: c for c in self.criteria}
        children: dict[str | None, list[Criterion]] = {}
        for c in self.criteria:
            children.setdefault(c.parent, []).append(c)
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    # -- lookup
    def __getitem__(self, code: str) -> Criterion:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f'criterion "{code}" is not in the criteria "{self.name}"') from None

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Criterion]:
        return iter(self.criteria)

    def __len__(self) -> int:
        return len(self.criteria)

    @property
    def codes(self) -> list[str]:
        """Every code, in the file's order."""
        return [c.code for c in self.criteria]

    def children(self, code: str | None = None) -> tuple[Criterion, ...]:
        """The children of ``code`` (the areas when ``None``), in order."""
        return self._children.get(code, ())

    def is_leaf(self, code: str) -> bool:
        return not self._children.get(code)

    @property
    def areas(self) -> tuple[Criterion, ...]:
        """The areas (criteria without parent)."""
        return self.children(None)

    def leaves(self, under: str | None = None) -> tuple[Criterion, ...]:
        """The leaves (criteria scored by a rule), all of them or those under ``under``, in order.

        A partial tree's criterion whose sub-criteria were not published has neither children nor rule: it is
        not a leaf (see :meth:`unpublished`).
        """
        if under is None:
            return tuple(c for c in self.criteria if c.rule is not None)
        found: list[Criterion] = []
        stack = [self[under]]
        while stack:
            node = stack.pop()
            kids = self.children(node.code)
            if node.rule is not None:
                found.append(node)
            stack.extend(reversed(kids))
        return tuple(found)

    def unpublished(self) -> tuple[Criterion, ...]:
        """Criteria of a partial tree whose sub-criteria are not known (no children, no rule, ``incomplete``)."""
        return tuple(c for c in self.criteria if c.rule is None and self.is_leaf(c.code))

    def path(self, code: str) -> tuple[Criterion, ...]:
        """The nodes from the area down to ``code``."""
        out = [self[code]]
        while out[-1].parent is not None:
            out.append(self[out[-1].parent])
        return tuple(reversed(out))

    def area_of(self, code: str) -> Criterion:
        return self.path(code)[0]

    # -- methodology
    def maxima(self, include_adjustments: bool = False) -> dict[str, float]:
        """Σ of the areas' maxima per component code, in catalogue order (bonus and penalty areas, whose
        maxima are caps, only when asked)."""
        sums: dict[str, float] = {}
        for area in self.areas:
            sums[area.component] = sums.get(area.component, 0.0) + area.max_points
        order = codes() + (adjustments() if include_adjustments else [])
        return {c: sums[c] for c in order if c in sums}

    @property
    def maximum(self) -> float:
        """Σ of the areas' maxima, bonus and penalty left out (the total's scale)."""
        return float(sum(self.maxima().values()))

    def levels(self, code: str) -> tuple[float, ...] | None:
        """The allowed point values of a leaf, ascending (``None``: any value in 0–maximum)."""
        node = self[code]
        if node.rule is None:
            raise KeyError(f'criterion "{code}" is not scored itself (it has sub-criteria)')
        return node.rule.levels(node.max_points)

    def next_step(self, code: str, points: float, measured: float | None = None) -> NextStep | None:
        """The next allowed value of a leaf above ``points``; see :meth:`Rule.next_step`."""
        node = self[code]
        if node.rule is None:
            raise KeyError(f'criterion "{code}" is not scored itself (it has sub-criteria)')
        return node.rule.next_step(points, node.max_points, measured)

    def leaf_ancestors(self) -> pd.DataFrame:
        """One row per (leaf, node on its path): ``leaf, node, depth`` — the roll-up's aggregation table."""
        rows = [(leaf.code, node.code, node.depth) for leaf in self.leaves() for node in self.path(leaf.code)]
        return pd.DataFrame(rows, columns=["leaf", "node", "depth"])

    def to_frame(self, lang: str = "vi") -> pd.DataFrame:
        """The tree as a table: code, parent, depth, name, maximum, rule, allowed levels, component, lead office."""
        rows = []
        for c in self.criteria:
            levels = c.rule.levels(c.max_points) if c.rule else None
            rows.append({"code": c.code, "parent": c.parent, "depth": c.depth, "name": c.name(lang),
                         "max_points": c.max_points, "rule": c.rule.kind if c.rule else "",
                         "levels": "" if levels is None else "; ".join(f"{v:g}" for v in levels),
                         "component": c.component, "lead_units": c.lead_units})
        return pd.DataFrame(rows)

    def title(self, lang: str = "vi") -> str:
        return (self.title_en or self.title_vi) if lang == "en" else self.title_vi


# -- codes -----------------------------------------------------------------------------------------------

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
_SEGMENT = re.compile(r"[0-9]+|[a-zđ]")


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
    ValueError
        When the text is not a code of numbers (and single letters) separated by dots.

    Examples
    --------
    >>> normalise_code("1.1.1."), normalise_code("III"), normalise_code(" 2,3 "), normalise_code("1.2.a)")
    ('1.1.1', '3', '2.3', '1.2.a')
    """
    s = nfc(str(text)).lower().replace(",", ".").replace(" ", "")
    s = s.rstrip(".)").lstrip("(")
    parts = [p for p in s.split(".")]
    if not s or any(not p for p in parts):
        raise ValueError("is not a criterion code (expected numbers separated by dots, e.g. 1.1.2)")
    head = roman_to_int(parts[0])
    if head is not None:
        parts[0] = str(head)
    for p in parts:
        if not _SEGMENT.fullmatch(p):
            raise ValueError("is not a criterion code (expected numbers separated by dots, e.g. 1.1.2)")
    return ".".join(str(int(p)) if p.isdigit() else p for p in parts)


def parent_code(code: str) -> str | None:
    """``1.1.2`` → ``1.1``; an area's code → ``None``."""
    return code.rsplit(".", 1)[0] if "." in code else None


# -- rule text as decisions print it --------------------------------------------------------------------

_NUM = r"(\d+(?:[.,]\d+)?)"
_ITEM_SPLIT = re.compile(r"\s*(?:;|\n|\r)\s*")
_BULLET = re.compile(r"^\s*(?:[-+•*–]\s+|[a-zđ]\)\s*)")
_ITEM = re.compile(r"^(?P<label>.*?\S)\s*(?::|：|=)\s*(?P<pts>[+-]?\d+(?:[.,]\d+)?)\s*(?:điểm|đ|points?)?\s*\.?$",
                   re.IGNORECASE)
_ITEM_PAREN = re.compile(r"^(?P<label>.*?\S)\s*\(\s*(?P<pts>[+-]?\d+(?:[.,]\d+)?)\s*(?:điểm|đ|points?)?\s*\)\s*\.?$",
                         re.IGNORECASE)
_FREE = re.compile(r"^(?:cham )?(?:tu do|free|tuy muc do|theo muc do)$|^(?:cham )?(?:diem )?(?:tu )?0 (?:den |toi )?"
                   r"(?P<max>\d+(?: \d+)?)(?: diem)?(?: tuy (?:theo )?muc do(?: hoan thanh)?)?$")
_BINARY_WORDS = {"binary", "co khong", "dat khong dat", "yes no", "co hoac khong"}


def _cond_text(text: str) -> str:
    """Lower case without diacritics, keeping digits, decimal marks, % and comparison signs."""
    decomposed = unicodedata.normalize("NFD", nfc(text).replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    bare = bare.replace("–", "-").replace("—", "-").replace("％", "%")
    bare = re.sub(r"[^0-9a-z%<>=≥≤.,\- ]+", " ", bare)
    return re.sub(r"\s+", " ", bare).strip()


def _num(text: str) -> float:
    return float(text.replace(",", "."))


_ABOVE = r"(?:tren|hon|lon hon|cao hon|vuot|>)"
_FROM = r"(?:tu|dat tu|toi thieu|it nhat|>=|≥)"
_BELOW = r"(?:duoi|nho hon|thap hon|chua dat|<)"
_AT_MOST = r"(?:khong qua|khong vuot qua|toi da|<=|≤)"
_TO = r"(?:-|den|toi)"
_P = r"\s*(%)?"
#: (pattern, low edge, low inclusive, high edge, high inclusive) — "a"/"b" name the numbers matched.
_CONDITIONS = [
    (rf"{_ABOVE} {_NUM}{_P} ?{_TO} ?{_BELOW} {_NUM}{_P}", "a", False, "b", False),
    (rf"{_ABOVE} {_NUM}{_P} ?{_TO} ?{_NUM}{_P}", "a", False, "b", True),
    (rf"(?:{_FROM} )?{_NUM}{_P} ?{_TO} ?{_BELOW} {_NUM}{_P}", "a", True, "b", False),
    (rf"{_FROM} {_NUM}{_P} ?{_TO} ?{_NUM}{_P}", "a", True, "b", True),
    (rf"{_NUM}{_P} ?- ?{_NUM}{_P}", "a", True, "b", True),
    (rf"(?:{_FROM} )?{_NUM}{_P} tro len", "a", True, None, None),
    (rf"{_FROM} ?{_NUM}{_P}", "a", True, None, None),
    (rf"{_ABOVE} ?{_NUM}{_P}", "a", False, None, None),
    (rf"{_BELOW} ?{_NUM}{_P}", None, None, "a", False),
    (rf"{_AT_MOST} ?{_NUM}{_P}", None, None, "a", True),
    (rf"{_NUM}{_P} tro xuong", None, None, "a", True),
    (rf"(?:dat|bang|=) ?{_NUM}\s*(%)", "a", True, "a", True),
    (rf"^{_NUM}\s*(%)$", "a", True, "a", True),
]
_CONDITION_RES = [(re.compile(rf"(?<![0-9a-z]){p}(?![0-9])"), *rest) for p, *rest in _CONDITIONS]


@dataclass(frozen=True)
class _Condition:
    low: float | None
    low_inclusive: bool
    high: float | None
    high_inclusive: bool
    percent: bool
    rest: str


def parse_condition(label: str) -> _Condition | None:
    """The measured-value condition a band's label states ("trên 90%", "từ 70% - 90%", "dưới 70%"), or None.

    Examples
    --------
    >>> c = parse_condition("Thực hiện từ 70% - 90% kế hoạch")
    >>> (c.low, c.low_inclusive, c.high, c.high_inclusive, c.percent)
    (70.0, True, 90.0, True, True)
    >>> parse_condition("Ban hành kịp thời") is None
    True
    """
    text = _cond_text(label)
    for regex, low_name, low_inc, high_name, high_inc in _CONDITION_RES:
        m = regex.search(text)
        if not m:
            continue
        numbers = [g for g in m.groups() if g is not None and g != "%"]
        named = {"a": _num(numbers[0]), "b": _num(numbers[1]) if len(numbers) > 1 else None}
        percent = "%" in m.group(0)
        rest = re.sub(r"\s+", " ", (text[: m.start()] + " " + text[m.end():])).strip()
        return _Condition(None if low_name is None else named[low_name], bool(low_inc),
                          None if high_name is None else named[high_name], bool(high_inc), percent, rest)
    return None


class RuleTextError(ValueError):
    """A rule text cannot be read; the message says what was expected."""


def parse_rule_text(text: str, maximum: float) -> Rule:
    """Read a scoring rule written as decisions print it into a :class:`Rule`.

    Items are separated by ``;`` or line breaks, each ``label: points`` (or ``label (points điểm)``). When every
    label states a condition on a measured value ("trên 90%", "từ 70% - 90%", "dưới 70%", "đạt 100%", "từ 3 …
    trở lên") the rule is ``bands``; when none does, ``steps`` — ``binary`` when the two values are the maximum
    and 0. ``Có/Không``, ``Đạt/Không đạt`` alone mean binary; ``tự do``, ``từ 0 đến 2 điểm`` mean free.

    Raises
    ------
    RuleTextError
        Saying which item cannot be read, or why the rule is not valid (points outside 0–maximum, the maximum
        not among them, bands that overlap or leave a gap, labels with and without conditions mixed).

    Examples
    --------
    >>> parse_rule_text("Đạt yêu cầu: 1; Không đạt yêu cầu: 0", 1).kind
    'binary'
    >>> parse_rule_text("Chấm từ 0 đến 2 điểm", 2).kind
    'free'
    """
    raw = nfc(text)
    if not raw:
        raise RuleTextError("is empty (expected a scoring rule such as \"Có: 1; Không: 0\")")
    key = fold(raw)
    if key in _BINARY_WORDS:
        return Rule("binary", (Step(float(maximum), "Có" if key.startswith("co") else "Đạt", "Yes"),
                               Step(0.0, "Không" if key.startswith("co") else "Không đạt", "No")), text_vi=raw)
    free = _FREE.match(key)
    if free:
        if free.group("max") is not None and abs(_num(free.group("max").replace(" ", ".")) - maximum) > EPS:
            raise RuleTextError(f"gives a range up to {free.group('max').replace(' ', ',')} points, but the maximum "
                                f"is {maximum:g} (expected \"từ 0 đến {maximum:g} điểm\")")
        return Rule("free", text_vi=raw)
    items = [_BULLET.sub("", i).strip() for i in _ITEM_SPLIT.split(raw)]
    items = [i.rstrip(".") for i in items if i.strip(" .")]
    parsed: list[tuple[str, float]] = []
    for item in items:
        m = _ITEM.match(item) or _ITEM_PAREN.match(item)
        if not m:
            raise RuleTextError(f'cannot be read: the item "{item}" is not "label: points" (expected e.g. '
                                '"Ban hành kịp thời: 1; Ban hành không kịp thời: 0,5; Không ban hành: 0", '
                                '"Thực hiện trên 90% kế hoạch: 2; …", "Có/Không" or "Từ 0 đến 2 điểm")')
        points, _ = parse_number(m.group("pts"))
        parsed.append((m.group("label").strip(), points))
    if not parsed:
        raise RuleTextError("holds no item \"label: points\"")
    conditions = [parse_condition(label) for label, _ in parsed]
    with_condition = [c is not None for c in conditions]
    if all(with_condition) and len(parsed) >= 2:
        percent = any(c.percent for c in conditions)
        bands = tuple(Band(p, c.low, c.high, c.low_inclusive, c.high_inclusive, label)
                      for (label, p), c in zip(parsed, conditions, strict=True))
        quantity = _quantity(parsed[0][0])
        rule = Rule("bands", bands=bands, quantity_vi=quantity, unit="%" if percent else "", text_vi=raw)
    elif any(with_condition) and len(parsed) >= 2:
        odd = next(label for (label, _), c in zip(parsed, conditions, strict=True) if c is None)
        raise RuleTextError(f'mixes levels with a measured threshold and the level "{odd}" without one (expected '
                            "every level of a band rule to state its threshold, e.g. \"dưới 70%: 0\")")
    else:
        steps = tuple(Step(p, label) for label, p in parsed)
        values = sorted({s.points for s in steps})
        kind = "binary" if len(steps) == 2 and values == [0.0, float(maximum)] else "steps"
        rule = Rule(kind, steps=steps, text_vi=raw)
    problems = rule_problems(rule, maximum)
    if problems:
        raise RuleTextError(problems[0])
    return rule


def _quantity(label: str) -> str:
    """The measured quantity a band label names, without its threshold ("Thực hiện trên 90% kế hoạch" →
    "Thực hiện … kế hoạch")."""
    text = nfc(label)
    m = re.search(r"(?i)(trên|hơn|từ|dưới|đạt|không quá|tối đa|tối thiểu|ít nhất|[<>≤≥=])?\s*\d+(?:[.,]\d+)?\s*%?"
                  r"(?:\s*(?:-|–|đến|tới)\s*(?:dưới\s*)?\d+(?:[.,]\d+)?\s*%?)?(?:\s*trở (?:lên|xuống))?", text)
    if not m:
        return text
    before, after = text[: m.start()].strip(), text[m.end():].strip()
    return " … ".join(p for p in (before, after) if p)


def rule_problems(rule: Rule, maximum: float) -> list[str]:
    """What is wrong with a rule for a criterion of ``maximum`` points (empty when nothing is).

    Steps and bands give points within 0–maximum and include the maximum; bands, ordered by their edges, neither
    overlap nor leave a gap between them.
    """
    out: list[str] = []
    if rule.kind not in RULE_KINDS:
        return [f'rule "{rule.kind}" is not a kind of rule (expected one of {", ".join(RULE_KINDS)})']
    if rule.kind == "free":
        return out
    points = [b.points for b in rule.bands] if rule.kind == "bands" else [s.points for s in rule.steps]
    if rule.kind == "binary" and not points:
        return out
    outside = [p for p in points if p < -EPS or p > maximum + EPS or not math.isfinite(p)]
    if outside:
        out.append(f"gives {outside[0]:g} points, outside 0–{maximum:g} (expected points from 0 to the maximum)")
    if not any(abs(p - maximum) <= EPS for p in points):
        out.append(f"never gives the maximum {maximum:g} (expected one level worth {maximum:g} points)")
    if rule.kind == "binary" and sorted({float(p) for p in points}) != [0.0, float(maximum)]:
        out.append(f"is binary but gives {', '.join(f'{p:g}' for p in points)} (expected {maximum:g} and 0)")
    if rule.kind == "bands":
        out += _band_problems(rule.bands, rule.unit)
    return out


def _band_problems(bands: tuple[Band, ...], unit: str) -> list[str]:
    if len(bands) < 2:
        return ["has fewer than two bands (expected thresholds that split the measured values)"]
    for b in bands:
        if b.low is not None and b.high is not None and (b.low > b.high + EPS or (
                abs(b.low - b.high) <= EPS and not (b.low_inclusive and b.high_inclusive))):
            return [f'has an empty band "{b.label_vi or b.describe(unit)}" (expected its lower edge below its upper)']
    ordered = sorted(bands, key=lambda b: (-math.inf if b.low is None else b.low, not b.low_inclusive))
    for a, b in zip(ordered, ordered[1:], strict=False):
        name_a, name_b = a.label_vi or a.describe(unit), b.label_vi or b.describe(unit)
        if a.high is None or b.low is None:
            return [f'has bands that overlap: "{name_a}" and "{name_b}" (expected each measured value in one band)']
        if a.high > b.low + EPS or (abs(a.high - b.low) <= EPS and a.high_inclusive and b.low_inclusive):
            return [f'has bands that overlap: "{name_a}" and "{name_b}" (expected each measured value in one band)']
        whole = unit != "%" and a.high_inclusive and b.low_inclusive and float(a.high).is_integer() \
            and abs(b.low - a.high - 1) <= EPS  # counted things: "từ 1 đến 2 sáng kiến", "từ 3 trở lên"
        if not whole and (a.high < b.low - EPS or (abs(a.high - b.low) <= EPS and not a.high_inclusive
                                                   and not b.low_inclusive)):
            return [f'leaves a gap between "{name_a}" and "{name_b}" (expected every measured value to earn points)']
    first, last = ordered[0], ordered[-1]
    floor = 0.0
    if first.low is not None and (first.low > floor + EPS or (abs(first.low - floor) <= EPS and not
                                                               first.low_inclusive)):
        return [f'gives no points below "{first.label_vi or first.describe(unit)}" (expected a band for the lowest '
                "values, e.g. \"dưới 70%: 0\")"]
    if last.high is not None and not (unit == "%" and last.high >= 100 - EPS and last.high_inclusive):
        return [f'gives no points above "{last.label_vi or last.describe(unit)}" (expected a band for the highest '
                "values, e.g. \"trên 90%: 2\")"]
    return []


# -- rules written as data (YAML) ------------------------------------------------------------------------


def _label(spec: Mapping, prefix: str = "") -> tuple[str, str]:
    vi = spec.get(f"{prefix}vi", spec.get(f"{prefix}label_vi", spec.get("label", "")))
    en = spec.get(f"{prefix}en", spec.get(f"{prefix}label_en", ""))
    return nfc(vi or ""), nfc(en or "")


def rule_from_spec(spec: object, maximum: float) -> Rule:
    """A rule from a YAML value: a kind (``binary``, ``free``), rule text as decisions print it, or a mapping
    (``kind: steps`` with ``steps: [{points, vi, en}]``; ``kind: bands`` with ``bands: [{points, above|from,
    below|to, vi, en}]``, ``quantity_vi``, ``quantity_en``, ``unit``; ``kind: binary`` with ``yes_vi``…).

    Raises
    ------
    RuleTextError
        Saying what is wrong.
    """
    if isinstance(spec, str):
        if spec.strip().lower() in RULE_KINDS and spec.strip().lower() not in ("steps", "bands"):
            kind = spec.strip().lower()
            if kind == "binary":
                return Rule("binary", (Step(float(maximum), "Đạt", "Achieved"), Step(0.0, "Không đạt", "Not achieved")))
            return Rule("free")
        return parse_rule_text(spec, maximum)
    if not isinstance(spec, Mapping):
        raise RuleTextError(f'is "{spec}" (expected binary, free, a rule text, or a mapping with kind)')
    kind = str(spec.get("kind", "")).strip().lower()
    text = nfc(spec.get("text_vi", "") or "")
    if kind == "binary":
        yes, no = _label(spec, "yes_"), _label(spec, "no_")
        rule = Rule("binary", (Step(float(maximum), yes[0] or "Đạt", yes[1] or "Achieved"),
                               Step(0.0, no[0] or "Không đạt", no[1] or "Not achieved")), text_vi=text)
    elif kind == "free":
        rule = Rule("free", text_vi=text)
    elif kind == "steps":
        items = spec.get("steps")
        if not isinstance(items, list) or not items:
            raise RuleTextError("has no steps (expected steps: [{points: 1, vi: …, en: …}, …])")
        steps = []
        for item in items:
            if not isinstance(item, Mapping) or not _is_number(item.get("points")):
                raise RuleTextError(f'has a step "{item}" without points (expected {{points: 0.5, vi: …, en: …}})')
            steps.append(Step(float(item["points"]), *_label(item)))
        rule = Rule("steps", tuple(steps), text_vi=text)
    elif kind == "bands":
        items = spec.get("bands")
        if not isinstance(items, list) or not items:
            raise RuleTextError("has no bands (expected bands: [{points: 2, above: 90}, {points: 1, from: 70, "
                                "to: 90}, {points: 0, below: 70}])")
        bands = []
        for item in items:
            if not isinstance(item, Mapping) or not _is_number(item.get("points")):
                raise RuleTextError(f'has a band "{item}" without points (expected {{points: 2, above: 90}})')
            edges = {k: item.get(k) for k in ("above", "from", "below", "to") if item.get(k) is not None}
            bad = [k for k, v in edges.items() if not _is_number(v)]
            if bad or ("above" in edges and "from" in edges) or ("below" in edges and "to" in edges) or not edges:
                raise RuleTextError(f'has a band "{item}" whose edges are not one of above/from and one of below/to '
                                    "(expected e.g. {points: 1, from: 70, to: 90})")
            low = edges.get("above", edges.get("from"))
            high = edges.get("below", edges.get("to"))
            bands.append(Band(float(item["points"]), None if low is None else float(low),
                              None if high is None else float(high), "from" in edges, "to" in edges, *_label(item)))
        rule = Rule("bands", bands=tuple(bands), quantity_vi=nfc(spec.get("quantity_vi", "") or ""),
                    quantity_en=nfc(spec.get("quantity_en", "") or ""), unit=str(spec.get("unit", "") or ""),
                    text_vi=text)
    else:
        raise RuleTextError(f'has kind "{kind}" (expected one of {", ".join(RULE_KINDS)})')
    problems = rule_problems(rule, maximum)
    if problems:
        raise RuleTextError(problems[0])
    return rule


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# -- building and validating a tree ----------------------------------------------------------------------


@dataclass
class _Draft:
    """A criterion as read, before the tree is checked."""

    code: str
    name_vi: str
    max_points: float | None
    row: int | None = None
    parent: str | None = None
    name_en: str = ""
    rule: object = None  # a spec (YAML) or text (spreadsheet)
    component: str = ""
    lead_units: str | None = None
    incomplete: str | None = None
    capped: str | None = None
    note: str = ""
    fields: dict = field(default_factory=dict)  # field name → how the file names it (column or key)


@dataclass(frozen=True)
class _Where:
    """Where drafts come from, for messages."""

    file: str
    sheet: str | None = None
    field_word: str = "field"

    def problem(self, draft: _Draft | None, field_name: str | None, value: object, expected: str) -> CriterionProblem:
        column = draft.fields.get(field_name, field_name) if draft is not None and field_name else field_name
        return CriterionProblem(self.file, draft.row if draft else None, column, value, expected, self.sheet,
                                draft.code if draft else None, self.field_word)


def build_tree(drafts: list[_Draft], where: _Where, meta: Mapping | None = None) -> CriteriaTree:
    """Check drafts and make the tree, reporting every problem at once.

    Raises
    ------
    CriteriaError
        Every problem, located by file, row, criterion, field and value.
    """
    meta = dict(meta or {})
    problems: list[CriterionProblem] = []
    seen: dict[str, _Draft] = {}
    for d in drafts:
        if d.code in seen:
            first = seen[d.code]
            at = f"row {first.row}" if first.row is not None else "above"
            problems.append(where.problem(d, "code", d.code, f"repeats a code already given ({at}; expected each "
                                                             "code once)"))
            continue
        seen[d.code] = d
    drafts = list(seen.values())
    children: dict[str | None, list[_Draft]] = {}
    for d in drafts:
        if d.parent is None:
            d.parent = parent_code(d.code)
        if d.parent is not None and d.parent not in seen:
            problems.append(where.problem(d, "parent", d.parent, f'is not a criterion of this file (expected the '
                                                                 f'parent of "{d.code}" to be listed)'))
            continue
        children.setdefault(d.parent, []).append(d)
    for d in drafts:
        if d.max_points is None:
            continue  # already reported where it was read
        if not (math.isfinite(d.max_points) and d.max_points > 0):
            problems.append(where.problem(d, "max", _g(d.max_points), "is not a positive number of points "
                                                                       "(expected the criterion's maximum, e.g. 2)"))
    known = set(all_codes()) - {"TOTAL"}
    by_code = {d.code: d for d in drafts}

    def depth_of(d: _Draft) -> int:
        n, p, guard = 0, d.parent, 0
        while p is not None and p in by_code and guard < 100:
            n, p, guard = n + 1, by_code[p].parent, guard + 1
        return n

    built: dict[str, Criterion] = {}
    inherited: dict[str, tuple[str, str | None]] = {}
    for d in sorted(drafts, key=depth_of):  # parents first, whatever the file's order (checked below)
        kids = children.get(d.code, [])
        maximum = d.max_points if d.max_points is not None else 0.0
        component = d.component
        if d.parent is None:
            if not component:
                component = match_component(d.name_vi) or (match_component(d.name_en) if d.name_en else None) or ""
                if component == "TOTAL":
                    component = ""
            if not component:
                problems.append(where.problem(d, "component", d.component or d.name_vi,
                                              "does not name a component (expected C1…C8, SIPAS, a block, BONUS "
                                              "or PENALTY, or an area name the catalogue knows)"))
            elif component not in known:
                problems.append(where.problem(d, "component", component,
                                              f"is not a component code (expected one of {', '.join(sorted(known))})"))
            lead = d.lead_units
        else:
            up = inherited.get(d.parent, ("", None))
            if component and component != up[0]:
                problems.append(where.problem(d, "component", component,
                                              f'differs from its area\'s component {up[0]} (expected the component '
                                              "only on areas; sub-criteria inherit it)"))
            component = up[0]
            lead = d.lead_units or up[1]
        inherited[d.code] = (component, lead)
        rule = None
        if kids:
            if d.rule not in (None, ""):
                problems.append(where.problem(d, "rule", _short(d.rule), "is given on a criterion that has "
                                                                          "sub-criteria (expected rules on leaves "
                                                                          "only; a parent's points are the sum)"))
            total = sum(k.max_points for k in kids if k.max_points is not None)
            if d.max_points is not None and all(k.max_points is not None for k in kids):
                if total < maximum - EPS and not d.incomplete:
                    problems.append(where.problem(d, "max", _g(maximum), f"is more than the sum of its sub-criteria's "
                                                  f"maxima {_g(total)} ({', '.join(k.code for k in kids)}; expected "
                                                  "them equal, or a note saying why some are missing)"))
                elif total > maximum + EPS and not d.capped:
                    problems.append(where.problem(d, "max", _g(maximum), f"is less than the sum of its sub-criteria's "
                                                  f"maxima {_g(total)} ({', '.join(k.code for k in kids)}; expected "
                                                  "them equal, or a note saying the points are capped)"))
                elif abs(total - maximum) <= EPS and (d.incomplete or d.capped):
                    d.incomplete = d.capped = None  # nothing is missing or capped after all
        elif d.incomplete and d.rule in (None, ""):
            pass  # its sub-criteria are not known (a partial tree says so): not scored, not a leaf
        else:
            if d.rule in (None, ""):
                problems.append(where.problem(d, "rule", "", "is missing (expected the scoring rule of a criterion "
                                                             "without sub-criteria: binary, steps, bands or free; "
                                                             "or, in a partial tree, a note saying its sub-criteria "
                                                             "are not known)"))
            elif d.max_points is not None and d.max_points > 0:
                try:
                    rule = d.rule if isinstance(d.rule, Rule) else rule_from_spec(d.rule, d.max_points)
                except RuleTextError as exc:
                    problems.append(where.problem(d, "rule", _short(d.rule), str(exc)))
            if d.incomplete or d.capped:
                problems.append(where.problem(d, "incomplete" if d.incomplete else "capped",
                                              d.incomplete or d.capped, "is given on a scored criterion (expected "
                                                                        "it on a parent, or on a criterion whose "
                                                                        "sub-criteria are not known)"))
        built[d.code] = Criterion(d.code, d.name_vi, maximum, d.parent, d.name_en, rule, component, lead,
                                  d.incomplete, d.capped, depth_of(d), d.note, d.row)
        if not d.name_vi:
            problems.append(where.problem(d, "name_vi", "", "is empty (expected the criterion's name)"))
    order = {d.code: i for i, d in enumerate(drafts)}
    for d in drafts:
        if d.parent is not None and d.parent in order and order[d.parent] > order[d.code]:
            problems.append(where.problem(d, "code", d.code, f'comes before its parent "{d.parent}" (expected '
                                                             "parents first, as decisions print them)"))
    if not drafts:
        problems.append(CriterionProblem(where.file, None, None, "", "holds no criterion (expected one row or item "
                                                                     "per criterion)", where.sheet))
    if problems:
        raise CriteriaError(problems)
    partial = bool(meta.get("partial", False)) or any(c.incomplete for c in built.values())
    return CriteriaTree(name=str(meta.get("name", "")), criteria=tuple(built[d.code] for d in drafts),
                        title_vi=nfc(meta.get("title_vi", "") or ""), title_en=nfc(meta.get("title_en", "") or ""),
                        source=str(meta.get("source", "") or "").strip(), level=str(meta.get("level", "") or ""),
                        partial=partial, illustrative=bool(meta.get("illustrative", False)), file=where.file)


def _g(value: float | None) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


def _short(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


# -- YAML (or inline) trees ------------------------------------------------------------------------------

_YAML_FIELDS = {"code", "parent", "name_vi", "name_en", "max", "max_points", "rule", "component", "lead", "lead_units",
                "incomplete", "capped", "note", "name"}
_META_FIELDS = {"name", "title_vi", "title_en", "source", "level", "partial", "illustrative", "criteria", "file",
                "years", "note"}


def tree_from_spec(spec: object, file: str, name: str = "") -> CriteriaTree:
    """A tree from a YAML mapping (``criteria: [{code, name_vi, name_en, max, rule, component, lead}, …]``,
    with ``name``, ``title_vi``, ``title_en``, ``source``, ``partial``, ``illustrative``) or a bare list of items.

    Raises
    ------
    CriteriaError
        Every problem, located by file, criterion and field.
    """
    where = _Where(file)
    if isinstance(spec, list):
        spec = {"criteria": spec}
    if not isinstance(spec, Mapping) or not isinstance(spec.get("criteria"), list):
        raise CriteriaError(CriterionProblem(file, None, "criteria", "", "is not a list of criteria (expected "
                                             "criteria: [{code: \"1\", name_vi: …, max: 20, component: C1}, …])",
                                             field_word="field"))
    problems: list[CriterionProblem] = []
    unknown_meta = sorted(set(spec) - _META_FIELDS)
    for key in unknown_meta:
        problems.append(CriterionProblem(file, None, str(key), spec[key], "is not a field of a criteria file "
                                         f"(expected: {', '.join(sorted(_META_FIELDS))})", field_word="field"))
    drafts = []
    for i, item in enumerate(spec["criteria"], start=1):
        label = f"criteria item {i}"
        if not isinstance(item, Mapping):
            problems.append(CriterionProblem(file, None, label, _short(str(item)), "is not a mapping (expected "
                                             "{code: \"1.1\", name_vi: …, max: 5})", field_word="field"))
            continue
        raw_code = item.get("code")
        if isinstance(raw_code, float):
            problems.append(CriterionProblem(file, None, "code", raw_code, "is a number in YAML (expected the code in "
                                             f'quotes, "{raw_code}", so that 1.10 stays 1.10 and not 1.1)',
                                             field_word="field"))
            continue
        try:
            code = normalise_code(raw_code if raw_code is not None else "")
        except ValueError as exc:
            problems.append(CriterionProblem(file, None, f"{label} / code", raw_code, str(exc), field_word="field"))
            continue
        draft = _Draft(code, nfc(item.get("name_vi", item.get("name", "")) or ""), None)
        for key in sorted(set(item) - _YAML_FIELDS):
            problems.append(where.problem(draft, key, _short(str(item[key])), "is not a field of a criterion "
                                          f"(expected: {', '.join(sorted(_YAML_FIELDS - {'name'}))})"))
        top = item.get("max", item.get("max_points"))
        if _is_number(top):
            draft.max_points = float(top)
        else:
            problems.append(where.problem(draft, "max", top, "is not a number of points (expected the criterion's "
                                                             "maximum, e.g. 2)"))
        if item.get("parent") is not None:
            try:
                draft.parent = normalise_code(item["parent"])
            except ValueError as exc:
                problems.append(where.problem(draft, "parent", item["parent"], str(exc)))
        draft.name_en = nfc(item.get("name_en", "") or "")
        draft.rule = item.get("rule")
        draft.component = str(item.get("component", "") or "").strip().upper()
        lead = item.get("lead", item.get("lead_units"))
        draft.lead_units = nfc(lead) if lead else None
        draft.incomplete = nfc(item["incomplete"]) if item.get("incomplete") else None
        draft.capped = nfc(item["capped"]) if item.get("capped") else None
        draft.note = nfc(item.get("note", "") or "")
        drafts.append(draft)
    try:
        tree = build_tree(drafts, where, {**spec, "name": spec.get("name") or name})
    except CriteriaError as exc:
        raise CriteriaError(problems + exc.problems) from None
    if problems:
        raise CriteriaError(problems)
    return tree


# -- spreadsheet trees (one row per criterion, as decisions print them) ---------------------------------

#: Folded header → field of a criteria spreadsheet.
TREE_HEADERS: dict[str, str] = {
    **dict.fromkeys(["stt", "tt", "so tt", "ma", "ma so", "stt ma", "ma stt", "code", "ma tieu chi", "so thu tu"],
                    "code"),
    **dict.fromkeys(["tieu chi", "tieu chi tieu chi thanh phan", "ten tieu chi", "noi dung", "noi dung tieu chi",
                     "linh vuc tieu chi", "linh vuc tieu chi tieu chi thanh phan", "tieu chi thanh phan",
                     "linh vuc tieu chi va tieu chi thanh phan", "noi dung danh gia", "criterion", "criteria", "name",
                     "name vi", "ten"], "name_vi"),
    **dict.fromkeys(["ten tieng anh", "name en", "english name", "english"], "name_en"),
    **dict.fromkeys(["diem toi da", "diem chuan", "thang diem toi da", "max points", "max", "maximum", "diem"],
                    "max"),
    **dict.fromkeys(["cach cham", "cach cham thang diem", "thang diem", "cach cham diem", "phuong phap cham",
                     "phuong phap cham diem", "huong dan cham", "huong dan cham diem", "scoring rule", "rule",
                     "cach tinh diem", "cach cham diem thang diem"], "rule"),
    **dict.fromkeys(["don vi chu tri", "co quan chu tri", "lead", "lead units", "lead office",
                     "don vi chu tri thuc hien", "don vi thuc hien", "co quan don vi chu tri"], "lead"),
    **dict.fromkeys(["chi so thanh phan", "ma chi so", "component", "linh vuc chi so"], "component"),
    **dict.fromkeys(["ghi chu", "note", "notes"], "note"),
}


def tree_header(cells: list[str]) -> dict[str, int] | None:
    """The columns of a criteria spreadsheet's header row (``None`` when ``cells`` is not one)."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = TREE_HEADERS.get(fold(cell))
        if key and key not in found:
            found[key] = i
    return found if {"code", "name_vi", "max"} <= set(found) else None


def tree_from_rows(table, meta: Mapping | None = None) -> CriteriaTree:
    """A tree from a spreadsheet table (rows of text cells from the readers layer).

    Rows above the header are titles (the first is the tree's Vietnamese title, unless ``meta`` gives one); a
    row with a name but no code or maximum continues the rule text or name of the row above (decisions wrap
    long rules over several rows). A parent whose maximum is not the sum of its children's is accepted when its
    ``Ghi chú`` cell says why.

    Raises
    ------
    CriteriaError
        Every problem, located by file, sheet, row, criterion and column.
    """
    meta = dict(meta or {})
    where = _Where(table.file, table.sheet, "column")
    header_at = None
    for k, (_, cells) in enumerate(table.rows[:30]):
        if tree_header(cells):
            header_at = k
            break
    if header_at is None:
        first = table.rows[0] if table.rows else (None, [])
        raise CriteriaError(CriterionProblem(table.file, first[0], None, " | ".join(c for c in first[1] if c)[:80],
                                             "has no criteria header (expected columns STT/Mã | Tiêu chí, tiêu chí "
                                             "thành phần | Điểm tối đa | Cách chấm/Thang điểm | Đơn vị chủ trì)",
                                             table.sheet))
    header_row, header = table.rows[header_at]
    columns = tree_header(header)
    names = {f: header[i] for f, i in columns.items()}
    titles = [" ".join(c for c in cells if c) for _, cells in table.rows[:header_at]]
    if titles and not meta.get("title_vi"):
        meta["title_vi"] = titles[0]
    if any("minh hoa" in fold(t) or "illustrative" in fold(t) for t in titles):
        meta.setdefault("illustrative", True)
    problems: list[CriterionProblem] = []
    drafts: list[_Draft] = []

    def cell(cells: list[str], key: str) -> str:
        i = columns.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    for number, cells in table.rows[header_at + 1:]:
        raw_code, name = cell(cells, "code"), cell(cells, "name_vi")
        top, rule = cell(cells, "max"), cell(cells, "rule")
        if not raw_code and not top and drafts and (name or rule):
            last = drafts[-1]  # a wrapped line of the row above
            if rule:
                last.rule = f"{last.rule}\n{rule}" if last.rule else rule
            if name:
                last.name_vi = f"{last.name_vi} {name}".strip()
            continue
        if not raw_code and fold(name) in {"tong", "tong cong", "tong diem", "tong so", "cong", "total"}:
            continue  # the decision's total line: the tree's maximum is the sum of its areas
        try:
            code = normalise_code(raw_code)
        except ValueError as exc:
            problems.append(CriterionProblem(table.file, number, names["code"], raw_code, str(exc), table.sheet))
            continue
        draft = _Draft(code, name, None, number, fields=dict(names))
        try:
            draft.max_points = parse_number(top)[0]
        except ValueError:
            problems.append(where.problem(draft, "max", top, "is not a number of points (expected the maximum, "
                                                             "e.g. 2 or 0,5)"))
        draft.rule = rule or None
        draft.name_en = cell(cells, "name_en")
        draft.component = cell(cells, "component").upper()
        draft.lead_units = cell(cells, "lead") or None
        draft.note = cell(cells, "note")
        drafts.append(draft)
    # A note on a parent says why its maximum is not the sum of its children's.
    kids: dict[str, float] = {}
    for d in drafts:
        parent = parent_code(d.code)
        if parent is not None and d.max_points is not None:
            kids[parent] = kids.get(parent, 0.0) + d.max_points
    for d in drafts:
        if d.note and d.code not in kids and not d.rule:
            d.incomplete = d.note  # no sub-criteria and no rule: the note says why (a partial table)
        if d.note and d.code in kids and d.max_points is not None:
            if kids[d.code] < d.max_points - EPS:
                d.incomplete = d.note
            elif kids[d.code] > d.max_points + EPS:
                d.capped = d.note
    try:
        tree = build_tree(drafts, where, meta)
    except CriteriaError as exc:
        raise CriteriaError(problems + exc.problems) from None
    if problems:
        raise CriteriaError(problems)
    return tree


# -- finding and loading trees ---------------------------------------------------------------------------


def criteria_dirs(extra_dirs: tuple[Path, ...] = ()) -> list[Path]:
    """Where named trees are found: the package's, then ``criteria/`` beside each extra scheme folder."""
    return [CRITERIA_DIR, *(Path(d) / "criteria" for d in extra_dirs)]


def available_criteria(extra_dirs: tuple[Path, ...] = ()) -> list[str]:
    """Names of the trees shipped (and found in ``criteria/`` beside ``extra_dirs``), sorted."""
    suffixes = YAML_SUFFIXES | {".xlsx", ".csv"}
    return sorted({p.stem for d in criteria_dirs(extra_dirs) if d.is_dir() for p in d.iterdir()
                   if p.suffix.lower() in suffixes})


def load_criteria(source: str | Path | Mapping | list, base_dir: Path | None = None,
                  extra_dirs: tuple[Path, ...] = (), meta: Mapping | None = None) -> CriteriaTree:
    """Load a criteria tree: a file (YAML, ``.xlsx``, ``.csv``), a file relative to ``base_dir`` (a scheme's
    folder), the name of a shipped tree (``ca-mau-1880-2013``), or an inline mapping or list.

    ``meta`` (a scheme's ``criteria:`` mapping) adds what a spreadsheet cannot say: ``title_vi``, ``source``,
    ``partial``, ``illustrative``…

    Raises
    ------
    CriteriaError
        For a tree that cannot be found or is not valid (every problem located).

    Examples
    --------
    >>> tree = load_criteria("illustrative-commune")
    >>> tree.illustrative, len(tree.areas), tree.maximum
    (True, 11, 100.0)
    """
    if isinstance(source, Mapping | list) and not (isinstance(source, Mapping) and "file" in source):
        where = str(base_dir / "(inline criteria)") if base_dir else "(inline criteria)"
        return tree_from_spec(source, where)
    if isinstance(source, Mapping):
        meta = {k: v for k, v in source.items() if k != "file"}
        source = source["file"]
    path = _find(str(source), base_dir, extra_dirs)
    stat = path.stat()
    items = tuple(sorted((meta or {}).items(), key=lambda kv: kv[0])) if meta else ()
    return _load_path(path, stat.st_mtime_ns, stat.st_size, items)


def _find(source: str, base_dir: Path | None, extra_dirs: tuple[Path, ...]) -> Path:
    candidates = []
    given = Path(source)
    if given.is_absolute():
        candidates.append(given)
    else:
        if base_dir is not None:
            candidates.append(Path(base_dir) / given)
        candidates.append(given)
        if not given.suffix:
            for d in criteria_dirs(extra_dirs):
                candidates += [d / f"{source}{s}" for s in (".yaml", ".yml", ".xlsx", ".csv")]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    where = f" (looked in {base_dir})" if base_dir else ""
    raise CriteriaError(CriterionProblem(str(source), None, None, source,
                                         f"is not a criteria file or a shipped tree{where} (expected a YAML, .xlsx "
                                         f"or .csv file, or one of: {', '.join(available_criteria()) or 'none'})"))


@cache
def _load_path(path: Path, mtime_ns: int, size: int, meta_items: tuple = ()) -> CriteriaTree:
    """A tree read once per file version (and scheme metadata)."""
    meta = dict(meta_items)
    file = _display(path)
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise CriteriaError(CriterionProblem(file, None, None, "", "is not UTF-8 text (save it as UTF-8)")) \
                from None
        except yaml.YAMLError as exc:
            raise CriteriaError(CriterionProblem(file, None, None, "", f"is not valid YAML ({exc})")) from None
        if isinstance(spec, Mapping):
            spec = {**spec, **meta}
        return tree_from_spec(spec, file, name=path.stem)
    if suffix in SPREADSHEET_SUFFIXES:
        from parindex_lib.readers import read_tables  # the one reading layer (imported here: readers use the model)

        tables = [t for t in read_tables(path, file) if t.rows]
        if not tables:
            raise CriteriaError(CriterionProblem(file, None, None, "", "holds no table (expected one row per "
                                                                       "criterion)"))
        return tree_from_rows(tables[0], {"name": path.stem, **meta})
    raise CriteriaError(CriterionProblem(file, None, None, path.suffix, "is not a criteria file type (expected "
                                                                        ".yaml, .xlsx or .csv)"))


def _display(path: Path) -> str:
    for base in (PROJECT_ROOT, PACKAGE_DIR.parent, Path.cwd()):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def read_scheme_criteria(value: object, ctx) -> CriteriaTree:
    """The parser of a scheme's ``criteria:`` key (see :mod:`~parindex_lib.model.scheme_fields`): a file beside
    the scheme (YAML, ``.xlsx``, ``.csv``; or a mapping ``{file: …, source: …, partial: …}``), a shipped tree's
    name, or the tree inline.

    The tree's faults are reported as the field's, each with its own location; a complete tree's Σ maxima per
    component, and its bonus and penalty caps, must be the scheme's ``max_points`` and ``adjustments``.
    """
    shown = value if isinstance(value, str) else (value.get("file", "(inline)") if isinstance(value, Mapping)
                                                  else "(inline)")
    try:
        tree = load_criteria(value, base_dir=Path(ctx.file).parent)
    except CriteriaError as exc:
        *first, last = exc.problems
        for p in first:
            ctx.problem(f"cannot be used: {p}", shown)
        ctx.fail(f"cannot be used: {last}", shown)
    level = ctx.parsed.get("level")
    if tree.level and level and tree.level != level:
        ctx.problem(f"holds criteria of the {tree.level} level, but the scheme is of the {level} level (expected "
                    "one level)", shown)
    tree = replace(tree, level=tree.level or str(level or ""), name=tree.name or Path(ctx.file).stem)
    maxima = ctx.parsed.get("max_points")
    if maxima is not None and not tree.partial:
        for code, points in tree.maxima().items():
            given = maxima.get(code, "missing")
            if given is None or given == "missing" or abs(float(given) - points) > EPS:
                shown_given = "nothing" if given == "missing" else ("null" if given is None else _g(float(given)))
                ctx.problem(f"gives {code} {_g(points)} points (the sum of its areas' maxima), but max_points gives "
                            f"{shown_given} (expected them equal)", shown)
    if "max_points" in ctx.parsed:
        caps = ctx.parsed.get("adjustments") or {}
        for code, cap in tree.maxima(include_adjustments=True).items():
            if code in adjustments() and (code not in caps or caps[code] is None or abs(caps[code] - cap) > EPS):
                have = "nothing" if code not in caps else ("null" if caps[code] is None else _g(caps[code]))
                ctx.problem(f"gives {code} points up to {_g(cap)}, but adjustments gives {have} (expected "
                            f"adjustments: {{{code}: {_g(cap)}}})", shown)
    return tree


def tree_of(scheme: object) -> CriteriaTree | None:
    """A scheme's criteria tree (``None`` when the scheme carries none)."""
    return getattr(scheme, "criteria", None)
