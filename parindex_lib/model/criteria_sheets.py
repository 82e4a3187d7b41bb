"""A self-assessment sheet's rows, as read, checked against the criteria tree of their scheme.

The reader (:mod:`parindex_lib.readers.criteria`) reads each row as written — what it says about its criterion
(a :class:`CriterionRef`: a code, a hierarchy of names, the grand total) and the text of each column — and
names no scheme. Here, in the standardise step, each row finds its scheme (the manifest's ``scheme:``, else the
default scheme of its level and year that carries criteria) and the tree it names; its criterion is matched in
the tree and its values are checked against the criterion's maximum and rule. Every fault is located by file,
sheet, row, criterion, column and value.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from parindex_lib.errors import BadValue, Problem, Reason, SchemeError, because
from parindex_lib.model.components import TOTAL
from parindex_lib.model.criteria import EPS, CriteriaTree, Criterion, CriterionProblem, tree_of
from parindex_lib.model.criteria.problems import error_reason, level_said
from parindex_lib.model.schemes import default_scheme, load_scheme
from parindex_lib.vn import fold, nfc, parse_number

_MISSING_WORDS = {"x", "n a", "na", "khong", "khong co", "k", "kxd"}
_NUMBERING = re.compile(r"^\s*(?:[ivxlIVXL]+|\d+(?:[.,]\d+)*|[a-zđ])\s*[.)/:-]\s*|^\s*\d+(?:\.\d+)+\s+")


@dataclass(frozen=True)
class CriterionRef:
    """What a row says about its criterion: a code as written (and read), a hierarchy of names, or a fault."""

    raw: str | None = None
    code: str | None = None
    path: list | None = None
    error: str | Reason | None = None
    area: int | None = None


@dataclass(frozen=True)
class RowPlace:
    """Where a row is, for messages: its file, sheet, row number and the header of each field."""

    file: str
    sheet: str | None
    number: int
    names: dict = field(default_factory=dict)

    def problem(self, key: str | None, value: object, expected: str | Reason, code: str | None = None) -> Problem:
        column = self.names.get(key, key) if key else None
        return CriterionProblem(self.file, self.number, column, value, expected, self.sheet, code)


def check_rows(read: list[dict]) -> tuple[list[dict], dict[str, CriteriaTree], list[Problem]]:
    """Each row read from a self-assessment sheet, checked against its scheme's tree.

    Parameters
    ----------
    read : list of dict
        Rows as the reader gives them: ``unit``, ``level``, ``year``, ``period``, ``scheme`` (the manifest's, or
        None), ``ref`` (:class:`CriterionRef`), ``values`` (column key → text), ``place`` (:class:`RowPlace`),
        ``header_row``, ``illustrative``, ``keep_inconsistent``, ``province``.

    Returns
    -------
    tuple
        Criteria rows (:data:`~parindex_lib.model.criteria_scores.READ_COLUMNS`; a faulty row is kept, flagged,
        without its values, so that it is not also reported missing), the trees used by scheme, the problems.
    """
    rows, trees, problems = [], {}, []
    found_trees: dict[tuple, tuple[str, CriteriaTree] | Problem] = {}
    for raw in read:
        key = (raw["scheme"], raw["level"], raw["year"])
        if key not in found_trees:
            found_trees[key] = _tree_for(raw["scheme"], raw["level"], raw["year"], raw["place"], raw["header_row"])
            if isinstance(found_trees[key], Problem):
                problems.append(found_trees[key])
        if isinstance(found_trees[key], Problem):
            continue
        scheme_id, tree = found_trees[key]
        trees[scheme_id] = tree
        code, fault = _code_of(raw["ref"], tree, raw["values"], raw["place"])
        if fault is not None:
            problems.append(fault)
            continue
        row, found = _row(raw, code, tree)
        row["scheme"] = scheme_id
        problems += found
        rows.append({**row, "faulty": bool(found)})
    return rows, trees, problems


def _tree_for(scheme: str | None, level: str | None, year: int, place: RowPlace, row: int
              ) -> tuple[str, CriteriaTree] | Problem:
    """The scheme named (or of the level and year) — as ``load_scheme`` finds it again: its name, or the path
    given — with its criteria tree; or the located reason there is none."""
    def problem(value: object, expected: Reason) -> Problem:
        return Problem(place.file, row, None, value, expected, place.sheet)

    try:
        found = load_scheme(scheme) if scheme else default_scheme(level, year) if level else None
    except SchemeError as exc:
        return problem(scheme or "", because("crit_scheme_unusable", "names a scheme that cannot be used: {error}",
                                             error=str(exc), why=error_reason(exc)))
    if found is None:
        where = because("crit_of_level", "of the {which} level ", which=level_said(level)) if level else ""
        return problem(place.sheet or "", because(
            "crit_no_scheme_for_sheet", "is a self-assessment of criteria, but no scheme {where}for {year} carries "
            "criteria (expected scheme: <name> in data/raw/manifest.yaml, a scheme whose criteria: names its tree)",
            where=where, year=year))
    tree = tree_of(found)
    if tree is None:
        return problem(found.name, because("crit_scheme_without_criteria", "is a scheme without criteria (expected "
                                           "a scheme whose criteria: names its tree, e.g. illustrative-commune-2024)"))
    given_as_path = bool(scheme) and (Path(scheme).suffix in {".yaml", ".yml"} or "/" in scheme or "\\" in scheme)
    return (str(scheme) if given_as_path else found.name), tree


def _code_of(ref: CriterionRef, tree: CriteriaTree, values: dict, where: RowPlace
             ) -> tuple[str | None, Problem | None]:
    """The criterion a row scores, checked against the tree (or the located reason it cannot be)."""
    code_column = "code" if "code" in where.names else "name"
    if ref.error is not None:
        return None, where.problem(code_column, ref.raw, ref.error)
    if ref.code == TOTAL:
        return TOTAL, None
    if ref.path is not None:  # the hierarchy of merged cells: names, not codes
        return _code_from_path(ref.path, tree, where)
    if ref.code is None:
        text = values.get("name") or values.get("code") or ""
        return None, where.problem(code_column, text, because(
            "crit_points_no_code", 'has points but no code (expected the criterion\'s code in "{column}")',
            column=where.names.get("code", "STT/Mã")))
    if ref.code not in tree:
        return None, where.problem(code_column, ref.raw, because(
            "crit_not_in_scheme", 'is not a criterion of scheme "{scheme}" (expected one of its codes, {codes})',
            scheme=tree.name, codes=_codes_hint(tree)), ref.code)
    written = values.get("name", "")
    if written and not _names_agree(written, tree[ref.code].name_vi):
        return None, where.problem("name", written, because(
            "crit_name_not_scheme", 'is not the name of criterion {code} in scheme "{scheme}" (expected "{name}"; '
            "is the sheet scored by another scheme, or is its code wrong?)", code=ref.code, scheme=tree.name,
            name=tree[ref.code].name_vi), ref.code)
    return ref.code, None


def _code_from_path(path: list[str], tree: CriteriaTree, where: RowPlace) -> tuple[str | None, Problem | None]:
    """The criterion named by a hierarchy of names (area, criterion, sub-criterion), matched level by level."""
    parent = None
    for depth, name in enumerate(path):
        key = f"tier{depth}"
        if name is None:
            return None, where.problem(key, "", because(
                "crit_level_above_empty", 'leaves the level above "{name}" empty (expected the area and criterion '
                                          "it belongs to)", name=path[depth + 1] or ""))
        children = tree.children(parent)
        matches = [c for c in children if _bare(c.name_vi) == _bare(name)]
        if not matches:  # a name shortened or lengthened, never one merely alike (that would be a guess)
            matches = [c for c in children if _bare(name) in _bare(c.name_vi) or _bare(c.name_vi) in _bare(name)]
        if len(matches) != 1:
            options = "; ".join(f'{c.code} "{c.name_vi}"' for c in children[:6])
            more = " …" if len(children) > 6 else ""
            what = because("crit_matches_several", "matches several criteria") if matches else \
                because("crit_not_a_criterion", "is not a criterion")
            under = because("crit_under", " of {parent}", parent=parent) if parent else \
                because("crit_an_area", " (an area)")
            return None, where.problem(key, name, because(
                "crit_name_in_scheme", '{what}{under} in scheme "{scheme}" (expected one of: {options}{more})',
                what=what, under=under, scheme=tree.name, options=options, more=more))
        parent = matches[0].code
    return parent, None


def _codes_hint(tree: CriteriaTree) -> str:
    codes = tree.codes
    return f"{codes[0]} … {codes[-1]}" if len(codes) > 2 else ", ".join(codes)


def bare_name(name: str) -> str:
    """A criterion's name without its numbering, folded (for matching names as sheets write them)."""
    return fold(_NUMBERING.sub("", nfc(name)))


_bare = bare_name


def _names_agree(written: str, expected: str) -> bool:
    """Whether a sheet's criterion name is the scheme's (leading numbering and case ignored; abbreviations and
    small changes of wording allowed)."""
    a, b = _bare(written), _bare(expected)
    if not a or a == b or a in b or b in a:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.6


# -- one row's values ------------------------------------------------------------------------------------


@dataclass
class _Checked:
    """A row's values checked one by one against its criterion; each fault located."""

    values: dict
    place: RowPlace
    code: str
    node: Criterion | None
    problems: list[Problem] = field(default_factory=list)

    def fail(self, key: str, value: str, expected: Reason) -> None:
        self.problems.append(self.place.problem(key, value, expected, None if self.code == TOTAL else self.code))


def _row(raw: dict, code: str, tree: CriteriaTree) -> tuple[dict, list[Problem]]:
    """One criterion row, its values checked against the criterion's maximum and rule."""
    node = tree[code] if code != TOTAL else None
    check = _Checked(raw["values"], raw["place"], code, node)
    penalty = node is not None and tree.area_of(code).component == "PENALTY"
    points = {key: _points(check, key, penalty) for key in ("self", "appraised")}
    measured = _measured_value(check)
    if node is not None:
        _written_maximum(check, tree)
        _band(check, points, measured)
    values, place = raw["values"], raw["place"]
    row = {"unit": raw["unit"], "level": raw["level"] or tree.level, "year": raw["year"], "period": raw["period"],
           "scheme": tree.name, "criterion": code, "name_written": values.get("name", ""),
           "max_written": values.get("max", ""), "self_points": _nan(points["self"]),
           "appraised_points": _nan(points["appraised"]), "measured": _nan(measured),
           "evidence": values.get("evidence") or None, "lead_units": values.get("lead") or None,
           "note": values.get("note") or None, "file": place.file, "sheet": place.sheet or "", "row": place.number,
           "columns": dict(place.names), "illustrative": bool(raw["illustrative"]),
           "keep_inconsistent": bool(raw["keep_inconsistent"]), "faulty": False, "province": raw["province"]}
    if check.problems:
        row.update(self_points=float("nan"), appraised_points=float("nan"), measured=float("nan"))
    return row, check.problems


def _points(check: _Checked, key: str, penalty: bool) -> float | None:
    """Self-assessed or appraised points: a number within the criterion's maximum that its rule allows."""
    text, node = check.values.get(key, ""), check.node
    if not text:
        return None
    if fold(text) in _MISSING_WORDS or text.strip() in {"-", "–", "—", "/"}:
        check.fail(key, text, because("crit_points_word", "is not a number of points (expected e.g. 1 or 0,5; "
                                                          "write 0 for no points)"))
        return None
    try:
        value = _number(text)
    except ValueError:
        check.fail(key, text, because("crit_points_not_number", "is not a number of points (expected e.g. 1 or 0,5)"))
        return None
    if value < 0 and penalty:
        value = -value  # penalty points written as a deduction ("-1") are the points deducted
    if value < 0:
        check.fail(key, text, because("crit_points_negative", "is negative (expected points from 0 to the "
                                                              "criterion's maximum)"))
        return None
    if node is not None and value > node.max_points + EPS:
        check.fail(key, text, because("crit_points_above_max", "is above the maximum {maximum} of criterion {code} "
                                      "(expected at most {maximum})", maximum=_g(node.max_points), code=check.code))
        return None
    if node is not None and node.rule is not None and not node.rule.allows(value, node.max_points):
        levels = node.rule.levels(node.max_points)
        labels = "; ".join(f"{_g(v)} \"{node.rule.label_of(v)}\"" if node.rule.label_of(v) else _g(v)
                           for v in reversed(levels))
        check.fail(key, text, because("crit_points_not_allowed", "is not a value the rule of criterion {code} "
                                      "allows (expected one of: {labels})", code=check.code, labels=labels))
        return None
    return value


def _measured_value(check: _Checked) -> float | None:
    text = check.values.get("measured")
    if not text:
        return None
    try:
        return _measured(text)
    except ValueError:
        check.fail("measured", text, because("crit_not_measured", "is not a measured value (expected a number or "
                                                                  "a percentage, e.g. 92% or 18/20)"))
        return None


def _written_maximum(check: _Checked, tree: CriteriaTree) -> None:
    """A maximum written on the sheet must be the criterion's."""
    text = check.values.get("max")
    if not text:
        return
    try:
        written = _number(text)
    except ValueError:
        check.fail("max", text, because("crit_written_max_not_number", "is not a number of points (expected the "
                                                                        "criterion's maximum)"))
        return
    if abs(written - check.node.max_points) > EPS:
        check.fail("max", text, because("crit_written_max_differs", 'is not the maximum of criterion {code} in '
                                        'scheme "{scheme}" (expected {maximum})', code=check.code, scheme=tree.name,
                                        maximum=_g(check.node.max_points)))


def _band(check: _Checked, points: dict, measured: float | None) -> None:
    """Points of a band rule must be those of the band the measured value falls in."""
    rule = check.node.rule
    if rule is None or rule.kind != "bands" or measured is None:
        return
    expected = rule.points_for(measured)
    checked = "self" if points.get("self") is not None else "appraised"
    value = points.get(checked)
    if expected is None:
        check.fail("measured", check.values["measured"], because(
            "crit_measured_no_band", "lies in no band of criterion {code} (expected a value the rule covers)",
            code=check.code))
    elif value is not None and abs(value - expected) > EPS:
        band = rule.band_for(measured)
        check.fail(checked, check.values[checked], because(
            "crit_points_not_band", 'is not the points of the band that the measured {measured} falls in (expected '
            '{points}: "{band}")', measured=f"{_g(measured)}{rule.unit}", points=_g(expected),
            band=band.label_vi or band.describe(rule.unit)))


def _number(text: str) -> float:
    s = re.sub(r"\s*(điểm|đ|points?)\s*$", "", nfc(text), flags=re.IGNORECASE)
    return parse_number(s)[0]


def _measured(text: str) -> float:
    s = nfc(text).replace("％", "%").strip()
    m = re.fullmatch(r"(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)(?:\s*\S.*)?", s)
    if m:  # "18/20 nhiệm vụ" → 90%
        done, planned = parse_number(m.group(1))[0], parse_number(m.group(2))[0]
        if planned <= 0:
            raise BadValue(because("crit_zero_denominator", "has a zero denominator (expected e.g. 18/20)"))
        return 100.0 * done / planned
    s = re.sub(r"\s*%$", "", s)
    return parse_number(s)[0]


def _nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _g(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")
