"""The READMEs say what the product does: every command they quote is one parindex accepts, every file they name
exists, and every folder name, figure and output they quote is what the library and a run write."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from conftest import PLAN_TSV, ROOT
from parindex_lib.batch.execute import BatchSummary, Outcome, plan_tasks
from parindex_lib.batch.plan import make_plan, slugify
from parindex_lib.cli import _parser, main
from parindex_lib.config import ROOT_ENV, STARTER_DIR
from parindex_lib.errors import InputError
from parindex_lib.vn import format_pct

READMES = {"README.md": ROOT / "README.md", "starter README": STARTER_DIR / "README.md",
           "examples README": ROOT / "examples" / "README.md",
           "schemes README": ROOT / "data" / "schemes" / "README.md"}
#: Where the READMEs show a user's project folder.
USER_FOLDER = "/home/an/cchc"
#: Files the READMEs tell the reader to make.
MADE_BY_THE_READER = {"params/2024-Q4.yaml", "data/schemes/criteria/"}


def text(name: str) -> str:
    return READMES[name].read_text(encoding="utf-8")


def blocks(doc: str) -> list[list[str]]:
    """The fenced code blocks' lines."""
    return [body.splitlines() for body in re.findall(r"```[a-z]*\n(.*?)```", doc, re.S)]


def quoted_commands(doc: str) -> list[str]:
    """Every complete `parindex …` command, in code blocks and inline code (synopses with [options] aside)."""
    lines = [line for block in blocks(doc) for line in block] + re.findall(r"`([^`\n]+)`", doc)
    out = []
    for line in lines:
        line = re.sub(r"^\$ ", "", line.strip())
        line = re.sub(r"^\.venv/bin/", "", line)
        for part in line.split("&&"):
            part = part.split(", ")[0].strip()  # a command quoted inside a sentence ends there
            if (part.startswith("parindex ") and len(part.split()) > 2
                    and not re.search(r"[\[|…]|\bFILE\b|\bU\b|\bDIR\b", part)):
                out.append(part)
    return out


@pytest.mark.parametrize("name", list(READMES))
def test_every_command_quoted_is_one_parindex_accepts(name):
    commands = quoted_commands(text(name))
    assert commands or name == "schemes README"
    for command in commands:
        argv = shlex.split(command, comments=True)[1:]
        try:
            args = _parser().parse_args(argv)
        except SystemExit:
            pytest.fail(f"{name}: `{command}` is refused by parindex")
        for value in vars(args).values():
            for path in value if isinstance(value, list) else [value]:
                if (isinstance(path, Path) and path.suffix and str(path) not in MADE_BY_THE_READER
                        and not path.parts[0] == "reports"):  # written by a run: see the test of reports below
                    assert (ROOT / path).exists(), f"{name}: `{command}` names {path}, which does not exist"


@pytest.mark.parametrize("name", list(READMES))
def test_every_file_named_exists(name):
    named = set(re.findall(r"`((?:data|params|examples|docs|notebooks|parindex_lib|benchmarks|tests)/[^`\s]*)`",
                           text(name)))
    named |= set(re.findall(r"\]\(((?:docs|examples)/[^)\s]+)\)", text(name)))
    concrete = {n for n in named if not re.search(r"[<>*…{}]|^data/processed|^data/raw/q3", n)} - MADE_BY_THE_READER
    assert concrete or name == "schemes README"
    missing = sorted(n for n in concrete if not (ROOT / n.split(" ")[0]).exists())
    assert missing == [], f"{name} names files that do not exist: {missing}"


def test_unit_folders_are_named_as_a_run_names_them(batch):
    quoted = set(re.findall(r"\btam-duong-[0-9a-f]{8}\b", text("README.md")))
    assert quoted == {slugify("Tam Đường", "district")}
    assert (batch["out"] / "2024-FY" / quoted.pop() / "summary.html").exists()


def test_report_folders_are_where_a_run_writes_them(batch):
    runs = {p.name for p in batch["out"].iterdir() if p.is_dir()}
    assert {"2024-FY", "2024-FY-en", "2024-Q3-en"} <= runs
    params = {p.stem for p in (ROOT / "params").glob("*.yaml")}
    for doc in ("README.md", "starter README"):
        for run, rest in re.findall(r"reports/([^/`\s<]+)/?([^`\s)]*)", text(doc)):
            assert run.removesuffix("-en") in params, f"{doc}: reports/{run} is not a run of a params file"
            if run in runs and rest:
                assert (batch["out"] / run / rest).exists(), f"{doc}: reports/{run}/{rest} is not written by a run"


def test_what_init_prints_is_what_the_readme_quotes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "cchc"]) == 0
    printed = capsys.readouterr().out.replace(str(tmp_path / "cchc"), USER_FOLDER).splitlines()
    (block,) = [b for b in blocks(text("README.md")) if b and b[0].startswith("Đã tạo dự án")]
    assert block == printed


def test_what_a_run_prints_is_what_the_readme_quotes(tmp_path, monkeypatch):
    """The run quoted on the shipped data: its plan (which writes nothing) gives the pages and the reasons."""
    monkeypatch.delenv(ROOT_ENV, raising=False)
    (block,) = [b for b in blocks(text("README.md")) if b and b[0].startswith("$ parindex run")]
    argv = shlex.split(block[0].removeprefix("$ "))[1:]
    args = _parser().parse_args(argv)
    plan = make_plan(ROOT / args.params, out_dir=tmp_path / "reports", processed_dir=tmp_path / "processed")
    summary = BatchSummary(plan.run_dir, [Outcome(task, True) for task in plan_tasks(plan, tmp_path / "stage")],
                           not_reported=list(plan.unreportable), lang=plan.lang)
    printed = summary.describe().replace(str(tmp_path), str(Path(USER_FOLDER))).splitlines()
    for line in block[1:]:
        assert line == "…" or line in printed, line
    assert not (tmp_path / "reports").exists()


def test_figures_quoted_are_the_library_s(idx, tmp_path, monkeypatch):
    readme = " ".join(text("README.md").split())
    assert "(76,165 → 76,17)" in readme and format_pct(76.165) == "76,17%"
    check = idx.check_total()
    quoted = (f"{format_pct(check.recomputed, 'vi', 4)[:-1]}, within {format_pct(check.low, 'vi', 3)[:-1]}–"
              f"{format_pct(check.high, 'vi', 3)[:-1]} of the printed rounding")
    assert quoted in readme
    # The error quoted for a mistyped value: the same file, row, column, value and expectation.
    (line,) = re.findall(r"`(data/raw/q3\.tsv, row \d+, [^`]+)`", text("README.md"))
    row = int(re.search(r"row (\d+)", line).group(1))
    lines = PLAN_TSV.read_text(encoding="utf-8").splitlines()
    cells = lines[row - 1].split("\t")
    cells[2] = re.search(r'": "([^"]+)"', line).group(1)
    lines[row - 1] = "\t".join(cells)
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "q3.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from parindex_lib.standardise import standardise

    with pytest.raises(InputError) as caught:
        standardise([raw / "q3.tsv"], unit="Tam Đường", level="district")
    assert line in str(caught.value).splitlines()
