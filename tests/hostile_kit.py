"""Helpers shared by the hostile corpora: the CLI run in-process, snapshots of inputs, the one-line check."""

from __future__ import annotations

import hashlib
from pathlib import Path

from parindex_lib.cli import main

HEADER = "unit,level,year,period,component,kind,value_pct\n"
CODES = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "SIPAS"]


def good_rows(unit: str = "Xã A", year: int = 2024, level: str = "district") -> str:
    return "".join(f'{unit},{level},{year},FY,{c},actual,"{60 + i},5%"\n' for i, c in enumerate(CODES))


def snapshot(*paths: Path) -> dict[str, bytes]:
    """Every file's bytes under ``paths`` (files or folders), by path."""
    out = {}
    for path in paths:
        if path.is_file():
            out[str(path)] = path.read_bytes()
        elif path.exists():
            out |= {str(p): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file() and not p.is_symlink()}
    return out


def digests(*paths: Path) -> dict[str, str]:
    """SHA-256 of every file under ``paths``: inputs are compared byte for byte before and after."""
    return {k: hashlib.sha256(v).hexdigest() for k, v in snapshot(*paths).items()}


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """The CLI in-process: any exception escaping it is a traceback the user would see."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def first_line(err: str) -> str:
    """The message's first line, after checking there is no traceback and the line is ours."""
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "no message"
    assert lines[0].startswith("parindex"), lines[0]
    return lines[0]


def without_progress(err: str) -> str:
    """stderr without a run's progress bar (it draws on stderr, in the run's language; the messages follow it)."""
    return "\n".join(line for line in err.replace("\r", "\n").splitlines()
                     if not line.startswith(("pages:", "trang:")))


def survivors(pids: list[str], within: float = 20.0) -> list[str]:
    """The processes of ``pids`` still running (zombies do not count) after waiting up to ``within`` seconds
    for them to end: a process dies with its parent at once, but a loaded machine may take a while to say so."""
    import time

    def running() -> list[str]:
        alive = []
        for pid in pids:
            try:
                if Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":
                    alive.append(pid)
            except (OSError, IndexError):
                continue
        return alive

    deadline = time.time() + within
    while (alive := running()) and time.time() < deadline:
        time.sleep(0.2)
    return alive
