"""The fields of a scheme file: one parser per key, each fault located (file, line, field, value).

:data:`SCHEME_FIELDS` maps every key a scheme file may hold to its parser. A parser gets the YAML value and
a :class:`FieldContext` (where the value is, and the fields read before it) and returns the field's value,
or reports what is wrong through the context. Hooking a new key in is one line in :data:`SCHEME_FIELDS`
(a parser of another module given as ``"module:function"``): what it returns lands in ``Scheme.extras``.
:func:`read_scheme_fields` reads a whole file; :mod:`parindex_lib.model.schemes` builds the scheme.
"""

from __future__ import annotations

import difflib
import importlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from parindex_lib.errors import SchemeError
from parindex_lib.model.components import TOTAL, codes, match_component
from parindex_lib.model.components import adjustments as adjustment_codes
from parindex_lib.model.schema import REFERENCE_LEVELS, UNIT_LEVELS
from parindex_lib.vn import fold, parse_number
from parindex_lib.yamldoc import YamlFault, read_yaml, show

#: The years a PAR INDEX scheme can apply to (the index was first published for 2012).
FIRST_YEAR, LAST_YEAR = 2012, 2100

_SAME = object()
_NO_LINE = 10**9  # a fault with no line (a missing field) is listed last


class _FieldFault(Exception):
    """Raised by :meth:`FieldContext.fail`: the field's parser stops; the fault is already recorded."""


@dataclass
class FieldContext:
    """What a field's parser is given besides the value: where it is, and the fields read before it.

    ``parsed`` holds the values of the fields read so far (core fields first: ``max_points``, ``level``,
    ``years``…); a field that was faulty is absent.
    """

    file: Path
    key: str
    parsed: dict[str, object]
    value: object
    _doc: object = field(repr=False, default=None)
    _problems: list[tuple[int, str]] = field(repr=False, default_factory=list)

    def _line(self, at: str | int | tuple) -> int | None:
        parts = (at,) if isinstance(at, str | int) else tuple(at)
        parts = tuple(p if isinstance(p, int) else str(p) for p in parts if p != "")
        return self._doc.line((self.key, *parts)) if self._doc is not None else None

    def where(self, at: str | int | tuple = "") -> str:
        """``FILE, line N, field "KEY.AT"`` for a sub-field ``at`` (``"C1"``, ``(0, "points")``)."""
        parts = (at,) if isinstance(at, str | int) else tuple(at)
        name = self.key + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts if p != "")
        line = self._line(at)
        return f'{self.file}{f", line {line}" if line else ""}, field "{name}"'

    def problem(self, expected: str, value: object = _SAME, at: str | int | tuple = "") -> None:
        """Record a fault of this field (the message: where, the value, what was expected)."""
        if value is _SAME and at in ("", ()):
            value = self.value
        shown = "" if value is _SAME else f' "{show(value)}"'
        self._problems.append((self._line(at) or _NO_LINE, f"{self.where(at)}:{shown} {expected}"))

    def fail(self, expected: str, value: object = _SAME, at: str | int | tuple = "") -> NoReturn:
        """Record a fault and stop reading this field."""
        self.problem(expected, value, at)
        raise _FieldFault


@dataclass(frozen=True)
class SchemeField:
    """One key of a scheme file and its parser.

    ``parse(value, ctx)`` returns the field's value or reports faults through ``ctx``
    (:class:`FieldContext`). It may be given as ``"module:function"``, imported only when a file has
    the key (so a module of ``model/`` can hook a key in without an import cycle). Fields that are not
    core fields of :class:`Scheme` end up in ``Scheme.extras``.
    """

    key: str
    parse: Callable[[object, FieldContext], object] | str
    required: bool = False
    doc: str = ""
    nullable: bool = False  # whether an empty value (``key:`` alone, or null) goes to the parser

    def parser(self) -> Callable[[object, FieldContext], object]:
        if callable(self.parse):
            return self.parse
        module, _, name = self.parse.partition(":")
        return getattr(importlib.import_module(module), name)


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
    # Imported here: the level words live in the readers, which import the model (they move to the model's
    # catalogue of words).
    from parindex_lib.readers.tidy import LEVEL_WORDS

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


#: Every key a scheme file may hold, in the order they are read. Hooked keys (a module's own parser,
#: given as "module:function") come after the core ones and land in ``Scheme.extras``.
SCHEME_FIELDS: dict[str, SchemeField] = {f.key: f for f in (
    SchemeField("name", _parse_name, doc="the scheme's name; the file's name without .yaml"),
    SchemeField("title_vi", _parse_title, required=True, doc="the title in Vietnamese, as the decision names it"),
    SchemeField("title_en", _parse_title, doc="the title in English (default: the Vietnamese one)"),
    SchemeField("level", _parse_level, required=True, doc="province, department, district or commune"),
    SchemeField("years", _parse_years, required=True, doc="a year, a list of years, or a range (2025-2030)"),
    SchemeField("source", _parse_source, required=True, doc="the decision that sets the scheme"),
    SchemeField("candidate", _parse_bool, doc="true: only chosen with --scheme, never a unit's default"),
    SchemeField("aggregation", _parse_aggregation, doc="weighted (default) or sum"),
    SchemeField("max_points", _parse_max_points, required=True, doc="component: maximum points (null: unknown)"),
    SchemeField("weights", _parse_weights, doc="not read: weights follow from max_points"),
    SchemeField("total_points", _parse_points, doc="the total's maximum (Σ max_points when all are known)"),
    SchemeField("survey_points", _parse_survey_points, doc="the points that come from surveys"),
    SchemeField("unknown_share", _parse_unknown_share, doc="the points the unknown maxima share"),
    SchemeField("complete", _parse_bool, doc="false while any maximum is null"),
    SchemeField("adjustments", _parse_adjustments, doc="BONUS and PENALTY: their caps (null: no cap)",
                nullable=True),
    SchemeField("criteria", "parindex_lib.model.criteria:read_scheme_criteria",
                doc="the criteria under the components: a file beside the scheme (YAML, .xlsx, .csv), or inline"),
    SchemeField("bands", "parindex_lib.model.bands:read_scheme_bands",
                doc="classification bands as published (classes with from/to, source, years)"),
)}


def register_field(spec: SchemeField) -> None:
    """Add (or replace) the parser of a scheme key at run time (for a plug-in; the project's own keys are
    listed in :data:`SCHEME_FIELDS`). Files already read are read again."""
    SCHEME_FIELDS[spec.key] = spec
    VERSION[0] += 1


#: Bumped when a field is registered: the cache of files read (in :mod:`~parindex_lib.model.schemes`) is keyed on it.
VERSION = [0]


def read_scheme_fields(path: Path, named: bool) -> dict[str, object]:
    """Every field of a scheme file, read and checked: key → value as its parser gave it.

    ``named``: the file was found in a scheme folder, so its ``name`` (if given) must be its file's name.

    Raises
    ------
    SchemeError
        Listing every fault of the file, in the order of their lines; the first line names the file,
        the line, the field and the value.
    """
    try:
        doc = read_yaml(path)
    except YamlFault as exc:
        line = f", line {exc.line}" if exc.line else ""
        field_ = f', field "{".".join(map(str, exc.key))}"' if exc.key else ""
        raise SchemeError(f"{path}{line}{field_}: {exc}") from None
    except OSError as exc:
        raise SchemeError(f"{path}: the scheme file cannot be read ({exc.strerror or exc})") from None
    spec = doc.data
    if spec is None:
        raise SchemeError(f"{path}: is empty (expected a scheme: name, level, years, source, max_points…; "
                          "see examples/scheme-template.yaml)")
    if not isinstance(spec, dict):
        kind = "a list" if isinstance(spec, list) else f'the single value "{show(spec)}"'
        raise SchemeError(f"{path}: is {kind}, not a mapping of scheme fields (expected name:, level:, years:, "
                          "source:, max_points: …; see examples/scheme-template.yaml)")
    problems: list[tuple[int, str]] = []
    parsed: dict[str, object] = {}
    for key in spec:
        if not isinstance(key, str) or key not in SCHEME_FIELDS:
            known = list(SCHEME_FIELDS)
            close = difflib.get_close_matches(fold(str(key)), known, n=1, cutoff=0.6)
            hint = f'did you mean "{close[0]}"? ' if close else ""
            line = doc.line((str(key),))
            problems.append((line or _NO_LINE, f'{path}{f", line {line}" if line else ""}, field "{key}": is not a '
                                               f"scheme field ({hint}expected one of {', '.join(known)})"))
    for key, spec_field in SCHEME_FIELDS.items():
        ctx = FieldContext(path, key, parsed, spec.get(key), doc, problems)
        if key not in spec:
            if spec_field.required:
                problems.append((_NO_LINE, f'{path}, field "{key}": is missing (expected {spec_field.doc})'))
            continue
        if spec[key] is None and not spec_field.nullable:
            ctx.problem(f"is empty (expected {spec_field.doc})", _SAME)
            continue
        try:
            parsed[key] = spec_field.parser()(spec[key], ctx)
        except _FieldFault:
            pass
    _cross_checks(path, spec, parsed, doc, problems)
    name = parsed.get("name")
    if named and name is not None and name != path.stem:
        FieldContext(path, "name", parsed, name, doc, problems).problem(
            f'is not the file\'s name (expected "{path.stem}": a scheme is chosen by its file\'s name, so the two '
            "must agree)")
    if problems:
        lines = [text for _, text in sorted(problems, key=lambda p: p[0])]
        head = lines[0]
        rest = "".join(f"\n  {p}" for p in lines[1:])
        raise SchemeError(head + (f"\n  ({len(lines) - 1} more problem(s) in this file)" + rest if rest else ""))
    return parsed


def _cross_checks(path: Path, spec: dict, parsed: dict, doc, problems: list[tuple[int, str]]) -> None:
    """Faults between fields: a complete scheme with null maxima, totals that do not add up."""
    if "max_points" not in parsed:
        return
    maxima = parsed["max_points"]
    unknown = [c for c, v in maxima.items() if v is None]
    ctx = FieldContext(path, "complete", parsed, spec.get("complete"), doc, problems)
    if parsed.get("complete") is True and unknown:
        ctx.problem(f"says the scheme is complete, but the maxima of {', '.join(unknown)} are null (expected "
                    "false, or every maximum given)")
    known = sum(v for v in maxima.values() if v is not None)
    total = parsed.get("total_points")
    share = parsed.get("unknown_share")
    ctx = FieldContext(path, "total_points", parsed, total, doc, problems)
    if total is not None and maxima and not unknown and not math.isclose(known, total, rel_tol=1e-9, abs_tol=1e-6):
        ctx.problem(f"is not the sum of max_points, {known:g} (expected them equal: the total's maximum is the sum "
                    "of its components' maxima)")
    if total is not None and unknown and share is not None:
        if not math.isclose(known + share["max_points"], total, rel_tol=1e-9, abs_tol=1e-6):
            ctx.problem(f"is not the known maxima ({known:g}) plus unknown_share ({share['max_points']:g}) "
                        "(expected them equal)")
    elif total is not None and unknown and known > total + 1e-6:
        ctx.problem(f"is less than the known maxima, which add up to {known:g} (expected at least that)")
    survey = parsed.get("survey_points")
    if survey is not None and total is not None and survey > total:
        FieldContext(path, "survey_points", parsed, survey, doc, problems).problem(
            f"is more than total_points ({total:g}) (expected a part of the total)")


