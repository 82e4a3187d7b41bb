"""Time the optimiser (each cost model; 9 components; a 500-action catalogue) and the Monte Carlo.

Run: ``.venv/bin/python benchmarks/bench_analyses.py`` (or ``make bench``). Prints a Markdown table.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from parindex_lib.analyses import lift, weighting
from parindex_lib.model.index import PARIndex
from parindex_lib.standardise import standardise


def best_of(fn, repeat: int = 7) -> float:
    """The fastest of ``repeat`` runs, in milliseconds (the least disturbed by the machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def main() -> None:
    scores = standardise().scores
    idx = PARIndex.from_scores(scores, "Tam Đường", 2023)
    rng = np.random.default_rng(0)
    costs = dict(zip(idx.components, rng.uniform(0.5, 3, len(idx.components)), strict=True))
    actions = pd.DataFrame({
        "action": [f"a{i}" for i in range(500)],
        "component": rng.choice(idx.components, 500),
        "gain": rng.uniform(0.5, 6, 500).round(2),
        "cost": rng.uniform(1, 20, 500).round(1),
        "lead_units": None, "deadline": None,
    })
    rows = [
        ("lift, gap model (9 components)", best_of(lambda: lift.lift(idx, "gap"))),
        ("lift, linear model (9 components)", best_of(lambda: lift.lift(idx, "linear", costs=costs))),
        ("lift, actions model (500 actions, MILP)", best_of(lambda: lift.lift(idx, "actions", actions=actions), 3)),
        ("Monte Carlo, 100 000 draws, 1 unit", best_of(lambda: weighting.weight_sensitivity(idx, draws=100_000))),
        ("Monte Carlo, 1 000 000 draws, 1 unit", best_of(lambda: weighting.weight_sensitivity(idx, draws=1_000_000),
                                                         3)),
    ]
    peers = pd.DataFrame(rng.uniform(40, 100, (7, 9)), columns=idx.components, index=[f"peer {i}" for i in range(7)])
    rows.append(("Monte Carlo, 100 000 draws, 8 units with rank intervals",
                 best_of(lambda: weighting.weight_sensitivity(idx, draws=100_000, peers=peers), 3)))
    print("| what | best time (ms) |\n|---|---:|")
    for name, ms in rows:
        print(f"| {name} | {ms:,.1f} |")


if __name__ == "__main__":
    main()
