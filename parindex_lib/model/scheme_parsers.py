"""The parsers of a scheme file's own keys (name, titles, level, years, max_points, adjustments, …): each reads
its YAML value and reports every fault through its :class:`~parindex_lib.model.scheme_context.FieldContext`.
"""

from __future__ import annotations

import difflib
import math
import re

from parindex_lib.errors import Reason, because
from parindex_lib.model.components import LEVEL_WORDS, TOTAL, codes, match_component
from parindex_lib.model.components import adjustments as adjustment_codes
from parindex_lib.model.schema import REFERENCE_LEVELS, UNIT_LEVELS
from parindex_lib.model.scheme_context import _SAME, FieldContext, _FieldFault
from parindex_lib.vn import fold, parse_number

#: The years a PAR INDEX scheme can apply to (the index was first published for 2012).
FIRST_YEAR, LAST_YEAR = 2012, 2100


def did_you_mean(close: str | None) -> Reason | str:
    """``did you mean "X"? `` for the nearest accepted word, or nothing."""
    return because("sch_did_you_mean", 'did you mean "{word}"? ', word=close) if close else ""


def _number(value: object, ctx: FieldContext, at: str | tuple = "", *, allow_zero: bool = False,
            what: Reason | None = None) -> float:
    """A finite number > 0 (≥ 0 with ``allow_zero``); ``10,5`` written the Vietnamese way is read too."""
    what = what or because("sch_what_points", "a positive number of points")

    def wrong(kind: Reason) -> Reason:
        return because("sch_number_expected", "{kind} (expected {what}, e.g. 10 or 10,5)", kind=kind, what=what)

    not_number = because("sch_not_number", "is not a number")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        ctx.fail(wrong(not_number), value, at)
    number = value
    if isinstance(value, str):
        try:
            number = parse_number(value)[0]
        except ValueError:
            ctx.fail(wrong(not_number), value, at)
    if not math.isfinite(number):
        ctx.fail(wrong(because("sch_not_finite", "is not a finite number")), value, at)
    if number < 0:
        ctx.fail(wrong(because("sch_negative", "is negative")), value, at)
    if number == 0 and not allow_zero:
        ctx.fail(wrong(because("sch_zero", "is zero")), value, at)
    return float(number)


def _text(value: object, ctx: FieldContext, what: Reason) -> str:
    if not isinstance(value, str):
        ctx.fail(because("sch_not_text", "is not text (expected {what})", what=what))
    if not value.strip():
        ctx.fail(because("empty_expected", "is empty (expected {what})", what=what))
    return value.strip()


def _mapping(value: object, ctx: FieldContext, what: Reason) -> dict:
    if isinstance(value, list):
        ctx.fail(because("sch_is_list", "is a list (expected {what})", what=what))
    if value is None or (isinstance(value, dict) and not value):
        ctx.fail(because("empty_expected", "is empty (expected {what})", what=what))
    if not isinstance(value, dict):
        ctx.fail(because("sch_is_single_value", "is a single value (expected {what})", what=what))
    return value


def _parse_name(value, ctx):
    name = _text(value, ctx, because("sch_what_name", "the scheme's name, e.g. tinh-x-commune-2025"))
    if not re.fullmatch(r"\w[\w.\-]*", name):
        ctx.fail(because("sch_unusable_name", "is not a usable name (expected letters, digits, '-', '.' or '_', "
                                              "without spaces, e.g. tinh-x-commune-2025: it is also the file's name)"))
    return name


def _parse_title(value, ctx):
    return _text(value, ctx, because("sch_what_title", "a title in one line of text"))


def _parse_source(value, ctx):
    return _text(value, ctx, because("sch_what_source", "the decision or document the scheme comes from, "
                                                        "e.g. Quyết định số …/QĐ-UBND"))


def _parse_level(value, ctx):
    expected = because("sch_expected_level", "(expected a level of units: {levels}; or tỉnh, sở, huyện, xã)",
                       levels=", ".join(UNIT_LEVELS))
    if not isinstance(value, str):
        ctx.fail(because("sch_not_level", "is not a level {hint}{expected}", hint="", expected=expected))
    level = LEVEL_WORDS.get(fold(value))
    if level in REFERENCE_LEVELS:
        ctx.fail(because("sch_level_of_averages", "is a level of averages, never of a scheme {expected}",
                         expected=expected))
    if level is None:
        close = difflib.get_close_matches(fold(value), list(LEVEL_WORDS), n=1, cutoff=0.7)
        hint = did_you_mean(LEVEL_WORDS[close[0]] if close and LEVEL_WORDS[close[0]] in UNIT_LEVELS else None)
        ctx.fail(because("sch_not_level", "is not a level {hint}{expected}", hint=hint, expected=expected))
    return level


def _year(value, ctx, at=""):
    expected = because("sch_expected_year", "(expected a year {first}–{last})", first=FIRST_YEAR, last=LAST_YEAR)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        ctx.fail(because("sch_not_year", "is not a year {expected}", expected=expected), value, at)
    if not FIRST_YEAR <= value <= LAST_YEAR:
        ctx.fail(because("sch_implausible_year", "is not a plausible year of the PAR INDEX {expected}",
                         expected=expected), value, at)
    return value


def _parse_years(value, ctx):
    expected = because("sch_expected_years", "(expected a year, a list of years, or a range such as 2025-2030)")
    if isinstance(value, list):
        if not value:
            ctx.fail(because("sch_empty_list", "is an empty list {expected}", expected=expected))
        years = [_year(v, ctx, i) for i, v in enumerate(value)]
        repeated = sorted({y for y in years if years.count(y) > 1})
        if repeated:
            ctx.fail(because("sch_years_repeated", "repeats {years} (expected each year once)",
                             years=", ".join(map(str, repeated))))
        return tuple(sorted(years))
    if isinstance(value, str) and not re.fullmatch(r"\s*\d{4}\s*", value):
        m = re.fullmatch(r"\s*(\d{4})\s*[-–—]\s*(\d{4})\s*", value)
        if not m:
            ctx.fail(because("sch_not_year_or_range", "is not a year or a range {expected}", expected=expected))
        first, last = _year(int(m.group(1)), ctx), _year(int(m.group(2)), ctx)
        if first > last:
            ctx.fail(because("sch_range_backwards", "is a range that runs backwards (expected the first year first, "
                                                    "e.g. {last}-{first})", first=first, last=last))
        return tuple(range(first, last + 1))
    if value is None:
        ctx.fail(because("sch_empty", "is empty {expected}", expected=expected))
    if isinstance(value, dict):
        ctx.fail(because("sch_is_mapping", "is a mapping {expected}", expected=expected))
    return (_year(value, ctx),)


def _component_key(key: object, ctx: FieldContext) -> str | None:
    """A key of ``max_points``: a component or block code (a fault recorded, None, otherwise)."""
    known = codes()
    text = str(key)
    if text in known:
        return text
    code = match_component(text) if isinstance(key, str) else None
    if code in known:
        ctx.problem(because("sch_name_not_code", "is a name, not a code (expected the code {code} for this component)",
                            code=code), key, text)
    elif code == TOTAL:
        ctx.problem(because("sch_total_not_component", "is the total, not a component (expected the total's maximum "
                                                       "as total_points)"), key, text)
    elif code in adjustment_codes():
        ctx.problem(because("sch_adjustment_among_maxima", "is bonus or penalty points (expected it under "
                                                           "adjustments, with its cap: adjustments: {example})",
                            example=f"{{{code}: …}}"), key, text)
    else:
        close = difflib.get_close_matches(text.upper(), known, n=1, cutoff=0.6)
        ctx.problem(not_a_component(known, close[0] if close else None), key, text)
    return None


def not_a_component(known: list[str], close: str | None = None) -> Reason:
    """``is not a component code (did you mean "C2"? expected one of C1, …)``."""
    return because("sch_not_component", "is not a component code ({hint}expected one of {known})",
                   hint=did_you_mean(close), known=", ".join(known))


def _parse_max_points(value, ctx):
    spec = _mapping(value, ctx, because("sch_what_max_points", "each component's maximum points, e.g. {example}, "
                                                               "with null for a maximum not published",
                                        example="{C1: 10, C2: 10, SIPAS: 20}"))
    out: dict[str, float | None] = {}
    for key, points in spec.items():
        code = _component_key(key, ctx)
        if code is None:
            continue
        if points is None:
            out[code] = None
            continue
        try:
            out[code] = _number(points, ctx, code, what=because(
                "sch_what_maximum", "a positive number of points, or null while the decision does not publish it"))
        except _FieldFault:
            continue
    return out


def _parse_weights(value, ctx):
    ctx.fail(because("sch_weights_not_read", "is not read: a scheme gives each component's maximum points under "
                                             "max_points, and each weight follows from them (its maximum ÷ Σ maxima); "
                                             "for equal weights give every component the same maximum (e.g. 1)"))


def _parse_adjustments(value, ctx):
    if value is None:
        return {}
    spec = _mapping(value, ctx, because("sch_what_adjustments", "a mapping of BONUS and PENALTY to their caps in "
                                                                "points, e.g. {example} (null: no cap published)",
                                        example="{BONUS: 5, PENALTY: null}"))
    out: dict[str, float | None] = {}
    allowed = adjustment_codes()
    for key, cap in spec.items():
        text = str(key)
        code = text.upper() if text.upper() in allowed else match_component(text) if isinstance(key, str) else None
        if code not in allowed:
            ctx.problem(because("sch_not_adjustment", "is not BONUS or PENALTY (expected bonus points as BONUS, "
                                                      "penalty points as PENALTY)"), key, text)
            continue
        if code in out:
            ctx.problem(because("sch_adjustment_twice", "is given twice (expected BONUS and PENALTY once each)"),
                        key, text)
            continue
        try:
            out[code] = None if cap is None else _number(cap, ctx, text, allow_zero=True, what=because(
                "sch_what_cap", "the cap in points, ≥ 0, or null when none is published"))
        except _FieldFault:
            continue
    return out


def _parse_aggregation(value, ctx):
    if value not in ("weighted", "sum"):
        ctx.fail(because("sch_not_aggregation", "is not an aggregation (expected weighted: Σ weight × percentage, "
                                                "weights ∝ maxima; or sum: blocks of points adding up to the total)"))
    return value


def _parse_bool(value, ctx):
    if not isinstance(value, bool):
        if isinstance(value, str):
            ctx.fail(because("sch_quoted_bool", "is not true or false (write it without quotes)"))
        ctx.fail(because("sch_not_bool", "is not true or false"))
    return value


def _parse_points(value, ctx):
    return _number(value, ctx)


def _parse_unknown_share(value, ctx):
    spec = _mapping(value, ctx, because("sch_what_unknown_share", "components: [the components whose maxima are "
                                                                  "null], max_points: the points they share"))
    for key in spec:
        if key not in ("components", "max_points"):
            ctx.problem(because("sch_not_share_key", "is not a key of unknown_share (expected components and "
                                                     "max_points)"), key, str(key))
    comps = spec.get("components")
    if not isinstance(comps, list) or not comps:
        ctx.fail(because("sch_share_not_codes", "is not a list of component codes (expected e.g. [C1, C2])"),
                 comps, "components")
    for i, code in enumerate(comps):
        if str(code) not in codes():
            ctx.problem(not_a_component(codes()), code, ("components", i))
        elif "max_points" in ctx.parsed and ctx.parsed["max_points"].get(str(code), 0) is not None:
            ctx.problem(because("sch_share_not_null", "does not have a null maximum under max_points (expected only "
                                                      "the components whose maxima are not published)"),
                        code, ("components", i))
    if "max_points" not in spec:
        ctx.fail(because("sch_share_points_missing", "is missing (expected the points the listed components "
                                                     "share)"), _SAME, "max_points")
    return {"components": [str(c) for c in comps], "max_points": _number(spec["max_points"], ctx, "max_points")}


def _parse_survey_points(value, ctx):
    return _number(value, ctx, what=because("sch_what_survey_points", "the points that come from surveys"))
