"""Rules as files write them: text as decisions print it ("Ban hành kịp thời: 1; Ban hành không kịp thời:
0,5; Không ban hành: 0", "Thực hiện trên 90% kế hoạch: 2; …") and YAML values; what cannot be read is refused."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from parindex_lib.errors import BadValue, because
from parindex_lib.model.criteria.rules import EPS, RULE_KINDS, Band, Rule, Step, rule_problems
from parindex_lib.vn import fold, nfc, parse_number

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


class RuleTextError(BadValue):
    """A rule text cannot be read; its ``reason`` says what was expected (``str()`` in English)."""


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
        raise RuleTextError(because("crit_rule_empty", 'is empty (expected a scoring rule such as "Có: 1; Không: 0")'))
    key = fold(raw)
    if key in _BINARY_WORDS:
        return Rule("binary", (Step(float(maximum), "Có" if key.startswith("co") else "Đạt", "Yes"),
                               Step(0.0, "Không" if key.startswith("co") else "Không đạt", "No")), text_vi=raw)
    free = _FREE.match(key)
    if free:
        if free.group("max") is not None and abs(_num(free.group("max").replace(" ", ".")) - maximum) > EPS:
            raise RuleTextError(because("crit_rule_free_range", 'gives a range up to {top} points, but the maximum '
                                        'is {maximum:g} (expected "từ 0 đến {maximum:g} điểm")',
                                        top=free.group("max").replace(" ", ","), maximum=float(maximum)))
        return Rule("free", text_vi=raw)
    parsed = _items(raw)
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
        raise RuleTextError(because("crit_rule_mixed", 'mixes levels with a measured threshold and the level '
                                    '"{label}" without one (expected every level of a band rule to state its '
                                    'threshold, e.g. "dưới 70%: 0")', label=odd))
    else:
        steps = tuple(Step(p, label) for label, p in parsed)
        values = sorted({s.points for s in steps})
        kind = "binary" if len(steps) == 2 and values == [0.0, float(maximum)] else "steps"
        rule = Rule(kind, steps=steps, text_vi=raw)
    problems = rule_problems(rule, maximum)
    if problems:
        raise RuleTextError(problems[0])
    return rule


def _items(raw: str) -> list[tuple[str, float]]:
    """A rule text's items ``label: points`` (separated by ``;`` or line breaks, bullets left out)."""
    items = [_BULLET.sub("", i).strip() for i in _ITEM_SPLIT.split(raw)]
    items = [i.rstrip(".") for i in items if i.strip(" .")]
    parsed: list[tuple[str, float]] = []
    for item in items:
        m = _ITEM.match(item) or _ITEM_PAREN.match(item)
        if not m:
            raise RuleTextError(because("crit_rule_item_unread", 'cannot be read: the item "{item}" is not "label: '
                                        'points" (expected e.g. "Ban hành kịp thời: 1; Ban hành không kịp thời: 0,5; '
                                        'Không ban hành: 0", "Thực hiện trên 90% kế hoạch: 2; …", "Có/Không" or '
                                        '"Từ 0 đến 2 điểm")', item=item))
        points, _ = parse_number(m.group("pts"))
        parsed.append((m.group("label").strip(), points))
    if not parsed:
        raise RuleTextError(because("crit_rule_no_item", 'holds no item "label: points"'))
    return parsed


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
        raise RuleTextError(because("crit_rule_spec_unknown", 'is "{spec}" (expected binary, free, a rule text, or a '
                                    "mapping with kind)", spec=str(spec)))
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
            raise RuleTextError(because("crit_rule_no_steps", "has no steps (expected {example})",
                                        example="steps: [{points: 1, vi: …, en: …}, …]"))
        steps = []
        for item in items:
            if not isinstance(item, Mapping) or not is_number(item.get("points")):
                raise RuleTextError(because("crit_rule_step_no_points", 'has a step "{step}" without points '
                                            "(expected {example})", step=str(item),
                                            example="{points: 0.5, vi: …, en: …}"))
            steps.append(Step(float(item["points"]), *_label(item)))
        rule = Rule("steps", tuple(steps), text_vi=text)
    elif kind == "bands":
        items = spec.get("bands")
        if not isinstance(items, list) or not items:
            raise RuleTextError(because("crit_rule_no_bands", "has no bands (expected {example})",
                                        example="bands: [{points: 2, above: 90}, {points: 1, from: 70, to: 90}, "
                                                "{points: 0, below: 70}]"))
        rule = Rule("bands", bands=_bands(items), quantity_vi=nfc(spec.get("quantity_vi", "") or ""),
                    quantity_en=nfc(spec.get("quantity_en", "") or ""), unit=str(spec.get("unit", "") or ""),
                    text_vi=text)
    else:
        raise RuleTextError(because("crit_rule_kind", 'has kind "{kind}" (expected one of {kinds})', kind=kind,
                                    kinds=", ".join(RULE_KINDS)))
    problems = rule_problems(rule, maximum)
    if problems:
        raise RuleTextError(problems[0])
    return rule


def _bands(items: list) -> tuple[Band, ...]:
    """A bands rule's bands as YAML writes them (``{points: 1, from: 70, to: 90}``)."""
    bands = []
    for item in items:
        if not isinstance(item, Mapping) or not is_number(item.get("points")):
            raise RuleTextError(because("crit_rule_band_no_points", 'has a band "{band}" without points '
                                        "(expected {example})", band=str(item), example="{points: 2, above: 90}"))
        edges = {k: item.get(k) for k in ("above", "from", "below", "to") if item.get(k) is not None}
        bad = [k for k, v in edges.items() if not is_number(v)]
        if bad or ("above" in edges and "from" in edges) or ("below" in edges and "to" in edges) or not edges:
            raise RuleTextError(because("crit_rule_band_edges", 'has a band "{band}" whose edges are not one of '
                                        "above/from and one of below/to (expected e.g. {example})",
                                        band=str(item), example="{points: 1, from: 70, to: 90}"))
        low = edges.get("above", edges.get("from"))
        high = edges.get("below", edges.get("to"))
        bands.append(Band(float(item["points"]), None if low is None else float(low),
                          None if high is None else float(high), "from" in edges, "to" in edges, *_label(item)))
    return tuple(bands)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
