"""A unit's report pages' context: the analyses every page of one unit shows, run once from the notebook's
parameters (:func:`build`), and the sentence a page shows in place of an analysis that needs the components.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from parindex_lib.analyses import lift, trends
from parindex_lib.analyses.criteria import UnitCriteria
from parindex_lib.config import RAW_DIR, SCORES_CSV, TASKS_CSV
from parindex_lib.model.index import PARIndex
from parindex_lib.model.index_store import IndexKey, stored_index
from parindex_lib.present import criteria_pages, report
from parindex_lib.present.i18n import check_lang, t
from parindex_lib.present.render import fragment
from parindex_lib.standardise import load_scores, load_tasks


@dataclass(frozen=True)
class Context:
    """Everything one unit's pages show: the index, its status, the lift, and the parameters."""

    params: dict
    scores: pd.DataFrame
    index: PARIndex
    status: pd.DataFrame
    lift: lift.LiftResult | None
    plan: lift.PlanTargets | None
    lang: str
    #: The run's rank intervals (derived from the scores, so not listed among the page's parameters).
    peers_path: str = ""
    #: The unit's criterion points at the report's point (None: not scored by criteria).
    criteria: UnitCriteria | None = None
    #: Why a unit scored by criteria is lifted by components instead (None when it is not).
    criteria_reason: str | None = None

    def html(self, markup: str) -> HTML:
        """Display markup rendered from the templates (data text escaped by autoescape)."""
        return HTML(str(markup))

    @property
    def totals_only(self) -> bool:
        """Whether only the unit's total is known (no components its scheme can total)."""
        return not self.index.can_total


def build(*, scores_path: str, tasks_path: str, raw_dir: str, unit: str, year: int, period: str,
          target: float, bound: str, scheme: str, lang: str, level: str = "", peers_path: str = "",
          indices_path: str = "") -> Context:
    """Load the standardised data and run the analyses for one unit's pages (``target`` in (0, 100]).

    ``scheme`` empty: the unit's own (the points in the data, else its level's scheme for the year).
    A unit with only totals gets a context without lift and plan targets: its pages say what they need.
    ``peers_path``: the rank intervals a run computed once for every unit (else computed here).
    ``indices_path``: the indices a run built once for every unit (else the unit's is built here).
    ``scores_path``, ``tasks_path``, ``raw_dir`` empty: the project's (a notebook opened in JupyterLab).
    """
    check_lang(lang)
    scores_path, tasks_path = str(scores_path or SCORES_CSV), str(tasks_path or TASKS_CSV)
    raw_dir = str(raw_dir or RAW_DIR)
    scores = load_scores(scores_path)
    key = IndexKey(unit, level, year, period, float(target), bound, scheme)
    index = stored_index(indices_path, key, scores_path, tasks_path) or PARIndex.from_scores(
        scores, unit, year, period, scheme=scheme or None, target=float(target), bound=bound,
        tasks=load_tasks(tasks_path), level=level or None)
    params = dict(scores_path=scores_path, tasks_path=tasks_path, raw_dir=raw_dir, unit=unit, level=index.level,
                  year=year, period=period, target=target, bound=bound,
                  scheme=index.scheme.name if index.scheme else "", lang=lang)
    uc = criteria_pages.unit_criteria(scores_path, index)
    result, reason = criteria_pages.unit_lift(uc, index, lang)  # a unit scored by criteria: the criteria to move
    if result is None and index.can_total:
        result = lift.lift(index, "gap")  # `parindex lift` offers the other models
    plan = lift.plan_targets(index) if index.can_total else None
    return Context(params, scores, index, trends.target_status(index, scores), result, plan, lang, peers_path, uc,
                   reason)


def needs_components(ctx: Context) -> HTML:
    """The one sentence a page shows instead of an analysis that needs the components."""
    idx = ctx.index
    return ctx.html(fragment("section", note=t("needs_components", ctx.lang, unit=idx.unit,
                                               basis=report.basis_label(idx, ctx.lang),
                                               level=t(f"level_{idx.level}", ctx.lang), year=idx.year)))


def blank(ctx: Context) -> HTML:
    """Nothing to show (a page piece that does not apply to the unit)."""
    return ctx.html("")
