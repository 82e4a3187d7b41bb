"""Atomic writes, hashes, file versions and strict JSON values: a failed run never leaves a half-written table or
report, a table read once per file version is read again only when the file changed, and what a command prints
as JSON holds no NaN or Infinity."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it.

    The rename is atomic on one file system, so readers see either the old file or the new one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; reports and tables are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_atomic_many(files: dict[Path, str | bytes]) -> list[Path]:
    """Write files that belong together: every one to a temporary file first, then each renamed into place.

    A full or read-only disk fails while the temporary files are written, so then no file is replaced;
    the renames that follow need no space.
    """
    written: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            written.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            os.chmod(tmp, 0o644)
        for tmp, path in written:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in written:
            Path(tmp).unlink(missing_ok=True)
        raise
    return [Path(p) for p in files]


def sha256(path: str | Path) -> str:
    """The SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_version(path: str | Path) -> tuple | None:
    """(resolved path, modification time, size): what a table read once per file version is kept by; None
    when the file cannot be seen."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def json_value(value: object) -> object:
    """A value as strict JSON holds it: numpy's numbers as Python's (floats rounded to 6 decimals), and a number
    that does not exist (NaN, infinity, None, pandas' NA) as ``null``.

    Examples
    --------
    >>> [json_value(v) for v in (np.float64(70.5200001), np.nan, np.int64(3), np.bool_(True), pd.NA, "C6")]
    [70.52, None, 3, True, None, 'C6']
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, float | np.floating):
        return round(float(value), 6) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return None if value is None or value is pd.NA else value


def json_records(frame: pd.DataFrame) -> list[dict]:
    """A table's rows as strict JSON objects (:func:`json_value` for every cell)."""
    return [{k: json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]
