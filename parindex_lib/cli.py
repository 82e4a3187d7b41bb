"""The ``parindex`` command: init, standardise, lift, run.

Every command works in a project folder (made by ``parindex init``): the current folder or the nearest
folder above it holding ``data/raw``, or ``$PARINDEX_ROOT``; ``--raw``, ``--processed``, ``--out`` and
``--scores`` default to the project's folders. Errors a user can act on print in one line (or one line per
problem) and exit with status 2; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from parindex_lib.cli_args import _parser, command_language
from parindex_lib.config import ROOT_ENV, Project, find_project
from parindex_lib.errors import ParindexError, Reason, because, os_reason
from parindex_lib.model.criteria import load_criteria
from parindex_lib.model.index import PARIndex, resolve_unit
from parindex_lib.model.schemes import check_schemes, scheme_folders
from parindex_lib.present.criteria_tree import describe_tree, tree_summary
from parindex_lib.present.i18n import LANGS, say, say_error, t
from parindex_lib.present.summary import summary_lines, warning_lines
from parindex_lib.project import init_project
from parindex_lib.readers import analyst
from parindex_lib.readers.raw_folder import check_not_reading, raw_files, raw_links
from parindex_lib.standardise import (
    expand_inputs,
    kept_files,
    load_scores,
    load_tasks,
    raw_dir_of,
    stale_reasons,
    standardise,
    write_processed,
)
from parindex_lib.stopping import NOTHING_WRITTEN, exit_code, language, left_behind, stoppable, stopped_reason


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``parindex`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    args = _parser(command_language(argv)).parse_args(argv)
    try:
        if args.command == "init":
            with stoppable(args.lang):  # its refusals are said in its language
                return _init(args)
        project = find_project()
        # Ctrl-C, kill or a closed terminal stop the command cleanly (staging removed, workers stopped).
        with stoppable(getattr(args, "lang", None) or "vi"), _project_env(project), scheme_folders(args.schemes):
            # Every scheme file is checked first: a faulty one is reported whether or not this command uses it.
            check_schemes()
            if args.command in ("standardise", "standardize"):
                return _standardise(args, project)
            if args.command == "lift":
                return _lift(args, project)
            if args.command == "explore":
                return _explore(args, project)
            if args.command == "criteria":
                return _criteria(args)
            return _run(args, project)
    except ParindexError as exc:
        if args.debug:
            raise
        print(_error_line(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        if args.debug:
            raise
        print(f"parindex: {say(stopped_reason(exc), language())}", file=sys.stderr)
        return exit_code(exc)
    except OSError as exc:  # a full or read-only disk, a folder removed under the command: said, and what was left
        if args.debug:
            raise
        left, why = left_behind() or [NOTHING_WRITTEN], os_reason(exc)
        reason = (Reason("cannot_read_or_write", {"file": exc.filename, "why": why, "left": left}) if exc.filename
                  else Reason("cannot_read_or_write_here", {"why": why, "left": left}))
        print(f"parindex: {t('cli_error', language())}: {say(reason, language())}", file=sys.stderr)
        return 2


def _error_line(exc: ParindexError) -> str:
    """An error in one line (or one per problem) in the command's language, with what the command had written
    when it had begun writing."""
    lang = exc.lang if isinstance(exc, NoProject) else language()
    left = "; ".join(say(r, lang) for r in left_behind())
    return f"parindex: {t('cli_error', lang)}: {say_error(exc, lang)}" + (f" ({left})" if left else "")


class NoProject(ParindexError):
    """A command needs a project folder and none is found (said in the command's language)."""

    def __init__(self, lang: str):
        super().__init__(t("no_project", lang, folder=Path.cwd(), env=ROOT_ENV))
        self.lang = lang


def _need(project: Project | None, args: argparse.Namespace) -> Project:
    """The project, or the one-line message (in the command's language) saying how to make one."""
    if project is None:
        raise NoProject(getattr(args, "lang", None) or "vi")
    return project


@contextmanager
def _project_env(project: Project | None):
    """Name the project in ``$PARINDEX_ROOT`` while the command runs, so that worker processes and their kernels
    (which start in the package's notebooks folder) know it too; restored afterwards."""
    before = os.environ.get(ROOT_ENV)
    if project is not None:
        os.environ[ROOT_ENV] = str(project.root)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ROOT_ENV, None)
        else:
            os.environ[ROOT_ENV] = before


def _init(args: argparse.Namespace) -> int:
    created = init_project(args.folder, force=args.force)
    print(t("init_done", args.lang, folder=created.project.root))
    if created.kept:
        print(t("init_kept", args.lang, files=len(created.kept),
                names=", ".join(str(p.relative_to(created.project.root)) for p in created.kept)))
    print(t("init_next", args.lang, folder=args.folder))
    return 0


def _standardise(args: argparse.Namespace, project: Project | None) -> int:
    if (args.unit is None) != (args.level is None):
        raise ParindexError(reason=because("cmd_unit_with_level", "--unit and --level go together (the unit of a "
                                           "plan table and its level)"))
    raw_default = None if args.raw else _need(project, args).raw
    out_arg = args.out or _need(project, args).processed
    folders = [p.resolve() for p in (args.raw or [raw_default]) if p.is_dir()]
    out = out_arg.resolve()
    inside = next((f for f in folders if out == f or out.is_relative_to(f)), None)
    if inside is not None:
        raise ParindexError(reason=because("cmd_out_inside_input", "--out {out}: is inside the input folder "
                                           "{folder}, which is never written (expected a folder outside it, e.g. "
                                           "data/processed)", out=out_arg, folder=inside))
    # An input in the output folder (a link into it) would be read as its own output: refused before reading.
    check_not_reading(expand_inputs(args.raw) if args.raw else raw_files(raw_default), {"the output folder": out})
    options = {"unit": args.unit, "level": args.level, "scheme": args.scheme,
               "keep_inconsistent": args.keep_inconsistent}
    result = standardise(args.raw, **options) if args.raw else standardise(None, raw_default, **options)
    paths = write_processed(result, out_arg, raw_dir=raw_default)
    for line in warning_lines(result, args.lang):
        print(line, file=sys.stderr)
    links = raw_links(result.files, folders[0] if len(folders) == 1 else project.raw if project else Path.cwd())
    print("\n".join(summary_lines(result, paths, args.lang, links)))
    return 0


def _criteria(args: argparse.Namespace) -> int:
    """Check a criteria tree file and describe it (a faulty tree: every problem located, exit 2)."""
    tree = load_criteria(args.tree, extra_dirs=tuple(args.schemes))
    if args.format == "json":
        print(json.dumps(tree_summary(tree), ensure_ascii=False, allow_nan=False, indent=2))
    else:
        print("\n".join(describe_tree(tree, args.lang)))
    return 0


def _fresh_scores(scores_path: Path, project: Project | None, lang: str, keep: bool = False) -> Path:
    """The scores to use: re-standardised first when the raw folder they came from has changed (said in
    ``lang``), keeping what the standardise before kept at the user's asking (or, with ``keep``, every
    inconsistency)."""
    folder = scores_path.parent
    if project is not None and scores_path == project.scores_csv and not scores_path.exists() \
            and project.raw.is_dir():
        reasons = [because("cmd_stale_not_yet", "it does not exist yet")]
        raw = project.raw
    else:
        reasons = stale_reasons(folder)
        raw = raw_dir_of(folder)
    if reasons and raw is not None:
        print(t("cli_out_of_date", lang, file=scores_path, reasons="; ".join(say(r, lang) for r in reasons),
                folder=raw), file=sys.stderr)
        write_processed(standardise(None, raw, keep_inconsistent=keep or kept_files(folder)), folder, raw_dir=raw)
    return scores_path


def _lift(args: argparse.Namespace, project: Project | None) -> int:
    # Imported when the command runs (scipy, matplotlib): `parindex --help` and usage errors answer at once.
    from parindex_lib.analyses import lift as lift_mod
    from parindex_lib.present.report import lift_text

    scores_path = args.scores or _need(project, args).scores_csv
    scores = load_scores(_fresh_scores(scores_path, project, args.lang, args.keep_inconsistent))
    tasks = load_tasks(scores_path.parent / "tasks.csv")
    unit, level = resolve_unit(scores, args.unit, args.level)
    own = scores[(scores["unit"] == unit) & (scores["level"] == level) & (scores["kind"] == "actual")]
    if not ((own["year"] == args.year) & (own["period"] == args.period)).any():
        have = ", ".join(f"{y} {p}" for y, p in sorted(set(zip(own["year"], own["period"], strict=True))))
        raise ParindexError(reason=because(
            "cmd_no_actual_results", '--year {year} --period {period}: "{unit}" has no actual results there '
            "(available: {have})", year=args.year, period=args.period, unit=unit, have=have,
            available=sorted(set(zip(own["year"], own["period"], strict=True)))))
    index = PARIndex.from_scores(scores, unit, args.year, args.period, scheme=args.scheme, level=level,
                                 target=args.target, bound=args.bound, tasks=tasks)
    if args.criteria:
        return _lift_criteria(args, index, scores_path)
    if index.sums_points:
        return _lift_blocks(args, index)
    if args.ceilings == "peers":
        ceilings = lift_mod.peer_ceilings(scores, index)
    else:
        ceilings = analyst.read_ceilings(args.ceilings) if args.ceilings else None
    result = lift_mod.lift(
        index, args.cost_model or "gap",
        ceilings=ceilings,
        costs=analyst.read_costs(args.costs) if args.costs else None,
        actions=analyst.read_actions(args.actions) if args.actions else None,
    )
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(lift_text(result, index, args.lang))
    return 0 if result.feasible else 1


def _lift_blocks(args: argparse.Namespace, index) -> int:
    """``parindex lift`` of a total summed from blocks whose maxima are not published: the points the blocks need
    together, and the reported total against their sum (exit 1 while the target is not met: no plan by block)."""
    from parindex_lib.present import report

    lines = [f"{index.unit}: {report.total_sentence(index, args.lang)}", report.blocks_check_sentence(index, args.lang),
             report.blocks_lift_sentence(index, args.lang)]
    if args.format == "json":
        check = index.check_total()
        print(json.dumps({"unit": index.unit, "level": index.level, "year": index.year, "period": index.period,
                          "scheme": index.scheme.name, "total": index.display_total, "sum_of_blocks":
                          report.blocks_points(index), "total_points": index.scheme.total_points,
                          "consistent": check.consistent, "target": index.target, "bound": index.bound,
                          "points_needed": round(report.blocks_gap(index), 6), "changes": [],
                          "why_no_changes": say(index.no_totals_reason, args.lang), "text": lines},
                         ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print("\n".join(lines))
    return 0 if index.meets_target else 1


def _lift_criteria(args: argparse.Namespace, index, scores_path: Path) -> int:
    """``parindex lift --criteria``: the cheapest set of criterion changes, in text or strict JSON."""
    from parindex_lib.analyses.criteria import UnitCriteria, criteria_beside, criteria_table
    from parindex_lib.analyses.criteria_lift import StepCosts, criteria_lift
    from parindex_lib.present.criteria import lift_text
    from parindex_lib.present.report import basis_label

    if args.cost_model or args.actions:
        given = "--cost-model" if args.cost_model else "--actions"
        raise ParindexError(reason=because(
            "cmd_not_with_criteria", "{option} does not apply with --criteria (criteria move by the steps of their "
            "rules; give --costs FILE of efforts per criterion or lead office instead)", option=given))
    if args.ceilings == "peers":
        raise ParindexError(reason=because("cmd_peers_not_with_criteria", "--ceilings peers does not apply with "
                                           "--criteria (expected a file of criterion, ceiling)"))
    path = criteria_beside(scores_path)
    table = criteria_table(path)
    uc = UnitCriteria.from_table(table, index.unit, index.year, index.period, index.level)
    if uc is None:
        scored = sorted(set(table["unit"])) if not table.empty else []
        raise ParindexError(reason=because(
            "cmd_not_scored_by_criteria", '--criteria: "{unit}" {label} is not scored by criteria in {file} (units '
            "scored by criteria: {units}; a self-assessment of criteria in data/raw is read by parindex "
            "standardise)", unit=index.unit, label=index.label, point=(index.year, index.period), file=path,
            units=", ".join(scored) or because("cmd_no_units", "none")))
    costs = StepCosts(*analyst.read_criterion_efforts(args.costs, uc.tree)) if args.costs else None
    ceilings = analyst.read_criterion_ceilings(args.ceilings, uc.tree) if args.ceilings else None
    result = criteria_lift(uc, index, costs=costs, ceilings=ceilings)
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(lift_text(result, basis_label(index, args.lang), args.lang))
    return 0 if result.feasible else 1


def _run(args: argparse.Namespace, project: Project | None) -> int:
    # Imported when the command runs (the whole batch, nbconvert, papermill: seconds): `parindex --help` and
    # usage errors answer at once.
    from parindex_lib.batch.run import run_batch

    overrides = {}
    for item in args.set:
        if "=" not in item:
            raise ParindexError(reason=because("cmd_set_not_name_value", '--set "{item}" is not NAME=VALUE',
                                               item=item))
        name, value = item.split("=", 1)
        overrides[name.strip()] = value
    if overrides.get("lang", LANGS[0]) not in LANGS:  # said here: the batch would not know it came from --set
        raise ParindexError(reason=because(
            "cmd_set_lang", '--set lang={language}: "{language}" is not a language of the reports (expected one of '
            "{languages}; given on the command line)", language=overrides["lang"], languages=", ".join(LANGS)))
    for name in ("year", "period", "lang"):
        if getattr(args, name) is not None:
            overrides[name] = getattr(args, name)
    summary = run_batch(params_file=_params_file(args.params, project), units=args.unit, overrides=overrides,
                        out_dir=args.out or _need(project, args).reports,
                        raw_dir=args.raw or _need(project, args).raw, workers=args.workers,
                        processed_dir=args.processed or _need(project, args).processed, force=args.force,
                        level=args.level, executor=args.executor, scheduler=args.scheduler,
                        cell_timeout=args.cell_timeout, keep_inconsistent=args.keep_inconsistent)
    print(summary.describe())
    return 0 if summary.ok else 1


def _params_file(given: Path | None, project: Project | None) -> Path | None:
    """``--params`` as given when it exists; else the project's ``params/<given>`` (``2024-FY`` or
    ``params/2024-FY.yaml`` typed in a subfolder of the project)."""
    if given is None or given.exists() or project is None:
        return given
    for candidate in (project.root / given, project.params / given, project.params / f"{given}.yaml"):
        if candidate.is_file():
            return candidate
    return given


def _explore(args: argparse.Namespace, project: Project | None) -> int:
    # Imported when the command runs (Voilà, the kernelspec): `parindex --help` answers at once.
    from parindex_lib.batch.kernels import ensure_kernelspec
    from parindex_lib.present.serve import check_port, serve

    check_port(args.ip, args.port)  # before standardising: a taken port is said at once
    scores = _fresh_scores(args.scores or _need(project, args).scores_csv, project, args.lang,
                           args.keep_inconsistent)
    ensure_kernelspec()
    serve(scores, args.lang, args.port, args.ip, open_browser=not args.no_browser)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
