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

from parindex_lib.model.criteria.build import build_tree
from parindex_lib.model.criteria.codes import normalise_code, parent_code, roman_to_int
from parindex_lib.model.criteria.loading import (
    SPREADSHEET_SUFFIXES,
    YAML_SUFFIXES,
    available_criteria,
    criteria_dirs,
    load_criteria,
    tree_from_spec,
)
from parindex_lib.model.criteria.problems import CriteriaError, CriterionProblem
from parindex_lib.model.criteria.rule_text import RuleTextError, parse_condition, parse_rule_text, rule_from_spec
from parindex_lib.model.criteria.rules import EPS, RULE_KINDS, Band, NextStep, Reach, Rule, Step, rule_problems
from parindex_lib.model.criteria.scheme import read_scheme_criteria, tree_of
from parindex_lib.model.criteria.tree import CriteriaTree, Criterion

__all__ = [
    "EPS", "RULE_KINDS", "SPREADSHEET_SUFFIXES", "YAML_SUFFIXES", "Band", "CriteriaError", "CriteriaTree",
    "Criterion", "CriterionProblem", "NextStep", "Reach", "Rule", "RuleTextError", "Step", "available_criteria",
    "build_tree", "criteria_dirs", "load_criteria", "normalise_code", "parent_code", "parse_condition",
    "parse_rule_text", "read_scheme_criteria", "roman_to_int", "rule_from_spec", "rule_problems", "tree_from_spec",
    "tree_of",
]
