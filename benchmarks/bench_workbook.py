"""The run's workbook at commune scale: CPU time to build it (tables, formats, print setup, the summary chart) once
each unit's rows are prepared, its size, and the pages it prints to when LibreOffice is installed.

    .venv/bin/python benchmarks/bench_workbook.py --communes 100 1000 3321

Made-up communes (``synthetic.py``, ILLUSTRATIVE), one final result each with 2025 targets.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_province  # noqa: E402

from parindex_lib.model.index import PARIndex  # noqa: E402
from parindex_lib.present.workbook import build_workbook, unit_sheet_rows  # noqa: E402
from parindex_lib.standardise import standardise  # noqa: E402

PROVENANCE = {"inputs": [], "params": [], "version": "bench", "time": "-"}


def measure(n: int, work: Path, pdf: bool) -> dict:
    raw = work / f"raw-{n}"
    names = make_province(raw, n, [(2024, "FY")])
    scores = standardise(None, raw).scores
    indexes = [PARIndex.from_scores(scores, u, 2024, level="commune") for u in names]
    start = time.process_time()
    prepared = {(ix.unit, ix.level): unit_sheet_rows(ix, scores, "vi") for ix in indexes}
    rows_s = time.process_time() - start
    start = time.process_time()
    data = build_workbook(indexes, scores, "vi", 2024, "FY", PROVENANCE, [], prepared)
    build_s = time.process_time() - start
    out = {"communes": n, "unit_rows_s": round(rows_s, 2), "build_s": round(build_s, 2),
           "mb": round(len(data) / 2**20, 2)}
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if pdf and office:
        path = work / f"book-{n}.xlsx"
        path.write_bytes(data)
        subprocess.run([office, "--headless", f"-env:UserInstallation=file://{work}/lo", "--convert-to", "pdf",
                        "--outdir", str(work), str(path)], check=True, capture_output=True, timeout=1800)
        out["pdf_pages"] = len(re.findall(rb"/Type\s*/Page[^s]", (work / f"book-{n}.pdf").read_bytes()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, nargs="*", default=[100, 1000, 3321])
    parser.add_argument("--pdf", action="store_true", help="also print each workbook to PDF with LibreOffice")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parindex-bench-wb-") as tmp:
        for n in args.communes:
            print(measure(n, Path(tmp), args.pdf), flush=True)


if __name__ == "__main__":
    main()
