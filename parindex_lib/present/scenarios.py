"""The explorer's state, without widgets: what can be chosen, what a choice gives, a scenario's figures, and
saved scenarios as a CSV file that reads back.

* :func:`choices` — the levels, units, years and periods of the data's actual results, for the dropdowns.
* :func:`load_unit` — the index a choice gives, or the one sentence (in the user's language) saying why
  there is none: no results in that year and period (never another year instead), or a total only.
* :func:`slider_scale` / :func:`readout` — a component moves in the unit its label says: points out of its
  maximum when the data scores in points ("12,75/13 điểm"), else percent ("70,52%").
* :func:`scenario_state` — the total, its gap to the target under the bound, and what changed.
* :class:`SavedScenario`, :func:`write_scenarios`, :func:`read_scenarios` — what a saved scenario records
  (unit, level, year, period, target, bound, cost model, time, values), written atomically and read back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from babel.numbers import format_decimal

from parindex_lib.errors import ParindexError, because, os_reason
from parindex_lib.io import write_atomic
from parindex_lib.model.components import TOTAL, codes
from parindex_lib.model.index import BOUNDS, PARIndex, met, required_value
from parindex_lib.model.schema import PERIODS, UNIT_LEVELS
from parindex_lib.present.i18n import component_name, point_label, say, say_error, t
from parindex_lib.vn import LOCALES, fold, format_pct, format_points, parse_number, round_half_up

#: Text a spreadsheet program would run as a formula when it opens the CSV: written with a leading ``'``
#: (and read back without it).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The fixed columns of ``scenarios.csv``; one column per component (its value in %) follows them.
SCENARIO_COLUMNS = ["scenario", "saved_at", "unit", "level", "year", "period", "target", "bound", "cost_model",
                    "total", "met"]
COST_MODELS = ("gap", "linear")


@dataclass(frozen=True)
class Choices:
    """What the explorer offers: every (unit, level, year, period) with actual results in the data."""

    points: pd.DataFrame  # unit, level, year, period: one row each; parts: how many components it scores

    def levels(self) -> list[str]:
        """The levels that have units, in the catalogue's order (province first)."""
        present = set(self.points["level"])
        return [lv for lv in UNIT_LEVELS if lv in present]

    def units(self, level: str) -> list[str]:
        """The units of ``level``, in alphabetical order (diacritics aside)."""
        return sorted(self.points.loc[self.points["level"] == level, "unit"].unique(), key=lambda u: (fold(u), u))

    def years(self, level: str) -> list[int]:
        """The years in which any unit of ``level`` has results, latest first."""
        return sorted({int(y) for y in self.points.loc[self.points["level"] == level, "year"]}, reverse=True)

    def periods(self, level: str) -> list[str]:
        """The periods of ``level``'s results (full year first, then the quarters)."""
        present = set(self.points.loc[self.points["level"] == level, "period"])
        return [p for p in ["FY", *[p for p in PERIODS if p != "FY"]] if p in present]

    def has(self, unit: str, level: str, year: int, period: str) -> bool:
        """Whether ``unit`` has actual results in exactly that year and period."""
        p = self.points
        return bool(((p["unit"] == unit) & (p["level"] == level) & (p["year"] == year) & (p["period"] == period)).any())

    def available(self, unit: str, level: str) -> list[tuple[int, str]]:
        """The (year, period) of every result of ``unit``, latest first."""
        own = self.points[(self.points["unit"] == unit) & (self.points["level"] == level)]
        order = {p: i for i, p in enumerate(PERIODS)}  # Q1 … Q4, then FY: a year's final result is its latest
        return sorted({(int(y), str(p)) for y, p in zip(own["year"], own["period"], strict=True)},
                      key=lambda yp: (yp[0], order[yp[1]]), reverse=True)

    def default(self, unit: str, level: str) -> tuple[int, str]:
        """Where the explorer starts for ``unit``: its latest final (full-year) result, else its latest result.

        Raises
        ------
        ParindexError
            For a unit with no results at that level.
        """
        have = self.available(unit, level)
        if not have:
            raise ParindexError(reason=because("pg_no_results_at_level", 'no actual results for unit "{unit}" at the '
                                               "{level_code} level", unit=unit, level_code=level, level=level))
        finals = [yp for yp in have if yp[1] == "FY"]
        return (finals or have)[0]

    def first(self) -> tuple[str, str] | None:
        """The (level, unit) to open first: the first unit whose latest final result scores its components (a
        unit to move), else the first unit of the first level."""
        p = self.points
        for level in self.levels():
            for unit in self.units(level):
                year, period = self.default(unit, level)
                row = p[(p["unit"] == unit) & (p["level"] == level) & (p["year"] == year) & (p["period"] == period)]
                if int(row["parts"].iloc[0]) > 1:
                    return level, unit
        levels = self.levels()
        return (levels[0], self.units(levels[0])[0]) if levels else None


def choices(scores: pd.DataFrame) -> Choices:
    """The choices the explorer's dropdowns offer, from the standardised scores.

    Examples
    --------
    >>> c = choices(scores)
    >>> c.levels(), c.units("district"), c.default("Tam Đường", "district")
    (['province', 'department', 'district', 'commune'], ['Tam Đường'], (2023, 'FY'))
    """
    actual = scores[(scores["kind"] == "actual") & scores["level"].isin(UNIT_LEVELS)]
    keys = ["unit", "level", "year", "period"]
    parts = actual[actual["component"].isin(codes())].groupby(keys).size().rename("parts")
    points = actual[keys].drop_duplicates().join(parts, on=keys).fillna({"parts": 0})
    return Choices(points.astype({"parts": int}).reset_index(drop=True))


@dataclass(frozen=True)
class Loaded:
    """What a choice gives: the index to explore, or the one sentence saying why there is nothing to move.

    ``index`` is set whenever the unit has results at that point (a unit with only its total has one too, with
    ``message`` saying why its components cannot be moved); ``message`` alone means no results there.
    """

    index: PARIndex | None
    message: str | None = None

    @property
    def explorable(self) -> bool:
        return self.index is not None and self.message is None


def plan_bound(scores: pd.DataFrame, index: PARIndex) -> str:
    """``gt`` when the plan's total target for the index's target year is "Trên …" (above), else ``ge``."""
    rows = scores[(scores["unit"] == index.unit) & (scores["level"] == index.level) & (scores["kind"] == "target")
                  & (scores["component"] == TOTAL) & (scores["year"] == index.target_year)]
    return "gt" if not rows.empty and rows["bound"].iloc[0] == ">" else "ge"


def load_unit(scores: pd.DataFrame, unit: str, level: str, year: int, period: str, lang: str = "vi",
              tasks: pd.DataFrame | None = None, found: Choices | None = None) -> Loaded:
    """The index of ``unit`` at exactly ``year`` and ``period``, with the plan's target and bound.

    Never another year instead: when the unit has no results there, ``message`` says so and lists the
    results it has. A unit with only its total gets its index and the sentence saying why nothing can move.

    Examples
    --------
    >>> load_unit(scores, "Tam Đường", "district", 2023, "FY").index.total.__round__(2)
    76.18
    >>> print(load_unit(scores, "Tam Đường", "district", 2022, "FY").message)
    Tam Đường không có kết quả năm 2022 (có: Q3/2024, Q2/2024, Q1/2024, năm 2023).
    """
    found = found or choices(scores)
    if not found.has(unit, level, year, period):
        have = ", ".join(point_label(y, p, lang) for y, p in found.available(unit, level))
        return Loaded(None, t("ex_no_results", lang, unit=unit, point=point_label(year, period, lang),
                              available=have or "—"))
    try:
        index = PARIndex.from_scores(scores, unit, year, period, level=level, tasks=tasks)
    except ParindexError as exc:
        return Loaded(None, t("ex_cannot_load", lang, unit=unit, point=point_label(year, period, lang),
                              reason=reason_text(exc, lang)))
    index = replace(index, bound=BOUNDS[plan_bound(scores, index)])
    if not index.can_total:
        key = "ex_blocks_only" if index.sums_points else "ex_totals_only"  # blocks: points, but no maxima
        return Loaded(index, t(key, lang, unit=unit, point=point_label(year, period, lang),
                               total=format_pct(index.display_total, lang),
                               reason=reason_text(index.no_totals_reason, lang)))
    return Loaded(index)


def reason_text(reason: object, lang: str) -> str:
    """A reason (an error of the library, a file that cannot be read or written, or a cause) in ``lang``: the
    catalogue's words when it carries a cause as data."""
    if isinstance(reason, ParindexError):
        return say_error(reason, lang).rstrip(".")
    if isinstance(reason, OSError):
        reason = because("pg_os_error", "{file}: {why}", file=reason.filename, why=os_reason(reason)) \
            if reason.filename else os_reason(reason)
    return str(say(getattr(reason, "reason", None) or reason, lang)).rstrip(".")


# -- a component in the unit its label says -------------------------------------------------------------------

@dataclass(frozen=True)
class SliderScale:
    """How a component's slider moves: in points out of ``maximum`` (``in_points``), else in percent."""

    in_points: bool
    maximum: float  # the points' maximum, or 100

    def to_slider(self, pct: float) -> float:
        """A value in % as the slider shows it."""
        return round(pct * self.maximum / 100.0, 2) if self.in_points else round(pct, 2)

    def to_pct(self, value: float) -> float:
        """The slider's value in %."""
        return 100.0 * value / self.maximum if self.in_points else float(value)


def slider_scale(index: PARIndex, code: str) -> SliderScale:
    """Points when the index scores ``code`` in points with a known maximum, else percent.

    Examples
    --------
    >>> slider_scale(idx, "C6")
    SliderScale(in_points=False, maximum=100.0)
    """
    maximum = index.max_points.get(code) if index.from_points else None
    if maximum is not None and pd.notna(maximum) and float(maximum) > 0:
        return SliderScale(True, float(maximum))
    return SliderScale(False, 100.0)


def readout(index: PARIndex, code: str, pct: float, lang: str = "vi") -> str:
    """A component's value as its slider's label reads: ``12,75/13 điểm`` or ``70,52%``.

    Examples
    --------
    >>> readout(idx, "C6", 60.36, "vi"), readout(idx, "C6", 60.36, "en")
    ('60,36%', '60.36%')
    """
    scale = slider_scale(index, code)
    if scale.in_points:
        return format_points(scale.to_slider(pct), scale.maximum, lang)
    return format_pct(pct, lang)


def maximum_text(maximum: float, lang: str = "vi") -> str:
    """A maximum as the Ministry prints it, trailing zeros dropped: ``13``, ``16,5`` (vi), ``16.5`` (en).

    Examples
    --------
    >>> maximum_text(13.0), maximum_text(16.5), maximum_text(16.5, "en")
    ('13', '16,5', '16.5')
    """
    return format_decimal(round_half_up(maximum, 2).normalize(), locale=LOCALES[lang], decimal_quantization=False)


def total_readout(index: PARIndex, total: float, lang: str = "vi") -> str:
    """The total in % and, when the data scores in points, in points too: ``90,00% (90,00/100 điểm)``."""
    text = format_pct(total, lang)
    if index.from_points:
        scale = float(index.max_points.loc[index.components].sum())
        text += f" ({format_points(total * scale / 100, scale, lang)})"
    return text


def parse_entry(text: str) -> float:
    """A number as a user types it: ``12,75``, ``12.75``, ``70,52%`` or ``12,75/13 điểm`` (the part before ``/``).

    Raises
    ------
    ValueError
        When the text is not a number.

    Examples
    --------
    >>> parse_entry("12,75/13 điểm"), parse_entry(" 70,52 % "), parse_entry("60.36")
    (12.75, 70.52, 60.36)
    """
    core = str(text).split("/")[0].replace("%", "").replace("điểm", "").replace("points", "").strip()
    return parse_number(core)[0]


# -- a scenario's figures ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScenarioState:
    """The figures the explorer shows for a set of values: total, gap to the target, met, what changed."""

    total: float
    gap: float
    met: bool
    changed: dict[str, float]
    index: PARIndex


def scenario_state(base: PARIndex, values: dict[str, float], target: float | None = None,
                   bound: str | None = None) -> ScenarioState:
    """The figures for ``values`` (component → %), against ``target`` and ``bound`` (``ge``/``gt``; default the
    index's own). ``gap`` is what the total still lacks to meet the target under its bound (0 when met).

    Examples
    --------
    >>> state = scenario_state(idx, {"C6": 60.36, "C8": 60.36})
    >>> round(state.total, 2), state.met, sorted(state.changed)
    (80.0, True, ['C6', 'C8'])
    >>> scenario_state(idx, {"C6": 60.36, "C8": 60.36}, bound="gt").met
    False
    """
    changed = {c: float(v) for c, v in values.items() if abs(float(v) - float(base.values[c])) > 1e-9}
    index = base.scenario(**changed) if changed else base
    target = index.target if target is None else float(target)
    bound = index.bound if bound is None else BOUNDS[bound]
    if (target, bound) != (index.target, index.bound):
        index = replace(index, target=target, bound=bound)
    total = index.total if changed else base.display_total  # untouched: the total the reader knows
    need = required_value(index.target, index.bound)
    return ScenarioState(total, max(0.0, need - total), met(total, index.target, index.bound), changed, index)


# -- saved scenarios --------------------------------------------------------------------------------------------

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
