"""Criterion steps in the scenario explorer: under each component of a unit scored by criteria, the criteria below
their maximum with the levels their rules allow (a free criterion: any points up to its maximum), their next step,
what it takes and their lead office. Choosing a level moves the component's slider to the points the criteria then
make, and everything the explorer shows follows.

:func:`criteria_panel` is the explorer's ``criteria_panel(explorer, code)``: it finds the unit's criteria in the
criteria table beside the scores (``criteria.csv``, where the explorer's scenarios are exported too) and leaves the
slot empty for a component (or a unit) not scored by criteria.
"""

from __future__ import annotations

import ipywidgets as w

from parindex_lib.analyses.criteria import Totalling, UnitCriteria, criteria_beside, criteria_table, roll_up
from parindex_lib.analyses.criteria_lost import leaf_rows
from parindex_lib.model.criteria import EPS
from parindex_lib.present import criteria as words
from parindex_lib.present.i18n import component_name, t

_LABEL = {"description_width": "70px"}


def unit_criteria_of(explorer) -> UnitCriteria | None:
    """The explorer's unit's criterion points (None when it is not scored by criteria), found once per explorer."""
    if not hasattr(explorer, "_unit_criteria"):
        idx = explorer.index
        table = criteria_table(criteria_beside(explorer.export_path))
        explorer._unit_criteria = UnitCriteria.from_table(table, idx.unit, idx.year, idx.period, idx.level)
    return explorer._unit_criteria


def component_pct(uc: UnitCriteria, code: str, points: dict[str, float]) -> float:
    """A component's value (in %) when its criteria have ``points``: Σ its areas' points ÷ Σ their maxima."""
    nodes = roll_up(uc.tree, points)
    areas = [a for a in uc.tree.areas if a.component == code]
    return 100.0 * sum(nodes[a.code] for a in areas) / sum(a.max_points for a in areas)


def criteria_panel(explorer, code: str) -> w.Widget | None:
    """The criterion steps under component ``code``: one control per criterion below its maximum."""
    uc = unit_criteria_of(explorer)
    if uc is None or code not in uc.tree.maxima():
        return None
    lang = explorer.lang
    chosen = {c: float(v) for c, v in uc.points.items()}
    rows = [w.Label(t("cl_explore_steps", lang, component=component_name(code, lang, short=True)))]
    records = uc.leaves.to_dict("index")
    steps = _steps(explorer, uc)
    below = [leaf for area in uc.tree.areas if area.component == code for leaf in uc.tree.leaves(area.code)
             if chosen[leaf.code] < leaf.max_points - EPS]
    for leaf in below:
        control = _control(leaf, chosen[leaf.code], lang)

        def moved(change, leaf_code=leaf.code):
            chosen[leaf_code] = float(change["new"])
            explorer.set_value(code, component_pct(uc, code, chosen))

        control.observe(moved, names="value")
        step = _next_step_text(steps[leaf.code], lang)
        lead = words.optional_text(records[leaf.code]["lead_units"])
        name = leaf.name(lang)
        rows.append(w.HBox([control, w.Label(f"{name} — {step}" + (f" ({lead})" if lead else ""))]))
    if len(rows) == 1:
        return None  # every criterion of the component is at its maximum
    return w.VBox(rows)


def _control(leaf, current: float, lang: str) -> w.Widget:
    """A dropdown of the levels at or above the current one (labelled as the rule labels them), or a slider for a
    criterion scored freely up to its maximum."""
    levels = leaf.rule.levels(leaf.max_points)
    if levels is None:
        return w.FloatSlider(value=current, min=current, max=leaf.max_points, step=0.25, description=leaf.code,
                             style=_LABEL, layout=w.Layout(width="300px"))
    options = []
    for value in (v for v in levels if v >= current - EPS):
        label = leaf.rule.label_of(value, lang)
        text = words.points_text(value, lang)
        options.append((f"{text}: {label}" if label else text, float(value)))
    return w.Dropdown(options=options, value=float(current), description=leaf.code, style=_LABEL,
                      layout=w.Layout(width="300px"))


def _steps(explorer, uc: UnitCriteria) -> dict[str, dict]:
    """Every criterion's row of the points-lost table (its next step, what it takes), once per explorer."""
    if not hasattr(explorer, "_criterion_steps"):
        explorer._criterion_steps = leaf_rows(uc, Totalling.of(uc.tree)).set_index("code").to_dict("index")
    return explorer._criterion_steps


def _next_step_text(row: dict, lang: str) -> str:
    """The next step and, for a band rule, how far the measured value must move."""
    takes = words.reach_text(row, lang)
    text = words.next_step_text(row, lang)
    return f"{text}; {t('cl_change_takes', lang, takes=takes)}" if takes else text
