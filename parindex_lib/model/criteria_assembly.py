"""From the rows read from self-assessment sheets to the criteria table and the component rows.

:func:`assemble` checks that every scored criterion has a value, that no criterion is given twice, and that a
parent's written total is the sum of its children's (an error, or with ``keep_inconsistent`` a flagged
inconsistency) — and rolls the table up (:mod:`~parindex_lib.model.criteria_scores`): criteria → areas →
components by Σ points ÷ Σ maxima, bonus and penalty points as the adjustments they are. The component rows it
makes are the ``scores`` contract's, so every analysis runs unchanged on a unit scored by criteria;
:func:`merge_component_rows` puts them beside the component rows read, which must agree.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from parindex_lib.errors import Problem, Reason, because
from parindex_lib.model.components import TOTAL, adjustments
from parindex_lib.model.criteria import EPS, CriteriaTree, CriterionProblem
from parindex_lib.model.criteria_scores import (
    GROUP,
    ROLLED_UP,
    coerce_dtypes,
    component_rows,
    empty_criteria,
    roll_up,
    total_of,
)
from parindex_lib.model.index import half_width

#: The header a self-assessment's points column is named by when the row does not say.
_SELF_HEADER = "Điểm tự đánh giá"


def _where(row: Mapping, code: str | None, column: str | None = None) -> dict:
    return {"file": row["file"], "row": None if pd.isna(row["row"]) else int(row["row"]),
            "sheet": row["sheet"] or None, "code": code, "column": column}


def _problem(row: Mapping, code: str | None, column: str | None, value: object, expected: Reason
             ) -> CriterionProblem:
    w = _where(row, code, column)
    return CriterionProblem(w["file"], w["row"], w["column"], value, expected, w["sheet"], w["code"])


def _fmt(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".").replace(".", ",")


def _column_name(row: Mapping, field: str, default: str) -> str:
    names = row.get("columns") or {}
    return names.get(field, default) if isinstance(names, Mapping) else default


def assemble(read: pd.DataFrame, trees: Mapping[str, CriteriaTree]
             ) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem], list[str]]:
    """The criteria table and the component rows of every unit in ``read`` (rows as readers give them).

    Per unit × year × period: one scheme; each criterion once; every scored criterion with a value (the
    appraised one decides); a parent's written total equal to the sum of its children's — or, where the file
    keeps inconsistencies, flagged — and the written grand total equal to Σ areas (with or without bonus and
    penalty points). A partial tree cannot be rolled up (its missing criteria are not known).

    Returns
    -------
    tuple
        The criteria table, the component rows (the ``scores`` contract's columns, ``TOTAL`` where the sheet
        writes a total), the problems found (each located by file, sheet, row, criterion and value), and notes.
    """
    problems: list[Problem] = []
    notes: list[str] = []
    if read.empty:
        return empty_criteria(), pd.DataFrame(), problems, notes
    read = read.reset_index(drop=True)
    tables, components = [], []
    for group_key, group in read.groupby(GROUP, sort=False, dropna=False):
        unit, level, year, period = group_key
        schemes = group["scheme"].unique()
        first = group.iloc[0]
        if len(schemes) > 1:
            problems.append(_problem(first, None, None, ", ".join(schemes), because(
                "crit_several_schemes", "gives criteria of {unit} ({year} {period}) by several schemes (expected "
                                        "one)", unit=unit, year=year, period=period, point=(year, period))))
            continue
        tree = trees[schemes[0]]
        if group["faulty"].fillna(False).astype(bool).any():
            continue  # a value of this unit is already reported as wrong: its sums would only repeat it
        if tree.partial:
            problems.append(_problem(first, None, None, tree.name, because(
                "crit_partial_tree", "is a partial set of criteria ({codes} and others not published), so the points "
                                     "of {unit} cannot be rolled up (expected a complete scheme)",
                codes=", ".join(c.code for c in tree.unpublished()), unit=unit)))
            continue
        table, comps, found, said = _assemble_unit(group, tree, schemes[0])
        problems += found
        notes += said
        if table is not None:
            tables.append(table)
            components.append(comps)
    table = coerce_dtypes(pd.concat(tables, ignore_index=True)) if tables else empty_criteria()
    comps = pd.concat(components, ignore_index=True) if components else pd.DataFrame()
    return table, comps, problems, notes


def _assemble_unit(group: pd.DataFrame, tree: CriteriaTree, scheme: str):
    """One unit's criteria table and component rows, in named steps: each criterion once, every scored one with
    a value, the roll-up, written parents' totals and the grand total against their sums."""
    keep = bool(group["keep_inconsistent"].any())
    by_code, problems = _each_once(group[group["criterion"] != TOTAL])
    leaves, missing = _leaf_points(group, tree, scheme, by_code)
    problems += missing
    if problems:
        return None, None, problems, []
    leaf_frame = pd.DataFrame(leaves)
    for k in GROUP:
        leaf_frame[k] = group.iloc[0][k]
    nodes = roll_up(leaf_frame, tree).set_index("criterion")
    flags, written, problems, notes = _parents_written(tree, by_code, nodes, keep)
    comps = component_rows(nodes.reset_index(), tree)
    total_points, maximum = total_of(comps)
    plain = float(comps.loc[~comps["component"].isin(adjustments()), "points"].sum())
    reported_total, total_problems, total_notes = _total_written(group, total_points, plain, keep, flags)
    problems += total_problems
    notes += total_notes
    if problems:
        return None, None, problems, notes
    table = _table(group, tree, scheme, nodes, by_code, written, flags)
    return table, _score_rows(group, tree, scheme, comps, flags, reported_total, maximum, table), problems, notes


def _each_once(rows: pd.DataFrame) -> tuple[dict[str, Mapping], list[Problem]]:
    """The rows by criterion; a criterion given twice for a unit is a problem naming where it was first."""
    by_code: dict[str, Mapping] = {}
    problems: list[Problem] = []
    for _, row in rows.iterrows():
        code = row["criterion"]
        if code in by_code:
            other = by_code[code]
            sheet = because("crit_then", ", {part}", part=because("where_sheet", 'sheet "{sheet}"',
                                                                  sheet=other["sheet"])) \
                if other["sheet"] != row["sheet"] else ""
            problems.append(_problem(row, code, _column_name(row, "code", "STT/Mã"), code, because(
                "crit_criterion_twice", "gives criterion {code} of {unit} again (first at row {row}{sheet}; expected "
                                        "each criterion once per unit)", code=code, unit=row["unit"], row=other["row"],
                sheet=sheet)))
            continue
        by_code[code] = row
    return by_code, problems


def _leaf_points(group: pd.DataFrame, tree: CriteriaTree, scheme: str, by_code: Mapping[str, Mapping]
                 ) -> tuple[list[dict], list[Problem]]:
    """Each scored criterion's points (the appraised ones decide); a missing or empty one is a problem."""
    anchor = group.iloc[0]
    unit, year, period = anchor["unit"], anchor["year"], anchor["period"]
    leaves: list[dict] = []
    problems: list[Problem] = []
    for leaf in tree.leaves():
        row = by_code.get(leaf.code)
        if row is None:
            p = _problem(anchor, leaf.code, None, leaf.code, because(
                "crit_score_missing", 'is missing for {unit} ({year} {period}) (expected a score for every criterion '
                                      'of scheme "{scheme}": "{name}")', unit=unit, year=year, period=period,
                point=(year, period), scheme=scheme, name=leaf.name_vi))
            problems.append(CriterionProblem(p.file, None, None, leaf.code, p.expected, p.sheet, leaf.code))
            continue
        self_pts, appraised = row["self_points"], row["appraised_points"]
        if pd.isna(self_pts) and pd.isna(appraised):
            problems.append(_problem(row, leaf.code, _column_name(row, "self", _SELF_HEADER), "", because(
                "crit_points_empty", "is empty (expected the points of this criterion, self-assessed or "
                                     "appraised)")))
            continue
        leaves.append({"criterion": leaf.code, "self_points": self_pts, "appraised_points": appraised,
                       "points": appraised if pd.notna(appraised) else self_pts})
    return leaves, problems


def _parents_written(tree: CriteriaTree, by_code: Mapping[str, Mapping], nodes: pd.DataFrame, keep: bool):
    """Parents' totals as the sheet writes them, against the sum of their children: an error, or (``keep``) a
    flagged inconsistency and a note. Returns the flags, the written totals, the problems and the notes."""
    flags: dict[str, str] = {}
    written: dict[str, float] = {}
    problems: list[Problem] = []
    notes: list = []
    for code, row in by_code.items():
        if code not in tree or tree.is_leaf(code):
            continue
        kids = ", ".join(c.code for c in tree.children(code))
        for column, field in (("self_points", "self"), ("appraised_points", "appraised")):
            value = row[column]
            if pd.isna(value):
                continue
            if field == ("appraised" if pd.notna(row["appraised_points"]) else "self"):
                written[code] = float(value)
            computed = nodes.loc[code, column]
            if pd.isna(computed):
                computed = nodes.loc[code, "points"] if field == "appraised" else np.nan
            if pd.isna(computed) or abs(computed - value) <= 0.005 + EPS:
                continue
            if keep:
                flags[code] = (f"ghi {_fmt(value)} cho tiêu chí {code}, nhưng tổng các tiêu chí thành phần ({kids}) "
                               f"là {_fmt(computed)}")
                notes.append(Reason("std_criteria_parent_kept", {
                    "file": row["file"], "sheet": row["sheet"] or None, "row": row["row"], "value": _fmt(value),
                    "code": code, "kids": kids, "computed": _fmt(computed)},
                    f"{row['file']}{', sheet ' + repr(row['sheet']) if row['sheet'] else ''}, row {row['row']}: "
                    f"{_fmt(value)} written for {code}, but its sub-criteria ({kids}) add up to {_fmt(computed)} "
                    "(kept as an inconsistency; the sum is used)"))
            else:
                problems.append(_problem(row, code, _column_name(row, field, column), _fmt(value), because(
                    "crit_parent_not_sum", "is not the sum of the sub-criteria of {code} ({kids}): {computed} "
                    "(expected them equal; to keep the table as published, flag it with --keep-inconsistent or "
                    "keep_inconsistent: true in the manifest)", code=code, kids=kids, computed=_fmt(computed))))
    return flags, written, problems, notes


def _total_written(group: pd.DataFrame, total_points: float, plain: float, keep: bool, flags: dict[str, str]):
    """The grand total as the sheet writes it, against Σ areas (with or without bonus and penalty points): an
    error, or (``keep``) a flag and a note. Returns the total written (or None), the problems and the notes."""
    reported_total = None
    problems: list[Problem] = []
    notes: list = []
    for _, row in group[group["criterion"] == TOTAL].iterrows():
        value = row["appraised_points"] if pd.notna(row["appraised_points"]) else row["self_points"]
        if pd.isna(value):
            continue
        reported_total = float(value)
        if min(abs(value - total_points), abs(value - plain)) <= 0.005 + EPS:
            continue
        if keep:
            flags[TOTAL] = f"ghi tổng {_fmt(value)}, nhưng tổng điểm các lĩnh vực là {_fmt(total_points)}"
            notes.append(Reason("std_criteria_total_kept", {
                "file": row["file"], "row": row["row"], "value": _fmt(value), "unit": row["unit"],
                "computed": _fmt(total_points)},
                f"{row['file']}, row {row['row']}: the total {_fmt(value)} written for {row['unit']}, but its areas "
                f"add up to {_fmt(total_points)} (kept as an inconsistency)"))
        else:
            field = "appraised" if pd.notna(row["appraised_points"]) else "self"
            problems.append(_problem(row, None, _column_name(row, field, "Điểm"), _fmt(value), because(
                "crit_total_not_sum", "is not the sum of the areas' points, {computed} (expected them equal; to keep "
                "the table as published, flag it with --keep-inconsistent or keep_inconsistent: true in the "
                "manifest)", computed=_fmt(total_points))))
    return reported_total, problems, notes


def _table(group, tree, scheme, nodes, by_code, written, flags) -> pd.DataFrame:
    first = group.iloc[0]
    out = []
    for node in tree:
        row = by_code.get(node.code)
        rolled = nodes.loc[node.code]
        self_pts, appraised = rolled["self_points"], rolled["appraised_points"]
        source = (f"{row['file']}" + (f', sheet "{row["sheet"]}"' if row["sheet"] else "") + f", row {row['row']}"
                  if row is not None else _span(group))
        out.append({
            "unit": first["unit"], "level": first["level"], "year": int(first["year"]), "period": first["period"],
            "criterion": node.code, "parent": node.parent, "area": tree.area_of(node.code).code,
            "component": node.component, "depth": node.depth, "leaf": node.rule is not None,
            "name_vi": node.name_vi, "name_en": node.name_en, "max_points": node.max_points,
            "rule": node.rule.kind if node.rule else "",
            "self_points": self_pts, "appraised_points": appraised, "points": rolled["points"],
            "deducted": self_pts - appraised if pd.notna(self_pts) and pd.notna(appraised) else np.nan,
            "measured": row["measured"] if row is not None else np.nan,
            "measured_unit": node.rule.unit if node.rule and node.rule.kind == "bands" else "",
            "written_points": written.get(node.code, np.nan),
            "inconsistent": node.code in flags,
            "evidence": _opt(row["evidence"]) if row is not None else None,
            "lead_units": (_opt(row["lead_units"]) if row is not None else None) or node.lead_units,
            "scheme": scheme, "illustrative": bool(group["illustrative"].any()) or tree.illustrative,
            "source": source,
            "note": "; ".join(filter(None, [flags.get(node.code), _opt(row["note"]) if row is not None else None]))
                    or None,
        })
    return pd.DataFrame(out)


def _opt(value: object) -> str | None:
    """Optional text from a row (pandas gives NaN for a missing one)."""
    return value if isinstance(value, str) and value else None


def _span(group: pd.DataFrame) -> str:
    first = group.iloc[0]
    rows = sorted(int(r) for r in group["row"].dropna())
    sheet = f', sheet "{first["sheet"]}"' if first["sheet"] else ""
    span = f", rows {rows[0]}–{rows[-1]}" if len(rows) > 1 else (f", row {rows[0]}" if rows else "")
    return f"{first['file']}{sheet}{span}"


def _score_rows(group, tree, scheme, comps, flags, reported_total, maximum, table) -> pd.DataFrame:
    """The component rows of one unit (and its written total), in the ``scores`` contract."""
    first = group.iloc[0]
    leads = table[table["depth"] == 0].groupby("component")["lead_units"].agg(
        lambda s: "; ".join(dict.fromkeys(v for v in map(_opt, s) if v)) or None)
    flagged = {tree.area_of(c).component for c in flags if c != TOTAL}
    rows = []
    source = _span(group)
    illustrative = bool(group["illustrative"].any()) or tree.illustrative
    for _, c in comps.iterrows():
        note = f'{ROLLED_UP} "{scheme}"'
        if c["component"] in flagged:
            note += "; " + "; ".join(v for k, v in flags.items() if k != TOTAL
                                     and tree.area_of(k).component == c["component"])
        rows.append({"unit": first["unit"], "level": first["level"], "year": int(first["year"]),
                     "province": _opt(first["province"]), "period": first["period"], "component": c["component"],
                     "kind": "actual",
                     "value_pct": float(c["value_pct"]), "bound": "=", "points": float(c["points"]),
                     "max_points": float(c["max_points"]), "lead_units": leads.get(c["component"]),
                     "decimals": None, "illustrative": illustrative, "source": source, "note": note})
    if reported_total is not None and 0 <= reported_total <= maximum:
        rows.append({"unit": first["unit"], "level": first["level"], "year": int(first["year"]),
                     "province": _opt(first["province"]), "period": first["period"], "component": TOTAL,
                     "kind": "actual",
                     "value_pct": 100.0 * reported_total / maximum, "bound": "=", "points": reported_total,
                     "max_points": maximum, "lead_units": None, "decimals": None, "illustrative": illustrative,
                     "source": source, "note": f'{ROLLED_UP} "{scheme}": tổng điểm ghi trên bảng'
                     + (f"; {flags[TOTAL]}" if TOTAL in flags else "")})
    return pd.DataFrame(rows)


def merge_component_rows(scores: pd.DataFrame, rolled: pd.DataFrame, keep: set[tuple] | None = None
                         ) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    """Add the rows rolled up from criteria to ``scores``, where a unit's component rows for the same point
    must agree with them.

    Where both exist, they agree when the given value lies within its printed rounding of the rolled-up one:
    the rolled-up row is kept (it carries points), with the given row's rank, rank_of and lead office, and the
    given row is replaced (said in a note). Otherwise the disagreement is a problem located at the given row —
    or, for a unit whose file keeps inconsistencies (``keep``: its (unit, level, year, period)), the given row
    is kept, flagged in its note, and the rolled-up one set aside.
    """
    keep = keep or set()
    if rolled.empty:
        return scores, [], []
    key = ["unit", "level", "year", "period", "component", "kind"]
    problems: list[Problem] = []
    notes: list[str] = []
    given = scores.set_index(key)
    drop_given, drop_rolled = [], []
    rolled = rolled.reset_index(drop=True)
    for i, r in rolled.iterrows():
        k = tuple(r[c] for c in key)
        if k not in given.index:
            continue
        other = given.loc[[k]].iloc[0]
        tolerance = half_width(other["decimals"]) + 1e-9
        agree = abs(float(other["value_pct"]) - float(r["value_pct"])) <= tolerance
        label = f"{r['component']} of {r['unit']} ({r['year']} {r['period']})"
        if agree:
            for column in ("rank", "rank_of", "lead_units"):
                if pd.notna(other[column]) and (column != "lead_units" or not r[column]):
                    rolled.loc[i, column] = other[column]
            rolled.loc[i, "source"] = f"{r['source']}; agrees with {other['source']}"
            drop_given.append(k)
            notes.append(Reason("std_criteria_rows_agree", {
                "source": other["source"], "component": r["component"], "unit": r["unit"], "year": r["year"],
                "period": r["period"], "given": _fmt(other["value_pct"]), "rolled": _fmt(r["value_pct"])},
                f"{other['source']}: {label} = {_fmt(other['value_pct'])}% agrees with the criteria rolled up "
                f"({_fmt(r['value_pct'])}%); the rolled-up row, which carries points, is used"))
        elif tuple(r[c] for c in GROUP) in keep:
            drop_rolled.append(i)
            scores = scores.copy()
            mask = (scores[key] == pd.Series(k, index=key)).all(axis=1)
            flag = f"khác với kết quả tổng hợp từ tiêu chí ({_fmt(r['value_pct'])}%, {r['source']})"
            scores.loc[mask, "note"] = scores.loc[mask, "note"].map(lambda n, f=flag: f"{n}; {f}" if n else f)
            notes.append(Reason("std_criteria_rows_disagree", {
                "source": other["source"], "component": r["component"], "unit": r["unit"], "year": r["year"],
                "period": r["period"], "given": _fmt(other["value_pct"]), "rolled": _fmt(r["value_pct"]),
                "rolled_source": r["source"]},
                f"{other['source']}: {label} = {_fmt(other['value_pct'])}% disagrees with the criteria rolled up "
                f"({_fmt(r['value_pct'])}%, {r['source']}) (kept as an inconsistency; the given row is used)"))
        else:
            problems.append(Problem(str(other["source"]), None, r["component"], _fmt(other["value_pct"]) + "%",
                                    because("crit_rows_disagree", "disagrees with {rolled}% rolled up from the "
                                            "criteria of {unit} ({source}) (expected them equal within rounding; or "
                                            "keep the inconsistency with --keep-inconsistent)",
                                            rolled=_fmt(r["value_pct"]), unit=r["unit"], source=r["source"])))
    if drop_given:
        index = scores.set_index(key).index
        scores = scores[~index.isin(drop_given)]
    rolled = rolled.drop(index=drop_rolled)
    return pd.concat([scores, rolled], ignore_index=True), problems, notes
