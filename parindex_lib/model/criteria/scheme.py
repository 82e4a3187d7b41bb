"""The scheme's ``criteria:`` key: a tree beside the scheme, shipped or inline, agreeing with the scheme."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from parindex_lib.errors import because
from parindex_lib.model.components import adjustments
from parindex_lib.model.criteria.build import pts
from parindex_lib.model.criteria.loading import load_criteria
from parindex_lib.model.criteria.problems import CriteriaError, level_said, problem_reason
from parindex_lib.model.criteria.rules import EPS
from parindex_lib.model.criteria.tree import CriteriaTree


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
            ctx.problem(_unusable(p), shown)
        ctx.fail(_unusable(last), shown)
    level = ctx.parsed.get("level")
    if tree.level and level and tree.level != level:
        ctx.problem(because("crit_tree_level", "holds criteria of the {tree_level} level, but the scheme is of the "
                            "{scheme_level} level (expected one level)", tree_level=level_said(tree.level),
                            scheme_level=level_said(level)), shown)
    tree = replace(tree, level=tree.level or str(level or ""), name=tree.name or Path(ctx.file).stem)
    maxima = ctx.parsed.get("max_points")
    if maxima is not None and not tree.partial:
        for code, points in tree.maxima().items():
            given = maxima.get(code, "missing")
            if given is None or given == "missing" or abs(float(given) - points) > EPS:
                shown_given = _nothing() if given == "missing" else ("null" if given is None else pts(float(given)))
                ctx.problem(because("crit_tree_maximum", "gives {code} {points} points (the sum of its areas' "
                                    "maxima), but max_points gives {given} (expected them equal)", code=code,
                                    points=pts(points), given=shown_given), shown)
    if "max_points" in ctx.parsed:
        caps = ctx.parsed.get("adjustments") or {}
        for code, cap in tree.maxima(include_adjustments=True).items():
            if code in adjustments() and (code not in caps or caps[code] is None or abs(caps[code] - cap) > EPS):
                have = _nothing() if code not in caps else ("null" if caps[code] is None else pts(caps[code]))
                ctx.problem(because("crit_tree_adjustment", "gives {code} points up to {cap}, but adjustments gives "
                                    "{given} (expected {example})", code=code, cap=pts(cap), given=have,
                                    example=f"adjustments: {{{code}: {pts(cap)}}}"), shown)
    return tree


def _unusable(problem) -> object:
    return because("crit_tree_unusable", "cannot be used: {problem}", problem=problem_reason(problem))


def _nothing() -> object:
    return because("crit_nothing", "nothing")


def tree_of(scheme: object) -> CriteriaTree | None:
    """A scheme's criteria tree (``None`` when the scheme carries none)."""
    return getattr(scheme, "criteria", None)
