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

from parindex_lib.errors import InputError, Problem, Reason, because, cause_of
from parindex_lib.model.components import PERIOD_WORDS, match_component
from parindex_lib.model.criteria import normalise_code
from parindex_lib.readers import read_tables
from parindex_lib.readers.layout import width
from parindex_lib.readers.table import Table
from parindex_lib.vn import fold, parse_number

COMPONENT = ("component", "chi so thanh phan", "chi so", "ma chi so", "linh vuc", "noi dung")

#: Each column of the analyst files by the name its header may have, said in the command's language.
COLUMN_NAMES = {
    "component": because("tab_col_component", "component"),
    "ceiling": because("tab_col_ceiling", "ceiling"),
    "cost_per_pp": because("tab_col_cost_per_pp", "cost_per_pp"),
    "action": because("tab_col_action", "action"),
    "gain": because("tab_col_gain", "gain"),
    "cost": because("tab_col_cost", "cost"),
    "lead_units": because("tab_col_lead_units", "lead_units"),
    "deadline": because("tab_col_deadline", "deadline"),
    "criterion": because("tab_col_criterion", "criterion"),
    "effort": because("tab_col_effort", "effort"),
    "to_points": because("tab_col_to_points", "to_points"),
    "due": because("tab_col_due", "due"),
}


def _columns(names: list[str]) -> Reason:
    """Columns named one after another ("component, gain" in English), in the command's language."""
    said = [COLUMN_NAMES[name] for name in names]
    listed = said[-1]
    for name in reversed(said[:-1]):
        listed = because("tab_list", "{first}, {rest}", first=name, rest=listed)
    return listed


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
                required = sum(v is not None for col, v in found.items() if col not in optional)
                if required >= min(2, len(spec) - len(optional)) and sum(v is not None for v in found.values()) >= 2:
                    header, start = cells, k + 1
                    columns = {c: i for c, i in found.items() if i is not None}
                    missing = [c for c in spec if c not in columns and c not in optional]
                    if missing:
                        raise InputError(table.problem(table.rows[k][0], None, " | ".join(cells),
                                                       because("tab_lacks_columns", "lacks the column(s) {columns}",
                                                               columns=_columns(missing))))
                    for number, title in table.rows[:k]:
                        if sum(1 for c in title if c) > 2:
                            problems.append(table.problem(number, None, " | ".join(c for c in title if c)[:80],
                                                          because("tab_before_header", "comes before the header "
                                                                  "(expected the header first)")))
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
                                       because("tab_not_header", "is not the header of this file (expected "
                                               "columns {columns})", columns=_columns(list(spec)))))
    w = width(header)
    for table, number, cells in rows:
        if len(cells) > w and any(cells[w:]):
            j = next(m for m in range(w, len(cells)) if cells[m])
            problems.append(table.problem(number, because("tab_column_n", "column {n}", n=j + 1), cells[j],
                                          because("tab_beyond_header", "lies beyond the header's last column "
                                                  "{width} (expected no value there)", width=w)))
    return rows, columns, header, problems


def _cell(cells: list[str], i: int | None) -> str:
    return cells[i] if i is not None and i < len(cells) else ""


def _number(table: Table, number: int, header: str, text: str, problems: list[Problem], *,
            minimum: float = 0.0, maximum: float | None = None, strict_min: bool = False) -> float:
    if not text:
        problems.append(table.problem(number, header, "", because("tab_empty_number", "is empty (expected a "
                                                                          "number)")))
        return np.nan
    try:
        value, _ = parse_number(text.replace("%", ""))
    except ValueError:
        problems.append(table.problem(number, header, text, because("tab_not_number", "is not a number "
                                                                            "(expected e.g. 1,5)")))
        return np.nan
    if value < minimum or (strict_min and value <= minimum):
        sign = ">" if strict_min else "≥"
        problems.append(table.problem(number, header, text, because(
            "tab_out_of_range", "is out of range (expected a number {sign} {minimum:g})", sign=sign,
            minimum=float(minimum))))
    elif maximum is not None and value > maximum:
        problems.append(table.problem(number, header, text, because(
            "tab_above_maximum", "is above {maximum:g} (expected at most {maximum:g})", maximum=float(maximum))))
    return value


def _component(table: Table, number: int, header: str, text: str, problems: list[Problem]) -> str | None:
    if not text:
        problems.append(table.problem(number, header, "", because("tab_empty_component", "is empty (expected a "
                                                                          "component, e.g. C6)")))
        return None
    code = match_component(text)
    if code is None:
        problems.append(table.problem(number, header, text, because(
            "tab_unknown_component", 'is not a known component (expected e.g. C6 or "Cải cách tài chính công")')))
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
                                          because("tab_repeated_component", "repeats a component already given "
                                                  "in row {row} (expected one row per component)",
                                                  row=first_row[code])))
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
            problems.append(table.problem(number, header[cols["action"]], "",
                                          because("tab_empty_action", "is empty (expected the action)")))
        code = _component(table, number, header[cols["component"]], _cell(cells, cols["component"]), problems)
        gain = _number(table, number, header[cols["gain"]], _cell(cells, cols["gain"]), problems, strict_min=True,
                       maximum=100.0)
        cost = _number(table, number, header[cols["cost"]], _cell(cells, cols["cost"]), problems)
        key = (fold(action), code or "")
        if action and code and key in seen:
            problems.append(table.problem(number, header[cols["action"]], action,
                                          because("tab_repeated_action", "repeats the action of row {row} for "
                                                  "{code} (expected each action once)", row=seen[key], code=code)))
            continue
        seen[key] = number
        rec = {"action": action, "component": code, "gain": gain, "cost": cost}
        for opt in ("lead_units", "deadline"):
            rec[opt] = _cell(cells, cols.get(opt)) or None
        records.append(rec)
    if problems:
        raise InputError(problems)
    return pd.DataFrame(records, columns=["action", "component", "gain", "cost", "lead_units", "deadline"])


# -- the analyst files of `parindex lift --criteria`: efforts per step and ceilings per criterion ------------

CRITERION = ("ma tieu chi", "ma", "stt ma", "ma so", "tieu chi", "criterion", "code", "stt")
LEAD = ("don vi chu tri", "co quan chu tri", "lead office", "lead units", "lead")
#: Words that mark a criterion that cannot move this year (instead of a number of points).
UNREACHABLE_WORDS = {"khong the", "khong dat duoc", "khong the dat", "giu nguyen", "khong", "unreachable",
                     "cannot", "none", "no", "x"}


def _criterion_code(table: Table, number: int, header: str, text: str, tree, problems: list[Problem]) -> str | None:
    """A criterion code as offices write it (``1.1.2.``), known to ``tree`` when one is given."""
    try:
        code = normalise_code(text)
    except ValueError as exc:
        problems.append(table.problem(number, header, text, cause_of(exc)))
        return None
    if tree is not None and code not in tree:
        problems.append(table.problem(number, header, text, because(
            "tab_not_a_criterion", 'is not a criterion of "{tree}" (expected a code of its criteria, e.g. {example})',
            tree=tree.name, example=tree.leaves()[0].code)))
        return None
    return code


def read_criterion_efforts(path: str | Path, tree=None) -> tuple[dict[str, float], dict[str, float]]:
    """Efforts of one step up, per criterion code or per lead office (``criterion`` or ``lead office``, and
    ``effort per step``), each positive; a code applies to every criterion under it.

    Returns
    -------
    tuple of dict
        (effort by criterion code, effort by lead office).

    Raises
    ------
    InputError
        For a row with neither or both of a code and an office, a code ``tree`` does not have, an effort that is
        not a positive number, a code or office given twice — each located.
    """
    spec = {"criterion": CRITERION, "lead_units": LEAD,
            "effort": ("cong suc moi bac", "cong suc", "effort per step", "effort", "chi phi moi bac", "chi phi")}
    rows, cols, header, problems = _rows(path, spec, optional=("criterion", "lead_units"))
    by_code: dict[str, float] = {}
    by_lead: dict[str, float] = {}
    first: dict[str, int] = {}
    for table, number, cells in rows:
        code_text, lead = _cell(cells, cols.get("criterion")), _cell(cells, cols.get("lead_units"))
        effort = _number(table, number, header[cols["effort"]], _cell(cells, cols["effort"]), problems,
                         strict_min=True)
        if bool(code_text) == bool(lead):
            column = header[cols["criterion"]] if "criterion" in cols else header[cols["lead_units"]]
            problems.append(table.problem(number, column, code_text or lead, because(
                "tab_code_and_lead", "gives both a criterion and a lead office (expected one of them per row)")
                if code_text else because("tab_no_code_nor_lead", "is empty (expected a criterion code or a lead "
                                                                  "office)")))
            continue
        key = _criterion_code(table, number, header[cols["criterion"]], code_text, tree, problems) if code_text \
            else "lead:" + fold(lead)
        if key is None:
            continue
        if key in first:
            problems.append(table.problem(number, None, code_text or lead, because(
                "tab_effort_again", "is given again (first in row {row}; expected one effort each)",
                row=first[key])))
            continue
        first[key] = number
        if code_text:
            by_code[key] = effort
        else:
            by_lead[lead] = effort
    if problems:
        raise InputError(problems)
    return by_code, by_lead


def read_criterion_ceilings(path: str | Path, tree=None) -> dict[str, float | None]:
    """Ceilings per criterion (``criterion``, ``ceiling``): the best points it can reach this year, or a word
    saying it cannot move this year ("không thể", "giữ nguyên", "unreachable"); a code of an area or criterion
    with sub-criteria applies to every criterion under it (a word only: points are a leaf's).

    Raises
    ------
    InputError
        For a code ``tree`` does not have, a ceiling outside 0–maximum, an empty ceiling, a code given twice —
        each located.
    """
    spec = {"criterion": CRITERION,
            "ceiling": ("diem toi da nam nay", "tran", "tran diem toi da nam nay", "gioi han", "ceiling", "muc toi da",
                        "muc cao nhat", "muc cao nhat nam nay")}
    rows, cols, header, problems = _rows(path, spec)
    out: dict[str, float | None] = {}
    first: dict[str, int] = {}
    for table, number, cells in rows:
        column = header[cols["ceiling"]]
        code = _criterion_code(table, number, header[cols["criterion"]], _cell(cells, cols["criterion"]), tree,
                               problems)
        text = _cell(cells, cols["ceiling"])
        if text and fold(text) in UNREACHABLE_WORDS:
            value = None
        else:
            top = tree[code].max_points if tree is not None and code is not None else None
            value = _number(table, number, column, text, problems, maximum=top)
            if text and tree is not None and code is not None and not tree.is_leaf(code):
                problems.append(table.problem(number, column, text, because(
                    "tab_points_for_parent", 'is a number of points for "{code}", which has sub-criteria (expected '
                    '"không thể" for all of them, or a row per criterion)', code=code)))
        if code is None:
            continue
        if code in first:
            problems.append(table.problem(number, header[cols["criterion"]], code, because(
                "tab_ceiling_again", "is given again (first in row {row}; expected one ceiling per criterion)",
                row=first[code])))
            continue
        first[code] = number
        out[code] = value
    if problems:
        raise InputError(problems)
    return out


def read_criterion_plan(path: str | Path, tree=None) -> pd.DataFrame:
    """An office's plan of criteria (``criterion``, ``planned points``, and optionally ``due`` — a quarter or
    the year — and ``lead office``): the points each criterion is to reach, and by when.

    Returns
    -------
    DataFrame
        ``code, to_points, due`` (``Q1``…``Q4``, ``FY`` or None) ``, lead_units``.

    Raises
    ------
    InputError
        For a code ``tree`` does not have, planned points outside 0–maximum, a due date that is not a period, a
        code given twice — each located.
    """
    spec = {"criterion": CRITERION,
            "to_points": ("diem ke hoach", "diem muc tieu", "muc tieu", "diem phan dau", "planned points",
                          "target points", "planned"),
            "due": ("han", "han hoan thanh", "thoi han", "thoi gian hoan thanh", "due", "deadline"),
            "lead_units": LEAD}
    rows, cols, header, problems = _rows(path, spec, optional=("due", "lead_units"))
    records, first = [], {}
    for table, number, cells in rows:
        code = _criterion_code(table, number, header[cols["criterion"]], _cell(cells, cols["criterion"]), tree,
                               problems)
        top = tree[code].max_points if tree is not None and code is not None else None
        points = _number(table, number, header[cols["to_points"]], _cell(cells, cols["to_points"]), problems,
                         maximum=top)
        due_text = _cell(cells, cols.get("due"))
        due = PERIOD_WORDS.get(fold(due_text)) if due_text else None
        if due_text and due is None:
            problems.append(table.problem(number, header[cols["due"]], due_text, because(
                "tab_not_a_period", "is not a period (expected Quý 1…Quý 4, Q1…Q4 or Cả năm)")))
        if code is None:
            continue
        if code in first:
            problems.append(table.problem(number, header[cols["criterion"]], code, because(
                "tab_plan_again", "is given again (first in row {row}; expected one planned change per criterion)",
                row=first[code])))
            continue
        first[code] = number
        records.append({"code": code, "to_points": points, "due": due,
                        "lead_units": _cell(cells, cols.get("lead_units")) or None})
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame(records, columns=["code", "to_points", "due", "lead_units"])
    for column in ("due", "lead_units"):  # None where not given (not NaN)
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame
