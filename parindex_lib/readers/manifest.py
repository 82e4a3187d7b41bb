"""The ``manifest.yaml`` of a raw folder: the unit and level of files that do not name them (a plan's table),
what each file is, whether what a file publishes that does not add up is kept (``keep_inconsistent``), and
the scheme, year and period of self-assessment sheets of criteria.

Every fault is located by the manifest, the entry and the field — never reported as a fault of the files
it describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from parindex_lib.config import PROJECT_ROOT
from parindex_lib.errors import Problem
from parindex_lib.model import schema
from parindex_lib.model.components import match_level
from parindex_lib.readers.criteria import manifest_problems as criteria_manifest_problems

MANIFEST = "manifest.yaml"


def display(path: Path) -> str:
    """A path as the user knows it: relative to the project (or the current folder) when inside it."""
    resolved = path.parent.resolve() / path.name  # a link is shown where it lies, not where it leads
    for base in (PROJECT_ROOT, Path.cwd()):
        try:
            return str(resolved.relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


@dataclass(frozen=True)
class Manifest:
    """A raw folder's ``manifest.yaml`` read: the entries that are right, and the faults of the others.

    ``unreadable`` is set when the manifest as a whole cannot be read (not UTF-8, not YAML, not a mapping);
    ``faulty`` names the files whose entry is wrong. A plan table whose unit the manifest should have given
    then carries no fault of its own: the manifest's fault is the one cause.
    """

    entries: dict[str, dict]
    problems: tuple[Problem, ...] = ()
    unreadable: bool = False
    faulty: frozenset[str] = frozenset()

    def fault_for(self, name: str) -> bool:
        """Whether the manifest meant to describe ``name`` could not (it, or its entry, is wrong)."""
        return self.unreadable or name in self.faulty


def read_manifest(folder: Path) -> Manifest:
    """The ``manifest.yaml`` of a raw folder (an empty one when the folder has none), with every fault located
    by the manifest, the entry and the field."""
    path = folder / MANIFEST
    if not path.exists():
        return Manifest({})
    name = display(path)

    def unreadable(value: object, expected: str) -> Manifest:
        return Manifest({}, (Problem(name, None, None, value, expected),), unreadable=True)

    data = path.read_bytes()
    try:
        spec = yaml.safe_load(data.decode("utf-8")) or {}
    except UnicodeDecodeError:
        kind = "UTF-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200] else "another encoding"
        return unreadable(None, f"is not UTF-8 text: it is saved in {kind} (expected a UTF-8 manifest: in the "
                                "editor, save it with the UTF-8 encoding)")
    except yaml.YAMLError as exc:
        return unreadable(None, f"is not valid YAML ({' '.join(str(exc).split())})")
    if not isinstance(spec, dict):
        return unreadable(type(spec).__name__, "is not a mapping (expected \"files:\" followed by one entry per "
                                               "file name, e.g. \"plan.tsv: {unit: Tam Đường, level: district}\")")
    files = spec.get("files", {})
    if not isinstance(files, dict):
        return Manifest({}, (Problem(name, None, "files", type(files).__name__,
                                     "is not a mapping of file name → unit, level (expected e.g. "
                                     "\"plan.tsv: {unit: Tam Đường, level: district}\")"),), unreadable=True)
    problems, out, faulty = [], {}, set()
    for key, entry in files.items():
        found = _entry_problems(name, str(key), entry)
        if not found:  # a self-assessment's keys (scheme, year, period, sheets…); a period word becomes its code
            entry = dict(entry or {})
            found = criteria_manifest_problems(name, str(key), entry)
        if found:
            problems += found
            faulty.add(str(key))
            continue
        entry = dict(entry or {})
        if "level" in entry:
            entry["level"] = match_level(entry["level"])
        out[str(key)] = entry
    return Manifest(out, tuple(problems), faulty=frozenset(faulty))


def _entry_problems(name: str, key: str, entry: object) -> list[Problem]:
    where = f"files / {key}"
    if entry is not None and not isinstance(entry, dict):
        return [Problem(name, None, where, entry, "is not a mapping: the entry is written as plain text (expected "
                                                  f"e.g. \"{key}: {{unit: Tam Đường, level: district}}\")")]
    problems = []
    for field_name in ("unit", "level", "province"):
        if field_name in (entry or {}) and not isinstance(entry[field_name], str):
            problems.append(Problem(name, None, f"{where} / {field_name}", entry[field_name],
                                    "is not text (expected a name)"))
    level = (entry or {}).get("level")
    if isinstance(level, str) and match_level(level) is None:
        problems.append(Problem(name, None, f"{where} / level", level,
                                f"is not a level (expected one of {', '.join(schema.LEVELS)})"))
    return problems
