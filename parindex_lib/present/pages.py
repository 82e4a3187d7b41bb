"""What each report page shows, built from the notebook's parameters in one call.

A notebook does ``ctx = pages.build(**params)`` and then displays ``ctx``'s pieces: the analyses
run here (tested), the notebook only presents them. The pieces live by page (:mod:`.page_context`,
:mod:`.trends_page`, :mod:`.weighting_page`; the summary's and the lift page's here) and are all named here.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from parindex_lib.analyses import lift, trends
from parindex_lib.analyses.criteria_lift import CriteriaLiftResult
from parindex_lib.analyses.peers import group_of
from parindex_lib.model.index import met
from parindex_lib.model.schema import unit_rows
from parindex_lib.present import criteria_pages, report
from parindex_lib.present.blocks_page import blocks_lift
from parindex_lib.present.i18n import component_name, t
from parindex_lib.present.page_context import Context, blank, build, needs_components
from parindex_lib.present.peer_groups import group_label, group_page_href
from parindex_lib.present.provenance import provenance, relative
from parindex_lib.present.render import fragment
from parindex_lib.present.trends_page import (
    history_frame,
    lineage_chart,
    predecessors,
    reference_frame,
    trends_reading,
    trends_table,
)
from parindex_lib.present.weighting_page import (
    NEIGHBOURS,
    PEER_ROWS,
    consistency_table,
    contributions,
    contributions_table,
    inference,
    sensitivity,
    weighting_reading,
)
from parindex_lib.vn import format_number, format_pct, format_pp

__all__ = ["GROUP_PAGES", "NEIGHBOURS", "PAGES", "PEER_ROWS", "Context", "blank", "build", "consistency_table",
           "contributions", "contributions_table", "footer", "header", "headline", "history_frame", "inference",
           "lineage_chart", "links", "needs_components", "peer_link", "plan_targets", "predecessors", "provenance",
           "recommendations", "reference_frame", "relative", "scenario", "sensitivity", "single_component",
           "status_note", "status_table", "trends_reading", "trends_table", "weighting_reading"]

PAGES = {"summary": "00_summary", "trends": "10_trends", "weighting": "20_weighting", "lift": "30_lift"}
#: Pages rendered once per peer group (in the group's own folder), not per unit.
GROUP_PAGES = {"peers": "50_peers"}


def header(ctx: Context, page: str) -> HTML:
    """Title, the illustrative banner where it applies, and one sentence of context."""
    idx = ctx.index
    rows = unit_rows(ctx.scores, idx.unit, idx.level)
    shown_illustrative = page == "trends" and rows["illustrative"].any()
    banner = report.illustrative_banner(rows, ctx.lang) if idx.illustrative or shown_illustrative else None
    if idx.sums_points:
        context = t("context_blocks", ctx.lang, basis=report.basis_label(idx, ctx.lang),
                    target_year=idx.target_year, scheme=idx.scheme.title(ctx.lang) or idx.scheme.name)
    elif idx.can_total:
        scheme = t("scheme_from_points", ctx.lang) if idx.from_points else idx.scheme.title(ctx.lang) or idx.scheme.name
        context = t("context_summary", ctx.lang, basis=report.basis_label(idx, ctx.lang),
                    target_year=idx.target_year, scheme=scheme)
    else:
        context = t("context_totals_only", ctx.lang, basis=report.basis_label(idx, ctx.lang),
                    target_year=idx.target_year)
    back = t("back_to_summary", ctx.lang) if page != "summary" else None
    return ctx.html(fragment("header", t(page + "_title", ctx.lang, unit=idx.unit), banner, context, back))


def headline(ctx: Context) -> HTML:
    """The total against the target, last rank, and what is missing."""
    projected = trends.projected_total(ctx.index, ctx.status)
    paragraphs = [report.gap_sentence(ctx.index, ctx.lang)]
    if projected is not None:
        verdict = "projection_meets" if met(projected, ctx.index.target, ctx.index.bound) else "projection_short"
        paragraphs.append(t("projected_total_line", ctx.lang, total=format_pct(projected, ctx.lang),
                            verdict=t(verdict, ctx.lang)))
    if ctx.index.sums_points and ctx.index.check_total().consistent is False:  # kept as published: said here
        paragraphs.append(report.blocks_check_sentence(ctx.index, ctx.lang))
    return ctx.html(fragment("section", lead=report.total_sentence(ctx.index, ctx.lang), paragraphs=paragraphs))


def status_table(ctx: Context):
    """The components' status table (coloured and labelled); nothing when only the total is known."""
    if ctx.status.empty:
        return blank(ctx)
    projected = ctx.status["projected"].notna().any()
    table = report.status_table(ctx.status, ctx.lang, projected=projected)
    styler = report.styled(table, t("col_status", ctx.lang), list(ctx.status["status"]))
    return styler.set_caption(t("status_table", ctx.lang))


def status_note(ctx: Context) -> HTML:
    """How the status was judged: from a projection, or the change still needed."""
    if ctx.status.empty:
        return blank(ctx)
    if ctx.status["projected"].notna().any():
        text = t("projection_note", ctx.lang)
    else:
        text = t("no_projection_note", ctx.lang, basis=report.basis_label(ctx.index, ctx.lang))
    return ctx.html(fragment("section", note=text))


def recommendations(ctx: Context) -> HTML:
    """The recommendation sentence, the table of improvements and the cost model, in plain words; for a unit
    scored by criteria, the criteria to move, their owners and what each takes."""
    if ctx.lift is None:
        return blocks_lift(ctx) if ctx.index.sums_points else needs_components(ctx)
    if isinstance(ctx.lift, CriteriaLiftResult):
        return criteria_pages.recommendations(ctx)
    table = report.recommendation_table(ctx.lift, ctx.lang)
    note = report.cost_sentence(ctx.lift, ctx.lang)
    if ctx.criteria_reason:
        note = f"{note} {ctx.criteria_reason}"
    return ctx.html(fragment("section", title=t("recommend_title", ctx.lang),
                             paragraphs=[report.recommendation_sentence(ctx.lift, ctx.lang)],
                             table=None if table.empty else report.styled(table).to_html(), note=note))


def plan_targets(ctx: Context, detailed: bool = False) -> HTML:
    """The total at the plan's targets and which single misses would break the goal."""
    if ctx.plan is None:
        return blank(ctx)
    table = None
    if detailed:
        rows = [{t("col_component", ctx.lang): component_name(c, ctx.lang),
                 t("col_value", ctx.lang): format_pct(r.current, ctx.lang),
                 t("col_target", ctx.lang): format_pct(r.target, ctx.lang),
                 t("col_total_if_missed", ctx.lang): format_pct(r.total_if_missed, ctx.lang),
                 t("col_breaks", ctx.lang): t("answer_yes" if r.breaks_goal else "answer_no", ctx.lang),
                 t("col_lead", ctx.lang): r.lead_units or ""} for c, r in ctx.plan.table.iterrows()]
        table = report.styled(pd.DataFrame(rows)).to_html()
    return ctx.html(fragment("section", title=t("plan_targets_title", ctx.lang),
                             paragraphs=report.plan_targets_sentences(ctx.plan, ctx.index, ctx.lang), table=table))


def links(ctx: Context) -> HTML:
    """Links to the three detailed pages."""
    items = [(f"{page}.html", t(page + "_title", ctx.lang, unit=ctx.index.unit)) for page in ("trends", "weighting",
                                                                                              "lift")]
    return ctx.html(fragment("links", t("links_title", ctx.lang), items))


def single_component(ctx: Context):
    """How far each component alone would have to rise."""
    if ctx.totals_only:
        return blank(ctx)
    table = lift.single_component(ctx.index)
    rows = [{t("col_component", ctx.lang): component_name(c, ctx.lang),
             t("col_value", ctx.lang): format_pct(r.current, ctx.lang),
             t("col_needed", ctx.lang): format_pct(r.needed, ctx.lang) if r.feasible else t("cannot", ctx.lang)}
            for c, r in table.iterrows()]
    return report.styled(pd.DataFrame(rows)).set_caption(t("single_title", ctx.lang))


def scenario(ctx: Context, **values: float) -> HTML:
    """A what-if in one line: set some components, see the new total and what is still missing."""
    if ctx.totals_only:
        return blank(ctx)
    # The notebook's example names C6 and SIPAS: a unit scored in other blocks (a province's own
    # scheme) is told which of the scenario's components its scheme does not have, not failed.
    outside = [c for c in values if c not in ctx.index.values.index]
    values = {c: v for c, v in values.items() if c not in outside}
    paragraphs = []
    if outside:
        paragraphs.append(t("scenario_not_in_scheme", ctx.lang, codes=", ".join(outside),
                            scheme=ctx.index.scheme.name, components=", ".join(ctx.index.components)))
    if values:
        new = ctx.index.scenario(**values)
        desc = ", ".join(f"{c} = {format_pct(v, ctx.lang)}" for c, v in values.items())
        remaining = (t("scenario_done", ctx.lang) if new.meets_target else
                     t("scenario_remaining", ctx.lang, gap=format_number(new.required_total - new.total, ctx.lang)))
        paragraphs.append(t("scenario_sentence", ctx.lang, desc=desc, total=format_pct(new.total, ctx.lang),
                            delta=format_pp(new.total - ctx.index.total, ctx.lang), remaining=remaining))
    return ctx.html(fragment("section", title=t("scenario_title", ctx.lang), paragraphs=paragraphs))


def footer(ctx: Context) -> HTML:
    """Scheme and check, then provenance: input hashes, parameters, library version, run time."""
    prov = provenance(ctx)
    return ctx.html(fragment(
        "footer", report.check_sentence(ctx.index, ctx.lang), t("provenance_title", ctx.lang),
        t("provenance_inputs", ctx.lang), prov["inputs"], t("provenance_params", ctx.lang), prov["params"],
        t("provenance_version", ctx.lang, version=prov["version"], time=prov["time"])))


# -- the unit's peer group (parindex_lib.present.peer_pages) ----------------------------------------------------

def peer_link(ctx: Context) -> HTML:
    """The link to the unit's peer-group page, when its group has one."""
    idx = ctx.index
    if (idx.year, idx.period) != (int(ctx.params["year"]), str(ctx.params["period"])):
        return blank(ctx)  # a unit reported on an earlier result is not in the run's groups
    href = group_page_href(ctx.scores, idx.unit, idx.level, idx.year, idx.period)
    if href is None:
        return blank(ctx)
    label = t("peers_link", ctx.lang, group=group_label(group_of(ctx.scores, idx.unit, idx.level, idx.year,
                                                                 idx.period), ctx.lang))
    return ctx.html(fragment("links", t("peers_title_index", ctx.lang), [(href, label)]))

