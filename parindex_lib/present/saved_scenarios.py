"""Saved scenarios: what the explorer records of a scenario (unit, level, year, period, target, bound, cost model,
time, and each component's value), written to ``scenarios.csv`` atomically, read back, and set side by side.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from parindex_lib.errors import ParindexError, because, os_reason
from parindex_lib.io import write_atomic
from parindex_lib.model.index import BOUNDS, PARIndex
from parindex_lib.present.excel import FORMULA_START
from parindex_lib.present.i18n import component_name, t
from parindex_lib.present.scenarios import readout, scenario_state, total_readout
from parindex_lib.vn import format_pct

#: The fixed columns of ``scenarios.csv``; one column per component (its value in %) follows them.
SCENARIO_COLUMNS = ["scenario", "saved_at", "unit", "level", "year", "period", "target", "bound", "cost_model",
                    "total", "met"]


@dataclass(frozen=True)
class SavedScenario:
    """A scenario as saved: which unit and results it starts from, the target and bound it is judged by, the
    cost model of the remaining lift, when it was saved, its total and every component's value (in %)."""

    scenario: int
    saved_at: str
    unit: str
    level: str
    year: int
    period: str
    target: float
    bound: str  # ge or gt
    cost_model: str
    total: float
    met: bool
    values: dict[str, float] = field(default_factory=dict)

    def row(self) -> dict:
        """The scenario as a row of ``scenarios.csv``."""
        return {"scenario": self.scenario, "saved_at": self.saved_at, "unit": self.unit, "level": self.level,
                "year": self.year, "period": self.period, "target": self.target, "bound": self.bound,
                "cost_model": self.cost_model, "total": self.total, "met": self.met, **self.values}


def save_scenario(index: PARIndex, values: dict[str, float], target: float, bound: str, cost_model: str,
                  number: int, now: dt.datetime | None = None) -> SavedScenario:
    """Record the scenario ``values`` of ``index`` judged by ``target`` and ``bound`` (``ge``/``gt``)."""
    state = scenario_state(index, values, target, bound)
    moment = (now or dt.datetime.now(dt.UTC).astimezone()).isoformat(timespec="seconds")
    return SavedScenario(number, moment, index.unit, index.level, int(index.year), index.period, float(target),
                         "gt" if BOUNDS[bound] == ">" else "ge", cost_model, round(state.total, 4), state.met,
                         {c: round(float(v), 4) for c, v in values.items()})  # as the CSV keeps them


def _cell(value: object) -> object:
    """A value as the CSV holds it: text a spreadsheet would run as a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith((*FORMULA_START, "'")):
        return "'" + value
    return value


def write_scenarios(path: str | Path, scenarios: list[SavedScenario]) -> tuple[Path, int]:
    """Add ``scenarios`` to the CSV at ``path`` (its earlier scenarios kept), written atomically.

    Returns the path and the number of scenarios the file now holds.

    Raises
    ------
    ParindexError
        When the existing file is not a scenarios file, or the folder cannot be written.
    """
    path = Path(path)
    earlier = read_scenarios(path) if path.exists() else []
    keep = {(s.saved_at, s.unit, s.level, s.scenario) for s in scenarios}
    merged = [s for s in earlier if (s.saved_at, s.unit, s.level, s.scenario) not in keep] + list(scenarios)
    components = list(dict.fromkeys(c for s in merged for c in s.values))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SCENARIO_COLUMNS + components, lineterminator="\n")
    writer.writeheader()
    for s in merged:
        writer.writerow({k: _cell(v) for k, v in s.row().items()})
    try:
        return write_atomic(path, buffer.getvalue()), len(merged)
    except OSError as exc:
        raise ParindexError(reason=because("pg_cannot_write_scenarios", "{file}: cannot write the scenarios ({error})",
                                           file=path, error=exc.strerror or exc, why=os_reason(exc))) from None


def read_scenarios(path: str | Path) -> list[SavedScenario]:
    """The scenarios in a ``scenarios.csv`` written by :func:`write_scenarios`.

    Raises
    ------
    ParindexError
        When the file lacks the scenario columns, or a row's value cannot be read.
    """
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in SCENARIO_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ParindexError(reason=because("pg_not_scenarios", "{file}: not a scenarios file (it lacks the "
                                               "column(s) {columns})", file=path, columns=", ".join(missing)))
        components = [c for c in reader.fieldnames if c not in SCENARIO_COLUMNS]
        out = []
        for number, row in enumerate(reader, start=2):
            text = {k: (v[1:] if isinstance(v, str) and v.startswith("'") else v) for k, v in row.items()}
            try:
                out.append(SavedScenario(
                    int(text["scenario"]), text["saved_at"], text["unit"], text["level"], int(text["year"]),
                    text["period"], float(text["target"]), text["bound"], text["cost_model"], float(text["total"]),
                    text["met"] == "True", {c: float(text[c]) for c in components if text.get(c) not in (None, "")}))
            except (TypeError, ValueError) as exc:
                raise ParindexError(reason=because("pg_bad_scenario_row", "{file}, row {row}: cannot be read as a "
                                                   "scenario ({error})", file=path, row=number, error=exc)) from None
    return out


def comparison_rows(index: PARIndex, saved: list[SavedScenario], lang: str) -> tuple[list[str], list[list[str]]]:
    """The saved scenarios of ``index``'s unit side by side: columns, and one row per component, the target and
    the total (values as their sliders read them)."""
    mine = [s for s in saved if (s.unit, s.level) == (index.unit, index.level)]
    columns = [t("col_component", lang)] + [f"#{s.scenario}" for s in mine]
    rows = [[component_name(c, lang, short=True)] + [readout(index, c, s.values[c], lang) if c in s.values else ""
                                                      for s in mine] for c in index.components]
    rows.append([t("col_target", lang)] + [format_pct(s.target, lang) for s in mine])
    rows.append([t("col_total", lang)] + [total_readout(index, s.total, lang) for s in mine])
    return columns, rows
