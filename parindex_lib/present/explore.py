"""The scenario explorer without code: choose a unit from the data, move its components, see everything recomputed.

:func:`workbench` is what a user opens (``40_explore.ipynb`` in JupyterLab, or served code-free by
``parindex explore``): dropdowns for the level, unit, year and period built from the data, a language switch,
and below them the chosen unit's :class:`~parindex_lib.present.unit_explorer.Explorer` (one unit's sliders,
controls, figures and saved scenarios; :func:`explorer` builds one from a :class:`PARIndex`) — replaced in
place whenever a choice changes. A unit with its total only, or a year without results, is said in one
sentence; data that cannot be read too.

A ``criteria_panel(explorer, code)`` callable given to :func:`workbench` fills the box under each component
of every unit shown (see :mod:`parindex_lib.present.unit_explorer`).
"""

from __future__ import annotations

import os
from pathlib import Path

import ipywidgets as w
import pandas as pd

from parindex_lib.config import PROCESSED_DIR
from parindex_lib.errors import ParindexError
from parindex_lib.model.index import resolve_unit
from parindex_lib.model.schema import empty_scores
from parindex_lib.present.explore_criteria import criteria_panel as criterion_steps
from parindex_lib.present.i18n import LANGS, period_label, t
from parindex_lib.present.saved_scenarios import SavedScenario
from parindex_lib.present.scenarios import Choices, choices, load_unit, reason_text
from parindex_lib.present.unit_explorer import CriteriaPanel, Explorer, Quiet, explorer, html
from parindex_lib.standardise import load_scores, load_tasks

#: What the explorer offers to code: the workbench, and one unit's explorer.
__all__ = ["CriteriaPanel", "Explorer", "Workbench", "explorer", "html", "workbench"]
#: The environment variables :func:`workbench` reads when not told (``parindex explore`` sets them for the kernel
#: Voilà starts). Here rather than in :mod:`parindex_lib.present.serve`: importing the explorer must not load Voilà.
LANG_VARIABLE = "PARINDEX_EXPLORE_LANG"
SCORES_VARIABLE = "PARINDEX_EXPLORE_SCORES"


class Workbench(Quiet):
    """The code-free explorer: level, unit, year and period chosen from dropdowns built from the data, a
    language switch, and the chosen unit's :class:`Explorer` below, replaced in place when a choice changes.

    Build it with :func:`workbench`; display ``.widget``. :meth:`select` makes a choice from code.
    """

    def __init__(self, scores: pd.DataFrame, tasks: pd.DataFrame | None = None, lang: str = "vi", *,
                 export_path: str | Path | None = None, criteria_panel: CriteriaPanel | None = None):
        self.scores, self.tasks, self.lang = scores, tasks, lang
        self.found: Choices = choices(scores)
        self.export_path = Path(export_path or PROCESSED_DIR / "scenarios.csv")
        self.criteria_panel = criteria_panel
        self.saved: list[SavedScenario] = []
        self.explorer: Explorer | None = None
        self.message: str | None = None
        self.widget = w.VBox()
        self.widget.add_class("parindex-explorer")
        self.body = w.VBox()
        self.status = w.HTML()
        self.level = w.Dropdown(description=t("ex_level", lang))
        self.unit = w.Dropdown(description=t("ex_unit", lang), layout=w.Layout(width="360px"))
        self.year = w.Dropdown(description=t("ex_year", lang), layout=w.Layout(width="180px"))
        self.period = w.Dropdown(description=t("ex_period", lang), layout=w.Layout(width="200px"))
        self.language = w.ToggleButtons(options=[("Tiếng Việt", "vi"), ("English", "en")], value=lang,
                                        style={"button_width": "90px"})
        for control, action in ((self.level, self._level_chosen), (self.unit, self._unit_chosen),
                                (self.year, self._point_chosen), (self.period, self._point_chosen),
                                (self.language, self._language_chosen)):
            control.observe(action, names="value")

    # -- choosing ------------------------------------------------------------------------------------------

    def select(self, unit: str | None = None, level: str | None = None, year: int | None = None,
               period: str | None = None) -> None:
        """Choose from code, as a user would from the dropdowns (unknown values are refused by the dropdowns)."""
        with self._quiet():
            if level is None and unit is not None:
                level = next((lv for lv in self.found.levels() if unit in self.found.units(lv)), None)
            if level is not None:
                self._set_level(level)
            if unit is not None:
                self.unit.value = unit
                self._set_point(*self.found.default(unit, self.level.value))
            if year is not None:
                self.year.value = int(year)
            if period is not None:
                self.period.value = period
        self._show()

    def _set_level(self, level: str) -> None:
        self.level.value = level
        units = self.found.units(level)
        self.unit.options = units
        self.unit.value = units[0] if units else None
        self.year.options = self.found.years(level)
        self.period.options = [(period_label(p, self.lang), p) for p in self.found.periods(level)]
        if units:
            self._set_point(*self.found.default(units[0], level))

    def _set_point(self, year: int, period: str) -> None:
        self.year.value, self.period.value = year, period

    def _level_chosen(self, change: dict) -> None:
        if self._busy:
            return
        with self._quiet():
            self._set_level(change["new"])
        self._show()

    def _unit_chosen(self, change: dict) -> None:
        """Another unit: the same year and period when it has results there, else its latest (the dropdowns
        show which)."""
        if self._busy or change["new"] is None:
            return
        with self._quiet():
            if not self.found.has(change["new"], self.level.value, self.year.value, self.period.value):
                self._set_point(*self.found.default(change["new"], self.level.value))
        self._show()

    def _point_chosen(self, change: dict) -> None:
        if not self._busy:
            self._show()

    def _language_chosen(self, change: dict) -> None:
        if self._busy:
            return
        self.lang = change["new"]
        for control, key in ((self.level, "ex_level"), (self.unit, "ex_unit"), (self.year, "ex_year"),
                             (self.period, "ex_period")):
            control.description = t(key, self.lang)
        with self._quiet():
            level = self.level.value
            self.level.options = [(_capital(t(f"level_{lv}", self.lang)), lv) for lv in self.found.levels()]
            self.level.value = level
            period = self.period.value
            self.period.options = [(period_label(p, self.lang), p) for p in self.found.periods(level)]
            self.period.value = period
        self._show()

    # -- showing -------------------------------------------------------------------------------------------

    def build(self, unit: str | None = None, level: str | None = None, year: int | None = None,
              period: str | None = None) -> Workbench:
        """Fill the dropdowns from the data and show the first choice (``unit``… when given)."""
        levels = self.found.levels()
        if not levels:
            self.widget.children = [w.HTML(html("heading", t("ex_title", self.lang), "")),
                                    w.HTML(html("message", t("ex_no_units", self.lang), "error"))]
            return self
        with self._quiet():
            self.level.options = [(_capital(t(f"level_{lv}", self.lang)), lv) for lv in levels]
            self._set_level(levels[0])
        self.widget.children = [w.HTML(), w.HBox([self.level, self.unit]), w.HBox([self.year, self.period]),
                                self.language, self.status, self.body]
        asked = None
        if unit:
            try:  # as typed: diacritics and case may be left out when the name is unique
                unit, level = resolve_unit(self.scores[self.scores["kind"] == "actual"], unit, level or None)
            except ParindexError:
                asked, (level, unit), year, period = unit, self.found.first(), 0, ""
        if not unit:
            level, unit = self.found.first()
        self.select(unit or None, level or None, year or None, period or None)
        if asked:
            self.status.value = html("message", t("ex_unknown_unit", self.lang, unit=asked, shown=self.unit.value),
                                     "error")
        return self

    def _show(self) -> None:
        """Replace the explorer below the dropdowns with the current choice's (or the sentence saying why not)."""
        self.widget.children[0].value = html("heading", t("ex_title", self.lang), t("ex_help", self.lang))
        self.status.value = ""
        loaded = load_unit(self.scores, self.unit.value, self.level.value, int(self.year.value), self.period.value,
                           self.lang, self.tasks, self.found)
        self.message = loaded.message
        if not loaded.explorable:
            self.explorer = None
            self.body.children = [w.HTML(html("message", loaded.message, "warning"))]
            return
        try:
            self.explorer = Explorer(loaded.index, self.lang, saved=self.saved, export_path=self.export_path,
                                     criteria_panel=self.criteria_panel, status=self.status)
        except ParindexError as exc:
            self.explorer, self.message = None, t("ex_error", self.lang, reason=reason_text(exc, self.lang))
            self.body.children = [w.HTML(html("message", self.message, "error"))]
            return
        self.body.children = [self.explorer.widget]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def workbench(scores: pd.DataFrame | str | Path = "", tasks: pd.DataFrame | str | Path | None = "",
              lang: str = "", *, unit: str = "", level: str = "", year: int = 0, period: str = "",
              export_path: str | Path | None = None, criteria_panel: CriteriaPanel | None = None) -> Workbench:
    """The code-free explorer over the standardised scores (a table, or the path of ``scores.csv``; empty: the
    project's), starting on ``unit`` (default: the first unit of the first level, at its latest final result).

    ``lang`` empty: ``$PARINDEX_EXPLORE_LANG`` (set by ``parindex explore --lang``), else Vietnamese; ``scores``
    empty: ``$PARINDEX_EXPLORE_SCORES`` (set by ``parindex explore``), else the project's. Scenarios are exported
    beside the scores (``scenarios.csv``). Data that cannot be read gives a widget that says so.

    Examples
    --------
    >>> app = workbench(scores, lang="vi", unit="Tam Đường")
    >>> app.unit.value, app.year.value, app.period.value, round(app.explorer.state()["total"], 2)
    ('Tam Đường', 2023, 'FY', 76.17)
    """
    lang = lang or os.environ.get(LANG_VARIABLE) or "vi"
    lang = lang if lang in LANGS else "vi"
    path = None
    try:
        if not isinstance(scores, pd.DataFrame):
            path = Path(scores or os.environ.get(SCORES_VARIABLE) or PROCESSED_DIR / "scores.csv")
            scores = load_scores(path)
        if tasks is not None and not isinstance(tasks, pd.DataFrame):
            tasks_path = Path(tasks) if tasks else (path or PROCESSED_DIR / "scores.csv").parent / "tasks.csv"
            tasks = load_tasks(tasks_path) if tasks_path.exists() else None
    except (ParindexError, OSError) as exc:
        app = Workbench(empty_scores(), None, lang)
        app.widget.children = [w.HTML(html("heading", t("ex_title", lang), "")),
                               w.HTML(html("message", t("ex_no_data", lang, reason=reason_text(exc, lang)), "error"))]
        return app
    export = export_path or (path.parent if path else PROCESSED_DIR) / "scenarios.csv"
    # a unit scored by criteria shows its criterion steps under each component unless another panel is given
    app = Workbench(scores, tasks, lang, export_path=export, criteria_panel=criteria_panel or criterion_steps)
    return app.build(unit, level, year, period)
