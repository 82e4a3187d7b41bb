"""Read and validate large tidy tables: time and peak memory of ``standardise`` on synthetic communes.

Run: ``.venv/bin/python benchmarks/bench_readers.py [--rows 1000000]`` (or ``make bench``). Each size is
written with the csv module (made-up communes, labelled illustrative in the file name), then read in a
fresh process so that its peak resident memory is the reader's alone. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from parindex_lib.readers import read_file

CODES = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "SIPAS", "TOTAL"]
PERIODS = ["Q1", "Q2", "Q3", "Q4", "FY"]

_CHILD = """
import resource, sys, time
from parindex_lib.standardise import standardise
start = time.perf_counter()
result = standardise([sys.argv[1]])
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(len(result.scores), f"{elapsed:.2f}", f"{peak:.0f}")
"""


def write_tidy(path: Path, rows: int) -> None:
    """``rows`` tidy rows: communes × 2 years × 5 periods × 10 components, values written as Excel does."""
    per_unit = 2 * len(PERIODS) * len(CODES)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["unit", "level", "year", "period", "component", "kind", "value_pct"])
        for u in range(-(-rows // per_unit)):
            for year in (2023, 2024):
                for period in PERIODS:
                    for i, code in enumerate(CODES):
                        value = (u * 7 + i * 13 + year) % 10000 / 100
                        writer.writerow([f"Xã {u:05d}", "commune", year, period, code, "actual",
                                         f"{value:.2f}%".replace(".", ",")])


def zip_bomb(path: Path, expanded_mb: int = 250) -> Path:
    """A 0,3 MB ``.xlsx`` whose sheet would expand to ``expanded_mb`` MB (as a hostile or broken file can)."""
    import zipfile

    from openpyxl import Workbook

    Workbook().save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (expanded_mb * 2**20))
    return path


def time_refusal(path: Path) -> float:
    start = time.perf_counter()
    problems = read_file(path).problems
    assert problems and "would expand" in problems[0].expected
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    print("| tidy rows | file (MB) | read + validate (s) | peak memory (MB) |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            path = Path(tmp) / f"illustrative_communes_{rows}.csv"
            write_tidy(path, rows)
            out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                                 check=True).stdout.split()
            print(f"| {int(out[0]):,} | {path.stat().st_size / 2**20:.1f} | {out[1]} | {out[2]} |")
        bomb = zip_bomb(Path(tmp) / "bomb.xlsx")
        print(f"\nAn .xlsx of {bomb.stat().st_size / 2**20:.2f} MB expanding to 250 MB: refused in "
              f"{1000 * time_refusal(bomb):.1f} ms")


if __name__ == "__main__":
    main()
