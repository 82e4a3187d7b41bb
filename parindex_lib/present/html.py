"""Self-contained HTML: executed notebooks rendered by nbconvert without code, images embedded,
no script, font or style fetched from anywhere (nbconvert's full templates load from a CDN, so the
``basic`` template's body is wrapped in our own ``page.html.j2``), and a print stylesheet for A4
(``templates/report.css``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import nbformat
import pandas as pd
from markupsafe import Markup
from nbconvert import HTMLExporter

from parindex_lib.analyses.ranking import ranking_table
from parindex_lib.io import write_atomic
from parindex_lib.model.schema import UNIT_LEVELS
from parindex_lib.present.i18n import status_label, t, target_text
from parindex_lib.present.plots import plot_index_totals
from parindex_lib.present.render import render
from parindex_lib.present.report import basis_label, illustrative_banner
from parindex_lib.vn import format_pct, format_rank


def _drop_noise(nb: nbformat.NotebookNode, analyst_cells: bool = False) -> nbformat.NotebookNode:
    """Remove cells meant for analysts (tagged ``analyst-note``, and ``analyst`` unless asked for) and
    stderr streams (warnings); give papermill's parameters cell a fixed id."""
    drop = {"analyst-note"} | (set() if analyst_cells else {"analyst"})
    nb.cells = [c for c in nb.cells if not drop & set(c.get("metadata", {}).get("tags", []))]
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"  # papermill draws a random id; a page must not change run to run
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return nb


@cache
def exporter() -> HTMLExporter:
    """nbconvert's HTML exporter, made once per process (it compiles its templates when first used)."""
    return HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, exclude_raw=True)


def render_html(executed: Path, out: Path, lang: str = "vi", analyst_cells: bool = False) -> Path:
    """Render an executed notebook to a self-contained page without code cells, written atomically.

    Cells tagged ``analyst`` (the lift page's what-if scenario) are shown only with ``analyst_cells``.
    """
    nb = _drop_noise(nbformat.read(str(executed), as_version=4), analyst_cells)
    body, _ = exporter().from_notebook_node(nb)
    page = render("page.html.j2", lang=lang, title=t("app_title", lang), body=Markup(body))
    return write_atomic(out, page)


def render_index(rows: list, year: int, period: str, lang: str, scores: pd.DataFrame,
                 missing: list | None = None, groups: list[dict] | None = None) -> str:
    """``reports/<year>-<period>/index.html``: one table per level, units ranked by their total (the reported
    one where there is one), each linked to its own pages; a chart when a level has several units; and
    every unit that could not be reported, with the reason.

    ``rows`` holds (unit, level, slug, index); ``missing`` (unit, level, reason).
    """
    label = str(year) if period == "FY" else f"{period}/{year}"
    ranked = ranking_table(rows, scores)
    levels = []
    for level in UNIT_LEVELS:
        units = ranked[ranked["level"] == level] if not ranked.empty else ranked
        if units.empty:
            continue
        table = [[{"text": str(i)}, {"text": r.unit, "href": f"{r.slug}/summary.html"},
                  {"text": f"{format_pct(r.total, lang)} ({basis_label(r.index, lang)})"
                           + (f" · {format_rank(int(r.rank), r.rank_of)}" if pd.notna(r.rank) else "")},
                  {"text": target_text(r.target, r.bound, lang)},
                  {"text": status_label(r.status, lang)}]
                 for i, r in enumerate(units.itertuples(), start=1)]
        chart = plot_index_totals(list(zip(units["unit"], units["total"], strict=True)), lang) \
            if len(units) > 1 else None
        levels.append({"title": t("index_level_title", lang, level=t(f"level_{level}", lang)), "rows": table,
                       "chart": None if chart is None else chart.data_uri()})
    heading = t("index_title", lang, label=label)
    made_up = ranked[ranked["illustrative"]] if not ranked.empty else ranked
    banner = illustrative_banner(scores[scores["unit"].isin(made_up["unit"])], lang) if len(made_up) else None
    return render("index.html.j2", lang=lang, title=heading, heading=heading, banner=banner, levels=levels,
                  columns=[t(k, lang) for k in ("col_rank", "col_unit", "col_total", "col_target", "col_status")],
                  missing=[[{"text": u}, {"text": t(f"level_{lv}", lang)}, {"text": why}]
                           for u, lv, why in missing or []],
                  missing_title=t("index_not_reported", lang),
                  missing_columns=[t("col_unit", lang), t("col_level", lang), t("col_reason", lang)],
                  groups=groups or [], groups_title=t("peers_title_index", lang))
