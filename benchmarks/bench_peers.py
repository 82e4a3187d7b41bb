"""Time and peak memory of the peer-group computations at commune scale (3 321 made-up communes).

Run: ``.venv/bin/python benchmarks/bench_peers.py [--communes 3321]``. Prints a Markdown table. The communes are
the made-up province of ``benchmarks/synthetic.py`` (ILLUSTRATIVE, NOT REAL): nine components in points against
made-up maxima, 2023 and 2024.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import MAXIMA, make_province  # noqa: E402

from parindex_lib.analyses import peers  # noqa: E402
from parindex_lib.standardise import standardise  # noqa: E402


def measure(fn, repeat: int = 3) -> tuple[float, float, object]:
    """(best seconds of ``repeat`` runs, peak MB allocated during one run, the result)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 2**20, result


def criteria_table(group: peers.PeerGroup, rng: np.random.Generator, per_component: int = 5) -> pd.DataFrame:
    """A made-up criteria table for the group's units (its scored rows): ``per_component`` criteria per component,
    each unit's points drawn between half and all of each criterion's maximum (ILLUSTRATIVE, NOT REAL)."""
    criteria = [(f"{k}.{j}", code, MAXIMA[code] / per_component) for k, code in enumerate(MAXIMA, start=1)
                for j in range(1, per_component + 1)]
    n = len(group.units)
    units = np.repeat(np.array(group.units, dtype=object), len(criteria))
    code = np.tile(np.array([c[0] for c in criteria], dtype=object), n)
    component = np.tile(np.array([c[1] for c in criteria], dtype=object), n)
    maximum = np.tile(np.array([c[2] for c in criteria], dtype=float), n)
    points = (maximum * rng.uniform(0.5, 1.0, len(maximum)) * 4).round() / 4
    return pd.DataFrame({"unit": units, "level": "commune", "year": group.year, "period": group.period,
                         "criterion": code, "leaf": True, "scheme": "synthetic", "component": component,
                         "area": [c.split(".")[0] for c in code], "name_vi": code, "name_en": code,
                         "max_points": maximum, "points": points})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=3321)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        make_province(Path(folder), args.communes)
        scores = standardise([Path(folder) / "illustrative_synthetic_communes.csv"]).scores
    rng = np.random.default_rng(0)
    codes = list(MAXIMA)
    actions = pd.DataFrame({"action": [f"a{i}" for i in range(3 * len(codes))],
                            "component": [c for c in codes for _ in range(3)],
                            "gain": rng.uniform(2, 12, 3 * len(codes)).round(1),
                            "cost": rng.integers(1, 20, 3 * len(codes)).astype(float)})
    group = peers.build_group(scores, "commune", 2024)
    below = int((~peers.league_table(group)["meets"]).sum())
    more = min(500, below // 2)
    some = min(200, below // 4)
    rows = [
        ("build the group's tables (from the tidy table)", *measure(lambda: peers.build_group(scores, "commune",
                                                                                            2024))[:2]),
        ("league table (ranks, change, bands)", *measure(lambda: peers.league_table(group))[:2]),
        ("distribution (total and 9 components)", *measure(lambda: peers.distribution(group))[:2]),
        ("losses (points and units below)", *measure(lambda: peers.losses(group))[:2]),
        ("below target and movers", *measure(lambda: (peers.below_target(group), peers.movers(group)))[:2]),
    ]
    table = criteria_table(group, rng)
    what = f"criteria losses ({table['criterion'].nunique()} criteria, {len(table)} rows of the criteria table)"
    rows.append((what, *measure(lambda: peers.criteria_losses(group, table))[:2]))
    lifts = [
        (f"group lift, gap, every unit that can ({below} below)", lambda: peers.group_lift(group)),
        (f"group lift, gap, {more} more units",
         lambda: peers.group_lift(group, n_units=len(group.units) - below + more)),
        ("group lift, gap, mean to 80%", lambda: peers.group_lift(group, goal="mean", mean_target=80.0)),
        ("group lift, linear, every unit that can", lambda: peers.group_lift(group, "linear",
                                                                            costs=dict.fromkeys(codes, 1.0))),
        (f"group lift, actions (27 in the catalogue), {some} more units",
         lambda: peers.group_lift(group, "actions", actions=actions, n_units=len(group.units) - below + some)),
    ]
    for name, fn in lifts:
        seconds, peak, res = measure(fn, repeat=1 if "actions" in name else 3)
        rows.append((f"{name}: {res.units_after} units meet, {len(res.changes)} changes", seconds, peak))
    print(f"{len(group.units)} communes, {len(scores)} tidy rows\n")
    print("| what | best time (s) | peak MB allocated |\n|---|---:|---:|")
    for name, seconds, peak in rows:
        print(f"| {name} | {seconds:.3f} | {peak:.1f} |")


if __name__ == "__main__":
    main()
