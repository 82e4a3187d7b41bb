"""Charts for the reports (seaborn/matplotlib, static). Every figure's numbers come from the analyses.

The font is DejaVu Sans, which matplotlib ships and which covers every Vietnamese letter, so
diacritics render without falling back to boxes; :func:`check_font` proves it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.figure import Figure

from parindex_lib.analyses.lift import LiftResult
from parindex_lib.model.components import TOTAL
from parindex_lib.model.index import PARIndex
from parindex_lib.present.i18n import component_name, t
from parindex_lib.present.report import STATUS_COLOURS
from parindex_lib.vn import format_number

FONT = "DejaVu Sans"
A4_WIDTH_IN = 7.0  # fits an A4 page with 15 mm margins


def use_style() -> None:
    """The report style: a font with full Vietnamese coverage, a quiet grid, print-sized figures."""
    sns.set_theme(style="whitegrid", context="notebook", font=FONT)
    plt.rcParams.update({"font.family": FONT, "figure.dpi": 110, "savefig.dpi": 110,
                         "axes.titleweight": "bold", "figure.autolayout": False})


def check_font(text: str) -> str:
    """The path of the font matplotlib uses; raises if it is a fallback or lacks a glyph of ``text``."""
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=FONT), fallback_to_default=False)
    charmap = FT2Font(path).get_charmap()
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in charmap})
    if missing:
        raise RuntimeError(f"font {path} lacks glyphs for {''.join(missing)}")
    return path


@dataclass(frozen=True)
class Chart:
    """A finished figure that shows itself as one embedded PNG in a notebook or report."""

    figure: Figure

    def data_uri(self) -> str:
        """The PNG as a ``data:`` URI, for a page that must open offline."""
        import base64

        return "data:image/png;base64," + base64.b64encode(self._repr_png_()).decode("ascii")

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()


def _done(fig: Figure) -> Chart:
    fig.tight_layout()
    plt.close(fig)  # shown once, from the returned chart, not again by the inline backend
    return Chart(fig)


def _component_axes(codes: list[str], lang: str, xlabel: str, title: str):
    """A horizontal-bar figure with one row per component, labelled in ``lang`` (first at the top)."""
    use_style()
    fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, 0.45 * len(codes) + 1.2))
    y = np.arange(len(codes))
    ax.set_yticks(y, [component_name(c, lang, short=True) for c in codes])
    ax.invert_yaxis()
    ax.set_xlabel(t(xlabel, lang))
    ax.set_title(t(title, lang))
    return fig, ax, y


def plot_components(status: pd.DataFrame, lang: str = "vi"):
    """Each component's result (bar, coloured by status) against its target (marker); None without components
    (or without percentages: blocks in points whose maxima are not published)."""
    status = status[status["value"].notna()]
    if status.empty:
        return None
    fig, ax, y = _component_axes(list(status.index), lang, "axis_pct", "chart_components_title")
    # Bars are coloured by status (the table beside the chart names each status); the legend names the marker.
    ax.barh(y, status["value"], color=[STATUS_COLOURS.get(s, "#777") for s in status["status"]])
    ax.scatter(status["target"], y, marker="|", s=400, color="black", linewidths=2.5, zorder=3,
               label=t("legend_target", lang))
    for yi, v in zip(y, status["value"], strict=True):  # the value inside its bar, clear of the target mark
        ax.text(max(v - 1, 1), yi, format_number(v, lang), va="center", ha="right" if v > 12 else "left",
                fontsize=8, color="white" if v > 12 else "black", fontweight="bold")
    ax.set_xlim(0, 108)
    ax.legend(loc="lower right", fontsize=8)
    return _done(fig)


def plot_bridge(index: PARIndex, result: LiftResult, lang: str = "vi"):
    """A bridge (waterfall) from the current total to the target: each improvement's contribution.

    None when there is no lift (a unit with only its total)."""
    if result is None:
        return None
    use_style()
    steps = [(component_name(c, lang, short=True), r.gain_total) for c, r in result.changes.iterrows()]
    names = [t("bridge_start", lang)] + [s[0] for s in steps] + [t("bridge_end", lang)]
    fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, 3.4))
    level = result.total_before
    ax.bar(0, level, color="#4c72b0")
    for i, (_, gain) in enumerate(steps, start=1):
        ax.bar(i, gain, bottom=level, color="#55a868")
        ax.text(i, level + gain + 0.15, f"+{format_number(gain, lang)}", ha="center", fontsize=8)
        level += gain
    ax.bar(len(names) - 1, result.total_after, color="#4c72b0")
    ax.axhline(index.target, color="#b2182b", linestyle="--", linewidth=1.2, label=t("legend_target", lang))
    low = max(0.0, min(result.total_before, index.target) - 6)
    ax.set_ylim(low, max(result.total_after, index.target) + 2)
    ax.set_xticks(range(len(names)), names, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(t("axis_total_points", lang))
    ax.set_title(t("chart_bridge_title", lang))
    ax.legend(loc="upper left", fontsize=8)
    return _done(fig)


def plot_trends(history: pd.DataFrame, status: pd.DataFrame, lang: str = "vi", target: float | None = None,
                reference: pd.DataFrame | None = None):
    """The total and each component by period, with targets as dashed lines (small multiples); the total's
    panel also draws published averages (national, regional) as comparison lines."""
    use_style()
    comps = ([TOTAL] if TOTAL in history.columns and history[TOTAL].notna().any() else []) + \
        [c for c in status.index if c in history.columns]
    if not comps or history.empty:
        return None
    cols = min(3, len(comps))
    rows = int(np.ceil(len(comps) / cols))
    height = 1.9 * rows + 0.6 if cols > 1 else 3.0
    fig, axes = plt.subplots(rows, cols, figsize=(A4_WIDTH_IN, height), sharex=True, squeeze=False)
    periods = [f"{p}/{y}" if p != "FY" else str(y) for y, p in history.index]
    x = np.arange(len(periods))
    for ax, c in zip(np.ravel(axes), comps, strict=False):
        ax.plot(x, history[c].to_numpy(), marker="o", color="#4c72b0")
        if c == TOTAL:
            if target is not None:
                ax.axhline(target, color="#b2182b", linestyle="--", linewidth=1)
            for k, ref in enumerate(reference.columns if reference is not None else []):
                line = reference[ref].reindex(history.index).to_numpy(dtype=float)
                ax.plot(x, line, linestyle="-.", linewidth=1, color=["#777777", "#8172b3", "#55a868"][k % 3],
                        label=ref)
            if reference is not None and len(reference.columns):
                ax.legend(fontsize=6, loc="lower right")
            ax.set_title(t("col_total", lang), fontsize=9)
            ax.tick_params(labelsize=7)
            continue
        if not pd.isna(status.loc[c, "target"]):
            ax.axhline(status.loc[c, "target"], color="#b2182b", linestyle="--", linewidth=1)
        if "projected" in status and not pd.isna(status.loc[c, "projected"]):
            ax.plot([x[-1], x[-1] + 1], [history[c].iloc[-1], status.loc[c, "projected"]], linestyle=":",
                    color="#4c72b0")
        ax.set_title(component_name(c, lang, short=True), fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in np.ravel(axes)[len(comps):]:
        ax.axis("off")
    for ax in np.ravel(axes):
        ax.set_xticks(x, periods, rotation=30)
    fig.suptitle(t("chart_trends_title", lang), fontweight="bold")
    return _done(fig)


def plot_contributions(table: pd.DataFrame, lang: str = "vi"):
    """Stacked bars: each component's contribution to the total and the points it lost; None when empty."""
    if table.empty:
        return None
    fig, ax, y = _component_axes(list(table.index), lang, "axis_total_points", "chart_lost_title")
    ax.barh(y, table["contribution"], color="#4c72b0", label=t("col_contribution", lang))
    ax.barh(y, table["points_lost"], left=table["contribution"], color="#dd8452", label=t("col_lost", lang))
    for yi, lost, start in zip(y, table["points_lost"], table["contribution"], strict=True):
        ax.text(start + lost + 0.1, yi, format_number(lost, lang), va="center", fontsize=8)
    ax.legend(loc="lower right", fontsize=8)
    return _done(fig)


#: Above this many units (the 63 provinces of old), the index chart shows how the totals spread.
BARS_MAX = 63


def plot_index_totals(totals: list[tuple[str, float]], lang: str = "vi"):
    """The index page's chart: each unit's total (ranked, highest first) as a horizontal bar; for more than
    :data:`BARS_MAX` units (a province's communes), a histogram of the totals by percentage point."""
    use_style()
    if len(totals) > BARS_MAX:
        values = np.array([v for _, v in totals], dtype=float)
        fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, 3.2))
        ax.hist(values, bins=np.arange(np.floor(values.min()), 101.0, 1.0), color="#4c72b0")
        ax.set_xlabel(t("chart_total_axis", lang))
        ax.set_ylabel(t("chart_units_axis", lang))
        ax.set_title(t("chart_index_spread_title", lang, n=format_number(len(values), lang, 0)), fontweight="bold")
        return _done(fig)
    names = [u if len(u) <= 40 else u[:38] + "…" for u, _ in totals]  # names are data: never refused for a glyph
    values = [v for _, v in totals]
    fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, 0.28 * len(totals) + 1.0))
    y = np.arange(len(totals))[::-1]
    ax.barh(y, values, color="#4c72b0")
    ax.set_yticks(y, names, fontsize=7)
    for yi, v in zip(y, values, strict=True):
        ax.text(v + 0.3, yi, format_number(v, lang), va="center", fontsize=7)
    ax.set_xlim(min(values) - 5 if min(values) > 10 else 0, 100)
    ax.set_title(t("chart_index_title", lang), fontweight="bold")
    return _done(fig)


def plot_total_trend(history: pd.DataFrame, lang: str = "vi", target: float | None = None,
                     reference: pd.DataFrame | None = None):
    """The total by period against its target and the published averages (for a unit with totals only)."""
    if TOTAL not in history.columns or history[TOTAL].dropna().empty:
        return None
    return plot_trends(history[[TOTAL]], pd.DataFrame(), lang, target, reference)


# -- peer groups -------------------------------------------------------------------------------------------------

#: Up to this many units, the group's totals are drawn one dot per unit, named; beyond it, as a box and a strip.
NAMED_DOTS = 30


def plot_group_totals(league: pd.DataFrame, target: float, lang: str = "vi", mean: float | None = None,
                      reference: pd.Series | None = None):
    """The group's totals against the target: each unit a dot (named, best at the top) for a small group, else a
    box (quartiles) over a strip of every unit; the group's mean and published references as lines."""
    if league.empty:
        return None
    use_style()
    totals = league["total"].astype(float)
    low = max(0.0, min(float(totals.min()), target) - 5)
    if len(league) <= NAMED_DOTS:
        fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, 0.32 * len(league) + 1.3))
        y = np.arange(len(league))[::-1]
        colours = [STATUS_COLOURS["met"] if m else STATUS_COLOURS["off_track"] for m in league["meets"]]
        ax.scatter(totals, y, color=colours, s=40, zorder=3)
        ax.set_yticks(y, [u if len(u) <= 36 else u[:34] + "…" for u in league.index], fontsize=7)
        for yi, v in zip(y, totals, strict=True):
            ax.text(v + 0.3, yi, format_number(v, lang), va="center", fontsize=7)
    else:
        fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, 2.6))
        sns.boxplot(x=totals, ax=ax, color="#c6dbef", width=0.5, fliersize=0)
        sns.stripplot(x=totals, ax=ax, color="#4c72b0", size=2.5, alpha=0.6, jitter=0.25)
        ax.set_yticks([])
    ax.axvline(target, color="#b2182b", linestyle="--", linewidth=1.2, label=t("legend_target", lang))
    if mean is not None:
        ax.axvline(mean, color="#4c72b0", linestyle=":", linewidth=1.2, label=t("legend_mean", lang))
    for k, (name, value) in enumerate((reference if reference is not None else pd.Series(dtype=float)).items()):
        ax.axvline(value, color=["#777777", "#8172b3"][k % 2], linestyle="-.", linewidth=1, label=str(name))
    ax.set_xlim(low, 100.5)
    ax.set_xlabel(t("chart_total_axis", lang))
    ax.set_title(t("chart_peers_totals_title", lang), fontweight="bold")
    ax.legend(fontsize=7, loc="best")
    return _done(fig)


def plot_group_components(values: pd.DataFrame, lang: str = "vi"):
    """Each component's spread over the group (a box per component and every unit as a dot); None without
    components."""
    comps = [c for c in values.columns if values[c].notna().any()]
    if not comps or len(values) < 2:
        return None
    use_style()
    long = values[comps].melt(var_name="component", value_name="value").dropna()
    long["name"] = long["component"].map(lambda c: component_name(c, lang, short=True))
    order = [component_name(c, lang, short=True) for c in comps]
    fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, 0.45 * len(comps) + 1.4))
    sns.boxplot(data=long, x="value", y="name", order=order, ax=ax, color="#c6dbef", fliersize=0, width=0.6)
    sns.stripplot(data=long, x="value", y="name", order=order, ax=ax, color="#4c72b0", size=2.5, alpha=0.5,
                  jitter=0.2)
    ax.set_xlabel(t("axis_pct", lang))
    ax.set_ylabel("")
    ax.set_xlim(0, 101)
    ax.set_title(t("chart_peers_components_title", lang), fontweight="bold")
    return _done(fig)


def plot_group_losses(losses: pd.DataFrame | None, lang: str = "vi"):
    """The points the group loses on each component (summed over units), largest first; None without them."""
    if losses is None or losses.empty:
        return None
    in_points = losses["points_lost"].notna().all()
    values = losses["points_lost"] if in_points else losses["pp_lost"]
    fig, ax, y = _component_axes(list(losses.index), lang, "axis_total_points", "chart_peers_losses_title")
    ax.barh(y, values, color="#dd8452")
    for yi, v in zip(y, values, strict=True):
        ax.text(v, yi, " " + format_number(v, lang), va="center", fontsize=8)
    if not in_points:
        ax.set_xlabel(t("col_pp_lost_sum", lang))
    return _done(fig)


def plot_lineage(frame: pd.DataFrame, lang: str = "vi"):
    """A merged unit's history: each predecessor's own line, the derived series dashed (when there is one) and
    the unit's own results — separate lines, labelled; None when the unit has no predecessors."""
    if frame.empty or frame.notna().sum().sum() == 0:
        return None
    use_style()
    fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, 3.2))
    labels = [str(y) if p == "FY" else f"{p}/{y}" for y, p in frame.index]
    x = np.arange(len(frame))
    own = frame.columns[-1]
    for k, col in enumerate(frame.columns):
        series = frame[col].to_numpy(dtype=float)
        if col == own:
            ax.plot(x, series, marker="o", color="black", linewidth=2, label=col)
        elif "—" in col:  # the derived series
            ax.plot(x, series, linestyle="--", marker="s", color="#b2182b", label=col)
        else:
            ax.plot(x, series, marker="o", alpha=0.8, color=sns.color_palette("deep")[k % 10], label=col)
    ax.set_xticks(x, labels, rotation=30, fontsize=7)
    ax.set_ylabel(t("chart_total_axis", lang))
    ax.set_title(t("chart_lineage_title", lang), fontweight="bold")
    ax.legend(fontsize=6, loc="lower right")
    return _done(fig)
