"""The plan's layout: components down, year groups across ("Năm 2022 | Năm 2023 | Mục tiêu năm 2024"),
each over "Chỉ số" / "Thứ hạng" (or a single value column), and a lead-office column.

Any number of actual and target year groups, merged (one filled cell and blanks) or repeated (Word
repeats a merged cell's text) year headers, with or without the second header row.
"""

from __future__ import annotations

import re

from parindex_lib.errors import Problem
from parindex_lib.model.components import match_component, suggest
from parindex_lib.readers.layout import (
    ACTUAL_GROUP,
    LEAD_HEADERS,
    NAME_HEADERS,
    NUMBER_HEADERS,
    RANK_SUB,
    TARGET_GROUP,
    VALUE_SUB,
    Block,
    Ledger,
    cell,
    extra_cells,
)
from parindex_lib.readers.values import FractionCheck, parse_value
from parindex_lib.vn import fold, parse_rank

ROMAN = re.compile(r"^[IVXLC]+\.?$")


def _groups(header: list[str], sub: list[str] | None, lead_col: int | None) -> list[dict]:
    folded = [fold(c) for c in header]
    groups: list[dict] = []
    for i, f in enumerate(folded):
        m_actual, m_target = ACTUAL_GROUP.match(f), TARGET_GROUP.match(f)
        if not (m_actual or m_target):
            continue
        if groups and groups[-1]["label"] == header[i] and groups[-1]["cols"][-1] == i - 1:
            groups[-1]["cols"].append(i)  # a merged cell repeated by Word
            continue
        cols, j = [i], i + 1
        while j < len(header) and not header[j] and j != lead_col:
            cols.append(j)
            j += 1
        groups.append({"kind": "target" if m_target else "actual", "year": int((m_target or m_actual).group(1)),
                       "cols": cols, "label": header[i], "value": None, "rank": None})
    sub_folded = [fold(c) for c in sub] if sub else []
    for g in groups:
        for c in g["cols"]:
            f = sub_folded[c] if c < len(sub_folded) else ""
            if f in RANK_SUB:
                g["rank"] = c
            elif f in VALUE_SUB or (not sub and g["value"] is None):
                g["value"] = c
            elif not sub and g["rank"] is None:
                # The plan repeats its header without the "Chỉ số | Thứ hạng" row (its SIPAS and
                # total table): a year spanning two columns then holds the value, then the rank.
                g["rank"] = c
    return groups


def read_plan(block: Block, context: dict, ledger: Ledger,
              fractions: FractionCheck) -> tuple[list[dict], list[Problem]]:
    """A plan block → tidy rows (one per component × year group) and located problems."""
    table = block.table
    header_row, header = block.header[0]
    sub = block.header[1][1] if len(block.header) > 1 else None
    rows_out: list[dict] = []
    problems: list[Problem] = []
    if not context["unit"] or not context["level"]:
        problems.append(table.problem(
            header_row, None, "", "is a plan table, which does not name its unit (expected unit and level "
            "from data/raw/manifest.yaml, or `parindex standardise FILE --unit U --level L`)"))
        ledger.errors |= {(s.table.sheet, r) for s in block.segments for r, _ in s.rows}
        return rows_out, problems
    folded = [fold(c) for c in header]
    number_col = next((i for i, f in enumerate(folded) if f in NUMBER_HEADERS), None)
    name_col = next(i for i, f in enumerate(folded) if f in NAME_HEADERS)
    lead_col = next((i for i, f in enumerate(folded) if any(k in f for k in LEAD_HEADERS)), None)
    groups = _groups(header, sub, lead_col)
    for g in groups:
        if g["value"] is None:
            problems.append(table.problem(header_row, g["label"], g["label"],
                                          "has no value column under it (expected \"Chỉ số\" and \"Thứ hạng\" "
                                          "below the year)"))
    if problems:
        ledger.errors |= {(s.table.sheet, r) for s in block.segments for r, _ in s.rows}
        return rows_out, problems

    def label_of(g: dict, col: int) -> str:
        return f"{g['label']} / {sub[col]}" if sub and col < len(sub) and sub[col] else g["label"]

    for segment in block.segments:
        t = segment.table
        for number, cells in segment.rows:
            first = cell(cells, number_col)
            label = cell(cells, name_col) or first
            values = [cell(cells, g["value"]) for g in groups]
            filled = [c for c in cells if c]
            if ROMAN.match(first) and not any(values):
                ledger.skipped.append((t.sheet, number, "section heading"))
                continue
            code = match_component(label) if label else None
            if code is None and len(filled) == 1 and not any(values):
                ledger.skipped.append((t.sheet, number, "text between tables"))
                continue
            row_problems: list[Problem] = []
            extra = extra_cells(t, number, cells, block.header_width)
            if extra:
                row_problems.append(extra)
            if code is None:
                row_problems.append(t.problem(number, header[name_col], label,
                                              "is empty (expected a component name)" if not label else suggest(label)))
            lead = cell(cells, lead_col) or None
            parsed = []
            for g, text in zip(groups, values, strict=True):
                column = label_of(g, g["value"])
                try:
                    row = parse_value(text, g["kind"])
                except ValueError as exc:
                    row_problems.append(t.problem(number, column, text, str(exc)))
                    continue
                rank_text = cell(cells, g["rank"])
                if rank_text:
                    try:
                        row["rank"], row["rank_of"] = parse_rank(rank_text)
                    except ValueError as exc:
                        row_problems.append(t.problem(number, label_of(g, g["rank"]), rank_text, str(exc)))
                        continue
                if row.get("points") is None:
                    fractions.add(t.file, t.sheet, column, g["kind"], row["value_pct"], number)
                row.update(row_number=number, unit=context["unit"], level=context["level"], year=g["year"],
                           period="FY", component=code, kind=g["kind"], lead_units=lead,
                           illustrative=context["illustrative"], source=t.source(number))
                parsed.append(row)
            if row_problems:
                problems += row_problems
                ledger.errors.add((t.sheet, number))
            else:
                rows_out += parsed
                ledger.read += 1
    return rows_out, problems
