"""Paths, built once from the package and project roots (never typed twice)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"
SCHEMES_DIR = PACKAGE_DATA / "schemes"
#: Criteria trees shipped with the package (a scheme names its tree as a file beside it, e.g. criteria/x.yaml).
CRITERIA_DIR = SCHEMES_DIR / "criteria"
COMPONENTS_CSV = PACKAGE_DATA / "components.csv"
MESSAGES_DIR = PACKAGE_DATA / "messages"
TEMPLATES_DIR = PACKAGE_DIR / "present" / "templates"



def _project_root() -> Path:
    """Where data/, notebooks/ and reports/ live: $PARINDEX_ROOT, else the source checkout the package
    was installed from (editable install), else the current folder."""
    if os.environ.get("PARINDEX_ROOT"):
        return Path(os.environ["PARINDEX_ROOT"]).resolve()
    if (PACKAGE_DIR.parent / "data" / "raw").is_dir():
        return PACKAGE_DIR.parent
    return Path.cwd().resolve()


PROJECT_ROOT = _project_root()
RAW_DIR = PROJECT_ROOT / "data" / "raw"
PROCESSED_DIR = PROJECT_ROOT / "data" / "processed"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
PARAMS_DIR = PROJECT_ROOT / "params"
SCORES_CSV = PROCESSED_DIR / "scores.csv"
TASKS_CSV = PROCESSED_DIR / "tasks.csv"
