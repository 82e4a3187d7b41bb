"""Where scheme files are found: the package's folder, the project's ``data/schemes/``, and the folders given
with ``--schemes`` (``$PARINDEX_SCHEMES``, inherited by every process a command starts); which file holds which
name — a name means one scheme, so a user's file never silently replaces a packaged one or another file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from parindex_lib.config import PROJECT_ROOT, SCHEMES_DIR
from parindex_lib.errors import SchemeError, because, os_reason
from parindex_lib.model.scheme_context import SchemeFileError, SchemeProblem

#: The project's own schemes (a province's commune and department schemes).
PROJECT_SCHEMES_DIR = PROJECT_ROOT / "data" / "schemes"
#: Folders of schemes searched besides the package's and the project's (``os.pathsep``-separated);
#: ``--schemes DIR`` sets it for a command and every process the command starts.
SCHEMES_ENV = "PARINDEX_SCHEMES"
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SchemeFolder:
    """A folder searched for schemes, and what it is (``packaged``, ``project``, ``--schemes``)."""

    path: Path
    origin: str


def scheme_dirs(extra_dirs: Iterable[Path] = ()) -> list[SchemeFolder]:
    """The folders searched for schemes, in order: the package's, the project's ``data/schemes/`` (when it
    exists), each folder of ``$PARINDEX_SCHEMES``, then ``extra_dirs``; each folder once.

    Raises
    ------
    SchemeError
        For a folder of ``$PARINDEX_SCHEMES`` or ``extra_dirs`` that does not exist or is not a folder.
    """
    folders = [SchemeFolder(SCHEMES_DIR, "packaged")]
    if PROJECT_SCHEMES_DIR.is_dir():
        folders.append(SchemeFolder(PROJECT_SCHEMES_DIR, "project"))
    given = [p for p in os.environ.get(SCHEMES_ENV, "").split(os.pathsep) if p.strip()]
    for path in given:
        folders.append(SchemeFolder(check_scheme_folder(path, SCHEMES_ENV), "--schemes"))
    for path in extra_dirs:
        folders.append(SchemeFolder(check_scheme_folder(path), "--schemes"))
    seen, out = set(), []
    for f in folders:
        key = f.path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def check_scheme_folder(path: str | Path, given_as: str = "--schemes") -> Path:
    """A folder given with ``--schemes`` (or in ``$PARINDEX_SCHEMES``), checked.

    Raises
    ------
    SchemeError
        For a path that does not exist, or a file.
    """
    path = Path(path)
    if not path.exists():
        raise SchemeError(reason=because("sch_folder_missing", "{given_as} {path}: the folder does not exist (expected "
                                                               "a folder of scheme files, e.g. data/schemes)",
                                         given_as=given_as, path=str(path)))
    if not path.is_dir():
        raise SchemeError(reason=because("sch_folder_is_file", "{given_as} {path}: is a file, not a folder (expected a "
                                                               "folder of scheme files; to use one scheme file, give "
                                                               "it with --scheme FILE)",
                                         given_as=given_as, path=str(path)))
    return path


def _scheme_files(folder: Path) -> list[Path]:
    """The scheme files of a folder (hidden files, editor backups and other suffixes are not schemes)."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise SchemeError(reason=because("sch_folder_unreadable", "{folder}: the scheme folder cannot be read ({why})",
                                         folder=str(folder), why=os_reason(exc))) from None
    # .YAML as a Windows program may save it is a scheme file too
    return [p for p in entries if p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~")) and not p.is_dir()]


def files_not_read(name: str, extra_dirs: Iterable[Path] = ()) -> list[Path]:
    """Files of the user's scheme folders that look meant as the scheme ``name`` but are not read as schemes
    (``son-la.yaml.txt`` saved with a hidden extension, ``son-la.json``), so that an unknown name can point to them."""
    found = []
    for folder in scheme_dirs(extra_dirs):
        if folder.origin == "packaged":
            continue
        try:
            entries = sorted(folder.path.iterdir())
        except OSError:
            continue
        found += [p for p in entries if p.name.lower().startswith(name.lower()) and p.is_file()
                  and p.suffix.lower() not in SUFFIXES]
    return found


def _catalogue(extra_dirs: Iterable[Path] = ()) -> dict[str, tuple[Path, str]]:
    """Every scheme's name → (file, origin).

    Raises
    ------
    SchemeError
        For a user's file with the name of a packaged scheme, or two files with one name.
    """
    found: dict[str, tuple[Path, str]] = {}
    for folder in scheme_dirs(extra_dirs):
        for path in _scheme_files(folder.path):
            name = path.stem
            if name in found:
                other, origin = found[name]
                if origin == "packaged":
                    why = because("sch_packaged_name", "is already the name of a packaged scheme ({other}); packaged "
                                                       'schemes are never replaced (expected a name of your own, e.g. '
                                                       '"{name}-<province>", in the file name and in name:)',
                                  other=str(other), name=name)
                else:
                    why = because("sch_name_taken", "is also the name of {other} (expected one file per name)",
                                  other=str(other))
                raise SchemeFileError(SchemeProblem(str(path), None, "name", name, why))
            found[name] = (path, folder.origin)
    return found


def available_schemes(extra_dirs: Iterable[Path] = ()) -> list[str]:
    """Names of every scheme found, sorted."""
    return sorted(_catalogue(extra_dirs))


@contextmanager
def scheme_folders(folders: Iterable[Path] = ()) -> Iterator[list[SchemeFolder]]:
    """Search ``folders`` too, in this process and in every process it starts (workers and kernels).

    The project's ``data/schemes/`` is passed on as well, resolved here, so a worker whose project root
    is elsewhere (another machine) still finds the same schemes.

    Raises
    ------
    SchemeError
        For a folder that does not exist or is not a folder.
    """
    old = os.environ.get(SCHEMES_ENV)
    paths = [str(check_scheme_folder(p).resolve()) for p in folders]
    if PROJECT_SCHEMES_DIR.is_dir():
        paths.insert(0, str(PROJECT_SCHEMES_DIR.resolve()))
    paths += [p for p in (old or "").split(os.pathsep) if p.strip()]
    os.environ[SCHEMES_ENV] = os.pathsep.join(dict.fromkeys(paths))
    try:
        yield scheme_dirs()
    finally:
        if old is None:
            os.environ.pop(SCHEMES_ENV, None)
        else:
            os.environ[SCHEMES_ENV] = old
