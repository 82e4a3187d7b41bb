"""A merged unit's history across the 2025 reorganisation, as the pages word it: what a unit was formed from (or
becomes), and its predecessors' results side by side, never mixed with its own.

The history itself comes from :mod:`parindex_lib.model.lineage`; this module only words and formats it (for the
trends page of a unit and the lineage section of a peer-group page).
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from parindex_lib.model import lineage as lineage_model
from parindex_lib.present import report
from parindex_lib.present.i18n import t
from parindex_lib.present.render import fragment
from parindex_lib.vn import format_number


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
