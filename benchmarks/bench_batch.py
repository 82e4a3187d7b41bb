"""Time the batch against the naive way a user would script it, in the same run.

Naive: a shell loop of ``papermill`` then ``jupyter nbconvert --to html`` per unit and notebook.
Ours: ``parindex_lib.runner.run_batch`` (one process pool over the machine's cores, one render per page).
Run: ``.venv/bin/python benchmarks/bench_batch.py [--units 1 8]``; prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from parindex_lib.config import NOTEBOOKS_DIR
from parindex_lib.pages import PAGES
from parindex_lib.runner import run_batch
from parindex_lib.standardise import standardise, write_processed

BIN = Path(sys.executable).parent


def make_raw(folder: Path, n_units: int) -> list[str]:
    """A raw folder of ``n_units`` synthetic communes (a tidy CSV), each with 2024 results and 2025 targets."""
    rng = np.random.default_rng(42)
    lines = ["unit,level,year,period,component,kind,value_pct,lead_units"]
    codes = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "SIPAS"]
    units = [f"Xã Mẫu {i + 1}" for i in range(n_units)]
    for unit in units:
        for c in codes:
            lines.append(f"{unit},commune,2024,FY,{c},actual,\"{rng.uniform(40, 99):.2f}%\",Văn phòng UBND xã")
            lines.append(f"{unit},commune,2025,FY,{c},target,\"Trên {rng.integers(60, 95)}%\",")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "communes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return units


def naive(raw: Path, units: list[str], work: Path) -> float:
    """The shell loop: papermill then nbconvert, one notebook at a time."""
    processed = work / "processed"
    write_processed(standardise(None, raw), processed)
    start = time.perf_counter()
    for unit in units:
        for name in PAGES.values():
            out = work / "naive" / f"{unit}-{name}.ipynb"
            out.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([BIN / "papermill", NOTEBOOKS_DIR / f"{name}.ipynb", out, "-k", "parindex",
                            "-p", "unit", unit, "-p", "year", "2025", "-p", "scores_path", processed / "scores.csv",
                            "-p", "tasks_path", processed / "tasks.csv", "-p", "raw_dir", raw, "--cwd", NOTEBOOKS_DIR],
                           check=True, capture_output=True)
            subprocess.run([BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", out],
                           check=True, capture_output=True)
    return time.perf_counter() - start


def ours(raw: Path, work: Path) -> float:
    start = time.perf_counter()
    summary = run_batch(overrides={"year": "2025"}, raw_dir=raw, out_dir=work / "reports",
                        processed_dir=work / "processed2", progress=False)
    assert summary.ok, summary.describe()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}\n")
    print("| units | pages | naive loop (s) | parindex run (s) | speed-up |\n|---:|---:|---:|---:|---:|")
    for n in args.units:
        work = Path(tempfile.mkdtemp(prefix="parindex-bench-"))
        try:
            units = make_raw(work / "raw", n)
            t_naive = naive(work / "raw", units, work)
            t_ours = ours(work / "raw", work)
            print(f"| {n} | {4 * n} | {t_naive:.1f} | {t_ours:.1f} | {t_naive / t_ours:.2f}× |", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
