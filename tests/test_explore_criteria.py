"""Criterion steps in the code-free explorer: under each component of a unit scored by criteria, its criteria below
their maximum; choosing a level moves the component to the points the criteria then make."""

from __future__ import annotations

import ipywidgets as w
import pytest

from parindex_lib.present.explore import workbench
from parindex_lib.standardise import write_processed

COMMUNE = "Bản Giang"


@pytest.fixture(scope="module")
def processed(shipped, tmp_path_factory):
    """The shipped data standardised into a folder of its own (scores, tasks, criteria)."""
    folder = tmp_path_factory.mktemp("processed")
    write_processed(shipped, folder)
    return folder


def _panels(app) -> dict:
    return {code: box.children[0] for code, box in app.explorer.criteria.items() if box.children}


def test_criterion_steps_fill_the_slots_and_move_the_component(processed, shipped):
    app = workbench(processed / "scores.csv", lang="vi", unit=COMMUNE, year=2024)
    panels = _panels(app)
    rows = shipped.criteria
    rows = rows[(rows["unit"] == COMMUNE) & (rows["year"] == 2024) & (rows["period"] == "FY")]
    leaves = rows[rows["leaf"]].set_index("criterion")
    below = leaves[(leaves["points"] < leaves["max_points"] - 1e-9) & leaves["component"].str.startswith(("C", "S"))]
    # a panel exactly under the components with a criterion below its maximum, one control per such criterion
    assert set(panels) == set(below["component"])
    for code, panel in panels.items():
        controls = [row.children[0] for row in panel.children[1:]]
        assert sorted(c.description for c in controls) == sorted(below.index[below["component"] == code])
    # choosing the top level of one criterion moves its component by the points it adds, Σ points ÷ Σ maxima
    code = sorted(panels)[0]
    control = next(row.children[0] for row in panels[code].children[1:] if isinstance(row.children[0], w.Dropdown))
    areas = rows[(rows["depth"] == 1) & (rows["component"] == code)]
    gain = leaves.at[control.description, "max_points"] - leaves.at[control.description, "points"]
    expected = 100 * (areas["points"].sum() + gain) / areas["max_points"].sum()
    control.value = control.options[-1][1]
    assert app.explorer.values()[code] == pytest.approx(expected, abs=0.01)
    assert app.explorer.state()["changed"][code] == pytest.approx(expected, abs=0.01)
    assert panels[code].children[0].value.startswith("Các bước tiêu chí của ")


def test_a_unit_not_scored_by_criteria_has_no_steps(processed):
    app = workbench(processed / "scores.csv", lang="vi", unit="Tam Đường", year=2023)
    assert _panels(app) == {}
