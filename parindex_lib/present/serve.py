"""The scenario explorer served without code (``parindex explore``, ``make explore``).

Voilà runs ``40_explore.ipynb`` in a kernel of its own for each browser tab and shows only its widgets: no
code, no cells, no traceback. The language and the scores reach the notebook's kernel through environment
variables (a Voilà kernel inherits the server's environment), read by :func:`parindex_lib.present.explore.workbench`.
The server listens on this machine only unless told otherwise, writes nothing but the scenarios a user exports,
and keeps its kernels' connection files in a temporary folder it removes on exit.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from voila.app import Voila

from parindex_lib.config import NOTEBOOKS_DIR
from parindex_lib.errors import ParindexError, Reason
from parindex_lib.present.explore import LANG_VARIABLE, SCORES_VARIABLE
from parindex_lib.present.i18n import t

EXPLORE_NOTEBOOK = "40_explore.ipynb"
DEFAULT_PORT = 8866


def check_port(ip: str, port: int) -> None:
    """Refuse a port that is taken (Voilà would silently move to another one) or out of range.

    Raises
    ------
    ParindexError
        Naming the port and what to do (its ``reason`` says it in the command's language).
    """
    if not 1 <= port <= 65535:
        raise _refusal("port_range", port=port, default=DEFAULT_PORT)
    with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError as exc:
            raise _refusal("port_taken", port=port, ip=ip) from exc  # the system's words (English) as the cause


def _refusal(code: str, **values: object) -> ParindexError:
    """An error whose cause is a reason of the catalogue (``reason_<code>``): English in logs, the command's
    language on screen."""
    text = t(f"reason_{code}", "en", **values)
    return ParindexError(text, reason=Reason(code, values, text))


def voila_arguments(notebook: Path, port: int, ip: str, open_browser: bool) -> list[str]:
    """Voilà's command line: this port only, quiet logs, kernels over local sockets, no tracebacks shown.

    Examples
    --------
    >>> voila_arguments(Path("40_explore.ipynb"), 8866, "127.0.0.1", False)[:3]
    ['40_explore.ipynb', '--port=8866', '--Voila.port_retries=0']
    """
    return [str(notebook), f"--port={port}", "--Voila.port_retries=0", f"--Voila.ip={ip}",
            f"--Voila.open_browser={open_browser}", "--Voila.log_level=ERROR", "--KernelManager.transport=ipc",
            "--VoilaConfiguration.show_tracebacks=False", "--VoilaConfiguration.theme=light"]


def serve(scores: Path, lang: str = "vi", port: int = DEFAULT_PORT, ip: str = "127.0.0.1",
          open_browser: bool = True, notebooks_dir: Path = NOTEBOOKS_DIR) -> None:
    """Serve the explorer over ``scores`` until stopped (Ctrl+C or SIGTERM). The notebook's kernel (``parindex``)
    must be installed (the command line does it).

    Raises
    ------
    ParindexError
        For a missing notebook or a port that cannot be used.
    """
    notebook = Path(notebooks_dir) / EXPLORE_NOTEBOOK
    if not notebook.exists():
        raise _refusal("explore_notebook_missing", path=str(notebook))
    check_port(ip, port)
    os.environ[LANG_VARIABLE] = lang
    os.environ[SCORES_VARIABLE] = str(Path(scores).resolve())
    host = "127.0.0.1" if ip in ("", "0.0.0.0", "::") else ip
    print(t("ex_serving", lang, url=f"http://{host}:{port}/"), flush=True)
    # tornado prints a warning when the kernels' ping timeout exceeds its interval, as jupyter_server's defaults do
    Voila.launch_instance(argv=voila_arguments(notebook, port, ip, open_browser),
                          tornado_settings={"ws_ping_timeout": 30_000})
