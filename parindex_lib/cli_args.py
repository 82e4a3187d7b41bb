"""The ``parindex`` command's arguments: the parser, its sub-commands and the argparse types that check values
(a percentage, a number of workers, a cell's time limit), each refusal said in one line, in the command's language
(``--lang``, read before the arguments are: a usage error comes first)."""

from __future__ import annotations

import argparse
import math
import re
from functools import partial
from pathlib import Path

from parindex_lib import __version__
from parindex_lib.batch.kernels import MAX_CELL_TIMEOUT
from parindex_lib.errors import Reason, because
from parindex_lib.present.i18n import LANGS, say, t


class _Parser(argparse.ArgumentParser):
    """argparse that says a usage error in one line (and exits 2), like every other error here, in ``lang``."""

    lang = "vi"

    def error(self, message: str):
        lang = self.lang
        said = say(usage_reason(message), lang)
        self.exit(2, f"{self.prog}: {t('cli_error', lang)}: {said} {t('cli_see_help', lang, prog=self.prog)}\n")


def command_language(argv: list[str]) -> str:
    """The language a command speaks before its arguments are read: the last ``--lang`` of ``argv`` that is a
    language (``vi`` when none is)."""
    lang = "vi"
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg.partition("=")[2] \
            if arg.startswith("--lang=") else None
        lang = value if value in LANGS else lang
    return lang


def usage_reason(message: str) -> Reason | str:
    """An argparse refusal (its own words are English) as a cause said in the command's language; a form not
    known here stays as argparse wrote it."""
    command = because("cmd_usage_command", "command")  # the sub-command's place (argparse's dest)
    forms = [
        (r"argument (\S+): (.*)", lambda m: because("cmd_usage_argument", "argument {option}: {why}",
                                                   option=command if m[1] == "command" else m[1],
                                                   why=usage_reason(m[2]))),
        (r"invalid choice: (.*) \(choose from (.*)\)",
         lambda m: because("cmd_usage_choice", "invalid choice: {value} (choose from {choices})", value=m[1],
                           choices=m[2])),
        (r"invalid int value: (.*)", lambda m: because("cmd_usage_int", "invalid int value: {value}", value=m[1])),
        (r"expected one argument", lambda m: because("cmd_usage_one_value", "expected one argument")),
        (r"unrecognized arguments: (.*)",
         lambda m: because("cmd_usage_unknown", "unrecognized arguments: {arguments}", arguments=m[1])),
        (r"the following arguments are required: (.*)",
         lambda m: because("cmd_usage_required", "the following arguments are required: {arguments}",
                           arguments=command if m[1] == "command" else m[1])),
    ]
    for pattern, reason in forms:
        match = re.fullmatch(pattern, message, re.S)
        if match:
            return reason(match)
    return message


def _parser(lang: str = "vi") -> argparse.ArgumentParser:
    """The command's arguments; a refusal of one is said in ``lang``."""
    parser = _Parser(prog="parindex", description="PAR INDEX analysis workbench. Commands run in a project folder "
                     "(made by `parindex init`): the current folder or the nearest above it holding data/raw.")
    parser.add_argument("--version", action="version", version=f"parindex {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    common = _Parser(add_help=False)  # --debug also after the subcommand
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    common.add_argument("--schemes", action="append", type=Path, default=[], metavar="DIR",
                        help="a folder of scheme files searched besides the packaged ones and data/schemes "
                             "(repeatable)")
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="create a project folder: example data, parameter files, templates, a README")
    init.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    init.add_argument("folder", nargs="?", default=".", type=Path, help="the new project's folder (default: here)")
    init.add_argument("--force", action="store_true",
                      help="also fill a folder that is not empty (no file there is overwritten)")
    init.add_argument("--lang", default="vi", choices=["vi", "en"], help="language of what is printed")

    std = sub.add_parser("standardise", aliases=["standardize"], parents=[common],
                         help="read raw tables, validate, write data/processed/scores.csv")
    std.add_argument("raw", nargs="*", type=Path,
                     help="raw files and folders (a folder: its files and its manifest; default data/raw)")
    std.add_argument("--unit", help="the unit of plan tables that do not name it (instead of the manifest)")
    std.add_argument("--level", help="that unit's level: province, department, district or commune")
    std.add_argument("--out", type=Path, help="output folder (default: the project's data/processed)")
    std.add_argument("--scheme", help="the scheme self-assessment sheets of criteria are scored by, where the "
                                      "manifest names none (e.g. illustrative-commune-2024)")
    _keep_flag(std)
    std.add_argument("--lang", default="vi", choices=["vi", "en"], help="language of the summary printed")

    lift = sub.add_parser("lift", parents=[common], help="cheapest improvements that lift the total to the target")
    lift.add_argument("--unit", required=True, help="the unit (diacritics and case may be left out when unique)")
    lift.add_argument("--level", help="its level, when the name is found at several (province, commune…)")
    lift.add_argument("--year", type=int, required=True, help="year of the results to start from")
    lift.add_argument("--period", default="FY", help="FY (default) or Q1..Q4")
    lift.add_argument("--target", type=partial(_percent, lang=lang), default=None,
                      help="total to reach, in %% (0, 100] (default: the plan's total target, else 80)")
    lift.add_argument("--scheme", default=None,
                      help="weighting scheme (default: the points in the data, else the unit's level and year)")
    lift.add_argument("--cost-model", default=None, choices=["gap", "linear", "actions"],
                      help="how components are chosen (default gap); not with --criteria")
    lift.add_argument("--criteria", action="store_true",
                      help="lift at criterion level (a unit scored by criteria): the cheapest set of criterion "
                           "changes, solved exactly; --costs and --ceilings are then files per criterion")
    lift.add_argument("--costs", type=Path, help="CSV: component, cost_per_pp (linear model); with --criteria: "
                                                 "criterion or lead office, effort per step")
    lift.add_argument("--actions", type=Path, help="CSV/XLSX: action, component, gain, cost, lead_units, deadline")
    lift.add_argument("--ceilings", help="CSV of component, ceiling; or 'peers': the best any peer reached; with "
                                         "--criteria: criterion, the best points this year (or \"không thể\")")
    lift.add_argument("--bound", default="ge", choices=["ge", "gt"], help="ge: reach; gt: exceed by 0,01")
    lift.add_argument("--scores", type=Path,
                      help="standardised scores (default: the project's data/processed/scores.csv)")
    lift.add_argument("--lang", default="vi", choices=["vi", "en"])
    lift.add_argument("--format", default="text", choices=["text", "json"])
    _keep_flag(lift)

    _criteria_parser(sub, common)

    run = sub.add_parser("run", parents=[common],
                         help="standardise, execute every notebook per unit, render HTML reports")
    run.add_argument("--params", type=Path,
                     help="a parameter file, e.g. params/2024-FY.yaml (or its name in the project's params/: 2024-FY)")
    run.add_argument("--unit", action="append", help="unit(s) to report on (default: every unit with results)")
    run.add_argument("--level", help="report only on units of this level (province, department, district, commune)")
    run.add_argument("--year", type=int, help="reporting year (default: the params file's, else 2024)")
    run.add_argument("--period", help="FY or Q1..Q4 (default: the params file's, else FY)")
    run.add_argument("--lang", choices=["vi", "en"], help="report language (default vi; en goes to <year>-<period>-en)")
    run.add_argument("--out", type=Path, help="reports folder (default: the project's reports)")
    run.add_argument("--raw", type=Path, help="raw folder (default: the project's data/raw)")
    run.add_argument("--processed", type=Path, help="standardised tables (default: the project's data/processed)")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="any other notebook parameter, e.g. --set target=82")
    run.add_argument("--workers", type=partial(_workers, lang=lang), default=None,
                     help="parallel workers (default: the machine's cores)")
    run.add_argument("--executor", default="local", choices=["local", "dask"],
                     help="local worker processes (default), or a Dask cluster (--scheduler, else a LocalCluster)")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="a Dask scheduler, e.g. tcp://HOST:8786 or tls://HOST:8786 (with --executor dask)")
    run.add_argument("--cell-timeout", type=partial(_seconds, lang=lang), default=600, metavar="SECONDS",
                     help="seconds a notebook cell may run before its page fails and its kernel is replaced")
    run.add_argument("--force", action="store_true",
                     help="write into a reports folder parindex did not create (its files are kept)")
    _keep_flag(run)
    _explore_parser(sub, common)
    for each in (parser, *sub.choices.values()):
        each.lang = lang
    return parser


def _keep_flag(parser: argparse.ArgumentParser) -> None:
    """``--keep-inconsistent``, on every command that standardises the raw files (again)."""
    parser.add_argument("--keep-inconsistent", action="store_true",
                        help="keep what a file publishes that does not add up (a total that is not the sum of its "
                             "blocks, a criteria sheet's parent that is not the sum of its children, component rows "
                             "that disagree with the criteria) as flagged inconsistencies, not errors; recorded, and "
                             "run, lift and explore keep it when they standardise again")


def _explore_parser(sub, common: argparse.ArgumentParser) -> None:
    explore = sub.add_parser("explore", parents=[common],
                             help="serve the scenario explorer in a browser, without code (Voilà)")
    explore.add_argument("--port", type=int, default=8866, help="port to listen on (default 8866)")
    explore.add_argument("--ip", default="127.0.0.1",
                         help="address to listen on (default: this machine only; 0.0.0.0 lets the office network "
                              "in — anyone who reaches it can use the explorer and export scenarios)")
    explore.add_argument("--no-browser", action="store_true", help="do not open a browser")
    explore.add_argument("--lang", default="vi", choices=["vi", "en"], help="language (default vi)")
    explore.add_argument("--scores", type=Path,
                         help="standardised scores (default: the project's data/processed/scores.csv, standardised "
                              "again when out of date)")
    _keep_flag(explore)


def _criteria_parser(sub, common: argparse.ArgumentParser) -> None:
    crit = sub.add_parser("criteria", parents=[common],
                          help="check a criteria tree (a YAML, .xlsx or .csv file, or a shipped tree's name) and "
                               "describe it: every fault located, or its areas, maxima and rules")
    crit.add_argument("tree", help="the tree's file, e.g. data/schemes/criteria/tinh-x.xlsx, or a shipped tree's "
                                   "name, e.g. illustrative-commune")
    crit.add_argument("--lang", default="vi", choices=["vi", "en"], help="language of what is printed")
    crit.add_argument("--format", default="text", choices=["text", "json"])


def _refused(reason: Reason, lang: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(say(reason, lang))


def _percent(text: str, lang: str = "vi") -> float:
    """An argparse type: a finite percentage in (0, 100] ("80", "80,5")."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise _refused(because("cmd_not_a_number", '"{text}" is not a number (expected e.g. 80)', text=text),
                       lang) from None
    if not math.isfinite(value) or not 0 < value <= 100:
        raise _refused(because("cmd_not_a_percentage", '"{text}" is not a percentage in (0, 100] (expected e.g. 80)',
                               text=text), lang)
    return value


def _workers(text: str, lang: str = "vi") -> int:
    """An argparse type: a whole number of workers, 1 or more."""
    if not re.fullmatch(r"\s*\+?\d+\s*", text) or int(text) < 1:
        raise _refused(because("cmd_not_workers", '"{text}" is not a number of workers (expected a whole number, 1 '
                               "or more, e.g. 2)", text=text), lang)
    return int(text)


def _seconds(text: str, lang: str = "vi") -> float:
    """An argparse type: a cell's time limit in seconds, above 0 and at most a week ("600", "1,5")."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise _refused(because("cmd_not_seconds", '"{text}" is not a number of seconds (expected e.g. 600)',
                               text=text), lang) from None
    if not math.isfinite(value) or not 0 < value <= MAX_CELL_TIMEOUT:
        raise _refused(because("cmd_not_a_time_limit", '"{text}" is not a time limit in seconds above 0 and at most '
                               "{limit} (a week) (expected e.g. 600)", text=text, limit=MAX_CELL_TIMEOUT), lang)
    return value
