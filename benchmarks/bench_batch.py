"""The batch at commune scale: the naive loop, the previous design and ``parindex run``, in the same run.

Synthetic provinces (made up, labelled ILLUSTRATIVE in their file name and on every page:
``benchmarks/synthetic.py``) of 100 and 1 000 communes, each scored in points, 2023 and 2024:

* **naive** — the shell loop a user would write: ``papermill`` then ``jupyter nbconvert`` per page, on a
  sample of communes;
* **previous** — the design before warm kernels: a new kernel per page (papermill's default), every page
  reading and validating the whole table and computing the rank intervals of all peers itself; local
  processes, on a sample;
* **parindex run** — warm kernels, work done once per run; every commune, local processes; and the same
  with ``--executor dask`` on a LocalCluster (100 communes);
* **at 3 321 communes** — ``run`` on a sample of communes (every page still sees all 3 321: the table,
  the peer groups, the index), for the cost of one page at that scale, and the run's own (client) work
  measured on all 3 321 without the pages;
* **standardise** on 3 321 communes × 10 components × 8 periods.

Run: ``.venv/bin/python benchmarks/bench_batch.py`` (about 30 minutes on 2 cores); prints Markdown.
CPU-seconds are those of the run's processes and their kernels (``getrusage``), divided by the pages;
a page's seconds are its time in its worker (kernel and render: on an idle core, its CPU time). Peak
memory is given for the process that runs the batch and for the largest worker or kernel. The
projection for 3 321 communes adds the run's own work at that scale (measured, pages skipped) to the
median page time at that scale × 13 284 pages ÷ cores.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import multiprocessing as mp
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import PERIODS_8, make_province  # noqa: E402

from parindex_lib.config import NOTEBOOKS_DIR  # noqa: E402
from parindex_lib.present.pages import PAGES  # noqa: E402

# Each design below runs in a fresh process (in_child) and imports the rest of the project inside its own
# function: what it loads is counted in its figures, as a user's run pays it.

BIN = Path(sys.executable).parent
COMMUNES_AT_SCALE = 3321


def usage() -> tuple[float, float, float]:
    """(CPU-seconds so far of this process and its reaped descendants, this process's peak RSS in MB, the
    largest peak RSS of any reaped descendant — a worker or a kernel — in MB)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime, me.ru_maxrss / 1024, kids.ru_maxrss / 1024)


def in_child(fn, *args):
    """Run ``fn(*args)`` in a fresh process: (result, wall s, CPU s, its peak MB, its workers' peak MB)."""
    ctx = mp.get_context("spawn")
    with cf.ProcessPoolExecutor(1, mp_context=ctx) as pool:
        return pool.submit(_measured, fn, *args).result()


def _measured(fn, *args):
    start, (cpu0, _, _) = time.perf_counter(), usage()
    result = fn(*args)
    wall = time.perf_counter() - start
    cpu, peak, peak_workers = usage()
    return result, wall, cpu - cpu0, peak, peak_workers


def prepare(work: Path, n: int) -> tuple[Path, Path, list[str]]:
    from parindex_lib.standardise import standardise, write_processed

    raw = work / "raw"
    units = make_province(raw, n)
    processed = work / "processed"
    write_processed(standardise(None, raw), processed, raw_dir=raw)
    return raw, processed, units


# -- the three designs ---------------------------------------------------------------------------------
def naive(raw: Path, processed: Path, units: list[str], work: Path) -> int:
    """The shell loop: papermill then nbconvert, one page at a time."""
    for unit in units:
        for name in PAGES.values():
            out = work / "naive" / f"{unit}-{name}.ipynb"
            out.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([BIN / "papermill", NOTEBOOKS_DIR / f"{name}.ipynb", out, "-k", "parindex",
                            "-p", "unit", unit, "-p", "level", "commune", "-p", "scores_path",
                            processed / "scores.csv", "-p", "tasks_path", processed / "tasks.csv", "-p", "raw_dir",
                            raw, "--cwd", NOTEBOOKS_DIR], check=True, capture_output=True)
            subprocess.run([BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", out],
                           check=True, capture_output=True)
    return 4 * len(units)


def _previous_page(args) -> None:
    import papermill

    from parindex_lib.present.html import render_html

    notebook, out, parameters = args
    papermill.execute_notebook(str(notebook), str(out), parameters=parameters, kernel_name="parindex",
                               cwd=str(NOTEBOOKS_DIR), progress_bar=False,
                               extra_arguments=["--IPKernelApp.log_level=ERROR"])
    render_html(out, out.with_suffix(".html"), "vi")


def previous(raw: Path, processed: Path, units: list[str], work: Path, workers: int) -> int:
    """The design before: a new kernel per page, each page doing all its own work (no run-wide tables)."""
    jobs = [(NOTEBOOKS_DIR / f"{name}.ipynb", work / "previous" / f"{i}-{name}.ipynb",
             {"unit": u, "level": "commune", "scores_path": str(processed / "scores.csv"),
              "tasks_path": str(processed / "tasks.csv"), "raw_dir": str(raw)})
            for i, u in enumerate(units) for name in PAGES.values()]
    (work / "previous").mkdir(parents=True, exist_ok=True)
    with cf.ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        list(pool.map(_previous_page, jobs))
    return len(jobs)


def ours(raw: Path, work: Path, units: list[str] | None, executor: str, workers: int) -> dict:
    from parindex_lib.batch.run import run_batch

    summary = run_batch(overrides={"year": "2024"}, units=units, raw_dir=raw, out_dir=work / f"reports-{executor}",
                        processed_dir=work / f"processed-{executor}", progress=False, workers=workers,
                        executor=executor, level="commune")
    assert summary.ok, summary.describe()
    seconds = sorted(o.seconds for o in summary.outcomes)
    by_page = {}
    for o in summary.outcomes:
        by_page.setdefault(o.task.page, []).append(o.seconds)
    return {"pages": len(seconds), "page_s_median": round(seconds[len(seconds) // 2], 2),
            "page_s_max": round(seconds[-1], 2),
            "page_s_mean_by_page": {k: round(sum(v) / len(v), 2) for k, v in by_page.items()}}


def client_only(raw: Path, work: Path) -> dict:
    """The run's own work at scale (plan, rank intervals, index.html, workbook), with the pages skipped."""
    from parindex_lib.batch import execute
    from parindex_lib.batch.executors import PageResult
    from parindex_lib.batch.run import run_batch

    def instant(jobs, on_result, **_):
        for job in jobs:
            on_result(PageResult(job.key, True, html=b"<html></html>", ipynb=b"{}"))

    execute.run_jobs = instant
    start = time.perf_counter()
    summary = run_batch(overrides={"year": "2024"}, raw_dir=raw, out_dir=work / "reports-client",
                        processed_dir=work / "processed-client", progress=False, level="commune")
    return {"pages": len(summary.outcomes), "wall": time.perf_counter() - start}


def page_context(n: int, sample: int = 24, repeats: int = 3) -> dict:
    """A page's context (``pages.build``) built as a page did before the run stored its indices (reading the
    appendix's tasks and building the unit's index) and as it does now (taking the run's index), at ``n``
    communes; with the cost of reading the run's indices once per kernel. Median ms over sampled communes."""
    from parindex_lib.batch.plan import make_plan
    from parindex_lib.batch.prepare import prepare as prepare_run
    from parindex_lib.model.index_store import load_indices
    from parindex_lib.present import pages

    work = Path(tempfile.mkdtemp(prefix=f"parindex-bench-build-{n}-"))
    try:
        units = make_province(work / "raw", n)
        plan = make_plan(overrides={"year": "2024"}, raw_dir=work / "raw", out_dir=work / "reports",
                         processed_dir=work / "processed", level="commune")
        prepare_run(plan)
        given = {k: plan.params[k] for k in ("scores_path", "tasks_path", "raw_dir", "peers_path", "year",
                                             "period")} | {"target": 80.0, "bound": "ge", "scheme": "",
                                                           "lang": "vi", "level": "commune"}
        start = time.perf_counter()
        load_indices(plan.indices_path)
        load_ms = 1000 * (time.perf_counter() - start)
        timings = {"rebuilt": [], "stored": []}
        for unit in units[:: max(1, n // sample)][:sample]:
            for how, path in (("rebuilt", ""), ("stored", str(plan.indices_path))):
                best = float("inf")
                for _ in range(repeats):
                    start = time.perf_counter()
                    pages.build(unit=unit, indices_path=path, **given)
                    best = min(best, time.perf_counter() - start)
                timings[how].append(1000 * best)
        median = {how: sorted(v)[len(v) // 2] for how, v in timings.items()}
        size_mb = plan.indices_path.stat().st_size / 1e6
        return {"what": f"a page's context at {n} communes", "communes": n,
                "build_ms_before": round(median["rebuilt"], 1), "build_ms_now": round(median["stored"], 1),
                "saved_ms_per_page": round(median["rebuilt"] - median["stored"], 1),
                "indices_file_mb": round(size_mb, 1), "indices_read_once_per_kernel_ms": round(load_ms)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def standardise_at_scale(work: Path) -> int:
    from parindex_lib.standardise import standardise, write_processed

    raw = work / "raw-std"
    make_province(raw, COMMUNES_AT_SCALE, PERIODS_8)
    result = standardise(None, raw)
    write_processed(result, work / "processed-std", raw_dir=raw)
    return len(result.scores)


# -- report --------------------------------------------------------------------------------------------
def row(what: str, n: int, result, wall: float, cpu: float, peak: float, peak_workers: float) -> dict:
    detail = result if isinstance(result, dict) else {"pages": result}
    pages = detail["pages"]
    return {"what": what, "communes": n, "wall_s": round(wall, 1), "pages_per_s": round(pages / wall, 3),
            "cpu_s_per_page": round(cpu / pages, 2), "peak_mb_run": round(peak),
            "peak_mb_worker_or_kernel": round(peak_workers), **detail}


class _Skip(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--sample", type=int, default=4,
                        help="communes run by the naive loop and the previous design")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-scale", action="store_true", help="skip the 3 321-commune part")
    parser.add_argument("--page-context", action="store_true",
                        help="only a page's context with and without the run's indices (100, 1 000, 3 321 communes)")
    args = parser.parse_args()
    if args.page_context:
        print("| communes | a page's context before (ms) | now (ms) | saved per page (ms) | indices file (MB) | "
              "read once per kernel (ms) |")
        print("|---:|---:|---:|---:|---:|---:|")
        for n in (100, 1000, COMMUNES_AT_SCALE):
            r = in_child(page_context, n)[0]
            print(f"| {n} | {r['build_ms_before']} | {r['build_ms_now']} | {r['saved_ms_per_page']} | "
                  f"{r['indices_file_mb']} | {r['indices_read_once_per_kernel_ms']} |", flush=True)
        return
    results = []
    for n in args.communes:
        work = Path(tempfile.mkdtemp(prefix=f"parindex-bench-{n}-"))
        try:
            raw, processed, units = prepare(work, n)
            sample = units[:: max(1, n // args.sample)][: args.sample]
            for what, fn, fargs in (
                ("naive loop (sample)", naive, (raw, processed, sample, work)),
                ("previous design (sample)", previous, (raw, processed, sample, work, args.workers)),
                ("parindex run, local", ours, (raw, work, None, "local", args.workers)),
                *([("parindex run, dask LocalCluster", ours, (raw, work, None, "dask", args.workers))]
                  if n <= 100 else []),
            ):
                results.append(row(what, n, *in_child(fn, *fargs)))
                print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    work = Path(tempfile.mkdtemp(prefix="parindex-bench-scale-"))
    try:
        if args.no_scale:
            raise _Skip
        raw, processed, units = prepare(work, COMMUNES_AT_SCALE)
        sample = units[:: COMMUNES_AT_SCALE // 8][:8]
        results.append(row("parindex run, local, 8 of 3 321 communes", COMMUNES_AT_SCALE,
                           *in_child(ours, raw, work, sample, "local", args.workers)))
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        client, wall, cpu, peak, _ = in_child(client_only, raw, work)
        results.append({"what": "the run's own work at 3 321 communes (pages skipped)", "communes": COMMUNES_AT_SCALE,
                        "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_mb_run": round(peak)})
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        rows, wall, cpu, peak, _ = in_child(standardise_at_scale, work)
        results.append({"what": "standardise 3 321 × 10 × 8", "rows": rows, "wall_s": round(wall, 1),
                        "peak_mb_run": round(peak)})
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        pages_at_scale = 4 * COMMUNES_AT_SCALE
        per_page, own_work = results[-3]["page_s_median"], results[-2]["wall_s"]
        for cores in (2, 16, 64):
            minutes = (own_work + pages_at_scale * per_page / cores) / 60
            results.append({"what": f"projected: 3 321 communes × 4 pages on {cores} cores",
                            "wall_s": round(60 * minutes), "minutes": round(minutes, 1)})
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    except _Skip:
        pass
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print("| what | communes | pages | wall (s) | pages/s | CPU-s/page | page s (median, max) | peak MB: run, "
          "worker or kernel |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        seconds = f"{r['page_s_median']}, {r['page_s_max']}" if "page_s_max" in r else ""
        peaks = ", ".join(str(r[k]) for k in ("peak_mb_run", "peak_mb_worker_or_kernel") if k in r)
        print(f"| {r['what']} | {r.get('communes', '')} | {r.get('pages', '')} | {r['wall_s']} | "
              f"{r.get('pages_per_s', '')} | {r.get('cpu_s_per_page', '')} | {seconds} | {peaks} |")


if __name__ == "__main__":
    main()
