"""The explorer's state, without widgets: what can be chosen, what a choice gives, and a scenario's figures
(saved scenarios are in :mod:`parindex_lib.present.saved_scenarios`).

* :func:`choices` — the levels, units, years and periods of the data's actual results, for the dropdowns.
* :func:`load_unit` — the index a choice gives, or the one sentence (in the user's language) saying why
  there is none: no results in that year and period (never another year instead), or a total only.
* :func:`slider_scale` / :func:`readout` — a component moves in the unit its label says: points out of its
  maximum when the data scores in points ("12,75/13 điểm"), else percent ("70,52%").
* :func:`scenario_state` — the total, its gap to the target under the bound, and what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from babel.numbers import format_decimal

from parindex_lib.errors import ParindexError, because, os_reason
from parindex_lib.model.components import TOTAL, codes
from parindex_lib.model.index import BOUNDS, PARIndex, met, required_value
from parindex_lib.model.schema import PERIODS, UNIT_LEVELS
from parindex_lib.present.i18n import point_label, say, say_error, t
from parindex_lib.vn import LOCALES, fold, format_pct, format_points, parse_number, round_half_up

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
