"""Warm kernels: started once per worker, reused across pages and units, killed at the end.

Starting a kernel, importing scipy, matplotlib, pandera and pandas, and shutting it down cost more
than a page's own work. A :class:`WarmKernel` pays this once: it starts the project's kernel, runs
:func:`parindex_lib.batch.kernel_state.warm_up`, and before every notebook runs
:func:`~parindex_lib.batch.kernel_state.restore` (fresh namespace and history session, options restored,
figures closed). Notebooks still go through papermill, so parameter injection and the record of a
failed notebook are papermill's. A kernel is replaced after a failure, after ``recycle_after``
notebooks, and when it dies or a cell runs past ``cell_timeout``: only that page fails.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from parindex_lib.errors import Reason

KERNEL = "parindex"
#: The kernel's own start-up warnings are not the user's business; its errors still reach the failing page.
#: History is kept in memory: sessions still begin and end per notebook, but parallel kernels never
#: contend for one SQLite file.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.hist_file=:memory:"]
#: Seconds a cell may run before its kernel is replaced and its page fails (``--cell-timeout``).
CELL_TIMEOUT = 600
#: The longest ``--cell-timeout`` (a week): beyond it the kernel's clients cannot represent the wait.
MAX_CELL_TIMEOUT = 7 * 24 * 3600
#: Notebooks a kernel runs before it is replaced, to bound anything a long run might accumulate.
RECYCLE_AFTER = 200

def _engine():
    """papermill's nbclient engine, handed this kernel's client (papermill would make a new one per notebook
    and, not owning the kernel, never close it: five sockets leaked per page)."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.iorw import write_ipynb

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, km=None, kc=None,
                                     record=None, **kwargs):
            client = PapermillNotebookClient(nb_man, km=km, timeout=execution_timeout, startup_timeout=start_timeout,
                                             kernel_name=kernel_name, log=logging.getLogger("papermill"),
                                             log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client.kc = kc
            try:
                return client.execute()
            except (CellTimeoutError, DeadKernelError):
                if record:  # what ran before the kernel died or hung, for the failed-notebook record
                    write_ipynb(nb_man.nb, record)
                raise

    papermill_engines.register(ENGINE, WarmEngine)


ENGINE = "parindex-warm"
_WARM_UP = '__import__("parindex_lib.batch.kernel_state", fromlist=["warm_up"]).warm_up()'
_RESTORE = '__import__("parindex_lib.batch.kernel_state", fromlist=["restore"]).restore()'


def _dies_with_this_process() -> dict:
    """Popen arguments that make a kernel die with the worker that started it, even one killed while the
    kernel is starting (ipykernel's own parent poller starts only after its imports; Linux only)."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls it
    except (OSError, AttributeError):
        return {}
    return {"preexec_fn": functools.partial(_die_with_parent, prctl, os.getpid())}


def _die_with_parent(prctl, parent: int) -> None:  # runs in the kernel's process, between fork and exec
    prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent:  # the worker died before the line above
        os.kill(os.getpid(), signal.SIGKILL)


class KernelProblem(RuntimeError):
    """The kernel could not start, be reset, or finish a notebook (it is replaced)."""


@dataclass(frozen=True)
class Executed:
    """A notebook's run in a warm kernel: the executed notebook and, if it failed, where and why."""

    ok: bool
    error: str = ""
    cell: int | None = None
    #: The cause as data when the batch words it (a kernel that died, a cell too long), for any language.
    reason: Reason | None = None


def kernel_specs():
    """The kernelspecs of this environment only (``sys.prefix/share/jupyter/kernels``).

    Jupyter's own search puts the user's folder (``~/.local/share/jupyter``) first, so a ``parindex``
    kernelspec installed there from another environment would run pages with another Python and another
    copy of the library; the batch looks only in its own environment.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    return KernelSpecManager(kernel_dirs=[str(Path(sys.prefix) / "share" / "jupyter" / "kernels")])


def ensure_kernelspec() -> None:
    """Install the project's kernelspec into this environment if it is not there yet, or if the one there
    starts another Python (an environment copied or moved)."""
    from jupyter_client.kernelspec import NoSuchKernel

    try:
        spec = kernel_specs().get_kernel_spec(KERNEL)
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    install(prefix=sys.prefix, kernel_name=KERNEL, display_name="Python (parindex)")


class WarmKernel:
    """One kernel that executes notebook after notebook, as if each had a kernel of its own.

    Parameters
    ----------
    cwd : path
        The kernel's working folder (papermill's ``cwd``: the notebooks' folder).
    cell_timeout : float
        Seconds a cell may run; beyond it the page fails and the kernel is replaced.
    recycle_after : int
        Notebooks a kernel runs before it is replaced.
    startup_timeout : float
        Seconds to wait for a new kernel.

    Notes
    -----
    Used as a context manager, ``with WarmKernel(folder) as kernel: kernel.execute(nb, out, params)``
    kills the kernel on leaving; ``tests/test_kernels.py`` shows each behaviour.
    """

    def __init__(self, cwd: str | Path, cell_timeout: float = CELL_TIMEOUT, recycle_after: int = RECYCLE_AFTER,
                 startup_timeout: float = 60):
        self.cwd = str(cwd)
        self.cell_timeout = cell_timeout
        self.recycle_after = recycle_after
        self.startup_timeout = startup_timeout
        self.km = self.kc = self._control = None
        self.preloaded: set[str] = set()  # tables already in the current kernel's cache
        self.executed = 0  # notebooks run by the current kernel
        self.started = 0  # kernels started (1 + replacements)

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start a kernel and import what every page needs."""
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        ensure_kernelspec()
        self.km = AsyncKernelManager(kernel_name=KERNEL, kernel_spec_manager=kernel_specs())
        run_sync(self.km.start_kernel)(extra_arguments=KERNEL_ARGS, cwd=self.cwd, **_dies_with_this_process())
        self.started += 1
        self.executed = 0
        self.preloaded = set()
        try:
            self.kc = self.km.client()  # papermill's (asynchronous) client, reused for every notebook
            self.kc.start_channels()
            run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
            # A second client, shell channel only, for the warm-up and the resets: its replies come back
            # to it alone, so it never competes with papermill's client for messages.
            self._control = BlockingKernelClient()
            self._control.load_connection_info(self.km.get_connection_info())
            self._control.start_channels(iopub=False, stdin=False, hb=False)
            self._run(_WARM_UP, self.startup_timeout)
        except Exception:
            self.kill()
            raise

    def ensure_started(self) -> None:
        """Start the kernel if it is not running (or is due to be replaced)."""
        if self.km is None or self.executed >= self.recycle_after or not self.alive:
            self.kill()
            self.start()

    def preload(self, scores_path: str | None, indices_path: str | None = None) -> None:
        """Read the run's scores (validated), its units' indices and its criteria table (beside the scores,
        when units are scored by criteria) into the kernel's caches once (a worker's start-up, not a page's)."""
        criteria_path = str(Path(scores_path).parent / "criteria.csv") if scores_path else None
        for path, module, function in ((scores_path, "parindex_lib.standardise", "load_scores"),
                                       (indices_path, "parindex_lib.model.index_store", "load_indices"),
                                       (criteria_path, "parindex_lib.analyses.criteria", "preload_table")):
            if not path or path in self.preloaded or not Path(path).is_file():
                continue
            self._run(f"__import__({module!r}, fromlist=[{function!r}]).{function}({path!r})", self.cell_timeout)
            self.preloaded.add(path)

    def kill(self) -> None:
        """Kill the kernel (SIGKILL to its process group: no interrupt, no graceful shutdown)."""
        from jupyter_core.utils import run_sync

        for client in (self.kc, self._control):
            if client is not None:
                try:
                    client.stop_channels()
                except Exception:  # noqa: BLE001 - a dead kernel's channels may already be gone
                    pass
        if self.km is not None:
            try:
                if self.km.has_kernel:
                    run_sync(self.km.signal_kernel)(signal.SIGKILL)
                    run_sync(self.km.provisioner.wait)()
                run_sync(self.km.cleanup_resources)()  # the connection file
            except Exception:  # noqa: BLE001 - already gone: nothing left to clean
                pass
        self.km = self.kc = self._control = None

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *exc) -> None:
        self.kill()

    @property
    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def _run(self, code: str, timeout: float) -> None:
        """Run code silently (no output, no history, no execution count) and wait for it."""
        try:
            reply = self._control.execute_interactive(code, silent=True, store_history=False, timeout=timeout)
        except TimeoutError:
            raise KernelProblem(f"the kernel did not answer within {timeout:g} s") from None
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelProblem(f"{content.get('ename', 'error')}: {content.get('evalue', '')}")

    # -- work -----------------------------------------------------------------------------------------
    def execute(self, notebook: str | Path, output: str | Path, parameters: dict) -> Executed:
        """Execute ``notebook`` with papermill into ``output``, in a kernel reset to its warm state.

        Never raises for the notebook's own errors: they come back in :class:`Executed`, and the
        executed notebook (papermill's record of the failure) is at ``output``. A kernel that died,
        hung or failed is replaced before the next notebook.
        """
        import papermill
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        _engine()
        try:
            self.ensure_started()
            self._run(_RESTORE, self.startup_timeout)
        except Exception as exc:  # noqa: BLE001 - a kernel that cannot start or be reset: this page fails
            self.kill()
            error = f"{type(exc).__name__}: {exc}"
            return Executed(False, f"the kernel could not be started or reset: {error}",
                            reason=Reason("kernel_unavailable", {"error": error}))
        self.executed += 1
        try:
            papermill.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name=KERNEL,
                                       engine_name=ENGINE, km=self.km, kc=self.kc, progress_bar=False,
                                       log_output=False, execution_timeout=self.cell_timeout,
                                       # written once at the end (and on failure), not after every cell
                                       request_save_on_cell_execute=False, record=str(output))
        except PapermillExecutionError as exc:
            self.kill()  # recycled after a failure: nothing the failing notebook left reaches the next
            error = f"{exc.ename}: {exc.evalue}".strip()
            return Executed(False, error, exc.exec_count, Reason("page_error", {"error": error}))
        except CellTimeoutError:
            self.kill()
            return Executed(False, f"a cell ran longer than {self.cell_timeout:g} s (--cell-timeout); "
                                   "its kernel was replaced",
                            reason=Reason("cell_timeout", {"seconds": self.cell_timeout}))
        except DeadKernelError:
            self.kill()
            return Executed(False, "the kernel died while running this page; it was replaced",
                            reason=Reason("kernel_died"))
        except Exception as exc:  # a notebook that cannot be read, a kernel that cannot start…
            self.kill()
            error = f"{type(exc).__name__}: {exc}"
            return Executed(False, error, reason=Reason("page_error", {"error": error}))
        return Executed(True)


_local = threading.local()


def kernel_folder(cwd: str | Path) -> str:
    """The folder a kernel starts in: the notebooks' folder, or a temporary one on a machine without it."""
    return str(cwd) if Path(cwd).is_dir() else tempfile.gettempdir()


def kernel_for_this_thread(cwd: str | Path, cell_timeout: float = CELL_TIMEOUT,
                           recycle_after: int = RECYCLE_AFTER) -> WarmKernel:
    """This thread's warm kernel (one per worker thread: a kernel runs one notebook at a time)."""
    kernel = getattr(_local, "kernel", None)
    if kernel is None:
        kernel = _local.kernel = WarmKernel(cwd, cell_timeout, recycle_after)
        _KERNELS.append(kernel)
    kernel.cwd, kernel.cell_timeout, kernel.recycle_after = str(cwd), cell_timeout, recycle_after
    return kernel


_KERNELS: list[WarmKernel] = []


def kill_all() -> None:
    """Kill every warm kernel this process started (at the end of a worker)."""
    while _KERNELS:
        _KERNELS.pop().kill()
    _local.__dict__.clear()
