"""Where a run's pages are executed: local worker processes (the default) or a Dask cluster.

Both run the same function, :func:`run_page`, in a worker that keeps a warm kernel
(:mod:`parindex_lib.batch.kernels`). A task carries everything it needs (the notebook itself, the
parameters, and paths to the standardised tables, which every worker must see) and returns the
page's bytes: the run's staging and atomic promotion stay with the batch, and a task that Dask runs
twice (after a worker was lost) only writes the same bytes again.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import dataclasses
import functools
import multiprocessing as mp
import os
import signal
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from parindex_lib.batch.kernels import CELL_TIMEOUT, RECYCLE_AFTER, kernel_folder, kernel_for_this_thread, kill_all
from parindex_lib.errors import ParindexError, Reason, because
from parindex_lib.present.html import exporter, render_html

EXECUTORS = ("local", "dask")


@dataclass(frozen=True)
class PageJob:
    """One unit × notebook, as it travels to a worker."""

    key: str
    notebook_name: str
    notebook: str  # the notebook's JSON text: a worker on another machine needs no copy of the project
    parameters: dict
    lang: str
    analyst_cells: bool
    cwd: str
    cell_timeout: float = CELL_TIMEOUT
    recycle_after: int = RECYCLE_AFTER


@dataclass(frozen=True)
class PageResult:
    """A page's outcome and bytes: the HTML when it succeeded, the executed notebook either way."""

    key: str
    ok: bool
    error: str = ""
    cell: int | None = None
    html: bytes | None = None
    ipynb: bytes | None = None
    worker: str = field(default="", compare=False)
    seconds: float = field(default=0.0, compare=False)  # the page's time in its worker (kernel and render)
    reason: Reason | None = None  # the failure as data, for the run's language


def run_page(job: PageJob) -> PageResult:
    """Execute one notebook in this worker's warm kernel and render it; never raises (the batch goes on)."""
    kernel = kernel_for_this_thread(kernel_folder(job.cwd), job.cell_timeout, job.recycle_after)
    try:
        kernel.ensure_started()  # the worker's start-up, not the page's time
        kernel.preload(job.parameters.get("scores_path"), job.parameters.get("indices_path"))
        warm_renderer()
    except Exception:  # noqa: BLE001 - the page reports it below, when the kernel fails to start again
        pass
    start = time.perf_counter()
    result = _run_page(job, kernel)
    return dataclasses.replace(result, seconds=time.perf_counter() - start)


@functools.cache
def warm_renderer() -> None:
    """Compile nbconvert's templates once per worker, before its first page."""
    exporter().from_notebook_node(nbformat.v4.new_notebook())


def _run_page(job: PageJob, kernel) -> PageResult:
    worker = f"{os.uname().nodename}:{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="parindex-page-") as tmp:
        source, executed, html = Path(tmp) / job.notebook_name, Path(tmp) / "executed.ipynb", Path(tmp) / "page.html"
        source.write_text(job.notebook, encoding="utf-8")
        outcome = kernel.execute(source, executed, job.parameters)
        ipynb = executed.read_bytes() if executed.exists() else None
        if not outcome.ok:
            return PageResult(job.key, False, outcome.error, outcome.cell, None, ipynb, worker, reason=outcome.reason)
        try:
            render_html(executed, html, job.lang, analyst_cells=job.analyst_cells)
        except Exception as exc:  # noqa: BLE001 - reported as this page's failure
            error = f"{type(exc).__name__}: {exc}"
            return PageResult(job.key, False, f"rendering HTML failed: {error}", None, None, ipynb, worker,
                              reason=Reason("render_failed", {"error": error}))
        return PageResult(job.key, True, html=html.read_bytes(), ipynb=ipynb, worker=worker)


# -- local processes ----------------------------------------------------------------------------------
def _worker_start(batch: int) -> None:
    """A local worker: dies with the batch (Linux ``PR_SET_PDEATHSIG``) and kills its kernel when it ends."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass
    if os.getppid() != batch:  # the batch died while this worker was starting, before the line above
        os._exit(1)
    # Worker processes end through multiprocessing, which runs its finalizers but not atexit.
    mp.util.Finalize(None, kill_all, exitpriority=10)
    # Ctrl-C at a terminal reaches the whole process group: the batch decides when its workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_local(jobs: list[PageJob], workers: int, on_result: Callable[[PageResult], None]) -> None:
    """Run jobs on ``workers`` local processes, each with its own warm kernel."""
    pool = cf.ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"), initializer=_worker_start,
                                 initargs=(os.getpid(),))
    try:
        futures = {pool.submit(run_page, job): job for job in jobs}
        for fut in cf.as_completed(futures):
            on_result(_result(fut.result, futures.pop(fut)))  # popped: a page's bytes are not kept once written
    except BaseException:
        _stop_workers(pool)  # stopped (a signal, a failed write): pages under way are not waited for
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop_workers(pool: cf.ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes now; their kernels die with them (``PR_SET_PDEATHSIG``)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, AttributeError):
            pass


def _result(get: Callable[[], PageResult], job: PageJob) -> PageResult:
    try:
        return get()
    except Exception as exc:  # noqa: BLE001 - a worker that died: its page fails, the others go on
        error = f"{type(exc).__name__}: {exc}"
        return PageResult(job.key, False, f"the worker running this page was lost ({error})",
                          reason=Reason("worker_lost", {"error": error}))


# -- Dask ---------------------------------------------------------------------------------------------
#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = 10


def check_scheduler(address: str) -> None:
    """Refuse a scheduler that does not answer, before any work starts.

    Raises
    ------
    ParindexError
        Naming the address, and how to start a scheduler.
    """
    from distributed import Client

    try:
        with Client(address, timeout=f"{CONNECT_TIMEOUT}s"):
            pass
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ParindexError(reason=because("run_no_scheduler", "--scheduler {address}: no Dask scheduler answered "
                                           "within {seconds} s ({error}); start one with `dask scheduler` and "
                                           "workers with `dask worker`", address=address, seconds=CONNECT_TIMEOUT,
                                           error=reason)) from None


def run_dask(jobs: list[PageJob], workers: int, on_result: Callable[[PageResult], None],
             scheduler: str | None = None) -> None:
    """Run jobs on a Dask cluster: ``scheduler`` (``tcp://HOST:8786``, ``tls://…``), else a LocalCluster.

    Raises
    ------
    ParindexError
        When the scheduler cannot be reached.
    """
    # Imported here: dask.distributed (which the plugin's module needs) loads only in a run that uses Dask.
    from distributed import Client, LocalCluster, as_completed

    from parindex_lib.batch.dask_plugin import WarmKernelPlugin

    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s")
            except (OSError, TimeoutError, ValueError):
                check_scheduler(scheduler)  # the message naming the address
                raise
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
            client = Client(cluster)
        with client:
            sample = jobs[0]
            client.register_plugin(WarmKernelPlugin(sample.cwd, sample.cell_timeout, sample.recycle_after),
                                   name=WarmKernelPlugin.name)
            # Keys name the run and the page: a retried task is the same task, and two runs sharing a
            # scheduler never share results.
            run = uuid.uuid4().hex[:12]
            futures = {client.submit(run_page, job, key=f"parindex-{run}-{job.key}", pure=False): job
                       for job in jobs}
            for fut in as_completed(futures):
                on_result(_result(fut.result, futures.pop(fut)))  # popped: Dask forgets the bytes too
                fut.release()
    finally:
        if cluster is not None:
            cluster.close()


def run_jobs(jobs: Iterable[PageJob], on_result: Callable[[PageResult], None], *, executor: str = "local",
             workers: int | None = None, scheduler: str | None = None) -> None:
    """Run every job on the chosen executor and hand each result to ``on_result`` as it arrives."""
    jobs = list(jobs)
    if not jobs:
        return
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if executor == "dask":
        run_dask(jobs, workers, on_result, scheduler)
    else:
        run_local(jobs, workers, on_result)
