"""Self-contained HTML: executed notebooks rendered by nbconvert without code, images embedded,
no script, font or style fetched from anywhere (nbconvert's full templates load from a CDN, so the
``basic`` template's body is wrapped in a page of our own), and a print stylesheet for A4.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd

from parindex_lib.i18n import status_label, t, target_text
from parindex_lib.io import write_atomic
from parindex_lib.report import escape
from parindex_lib.vn import format_pct

CSS = """
:root { --ink: #1d2433; --muted: #5b6475; --rule: #d9dde5; }
body { font-family: "DejaVu Sans", "Noto Sans", "Segoe UI", Arial, sans-serif; color: var(--ink);
       max-width: 190mm; margin: 0 auto; padding: 12px 18px; line-height: 1.45; font-size: 14px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 17px; margin: 18px 0 6px; }
p.headline { font-size: 17px; font-weight: bold; }
p.note, .provenance, p.scheme { color: var(--muted); font-size: 12px; }
p.illustrative { background: #fff3cd; border: 2px solid #e0a800; padding: 6px 10px; font-weight: bold; }
table.parindex-table, table { border-collapse: collapse; margin: 6px 0 10px; font-size: 12.5px; width: 100%; }
th, td { border: 1px solid var(--rule); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f1f3f7; }
caption { caption-side: top; text-align: left; font-weight: bold; font-size: 15px; padding: 10px 0 4px; }
img { max-width: 100%; height: auto; display: block; margin: 6px auto; }
.provenance code, .provenance li { word-break: break-all; }
a { color: #1a4f9c; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  table, img, tr { page-break-inside: avoid; break-inside: avoid; }
  h1, h2 { page-break-after: avoid; break-after: avoid; }
  p.nav { display: none; }
  img { max-height: 95mm; width: auto; }
  .provenance, p.scheme { font-size: 8.5px; }
  .provenance h2 { font-size: 11px; }
}
"""

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
{body}
</body>
</html>
"""


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
    page = PAGE.format(lang=escape(lang), title=escape(t("app_title", lang)), css=CSS, body=body)
    return write_atomic(out, page)


def render_index(rows: list, year: int, period: str, lang: str, scores: pd.DataFrame) -> str:
    """``reports/<year>-<period>/index.html``: every unit with its total, target and status."""
    from parindex_lib.report import basis_label
    from parindex_lib.trends import total_status

    label = str(year) if period == "FY" else f"{period}/{year}"
    head = "".join(f"<th>{escape(t(k, lang))}</th>" for k in ("col_unit", "col_total", "col_target", "col_status"))
    body = []
    illustrative = False
    for unit, slug, index in rows:
        illustrative |= index.illustrative
        status = total_status(index, scores)
        body.append(
            f'<tr><td><a href="{escape(slug)}/summary.html">{escape(unit)}</a></td>'
            f"<td>{escape(format_pct(index.display_total, lang))} ({escape(basis_label(index, lang))})</td>"
            f"<td>{escape(target_text(index.target, index.bound, lang))}</td>"
            f"<td>{escape(status_label(status, lang))}</td></tr>")
    banner = f'<p class="illustrative">{escape(t("illustrative_banner", lang))}</p>' if illustrative else ""
    content = (f"<h1>{escape(t('index_title', lang, label=label))}</h1>{banner}"
               f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    return PAGE.format(lang=escape(lang), title=escape(t("index_title", lang, label=label)), css=CSS, body=content)
