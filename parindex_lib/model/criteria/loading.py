"""Criteria trees from YAML (or inline in a scheme) and from files found by path or shipped name."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import yaml

from parindex_lib.config import CRITERIA_DIR, PACKAGE_DIR, PROJECT_ROOT
from parindex_lib.errors import because, cause_of
from parindex_lib.model.criteria.build import Draft, Where, build_tree, short
from parindex_lib.model.criteria.codes import normalise_code
from parindex_lib.model.criteria.problems import CriteriaError, CriterionProblem
from parindex_lib.model.criteria.rule_text import is_number
from parindex_lib.model.criteria.tree import CriteriaTree
from parindex_lib.vn import nfc

SPREADSHEET_SUFFIXES = {".xlsx", ".csv", ".tsv", ".txt"}
YAML_SUFFIXES = {".yaml", ".yml"}

# -- YAML (or inline) trees ------------------------------------------------------------------------------

_YAML_FIELDS = {"code", "parent", "name_vi", "name_en", "max", "max_points", "rule", "component", "lead", "lead_units",
                "incomplete", "capped", "note", "name"}
_META_FIELDS = {"name", "title_vi", "title_en", "source", "level", "partial", "illustrative", "criteria", "file",
                "years", "note"}


def tree_from_spec(spec: object, file: str, name: str = "") -> CriteriaTree:
    """A tree from a YAML mapping (``criteria: [{code, name_vi, name_en, max, rule, component, lead}, …]``,
    with ``name``, ``title_vi``, ``title_en``, ``source``, ``partial``, ``illustrative``) or a bare list of items.

    Raises
    ------
    CriteriaError
        Every problem, located by file, criterion and field.
    """
    where = Where(file)
    if isinstance(spec, list):
        spec = {"criteria": spec}
    if not isinstance(spec, Mapping) or not isinstance(spec.get("criteria"), list):
        raise CriteriaError(CriterionProblem(file, None, "criteria", "", because(
            "crit_not_a_list", 'is not a list of criteria (expected {example})',
            example='criteria: [{code: "1", name_vi: …, max: 20, component: C1}, …]'), field_word="field"))
    problems: list[CriterionProblem] = []
    unknown_meta = sorted(set(spec) - _META_FIELDS)
    for key in unknown_meta:
        problems.append(CriterionProblem(file, None, str(key), spec[key], because(
            "crit_not_a_file_field", "is not a field of a criteria file (expected: {fields})",
            fields=", ".join(sorted(_META_FIELDS))), field_word="field"))
    drafts = [d for i, item in enumerate(spec["criteria"], start=1)
              if (d := _draft(item, i, where, problems)) is not None]
    try:
        tree = build_tree(drafts, where, {**spec, "name": spec.get("name") or name})
    except CriteriaError as exc:
        raise CriteriaError(problems + exc.problems) from None
    if problems:
        raise CriteriaError(problems)
    return tree


def _draft(item: object, i: int, where: Where, problems: list[CriterionProblem]) -> Draft | None:
    """The ``i``-th item of a YAML tree as a draft (``None`` when it cannot be one: its problem is recorded)."""
    file = where.file
    label = because("crit_item", "criteria item {number}", number=i)
    if not isinstance(item, Mapping):
        problems.append(CriterionProblem(file, None, label, short(str(item)), because(
            "crit_item_not_mapping", "is not a mapping (expected {example})",
            example='{code: "1.1", name_vi: …, max: 5}'), field_word="field"))
        return None
    raw_code = item.get("code")
    if isinstance(raw_code, float):
        problems.append(CriterionProblem(file, None, "code", raw_code, because(
            "crit_code_a_number", 'is a number in YAML (expected the code in quotes, "{code}", so that 1.10 '
                                  "stays 1.10 and not 1.1)", code=str(raw_code)), field_word="field"))
        return None
    try:
        code = normalise_code(raw_code if raw_code is not None else "")
    except ValueError as exc:
        problems.append(CriterionProblem(file, None, because("crit_item_code", "{item} / code", item=label),
                                         raw_code, cause_of(exc), field_word="field"))
        return None
    draft = Draft(code, nfc(item.get("name_vi", item.get("name", "")) or ""), None)
    for key in sorted(set(item) - _YAML_FIELDS):
        problems.append(where.problem(draft, key, short(str(item[key])), because(
            "crit_not_a_criterion_field", "is not a field of a criterion (expected: {fields})",
            fields=", ".join(sorted(_YAML_FIELDS - {"name"})))))
    top = item.get("max", item.get("max_points"))
    if is_number(top):
        draft.max_points = float(top)
    else:
        problems.append(where.problem(draft, "max", top, because(
            "crit_max_not_number", "is not a number of points (expected the criterion's maximum, e.g. 2)")))
    if item.get("parent") is not None:
        try:
            draft.parent = normalise_code(item["parent"])
        except ValueError as exc:
            problems.append(where.problem(draft, "parent", item["parent"], cause_of(exc)))
    draft.name_en = nfc(item.get("name_en", "") or "")
    draft.rule = item.get("rule")
    draft.component = str(item.get("component", "") or "").strip().upper()
    lead = item.get("lead", item.get("lead_units"))
    draft.lead_units = nfc(lead) if lead else None
    draft.incomplete = nfc(item["incomplete"]) if item.get("incomplete") else None
    draft.capped = nfc(item["capped"]) if item.get("capped") else None
    draft.note = nfc(item.get("note", "") or "")
    return draft


# -- finding and loading trees ---------------------------------------------------------------------------


def criteria_dirs(extra_dirs: tuple[Path, ...] = ()) -> list[Path]:
    """Where named trees are found: the package's, then ``criteria/`` beside each extra scheme folder."""
    return [CRITERIA_DIR, *(Path(d) / "criteria" for d in extra_dirs)]


def available_criteria(extra_dirs: tuple[Path, ...] = ()) -> list[str]:
    """Names of the trees shipped (and found in ``criteria/`` beside ``extra_dirs``), sorted."""
    suffixes = YAML_SUFFIXES | {".xlsx", ".csv"}
    return sorted({p.stem for d in criteria_dirs(extra_dirs) if d.is_dir() for p in d.iterdir()
                   if p.suffix.lower() in suffixes})


def load_criteria(source: str | Path | Mapping | list, base_dir: Path | None = None,
                  extra_dirs: tuple[Path, ...] = (), meta: Mapping | None = None) -> CriteriaTree:
    """Load a criteria tree: a file (YAML, ``.xlsx``, ``.csv``), a file relative to ``base_dir`` (a scheme's
    folder), the name of a shipped tree (``ca-mau-1880-2013``), or an inline mapping or list.

    ``meta`` (a scheme's ``criteria:`` mapping) adds what a spreadsheet cannot say: ``title_vi``, ``source``,
    ``partial``, ``illustrative``…

    Raises
    ------
    CriteriaError
        For a tree that cannot be found or is not valid (every problem located).

    Examples
    --------
    >>> tree = load_criteria("illustrative-commune")
    >>> tree.illustrative, len(tree.areas), tree.maximum
    (True, 11, 100.0)
    """
    if isinstance(source, Mapping | list) and not (isinstance(source, Mapping) and "file" in source):
        where = str(base_dir / "(inline criteria)") if base_dir else "(inline criteria)"
        return tree_from_spec(source, where)
    if isinstance(source, Mapping):
        meta = {k: v for k, v in source.items() if k != "file"}
        source = source["file"]
    path = _find(str(source), base_dir, extra_dirs)
    stat = path.stat()
    items = tuple(sorted((meta or {}).items(), key=lambda kv: kv[0])) if meta else ()
    return _load_path(path, stat.st_mtime_ns, stat.st_size, items)


def _find(source: str, base_dir: Path | None, extra_dirs: tuple[Path, ...]) -> Path:
    candidates = []
    given = Path(source)
    if given.is_absolute():
        candidates.append(given)
    else:
        if base_dir is not None:
            candidates.append(Path(base_dir) / given)
        candidates.append(given)
        if not given.suffix:
            for d in criteria_dirs(extra_dirs):
                candidates += [d / f"{source}{s}" for s in (".yaml", ".yml", ".xlsx", ".csv")]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    where = because("crit_looked_in", " (looked in {folder})", folder=str(base_dir)) if base_dir else ""
    shipped = ", ".join(available_criteria()) or because("crit_none", "none")
    raise CriteriaError(CriterionProblem(str(source), None, None, source, because(
        "crit_no_tree", "is not a criteria file or a shipped tree{where} (expected a YAML, .xlsx or .csv file, or "
                        "one of: {shipped})", where=where, shipped=shipped)))


@cache
def _load_path(path: Path, mtime_ns: int, size: int, meta_items: tuple = ()) -> CriteriaTree:
    """A tree read once per file version (and scheme metadata)."""
    meta = dict(meta_items)
    file = _display(path)
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise CriteriaError(CriterionProblem(file, None, None, "", because(
                "crit_not_utf8", "is not UTF-8 text (save it as UTF-8)"))) from None
        except yaml.YAMLError as exc:
            raise CriteriaError(CriterionProblem(file, None, None, "", because(
                "crit_not_yaml", "is not valid YAML ({error})", error=str(exc)))) from None
        if isinstance(spec, Mapping):
            spec = {**spec, **meta}
        return tree_from_spec(spec, file, name=path.stem)
    if suffix in SPREADSHEET_SUFFIXES:
        # Spreadsheets are read by the readers layer, which imports the model: imported here, not at the top.
        from parindex_lib.readers.criteria_tree import read_tree_file

        return read_tree_file(path, file, {"name": path.stem, **meta})
    raise CriteriaError(CriterionProblem(file, None, None, path.suffix, because(
        "crit_not_a_file_type", "is not a criteria file type (expected .yaml, .xlsx or .csv)")))


def _display(path: Path) -> str:
    for base in (PROJECT_ROOT, PACKAGE_DIR.parent, Path.cwd()):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)
