"""Executing a run's pages: one task per unit × notebook, on the chosen executor, written into staging.

Each unit × notebook is one :class:`Task` for an executor (:mod:`parindex_lib.batch.executors`): local
processes by default, or a Dask cluster; either way each worker keeps a warm kernel and returns the
page's bytes, and only this process writes them, into the unit's staging folder. What happened to each
page is an :class:`Outcome`; the run's outcomes and what could not be reported make the
:class:`BatchSummary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from parindex_lib.batch.executors import PageJob, PageResult, run_jobs
from parindex_lib.batch.plan import Execution, Plan
from parindex_lib.errors import ParindexError, Reason, os_reason
from parindex_lib.io import write_atomic
from parindex_lib.present.i18n import say, t


@dataclass
class Task:
    """One unit × notebook to execute and render."""

    unit: str
    slug: str
    page: str
    notebook: Path
    parameters: dict
    stage: Path


@dataclass
class Outcome:
    """What happened to a task."""

    task: Task
    ok: bool
    error: str = ""
    cell: int | None = None
    seconds: float = 0.0  # the page's time in its worker
    reason: Reason | None = None  # the failure as data, said in the run's language

    @property
    def why(self) -> Reason | str:
        """The failure, as data where the batch words it, else the page's own error text."""
        return self.reason or self.error


@dataclass
class BatchSummary:
    """The run's result: where reports went, what failed."""

    out_dir: Path
    outcomes: list[Outcome] = field(default_factory=list)
    index_error: str = ""
    #: Units found in the data that cannot be reported: (unit, level, reason).
    not_reported: list[tuple[str, str, Reason | str]] = field(default_factory=list)
    #: The run's language: what :meth:`describe` says is in it.
    lang: str = "vi"

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes) and not self.index_error

    def by_slug(self) -> dict[str, list[Outcome]]:
        """Each unit folder's outcomes."""
        groups: dict[str, list[Outcome]] = {}
        for o in self.outcomes:
            groups.setdefault(o.task.slug, []).append(o)
        return groups

    def units_ok(self, slugs: list[str]) -> list[tuple[str, bool]]:
        """Each unit folder with whether all its pages succeeded."""
        by_slug = self.by_slug()
        return [(slug, all(o.ok for o in by_slug.get(slug, []))) for slug in slugs]

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def describe(self) -> str:
        """What the run did, in its language: pages written, pages failed, units not reported and why."""
        lang = self.lang
        done = sum(o.ok for o in self.outcomes)
        lines = [t("run_written", lang, done=done, total=len(self.outcomes), folder=self.out_dir)]
        for o in self.failures:
            cell = t("run_failed_cell", lang, cell=o.cell) if o.cell is not None else ""
            lines.append(t("run_failed", lang, unit=o.task.unit, notebook=o.task.notebook.name, cell=cell,
                           why=say(o.why, lang)))
        if self.index_error:
            lines.append(t("run_failed_outputs", lang, why=self.index_error))
        for unit, level, why in self.not_reported:  # the data cannot give them a report: said, not failed
            lines.append(t("run_not_reported", lang, unit=unit, level=t(f"level_{level}", lang), why=say(why, lang)))
        return "\n".join(lines)


def plan_tasks(plan: Plan, stage_root: Path) -> list[Task]:
    """Every unit × notebook of the plan, each page staged under ``stage_root/<unit's folder>``."""
    tasks = [Task(unit, slug, page, notebook, plan.page_parameters(unit, level), stage_root / slug)
             for (unit, level), slug in plan.slugs.items() for page, notebook in plan.notebooks.items()]
    # One page per peer group, rendered with a member's parameters into the group's own folder.
    tasks += [Task(unit, slug, page, notebook, plan.page_parameters(unit, level), stage_root / slug)
              for slug, (unit, level) in plan.groups.items() for page, notebook in plan.group_notebooks.items()]
    return tasks


def execute_tasks(tasks: list[Task], execution: Execution | None = None) -> list[Outcome]:
    """Run tasks on the chosen executor and write each page into its staging folder as it arrives.

    Workers return the page's bytes; only this process writes, so staging and promotion stay here
    and a page written twice (a task Dask retried) is the same bytes written again.
    """
    execution = execution or Execution()
    by_key = {f"{t.slug}/{t.page}": t for t in tasks}
    jobs = [PageJob(key, t.notebook.name, t.notebook.read_text(encoding="utf-8"), t.parameters,
                    str(t.parameters.get("lang", "vi")), bool(t.parameters.get("analyst_cells", False)),
                    str(t.notebook.parent), execution.cell_timeout, execution.recycle_after)
            for key, t in by_key.items()]
    outcomes: dict[str, Outcome] = {}
    lang = str(tasks[0].parameters.get("lang", "vi")) if tasks else "vi"
    bar = tqdm(total=len(jobs), desc=t("run_progress", lang), unit=t("run_progress_unit", lang),
               disable=not execution.progress)

    def store(result: PageResult) -> None:
        task = by_key[result.key]
        try:
            task.stage.mkdir(parents=True, exist_ok=True)
            if result.ipynb is not None:
                write_atomic(task.stage / f"{task.page}.ipynb", result.ipynb)
            if result.html is not None:
                write_atomic(task.stage / f"{task.page}.html", result.html)
        except OSError as exc:  # a full disk fails every page after it: the run stops here
            folder, why = task.stage.parent.parent, os_reason(exc)
            raise ParindexError(f"{folder}: the pages cannot be written there ({why}; expected room for the reports)",
                                reason=Reason("cannot_write_pages", {"folder": folder, "why": why})) from None
        outcomes[result.key] = Outcome(task, result.ok, result.error, result.cell, result.seconds, result.reason)
        bar.update()

    try:
        run_jobs(jobs, store, executor=execution.executor, workers=execution.workers,
                 scheduler=execution.scheduler)
    finally:
        bar.close()
    return [outcomes.get(key) or Outcome(task, False, "the page was never run", reason=Reason("never_run"))
            for key, task in by_key.items()]
