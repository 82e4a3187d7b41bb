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
from parindex_lib.errors import Problem, Reason, because
from parindex_lib.model import schema
from parindex_lib.model.components import match_level
from parindex_lib.readers.criteria import manifest_problems as criteria_manifest_problems

MANIFEST = "manifest.yaml"
#: A manifest's entry as an example in its faults (YAML, as written in the file).
ENTRY_EXAMPLE = "{unit: Tam Đường, level: district}"
EXAMPLE = f"plan.tsv: {ENTRY_EXAMPLE}"


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

    def unreadable(value: object, expected: Reason) -> Manifest:
        return Manifest({}, (Problem(name, None, None, value, expected),), unreadable=True)

    data = path.read_bytes()
    try:
        spec = yaml.safe_load(data.decode("utf-8")) or {}
    except UnicodeDecodeError:
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200]
        kind = "UTF-16" if utf16 else because("read_another_encoding", "another encoding")
        return unreadable(None, because("read_manifest_not_utf8", "is not UTF-8 text: it is saved in {encoding} "
                                        "(expected a UTF-8 manifest: in the editor, save it with the UTF-8 encoding)",
                                        encoding=kind))
    except yaml.YAMLError as exc:
        return unreadable(None, _not_yaml(exc))
    if not isinstance(spec, dict):
        return unreadable(type(spec).__name__, because(
            "read_manifest_not_a_mapping", 'is not a mapping (expected "files:" followed by one entry per file name, '
            'e.g. "{example}")', example=EXAMPLE))
    files = spec.get("files", {})
    if not isinstance(files, dict):
        return Manifest({}, (Problem(name, None, "files", type(files).__name__, because(
            "read_manifest_files_not_a_mapping", 'is not a mapping of file name → unit, level (expected e.g. '
            '"{example}")', example=EXAMPLE)),), unreadable=True)
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


def _not_yaml(exc: yaml.YAMLError) -> Reason:
    """Where YAML stops reading, by line and column (the parser's own words are English)."""
    text = " ".join(str(exc).split())
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return because("read_manifest_not_yaml", "is not valid YAML ({error})", error=text)
    return because("read_manifest_not_yaml_at", "is not valid YAML ({error})", error=text, line=mark.line + 1,
                   column=mark.column + 1)


def _entry_problems(name: str, key: str, entry: object) -> list[Problem]:
    where = f"files / {key}"
    if entry is not None and not isinstance(entry, dict):
        return [Problem(name, None, where, entry, because(
            "read_manifest_entry_as_text", 'is not a mapping: the entry is written as plain text (expected e.g. '
            '"{file}: {example}")', file=key, example=ENTRY_EXAMPLE))]
    problems = []
    for field_name in ("unit", "level", "province"):
        if field_name in (entry or {}) and not isinstance(entry[field_name], str):
            problems.append(Problem(name, None, f"{where} / {field_name}", entry[field_name],
                                    because("read_manifest_not_text", "is not text (expected a name)")))
    level = (entry or {}).get("level")
    if isinstance(level, str) and match_level(level) is None:
        problems.append(Problem(name, None, f"{where} / level", level, because(
            "read_manifest_not_a_level", "is not a level (expected one of {levels})", levels=", ".join(schema.LEVELS))))
    return problems
