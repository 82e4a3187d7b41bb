"""What a page was made from, as its footer says: the raw files read (with their SHA-256), the parameters, the
library version and the time; and paths as the project knows them (never an absolute machine path).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from parindex_lib import __version__
from parindex_lib.config import PROJECT_ROOT, project_of
from parindex_lib.standardise import input_files


class Page(Protocol):
    """A page's context: a unit's (:class:`~parindex_lib.present.pages.Context`) or a group's."""

    params: dict


def provenance(ctx: Page) -> dict:
    """What the page was made from: the raw files actually read (relative to the project, with their
    SHA-256), the parameters (paths relative to the project), the library version and the time."""
    files = input_files(Path(ctx.params["scores_path"]).parent)
    return {
        "inputs": [(relative(p), digest) for p, digest in files],
        "params": [(k, relative(v) if k.endswith(("_path", "_dir")) else v) for k, v in ctx.params.items()],
        "version": __version__,
        "time": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
    }


def relative(path: str | Path) -> str:
    """A path as the project knows it (``data/raw/x.csv``), never an absolute machine path.

    The project is the one the path belongs to (wherever the kernel runs), else this process's.
    """
    p = Path(path).resolve()
    own = project_of(p)
    for root in ([own.root] if own else []) + [PROJECT_ROOT]:
        if p.is_relative_to(root):
            return str(p.relative_to(root))
    return p.name
