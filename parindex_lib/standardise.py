"""Standardise: every raw file → one validated tidy ``scores`` table (and the appendix's tasks).

``data/raw`` is read, never written. ``data/processed/scores.csv`` and ``tasks.csv`` are written
atomically, and only when every input is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from parindex_lib import schema
from parindex_lib.config import PROCESSED_DIR, RAW_DIR
from parindex_lib.errors import InputError, Problem
from parindex_lib.io import write_atomic
from parindex_lib.readers import SUFFIXES, read_file, to_frame

MANIFEST = "manifest.yaml"
TASK_COLUMNS = ["unit", "component", "task", "lead_units", "supporting_units", "timing", "source"]


@dataclass(frozen=True)
class Standardised:
    """The result of standardising: the tidy scores, the tasks, and the files read."""

    scores: pd.DataFrame
    tasks: pd.DataFrame
    files: tuple[Path, ...]


def raw_files(raw_dir: str | Path = RAW_DIR) -> list[Path]:
    """Every readable input under ``raw_dir`` (the manifest and notes are not inputs)."""
    raw_dir = Path(raw_dir)
    return sorted(p for p in raw_dir.rglob("*")
                  if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$")))


def load_manifest(folder: Path) -> dict[str, dict]:
    """The ``manifest.yaml`` of a raw folder: per file name, its unit, level and description."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(Problem(str(path), None, None, "", f"is not valid YAML ({exc})")) from None
    files = spec.get("files", {}) if isinstance(spec, dict) else None
    if not isinstance(files, dict):
        raise InputError(Problem(str(path), None, "files", "", "is not a mapping of file name → unit, level"))
    return {str(k): (v or {}) for k, v in files.items()}


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def standardise(paths: list[str | Path] | None = None, raw_dir: str | Path = RAW_DIR) -> Standardised:
    """Read and validate every raw file, reporting all problems of all files at once.

    Parameters
    ----------
    paths : list of path-like, optional
        The files to read; default every file under ``raw_dir``.
    raw_dir : path-like
        Where the default files and their ``manifest.yaml`` live.

    Raises
    ------
    InputError
        Every problem found, in every file, each located by file, row, column and value.
    """
    files = [Path(p) for p in paths] if paths else raw_files(raw_dir)
    if not files:
        raise InputError(Problem(str(raw_dir), None, None, "", "holds no score table (expected .tsv, .csv, "
                                                                  ".xlsx or .docx files)"))
    problems: list[Problem] = []
    scores: list[dict] = []
    tasks: list[dict] = []
    manifests: dict[Path, dict] = {}
    for path in files:
        folder = path.resolve().parent
        if folder not in manifests:
            manifests[folder] = load_manifest(folder)
        meta = manifests[folder].get(path.name, {})
        result = read_file(path, unit=meta.get("unit"), level=meta.get("level"), display_name=_display(path),
                           illustrative=meta.get("illustrative"))
        problems += result.problems
        scores += result.scores
        tasks += result.tasks
    frame = to_frame(scores)
    try:
        frame = schema.validate(frame)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    task_frame = pd.DataFrame(tasks, columns=TASK_COLUMNS)
    return Standardised(frame.reset_index(drop=True), task_frame, tuple(files))


def write_processed(result: Standardised, out_dir: str | Path = PROCESSED_DIR) -> list[Path]:
    """Write ``scores.csv`` and ``tasks.csv`` atomically; return their paths."""
    out_dir = Path(out_dir)
    return [write_atomic(out_dir / "scores.csv", result.scores.to_csv(index=False)),
            write_atomic(out_dir / "tasks.csv", result.tasks.to_csv(index=False))]


def load_scores(path: str | Path) -> pd.DataFrame:
    """Read a standardised ``scores.csv`` back, with its dtypes, and validate it.

    Raises
    ------
    InputError
        If the file is missing (run ``parindex standardise``) or no longer matches the contract.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Problem(str(path), None, None, "", "does not exist (run `parindex standardise` first)"))
    frame = pd.read_csv(path, dtype={"lead_units": object, "source": object}, keep_default_na=True)
    missing = [c for c in schema.COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(Problem(str(path), 1, None, ", ".join(missing), "columns are missing (expected the "
                                 "tidy scores contract; re-run `parindex standardise`)"))
    return schema.validate(schema.coerce_dtypes(frame), str(path))


def load_tasks(path: str | Path) -> pd.DataFrame:
    """Read ``tasks.csv`` (the appendix's tasks and owners); an absent file gives an empty table."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=TASK_COLUMNS)
    return pd.read_csv(path, dtype=str)
