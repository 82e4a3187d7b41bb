"""One unit's scenario explorer: move its components, see everything recomputed.

:func:`explorer` builds it from a :class:`PARIndex`: one slider per component (in points out of its maximum
when the data scores in points, else in percent) with a box to type the value in (``12,75`` or ``12.75``), the
target, its bound and the cost model as controls; moving anything updates the total and its gap to the target,
every component's status against its plan target, the bridge from today's total, the lead offices of what
changed and the cheapest remaining way to the target. Scenarios are saved (unit, level, year, period, target,
bound, cost model, time), compared side by side and exported to a CSV that reads back
(:func:`parindex_lib.present.saved_scenarios.read_scenarios`). The code-free explorer around it, with dropdowns
for the unit, is :func:`parindex_lib.present.explore.workbench`.

Every word comes from the message catalogue (``data/messages/explorer.yaml``), every piece of HTML from the
autoescaped ``templates/explore.html.j2``, every figure from the library's tested functions
(:mod:`parindex_lib.present.scenarios` holds the state without widgets).

Under each component's row is an empty box, ``Explorer.criteria[code]``: a ``criteria_panel(explorer, code)``
callable given to :func:`explorer` (or to ``workbench``) fills it (criterion toggles or steps), and moves the
component with :meth:`Explorer.set_value`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as w
import pandas as pd

from parindex_lib.analyses import lift as lift_mod
from parindex_lib.analyses import trends
from parindex_lib.config import PROCESSED_DIR
from parindex_lib.errors import ParindexError
from parindex_lib.model.index import PARIndex
from parindex_lib.present.i18n import component_name, point_label, status_label, t, target_text
from parindex_lib.present.plots import plot_bridge
from parindex_lib.present.render import Table, environment
from parindex_lib.present.saved_scenarios import SavedScenario, comparison_rows, save_scenario, write_scenarios
from parindex_lib.present.scenarios import (
    COST_MODELS,
    maximum_text,
    parse_entry,
    readout,
    reason_text,
    scenario_state,
    slider_scale,
    total_readout,
)
from parindex_lib.vn import format_number, format_pct, format_pp

#: A criterion panel: given the explorer and a component's code, the widget to show under that component.
CriteriaPanel = Callable[["Explorer", str], "w.Widget | None"]
_WIDE = {"description_width": "190px"}


def html(macro: str, *args: object) -> str:
    """One macro of ``templates/explore.html.j2``, rendered with autoescape (values shown as text).

    Examples
    --------
    >>> html("unit_heading", "<b>Xã A</b>")
    '<h3 class="parindex-unit">&lt;b&gt;Xã A&lt;/b&gt;</h3>'
    """
    return str(getattr(environment().get_template("explore.html.j2").module, macro)(*args))


def scenario_changes(base: PARIndex, new: PARIndex) -> pd.DataFrame:
    """The components a scenario changed: from → to, points of total gained, lead office.

    Examples
    --------
    >>> scenario_changes(idx, idx.scenario(C6=60.36)).index.tolist()
    ['C6']
    """
    s = base.values.loc[base.components]
    x = new.values.loc[base.components]
    moved = (x - s).abs() > 1e-9
    out = pd.DataFrame({"from_pct": s[moved], "to_pct": x[moved], "gain_total": (base.weights * (x - s))[moved],
                        "cost": 0.0, "lead_units": base.lead_units.reindex(s.index)[moved]})
    out.index.name = "component"
    return out


class Quiet:
    """Widgets whose values the code also sets: while it does (``with self._quiet():``), their observers, which
    check ``self._busy``, stand still."""

    _busy = False

    @contextmanager
    def _quiet(self):
        self._busy = True
        try:
            yield
        finally:
            self._busy = False


class Explorer(Quiet):
    """One unit's explorer: its widgets and state (build it with :func:`explorer`).

    ``sliders`` move in the unit their label says (points out of the maximum, or percent); :meth:`values`
    gives every component in percent. ``saved`` may be shared between explorers (a :class:`Workbench` keeps
    one list for the whole session).
    """

    def __init__(self, index: PARIndex, lang: str = "vi", *, saved: list[SavedScenario] | None = None,
                 export_path: str | Path | None = None, criteria_panel: CriteriaPanel | None = None,
                 status: w.HTML | None = None):
        lift_mod.require_components(index)
        self.index, self.lang = index, lang
        self.saved = saved if saved is not None else []
        self.export_path = Path(export_path or PROCESSED_DIR / "scenarios.csv")
        self.status = status or w.HTML()
        self.scales = {c: slider_scale(index, c) for c in index.components}
        self.sliders: dict[str, w.FloatSlider] = {}
        self.entries: dict[str, w.Text] = {}
        self.criteria: dict[str, w.VBox] = {}
        rows = [self._component_row(c) for c in index.components]
        self.target = w.Text(value=format_number(index.target, lang), description=t("ex_target", lang),
                             continuous_update=False, style=_WIDE, layout=w.Layout(width="300px"))
        self.bound = w.Dropdown(options=[(t("ex_bound_ge", lang), "ge"), (t("ex_bound_gt", lang), "gt")],
                                value="gt" if index.bound == ">" else "ge", description=t("ex_bound", lang))
        self.model = w.Dropdown(options=[(t(f"ex_model_{m}", lang), m) for m in COST_MODELS], value="gap",
                                description=t("ex_cost_model", lang), style={"description_width": "150px"},
                                layout=w.Layout(width="420px"))
        self.buttons = buttons = [w.Button(description=t(key, lang), layout=w.Layout(width="auto"))
                                  for key in ("ex_reset", "ex_save", "ex_export")]
        self.views = {name: w.HTML() for name in ("total", "status", "leads", "bridge", "lift", "saved")}
        heading = t("ex_heading", lang, unit=index.unit, level=t(f"level_{index.level}", lang),
                    point=point_label(index.year, index.period, lang))
        self.widget = w.VBox([w.HTML(html("unit_heading", heading)), *rows,
                              w.HBox([self.target, self.bound]), self.model, w.HBox(buttons), self.status,
                              self.views["total"], self.views["status"], self.views["leads"], self.views["bridge"],
                              self.views["lift"], self.views["saved"]])
        for slider in self.sliders.values():
            slider.observe(self._slider_moved, names="value")
        for entry in self.entries.values():
            entry.observe(self._entry_typed, names="value")
        self.target.observe(self._target_typed, names="value")
        self.bound.observe(self.update, names="value")
        self.model.observe(self.update, names="value")
        for button, action in zip(buttons, (self.reset, self.save, self.export), strict=True):
            button.on_click(lambda _b, act=action: self._safely(act))
        if criteria_panel is not None:
            for c in index.components:
                panel = criteria_panel(self, c)
                if panel is not None:
                    self.criteria[c].children = (panel,)
        self.update()

    # -- building ------------------------------------------------------------------------------------------

    def _component_row(self, code: str) -> w.VBox:
        """A component's slider, the box to type its value in, its unit, and the (empty) criterion box."""
        scale, pct = self.scales[code], float(self.index.values[code])
        label = component_name(code, self.lang, short=True)
        unit = t("ex_unit_points", self.lang, maximum=maximum_text(scale.maximum, self.lang)) if scale.in_points \
            else t("ex_unit_percent", self.lang)
        if scale.in_points:
            label += f" ({unit.strip()})"
        start = scale.to_slider(pct)
        slider = w.FloatSlider(value=start, min=start, max=scale.maximum, step=0.01, description=label,
                               readout=False, continuous_update=True, style=_WIDE, layout=w.Layout(width="520px"))
        entry = w.Text(value=format_number(start, self.lang), continuous_update=False,
                       layout=w.Layout(width="80px"))
        entry.add_class("parindex-entry")
        self.sliders[code], self.entries[code] = slider, entry
        self.criteria[code] = w.VBox(layout=w.Layout(margin="0 0 0 200px"))
        row = w.HBox([slider, entry, w.Label(unit)])
        row.add_class("parindex-component")
        return w.VBox([row, self.criteria[code]])

    # -- reading and moving --------------------------------------------------------------------------------

    def values(self) -> dict[str, float]:
        """Every component's value in %, from its slider."""
        return {c: self.scales[c].to_pct(float(s.value)) for c, s in self.sliders.items()}

    def set_value(self, code: str, pct: float) -> None:
        """Move ``code`` to ``pct`` % (within its slider's range): what a criterion panel calls."""
        slider = self.sliders[code]
        slider.value = min(max(self.scales[code].to_slider(pct), slider.min), slider.max)

    def target_value(self) -> float:
        """The target typed in (the index's own when the box holds something else)."""
        try:
            value = parse_entry(self.target.value)
        except ValueError:
            return self.index.target
        return value if 0 < value <= 100 else self.index.target

    def state(self) -> dict:
        """``total``, ``gap``, ``met`` and ``changed`` (component → new value in %) for the controls as they are."""
        s = scenario_state(self.index, self.values(), self.target_value(), self.bound.value)
        return {"total": s.total, "gap": s.gap, "met": s.met, "changed": s.changed}

    def _slider_moved(self, change: dict) -> None:
        code = next(c for c, s in self.sliders.items() if s is change["owner"])
        with self._quiet():
            self.entries[code].value = format_number(float(change["new"]), self.lang)
        self._safely(self.update)

    def _entry_typed(self, change: dict) -> None:
        if self._busy:
            return
        code = next(c for c, e in self.entries.items() if e is change["owner"])
        slider = self.sliders[code]
        try:
            value = parse_entry(change["new"])
        except ValueError:
            return self._refuse(code, t("ex_not_a_number", self.lang, text=change["new"]))
        if not slider.min - 1e-9 <= value <= slider.max + 1e-9:
            return self._refuse(code, t("ex_out_of_range", self.lang, name=component_name(code, self.lang, True),
                                        value=format_number(value, self.lang),
                                        low=format_number(slider.min, self.lang),
                                        high=format_number(slider.max, self.lang)))
        self.status.value = ""
        if abs(slider.value - value) > 1e-9:
            slider.value = value
        else:
            self._slider_moved({"owner": slider, "new": slider.value})

    def _target_typed(self, change: dict) -> None:
        try:
            value = parse_entry(change["new"])
            ok = 0 < value <= 100
        except ValueError:
            ok = False
        if not ok:
            self.status.value = html("message", t("ex_target_range", self.lang, text=change["new"]), "error")
            return
        self.status.value = ""
        self._safely(self.update)

    def _refuse(self, code: str, text: str) -> None:
        self.status.value = html("message", text, "error")
        with self._quiet():
            self.entries[code].value = format_number(float(self.sliders[code].value), self.lang)

    def _safely(self, action: Callable[[], object]) -> None:
        """Run a button's or a control's action; a failure becomes one sentence, never a traceback."""
        try:
            action()
        except ParindexError as exc:
            self.status.value = html("message", t("ex_error", self.lang, reason=reason_text(exc, self.lang)), "error")

    # -- the actions ---------------------------------------------------------------------------------------

    def reset(self, *_: object) -> None:
        """Every component back to the unit's current result; the target and bound back to the plan's."""
        with self._quiet():
            for c, s in self.sliders.items():
                s.value = s.min
                self.entries[c].value = format_number(float(s.min), self.lang)
            self.target.value = format_number(self.index.target, self.lang)
            self.bound.value = "gt" if self.index.bound == ">" else "ge"
        self.status.value = ""
        self.update()

    def save(self, *_: object) -> SavedScenario:
        """Keep the current scenario for the comparison and the export; returns it."""
        number = 1 + max((s.scenario for s in self.saved), default=0)
        saved = save_scenario(self.index, self.values(), self.target_value(), self.bound.value, self.model.value,
                              number)
        self.saved.append(saved)
        self.status.value = html("message", t("ex_saved", self.lang, n=number,
                                              total=total_readout(self.index, saved.total, self.lang)))
        self._show_saved()
        return saved

    def comparison(self) -> Table:
        """The saved scenarios of this unit side by side: one column per scenario."""
        columns, rows = comparison_rows(self.index, self.saved, self.lang)
        return Table(pd.DataFrame(rows, columns=columns))

    def export(self, path: str | Path | None = None) -> Path | None:
        """Add the saved scenarios to ``scenarios.csv`` (atomically) and say where; None when none is saved."""
        if not self.saved:
            self.status.value = html("message", t("ex_nothing_saved", self.lang), "error")
            return None
        target = Path(path) if path else self.export_path
        try:
            written, total = write_scenarios(target, self.saved)
        except ParindexError as exc:
            self.status.value = html("message", t("ex_export_failed", self.lang, reason=reason_text(exc, self.lang)),
                                     "error")
            return None
        self.status.value = html("message", t("ex_exported", self.lang, n=len(self.saved), path=str(written),
                                              total=total))
        return written

    def _show_saved(self) -> None:
        mine = [s for s in self.saved if (s.unit, s.level) == (self.index.unit, self.index.level)]
        self.views["saved"].value = html("titled", t("ex_comparison", self.lang), self.comparison().to_html()) \
            if mine else ""

    # -- what the explorer shows ----------------------------------------------------------------------------

    def update(self, *_: object) -> None:
        """Recompute everything the explorer shows from the sliders and controls."""
        lang = self.lang
        state = scenario_state(self.index, self.values(), self.target_value(), self.bound.value)
        index = state.index
        verdict = t("gap_line_met", lang) if state.met else t("gap_line_short", lang,
                                                             gap=format_number(state.gap, lang))
        self.views["total"].value = html("total", f"{state.total:.4f}", t("col_total", lang),
                                         total_readout(self.index, state.total, lang),
                                         target_text(index.target, index.bound, lang), verdict, state.met)
        status = trends.target_status(index)
        rows = [[component_name(c, lang), readout(self.index, c, r.value, lang),
                 "" if pd.isna(r.target) else target_text(r.target, r.bound, lang), status_label(r.status, lang),
                 r.lead_units or ""] for c, r in status.iterrows()]
        self.views["status"].value = str(Table(pd.DataFrame(rows, columns=[t(k, lang) for k in (
            "col_component", "col_value", "col_target", "col_status", "col_lead")])).to_html())
        changes = scenario_changes(self.index, index)
        leads = sorted({str(r.lead_units) for r in changes.itertuples() if r.lead_units and pd.notna(r.lead_units)})
        self.views["leads"].value = html("line", t("ex_changed_leads", lang), leads)
        chart = _bridge(self.index, index, changes, lang)
        self.views["bridge"].value = html("bridge", chart.data_uri(), t("chart_bridge_title", lang)) \
            if chart is not None else ""
        self.views["lift"].value = html("lift", t("ex_remaining", lang), self._remaining(index))
        self._show_saved()

    def _remaining(self, index: PARIndex) -> str:
        """The cheapest remaining way to the target from this scenario, in one sentence."""
        lang, model = self.lang, self.model.value
        rest = lift_mod.lift(index, model, costs=pd.Series(1.0, index=index.components) if model == "linear" else None)
        if not rest.feasible:
            return t("infeasible", lang, target_text=target_text(index.target, index.bound, lang),
                     max_reachable=format_pct(rest.max_reachable, lang))
        items = "; ".join(f"{component_name(c, lang)} {readout(self.index, c, r.from_pct, lang)} → "
                          f"{readout(self.index, c, r.to_pct, lang)} ({format_pp(r.gain_total, lang)})"
                          for c, r in rest.changes.iterrows())
        return items or t("recommend_none", lang)


def _bridge(base: PARIndex, new: PARIndex, changes: pd.DataFrame, lang: str):
    result = lift_mod.LiftResult(base.unit, base.year, base.period, base.scheme.name, "scenario", new.target,
                                 new.bound, base.total, new.total, True, new.total, changes, 0.0)
    return plot_bridge(base, result, lang)


def explorer(index: PARIndex, lang: str = "vi", **options: object) -> Explorer:
    """Build the scenario explorer of ``index`` (display ``explorer(index).widget`` in JupyterLab).

    One ``FloatSlider`` per component of the unit's scheme, from its current value to its maximum in steps
    of 0,01 — points out of the component's maximum when the data scores in points, else percent — with a
    box to type the value in; the target, its bound and the cost model; reset, save and export buttons.
    ``options`` are :class:`Explorer`'s (``saved``, ``export_path``, ``criteria_panel``, ``status``).

    Raises
    ------
    MethodError
        For a unit with only its total (there is nothing to move).

    Examples
    --------
    >>> ex = explorer(idx)
    >>> ex.sliders["C6"].value = 60.36; ex.sliders["C8"].value = 60.36
    >>> round(ex.state()["total"], 2), ex.state()["met"]
    (80.0, True)
    """
    return Explorer(index, lang, **options)
