"""The scenario explorer: one slider per component, and everything recomputed as a slider moves.

``explorer(index)`` returns an :class:`Explorer` whose ``widget`` is displayed in JupyterLab. Moving a
slider updates the total and its gap to the target (respecting the bound), the status of every component
against its plan target, the bridge from today's total, the lead offices of what was changed, and the
cheapest remaining way to the target from that scenario. Scenarios can be saved, compared side by side and
exported to ``data/processed/scenarios.csv``. Every figure comes from the library's tested functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from parindex_lib.analyses import lift as lift_mod
from parindex_lib.analyses import trends
from parindex_lib.config import PROCESSED_DIR
from parindex_lib.errors import MethodError
from parindex_lib.io import write_atomic
from parindex_lib.model.index import PARIndex, met, required_value
from parindex_lib.present.i18n import component_name, status_label, t, target_text
from parindex_lib.present.render import Table
from parindex_lib.vn import format_number, format_pct, format_points, format_pp


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


def scenario_state(base: PARIndex, values: dict[str, float], target: float | None = None) -> dict:
    """The figures the explorer shows for ``values``: total, gap to the target, met, and what changed.

    ``gap`` is what the total still lacks to meet the target under its bound (0 when met).

    Examples
    --------
    >>> state = scenario_state(idx, {"C6": 60.36, "C8": 60.36})
    >>> round(state["total"], 2), state["met"], sorted(state["changed"])
    (80.0, True, ['C6', 'C8'])
    """
    changed = {c: float(v) for c, v in values.items() if abs(float(v) - float(base.values[c])) > 1e-9}
    index = base.scenario(**changed) if changed else base
    if target is not None and float(target) != index.target:
        index = replace(index, target=float(target))
    total = index.total if changed else base.display_total  # untouched: the total the reader knows
    need = required_value(index.target, index.bound)
    return {"total": total, "gap": max(0.0, need - total), "met": met(total, index.target, index.bound),
            "changed": changed, "index": index}


@dataclass
class Explorer:
    """The explorer's widgets and state (build it with :func:`explorer`)."""

    index: PARIndex
    lang: str
    sliders: dict
    widget: object
    saved: list[dict] = field(default_factory=list)
    _views: dict = field(default_factory=dict)

    def values(self) -> dict[str, float]:
        """The sliders' values, by component."""
        return {c: float(s.value) for c, s in self.sliders.items()}

    def state(self) -> dict:
        """``total``, ``gap``, ``met`` and ``changed`` (component → new value) for the sliders as they are."""
        state = scenario_state(self.index, self.values(), self._views["target"].value)
        return {k: state[k] for k in ("total", "gap", "met", "changed")}

    def reset(self, *_: object) -> None:
        """Every slider back to the unit's current result."""
        for c, s in self.sliders.items():
            s.value = float(self.index.values[c])
        self.update()

    def save(self, *_: object) -> dict:
        """Keep the current scenario for the comparison table; returns it."""
        state = self.state()
        row = {"scenario": len(self.saved) + 1, "unit": self.index.unit, "total": round(state["total"], 4),
               "met": state["met"], **{c: round(v, 2) for c, v in self.values().items()}}
        self.saved.append(row)
        self._views["saved"].value = self.comparison().to_html() if self.saved else ""
        return row

    def comparison(self) -> Table:
        """The saved scenarios side by side: one column per scenario, one row per component and the total."""
        rows = []
        for c in self.sliders:
            rows.append([component_name(c, self.lang, short=True)]
                        + [format_pct(s[c], self.lang) for s in self.saved])
        rows.append([t("col_total", self.lang)] + [format_pct(s["total"], self.lang) for s in self.saved])
        frame = pd.DataFrame(rows, columns=[t("col_component", self.lang)]
                             + [f"#{s['scenario']}" for s in self.saved])
        return Table(frame)

    def export(self, path: str | Path | None = None) -> Path:
        """Write the saved scenarios to ``data/processed/scenarios.csv`` (atomically)."""
        path = Path(path or PROCESSED_DIR / "scenarios.csv")
        return write_atomic(path, pd.DataFrame(self.saved).to_csv(index=False))

    def update(self, *_: object) -> None:
        """Recompute everything the explorer shows from the sliders and controls."""
        lang, v = self.lang, self._views
        state = scenario_state(self.index, self.values(), v["target"].value)
        index = state["index"]
        pts = ""
        if self.index.from_points:
            scale = float(self.index.max_points.sum())
            pts = f" ({format_points(state['total'] * scale / 100, scale, lang)})"
        verdict = t("gap_line_met", lang) if state["met"] else t("gap_line_short", lang,
                                                                 gap=format_number(state["gap"], lang))
        v["total"].value = (f'<p class="parindex-total" data-total="{state["total"]:.4f}"><b>'
                            f'{t("col_total", lang)}: {format_pct(state["total"], lang)}</b>{pts} — '
                            f'{target_text(index.target, index.bound, lang)}. {verdict}</p>')
        status = trends.target_status(index)
        rows = [[component_name(c, lang), format_pct(r.value, lang),
                 "" if pd.isna(r.target) else target_text(r.target, r.bound, lang), status_label(r.status, lang),
                 r.lead_units or ""] for c, r in status.iterrows()]
        v["status"].value = Table(pd.DataFrame(rows, columns=[t(k, lang) for k in (
            "col_component", "col_value", "col_target", "col_status", "col_lead")])).to_html()
        changes = scenario_changes(self.index, index)
        leads = sorted({str(r.lead_units) for r in changes.itertuples() if r.lead_units})
        v["leads"].value = "<p>" + (f"{t('col_lead', lang)}: " + "; ".join(leads) if leads else "") + "</p>"
        chart = _bridge(self.index, index, changes, lang)
        v["bridge"].value = f'<img src="{chart.data_uri()}" style="max-width:100%">' if chart is not None else ""
        try:
            rest = lift_mod.lift(index, v["model"].value, costs=_equal_costs(index)
                                 if v["model"].value == "linear" else None)
            items = "; ".join(f"{component_name(c, lang)} {format_pct(r.from_pct, lang)} → "
                              f"{format_pct(r.to_pct, lang)} ({format_pp(r.gain_total, lang)})"
                              for c, r in rest.changes.iterrows())
            v["lift"].value = f"<p>{t('recommend_title', lang)}: {items or t('recommend_none', lang)}</p>"
        except MethodError as exc:
            v["lift"].value = f"<p>{exc}</p>"


def _equal_costs(index: PARIndex) -> pd.Series:
    """The explorer's linear model: the same effort for every percentage point."""
    return pd.Series(1.0, index=index.components)


def _bridge(base: PARIndex, new: PARIndex, changes: pd.DataFrame, lang: str):
    from parindex_lib.present.plots import plot_bridge

    result = lift_mod.LiftResult(base.unit, base.year, base.period, base.scheme.name, "scenario", new.target,
                                 new.bound, base.total, new.total, True, new.total, changes, 0.0)
    return plot_bridge(base, result, lang)


def explorer(index: PARIndex, lang: str = "vi") -> Explorer:
    """Build the scenario explorer of ``index`` (display ``explorer(index).widget`` in JupyterLab).

    One ``FloatSlider`` per component of the unit's scheme, from its current value to 100 in steps of
    0,01, labelled with the component's short name; a target and a cost-model control; reset, save and
    export buttons.

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
    import ipywidgets as w

    lift_mod.require_components(index)
    sliders = {}
    for c in index.components:
        current = float(index.values[c])
        label = component_name(c, lang, short=True)
        if index.from_points and not np.isnan(index.max_points.get(c, np.nan)):
            label += f" (/{format_number(index.max_points[c], lang, 1)})"
        sliders[c] = w.FloatSlider(value=current, min=current, max=100.0, step=0.01, description=label,
                                   readout_format=".2f", continuous_update=True,
                                   style={"description_width": "170px"}, layout=w.Layout(width="560px"))
    views = {
        "total": w.HTML(), "status": w.HTML(), "leads": w.HTML(), "lift": w.HTML(), "saved": w.HTML(),
        "bridge": w.HTML(),
        "target": w.BoundedFloatText(value=index.target, min=0.01, max=100.0, step=0.01,
                                     description=t("col_target", lang)),
        "model": w.Dropdown(options=[("gap", "gap"), ("linear", "linear")], value="gap", description="model"),
    }
    reset, save, export = (w.Button(description=d) for d in ("reset", "save scenario", "export CSV"))
    widget = w.VBox([w.HTML(f"<h3>{index.unit} — {index.label}</h3>"), *sliders.values(),
                     w.HBox([views["target"], views["model"]]), w.HBox([reset, save, export]), views["total"],
                     views["status"], views["leads"], views["bridge"], views["lift"], views["saved"]])
    ex = Explorer(index, lang, sliders, widget, _views=views)
    for s in sliders.values():
        s.observe(ex.update, names="value")
    views["target"].observe(ex.update, names="value")
    views["model"].observe(ex.update, names="value")
    reset.on_click(ex.reset)
    save.on_click(ex.save)
    export.on_click(lambda *_: ex.export())
    ex.update()
    return ex
