"""Publication: the reports folder is the project's, and a reader never sees a half-written report.

A run holds :class:`ReportsLock` on its reports folder (a second run fails at once), writes every page
into a staging folder (:func:`new_staging`), and :func:`promote` swaps each unit's complete folder into
place atomically (:func:`swap_in`); a unit with a failed page goes under ``_failed/`` and its earlier good
report stays. Folders a run made carry :data:`OWNER_MARK`; a run replaces only those, removes only the
files it writes (:data:`OWN_FILES`), and keeps anything else as the user's.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from parindex_lib.errors import ParindexError, Reason, because, os_reason
from parindex_lib.present.pages import GROUP_PAGES, PAGES

OWNER_MARK = ".parindex-owned"
LOCK_NAME = ".parindex.lock"
#: The files a run writes into a unit's folder; anything else there is the user's and is kept.
OWN_FILES = {OWNER_MARK} | {f"{page}.{ext}" for page in (*PAGES, *GROUP_PAGES) for ext in ("html", "ipynb")}


class ReportsLock:
    """An exclusive lock on a reports folder: a second run on it fails at once with a clear message."""

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / LOCK_NAME

    def __enter__(self) -> ReportsLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.close()
            raise ParindexError(reason=because("run_reports_locked", "{folder}: another parindex run is writing "
                                               "these reports; wait for it to finish, or choose another --out",
                                               folder=self.path.parent)) from None
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def mark_owned(folder: Path) -> None:
    """Create ``folder`` (if needed) and mark it as written by parindex."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / OWNER_MARK).write_text("Written by parindex run: this folder is replaced by the next run.\n",
                                     encoding="utf-8")


def clean_stale(out_dir: Path) -> None:
    """Remove staging folders left by a run that was killed (the lock says no run is using them)."""
    for p in list(out_dir.glob(".staging-*")) + list(out_dir.glob("**/.old-*")):
        if p.is_dir() and (p / OWNER_MARK).exists():  # only what a run made: never a folder of the user's
            shutil.rmtree(p, ignore_errors=True)


def new_staging(out_dir: Path, year: int, period: str) -> Path:
    """A fresh staging folder for a run's pages, inside the reports folder (so a swap is a rename)."""
    stage_root = None
    try:
        stage_root = Path(tempfile.mkdtemp(prefix=f".staging-{year}-{period}-", dir=out_dir))
        mark_owned(stage_root)
    except OSError as exc:
        if stage_root is not None:  # unmarked, the next run could not tell it is the run's to remove
            shutil.rmtree(stage_root, ignore_errors=True)
        why = os_reason(exc)
        raise ParindexError(f"{out_dir}: cannot write the reports there ({why})",
                            reason=Reason("cannot_write_reports", {"folder": out_dir, "why": why})) from None
    return stage_root


def remove_own(folder: Path) -> None:
    """Delete what a run wrote in ``folder``; any other file is the user's and stays (with the folder)."""
    for p in folder.iterdir():
        if p.name in OWN_FILES and p.is_file():
            p.unlink()
        elif p.is_dir() and (p / OWNER_MARK).exists():
            remove_own(p)
    if not any(folder.iterdir()):
        folder.rmdir()


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux ``renameat2(RENAME_EXCHANGE)``); False where unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def swap_in(new: Path, dest: Path) -> None:
    """Put ``new`` at ``dest`` with no moment where ``dest`` is missing; keep files there the run did not write."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists():
        new.rename(dest)
        return
    for p in dest.iterdir():  # the user's files (and folders) move into the new folder, never deleted
        if p.name not in OWN_FILES and not (p / OWNER_MARK).exists() and not (new / p.name).exists():
            shutil.move(str(p), str(new / p.name))
    if exchange(new, dest):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old pages
        return
    old = dest.with_name(f".old-{dest.name}-{dt.datetime.now().strftime('%H%M%S%f')}")
    dest.rename(old)
    new.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def promote(run_dir: Path, stage_root: Path, units: Iterable[tuple[str, bool]]) -> None:
    """Swap each unit's complete staged folder into ``run_dir`` (a failed unit's goes under ``_failed/``).

    ``units`` gives each unit's folder name and whether all its pages succeeded.
    """
    mark_owned(run_dir)
    failed_dir = run_dir / "_failed"
    for slug, ok in units:
        staged = stage_root / slug
        if not staged.exists():
            continue
        mark_owned(staged)
        if ok:
            swap_in(staged, run_dir / slug)
            if (failed_dir / slug / OWNER_MARK).exists():
                remove_own(failed_dir / slug)
        else:
            mark_owned(failed_dir)
            swap_in(staged, failed_dir / slug)
    if failed_dir.is_dir() and {p.name for p in failed_dir.iterdir()} <= {OWNER_MARK}:
        remove_own(failed_dir)
