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

from parindex_lib import __version__, lift, report, trends, weighting
from parindex_lib.config import PROJECT_ROOT
from parindex_lib.i18n import check_lang, component_name, t
from parindex_lib.index import PARIndex, met
from parindex_lib.render import fragment
from parindex_lib.standardise import load_scores, load_tasks
from parindex_lib.vn import format_number, format_pct, format_pp

PAGES = {"summary": "00_summary", "trends": "10_trends", "weighting": "20_weighting", "lift": "30_lift"}


@dataclass(frozen=True)
class Context:
    """Everything one unit's pages show: the index, its status, the lift, and the parameters."""

    params: dict
    scores: pd.DataFrame
    index: PARIndex
    status: pd.DataFrame
    lift: lift.LiftResult
    plan: lift.PlanTargets
    lang: str

    def html(self, markup: str) -> HTML:
        """Display markup rendered from the templates (data text escaped by autoescape)."""
        return HTML(str(markup))


def build(*, scores_path: str, tasks_path: str, raw_dir: str, unit: str, year: int, period: str,
          target: float, bound: str, scheme: str, lang: str) -> Context:
    """Load the standardised data and run the analyses for one unit's pages (``target`` in (0, 100])."""
    check_lang(lang)
    scores = load_scores(scores_path)
    tasks = load_tasks(tasks_path)
    index = PARIndex.from_scores(scores, unit, year, period, scheme=scheme, target=float(target),
                                 bound=bound, tasks=tasks)
    params = dict(scores_path=scores_path, tasks_path=tasks_path, raw_dir=raw_dir, unit=unit, year=year,
                  period=period, target=target, bound=bound, scheme=scheme, lang=lang)
    result = lift.lift(index, "gap")  # the pages use the default model; `parindex lift` offers the others
    return Context(params, scores, index, trends.target_status(index, scores), result,
                   lift.plan_targets(index), lang)


def header(ctx: Context, page: str) -> HTML:
    """Title, the illustrative banner where it applies, and one sentence of context."""
    idx = ctx.index
    shown_illustrative = page == "trends" and ctx.scores.loc[ctx.scores["unit"] == idx.unit, "illustrative"].any()
    banner = t("illustrative_banner", ctx.lang) if idx.illustrative or shown_illustrative else None
    context = t("context_summary", ctx.lang, basis=report.basis_label(idx, ctx.lang), target_year=idx.target_year,
                scheme=idx.scheme.name)
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
    """The components' status table (coloured and labelled)."""
    projected = ctx.status["projected"].notna().any()
    table = report.status_table(ctx.status, ctx.lang, projected=projected)
    styler = report.styled(table, t("col_status", ctx.lang), list(ctx.status["status"]))
    return styler.set_caption(t("status_table", ctx.lang))


def status_note(ctx: Context) -> HTML:
    """How the status was judged: from a projection, or the change still needed."""
    if ctx.status["projected"].notna().any():
        text = t("projection_note", ctx.lang)
    else:
        text = t("no_projection_note", ctx.lang, basis=report.basis_label(ctx.index, ctx.lang))
    return ctx.html(fragment("section", note=text))


def recommendations(ctx: Context) -> HTML:
    """The recommendation sentence, the table of improvements and the cost model, in plain words."""
    table = report.recommendation_table(ctx.lift, ctx.lang)
    return ctx.html(fragment("section", title=t("recommend_title", ctx.lang),
                             paragraphs=[report.recommendation_sentence(ctx.lift, ctx.lang)],
                             table=None if table.empty else report.styled(table).to_html(),
                             note=report.cost_sentence(ctx.lift, ctx.lang)))


def plan_targets(ctx: Context, detailed: bool = False) -> HTML:
    """The total at the plan's targets and which single misses would break the goal."""
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
    table = lift.single_component(ctx.index)
    rows = [{t("col_component", ctx.lang): component_name(c, ctx.lang),
             t("col_value", ctx.lang): format_pct(r.current, ctx.lang),
             t("col_needed", ctx.lang): format_pct(r.needed, ctx.lang) if r.feasible else t("cannot", ctx.lang)}
            for c, r in table.iterrows()]
    return report.styled(pd.DataFrame(rows)).set_caption(t("single_title", ctx.lang))


def scenario(ctx: Context, **values: float) -> HTML:
    """A what-if in one line: set some components, see the new total and what is still missing."""
    new = ctx.index.scenario(**values)
    desc = ", ".join(f"{c} = {format_pct(v, ctx.lang)}" for c, v in values.items())
    remaining = (t("scenario_done", ctx.lang) if new.meets_target else
                 t("scenario_remaining", ctx.lang, gap=format_number(new.required_total - new.total, ctx.lang)))
    sentence = t("scenario_sentence", ctx.lang, desc=desc, total=format_pct(new.total, ctx.lang),
                 delta=format_pp(new.total - ctx.index.total, ctx.lang), remaining=remaining)
    return ctx.html(fragment("section", title=t("scenario_title", ctx.lang), paragraphs=[sentence]))


def contributions_table(ctx: Context):
    """Weight, contribution, points lost and marginal value per component."""
    table = weighting.contributions(ctx.index)
    rows = [{t("col_component", ctx.lang): component_name(c, ctx.lang),
             t("col_value", ctx.lang): format_pct(r.value, ctx.lang),
             t("col_weight", ctx.lang): format_pct(100 * r.weight, ctx.lang),
             t("col_contribution", ctx.lang): format_number(r.contribution, ctx.lang),
             t("col_lost", ctx.lang): format_number(r.points_lost, ctx.lang),
             t("col_marginal", ctx.lang): format_number(r.marginal, ctx.lang, 3)} for c, r in table.iterrows()]
    return report.styled(pd.DataFrame(rows))


def weighting_reading(ctx: Context) -> HTML:
    """One sentence: where most points were lost."""
    table = weighting.contributions(ctx.index).sort_values("points_lost", ascending=False).head(3)
    items = "; ".join(f"{component_name(c, ctx.lang)} ({format_number(r.points_lost, ctx.lang)})"
                      for c, r in table.iterrows())
    return ctx.html(fragment("section", paragraphs=[t("weighting_reading", ctx.lang, items=items)]))


def consistency_table(ctx: Context):
    """Which schemes reproduce the reported total."""
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
        return row.note
    if row.consistent is None:
        return t("no_reported_total", lang)
    return t("answer_yes" if row.consistent else "answer_no", lang)


def sensitivity(ctx: Context, concentration: float = 50.0, draws: int = 100_000) -> HTML:
    """The total's spread when weights vary around the scheme, and the chance of meeting the target."""
    peers = weighting.peer_values(ctx.scores, ctx.index)
    sens = weighting.weight_sensitivity(ctx.index, concentration=concentration, draws=draws, peers=peers)
    text = t("sensitivity_sentence", ctx.lang, concentration=format_number(concentration, ctx.lang, 0),
             draws=format_number(draws, ctx.lang, 0), low=format_pct(sens.quantiles["q025"], ctx.lang),
             high=format_pct(sens.quantiles["q975"], ctx.lang), p=format_pct(100 * sens.p_meets_target, ctx.lang, 1))
    table = None
    if sens.rank_intervals is not None:
        rows = [{t("col_unit", ctx.lang): r.Index, t("col_total", ctx.lang): format_pct(r.total_at_scheme, ctx.lang),
                 t("col_rank", ctx.lang): f"{r.rank_median} ({r.rank_low}–{r.rank_high})"}
                for r in sens.rank_intervals.itertuples()]
        table = report.styled(pd.DataFrame(rows)).to_html()
    return ctx.html(fragment("section", title=t("sensitivity_title", ctx.lang), paragraphs=[text], table=table))


def inference(ctx: Context) -> HTML:
    """Weights estimated from every reported total in the data, or why they cannot be."""
    X, totals = weighting.inference_rows(ctx.scores, ctx.index.components)
    if X.empty:
        return ctx.html("")
    result = weighting.infer_weights(X, totals)
    if result.identifiable:
        weights = ", ".join(f"{c} {format_pct(100 * w, ctx.lang, 1)}" for c, w in result.weights.items())
        text = t("inference_ok", ctx.lang, n=result.n_rows, weights=weights,
                 rmse=format_number(result.rmse, ctx.lang, 3))
    else:
        text = t("inference_not_identifiable", ctx.lang, n=result.n_rows, k=len(result.weights), rank=result.rank)
    return ctx.html(fragment("section", title=t("inference_title", ctx.lang), paragraphs=[text]))


def trends_table(ctx: Context):
    """Every result by period (columns) and component (rows), each with its change from the period before."""
    history = trends.history(ctx.scores, ctx.index.unit, ctx.index.weights)
    diff = history.diff()
    periods = [(y, p, str(y) if p == "FY" else f"{p}/{y}") for y, p in history.index]
    rows = []
    for c in history.columns:
        name = t("col_total", ctx.lang) if c == "TOTAL" else component_name(c, ctx.lang, short=True)
        row = {t("col_component", ctx.lang): name}
        for y, p, label in periods:
            value, change = history.loc[(y, p), c], diff.loc[(y, p), c]
            cell = format_number(value, ctx.lang) if not pd.isna(value) else ""
            if not pd.isna(change):
                cell += f" ({format_pp(change, ctx.lang, unit=False)})"
            row[label] = cell
        rows.append(row)
    return report.styled(pd.DataFrame(rows))


def trends_reading(ctx: Context) -> HTML:
    """One sentence on the total's latest move."""
    history = trends.history(ctx.scores, ctx.index.unit, ctx.index.weights)
    if len(history) < 2 or "TOTAL" not in history:
        return ctx.html("")
    change = float(history["TOTAL"].iloc[-1] - history["TOTAL"].iloc[-2])
    direction = t("up" if change > 0 else "down" if change < 0 else "flat", ctx.lang)
    return ctx.html(fragment("section", paragraphs=[t("trends_reading", ctx.lang, direction=direction,
                                                      change=format_pp(abs(change), ctx.lang).lstrip("+"))]))


def history_frame(ctx: Context) -> pd.DataFrame:
    """The unit's results by period (for the trends chart)."""
    return trends.history(ctx.scores, ctx.index.unit, ctx.index.weights)


def provenance(ctx: Context) -> dict:
    """What the page was made from: the raw files actually read (relative to the project, with their
    SHA-256), the parameters (paths relative to the project), the library version and the time."""
    from parindex_lib.standardise import input_files

    files = input_files(Path(ctx.params["scores_path"]).parent)
    return {
        "inputs": [(relative(p), digest) for p, digest in files],
        "params": [(k, relative(v) if k.endswith(("_path", "_dir")) else v) for k, v in ctx.params.items()],
        "version": __version__,
        "time": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
    }


def relative(path: str | Path) -> str:
    """A path as the project knows it (``data/raw/x.csv``), never an absolute machine path."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return p.name


def footer(ctx: Context) -> HTML:
    """Scheme and check, then provenance: input hashes, parameters, library version, run time."""
    prov = provenance(ctx)
    return ctx.html(fragment(
        "footer", report.check_sentence(ctx.index, ctx.lang), t("provenance_title", ctx.lang),
        t("provenance_inputs", ctx.lang), prov["inputs"], t("provenance_params", ctx.lang), prov["params"],
        t("provenance_version", ctx.lang, version=prov["version"], time=prov["time"])))
