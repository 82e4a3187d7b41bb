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

from parindex_lib.analyses import peers
from parindex_lib.config import RAW_DIR, SCORES_CSV, TASKS_CSV
from parindex_lib.errors import MethodError
from parindex_lib.model import lineage as lineage_model
from parindex_lib.model.index import resolve_basis, resolve_unit
from parindex_lib.model.schema import unit_rows
from parindex_lib.present import report
from parindex_lib.present.i18n import check_lang, component_name, t, target_text
from parindex_lib.present.render import fragment
from parindex_lib.standardise import load_scores, load_tasks
from parindex_lib.vn import format_number, format_pct, format_pp, format_rank

#: Units of a group shown by name in a league table before it keeps the top and the bottom only.
LEAGUE_ROWS = 60
#: The page's file name in the group's folder.
PAGE = "peers.html"


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

    def html(self, markup: str) -> HTML:
        return HTML(str(markup))


def basis_point(scores: pd.DataFrame, unit: str, level: str | None, year: int, period: str) -> tuple[str, str, int,
                                                                                                       str]:
    """(unit, level, year, period) of the results a report on ``unit`` for (year, period) starts from."""
    unit, level = resolve_unit(scores, unit, level or None)
    basis_year, basis_period = resolve_basis(unit_rows(scores, unit, level), unit, year, period)
    return unit, level, basis_year, basis_period


def group_label(key: peers.GroupKey, lang: str) -> str:
    """The group's name for people: "Xã, đặc khu — Hải Phòng", "các đơn vị cấp tỉnh"."""
    level = t(f"level_{key.level}", lang)
    level = level if lang == "vi" else level.lower()
    if key.province and key.group:
        return t("peers_group_of", lang, block=key.group, province=key.province)
    if key.province:
        return t("peers_group_province", lang, level=level, province=key.province)
    return key.group or t("peers_group_all", lang, level=level)


def page_groups(scores: pd.DataFrame, year: int, period: str) -> pd.DataFrame:
    """The groups that get a page at a point: ``level, province, group, units, slug`` — those with at least two
    units with a total (one unit alone is not a comparison)."""
    keys = peers.group_keys(scores, year, period)
    totals = scores[(scores["component"] == "TOTAL") & (scores["kind"] == "actual") & (scores["year"] == year)
                    & (scores["period"] == period)]
    places = peers.unit_places(scores)
    rows = []
    for k in keys.itertuples():
        key = peers.GroupKey(k.level, k.province, k.group)
        at = places.xs((k.level, year, period), level=("level", "year", "period"))
        members = at.index[(at["province"].fillna("") == (k.province or "")) & (at["group"].fillna("") ==
                                                                                 (k.group or ""))]
        n = int(totals[(totals["level"] == k.level) & totals["unit"].isin(members)]["unit"].nunique())
        if n >= 2:
            rows.append({"level": k.level, "province": k.province, "group": k.group, "units": n, "slug": key.slug(),
                         "member": str(sorted(members)[0])})
    return pd.DataFrame(rows, columns=["level", "province", "group", "units", "slug", "member"])


def group_page_href(scores: pd.DataFrame, unit: str, level: str, year: int, period: str) -> str | None:
    """The link from a unit's folder to its group's page (``../<group>/peers.html``), or None when its group
    gets no page (a unit alone)."""
    key = peers.group_of(scores, unit, level, year, period)
    groups = page_groups(scores, year, period)
    mine = groups[(groups["level"] == key.level) & (groups["province"].fillna("") == (key.province or ""))
                  & (groups["group"].fillna("") == (key.group or ""))]
    return None if mine.empty else f"../{key.slug()}/{PAGE}"


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
    return GroupContext(params, scores, group, league, losses, plan, table, lang, lineage_rule or None)


def _basis(group: peers.PeerGroup, lang: str) -> str:
    if group.period == "FY":
        return f"năm {group.year}" if lang == "vi" else str(group.year)
    return f"{group.period}/{group.year}"


def header(ctx: GroupContext) -> HTML:
    """Title, and one sentence of context: the point, the number of units, the target."""
    g, lang = ctx.group, ctx.lang
    context = t("peers_context", lang, basis=_basis(g, lang), n=len(ctx.league),
                target_text=target_text(g.target, g.bound, lang))
    banner = t("illustrative_banner", lang) if _illustrative(ctx) else None
    return ctx.html(fragment("header", t("peers_title", lang, group=group_label(g.key, lang)), banner, context, None))


def _illustrative(ctx: GroupContext) -> bool:
    rows = ctx.scores[ctx.scores["unit"].isin(ctx.group.units) & (ctx.scores["level"] == ctx.group.key.level)]
    return bool(rows["illustrative"].any())


def coverage_sentence(group: peers.PeerGroup, lang: str) -> str:
    """ "The data holds 4 of the group's 68 units" — or how many it holds, when the source gives no count."""
    held, published = group.coverage
    if published and published > held:
        return t("peers_coverage", lang, held=held, published=published)
    return t("peers_coverage_all", lang, held=held)


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
        if g.bands.below:
            notes.append(t("peers_bands_below", lang, below=g.bands.below))
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
    from parindex_lib.present.plots import plot_group_totals

    reference = ctx.group.reference.loc[["TOTAL"]] if "TOTAL" in ctx.group.reference.index else None
    if reference is not None:
        reference.index = [t("level_national", ctx.lang)]
    mean = float(ctx.league["total"].mean()) if not ctx.league.empty else None
    return plot_group_totals(ctx.league, ctx.group.target, ctx.lang, mean, reference)


def components_chart(ctx: GroupContext):
    """Each component's spread over the group (components at least two units report)."""
    from parindex_lib.present.plots import plot_group_components

    values = ctx.group.values
    return plot_group_components(values.loc[:, values.notna().sum() >= 2], ctx.lang)


def losses_chart(ctx: GroupContext):
    """The points the group loses by component."""
    from parindex_lib.present.plots import plot_group_losses

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
    from markupsafe import Markup

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


def lineage_sentence(table: pd.DataFrame, unit: str, level: str, year: int, lang: str) -> str | None:
    """What the reorganisation made of a unit, seen from a report's year: for a year from the effective date on,
    what the unit was formed from; before it, what the unit becomes. None when it was left unchanged."""
    rows = lineage_model.predecessors(table, unit, level)
    since = lineage_model.effective_year(rows) if not rows.empty else None
    if since is not None and year >= since and not (len(rows) == 1 and rows.iloc[0]["predecessor"] == unit):
        first = rows.iloc[0]
        return t("peers_lineage_sentence", lang, unit=unit, predecessors=", ".join(rows["predecessor"]),
                 decision=first["decision"], date=_date(first["effective"], lang))
    after = lineage_model.successors(table, unit, level)
    if after.empty:
        return None
    first = after.iloc[0]
    if year >= (lineage_model.effective_year(after) or year + 1):
        return None
    if len(after) == 1:
        partners = lineage_model.predecessors(table, first["successor"], first["successor_level"])
        others = [p for p in partners["predecessor"] if p != unit]
        if not others:
            return None  # kept as it was
        return t("peers_lineage_merges", lang, unit=unit, others=", ".join(others), successor=first["successor"],
                 decision=first["decision"], date=_date(first["effective"], lang))
    return t("peers_lineage_successor", lang, unit=unit, successors=", ".join(after["successor"]),
             decision=first["decision"], date=_date(first["effective"], lang))


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


def _date(iso: str, lang: str) -> str:
    y, m, d = str(iso)[:10].split("-")
    return f"{d}/{m}/{y}" if lang == "vi" else f"{y}-{m}-{d}"


def predecessor_frame(scores: pd.DataFrame, table: pd.DataFrame, unit: str, level: str, lang: str,
                      rule: str | None = None) -> tuple[pd.DataFrame, lineage_model.PredecessorHistory | None]:
    """A merged unit's history as labelled columns: each predecessor "(before the reorganisation)", the series
    derived from them when a rule is chosen, and the unit's own results — never one column mixing them."""
    if table.empty:
        return pd.DataFrame(), None
    hist = lineage_model.history(scores, table, unit, level, rule=rule)
    if not hist.merged:
        return pd.DataFrame(), hist
    frame = hist.side_by_side.rename(columns=lambda p: t("peers_before_label", lang, unit=p))
    if hist.derived is not None:
        label = t("peers_derived_label", lang, unit=unit, rule=t(f"peers_rule_{hist.rule}", lang))
        frame[label] = hist.derived
    frame[t("peers_own_label", lang, unit=unit)] = hist.own
    return frame.sort_index(), hist


def shows_predecessors(hist: lineage_model.PredecessorHistory | None, unit: str, year: int) -> bool:
    """Whether a report of ``year`` on ``unit`` shows its history through predecessors: the unit was formed
    from others (not merely kept), and the report is of the effective year or later."""
    if hist is None or not hist.merged or hist.since is None or year < hist.since:
        return False
    return not (len(hist.rows) == 1 and hist.rows.iloc[0]["predecessor"] == unit)


def predecessors_table(scores: pd.DataFrame, table: pd.DataFrame, unit: str, level: str, year: int, lang: str,
                       rule: str | None = None):
    """The trends page's section for a merged unit (empty markup for a unit formed from nothing)."""
    frame, hist = predecessor_frame(scores, table, unit, level, lang, rule)
    if not shows_predecessors(hist, unit, year):
        line = lineage_sentence(table, unit, level, year, lang) if not table.empty else None
        return HTML(str(fragment("section", paragraphs=[line]))) if line else HTML("")
    first = hist.rows.iloc[0]
    sentence = t("peers_lineage_sentence", lang, unit=unit, predecessors=", ".join(hist.rows["predecessor"]),
                 decision=first["decision"], date=_date(first["effective"], lang))
    rows = []
    for (year, period), r in frame.iterrows():
        row = {t("col_period", lang): str(year) if period == "FY" else f"{period}/{year}"}
        for col, v in r.items():
            cell = "" if pd.isna(v) else format_number(v, lang)
            if cell and hist.derived is not None and col.startswith(unit + " —") and (year, period) in hist.covered:
                cell += f" ({int(hist.covered.loc[(year, period)])}/{len(hist.rows)})"
            row[col] = cell
        rows.append(row)
    notes = t("peers_derived_note", lang, unit=unit) if hist.derived is not None else None
    return HTML(str(fragment("section", title=t("peers_lineage_table", lang), paragraphs=[sentence],
                             table=report.styled(pd.DataFrame(rows)).to_html(), note=notes)))


def footer(ctx: GroupContext) -> HTML:
    """Provenance: inputs and their hashes, parameters, version, time."""
    from parindex_lib.present.pages import provenance

    prov = provenance(ctx)  # the same record as every page: it reads the parameters only
    scheme = ctx.group.scheme.name if ctx.group.scheme is not None else ""
    return ctx.html(fragment("footer", scheme, t("provenance_title", ctx.lang), t("provenance_inputs", ctx.lang),
                             prov["inputs"], t("provenance_params", ctx.lang), prov["params"],
                             t("provenance_version", ctx.lang, version=prov["version"], time=prov["time"])))


def require_group(ctx: GroupContext) -> None:
    """Refuse a page for a group without any total (nothing to rank)."""
    if ctx.league.empty:
        raise MethodError(f"no unit of {group_label(ctx.group.key, 'en')} has a total in {ctx.group.label}")


def relative_page(slug: str) -> Path:
    """Where a group's page lives in a run's folder."""
    return Path(slug) / PAGE


def group_sheet(group: peers.PeerGroup, lang: str):
    """The group's sheet of the run's workbook: its league table, as numbers (total, change, gap) with formats."""
    from parindex_lib.present.workbook import NUMBER, PCT, WHOLE, Column, Sheet

    league = peers.league_table(group)
    columns = [Column(t("col_unit", lang)), Column(t("col_total", lang), PCT), Column(t("col_rank", lang), WHOLE),
               Column(t("col_rank_of", lang), WHOLE), Column(t("col_change", lang), NUMBER),
               Column(t("col_band", lang)), Column(t("col_status", lang)), Column(t("col_gap_total", lang), NUMBER)]
    rows = [[unit, r["total"] / 100, int(r["rank"]), int(r["rank_of"]), r["change_pp"],
             (group.bands.label(r["band"], lang) or t("band_none", lang)) if group.bands is not None else None,
             t("peers_meets" if r["meets"] else "peers_short", lang),
             None if r["meets"] else group.required_total - r["total"]] for unit, r in league.iterrows()]
    held, published = group.coverage
    label = coverage_sentence(group, lang)
    title = f"{t('sheet_peers', lang, n='')}{group_label(group.key, lang)}"
    return Sheet(title, columns, rows, label)


def index_entries(scores: pd.DataFrame, members: dict, year: int, period: str, lang: str) -> list[dict]:
    """The index page's list of group pages: label, link, and how many units each holds."""
    out = []
    for slug, (unit, level) in members.items():
        key = peers.group_of(scores, unit, level, year, period)
        group = peers.build_group(scores, key, year, period)
        out.append({"label": group_label(key, lang), "href": f"{slug}/{PAGE}", "note": coverage_sentence(group, lang)})
    return out
