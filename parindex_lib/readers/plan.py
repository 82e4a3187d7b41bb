"""The plan's layout: components down, year groups across ("Năm 2022 | Năm 2023 | Mục tiêu năm 2024"),
each over "Chỉ số" / "Thứ hạng" (or a single value column), and a lead-office column.

Any number of actual and target year groups, merged (one filled cell and blanks) or repeated (Word
repeats a merged cell's text) year headers, with or without the second header row.

No group is dropped: two groups for the same year and kind are read as one when every value agrees
(and the ledger says so), and a row where they differ is refused naming both columns. The ledger
records what became of every group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parindex_lib.errors import Problem, Reason, because, cause_of
from parindex_lib.model.components import component_of
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
    where,
)
from parindex_lib.readers.table import Table
from parindex_lib.readers.values import FractionCheck, parse_value
from parindex_lib.vn import fold, parse_rank

ROMAN = re.compile(r"^[IVXLC]+\.?$")


@dataclass
class Group:
    """One year group of the header: its kind and year, its columns, and which holds the value and the rank."""

    kind: str
    year: int
    cols: list[int]
    label: str
    value: int | None = None
    rank: int | None = None
    same_as: Group | None = None  # an earlier group of the same year and kind

    @property
    def key(self) -> tuple[str, int]:
        return self.kind, self.year


def _groups(header: list[str], sub: list[str] | None, lead_col: int | None) -> list[Group]:
    folded = [fold(c) for c in header]
    groups: list[Group] = []
    for i, f in enumerate(folded):
        m_actual, m_target = ACTUAL_GROUP.match(f), TARGET_GROUP.match(f)
        if not (m_actual or m_target):
            continue
        if groups and groups[-1].label == header[i] and groups[-1].cols[-1] == i - 1:
            cols = groups[-1].cols  # a merged cell repeated by Word (split below if it holds two groups)
        else:
            cols = []
            groups.append(Group("target" if m_target else "actual", int((m_target or m_actual).group(1)), cols,
                                header[i]))
        cols.append(i)
        j = i + 1
        while j < len(header) and not header[j] and j != lead_col:
            cols.append(j)
            j += 1
    groups = [part for g in groups for part in _assign_columns(g, [fold(c) for c in sub] if sub else None)]
    for k, g in enumerate(groups):
        g.same_as = next((h for h in groups[:k] if h.key == g.key and h.same_as is None), None)
    return groups


def _assign_columns(group: Group, sub: list[str] | None) -> list[Group]:
    """Which column of a group holds the value and which the rank; a second value column starts another group
    (two groups of one year whose header Word repeated)."""
    parts = [group]
    for c in group.cols:
        g = parts[-1]
        f = sub[c] if sub and c < len(sub) else ""
        if f in RANK_SUB:
            g.rank = c
        elif sub and f in VALUE_SUB:
            if g.value is not None:
                parts.append(Group(g.kind, g.year, [c], g.label))
                g = parts[-1]
            g.value = c
        elif not sub and g.value is None:
            g.value = c
        elif not sub and g.rank is None:
            # The plan repeats its header without the "Chỉ số | Thứ hạng" row (its SIPAS and
            # total table): a year spanning two columns then holds the value, then the rank.
            g.rank = c
    return parts


@dataclass
class _Layout:
    """Where a plan block keeps each thing."""

    header: list[str]
    sub: list[str] | None
    number_col: int | None
    name_col: int
    lead_col: int | None
    groups: list[Group]
    differs: dict[int, int] = field(default_factory=dict)  # id(group) → rows where it differs from its twin

    @classmethod
    def of(cls, block: Block) -> _Layout:
        header = block.header[0][1]
        sub = block.header[1][1] if len(block.header) > 1 else None
        folded = [fold(c) for c in header]
        lead_col = next((i for i, f in enumerate(folded) if any(k in f for k in LEAD_HEADERS)), None)
        return cls(header, sub, next((i for i, f in enumerate(folded) if f in NUMBER_HEADERS), None),
                   next(i for i, f in enumerate(folded) if f in NAME_HEADERS), lead_col,
                   _groups(header, sub, lead_col))

    def label(self, g: Group, col: int) -> str:
        sub = self.sub
        return f"{g.label} / {sub[col]}" if sub and col < len(sub) and sub[col] else g.label


def read_plan(block: Block, context: dict, ledger: Ledger,
              fractions: FractionCheck) -> tuple[list[dict], list[Problem]]:
    """A plan block → tidy rows (one per component × year group) and located problems."""
    table, header_row = block.table, block.header[0][0]
    every_row = {(s.table.sheet, r) for s in block.segments for r, _ in s.rows}
    if not context["unit"] or not context["level"]:
        ledger.errors |= every_row
        if context.get("faulty_manifest"):  # the manifest's own fault is the one cause, said once
            return [], []
        return [], [table.problem(header_row, None, None, because(
            "tab_plan_without_unit", "is a plan table, which does not name its unit (expected unit and level from "
            "data/raw/manifest.yaml, or `parindex standardise FILE --unit U --level L`)"))]
    layout = _Layout.of(block)
    ledger.groups_found += len(layout.groups)
    no_value = because("tab_no_value_column", 'has no value column under it (expected "Chỉ số" and "Thứ hạng" '
                       "below the year)")
    problems = [table.problem(header_row, g.label, g.label, no_value) for g in layout.groups if g.value is None]
    if problems:
        ledger.errors |= every_row
        ledger.groups += [(table.sheet, g.label, "refused with its header") for g in layout.groups]
        return [], problems
    rows_out: list[dict] = []
    for segment in block.segments:
        for number, cells in segment.rows:
            skip, rows, row_problems = _read_row(layout, segment.table, number, cells, block.header_width, context,
                                                 fractions)
            if skip:
                ledger.skipped.append((segment.table.sheet, number, skip))
            elif row_problems:
                problems += row_problems
                ledger.errors.add((segment.table.sheet, number))
            else:
                rows_out += rows
                ledger.read += 1
    _account_groups(layout, table, ledger)
    return rows_out, problems


def _read_row(layout: _Layout, t: Table, number: int, cells: list[str], header_width: int, context: dict,
              fractions: FractionCheck) -> tuple[str | None, list[dict], list[Problem]]:
    """One row of the plan: (why it is skipped, or None; its tidy rows; its problems)."""
    first = cell(cells, layout.number_col)
    label = cell(cells, layout.name_col) or first
    values = [cell(cells, g.value) for g in layout.groups]
    if ROMAN.match(first) and not any(values):
        return "section heading", [], []
    try:
        code, why = (component_of(label), None) if label else \
            (None, because("tab_empty_component_name", "is empty (expected a component name)"))
    except ValueError as exc:
        code, why = None, cause_of(exc)
    if code is None and sum(1 for c in cells if c) == 1 and not any(values):
        return "text between tables", [], []
    problems = [p for p in [extra_cells(t, number, cells, header_width)] if p]
    if code is None:
        problems.append(t.problem(number, layout.header[layout.name_col], label, why))
    common = {"row_number": number, "unit": context["unit"], "level": context["level"], "period": "FY",
              "component": code, "lead_units": cell(cells, layout.lead_col) or None,
              "illustrative": context["illustrative"], "source": t.source(number), "file": t.file, "sheet": t.sheet}
    parsed: dict[int, dict] = {}
    for g, text in zip(layout.groups, values, strict=True):
        row = _group_value(layout, g, t, number, text, cell(cells, g.rank), problems)
        if row is not None:
            parsed[id(g)] = row | common | {"year": g.year, "kind": g.kind, "value_column": layout.label(g, g.value)}
    rows = _one_per_year(layout, t, number, parsed, problems)
    for row in rows:
        if row.get("points") is None:
            fractions.add(t.file, t.sheet, row["value_column"], row["kind"], row["value_pct"], number)
    return None, rows, problems


def _group_value(layout: _Layout, g: Group, t: Table, number: int, text: str, rank_text: str,
                 problems: list[Problem]) -> dict | None:
    try:
        row = parse_value(text, g.kind)
    except ValueError as exc:
        problems.append(t.problem(number, layout.label(g, g.value), text, cause_of(exc)))
        return None
    if rank_text:
        try:
            row["rank"], row["rank_of"] = parse_rank(rank_text)
        except ValueError as exc:
            problems.append(t.problem(number, layout.label(g, g.rank), rank_text, cause_of(exc)))
            return None
    return row


_COMPARED = ("value_pct", "bound", "points", "max_points", "rank", "rank_of")


def _one_per_year(layout: _Layout, t: Table, number: int, parsed: dict[int, dict],
                  problems: list[Problem]) -> list[dict]:
    """One row per year and kind: a group that repeats an earlier one adds nothing when it agrees, and is
    a problem naming both columns when it does not."""
    rows = []
    for g in layout.groups:
        row = parsed.get(id(g))
        if row is None:
            continue
        twin = parsed.get(id(g.same_as)) if g.same_as is not None else None
        if g.same_as is None:
            rows.append(row)
        elif twin is not None and any(row.get(k) != twin.get(k) for k in _COMPARED):
            layout.differs[id(g)] = layout.differs.get(id(g), 0) + 1
            problems.append(t.problem(number, layout.label(g, g.value), _text(row), because(
                "tab_groups_differ", 'differs from "{twin}" in column "{column}", which gives the same {kind} of '
                "{year} (expected one group per year, or the same values in both)", twin=_said(twin),
                column=layout.label(g.same_as, g.same_as.value), kind=KIND_WORDS[g.kind], year=g.year)))
    return rows


#: The kinds of value a year group gives, in a cause.
KIND_WORDS = {"actual": because("tab_kind_actual", "actual"), "target": because("tab_kind_target", "target")}


def _said(row: dict) -> Reason | str:
    """A group's value and rank as :func:`_text` writes them, in the command's language."""
    value = _text({**row, "rank": None})
    if row.get("rank") is None:
        return value
    return because("tab_value_and_rank", "{value}, rank {rank}", value=value, rank=row["rank"])


def _text(row: dict) -> str:
    value = f"{row['value_pct']:g}%".replace(".", ",") if row.get("points") is None else \
        f"{row['points']:g}/{row['max_points']:g}".replace(".", ",")
    return value + (f", rank {row['rank']}" if row.get("rank") is not None else "")


def _account_groups(layout: _Layout, table: Table, ledger: Ledger) -> None:
    """What became of each group: read, read as one with an earlier group of the same year, or refused."""
    for g in layout.groups:
        label = layout.label(g, g.value)
        if g.same_as is None:
            ledger.groups.append((table.sheet, label, "read"))
            continue
        first = layout.label(g.same_as, g.same_as.value)
        if layout.differs.get(id(g)):
            ledger.groups.append((table.sheet, label, f"refused where it differs from {first}"))
        else:
            ledger.groups.append((table.sheet, label, f"read as one with {first}"))
            ledger.notes.append(Reason("std_groups_as_one", {
                "file": table.file, "sheet": table.sheet, "first": first, "second": label, "kind": g.kind,
                "year": g.year}, f'{where(table)}: columns "{first}" and "{label}" both give the {g.kind} of '
                f"{g.year}; every value agrees, so they are read as one"))
