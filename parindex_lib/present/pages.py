"""What each report page shows, built from the notebook's parameters in one call.

A notebook does ``ctx = pages.build(**params)`` and then displays ``ctx``'s pieces: the analyses
run here (tested), the notebook only presents them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from parindex_lib import __version__
from parindex_lib.analyses import lift, trends, weighting
from parindex_lib.config import PROJECT_ROOT, RAW_DIR, SCORES_CSV, TASKS_CSV, project_of
from parindex_lib.model.index import PARIndex, met
from parindex_lib.model.index_store import IndexKey, stored_index
from parindex_lib.model.schema import unit_rows
from parindex_lib.present import report
from parindex_lib.present.i18n import check_lang, component_name, say, t
from parindex_lib.present.render import fragment
from parindex_lib.standardise import input_files, load_scores, load_tasks
from parindex_lib.vn import format_number, format_pct, format_points, format_pp, format_rank

PAGES = {"summary": "00_summary", "trends": "10_trends", "weighting": "20_weighting", "lift": "30_lift"}
#: Pages rendered once per peer group (in the group's own folder), not per unit.
GROUP_PAGES = {"peers": "50_peers"}


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
    result = lift.lift(index, "gap") if index.can_total else None  # `parindex lift` offers the other models
    plan = lift.plan_targets(index) if index.can_total else None
    return Context(params, scores, index, trends.target_status(index, scores), result, plan, lang, peers_path)


def needs_components(ctx: Context) -> HTML:
    """The one sentence a page shows instead of an analysis that needs the components."""
    idx = ctx.index
    return ctx.html(fragment("section", note=t("needs_components", ctx.lang, unit=idx.unit,
                                               basis=report.basis_label(idx, ctx.lang),
                                               level=t(f"level_{idx.level}", ctx.lang), year=idx.year)))


def _blank(ctx: Context) -> HTML:
    return ctx.html("")


def header(ctx: Context, page: str) -> HTML:
    """Title, the illustrative banner where it applies, and one sentence of context."""
    idx = ctx.index
    shown_illustrative = page == "trends" and unit_rows(ctx.scores, idx.unit, idx.level)["illustrative"].any()
    banner = t("illustrative_banner", ctx.lang) if idx.illustrative or shown_illustrative else None
    if idx.can_total:
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
    return ctx.html(fragment("section", lead=report.total_sentence(ctx.index, ctx.lang), paragraphs=paragraphs))


def status_table(ctx: Context):
    """The components' status table (coloured and labelled); nothing when only the total is known."""
    if ctx.status.empty:
        return _blank(ctx)
    projected = ctx.status["projected"].notna().any()
    table = report.status_table(ctx.status, ctx.lang, projected=projected)
    styler = report.styled(table, t("col_status", ctx.lang), list(ctx.status["status"]))
    return styler.set_caption(t("status_table", ctx.lang))


def status_note(ctx: Context) -> HTML:
    """How the status was judged: from a projection, or the change still needed."""
    if ctx.status.empty:
        return _blank(ctx)
    if ctx.status["projected"].notna().any():
        text = t("projection_note", ctx.lang)
    else:
        text = t("no_projection_note", ctx.lang, basis=report.basis_label(ctx.index, ctx.lang))
    return ctx.html(fragment("section", note=text))


def recommendations(ctx: Context) -> HTML:
    """The recommendation sentence, the table of improvements and the cost model, in plain words."""
    if ctx.lift is None:
        return needs_components(ctx)
    table = report.recommendation_table(ctx.lift, ctx.lang)
    return ctx.html(fragment("section", title=t("recommend_title", ctx.lang),
                             paragraphs=[report.recommendation_sentence(ctx.lift, ctx.lang)],
                             table=None if table.empty else report.styled(table).to_html(),
                             note=report.cost_sentence(ctx.lift, ctx.lang)))


def plan_targets(ctx: Context, detailed: bool = False) -> HTML:
    """The total at the plan's targets and which single misses would break the goal."""
    if ctx.plan is None:
        return _blank(ctx)
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
        return _blank(ctx)
    table = lift.single_component(ctx.index)
    rows = [{t("col_component", ctx.lang): component_name(c, ctx.lang),
             t("col_value", ctx.lang): format_pct(r.current, ctx.lang),
             t("col_needed", ctx.lang): format_pct(r.needed, ctx.lang) if r.feasible else t("cannot", ctx.lang)}
            for c, r in table.iterrows()]
    return report.styled(pd.DataFrame(rows)).set_caption(t("single_title", ctx.lang))


def scenario(ctx: Context, **values: float) -> HTML:
    """A what-if in one line: set some components, see the new total and what is still missing."""
    if ctx.totals_only:
        return _blank(ctx)
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


def contributions(ctx: Context) -> pd.DataFrame:
    """Each component's weight, contribution and points lost (empty when only the total is known)."""
    return pd.DataFrame() if ctx.totals_only else weighting.contributions(ctx.index)


def contributions_table(ctx: Context):
    """Weight, contribution, points lost and marginal value per component; in points too where the data
    carries points ("mất 3,36/16,5 điểm")."""
    if ctx.totals_only:
        return needs_components(ctx)
    table = weighting.contributions(ctx.index)
    rows = []
    for c, r in table.iterrows():
        row = {t("col_component", ctx.lang): component_name(c, ctx.lang),
               t("col_value", ctx.lang): format_pct(r.value, ctx.lang)}
        if ctx.index.from_points:
            row[t("col_points", ctx.lang)] = format_points(r.points, r.max_points, ctx.lang)
            row[t("col_points_lost", ctx.lang)] = format_points(r.max_points - r.points, r.max_points, ctx.lang)
        row |= {t("col_weight", ctx.lang): format_pct(100 * r.weight, ctx.lang),
                t("col_contribution", ctx.lang): format_number(r.contribution, ctx.lang),
                t("col_lost", ctx.lang): format_number(r.points_lost, ctx.lang),
                t("col_marginal", ctx.lang): format_number(r.marginal, ctx.lang, 3)}
        rows.append(row)
    return report.styled(pd.DataFrame(rows))


def weighting_reading(ctx: Context) -> HTML:
    """One sentence: where most points were lost (in points of the maximum where the data gives them)."""
    if ctx.totals_only:
        return _blank(ctx)
    table = weighting.contributions(ctx.index).sort_values("points_lost", ascending=False).head(3)
    items = "; ".join(
        f"{component_name(c, ctx.lang)} ("
        + (format_points(r.max_points - r.points, r.max_points, ctx.lang) if ctx.index.from_points
           else format_number(r.points_lost, ctx.lang)) + ")" for c, r in table.iterrows())
    return ctx.html(fragment("section", paragraphs=[t("weighting_reading", ctx.lang, items=items)]))


def consistency_table(ctx: Context):
    """Which schemes (of the unit's level) reproduce the reported total."""
    if ctx.totals_only:
        return _blank(ctx)
    table = weighting.scheme_consistency(ctx.index)
    rows = [{t("col_scheme", ctx.lang): f"{r.scheme} — {r.title_vi if ctx.lang == 'vi' else r.title_en}",
             t("col_recomputed", ctx.lang): "" if pd.isna(r.recomputed) else format_pct(r.recomputed, ctx.lang, 4),
             t("col_interval", ctx.lang): "" if pd.isna(r.low) else
             f"{format_pct(r.low, ctx.lang, 3)}–{format_pct(r.high, ctx.lang, 3)}",
             t("col_consistent", ctx.lang): _consistency_cell(r, ctx.lang)}
            for r in table.itertuples()]
    return report.styled(pd.DataFrame(rows)).set_caption(t("consistency_title", ctx.lang))


def _consistency_cell(row, lang: str) -> str:
    if row.note:
        return say(row.note, lang)
    if row.consistent is None:
        return t("no_reported_total", lang)
    return t("answer_yes" if row.consistent else "answer_no", lang)


#: A peer table longer than this shows the unit and its nearest neighbours only (a commune among 3 321).
PEER_ROWS = 15
NEIGHBOURS = 5


def sensitivity(ctx: Context, concentration: float = 50.0, draws: int = 100_000) -> HTML:
    """The total's spread when weights vary around the scheme, the chance of meeting the target, and the
    rank intervals of the unit's peers (all of them up to :data:`PEER_ROWS`, else the unit's neighbours)."""
    if ctx.totals_only:
        return _blank(ctx)
    sens = weighting.weight_sensitivity(ctx.index, concentration=concentration, draws=draws)
    computed = weighting.load_rank_intervals(ctx.peers_path)
    intervals, _ = weighting.peer_rank_intervals(ctx.scores, ctx.index, concentration=concentration, draws=draws,
                                                 computed=computed)
    paragraphs = [t("sensitivity_sentence", ctx.lang, concentration=format_number(concentration, ctx.lang, 0),
                    draws=format_number(draws, ctx.lang, 0), low=format_pct(sens.quantiles["q025"], ctx.lang),
                    high=format_pct(sens.quantiles["q975"], ctx.lang),
                    p=format_pct(100 * sens.p_meets_target, ctx.lang, 1))]
    table = None
    if intervals is not None:
        shown = intervals
        if len(intervals) > PEER_ROWS and ctx.index.unit in intervals.index:
            at = intervals.index.get_loc(ctx.index.unit)
            shown = intervals.iloc[max(0, at - NEIGHBOURS):at + NEIGHBOURS + 1]
            own = intervals.loc[ctx.index.unit]
            paragraphs.append(t("peer_rank_sentence", ctx.lang, unit=ctx.index.unit, n=len(intervals),
                                rank=f"{own.rank_median} ({own.rank_low}–{own.rank_high})", shown=len(shown)))
        rows = [{t("col_unit", ctx.lang): r.Index, t("col_total", ctx.lang): format_pct(r.total_at_scheme, ctx.lang),
                 t("col_rank", ctx.lang): f"{r.rank_median} ({r.rank_low}–{r.rank_high})"}
                for r in shown.itertuples()]
        table = report.styled(pd.DataFrame(rows)).to_html()
    return ctx.html(fragment("section", title=t("sensitivity_title", ctx.lang), paragraphs=paragraphs, table=table))


def inference(ctx: Context) -> HTML:
    """Weights estimated from every reported total in the data, or why they cannot be."""
    if ctx.totals_only:
        return _blank(ctx)
    result = weighting.inferred_weights(ctx.scores, ctx.index.components)
    if result is None:
        return ctx.html("")
    if result.identifiable:
        weights = ", ".join(f"{c} {format_pct(100 * w, ctx.lang, 1)}" for c, w in result.weights.items())
        text = t("inference_ok", ctx.lang, n=result.n_rows, weights=weights,
                 rmse=format_number(result.rmse, ctx.lang, 3))
    else:
        text = t("inference_not_identifiable", ctx.lang, n=result.n_rows, k=len(result.weights), rank=result.rank)
    return ctx.html(fragment("section", title=t("inference_title", ctx.lang), paragraphs=[text]))


def trends_table(ctx: Context):
    """Every result by period (columns) and component (rows): the value, its change in percentage points
    (since the previous period, or across a gap, "2016 → 2022"), the total's rank ("24/63"), and the
    distance to each published average."""
    idx = ctx.index
    history = history_frame(ctx)
    own = unit_rows(ctx.scores, idx.unit, idx.level)
    own = own[(own["component"] == "TOTAL") & (own["kind"] == "actual")]
    total_ranks = {(y, p): format_rank(r, o) for y, p, r, o in
                   zip(own["year"], own["period"], own["rank"], own["rank_of"], strict=True) if not pd.isna(r)}
    periods = list(history.index)
    rows = []
    for c in history.columns:
        name = t("col_total", ctx.lang) if c == "TOTAL" else component_name(c, ctx.lang, short=True)
        row = {t("col_component", ctx.lang): name}
        for k, key in enumerate(periods):
            value = history.loc[key, c]
            cell = format_number(value, ctx.lang) if not pd.isna(value) else ""
            before = next((periods[j] for j in range(k - 1, -1, -1) if not pd.isna(history.loc[periods[j], c])),
                          None)
            if cell and before is not None:
                step = trends.step_label(before, key)
                change = format_pp(value - history.loc[before, c], ctx.lang, unit=False)
                cell += f" ({change}" + (f", {step})" if step else ")")
            if c == "TOTAL" and key in total_ranks:
                cell += f" · {t('col_rank_total', ctx.lang).lower()} {total_ranks[key]}"
            row[trends.period_label(*key)] = cell
        rows.append(row)
    reference = trends.reference_history(ctx.scores, idx.level)
    if "TOTAL" in history.columns:
        for ref in reference.columns:
            row = {t("col_component", ctx.lang): t("col_reference_gap", ctx.lang, reference=ref)}
            for key in periods:
                own, avg = history.loc[key, "TOTAL"], reference[ref].get(key)
                row[trends.period_label(*key)] = "" if pd.isna(own) or avg is None or pd.isna(avg) else \
                    f"{format_pp(own - avg, ctx.lang, unit=False)} ({format_number(avg, ctx.lang)})"
            rows.append(row)
    return report.styled(pd.DataFrame(rows))


def trends_reading(ctx: Context) -> HTML:
    """One sentence on the total's latest move, in percentage points (and across a gap, said as one)."""
    history = history_frame(ctx)
    if "TOTAL" not in history:
        return _blank(ctx)
    totals = history["TOTAL"].dropna()
    if len(totals) < 2:
        return _blank(ctx)
    change = float(totals.iloc[-1] - totals.iloc[-2])
    direction = t("up" if change > 0 else "down" if change < 0 else "flat", ctx.lang)
    step = trends.step_label(totals.index[-2], totals.index[-1])
    text = format_pp(abs(change), ctx.lang).lstrip("+±")
    if step:
        return ctx.html(fragment("section", paragraphs=[t("trends_reading_gap", ctx.lang, direction=direction,
                                                          change=text, step=step)]))
    return ctx.html(fragment("section", paragraphs=[t("trends_reading", ctx.lang, direction=direction,
                                                      change=text)]))


def history_frame(ctx: Context) -> pd.DataFrame:
    """The unit's results by period (for the trends table and chart): reported totals as reported."""
    return trends.history(ctx.scores, ctx.index.unit, ctx.index.weights, ctx.index.level)


def reference_frame(ctx: Context) -> pd.DataFrame:
    """Published averages to draw beside the unit's total (national, regional), by period."""
    return trends.reference_history(ctx.scores, ctx.index.level)


def provenance(ctx: Context) -> dict:
    """What the page was made from: the raw files actually read (relative to the project, with their
    SHA-256), the parameters (paths relative to the project), the library version and the time."""
    files = input_files(Path(ctx.params["scores_path"]).parent)
    return {
        "inputs": [(relative(p), digest) for p, digest in files],
        "params": [(k, relative(v) if k.endswith(("_path", "_dir")) else v) for k, v in ctx.params.items()],
        "version": __version__,
        "time": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
    }


def relative(path: str | Path) -> str:
    """A path as the project knows it (``data/raw/x.csv``), never an absolute machine path.

    The project is the one the path belongs to (wherever the kernel runs), else this process's.
    """
    p = Path(path).resolve()
    own = project_of(p)
    for root in ([own.root] if own else []) + [PROJECT_ROOT]:
        if p.is_relative_to(root):
            return str(p.relative_to(root))
    return p.name


def footer(ctx: Context) -> HTML:
    """Scheme and check, then provenance: input hashes, parameters, library version, run time."""
    prov = provenance(ctx)
    return ctx.html(fragment(
        "footer", report.check_sentence(ctx.index, ctx.lang), t("provenance_title", ctx.lang),
        t("provenance_inputs", ctx.lang), prov["inputs"], t("provenance_params", ctx.lang), prov["params"],
        t("provenance_version", ctx.lang, version=prov["version"], time=prov["time"])))


# -- a merged unit's history, and the unit's peer group (parindex_lib.present.peer_pages) -----------------------

def predecessors(ctx: Context, rule: str = "") -> HTML:
    """For a unit formed in the 2025 reorganisation: its predecessors' results side by side (and, with ``rule``
    "mean" or "weights", one series derived from them, labelled so); before it, what the unit becomes."""
    from parindex_lib.model.lineage import lineage_beside
    from parindex_lib.present.peer_pages import predecessors_table

    table = lineage_beside(ctx.params["scores_path"])
    return predecessors_table(ctx.scores, table, ctx.index.unit, ctx.index.level, ctx.index.year, ctx.lang,
                              rule or None)


def lineage_chart(ctx: Context, rule: str = ""):
    """The merged unit's history as separate labelled lines (None for a unit with no predecessors)."""
    from parindex_lib.model.lineage import lineage_beside
    from parindex_lib.present.peer_pages import predecessor_frame, shows_predecessors
    from parindex_lib.present.plots import plot_lineage

    table = lineage_beside(ctx.params["scores_path"])
    frame, hist = predecessor_frame(ctx.scores, table, ctx.index.unit, ctx.index.level, ctx.lang, rule or None)
    if not shows_predecessors(hist, ctx.index.unit, ctx.index.year):
        return None
    return plot_lineage(frame, ctx.lang)


def peer_link(ctx: Context) -> HTML:
    """The link to the unit's peer-group page, when its group has one."""
    from parindex_lib.analyses.peers import group_of
    from parindex_lib.present.peer_pages import group_label, group_page_href

    idx = ctx.index
    if (idx.year, idx.period) != (int(ctx.params["year"]), str(ctx.params["period"])):
        return _blank(ctx)  # a unit reported on an earlier result is not in the run's groups
    href = group_page_href(ctx.scores, idx.unit, idx.level, idx.year, idx.period)
    if href is None:
        return _blank(ctx)
    label = t("peers_link", ctx.lang, group=group_label(group_of(ctx.scores, idx.unit, idx.level, idx.year,
                                                                 idx.period), ctx.lang))
    return ctx.html(fragment("links", t("peers_title_index", ctx.lang), [(href, label)]))
