"""Criteria at commune scale: a made-up tree of 90 sub-criteria × 3 321 communes rolled up, lost and lifted, and
what criteria cost a page.

The tree, the scheme and the communes are made up (``benchmarks/synthetic.py``; their files are named
``illustrative_synthetic_*`` and every page says so): 8 areas (C1…C8), 37 criteria, 90 sub-criteria with every
kind of rule, SIPAS from a survey (held when lifting).

1. **Roll-up**: ``standardise`` of the communes' long-form self-assessment (298 890 rows read, checked against
   the tree, rolled up into component rows), in a fresh process: time and peak memory.
2. **Per commune**: a unit's criterion points from the criteria table, the points lost per criterion and the
   criterion lift to 80% (``scipy.optimize.milp``) for every commune: median and slowest ms, the total, and the
   peak memory of the process doing all 3 321.
3. **A page with criteria against one without**: a sample of the communes prepared as ``parindex run`` prepares
   them twice — scored by criteria, then with the very same component rows given as plain scores (no criteria
   table) — and each page executed and rendered as a run's worker does it, in one warm kernel holding both
   tables, the two kinds alternated page by page so that a busy machine slows both alike: each page's seconds
   (median per page, and over all pages).

Run: ``.venv/bin/python benchmarks/bench_criteria.py`` (about 15 minutes on 2 cores; ``--parts 3`` for the pages
only); prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_batch import in_child  # noqa: E402
from synthetic import criteria_spec, make_criteria_province, write_criteria_scheme  # noqa: E402

COMMUNES_AT_SCALE = 3321


def _tree():
    from parindex_lib.model.criteria import tree_from_spec

    return tree_from_spec(criteria_spec(90), "synthetic")


def roll_up(raw: Path, processed: Path) -> dict:
    """standardise: read the self-assessments, check them against the tree, roll them up."""
    from parindex_lib.standardise import standardise, write_processed

    result = standardise(None, raw)
    write_processed(result, processed, raw_dir=raw)
    return {"criteria_rows": len(result.criteria), "score_rows": len(result.scores)}


def per_commune(processed: Path) -> dict:
    """For every commune: its criterion points, points lost, and the criterion lift (with its index)."""
    from parindex_lib.analyses.criteria import UnitCriteria, criteria_table
    from parindex_lib.analyses.criteria_lift import criteria_lift
    from parindex_lib.analyses.criteria_lost import points_lost
    from parindex_lib.model.index import PARIndex
    from parindex_lib.standardise import load_scores

    scores = load_scores(processed / "scores.csv")
    start = time.perf_counter()
    table = criteria_table(processed / "criteria.csv")
    UnitCriteria.points_in(table, "")
    read_s = time.perf_counter() - start
    timings = {"points": [], "lost": [], "lift": []}
    moved, feasible = [], 0
    units = sorted(set(table["unit"]))
    for unit in units:
        index = PARIndex.from_scores(scores, unit, 2024, level="commune", target=80.0)
        t0 = time.perf_counter()
        uc = UnitCriteria.from_table(table, unit, 2024, "FY", "commune")
        t1 = time.perf_counter()
        points_lost(uc, index)
        t2 = time.perf_counter()
        result = criteria_lift(uc, index)
        t3 = time.perf_counter()
        timings["points"].append(t1 - t0)
        timings["lost"].append(t2 - t1)
        timings["lift"].append(t3 - t2)
        feasible += result.feasible
        moved.append(len(result.criteria))
    out = {"units": len(units), "table_read_s": round(read_s, 2), "feasible": feasible,
           "criteria_moved_median": statistics.median(moved), "criteria_moved_max": max(moved)}
    for key, values in timings.items():
        ms = sorted(1000 * v for v in values)
        out |= {f"{key}_ms_median": round(ms[len(ms) // 2], 1), f"{key}_ms_max": round(ms[-1], 1),
                f"{key}_s_total": round(sum(ms) / 1000, 1)}
    return out


def plain_scores(processed: Path, raw: Path) -> None:
    """The same communes without criteria: their rolled-up component rows written as a plain score table."""
    import csv

    from parindex_lib.standardise import load_scores

    raw.mkdir(parents=True, exist_ok=True)
    scores = load_scores(processed / "scores.csv")
    with (raw / "illustrative_synthetic_scores.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["unit", "level", "year", "period", "component", "kind", "value_pct", "points", "max_points",
                      "source"])
        for r in scores.itertuples():
            if r.component == "TOTAL":
                continue
            out.writerow([r.unit, r.level, r.year, r.period, r.component, r.kind, f"{r.value_pct:.6f}%",
                          "" if r.points != r.points else f"{r.points:.6f}",
                          "" if r.max_points != r.max_points else f"{r.max_points:g}",
                          "ILLUSTRATIVE, NOT REAL: made-up communes for the benchmarks"])


def paired_pages(raw: Path, plain_raw: Path, work: Path, units: list[str], rounds: int) -> dict:
    """Each page of ``units`` with criteria and without, in one warm kernel, alternated page by page (so a busy
    machine slows both alike): the tables and the run-wide work prepared as ``parindex run`` prepares them
    (standardised, peer ranks, indices), then each page executed and rendered as a run's worker does it
    (:func:`parindex_lib.batch.executors.run_page`); every page's seconds."""
    from parindex_lib.batch.execute import plan_tasks
    from parindex_lib.batch.executors import PageJob, run_page
    from parindex_lib.batch.plan import make_plan
    from parindex_lib.batch.prepare import prepare

    jobs = {}
    for tag, folder in (("criteria", raw), ("plain", plain_raw)):
        if tag == "plain":  # the very same component rows, as a plain score table
            plain_scores(work / "processed-criteria", folder)
        plan = make_plan(overrides={"year": "2024"}, units=units, raw_dir=folder, out_dir=work / f"reports-{tag}",
                         processed_dir=work / f"processed-{tag}", level="commune")
        prepare(plan)
        jobs[tag] = {(t.unit, t.page): PageJob(f"{t.slug}/{t.page}", t.notebook.name,
                                               t.notebook.read_text(encoding="utf-8"), t.parameters, "vi", False,
                                               str(t.notebook.parent))
                     for t in plan_tasks(plan, work / f"stage-{tag}")}
    seconds: dict[str, dict[str, list[float]]] = {"criteria": {}, "plain": {}}
    for round_ in range(rounds):
        for key in jobs["criteria"]:
            for tag in (("criteria", "plain") if round_ % 2 == 0 else ("plain", "criteria")):
                result = run_page(jobs[tag][key])
                assert result.ok, result.error
                seconds[tag].setdefault(key[1], []).append(result.seconds)
    out = {}
    for tag, by_page in seconds.items():
        every = [s for v in by_page.values() for s in v]
        out[tag] = {"pages": len(every), "page_s_median": round(statistics.median(every), 3),
                    "page_s_mean": round(statistics.fmean(every), 3),
                    "by_page": {k: round(statistics.median(v), 3) for k, v in sorted(by_page.items())}}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=COMMUNES_AT_SCALE)
    parser.add_argument("--sample", type=int, default=8, help="communes whose pages are run (part 3)")
    parser.add_argument("--rounds", type=int, default=2, help="times each page is run in part 3")
    parser.add_argument("--parts", default="1,2,3", help="which parts to run (1 roll-up, 2 per commune, 3 pages)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parindex-bench-criteria-"))
    os.environ["PARINDEX_SCHEMES"] = str(write_criteria_scheme(work / "schemes"))
    results = {}
    parts = set(args.parts.split(","))
    try:
        raw = work / "raw"
        units = make_criteria_province(raw, _tree(), args.communes)
        if parts & {"1", "2"}:
            result, wall, cpu, peak, _ = in_child(roll_up, raw, work / "processed")
            results["roll_up"] = {**result, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
                                  "peak_mb": round(peak)}
            print(json.dumps(results["roll_up"]), flush=True)
        if "2" in parts:
            result, wall, cpu, peak, _ = in_child(per_commune, work / "processed")
            results["per_commune"] = {**result, "wall_s": round(wall, 1), "peak_mb": round(peak)}
            print(json.dumps(results["per_commune"]), flush=True)
        if "3" in parts:
            sample = units[:: max(1, len(units) // args.sample)][: args.sample]
            result, wall, _, peak, _ = in_child(paired_pages, raw, work / "raw-plain", work, sample, args.rounds)
            results |= result
            results["pages_run"] = {"wall_s": round(wall, 1), "peak_mb": round(peak)}
            print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if "per_commune" in results:
        _print_scale(results["roll_up"], results["per_commune"])
    if "criteria" in results:
        _print_pages(results["criteria"], results["plain"])


def _print_scale(r: dict, p: dict) -> None:
    print()
    print("| what | time | peak memory (MB) |")
    print("|---|---:|---:|")
    print(f"| standardise: {r['criteria_rows']} criteria rows read, checked, rolled up | {r['wall_s']} s | "
          f"{r['peak_mb']} |")
    print(f"| criteria table read once | {p['table_read_s']} s | |")
    for key, what in (("points", "a unit's criterion points"), ("lost", "points lost per criterion"),
                      ("lift", "criterion lift (milp)")):
        print(f"| {what}, per commune (median, slowest) | {p[key + '_ms_median']} ms, {p[key + '_ms_max']} ms | |")
    print(f"| all {p['units']} communes: points, lost and lift | "
          f"{round(p['points_s_total'] + p['lost_s_total'] + p['lift_s_total'], 1)} s | {p['peak_mb']} |")


def _print_pages(c: dict, n: dict) -> None:
    print()
    print("| page | with criteria (s) | without (s) | more |")
    print("|---|---:|---:|---:|")
    for page in c["by_page"]:
        a, b = c["by_page"][page], n["by_page"][page]
        print(f"| {page} | {a} | {b} | {100 * (a / b - 1):+.0f}% |")
    print(f"| every page (median) | {c['page_s_median']} | {n['page_s_median']} | "
          f"{100 * (c['page_s_median'] / n['page_s_median'] - 1):+.0f}% |")


if __name__ == "__main__":
    main()
