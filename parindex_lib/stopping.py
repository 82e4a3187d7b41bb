"""A command that stops early — a signal (Ctrl-C, ``kill``, a closed terminal) or a failed write (a full or
read-only disk) — stops cleanly and says, in its one line, what it left.

:func:`stoppable` makes SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` in the main thread, so that
every ``finally`` runs (staging folders removed, worker processes stopped, locks released); a second signal
while the command is already stopping is remembered, not raised, so the clean-up finishes.
:func:`uninterrupted` defers signals over a step that writes several files which belong together (the
standardised tables; a run's promotion of its reports): the step completes, then the command stops.
:func:`uninterrupted` (what was done) and :func:`holding` (what stays true while a step runs, e.g. "the
reports are as they were") record the state that :func:`left_behind` says when the command stops.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: The signals a user stops a command with; each exits with 128 + its number, as shells expect.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class _State:
    def __init__(self) -> None:
        self.done: list[str] = []  # steps completed (their statements stay true)
        self.holding: list[str] = []  # statements true while the current steps run
        self.unwound: list[str] = []  # statements true when an exception left their step
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
def stoppable() -> Iterator[None]:
    """Within, a stop signal raises :class:`Interrupted` (main thread only; elsewhere signals are untouched)."""
    global _state
    _state = _State()
    if not _main_thread():
        yield
        return
    old = {s: signal.signal(s, _on_signal) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


@contextmanager
def uninterrupted(done: str) -> Iterator[None]:
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
def holding(statement: str) -> Iterator[None]:
    """``statement`` stays true if the command stops while inside (e.g. "reports/2024-FY is as it was")."""
    _state.holding.append(statement)
    try:
        yield
    except BaseException:
        _state.unwound.append(statement)
        raise
    finally:
        _state.holding.remove(statement)


def left_behind(default: str = "nothing was written") -> str:
    """What the command left, true at the moment it stopped (each file is written whole or not at all);
    ``default`` when no step that writes had begun."""
    said = list(dict.fromkeys([*_state.done, *_state.unwound, *_state.holding]))
    return "; ".join(said) if said else default


def stopped_message(exc: KeyboardInterrupt) -> str:
    """The one line said when a signal stops a command."""
    name = exc.name if isinstance(exc, Interrupted) else "SIGINT"
    return f"stopped by {name}: {left_behind()}"


def exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal's number (130 for Ctrl-C, 143 for ``kill``)."""
    return exc.exit_code if isinstance(exc, Interrupted) else 128 + signal.SIGINT
