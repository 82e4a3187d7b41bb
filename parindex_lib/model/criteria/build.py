"""Checking criteria as read (drafts) and making the tree, every problem located."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from parindex_lib.errors import Reason, because, cause_of
from parindex_lib.model.components import all_codes, match_component
from parindex_lib.model.criteria.codes import parent_code
from parindex_lib.model.criteria.problems import CriteriaError, CriterionProblem
from parindex_lib.model.criteria.rule_text import RuleTextError, rule_from_spec
from parindex_lib.model.criteria.rules import EPS, Rule
from parindex_lib.model.criteria.tree import CriteriaTree, Criterion
from parindex_lib.vn import nfc


@dataclass
class Draft:
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
class Where:
    """Where drafts come from, for messages."""

    file: str
    sheet: str | None = None
    field_word: str = "field"

    def problem(self, draft: Draft | None, field_name: str | None, value: object, expected: str | Reason
                ) -> CriterionProblem:
        column = draft.fields.get(field_name, field_name) if draft is not None and field_name else field_name
        return CriterionProblem(self.file, draft.row if draft else None, column, value, expected, self.sheet,
                                draft.code if draft else None, self.field_word)


def build_tree(drafts: list[Draft], where: Where, meta: Mapping | None = None) -> CriteriaTree:
    """Check drafts and make the tree, reporting every problem at once.

    Raises
    ------
    CriteriaError
        Every problem, located by file, row, criterion, field and value.
    """
    meta = dict(meta or {})
    problems: list[CriterionProblem] = []
    drafts = _unique(drafts, where, problems)
    children = _children(drafts, where, problems)
    for d in drafts:
        if d.max_points is not None and not (math.isfinite(d.max_points) and d.max_points > 0):
            problems.append(where.problem(d, "max", pts(d.max_points), because(
                "crit_max_not_positive", "is not a positive number of points (expected the criterion's maximum, "
                                         "e.g. 2)")))
    built = _criteria(drafts, children, where, problems)
    order = {d.code: i for i, d in enumerate(drafts)}
    for d in drafts:
        if d.parent is not None and d.parent in order and order[d.parent] > order[d.code]:
            problems.append(where.problem(d, "code", d.code, because(
                "crit_before_parent", 'comes before its parent "{parent}" (expected parents first, as decisions '
                                      "print them)", parent=d.parent)))
    if not drafts:
        problems.append(CriterionProblem(where.file, None, None, "", because(
            "crit_no_criterion", "holds no criterion (expected one row or item per criterion)"), where.sheet))
    if problems:
        raise CriteriaError(problems)
    partial = bool(meta.get("partial", False)) or any(c.incomplete for c in built.values())
    return CriteriaTree(name=str(meta.get("name", "")), criteria=tuple(built[d.code] for d in drafts),
                        title_vi=nfc(meta.get("title_vi", "") or ""), title_en=nfc(meta.get("title_en", "") or ""),
                        source=str(meta.get("source", "") or "").strip(), level=str(meta.get("level", "") or ""),
                        partial=partial, illustrative=bool(meta.get("illustrative", False)), file=where.file)


def _unique(drafts: list[Draft], where: Where, problems: list[CriterionProblem]) -> list[Draft]:
    """Each code once (a repeat is a problem naming where the code was first given)."""
    seen: dict[str, Draft] = {}
    for d in drafts:
        if d.code in seen:
            first = seen[d.code]
            at = because("where_row", "row {row}", row=first.row) if first.row is not None else \
                because("crit_above", "above")
            problems.append(where.problem(d, "code", d.code, because(
                "crit_code_repeated", "repeats a code already given ({at}; expected each code once)", at=at)))
            continue
        seen[d.code] = d
    return list(seen.values())


def _children(drafts: list[Draft], where: Where, problems: list[CriterionProblem]) -> dict[str | None, list[Draft]]:
    """Each draft's children (the areas under ``None``); a parent not in the file is a problem."""
    codes = {d.code for d in drafts}
    children: dict[str | None, list[Draft]] = {}
    for d in drafts:
        if d.parent is None:
            d.parent = parent_code(d.code)
        if d.parent is not None and d.parent not in codes:
            problems.append(where.problem(d, "parent", d.parent, because(
                "crit_parent_not_listed", 'is not a criterion of this file (expected the parent of "{code}" to be '
                                          "listed)", code=d.code)))
            continue
        children.setdefault(d.parent, []).append(d)
    return children


def _criteria(drafts: list[Draft], children: dict[str | None, list[Draft]], where: Where,
              problems: list[CriterionProblem]) -> dict[str, Criterion]:
    """The criteria, parents first whatever the file's order: components and lead offices inherited from the
    areas, parents' maxima checked against their children's, leaves' rules read."""
    by_code = {d.code: d for d in drafts}
    depth = {d.code: _depth(d, by_code) for d in drafts}
    built: dict[str, Criterion] = {}
    inherited: dict[str, tuple[str, str | None]] = {}
    for d in sorted(drafts, key=lambda d: depth[d.code]):
        if d.parent is None:
            component, lead = _area_component(d, where, problems), d.lead_units
        else:
            up = inherited.get(d.parent, ("", None))
            if d.component and d.component != up[0]:
                problems.append(where.problem(d, "component", d.component, because(
                    "crit_component_not_area", "differs from its area's component {component} (expected the "
                    "component only on areas; sub-criteria inherit it)", component=up[0])))
            component, lead = up[0], d.lead_units or up[1]
        inherited[d.code] = (component, lead)
        kids = children.get(d.code, [])
        rule = None
        if kids:
            _check_parent(d, kids, where, problems)
        elif not (d.incomplete and d.rule in (None, "")):  # else: sub-criteria not known (a partial tree says so)
            rule = _leaf_rule(d, where, problems)
        built[d.code] = Criterion(d.code, d.name_vi, d.max_points if d.max_points is not None else 0.0, d.parent,
                                  d.name_en, rule, component, lead, d.incomplete, d.capped, depth[d.code], d.note,
                                  d.row)
        if not d.name_vi:
            problems.append(where.problem(d, "name_vi", "", because("crit_name_empty",
                                                                    "is empty (expected the criterion's name)")))
    return built


def _depth(d: Draft, by_code: Mapping[str, Draft]) -> int:
    n, p, guard = 0, d.parent, 0
    while p is not None and p in by_code and guard < 100:
        n, p, guard = n + 1, by_code[p].parent, guard + 1
    return n


def _area_component(d: Draft, where: Where, problems: list[CriterionProblem]) -> str:
    """An area's component code: as given, or by its name."""
    component = d.component
    if not component:
        component = match_component(d.name_vi) or (match_component(d.name_en) if d.name_en else None) or ""
        if component == "TOTAL":
            component = ""
    known = set(all_codes()) - {"TOTAL"}
    if not component:
        problems.append(where.problem(d, "component", d.component or d.name_vi, because(
            "crit_no_component", "does not name a component (expected C1…C8, SIPAS, a block, BONUS or PENALTY, "
                                 "or an area name the catalogue knows)")))
    elif component not in known:
        problems.append(where.problem(d, "component", component, because(
            "crit_not_component_code", "is not a component code (expected one of {codes})",
            codes=", ".join(sorted(known)))))
    return component


def _check_parent(d: Draft, kids: list[Draft], where: Where, problems: list[CriterionProblem]) -> None:
    """A parent has no rule, and its maximum is the sum of its children's unless it says why not."""
    if d.rule not in (None, ""):
        problems.append(where.problem(d, "rule", short(d.rule), because(
            "crit_rule_on_parent", "is given on a criterion that has sub-criteria (expected rules on leaves only; "
                                   "a parent's points are the sum)")))
    if d.max_points is None or any(k.max_points is None for k in kids):
        return
    total = sum(k.max_points for k in kids)
    listed = ", ".join(k.code for k in kids)
    if total < d.max_points - EPS and not d.incomplete:
        problems.append(where.problem(d, "max", pts(d.max_points), because(
            "crit_max_above_children", "is more than the sum of its sub-criteria's maxima {total} ({listed}; "
            "expected them equal, or a note saying why some are missing)", total=pts(total), listed=listed)))
    elif total > d.max_points + EPS and not d.capped:
        problems.append(where.problem(d, "max", pts(d.max_points), because(
            "crit_max_below_children", "is less than the sum of its sub-criteria's maxima {total} ({listed}; "
            "expected them equal, or a note saying the points are capped)", total=pts(total), listed=listed)))
    elif abs(total - d.max_points) <= EPS and (d.incomplete or d.capped):
        d.incomplete = d.capped = None  # nothing is missing or capped after all


def _leaf_rule(d: Draft, where: Where, problems: list[CriterionProblem]) -> Rule | None:
    """A leaf's rule, read from its spec or text; a leaf without one, or marked incomplete or capped, is a
    problem."""
    rule = None
    if d.rule in (None, ""):
        problems.append(where.problem(d, "rule", "", because(
            "crit_rule_missing", "is missing (expected the scoring rule of a criterion without sub-criteria: "
                                 "binary, steps, bands or free; or, in a partial tree, a note saying its "
                                 "sub-criteria are not known)")))
    elif d.max_points is not None and d.max_points > 0:
        try:
            rule = d.rule if isinstance(d.rule, Rule) else rule_from_spec(d.rule, d.max_points)
        except RuleTextError as exc:
            problems.append(where.problem(d, "rule", short(d.rule), cause_of(exc)))
    if d.incomplete or d.capped:
        problems.append(where.problem(d, "incomplete" if d.incomplete else "capped", d.incomplete or d.capped,
                                      because("crit_note_on_leaf", "is given on a scored criterion (expected it "
                                              "on a parent, or on a criterion whose sub-criteria are not known)")))
    return rule


def pts(value: float | None) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


def short(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "…"
