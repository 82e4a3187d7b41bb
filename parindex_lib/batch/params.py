"""The report notebooks' parameters: one definition, the params files read against it, values checked.

Every report notebook (:data:`parindex_lib.present.pages.PAGES`) declares the same parameters in its
``parameters`` cell; :data:`PARAMETERS` is that cell as data and :func:`parameters_cell` writes it, so the
copies in the notebooks cannot drift apart (a test compares them, :func:`write_parameters_cell` rewrites
them, and a run refuses a notebook that declares other parameters). A params file
(``params/<year>-<period>.yaml``) and ``--set`` give values for some of them; :func:`coerce_parameters`
casts those to the declared types and :func:`check_values` refuses values every page would fail on,
before anything runs.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
import yaml

from parindex_lib.errors import ParindexError, Reason, because, os_reason
from parindex_lib.model.schema import PERIODS
from parindex_lib.model.schemes import Scheme, load_scheme
from parindex_lib.present.i18n import LANGS


@dataclass(frozen=True)
class Parameter:
    """One notebook parameter: its name, type, default (what an analyst opening the notebook gets) and help."""

    name: str
    kind: type
    default: object
    help: str
    #: Set by the batch for every page, never taken from a params file or the command line.
    set_by_batch: bool = False

    def line(self) -> str:
        """The parameter's line in the notebooks' ``parameters`` cell."""
        value = json.dumps(self.default, ensure_ascii=False) if isinstance(self.default, str) else repr(self.default)
        return f"{self.name}: {self.kind.__name__} = {value}".ljust(49) + f"  # {self.help}"


PARAMETERS: tuple[Parameter, ...] = (
    # Paths empty: the project's (the notebooks live in the package, so a path relative to them means nothing).
    Parameter("scores_path", str, "", "standardised scores; empty: the project's (data/processed)", True),
    Parameter("tasks_path", str, "", "the plan's tasks and lead offices; empty: the project's", True),
    Parameter("raw_dir", str, "", "raw inputs, hashed for provenance; empty: the project's data/raw", True),
    Parameter("peers_path", str, "", "rank intervals computed once by `parindex run`; empty: here", True),
    Parameter("indices_path", str, "", "each unit's index built once by `parindex run`; empty: here", True),
    Parameter("unit", str, "Tam Đường", "unit to report on", True),
    Parameter("level", str, "", "its level, when the name is found at several", True),
    Parameter("year", int, 2024, "reporting year"),
    Parameter("period", str, "FY", "FY or Q1..Q4"),
    Parameter("target", float, 80.0, "total to reach, in percent (0, 100]"),
    Parameter("bound", str, "ge", "ge: reach the target; gt: exceed it by 0,01"),
    Parameter("scheme", str, "", "weighting scheme; empty: from the points in the data, else the level"),
    Parameter("lang", str, "vi", "vi or en"),
    Parameter("analyst_cells", bool, False, "show the what-if cells for analysts in the HTML"),
)
DECLARED = {p.name: p for p in PARAMETERS}
DEFAULTS = {p.name: p.default for p in PARAMETERS}
#: Parameters the batch sets itself for every page: never taken from a params file or the command line.
BATCH_SET = tuple(p.name for p in PARAMETERS if p.set_by_batch)


def parameters_cell() -> str:
    """The source of every report notebook's ``parameters`` cell."""
    return "\n".join(p.line() for p in PARAMETERS)


def write_parameters_cell(notebook: str | Path) -> None:
    """Replace a notebook's ``parameters`` cell with :func:`parameters_cell` (after changing :data:`PARAMETERS`)."""
    nb = nbformat.read(str(notebook), as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    cell.source = parameters_cell()
    nbformat.write(nb, str(notebook))


def notebook_parameters(notebook: str | Path) -> dict[str, dict]:
    """The parameters a notebook declares (name → default, type, help), read by papermill."""
    return papermill.inspect_notebook(str(notebook))


def check_notebook_parameters(notebook: Path) -> None:
    """Refuse a report notebook whose parameters are not :data:`PARAMETERS` (names and types).

    Raises
    ------
    ParindexError
        Naming the notebook, the parameters it lacks or adds, and those of another type.
    """
    declared = notebook_parameters(notebook)
    missing = [name for name in DECLARED if name not in declared]
    extra = [name for name in declared if name not in DECLARED]
    retyped = [name for name, p in DECLARED.items() if name in declared
               and (declared[name].get("inferred_type_name") or "").split("[")[0] != p.kind.__name__]
    problems = [why for why, names in
                ((because("run_cell_lacks", "lacks {names}", names=", ".join(missing)), missing),
                 (because("run_cell_adds", "adds {names}", names=", ".join(extra)), extra),
                 (because("run_cell_retypes", "gives another type to {names}", names=", ".join(retyped)), retyped))
                if names]
    if problems:
        raise ParindexError(reason=because("run_parameters_cell", "{notebook}: its parameters cell {problems} (every "
                                           "report notebook declares the same parameters, in the cell tagged "
                                           "parameters)", notebook=notebook, problems="; ".join(map(str, problems)),
                                           left=problems))


#: Where parameters come from, when not a params file.
FROM_PARAMETERS = because("run_from_parameters", "parameters")
FROM_COMMAND_LINE = because("run_from_command_line", "command line")
#: What a parameter of each type must be, in a cause.
KINDS = {"int": because("run_kind_int", "a whole number"), "float": because("run_kind_float", "a number"),
         "bool": because("run_kind_bool", "true or false"), "str": because("run_kind_str", "text")}


def _cast(name: str, value: object, kind: str, origin: str | Reason) -> object:
    what = KINDS.get(kind, kind)
    bad = ParindexError(reason=because("run_parameter_not_of_kind", '{origin}: parameter {name} = "{value}" is not '
                                       "{what}", origin=origin, name=name, value=value, what=what))
    if isinstance(value, bool) and kind != "bool":
        raise bad
    if kind == "int":
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
            return int(value)
        raise bad
    if kind == "float":
        if isinstance(value, int | float) or (isinstance(value, str) and value.strip()):
            try:
                number = float(value.replace(",", ".") if isinstance(value, str) else value)
            except ValueError:
                raise bad from None
            if not math.isfinite(number):
                raise ParindexError(reason=because("run_parameter_not_finite", '{origin}: parameter {name} = '
                                                   '"{value}" is not a finite number', origin=origin, name=name,
                                                   value=value))
            return number
        raise bad
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "false", "1", "0", "yes", "no"}:
            return value.strip().lower() in {"true", "1", "yes"}
        raise bad
    if not isinstance(value, str):
        raise bad
    return value


def coerce_parameters(given: dict, origin: str | Reason) -> dict:
    """Check names against :data:`PARAMETERS` and cast values to the declared types.

    Raises
    ------
    ParindexError
        For an unknown (e.g. misspelt) name, a parameter the batch sets itself, or a value of the wrong
        type — before anything runs (papermill alone only warns).
    """
    reserved = sorted(set(given) & set(BATCH_SET))
    if reserved:
        raise ParindexError(reason=because("run_parameter_reserved", "{origin}: parameter(s) {names} are set by the "
                                           "batch for every unit (choose units with --unit, data with --raw and "
                                           "--processed)", origin=origin, names=", ".join(reserved)))
    unknown = sorted(set(given) - set(DECLARED))
    if unknown:
        hints = [because("run_did_you_mean", '"{name}" (did you mean "{hint}"?)', name=u, hint=m[0])
                 if (m := difflib.get_close_matches(u, DECLARED, 1)) else because("run_quoted", '"{name}"', name=u)
                 for u in unknown]
        raise ParindexError(reason=because("run_unknown_parameters", "{origin}: unknown parameter(s) {names}; the "
                                           "notebooks take: {taken}", origin=origin,
                                           names=", ".join(map(str, hints)), left=hints,
                                           taken=", ".join(k for k in DECLARED if k not in BATCH_SET)))
    return {name: _cast(name, value, DECLARED[name].kind.__name__, origin) for name, value in given.items()}


def load_params(path: Path | None) -> dict:
    """A params/*.yaml file: a mapping of notebook parameters (and optionally ``units`` and ``level``).

    Raises
    ------
    ParindexError
        For a missing file, a folder, a file that is not UTF-8 YAML, or one that is not a mapping.
    """
    if path is None:
        return {}
    path = Path(path)
    if not path.exists():
        raise ParindexError(reason=because("run_params_missing", "{file}: parameter file does not exist", file=path))
    if path.is_dir():
        raise ParindexError(reason=because("run_params_folder", "{file}: is a folder (expected a params/*.yaml file)",
                                           file=path))
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError:
        raise ParindexError(reason=because("run_params_not_utf8", "{file}: is not UTF-8 text (save the parameter "
                                           "file as UTF-8)", file=path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParindexError(reason=because("run_params_not_yaml", "{file}: not valid YAML ({error})", file=path,
                                           error=exc, line=mark.line + 1 if mark else "?")) from None
    except OSError as exc:
        raise ParindexError(reason=because("run_params_unreadable", "{file}: cannot be read ({error})", file=path,
                                           error=exc.strerror or exc, why=os_reason(exc))) from None
    if not isinstance(spec, dict):
        raise ParindexError(reason=because("run_params_not_mapping", "{file}: expected a mapping of parameter names "
                                           "to values", file=path))
    units = spec.get("units")
    if units is not None and not (isinstance(units, list) and all(isinstance(u, str) for u in units)):
        raise ParindexError(reason=because("run_params_units", '{file}: units = "{units}" is not a list of unit '
                                           "names", file=path, units=units))
    return spec


def check_values(params: dict, origin: str | Reason) -> Scheme | None:
    """Reject values every page would fail on (language, period, bound, scheme, target) before anything runs.

    Returns the scheme asked for, loaded and checked once for the whole run (None: each unit's own).
    """
    if "lang" in params and params["lang"] not in LANGS:
        raise ParindexError(reason=because("run_unknown_lang", 'language "{lang}" is not supported (expected one of '
                                           "{langs})", lang=params["lang"], langs=", ".join(LANGS)))
    if "period" in params and params["period"] not in PERIODS:
        raise ParindexError(reason=because("run_unknown_period", '{origin}: period "{period}" is not one of '
                                           "{periods}", origin=origin, period=params["period"],
                                           periods=", ".join(PERIODS)))
    if "bound" in params and params["bound"] not in ("ge", "gt"):
        raise ParindexError(reason=because("run_unknown_bound", '{origin}: bound "{bound}" is not ge or gt',
                                           origin=origin, bound=params["bound"]))
    scheme = None
    if params.get("scheme"):
        scheme = load_scheme(params["scheme"])
        scheme.weights()  # unknown or incomplete: the scheme's own message
    if "target" in params and not 0 < params["target"] <= 100:
        raise ParindexError(reason=because("run_target_not_pct", "{origin}: target = {target} is not a percentage in "
                                           "(0, 100] (expected e.g. 80)", origin=origin, target=params["target"]))
    return scheme
