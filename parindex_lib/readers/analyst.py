"""The analyst files of ``parindex lift``: ceilings, costs per percentage point, a catalogue of actions.

Read through the same layer as the score tables (any CSV dialect, ``.xlsx``, blank rows skipped and
every row after them read), with the same promise: each row is read or refused with its location.
A component or an action given twice is an error, not taken twice; a short row names its empty cell;
a value beyond the header is an error.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from parindex_lib.errors import InputError, Problem
from parindex_lib.model.components import match_component
from parindex_lib.readers import read_tables
from parindex_lib.readers.layout import width
from parindex_lib.readers.table import Table
from parindex_lib.vn import fold, parse_number

COMPONENT = ("component", "chi so thanh phan", "chi so", "ma chi so", "linh vuc", "noi dung")


def _rows(path: str | Path, spec: dict[str, tuple[str, ...]], optional: tuple[str, ...] = ()
          ) -> tuple[list[tuple[Table, int, list[str]]], dict[str, int], list[str], list[Problem]]:
    """Find the header (the first row naming the required columns) and every row after it, all sheets."""
    tables = read_tables(path)
    problems: list[Problem] = []
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[tuple[Table, int, list[str]]] = []
    for table in tables:
        start = 0
        if header is None:
            for k, (_, cells) in enumerate(table.rows):
                folded = [fold(c) for c in cells]
                found = {col: next((i for i, f in enumerate(folded) if f in aliases), None)
                         for col, aliases in spec.items()}
                if sum(v is not None for col, v in found.items() if col not in optional) >= 2:
                    header, start = cells, k + 1
                    columns = {c: i for c, i in found.items() if i is not None}
                    missing = [c for c in spec if c not in columns and c not in optional]
                    if missing:
                        raise InputError(table.problem(table.rows[k][0], None, " | ".join(cells),
                                                       f"lacks the column(s) {', '.join(missing)}"))
                    for number, title in table.rows[:k]:
                        if sum(1 for c in title if c) > 2:
                            problems.append(table.problem(number, None, " | ".join(c for c in title if c)[:80],
                                                          "comes before the header (expected the header first)"))
                    break
            if header is None:
                continue
        elif table.rows and table.rows[0][1][: len(header)] == header:
            start = 1  # a sheet that repeats the header
        for number, cells in table.rows[start:]:
            rows.append((table, number, cells))
    if header is None:
        first = tables[0]
        raise InputError(first.problem(first.rows[0][0] if first.rows else None, None,
                                       " | ".join(first.rows[0][1]) if first.rows else "",
                                       f"is not the header of this file (expected columns {', '.join(spec)})"))
    w = width(header)
    for table, number, cells in rows:
        if len(cells) > w and any(cells[w:]):
            j = next(m for m in range(w, len(cells)) if cells[m])
            problems.append(table.problem(number, f"column {j + 1}", cells[j],
                                          f"lies beyond the header's last column {w} (expected no value there)"))
    return rows, columns, header, problems


def _cell(cells: list[str], i: int | None) -> str:
    return cells[i] if i is not None and i < len(cells) else ""


def _number(table: Table, number: int, header: str, text: str, problems: list[Problem], *,
            minimum: float = 0.0, maximum: float | None = None, strict_min: bool = False) -> float:
    if not text:
        problems.append(table.problem(number, header, "", "is empty (expected a number)"))
        return np.nan
    try:
        value, _ = parse_number(text.replace("%", ""))
    except ValueError:
        problems.append(table.problem(number, header, text, "is not a number (expected e.g. 1,5)"))
        return np.nan
    if value < minimum or (strict_min and value <= minimum):
        sign = ">" if strict_min else "≥"
        problems.append(table.problem(number, header, text, f"is out of range (expected a number {sign} {minimum:g})"))
    elif maximum is not None and value > maximum:
        problems.append(table.problem(number, header, text, f"is above {maximum:g} (expected at most {maximum:g})"))
    return value


def _component(table: Table, number: int, header: str, text: str, problems: list[Problem]) -> str | None:
    if not text:
        problems.append(table.problem(number, header, "", "is empty (expected a component, e.g. C6)"))
        return None
    code = match_component(text)
    if code is None:
        problems.append(table.problem(number, header, text, "is not a known component (expected e.g. C6 or "
                                                             "\"Cải cách tài chính công\")"))
    return code


def read_component_values(path: str | Path, value_column: tuple[str, ...], what: str,
                          maximum: float | None = None) -> pd.Series:
    """Read a table of component and one number per component (ceilings, costs per point)."""
    rows, cols, header, problems = _rows(path, {"component": COMPONENT, what: value_column})
    out: dict[str, float] = {}
    first_row: dict[str, int] = {}
    for table, number, cells in rows:
        code = _component(table, number, header[cols["component"]], _cell(cells, cols["component"]), problems)
        value = _number(table, number, header[cols[what]], _cell(cells, cols[what]), problems, maximum=maximum)
        if code and code in out:
            problems.append(table.problem(number, header[cols["component"]], code,
                                          f"repeats a component already given in row {first_row[code]} "
                                          "(expected one row per component)"))
        elif code:
            out[code], first_row[code] = value, number
    if problems:
        raise InputError(problems)
    return pd.Series(out, dtype=float, name=what)


def read_ceilings(path: str | Path) -> pd.Series:
    """Ceilings per component (``component, ceiling``), each in 0–100.

    Raises
    ------
    InputError
        For a ceiling outside 0–100, a repeated or unknown component, a short row or a stray cell.
    """
    return read_component_values(path, ("ceiling", "tran", "gioi han", "max", "muc toi da"), "ceiling", maximum=100.0)


def read_costs(path: str | Path) -> pd.Series:
    """Costs per percentage point per component (``component, cost_per_pp``)."""
    return read_component_values(path, ("cost per pp", "cost", "chi phi", "chi phi moi diem"), "cost_per_pp")


def read_actions(path: str | Path) -> pd.DataFrame:
    """A catalogue of actions (``action, component, gain, cost, lead_units, deadline``) from CSV/XLSX.

    Raises
    ------
    InputError
        For an action listed twice for the same component, a gain ≤ 0, a negative cost, an unknown
        component, a short row or a stray cell — each located.
    """
    spec = {
        "action": ("action", "hanh dong", "nhiem vu", "giai phap"),
        "component": COMPONENT,
        "gain": ("gain", "gain pp", "muc tang", "tang"),
        "cost": ("cost", "chi phi"),
        "lead_units": ("lead units", "lead office", "co quan chu tri", "don vi chu tri"),
        "deadline": ("deadline", "thoi han", "thoi gian"),
    }
    rows, cols, header, problems = _rows(path, spec, optional=("lead_units", "deadline"))
    records = []
    seen: dict[tuple[str, str], int] = {}
    for table, number, cells in rows:
        action = _cell(cells, cols["action"])
        if not action:
            problems.append(table.problem(number, header[cols["action"]], "", "is empty (expected the action)"))
        code = _component(table, number, header[cols["component"]], _cell(cells, cols["component"]), problems)
        gain = _number(table, number, header[cols["gain"]], _cell(cells, cols["gain"]), problems, strict_min=True,
                       maximum=100.0)
        cost = _number(table, number, header[cols["cost"]], _cell(cells, cols["cost"]), problems)
        key = (fold(action), code or "")
        if action and code and key in seen:
            problems.append(table.problem(number, header[cols["action"]], action,
                                          f"repeats the action of row {seen[key]} for {code} (expected each action "
                                          "once)"))
            continue
        seen[key] = number
        rec = {"action": action, "component": code, "gain": gain, "cost": cost}
        for opt in ("lead_units", "deadline"):
            rec[opt] = _cell(cells, cols.get(opt)) or None
        records.append(rec)
    if problems:
        raise InputError(problems)
    return pd.DataFrame(records, columns=["action", "component", "gain", "cost", "lead_units", "deadline"])
