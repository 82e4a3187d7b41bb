"""Self-contained HTML: executed notebooks rendered by nbconvert without code, images embedded,
no script, font or style fetched from anywhere (nbconvert's full templates load from a CDN, so the
``basic`` template's body is wrapped in our own ``page.html.j2``), and a print stylesheet for A4
(``templates/report.css``).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
from markupsafe import Markup

from parindex_lib.i18n import status_label, t, target_text
from parindex_lib.io import write_atomic
from parindex_lib.render import render
from parindex_lib.vn import format_pct


def _drop_noise(nb: nbformat.NotebookNode, analyst_cells: bool = False) -> nbformat.NotebookNode:
    """Remove cells meant for analysts (tagged ``analyst-note``, and ``analyst`` unless asked for) and
    stderr streams (warnings)."""
    drop = {"analyst-note"} | (set() if analyst_cells else {"analyst"})
    nb.cells = [c for c in nb.cells if not drop & set(c.get("metadata", {}).get("tags", []))]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return nb


def render_html(executed: Path, out: Path, lang: str = "vi", analyst_cells: bool = False) -> Path:
    """Render an executed notebook to a self-contained page without code cells, written atomically.

    Cells tagged ``analyst`` (the lift page's what-if scenario) are shown only with ``analyst_cells``.
    """
    from nbconvert import HTMLExporter

    nb = _drop_noise(nbformat.read(str(executed), as_version=4), analyst_cells)
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, exclude_raw=True)
    body, _ = exporter.from_notebook_node(nb)
    page = render("page.html.j2", lang=lang, title=t("app_title", lang), body=Markup(body))
    return write_atomic(out, page)


def render_index(rows: list, year: int, period: str, lang: str, scores: pd.DataFrame) -> str:
    """``reports/<year>-<period>/index.html``: every unit with its total, target and status, linked to its pages."""
    from parindex_lib.report import basis_label
    from parindex_lib.trends import total_status

    label = str(year) if period == "FY" else f"{period}/{year}"
    table = [{"href": f"{slug}/summary.html", "unit": unit,
              "total": f"{format_pct(index.display_total, lang)} ({basis_label(index, lang)})",
              "target": target_text(index.target, index.bound, lang),
              "status": status_label(total_status(index, scores), lang)} for unit, slug, index in rows]
    heading = t("index_title", lang, label=label)
    banner = t("illustrative_banner", lang) if any(index.illustrative for _, _, index in rows) else None
    return render("index.html.j2", lang=lang, title=heading, heading=heading, banner=banner, rows=table,
                  columns=[t(k, lang) for k in ("col_unit", "col_total", "col_target", "col_status")])
