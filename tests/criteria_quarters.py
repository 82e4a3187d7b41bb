"""The shipped illustrative quarterly self-assessments of criteria: MADE UP, for the reports to show progress.

``data/raw/illustrative_xa_tu_danh_gia_quy_2025.csv`` holds the interim self-assessments (Q1–Q3 2025) of the five
illustrative communes whose 2024 final self-assessment ships in ``illustrative_xa_tu_danh_gia_2024.xlsx``, in
long form as a province's office merges them (the csv module with ";", Vietnamese decimal commas). Each commune
starts from its 2024 result; the changes of its plan — the criterion lift of 2024 to 80% — happen over the
quarters one level at a time, a quarter of the levels by Q1, half by Q2, three quarters by Q3; one criterion not
in the plan rises in Q2 and one slips in Q3. Run :func:`write_illustrative_quarters` once to (re)make the file;
a test checks the shipped file is what it writes.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from criteria_corpus import LONG_HEADER, illustrative_units

from parindex_lib.analyses.criteria import UnitCriteria
from parindex_lib.analyses.criteria_lift import criteria_lift
from parindex_lib.model.criteria import CriteriaTree, load_criteria

YEAR = 2025
QUARTERS = ("Quý I", "Quý II", "Quý III")
FILE = "illustrative_xa_tu_danh_gia_quy_2025.csv"


def _inside(band, seed: int) -> float:
    """A measured value (one decimal) inside a band, the same for the same seed."""
    rng = random.Random(seed)
    low = band.low if band.low is not None else max(0.0, band.high - 20)
    high = band.high if band.high is not None else max(low + 5, 100.0)
    for value in (round(rng.uniform(low, high), 1), round((low + high) / 2, 1), low, high):
        if band.contains(value):
            return value
    raise AssertionError(f"no value inside {band}")


def _set(tree: CriteriaTree, points: dict, measured: dict, code: str, value: float, seed: int) -> None:
    points[code] = value
    rule = tree[code].rule
    if rule.kind == "bands" and (code not in measured or rule.points_for(measured[code]) != value):
        band = next(b for b in rule.bands if abs(b.points - value) < 1e-9)
        measured[code] = _inside(band, seed)


def quarters(tree: CriteriaTree | None = None) -> list[tuple[str, str, dict, dict]]:
    """(commune, quarter, points, measured) of every interim self-assessment.

    The plan's changes are taken one level at a time, in the plan's order: by the end of quarter q, the first
    ⌊S·q/4⌋ of its S steps are done (so some remain at Q3); one criterion outside the plan rises a level in Q2,
    and one at its maximum slips a level in Q3.
    """
    tree = tree or load_criteria("illustrative-commune")
    out = []
    for k, final in enumerate(illustrative_units()):
        start = {c: final.appraised.get(c, p) for c, p in final.self_points.items()}
        measured = dict(final.measured)
        plan = criteria_lift(UnitCriteria.build(tree, start, measured=measured), target=80.0).criteria
        steps = []  # (code, points) one level at a time
        for code, to in zip(plan["code"], plan["to_points"], strict=True):
            levels = tree.levels(code) or [to]
            steps += [(code, v) for v in levels if start[code] < v <= to]
        rng = random.Random(2025 + k)
        scored = [leaf for leaf in tree.leaves() if leaf.component not in ("BONUS", "PENALTY")]
        planned = set(plan["code"])
        below = [leaf.code for leaf in scored if start[leaf.code] < leaf.max_points and leaf.code not in planned
                 and leaf.rule.kind != "free"]
        at_top = [leaf.code for leaf in scored if start[leaf.code] == leaf.max_points and leaf.rule.kind != "free"]
        rises = rng.choice(below) if below else None
        slips = rng.choice(at_top) if at_top else None
        points, values = dict(start), dict(measured)
        for q, quarter in enumerate(QUARTERS, start=1):
            for i, (code, to) in enumerate(steps[: len(steps) * q // 4]):
                _set(tree, points, values, code, float(to), 10 * k + i)
            if q == 2 and rises:
                up = next(v for v in tree.levels(rises) if v > points[rises])
                _set(tree, points, values, rises, float(up), 99 + k)
            if q == 3 and slips:
                _set(tree, points, values, slips, float(tree.levels(slips)[-2]), 199 + k)
            out.append((final.unit, quarter, dict(points), dict(values)))
    return out


def _text(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def write_illustrative_quarters(path: Path) -> Path:
    """Write the shipped file (run once; the tool never rewrites data/raw)."""
    tree = load_criteria("illustrative-commune")
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(LONG_HEADER)
        for unit, quarter, points, measured in quarters(tree):
            for leaf in tree.leaves():
                value = measured.get(leaf.code)
                unit_word = "%" if leaf.rule.kind == "bands" and leaf.rule.unit == "%" else ""
                writer.writerow([unit, str(YEAR), quarter, leaf.code, leaf.name_vi, _text(leaf.max_points),
                                 _text(points[leaf.code]), "", "" if value is None else _text(value) + unit_word,
                                 ""])
    return path
