"""The raw folder: which of its files are inputs, and what its links lead to.

A link to a file is read, wherever it points, and said; it is never written through. A link to a folder that
holds tables, and a broken or looping link named like a table, are refused: their tables would otherwise be
left out without a word. An input that lies in (or links into) an output folder is refused before reading.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from parindex_lib.config import RAW_DIR
from parindex_lib.errors import InputError, Problem, Reason, because
from parindex_lib.readers import SUFFIXES
from parindex_lib.readers.manifest import display

#: The output folders a command names when it refuses an input inside one (by their English words, or as causes).
OUTPUT_FOLDERS = {reason.text: reason for reason in (
    because("read_the_output_folder", "the output folder"),
    because("read_the_reports_folder", "the reports folder"),
    because("read_the_processed_folder", "the standardised tables' folder"))}


def _is_input(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and not path.name.startswith((".", "~$"))


def raw_files(raw_dir: str | Path = RAW_DIR) -> list[Path]:
    """Every readable input under ``raw_dir`` (the manifest and notes are not inputs).

    A link to a file is read, wherever it points (:func:`raw_links` says where); it is never written
    through. A link to a folder that holds tables, and a broken or looping link named like a table, are
    refused: their tables would otherwise be left out without a word.

    Raises
    ------
    InputError
        For each such link, naming where it points.
    """
    raw_dir = Path(raw_dir)
    files, problems = [], []
    for folder, dirs, names in os.walk(raw_dir):  # a linked folder is listed, never entered
        for name in sorted(dirs + names):
            path = Path(folder) / name
            if path.is_symlink():
                problem = _link_problem(path)
                if problem is not None:
                    problems.append(problem)
                elif path.is_file() and _is_input(path):
                    files.append(path)
            elif name in names and path.is_file() and _is_input(path):
                files.append(path)
    if problems:
        raise InputError(problems)
    return sorted(files)


def _link_name(path: Path) -> str:
    """A link as the user sees it in the folder (never where it leads)."""
    return str(Path(display(path.parent)) / path.name)


def _link_problem(path: Path) -> Problem | None:
    """Why a link in the raw folder cannot be read (None when it is a link to a file, or holds no table)."""
    target = os.readlink(path)
    try:
        resolved = path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop so
        resolved = None
    except OSError as exc:
        if not _is_input(path):
            return None
        why = because("read_link_loops", "leads back to itself") if exc.errno == errno.ELOOP else \
            because("read_link_dangles", "points to nothing")
        return Problem(_link_name(path), None, None, target, because(
            "read_link_unreadable", "is a link that {why} (expected a table file: copy the file into the raw folder, "
            "or mend the link)", why=why))
    if resolved is None:
        return Problem(_link_name(path), None, None, target, because(
            "read_link_loop", "is a link that leads back to itself (expected a table file: copy the file into the "
            "raw folder)"))
    if resolved.is_dir() and any(_is_input(p) for p in resolved.rglob("*") if p.is_file()):
        return Problem(_link_name(path), None, None, target, because(
            "read_link_to_folder", "is a link to a folder of tables, which is not read (expected the tables "
            "themselves: copy the folder into the raw folder, or link each file)"))
    return None


def raw_links(files: list[Path] | tuple[Path, ...], raw_dir: str | Path = RAW_DIR) -> list[Reason]:
    """What a summary says of the inputs that are links: where each was read from (never written)."""
    notes = []
    for path in files:
        if path.is_symlink():
            where = path.resolve()
            inside = where.is_relative_to(Path(raw_dir).resolve())
            notes.append(Reason("std_link" if inside else "std_link_outside",
                                {"link": _link_name(path), "target": str(where)},
                                f"{_link_name(path)} is a link to {where}"
                                f"{'' if inside else ' (outside the raw folder)'}: read from there, never written"))
    return notes


def check_not_reading(files: list[Path] | tuple[Path, ...], outputs: dict[str | Reason, Path]) -> None:
    """Refuse an input that is (or links to) a file of an output folder: the command would read what it writes.

    ``outputs`` names each output folder by what it is (a cause, or the English words of one of
    :data:`OUTPUT_FOLDERS`).

    Raises
    ------
    InputError
        Naming the input, where it leads and the output folder.
    """
    problems = []
    for path in files:
        where = path.resolve()
        for what, folder in outputs.items():
            if where.is_relative_to(Path(folder).resolve()):
                problems.append(Problem(_link_name(path), None, None, str(where), because(
                    "read_input_in_output", "is in {what} {folder}, which this command writes (expected an input "
                    "outside it: it would read its own output)", what=OUTPUT_FOLDERS.get(what, what),
                    folder=str(folder))))
                break
    if problems:
        raise InputError(problems)
