"""The quarterly batch as one sequence: plan → lock → prepare → execute → promote → publish.

Each step is a room of its own: :mod:`~parindex_lib.batch.plan` (everything checked, nothing written),
:mod:`~parindex_lib.batch.publish` (the lock, staging and the atomic swap into place),
:mod:`~parindex_lib.batch.prepare` (the tables every page reads), :mod:`~parindex_lib.batch.execute`
(the pages on warm kernels, local or Dask) and :mod:`~parindex_lib.batch.outputs` (``index.html`` and
the workbook). A failure is reported with unit, notebook, cell and error; the other units go on; the
executed failing notebook is kept under ``_failed/`` for debugging.
"""

from __future__ import annotations

import concurrent.futures as cf
import shutil
from pathlib import Path

from parindex_lib.batch.execute import BatchSummary, execute_tasks, plan_tasks
from parindex_lib.batch.kernels import CELL_TIMEOUT, RECYCLE_AFTER
from parindex_lib.batch.outputs import workbook_unit_rows, write_outputs
from parindex_lib.batch.plan import Execution, make_plan
from parindex_lib.batch.prepare import prepare
from parindex_lib.batch.publish import ReportsLock, clean_stale, new_staging, promote
from parindex_lib.config import NOTEBOOKS_DIR, PROCESSED_DIR, REPORTS_DIR
from parindex_lib.stopping import holding, reports_as_before, reports_in_place, tables_written, uninterrupted


def run_batch(params_file: Path | None = None, units: list[str] | None = None, overrides: dict | None = None,
              out_dir: Path = REPORTS_DIR, raw_dir: Path | None = None, workers: int | None = None,
              notebooks_dir: Path = NOTEBOOKS_DIR, processed_dir: Path = PROCESSED_DIR,
              progress: bool = True, force: bool = False, level: str | None = None, executor: str = "local",
              scheduler: str | None = None, cell_timeout: float = CELL_TIMEOUT,
              recycle_after: int = RECYCLE_AFTER, keep_inconsistent: bool = False) -> BatchSummary:
    """Standardise, execute every notebook for every unit, render HTML and move reports into place. A run
    replaces only folders it created, keeps any file it did not write, and locks its reports folder.

    Parameters
    ----------
    params_file : path, optional
        ``params/<year>-<period>.yaml``: notebook parameters, and ``units`` to report on.
    units : list of str, optional
        Units to report on (default: the file's ``units``, else every unit with results).
    overrides : dict, optional
        Parameters from the command line (strings are cast to the notebook's types).
    out_dir, raw_dir, notebooks_dir, processed_dir : paths
        Where reports go, raw inputs come from, notebooks live and standardised tables are written.
    workers : int, optional
        Parallel processes (default: the machine's cores).
    force : bool
        Write into a reports folder this project did not create (its files are kept).
    level : str, optional
        Report only on units of this level (also ``level:`` in the params file).
    executor, scheduler : {"local", "dask"}, str
        Local worker processes (default), or a Dask cluster: ``scheduler`` (``tcp://HOST:8786``), else a
        LocalCluster of ``workers`` processes. Each worker keeps one warm kernel.
    cell_timeout, recycle_after : float, int
        Seconds a cell may run (beyond it the page fails and its kernel is replaced); notebooks a kernel runs.
    keep_inconsistent : bool
        Keep every inconsistency the raw files publish, as ``parindex standardise --keep-inconsistent`` does;
        without it, those the standardise before kept at the user's asking are kept again.

    Raises
    ------
    ParindexError
        Before anything runs: bad parameters, paths or inputs, an unknown unit, a folder the run does
        not own, or another run writing to the same folder.
    """
    execution = Execution(executor, workers, scheduler, cell_timeout, recycle_after, progress)
    plan = make_plan(params_file, units, overrides, out_dir=out_dir, raw_dir=raw_dir, notebooks_dir=notebooks_dir,
                     processed_dir=processed_dir, force=force, level=level, execution=execution,
                     keep_inconsistent=keep_inconsistent)
    # Stopped (Ctrl-C, kill) before its reports are promoted, a run leaves the reports as they were; once
    # promotion starts it finishes (every unit's folder, index.html, the workbook), then stops.
    with ReportsLock(plan.out_dir):
        clean_stale(plan.out_dir)
        with uninterrupted(tables_written(plan.processed_dir)):
            prepare(plan)
        stage_root = new_staging(plan.out_dir, plan.year, plan.period)
        summary = BatchSummary(plan.run_dir, not_reported=list(plan.unreportable), lang=plan.lang)
        try:
            with (holding(reports_as_before(plan.run_dir)),
                  cf.ThreadPoolExecutor(1) as side):  # the workbook's per-unit sheets need no page
                unit_rows = side.submit(workbook_unit_rows, plan)
                summary.outcomes = execute_tasks(plan_tasks(plan, stage_root), plan.execution)
            with uninterrupted(reports_in_place(plan.run_dir)):
                promote(plan.run_dir, stage_root, summary.units_ok([*plan.slugs.values(), *plan.groups]))
                write_outputs(plan, summary, unit_rows.result())
        finally:
            shutil.rmtree(stage_root, ignore_errors=True)
    return summary
