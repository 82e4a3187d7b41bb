"""Which peer groups get a page at a run's point, their names for people, where their pages live, and what a
run's index and workbook say of them.

The batch reads this module to plan, link and list the group pages (:mod:`parindex_lib.present.peer_pages`
builds the page itself).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parindex_lib.analyses import peers
from parindex_lib.present.excel import NUMBER, PCT, WHOLE, Column, Sheet
from parindex_lib.present.i18n import t

#: The page's file name in the group's folder.
PAGE = "peers.html"


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


def coverage_sentence(group: peers.PeerGroup, lang: str) -> str:
    """ "The data holds 4 of the group's 68 units" — or how many it holds, when the source gives no count."""
    held, published = group.coverage
    if published and published > held:
        return t("peers_coverage", lang, held=held, published=published)
    return t("peers_coverage_all", lang, held=held)


def relative_page(slug: str) -> Path:
    """Where a group's page lives in a run's folder."""
    return Path(slug) / PAGE


def group_sheet(group: peers.PeerGroup, lang: str):
    """The group's sheet of the run's workbook: its league table, as numbers (total, change, gap) with formats."""

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
