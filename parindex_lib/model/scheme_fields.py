"""The fields of a scheme file: one parser per key, each fault located (file, line, field, value).

:data:`SCHEME_FIELDS` maps every key a scheme file may hold to its parser. A parser gets the YAML value and
a :class:`FieldContext` (where the value is, and the fields read before it) and returns the field's value,
or reports what is wrong through the context. Hooking a new key in is one line in :data:`SCHEME_FIELDS`
(a parser of another module given as ``"module:function"``): what it returns lands in ``Scheme.extras``.
:func:`read_scheme_fields` reads a whole file; :mod:`parindex_lib.model.schemes` builds the scheme. The
context a parser gets is in :mod:`~parindex_lib.model.scheme_context`, the core keys' parsers in
:mod:`~parindex_lib.model.scheme_parsers`.
"""

from __future__ import annotations

import difflib
import math
from pathlib import Path

from parindex_lib.errors import because, cause_of, os_reason
from parindex_lib.model.scheme_context import (
    _SAME,
    FieldContext,
    SchemeField,
    SchemeFileError,
    SchemeProblem,
    _FieldFault,
)
from parindex_lib.model.scheme_parsers import (
    FIRST_YEAR,
    LAST_YEAR,
    _parse_adjustments,
    _parse_aggregation,
    _parse_bool,
    _parse_level,
    _parse_max_points,
    _parse_name,
    _parse_points,
    _parse_source,
    _parse_survey_points,
    _parse_title,
    _parse_unknown_share,
    _parse_weights,
    _parse_years,
    did_you_mean,
)
from parindex_lib.vn import fold
from parindex_lib.yamldoc import YamlFault, read_yaml, show

# Names that moved to scheme_context and scheme_parsers stay importable from here.
__all__ = ["FIRST_YEAR", "LAST_YEAR", "SCHEME_FIELDS", "VERSION", "FieldContext", "SchemeField", "read_scheme_fields",
           "register_field"]


#: Every key a scheme file may hold, in the order they are read. Hooked keys (a module's own parser,
#: given as "module:function") come after the core ones and land in ``Scheme.extras``.
SCHEME_FIELDS: dict[str, SchemeField] = {f.key: f for f in (
    SchemeField("name", _parse_name, doc=because("sch_doc_name", "the scheme's name; the file's name without .yaml")),
    SchemeField("title_vi", _parse_title, required=True,
                doc=because("sch_doc_title_vi", "the title in Vietnamese, as the decision names it")),
    SchemeField("title_en", _parse_title,
                doc=because("sch_doc_title_en", "the title in English (default: the Vietnamese one)")),
    SchemeField("level", _parse_level, required=True,
                doc=because("sch_doc_level", "province, department, district or commune")),
    SchemeField("years", _parse_years, required=True,
                doc=because("sch_doc_years", "a year, a list of years, or a range (2025-2030)")),
    SchemeField("source", _parse_source, required=True,
                doc=because("sch_doc_source", "the decision that sets the scheme")),
    SchemeField("candidate", _parse_bool,
                doc=because("sch_doc_candidate", "true: only chosen with --scheme, never a unit's default")),
    SchemeField("aggregation", _parse_aggregation, doc=because("sch_doc_aggregation", "weighted (default) or sum")),
    SchemeField("max_points", _parse_max_points, required=True,
                doc=because("sch_doc_max_points", "component: maximum points (null: unknown)")),
    SchemeField("weights", _parse_weights,
                doc=because("sch_doc_weights", "not read: weights follow from max_points")),
    SchemeField("total_points", _parse_points,
                doc=because("sch_doc_total_points", "the total's maximum (Σ max_points when all are known)")),
    SchemeField("survey_points", _parse_survey_points,
                doc=because("sch_doc_survey_points", "the points that come from surveys")),
    SchemeField("unknown_share", _parse_unknown_share,
                doc=because("sch_doc_unknown_share", "the points the unknown maxima share")),
    SchemeField("complete", _parse_bool, doc=because("sch_doc_complete", "false while any maximum is null")),
    SchemeField("adjustments", _parse_adjustments,
                doc=because("sch_doc_adjustments", "BONUS and PENALTY: their caps (null: no cap)"), nullable=True),
    SchemeField("criteria", "parindex_lib.model.criteria:read_scheme_criteria",
                doc=because("sch_doc_criteria", "the criteria under the components: a file beside the scheme "
                                                "(YAML, .xlsx, .csv), or inline")),
    SchemeField("bands", "parindex_lib.model.bands:read_scheme_bands",
                doc=because("sch_doc_bands", "classification bands as published (classes with from/to, source, "
                                             "years)")),
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
    spec, doc = _read_document(path)
    problems = _unknown_keys(path, spec, doc)
    parsed: dict[str, object] = {}
    for key, spec_field in SCHEME_FIELDS.items():
        ctx = FieldContext(path, key, parsed, spec.get(key), doc, problems)
        if key not in spec:
            if spec_field.required:
                problems.append(SchemeProblem(str(path), None, key, None,
                                              because("sch_missing", "is missing (expected {what})",
                                                      what=spec_field.doc)))
            continue
        if spec[key] is None and not spec_field.nullable:
            ctx.problem(because("empty_expected", "is empty (expected {what})", what=spec_field.doc), _SAME)
            continue
        try:
            parsed[key] = spec_field.parser()(spec[key], ctx)
        except _FieldFault:
            pass
    _cross_checks(path, spec, parsed, doc, problems)
    name = parsed.get("name")
    if named and name is not None and name != path.stem:
        FieldContext(path, "name", parsed, name, doc, problems).problem(because(
            "sch_not_file_name", 'is not the file\'s name (expected "{stem}": a scheme is chosen by its file\'s name, '
                                 "so the two must agree)", stem=path.stem))
    if problems:
        raise SchemeFileError(problems)
    return parsed


def _read_document(path: Path) -> tuple[dict, object]:
    """The file's mapping of fields and where each was written.

    Raises
    ------
    SchemeFileError
        For a file that cannot be read, is not YAML, is empty or is not a mapping.
    """
    try:
        doc = read_yaml(path)
    except YamlFault as exc:
        raise SchemeFileError(SchemeProblem(str(path), exc.line, ".".join(map(str, exc.key)) or None, None,
                                            cause_of(exc))) from None
    except OSError as exc:
        raise SchemeFileError(SchemeProblem(str(path), None, None, None, because(
            "sch_file_unreadable", "the scheme file cannot be read ({why})", why=os_reason(exc)))) from None
    spec = doc.data
    if spec is None:
        raise SchemeFileError(SchemeProblem(str(path), None, None, None, because(
            "sch_file_empty", "is empty (expected a scheme: name, level, years, source, max_points…; see "
                              "examples/scheme-template.yaml)")))
    if not isinstance(spec, dict):
        kind = because("sch_a_list", "a list") if isinstance(spec, list) else \
            because("sch_a_single_value", 'the single value "{value}"', value=show(spec))
        raise SchemeFileError(SchemeProblem(str(path), None, None, None, because(
            "sch_file_not_mapping", "is {kind}, not a mapping of scheme fields (expected name:, level:, years:, "
                                    "source:, max_points: …; see examples/scheme-template.yaml)", kind=kind)))
    return spec, doc


def _unknown_keys(path: Path, spec: dict, doc) -> list[SchemeProblem]:
    """A fault per key that is not a scheme field (with the field it most resembles)."""
    problems = []
    for key in spec:
        if not isinstance(key, str) or key not in SCHEME_FIELDS:
            known = list(SCHEME_FIELDS)
            close = difflib.get_close_matches(fold(str(key)), known, n=1, cutoff=0.6)
            problems.append(SchemeProblem(str(path), doc.line((str(key),)), str(key), None, because(
                "sch_not_field", "is not a scheme field ({hint}expected one of {known})",
                hint=did_you_mean(close[0] if close else None), known=", ".join(known))))
    return problems


def _cross_checks(path: Path, spec: dict, parsed: dict, doc, problems: list[SchemeProblem]) -> None:
    """Faults between fields: a complete scheme with null maxima, totals that do not add up."""
    if "max_points" not in parsed:
        return
    maxima = parsed["max_points"]
    unknown = [c for c, v in maxima.items() if v is None]
    ctx = FieldContext(path, "complete", parsed, spec.get("complete"), doc, problems)
    if parsed.get("complete") is True and unknown:
        ctx.problem(because("sch_complete_with_nulls", "says the scheme is complete, but the maxima of {codes} are "
                                                       "null (expected false, or every maximum given)",
                            codes=", ".join(unknown)))
    known = sum(v for v in maxima.values() if v is not None)
    total = parsed.get("total_points")
    share = parsed.get("unknown_share")
    ctx = FieldContext(path, "total_points", parsed, total, doc, problems)
    if total is not None and maxima and not unknown and not math.isclose(known, total, rel_tol=1e-9, abs_tol=1e-6):
        ctx.problem(because("sch_total_not_sum", "is not the sum of max_points, {known:g} (expected them equal: the "
                                                 "total's maximum is the sum of its components' maxima)",
                            known=float(known)))
    if total is not None and unknown and share is not None:
        if not math.isclose(known + share["max_points"], total, rel_tol=1e-9, abs_tol=1e-6):
            ctx.problem(because("sch_total_not_known_and_share", "is not the known maxima ({known:g}) plus "
                                                                 "unknown_share ({share:g}) (expected them equal)",
                                known=float(known), share=float(share["max_points"])))
    elif total is not None and unknown and known > total + 1e-6:
        ctx.problem(because("sch_total_below_known", "is less than the known maxima, which add up to {known:g} "
                                                     "(expected at least that)", known=float(known)))
    survey = parsed.get("survey_points")
    if survey is not None and total is not None and survey > total:
        FieldContext(path, "survey_points", parsed, survey, doc, problems).problem(
            because("sch_survey_above_total", "is more than total_points ({total:g}) (expected a part of the total)",
                    total=float(total)))


