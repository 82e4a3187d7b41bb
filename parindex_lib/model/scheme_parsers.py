"""The parsers of a scheme file's own keys (name, titles, level, years, max_points, adjustments, …): each reads
its YAML value and reports every fault through its :class:`~parindex_lib.model.scheme_context.FieldContext`.
"""

from __future__ import annotations

import difflib
import math
import re

from parindex_lib.model.components import LEVEL_WORDS, TOTAL, codes, match_component
from parindex_lib.model.components import adjustments as adjustment_codes
from parindex_lib.model.schema import REFERENCE_LEVELS, UNIT_LEVELS
from parindex_lib.model.scheme_context import _SAME, FieldContext, _FieldFault
from parindex_lib.vn import fold, parse_number

#: The years a PAR INDEX scheme can apply to (the index was first published for 2012).
FIRST_YEAR, LAST_YEAR = 2012, 2100


def _number(value: object, ctx: FieldContext, at: str | tuple = "", *, allow_zero: bool = False,
            what: str = "a positive number of points") -> float:
    """A finite number > 0 (≥ 0 with ``allow_zero``); ``10,5`` written the Vietnamese way is read too."""
    expected = f"(expected {what}, e.g. 10 or 10,5)"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        ctx.fail(f"is not a number {expected}", value, at)
    number = value
    if isinstance(value, str):
        try:
            number = parse_number(value)[0]
        except ValueError:
            ctx.fail(f"is not a number {expected}", value, at)
    if not math.isfinite(number):
        ctx.fail(f"is not a finite number {expected}", value, at)
    if number < 0 or (number == 0 and not allow_zero):
        ctx.fail(f"is {'negative' if number < 0 else 'zero'} {expected}", value, at)
    return float(number)


def _text(value: object, ctx: FieldContext, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        ctx.fail(f"is not text (expected {what})" if not isinstance(value, str) else f"is empty (expected {what})")
    return value.strip()


def _mapping(value: object, ctx: FieldContext, what: str) -> dict:
    if not isinstance(value, dict):
        kind = "a list" if isinstance(value, list) else "empty" if value is None else "a single value"
        ctx.fail(f"is {kind} (expected {what})")
    if not value:
        ctx.fail(f"is empty (expected {what})")
    return value


def _parse_name(value, ctx):
    name = _text(value, ctx, "the scheme's name, e.g. tinh-x-commune-2025")
    if not re.fullmatch(r"\w[\w.\-]*", name):
        ctx.fail("is not a usable name (expected letters, digits, '-', '.' or '_', without spaces, "
                 "e.g. tinh-x-commune-2025: it is also the file's name)")
    return name


def _parse_title(value, ctx):
    return _text(value, ctx, "a title in one line of text")


def _parse_source(value, ctx):
    return _text(value, ctx, "the decision or document the scheme comes from, e.g. Quyết định số …/QĐ-UBND")


def _parse_level(value, ctx):
    expected = f"(expected a level of units: {', '.join(UNIT_LEVELS)}; or tỉnh, sở, huyện, xã)"
    if not isinstance(value, str):
        ctx.fail(f"is not a level {expected}")
    level = LEVEL_WORDS.get(fold(value))
    if level in REFERENCE_LEVELS:
        ctx.fail(f"is a level of averages, never of a scheme {expected}")
    if level is None:
        close = difflib.get_close_matches(fold(value), list(LEVEL_WORDS), n=1, cutoff=0.7)
        hint = f'did you mean "{LEVEL_WORDS[close[0]]}"? ' if close and LEVEL_WORDS[close[0]] in UNIT_LEVELS else ""
        ctx.fail(f"is not a level {hint}{expected}")
    return level


def _year(value, ctx, at=""):
    expected = f"(expected a year {FIRST_YEAR}–{LAST_YEAR})"
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        ctx.fail(f"is not a year {expected}", value, at)
    if not FIRST_YEAR <= value <= LAST_YEAR:
        ctx.fail(f"is not a plausible year of the PAR INDEX {expected}", value, at)
    return value


def _parse_years(value, ctx):
    expected = "(expected a year, a list of years, or a range such as 2025-2030)"
    if isinstance(value, list):
        if not value:
            ctx.fail(f"is an empty list {expected}")
        years = [_year(v, ctx, i) for i, v in enumerate(value)]
        repeated = sorted({y for y in years if years.count(y) > 1})
        if repeated:
            ctx.fail(f"repeats {', '.join(map(str, repeated))} (expected each year once)")
        return tuple(sorted(years))
    if isinstance(value, str) and not re.fullmatch(r"\s*\d{4}\s*", value):
        m = re.fullmatch(r"\s*(\d{4})\s*[-–—]\s*(\d{4})\s*", value)
        if not m:
            ctx.fail(f"is not a year or a range {expected}")
        first, last = _year(int(m.group(1)), ctx), _year(int(m.group(2)), ctx)
        if first > last:
            ctx.fail(f"is a range that runs backwards (expected the first year first, e.g. {last}-{first})")
        return tuple(range(first, last + 1))
    if value is None or isinstance(value, dict):
        ctx.fail(f"is {'empty' if value is None else 'a mapping'} {expected}")
    return (_year(value, ctx),)


def _component_key(key: object, ctx: FieldContext) -> str | None:
    """A key of ``max_points``: a component or block code (a fault recorded, None, otherwise)."""
    known = codes()
    text = str(key)
    if text in known:
        return text
    code = match_component(text) if isinstance(key, str) else None
    if code in known:
        ctx.problem(f'is a name, not a code (expected the code {code} for this component)', key, text)
    elif code == TOTAL:
        ctx.problem("is the total, not a component (expected the total's maximum as total_points)", key, text)
    elif code in adjustment_codes():
        ctx.problem(f"is bonus or penalty points (expected it under adjustments, with its cap: "
                    f"adjustments: {{{code}: …}})", key, text)
    else:
        close = difflib.get_close_matches(text.upper(), known, n=1, cutoff=0.6)
        hint = f'did you mean "{close[0]}"? ' if close else ""
        ctx.problem(f"is not a component code ({hint}expected one of {', '.join(known)})", key, text)
    return None


def _parse_max_points(value, ctx):
    spec = _mapping(value, ctx, "each component's maximum points, e.g. {C1: 10, C2: 10, SIPAS: 20}, with null "
                                "for a maximum not published")
    out: dict[str, float | None] = {}
    for key, points in spec.items():
        code = _component_key(key, ctx)
        if code is None:
            continue
        if points is None:
            out[code] = None
            continue
        try:
            out[code] = _number(points, ctx, code, what="a positive number of points, or null while the "
                                                        "decision does not publish it")
        except _FieldFault:
            continue
    return out


def _parse_weights(value, ctx):
    ctx.fail("is not read: a scheme gives each component's maximum points under max_points, and each weight "
             "follows from them (its maximum ÷ Σ maxima); for equal weights give every component the same "
             "maximum (e.g. 1)")


def _parse_adjustments(value, ctx):
    if value is None:
        return {}
    spec = _mapping(value, ctx, "a mapping of BONUS and PENALTY to their caps in points, e.g. "
                                "{BONUS: 5, PENALTY: null} (null: no cap published)")
    out: dict[str, float | None] = {}
    allowed = adjustment_codes()
    for key, cap in spec.items():
        text = str(key)
        code = text.upper() if text.upper() in allowed else match_component(text) if isinstance(key, str) else None
        if code not in allowed:
            ctx.problem("is not BONUS or PENALTY (expected bonus points as BONUS, penalty points as PENALTY)",
                        key, text)
            continue
        if code in out:
            ctx.problem("is given twice (expected BONUS and PENALTY once each)", key, text)
            continue
        try:
            out[code] = None if cap is None else _number(cap, ctx, text, allow_zero=True,
                                                         what="the cap in points, ≥ 0, or null when none is "
                                                              "published")
        except _FieldFault:
            continue
    return out


def _parse_aggregation(value, ctx):
    if value not in ("weighted", "sum"):
        ctx.fail("is not an aggregation (expected weighted: Σ weight × percentage, weights ∝ maxima; or sum: "
                 "blocks of points adding up to the total)")
    return value


def _parse_bool(value, ctx):
    if not isinstance(value, bool):
        ctx.fail("is not true or false" + (" (write it without quotes)" if isinstance(value, str) else ""))
    return value


def _parse_points(value, ctx):
    return _number(value, ctx)


def _parse_unknown_share(value, ctx):
    spec = _mapping(value, ctx, "components: [the components whose maxima are null], max_points: the points "
                                "they share")
    for key in spec:
        if key not in ("components", "max_points"):
            ctx.problem("is not a key of unknown_share (expected components and max_points)", key, str(key))
    comps = spec.get("components")
    if not isinstance(comps, list) or not comps:
        ctx.fail("is not a list of component codes (expected e.g. [C1, C2])", comps, "components")
    for i, code in enumerate(comps):
        if str(code) not in codes():
            ctx.problem(f"is not a component code (expected one of {', '.join(codes())})", code, ("components", i))
        elif "max_points" in ctx.parsed and ctx.parsed["max_points"].get(str(code), 0) is not None:
            ctx.problem("does not have a null maximum under max_points (expected only the components whose "
                        "maxima are not published)", code, ("components", i))
    if "max_points" not in spec:
        ctx.fail("is missing (expected the points the listed components share)", _SAME, "max_points")
    return {"components": [str(c) for c in comps], "max_points": _number(spec["max_points"], ctx, "max_points")}


def _parse_survey_points(value, ctx):
    return _number(value, ctx, what="the points that come from surveys")
