"""Paths, built once from the package and the project (never typed twice).

Two kinds of folder:

- **the package's** (installed with parindex, read-only): schemes, components, messages, templates, the
  report notebooks, and the starter project that ``parindex init`` copies;
- **the project's** (a working folder of the user's, made by ``parindex init``): ``data/raw`` (inputs, never
  written), ``data/processed``, ``data/schemes``, ``params/``, ``reports/``.

The project is ``$PARINDEX_ROOT`` when set, else the current folder or the nearest folder above it that holds
``data/raw`` (as git finds a repository). A source checkout is a project like any other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"
SCHEMES_DIR = PACKAGE_DATA / "schemes"
#: Criteria trees shipped with the package (a scheme names its tree as a file beside it, e.g. criteria/x.yaml).
CRITERIA_DIR = SCHEMES_DIR / "criteria"
COMPONENTS_CSV = PACKAGE_DATA / "components.csv"
WORDS_CSV = PACKAGE_DATA / "words.csv"
MESSAGES_DIR = PACKAGE_DATA / "messages"
TEMPLATES_DIR = PACKAGE_DIR / "present" / "templates"
NOTEBOOKS_DIR = PACKAGE_DIR / "notebooks"
#: What ``parindex init`` copies into a new project: the example data, parameter files and templates.
STARTER_DIR = PACKAGE_DIR / "starter"

#: The environment variable that names the project folder (else it is found from the current folder).
ROOT_ENV = "PARINDEX_ROOT"


@dataclass(frozen=True)
class Project:
    """A project folder and the places in it.

    Examples
    --------
    >>> p = Project(Path("/srv/cchc"))
    >>> str(p.raw), str(p.scores_csv)
    ('/srv/cchc/data/raw', '/srv/cchc/data/processed/scores.csv')
    """

    root: Path

    @property
    def raw(self) -> Path:
        """Inputs as received (read, never written)."""
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        """The standardised tables (generated)."""
        return self.root / "data" / "processed"

    @property
    def schemes(self) -> Path:
        """The project's own weighting schemes (a province's schemes for its communes and departments)."""
        return self.root / "data" / "schemes"

    @property
    def params(self) -> Path:
        """One parameter file per reporting period."""
        return self.root / "params"

    @property
    def reports(self) -> Path:
        """The HTML pages and workbooks of every run (generated)."""
        return self.root / "reports"

    @property
    def scores_csv(self) -> Path:
        return self.processed / "scores.csv"

    @property
    def tasks_csv(self) -> Path:
        return self.processed / "tasks.csv"


def find_project(start: str | Path | None = None) -> Project | None:
    """The project: ``$PARINDEX_ROOT``, else ``start`` (the current folder) or the nearest folder above it
    holding ``data/raw``; None when there is none.

    A folder inside the installed package is never a project (its starter holds a ``data/raw`` too).
    """
    if os.environ.get(ROOT_ENV):
        return Project(Path(os.environ[ROOT_ENV]).expanduser().resolve())
    return project_of(start or Path.cwd())


def project_of(path: str | Path) -> Project | None:
    """The project a file or folder belongs to: the nearest folder holding ``data/raw``, from ``path`` up."""
    here = Path(path).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "raw").is_dir() and not folder.is_relative_to(PACKAGE_DIR):
            return Project(folder)
    return None


PROJECT = find_project()
#: The project's folder; the current folder when there is no project (the library's defaults then point at
#: folders that do not exist, and the command line says to run ``parindex init``).
PROJECT_ROOT = PROJECT.root if PROJECT else Path.cwd().resolve()
RAW_DIR = PROJECT_ROOT / "data" / "raw"
PROCESSED_DIR = PROJECT_ROOT / "data" / "processed"
PROJECT_SCHEMES_DIR = PROJECT_ROOT / "data" / "schemes"
REPORTS_DIR = PROJECT_ROOT / "reports"
PARAMS_DIR = PROJECT_ROOT / "params"
SCORES_CSV = PROCESSED_DIR / "scores.csv"
TASKS_CSV = PROCESSED_DIR / "tasks.csv"
