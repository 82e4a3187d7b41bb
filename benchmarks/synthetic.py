"""Made-up provinces of communes for the benchmarks: ILLUSTRATIVE, NOT REAL.

Each commune is scored in points against made-up maxima (summing to 100, as provincial commune
schemes often do), with a reported total and its rank among the province's communes. The file's
name contains "illustrative", so every table and page built from it says that it is made up.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

#: Made-up maximum points of a commune scheme (they sum to 100).
MAXIMA = {"C1": 9, "C2": 7, "C3": 12, "C4": 8, "C5": 12, "C6": 9, "C7": 12, "C8": 13, "SIPAS": 18}
PERIODS_8 = [(y, p) for y in (2023, 2024) for p in ("Q1", "Q2", "Q3", "FY")]


def commune_names(n: int) -> list[str]:
    return [f"Xã Mẫu {i + 1:04d}" for i in range(n)]


def make_province(folder: Path, n_communes: int, periods: list[tuple[int, str]] | None = None,
                  seed: int = 42) -> list[str]:
    """Write ``illustrative_synthetic_communes.csv`` into ``folder``: ``n_communes`` communes × 10 rows
    (eight components, SIPAS and the total) × ``periods`` (default 2023 FY and 2024 FY), and 2025 targets.

    Returns the communes' names.
    """
    periods = periods or [(2023, "FY"), (2024, "FY")]
    rng = np.random.default_rng(seed)
    names = commune_names(n_communes)
    codes = list(MAXIMA)
    maxima = np.array([MAXIMA[c] for c in codes], dtype=float)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "illustrative_synthetic_communes.csv"
    source = "ILLUSTRATIVE, NOT REAL: made-up communes for the benchmarks"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["unit", "level", "year", "period", "component", "kind", "value_pct", "points", "max_points",
                      "rank", "rank_of", "lead_units", "source"])
        base = rng.uniform(0.45, 0.95, size=(n_communes, len(codes)))
        for k, (year, period) in enumerate(periods):
            share = np.clip(base + rng.normal(0.01 * k, 0.03, size=base.shape), 0.2, 1.0)
            points = np.round(share * maxima, 2)
            totals = points.sum(axis=1)
            ranks = (-totals).argsort().argsort() + 1
            for i, unit in enumerate(names):
                for j, code in enumerate(codes):
                    pct = 100 * points[i, j] / maxima[j]
                    out.writerow([unit, "commune", year, period, code, "actual", _vn(pct) + "%", _vn(points[i, j]),
                                  f"{MAXIMA[code]}", "", "", "Văn phòng UBND xã", source])
                out.writerow([unit, "commune", year, period, "TOTAL", "actual", _vn(totals[i]) + "%", "", "",
                              ranks[i], n_communes, "", source])
        last = max(y for y, _ in periods)
        for unit in names:
            for code in codes:
                out.writerow([unit, "commune", last + 1, "FY", code, "target", f"Trên {rng.integers(60, 95)}%", "",
                              "", "", "", "", source])
            out.writerow([unit, "commune", last + 1, "FY", "TOTAL", "target", "Trên 80%", "", "", "", "", "", source])
    return names


def _vn(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")
