"""A command that stops early — a signal (Ctrl-C, ``kill``, a closed terminal) or a failed write (a full or
read-only disk) — stops cleanly and says, in its one line, what it left.

:func:`stoppable` makes SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` in the main thread, so that
every ``finally`` runs (staging folders removed, worker processes stopped, locks released); a second signal
while the command is already stopping is remembered, not raised, so the clean-up finishes.
:func:`uninterrupted` defers signals over a step that writes several files which belong together (the
standardised tables; a run's promotion of its reports): the step completes, then the command stops.
:func:`uninterrupted` (what was done) and :func:`holding` (what stays true while a step runs, e.g. "the
reports are as they were") record the state that :func:`left_behind` says when the command stops. Each statement is a
:class:`~parindex_lib.errors.Reason` (the catalogue's ``reason_left_*``), so the command says it in its language
(:func:`language`: given to :func:`stoppable`, or set by :func:`speak` once a run knows its own).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from parindex_lib.errors import Reason

#: The signals a user stops a command with; each exits with 128 + its number, as shells expect.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class _State:
    def __init__(self, lang: str = "vi") -> None:
        self.lang = lang  # the language the command speaks in
        self.done: list[Reason] = []  # steps completed (their statements stay true)
        self.holding: list[Reason] = []  # statements true while the current steps run
        self.unwound: list[Reason] = []  # statements true when an exception left their step
        self.stopping = 0  # the signal being acted on (0: none)
        self.deferring = 0  # depth of uninterrupted() steps
        self.pending = 0  # a signal that arrived while deferring


_state = _State()


class Interrupted(KeyboardInterrupt):
    """The command was stopped by the signal ``signum``."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _on_signal(signum: int, frame) -> None:
    if _state.stopping:  # already stopping: let the clean-up finish
        return
    if _state.deferring:
        _state.pending = _state.pending or signum
        return
    _state.stopping = signum
    raise Interrupted(signum)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def stoppable(lang: str = "vi") -> Iterator[None]:
    """Within, a stop signal raises :class:`Interrupted` (main thread only; elsewhere signals are untouched);
    ``lang`` is the language the command's last line is said in (until :func:`speak` changes it)."""
    global _state
    _state = _State(lang)
    if not _main_thread():
        yield
        return
    old = {s: signal.signal(s, _on_signal) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def speak(lang: str) -> None:
    """The command speaks ``lang`` from now on (a run once its parameters are read)."""
    _state.lang = lang


def language() -> str:
    """The language the command speaks in."""
    return _state.lang


@contextmanager
def uninterrupted(done: Reason) -> Iterator[None]:
    """Finish the step inside even if a stop signal arrives; then record ``done`` and act on the signal."""
    _state.deferring += 1
    try:
        yield
    finally:
        _state.deferring -= 1
    if done not in _state.done:
        _state.done.append(done)
    if _state.pending and not _state.deferring and not _state.stopping:
        signum, _state.pending = _state.pending, 0
        _state.stopping = signum
        raise Interrupted(signum)


@contextmanager
def holding(statement: Reason) -> Iterator[None]:
    """``statement`` stays true if the command stops while inside (e.g. "reports/2024-FY is as it was")."""
    _state.holding.append(statement)
    try:
        yield
    except BaseException:
        _state.unwound.append(statement)
        raise
    finally:
        _state.holding.remove(statement)


def left_behind() -> list[Reason]:
    """What the command left, true at the moment it stopped (each file is written whole or not at all); empty
    when no step that writes had begun."""
    said: list[Reason] = []
    for statement in [*_state.done, *_state.unwound, *_state.holding]:
        if statement not in said:
            said.append(statement)
    return said


def tables_written(folder: object) -> Reason:
    """The standardised tables were written to ``folder`` (whole)."""
    return Reason("left_tables_written", {"folder": folder}, f"the standardised tables were written to {folder}")


def reports_as_before(folder: object) -> Reason:
    """A run's reports folder is as it was (no page of it replaced)."""
    return Reason("left_reports_as_before", {"folder": folder},
                  f"{folder} is as it was before this run (no page of it was replaced)")


def reports_in_place(folder: object) -> Reason:
    """A run's new reports are in place."""
    return Reason("left_reports_in_place", {"folder": folder}, f"the new reports were put in place in {folder}")


#: Said when a command stops before any step that writes had begun.
NOTHING_WRITTEN = Reason("left_nothing", {}, "nothing was written")


def stopped_reason(exc: KeyboardInterrupt) -> Reason:
    """The one line said when a signal stops a command, as a reason: the signal and what was left."""
    name = exc.name if isinstance(exc, Interrupted) else "SIGINT"
    left = left_behind() or [NOTHING_WRITTEN]
    return Reason("stopped", {"signal": name, "left": left},
                  f"stopped by {name}: {'; '.join(str(r) for r in left)}")


def exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal's number (130 for Ctrl-C, 143 for ``kill``)."""
    return exc.exit_code if isinstance(exc, Interrupted) else 128 + signal.SIGINT
