"""A new project folder: ``parindex init`` copies the starter project shipped with the package.

The starter (``parindex_lib/starter/``, package data) is a working project: the example raw data (Tam Đường's
2024 plan, the provinces' published results), the parameter files of the example periods, the templates for
``parindex lift`` and for a province's own scheme, ``data/schemes/`` with what goes there, and a README in
Vietnamese and English that says what to do next. Nothing is ever overwritten: a file that already exists is
kept and reported.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from parindex_lib.config import PACKAGE_DIR, STARTER_DIR, Project
from parindex_lib.errors import ParindexError, because, os_reason

#: Folders every project has, even when the starter gives them no file (outputs are written there).
EMPTY_FOLDERS = ("data/processed", "data/schemes", "reports")


@dataclass(frozen=True)
class Created:
    """What ``init_project`` did: the project, the files it wrote and those it found there and kept."""

    project: Project
    written: tuple[Path, ...]
    kept: tuple[Path, ...]


def starter_files() -> list[Path]:
    """The starter's files, relative to it (sorted; hidden files and caches are never part of it).

    In a source checkout the starter's folders are links to the repository's example project: they are followed.
    """
    found = []
    for folder, dirs, files in os.walk(STARTER_DIR, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith((".", "__"))]
        found += [Path(folder, f).relative_to(STARTER_DIR) for f in files if not f.startswith(".")]
    return sorted(found)


def init_project(folder: str | Path, *, force: bool = False) -> Created:
    """Make ``folder`` a working project: the starter's files, and empty ``data/processed``, ``data/schemes``
    and ``reports``.

    Parameters
    ----------
    folder : path
        The new project's folder; created if it does not exist.
    force : bool
        Also fill a folder that is not empty. Files already there are never overwritten: they are kept
        (and listed in the result).

    Raises
    ------
    ParindexError
        For a path that is a file, a folder that is not empty (without ``force``), a folder inside the
        installed package, or one that cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> created = init_project(Path(tempfile.mkdtemp()) / "cchc")
    >>> sorted(p.name for p in created.project.params.iterdir())
    ['2024-FY.yaml', '2024-Q3.yaml', '2025-FY.yaml', '2025-Q3.yaml']
    >>> created.project.raw.joinpath("manifest.yaml").exists(), created.kept
    (True, ())
    """
    root = Path(folder).expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise ParindexError(reason=because("cmd_project_is_a_file", "{folder}: is a file (expected a folder for the "
                                           "new project)", folder=folder))
    if root.is_relative_to(PACKAGE_DIR):
        raise ParindexError(reason=because("cmd_project_in_package", "{folder}: is inside the installed parindex "
                                           "package (choose a folder of your own)", folder=folder))
    if root.is_dir() and any(root.iterdir()) and not force:
        raise ParindexError(reason=because(
            "cmd_project_not_empty", "{folder}: is not empty; its files are left alone (choose a new or empty "
            "folder, or add --force to add the project's files beside them — none is overwritten)", folder=folder))
    written, kept = [], []
    try:
        for rel in starter_files():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with open(STARTER_DIR / rel, "rb") as src, open(target, "xb") as dst:  # "x": never overwrite
                    shutil.copyfileobj(src, dst)
            except FileExistsError:
                kept.append(target)
                continue
            written.append(target)
        for name in EMPTY_FOLDERS:
            (root / name).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParindexError(reason=because("cmd_project_not_writable", "{file}: cannot be written ({why}; expected a "
                                           "writable folder)", file=exc.filename or folder, why=os_reason(exc))
                            ) from None
    return Created(Project(root), tuple(written), tuple(kept))
