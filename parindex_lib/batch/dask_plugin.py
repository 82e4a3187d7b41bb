"""The Dask side of :mod:`parindex_lib.batch.executors`: a worker plugin that keeps a warm kernel per worker."""

from __future__ import annotations

from distributed import WorkerPlugin

from parindex_lib.batch.kernels import (
    CELL_TIMEOUT,
    RECYCLE_AFTER,
    ensure_kernelspec,
    kernel_folder,
    kernel_for_this_thread,
    kill_all,
)


class WarmKernelPlugin(WorkerPlugin):
    """A Dask worker plugin: installs the kernelspec and starts the worker's warm kernel before any task.

    Registered by :func:`run_dask` on every worker, present and future; the kernel is killed when the
    worker closes.
    """

    name = "parindex-warm-kernel"

    def __init__(self, cwd: str, cell_timeout: float = CELL_TIMEOUT, recycle_after: int = RECYCLE_AFTER):
        self.cwd, self.cell_timeout, self.recycle_after = cwd, cell_timeout, recycle_after

    def setup(self, worker) -> None:
        ensure_kernelspec()
        cwd = kernel_folder(self.cwd)
        # Tasks run in the worker's thread pool: start one kernel there (a worker with one thread,
        # as ``dask worker --nthreads 1`` makes, reuses it for every task).
        worker.executor.submit(lambda: kernel_for_this_thread(cwd, self.cell_timeout, self.recycle_after).start()
                               ).result()

    def teardown(self, worker) -> None:
        worker.executor.submit(kill_all).result()
        kill_all()
