"""What the peer-group page shows (``notebooks/50_peers.ipynb``), built from the page's parameters in one call.

The page is one per peer group: the batch renders it with any member as ``unit`` (the group is the unit's, at the
report's point), so it takes the same parameters as every report page. Every figure comes from
:mod:`parindex_lib.analyses.peers` and :mod:`parindex_lib.model.lineage`; this module only words and formats it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML
from markupsafe import Markup

from parindex_lib.analyses import peers
from parindex_lib.config import RAW_DIR, SCORES_CSV, TASKS_CSV
from parindex_lib.errors import MethodError, SchemeError, because
from parindex_lib.model import lineage as lineage_model
from parindex_lib.model.criteria_scores import load_criteria_table
from parindex_lib.model.index import resolve_basis, resolve_unit
from parindex_lib.model.schema import unit_rows
from parindex_lib.model.schemes import load_scheme
from parindex_lib.present import report
from parindex_lib.present.i18n import check_lang, component_name, t, target_text
from parindex_lib.present.lineage import lineage_sentence
from parindex_lib.present.peer_groups import coverage_sentence, group_label
from parindex_lib.present.plots import plot_group_components, plot_group_losses, plot_group_totals
from parindex_lib.present.provenance import provenance
from parindex_lib.present.render import fragment
from parindex_lib.standardise import CRITERIA_CSV, load_scores, load_tasks
from parindex_lib.vn import format_number, format_pct, format_pp, format_rank

#: Units of a group shown by name in a league table before it keeps the top and the bottom only.
LEAGUE_ROWS = 60
@dataclass(frozen=True)
class GroupContext:
    """Everything a peer-group page shows: the group, its league table, losses, plan and lineage."""

    params: dict
    scores: pd.DataFrame
    group: peers.PeerGroup
    league: pd.DataFrame
    losses: pd.DataFrame | None
    lift: peers.GroupLiftResult | None
    lineage: pd.DataFrame
    lang: str
    lineage_rule: str | None = None
    #: Where the group loses points criterion by criterion (empty: no unit of the group is scored by criteria).
    criteria_losses: pd.DataFrame | None = None

    def html(self, markup: str) -> HTML:
        return HTML(str(markup))


def basis_point(scores: pd.DataFrame, unit: str, level: str | None, year: int, period: str) -> tuple[str, str, int,
                                                                                                       str]:
    """(unit, level, year, period) of the results a report on ``unit`` for (year, period) starts from."""
    unit, level = resolve_unit(scores, unit, level or None)
    basis_year, basis_period = resolve_basis(unit_rows(scores, unit, level), unit, year, period)
    return unit, level, basis_year, basis_period


def build(*, scores_path: str, tasks_path: str, raw_dir: str, unit: str, year: int, period: str, target: float,
          bound: str, scheme: str, lang: str, level: str = "", peers_path: str = "", n_units: int = -1,
          lineage_rule: str = "") -> GroupContext:
    """Load the standardised data and analyse the peer group of ``unit`` at the report's point.

    ``n_units``: how many units the group plan brings to the target (−1: every unit that can).
    ``lineage_rule``: "" (predecessors side by side only), ``mean`` or ``weights`` (one derived series too).
    """
    check_lang(lang)
    # Paths empty: the project's (the notebook opened in JupyterLab).
    scores_path, tasks_path = str(scores_path or SCORES_CSV), str(tasks_path or TASKS_CSV)
    raw_dir = str(raw_dir or RAW_DIR)
    scores = load_scores(scores_path)
    tasks = load_tasks(tasks_path)
    unit, level, basis_year, basis_period = basis_point(scores, unit, level, year, period)
    key = peers.group_of(scores, unit, level, basis_year, basis_period)
    group = peers.build_group(scores, key, basis_year, basis_period, scheme=scheme or None, target=float(target),
                              bound=bound, tasks=tasks)
    league = peers.league_table(group)
    losses = peers.losses(group) if group.can_total else None
    plan = None
    if group.can_total:
        plan = peers.group_lift(group, n_units=None if n_units is None or n_units < 0 else int(n_units))
    params = dict(scores_path=scores_path, tasks_path=tasks_path, raw_dir=raw_dir, unit=unit, level=level,
                  year=year, period=period, target=target, bound=bound, scheme=scheme, lang=lang)
    table = lineage_model.lineage_beside(scores_path)
    by_criterion = peers.criteria_losses(group, load_criteria_table(Path(scores_path).parent / CRITERIA_CSV))
    return GroupContext(params, scores, group, league, losses, plan, table, lang, lineage_rule or None, by_criterion)


def _basis(group: peers.PeerGroup, lang: str) -> str:
    return t("peers_basis_year", lang, year=group.year) if group.period == "FY" else group.label


def header(ctx: GroupContext) -> HTML:
    """Title, and one sentence of context: the point, the number of units, the target."""
    g, lang = ctx.group, ctx.lang
    context = t("peers_context", lang, basis=_basis(g, lang), n=len(ctx.league),
                target_text=target_text(g.target, g.bound, lang))
    rows = ctx.scores[ctx.scores["unit"].isin(g.units) & (ctx.scores["level"] == g.key.level)]
    banner = report.illustrative_banner(rows, lang)  # says what is made up (quarterly values, criteria), if any
    return ctx.html(fragment("header", t("peers_title", lang, group=group_label(g.key, lang)), banner, context, None))


def band_text(ctx: GroupContext, code: str | None) -> str:
    bands = ctx.group.bands
    if bands is None:
        return ""
    return bands.label(code, ctx.lang) if code else t("band_none", ctx.lang)


def league_rows(ctx: GroupContext) -> pd.DataFrame:
    """The league table as a leader reads it (all units up to :data:`LEAGUE_ROWS`, else the top and the bottom)."""
    lang, league = ctx.lang, ctx.league
    shown = league if len(league) <= LEAGUE_ROWS else pd.concat([league.head(LEAGUE_ROWS // 2),
                                                                 league.tail(LEAGUE_ROWS // 2)])
    rows = []
    for unit, r in shown.iterrows():
        rank = format_rank(r["rank"], r["rank_of"]) + ("*" if r["rank_source"] == "held" else "")
        row = {t("col_rank", lang): rank, t("col_unit", lang): unit, t("col_total", lang): format_pct(r["total"], lang)}
        if league["change_pp"].notna().any():
            row[t("col_change", lang)] = "" if pd.isna(r["change_pp"]) else format_pp(r["change_pp"], lang, unit=False)
        if ctx.group.bands is not None:
            row[t("col_band", lang)] = band_text(ctx, r["band"])
        row[t("col_status", lang)] = t("peers_meets" if r["meets"] else "peers_short", lang)
        rows.append(row)
    return pd.DataFrame(rows)


def league(ctx: GroupContext) -> HTML:
    """The league table with ranks x/N, change in percentage points, band and status; the bands' source."""
    lang, g = ctx.lang, ctx.group
    notes = [coverage_sentence(g, lang)]
    if g.bands is not None:
        notes.append(t("peers_bands_source", lang, source=g.bands.source))
        if g.bands.below(lang):
            notes.append(t("peers_bands_below", lang, below=g.bands.below(lang)))
    else:
        notes.append(t("peers_no_bands", lang))
    if (ctx.league["rank_source"] == "held").any():
        notes.append(t("peers_league_note_held", lang))
    table = report.styled(league_rows(ctx))
    statuses = ["met" if m else "off_track" for m in ctx.league["meets"]][: len(table.frame)]
    table = table.colour_column(t("col_status", lang), [report.STATUS_COLOURS[s] for s in statuses])
    return ctx.html(fragment("section", title=t("peers_league_title", lang), paragraphs=notes[:1],
                             table=table.to_html(), note=" ".join(notes[1:])))


def totals_chart(ctx: GroupContext):
    """The group's totals against the target, with the group's mean and the published references."""
    reference = ctx.group.reference.loc[["TOTAL"]] if "TOTAL" in ctx.group.reference.index else None
    if reference is not None:
        reference.index = [t("level_national", ctx.lang)]
    mean = float(ctx.league["total"].mean()) if not ctx.league.empty else None
    return plot_group_totals(ctx.league, ctx.group.target, ctx.lang, mean, reference)


def components_chart(ctx: GroupContext):
    """Each component's spread over the group (components at least two units report)."""
    values = ctx.group.values
    return plot_group_components(values.loc[:, values.notna().sum() >= 2], ctx.lang)


def losses_chart(ctx: GroupContext):
    """The points the group loses by component."""
    return plot_group_losses(ctx.losses, ctx.lang)


def distribution_section(ctx: GroupContext) -> HTML:
    """Mean, median and quartiles of the total and each component, and the published reference."""
    lang = ctx.lang
    table = peers.distribution(ctx.group)
    total = table.loc["TOTAL"]
    paragraphs = [t("peers_distribution_sentence", lang, mean=format_pct(total["mean"], lang),
                    median=format_pct(total["median"], lang), q1=format_pct(total["q1"], lang),
                    q3=format_pct(total["q3"], lang))]
    rows = []
    for code, r in table.iterrows():
        rows.append({t("col_component", lang): t("col_total", lang) if code == "TOTAL" else component_name(code, lang),
                     t("col_units", lang): format_number(r["units"], lang, 0),
                     t("col_mean", lang): format_pct(r["mean"], lang),
                     t("col_median", lang): format_pct(r["median"], lang),
                     t("col_quartiles", lang): f"{format_pct(r['q1'], lang)}–{format_pct(r['q3'], lang)}",
                     t("col_range", lang): f"{format_pct(r['min'], lang)} – {format_pct(r['max'], lang)}",
                     t("col_reference", lang): "" if pd.isna(r["reference"]) else format_pct(r["reference"], lang)})
    return ctx.html(fragment("section", title=t("peers_distribution_title", lang), paragraphs=paragraphs,
                             table=report.styled(pd.DataFrame(rows)).to_html()))


def losses_section(ctx: GroupContext) -> HTML:
    """Components ranked by the points the group loses on them, and how many units are below the target."""
    lang = ctx.lang
    if ctx.losses is None:
        return ctx.html(fragment("section", title=t("peers_losses_title", lang), note=t("peers_losses_needs", lang)))
    table = ctx.losses
    in_points = table["points_lost"].notna().all()
    lost = table["points_lost"] if in_points else table["pp_lost"]
    items = "; ".join(f"{component_name(c, lang)} ({format_number(lost[c], lang)})" for c in table.index[:3])
    below = t("col_units_below", lang, threshold=format_pct(float(table["threshold"].iloc[0]), lang))
    rows = []
    for c, r in table.iterrows():
        row = {t("col_component", lang): component_name(c, lang)}
        if in_points:
            row[t("col_points_lost_sum", lang)] = format_number(r["points_lost"], lang)
        row |= {t("col_pp_lost_sum", lang): format_number(r["pp_lost"], lang),
                t("col_mean", lang): format_pct(r["mean_pct"], lang),
                below: f"{int(r['units_below'])}/{int(r['units'])}"}
        rows.append(row)
    return ctx.html(fragment("section", title=t("peers_losses_title", lang),
                             paragraphs=[t("peers_losses_sentence", lang, items=items)],
                             table=report.styled(pd.DataFrame(rows)).to_html()))


#: Criteria listed by name in the group's criteria table (the most points lost first).
CRITERIA_ROWS = 15


def criteria_section(ctx: GroupContext) -> HTML:
    """The criteria the group loses most points on, summed over its units scored by criteria (nothing when none
    is): code, name, component, points lost, units losing points, units under the threshold."""
    lang, table = ctx.lang, ctx.criteria_losses
    if table is None or table.empty:
        return ctx.html("")
    scored = int(table["units"].max())
    shown = table.head(CRITERIA_ROWS)
    name = "name_vi" if lang == "vi" else "name_en"
    items = "; ".join(f"{code} {r[name]} ({format_number(r['points_lost'], lang)})"
                      for (_, code), r in shown.head(3).iterrows())
    schemes = ", ".join(_scheme_title(name, lang) for name in dict.fromkeys(table.index.get_level_values("scheme")))
    sentence = t("peers_criteria_sentence", lang, n=scored, total=len(ctx.league), scheme=schemes, items=items)
    below = t("col_units_below_max", lang, threshold=format_pct(float(table["threshold"].iloc[0]), lang))
    rows = [{t("cl_col_code", lang): code, t("cl_col_criterion", lang): r[name],
             t("col_component", lang): component_name(r["component"], lang, short=True),
             t("col_points_lost_sum", lang): f"{format_number(r['points_lost'], lang)}/"
                                             f"{format_number(r['max_points'], lang)}",
             t("col_units_losing", lang): f"{int(r['units_losing'])}/{int(r['units'])}",
             below: f"{int(r['units_below'])}/{int(r['units'])}"} for (_, code), r in shown.iterrows()]
    note = t("peers_criteria_more", lang, shown=len(shown), n=len(table)) if len(table) > len(shown) else None
    return ctx.html(fragment("section", title=t("peers_criteria_title", lang), paragraphs=[sentence],
                             table=report.styled(pd.DataFrame(rows)).to_html(), note=note))


def _scheme_title(name: str, lang: str) -> str:
    """A scheme's title for people ("Bộ chỉ số …"), or its name when it is no longer found."""
    try:
        return load_scheme(name).title(lang) or name
    except SchemeError:
        return name


def below_section(ctx: GroupContext) -> HTML:
    """Units below the target and their gaps, the furthest first."""
    lang, g = ctx.lang, ctx.group
    short = peers.below_target(g)
    if short.empty:
        return ctx.html(fragment("section", title=t("peers_below_title", lang),
                                 paragraphs=[t("peers_below_none", lang)]))
    first = short.iloc[0]
    sentence = t("peers_below_sentence", lang, n=len(short), target_text=target_text(g.target, g.bound, lang),
                 unit=short.index[0], gap=format_number(first["gap"], lang))
    rows = [{t("col_unit", lang): u, t("col_total", lang): format_pct(r["total"], lang),
             t("col_gap_total", lang): format_number(r["gap"], lang),
             t("col_rank", lang): format_rank(r["rank"], r["rank_of"])} for u, r in short.head(LEAGUE_ROWS).iterrows()]
    return ctx.html(fragment("section", title=t("peers_below_title", lang), paragraphs=[sentence],
                             table=report.styled(pd.DataFrame(rows)).to_html()))


def movers_section(ctx: GroupContext) -> HTML:
    """The largest rises and falls since the previous year (units with a result of their own in both)."""
    lang = ctx.lang
    up, down = peers.movers(ctx.group)
    if up.empty and down.empty:
        return ctx.html(fragment("section", title=t("peers_movers_title", lang),
                                 paragraphs=[t("peers_movers_none", lang)]))
    parts = []
    for title, table in ((t("peers_movers_up", lang), up), (t("peers_movers_down", lang), down)):
        if table.empty:
            continue
        rows = [{t("col_unit", lang): u, t("col_previous", lang): format_pct(r["previous"], lang),
                 t("col_total", lang): format_pct(r["total"], lang),
                 t("col_change", lang): format_pp(r["change_pp"], lang, unit=False)} for u, r in table.iterrows()]
        parts.append(str(report.styled(pd.DataFrame(rows)).set_caption(title).to_html()))
    return ctx.html(fragment("section", title=t("peers_movers_title", lang), table=Markup("".join(parts))))


def lift_section(ctx: GroupContext) -> HTML:
    """The cheapest plan across units: one sentence, and unit × component × change × owner."""
    lang, res, g = ctx.lang, ctx.lift, ctx.group
    title = t("peers_lift_title", lang)
    if res is None:
        return ctx.html(fragment("section", title=title, note=t("peers_lift_needs", lang)))
    if not res.feasible:
        key = "peers_lift_infeasible_units" if res.goal == "units" else "peers_lift_infeasible_mean"
        reach = format_number(res.max_reachable, lang, 0) if res.goal == "units" else format_pct(res.max_reachable,
                                                                                                   lang)
        text = t(key, lang, wanted=format_number(res.required, lang, 0), goal=format_pct(res.required, lang),
                 reach=reach)
        return ctx.html(fragment("section", title=title, paragraphs=[text]))
    if res.changes.empty:
        return ctx.html(fragment("section", title=title, paragraphs=[t("peers_lift_done", lang)]))
    n_units = res.changes["unit"].nunique()
    if res.goal == "units":
        sentence = t("peers_lift_units_sentence", lang, wanted=format_number(res.required, lang, 0),
                     target_text=target_text(g.target, g.bound, lang), before=res.units_before, n=len(res.changes),
                     units=n_units, mean_before=format_pct(res.total_before, lang),
                     mean_after=format_pct(res.total_after, lang))
    else:
        sentence = t("peers_lift_mean_sentence", lang, goal=format_pct(res.required, lang),
                     mean_before=format_pct(res.total_before, lang), n=len(res.changes), units=n_units)
    rows = [{t("col_unit", lang): r.unit, t("col_component", lang): component_name(r.component, lang),
             t("col_from", lang): format_pct(r.from_pct, lang), t("col_to", lang): format_pct(r.to_pct, lang),
             t("col_gain", lang): format_pp(r.gain_total, lang), t("col_owner", lang): r.lead_units}
            for r in res.changes.head(200).itertuples()]
    notes = [t("peers_lift_exact", lang), t(f"cost_sentence_{res.cost_model}", lang)]
    if res.changes["owner_is_unit"].any():
        notes.append(t("peers_lift_owner_note", lang))
    return ctx.html(fragment("section", title=title, paragraphs=[sentence],
                             table=report.styled(pd.DataFrame(rows)).to_html(), note=" ".join(notes)))


def lineage_section(ctx: GroupContext) -> HTML:
    """Members formed in the 2025 reorganisation (or, before it, what each becomes), with the decision."""
    lang, table = ctx.lang, ctx.lineage
    if table.empty:
        return ctx.html("")
    lines = [line for unit in ctx.league.index
             if (line := lineage_sentence(table, unit, ctx.group.key.level, ctx.group.year, lang))]
    if not lines:
        return ctx.html("")
    return ctx.html(fragment("section", title=t("peers_lineage_title", lang), paragraphs=lines))


def footer(ctx: GroupContext) -> HTML:
    """Provenance: inputs and their hashes, parameters, version, time."""
    prov = provenance(ctx)  # the same record as every page: it reads the parameters only
    scheme = (ctx.group.scheme.title(ctx.lang) or ctx.group.scheme.name) if ctx.group.scheme is not None else ""
    return ctx.html(fragment("footer", scheme, t("provenance_title", ctx.lang), t("provenance_inputs", ctx.lang),
                             prov["inputs"], t("provenance_params", ctx.lang), prov["params"],
                             t("provenance_version", ctx.lang, version=prov["version"], time=prov["time"])))


def require_group(ctx: GroupContext) -> None:
    """Refuse a page for a group without any total (nothing to rank)."""
    if ctx.league.empty:
        raise MethodError(reason=because("pg_group_without_total", "no unit of {group_en} has a total in {label}",
                                         group_en=group_label(ctx.group.key, "en"), label=ctx.group.label,
                                         group_vi=group_label(ctx.group.key, "vi"),
                                         point=(ctx.group.year, ctx.group.period)))


