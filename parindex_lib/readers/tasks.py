"""The plan's appendix: task, lead office, supporting offices, timing → one task row per component."""

from __future__ import annotations

from parindex_lib.errors import Problem, because
from parindex_lib.model.components import TOTAL, find_components
from parindex_lib.readers.layout import NUMBER_HEADERS, Block, Ledger, cell, extra_cells
from parindex_lib.readers.plan import ROMAN
from parindex_lib.vn import fold


def read_tasks(block: Block, context: dict, ledger: Ledger) -> tuple[list[dict], list[Problem]]:
    """A task block → task rows and located problems (section headings are skipped and said)."""
    header = block.header[0][1]
    folded = [fold(c) for c in header]

    def find(*keys: str) -> int | None:
        return next((i for i, f in enumerate(folded) if any(k in f for k in keys)), None)

    task_col, lead_col = find("nhiem vu", "task"), find("chu tri", "lead")
    support_col, timing_col = find("phoi hop", "support"), find("thoi gian", "timing", "deadline")
    number_col = next((i for i, f in enumerate(folded) if f in NUMBER_HEADERS), None)
    out: list[dict] = []
    problems: list[Problem] = []
    for segment in block.segments:
        t = segment.table
        for number, cells in segment.rows:
            task = cell(cells, task_col)
            if ROMAN.match(cell(cells, number_col)) and not cell(cells, lead_col):
                ledger.skipped.append((t.sheet, number, "section heading"))
                continue
            row_problems = []
            extra = extra_cells(t, number, cells, block.header_width)
            if extra:
                row_problems.append(extra)
            components = [c for c in find_components(task) if c != TOTAL]
            if not task:
                row_problems.append(t.problem(number, header[task_col], "",
                                              because("tab_empty_task", "is empty (expected a task)")))
            elif not components:
                row_problems.append(t.problem(number, header[task_col], task[:80], because(
                    "tab_task_without_component", 'names no component (expected a task that mentions one, e.g. '
                    '"… Chỉ số thành phần cải cách thể chế")')))
            lead = cell(cells, lead_col)
            if not lead:
                row_problems.append(t.problem(number, header[lead_col], "",
                                              because("tab_empty_lead", "is empty (expected the lead office)")))
            if row_problems:
                problems += row_problems
                ledger.errors.add((t.sheet, number))
                continue
            ledger.read += 1
            for code in components:
                out.append({"unit": context["unit"], "component": code, "task": task, "lead_units": lead,
                            "supporting_units": cell(cells, support_col) or None,
                            "timing": cell(cells, timing_col) or None, "source": t.source(number)})
    return out, problems
