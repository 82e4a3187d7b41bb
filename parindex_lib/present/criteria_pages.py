"""The report pages' sections for a unit scored by criteria: the criteria to move (summary and lift pages), the
points lost per criterion (weighting page) and the quarterly progress per criterion (trends page).

:func:`unit_criteria` and :func:`unit_lift` are what :func:`parindex_lib.present.page_context.build` asks of a unit; the
sections take the page's :class:`~parindex_lib.present.page_context.Context` and show nothing for a unit not scored by
criteria, so every page's notebook can call them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from IPython.display import HTML
from markupsafe import Markup

from parindex_lib.analyses.criteria import UnitCriteria, criteria_beside, criteria_table
from parindex_lib.analyses.criteria_lift import CriteriaLiftResult, criteria_lift
from parindex_lib.analyses.criteria_lost import points_lost as lost_of
from parindex_lib.analyses.criteria_progress import CriteriaProgress, last_final, plan_from_lift, previous_point
from parindex_lib.analyses.criteria_progress import criteria_progress as progress_of
from parindex_lib.errors import MethodError
from parindex_lib.model.index import PARIndex
from parindex_lib.present import criteria as words
from parindex_lib.present.i18n import t
from parindex_lib.present.render import fragment

if TYPE_CHECKING:  # the pages' context imports this module: it is only named here
    from parindex_lib.present.page_context import Context


def unit_criteria(scores_path: str | Path, index: PARIndex) -> UnitCriteria | None:
    """The unit's criterion points at the index's point, from the criteria table beside the scores (None when
    the unit is not scored by criteria there, or its components cannot be totalled)."""
    if not index.can_total:
        return None
    table = criteria_table(criteria_beside(scores_path))
    key = (id(table), index.unit, index.year, index.period, index.level)
    if key not in _UNITS or _UNITS[key][0] is not table:
        _remember(_UNITS, key, (table, UnitCriteria.from_table(table, index.unit, index.year, index.period,
                                                               index.level)))
    return _UNITS[key][1]


def unit_lift(uc: UnitCriteria | None, index: PARIndex, lang: str) -> tuple[CriteriaLiftResult | None, str | None]:
    """The criteria to move of a unit scored by criteria, or (None, why not) when the scheme asked for does not
    total its criteria (the pages then lift it by components and say so); (None, None) for other units."""
    if uc is None:
        return None, None
    key = (id(uc), index.target, index.bound, index.scheme.name if index.scheme else "",
           tuple(index.values.items()), tuple(index.adjust_points.items()))
    if key not in _LIFTS or _LIFTS[key][0] is not uc:
        try:
            _remember(_LIFTS, key, (uc, criteria_lift(uc, index)))
        except MethodError:
            return None, t("cl_not_totalled", lang, scheme=index.scheme.name)
    return _LIFTS[key][1], None


#: A warm kernel's last units' criterion points and lifts (the pages of one unit share them: a page's context is
#: built once per page, and a kernel often runs several pages of one unit in a row). Each entry keeps the object
#: its key's ``id`` names, so the key cannot be taken by another object.
_UNITS: dict[tuple, tuple] = {}
_LIFTS: dict[tuple, tuple] = {}
_KEEP = 8


def _remember(cache: dict, key: tuple, entry: tuple) -> None:
    if len(cache) >= _KEEP:
        cache.pop(next(iter(cache)))
    cache[key] = entry


def recommendations(ctx: Context) -> HTML:
    """The criteria to move, their owners and what each takes (the summary and lift pages' recommendation)."""
    table = words.recommendation_table(ctx.lift, ctx.lang)
    return ctx.html(fragment("section", title=t("cl_recommend_title", ctx.lang),
                             paragraphs=[words.recommendation_sentence(ctx.lift, ctx.lang)],
                             table=None if table.empty else table.to_html(),
                             note=" ".join(words.notes(ctx.lift, ctx.lang))))


def points_lost(ctx: Context) -> HTML:
    """Where the points were lost, criterion by criterion (the weighting page of a unit scored by criteria):
    the ranked criteria grouped by area with their next step and what it takes, bonus points not earned, and
    the points the appraisal took off. Nothing for a unit not scored by criteria."""
    uc = ctx.criteria
    if uc is None:
        return ctx.html("")
    lost = lost_of(uc, ctx.index)
    paragraphs = words.lost_sentences(lost, uc.tree.title(ctx.lang) or uc.tree.name, ctx.lang)
    parts = [fragment("section", title=t("cl_lost_title", ctx.lang), paragraphs=paragraphs,
                      table=None if lost.criteria.empty else words.lost_table(lost, ctx.lang).to_html())]
    bonus = words.bonus_table(lost, ctx.lang)
    if bonus is not None:
        parts.append(bonus.to_html())
    appraised = uc.leaves["appraised_points"].notna().any()
    deductions = words.deductions_table(lost, ctx.lang)
    parts.append(fragment("section", title=t("cl_deductions_title", ctx.lang),
                          paragraphs=[words.deductions_sentence(lost, ctx.lang) if appraised
                                      else t("cl_no_appraisal", ctx.lang)],
                          table=None if deductions is None else deductions.to_html()))
    return ctx.html("".join(str(p) for p in parts))


def progress(ctx: Context) -> HTML:
    """Quarterly progress per criterion (the trends page of a unit scored by criteria at an interim period):
    which criteria moved since the previous period, and which changes of the plan — the criterion lift of the
    last final result — have not happened yet. Nothing otherwise."""
    found = unit_progress(ctx)
    if found is None:
        return ctx.html("")
    planned = words.planned_table(found, ctx.lang)
    moved = words.moved_table(found, ctx.lang)
    tables = "".join(str(x.to_html()) for x in (planned, moved) if x is not None)
    return ctx.html(fragment("section", title=t("cl_progress_title", ctx.lang),
                             paragraphs=words.progress_sentences(found, ctx.lang),
                             table=Markup(tables) if tables else None))


def unit_progress(ctx: Context) -> CriteriaProgress | None:
    """The unit's progress per criterion at an interim period (None at a final one, or for a unit not scored by
    criteria)."""
    uc, idx = ctx.criteria, ctx.index
    if uc is None or idx.period == "FY":
        return None
    table = criteria_table(criteria_beside(ctx.params["scores_path"]))
    points = UnitCriteria.points_in(table, idx.unit, idx.level)

    def at(point):
        return None if point is None else UnitCriteria.from_table(table, idx.unit, point[0], point[1], idx.level)

    previous = at(previous_point(points, idx.year, idx.period))
    final = last_final(points, idx.year)
    plan = None
    if final is not None:
        base = at(final)
        try:
            final_index = PARIndex.from_scores(ctx.scores, idx.unit, final[0], "FY", level=idx.level,
                                               target=idx.target, bound=">" if idx.bound == ">" else "ge")
            plan = plan_from_lift(criteria_lift(base, final_index), str(final[0]))
        except MethodError:
            plan = plan_from_lift(criteria_lift(base, target=idx.target, bound=idx.bound), str(final[0]))
    history = [at(p) for p in points if p[0] == idx.year and p[1] != "FY"]
    return progress_of(uc, previous, plan, idx, history)
