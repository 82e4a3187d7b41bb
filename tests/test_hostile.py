"""A hostile-input corpus: clumsy and malicious paths, encodings, files, parameters and names for
`standardise`, `lift` and `run`. Every case must end in a correct result or one clear located line
with exit 2 (or the documented exit 1) — never a traceback — and leave raw and unrelated files
byte-identical.
"""

from __future__ import annotations

import csv
import fcntl
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hostile_kit import CODES, HEADER, first_line, good_rows, run_cli, snapshot, survivors, without_progress

from conftest import PLAN_TSV, ROOT, UNIT
from parindex_lib.batch import execute, outputs
from parindex_lib.batch import run as run_module
from parindex_lib.batch.executors import PageResult
from parindex_lib.batch.plan import slugify
from parindex_lib.batch.publish import OWNER_MARK, ReportsLock, clean_stale, swap_in
from parindex_lib.batch.run import run_batch
from parindex_lib.config import RAW_DIR
from parindex_lib.errors import ParindexError
from parindex_lib.present.i18n import say
from parindex_lib.standardise import write_processed
from parindex_lib.stopping import (
    Interrupted,
    holding,
    reports_as_before,
    reports_in_place,
    stoppable,
    stopped_reason,
    tables_written,
    uninterrupted,
)


def one_clear_line(err: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "no message"
    assert lines[0].startswith("parindex"), lines[0]


# -- standardise: files as they should never be, and some that are merely odd ------------------------

def _xlsx_bytes(tmp: Path) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    book.save(tmp / "_x.xlsx")
    return (tmp / "_x.xlsx").read_bytes()


def _zip_with(entries: dict[str, bytes]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _broken_xlsx(tmp: Path) -> bytes:
    import io

    src = zipfile.ZipFile(io.BytesIO(_xlsx_bytes(tmp)))
    entries = {n: src.read(n) for n in src.namelist()}
    entries["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c r='A1' t='inlineStr'>"
    return _zip_with(entries)


def _broken_docx(tmp: Path) -> bytes:
    import io

    import docx

    d = docx.Document()
    d.add_table(rows=1, cols=2)
    d.save(str(tmp / "_d.docx"))
    src = zipfile.ZipFile(io.BytesIO((tmp / "_d.docx").read_bytes()))
    entries = {n: src.read(n) for n in src.namelist()}
    entries["word/document.xml"] = b"<w:document><w:body><w:tbl>"
    return _zip_with(entries)


# name, file name, content (bytes, or a function of the tmp folder), expected exit, fragment of the message
STANDARDISE = [
    ("empty", "a.csv", b"", 2, "is empty"),
    ("whitespace only", "a.csv", b"  \n\n \r\n", 2, "is empty"),
    ("binary junk", "a.csv", bytes(range(256)) * 4, 2, "is not UTF-8"),
    ("latin-1", "a.csv", (HEADER + "Xã A,commune,2024,FY,C1,actual,70%\n").encode("latin-1", "replace")
     .replace(b"?", b"\xe3"), 2, "is not UTF-8"),
    ("cp1258 bytes", "a.csv", b"unit,level\n\xd0\xe3,x\n", 2, "is not UTF-8"),
    ("utf-32 with BOM", "a.csv", (HEADER + good_rows()).encode("utf-32"), 0, None),
    ("utf-16 without BOM", "a.csv", (HEADER + good_rows()).encode("utf-16-le"), 2, "UTF"),
    ("NUL bytes", "a.csv", (HEADER + good_rows()).replace("Xã", "X\x00").encode(), 2, "NUL"),
    ("unsupported suffix", "a.pdf", b"%PDF-1.4", None, None),  # not an input: the folder has no table
    ("old Excel .xls", "a.xls", b"\xd0\xcf\x11\xe0", None, None),
    ("prose only", "a.txt", "Kế hoạch cải thiện chỉ số\nkhông có bảng\n".encode(), 2, "not a recognised table header"),
    ("header only", "a.csv", HEADER.encode(), 2, "holds a table header but no rows"),
    ("unclosed quote", "a.csv", (HEADER + 'Xã A,commune,2024,FY,C1,actual,"70%\n' + good_rows()).encode(), 2,
     "quote"),
    ("quote never closed", "a.csv", (HEADER + good_rows() + 'Xã A,commune,2024,FY,C1,actual,"70%\n').encode(), 2,
     "never closed"),
    ("stray cell", "a.csv", (HEADER + good_rows().replace("60,5%\"", "60,5%\",x", 1)).encode(), 2,
     "beyond the header"),
    ("repeated column", "a.csv", (HEADER.strip() + ",year\n" + good_rows().replace("%\"\n", "%\",2024\n"))
     .encode(), 2, "repeats a column"),
    ("unknown column", "a.csv", (HEADER.strip() + ",colour\n" + good_rows().replace("%\"\n", "%\",red\n"))
     .encode(), 2, "is not a known column"),
    ("missing value column", "a.csv", b"unit,level,year,period,component,kind\nX,commune,2024,FY,C1,actual\n", 2,
     "lacks the column"),
    ("year text", "a.csv", (HEADER + good_rows().replace("2024", "20a4")).encode(), 2, "is not a year"),
    ("year 1800", "a.csv", (HEADER + good_rows().replace("2024", "1800")).encode(), 2, "plausible assessment year"),
    ("period Q5", "a.csv", (HEADER + good_rows().replace("FY", "Q5")).encode(), 2, "is not a period"),
    ("kind other", "a.csv", (HEADER + good_rows().replace("actual", "guess")).encode(), 2, "is not a kind"),
    ("level planet", "a.csv", (HEADER + good_rows().replace("district", "planet")).encode(), 2, "is not a level"),
    ("unknown component", "a.csv", (HEADER + good_rows().replace(",C6,", ",Ngân hàng,")).encode(), 2,
     "not a known component"),
    ("value words", "a.csv", (HEADER + good_rows().replace('"65,5%"', "abc")).encode(), 2, "is not a percentage"),
    ("value negative", "a.csv", (HEADER + good_rows().replace('"65,5%"', "-5%")).encode(), 2, "outside 0–100"),
    ("value 105", "a.csv", (HEADER + good_rows().replace('"65,5%"', "105%")).encode(), 2, "outside 0–100"),
    ("value exponent", "a.csv", (HEADER + good_rows().replace('"65,5%"', "1e3")).encode(), 2, "not a percentage"),
    ("value NaN", "a.csv", (HEADER + good_rows().replace('"65,5%"', "NaN")).encode(), 2, "not a percentage"),
    ("value inf", "a.csv", (HEADER + good_rows().replace('"65,5%"', "inf")).encode(), 2, "not a percentage"),
    ("value Infinity%", "a.csv", (HEADER + good_rows().replace('"65,5%"', "Infinity%")).encode(), 2,
     "not a percentage"),
    ("value ∞", "a.csv", (HEADER + good_rows().replace('"65,5%"', "∞")).encode(), 2, "not a percentage"),
    ("value thousands", "a.csv", (HEADER + good_rows().replace('"65,5%"', '"1,234.5"')).encode(), 2,
     "not a percentage"),
    ("formula text", "a.csv", (HEADER + good_rows().replace('"65,5%"', "=1+1")).encode(), 2, "not a percentage"),
    ("points over max", "a.csv", (HEADER + good_rows().replace('"65,5%"', "20/10")).encode(), 2,
     "more than its maximum"),
    ("points max zero", "a.csv", (HEADER + good_rows().replace('"65,5%"', "5/0")).encode(), 2,
     "maximum of zero"),
    ("bound on actual", "a.csv", (HEADER + good_rows().replace('"65,5%"', "Trên 65%")).encode(), 2,
     "single value"),
    ("fractions", "a.csv", (HEADER + "".join(f"X,commune,2024,FY,{c},actual,\"0,{50 + i}\"\n"
                                               for i, c in enumerate(CODES))).encode(), 2, "fractions"),
    ("duplicate rows", "a.csv", (HEADER + good_rows() + good_rows()).encode(), 2, "repeats a row"),
    ("rank zero", "a.csv", (HEADER.strip() + ",rank\n" + good_rows().replace("%\"\n", "%\",0\n")).encode(), 2,
     "not a valid rank"),
    ("rank above of", "a.csv", (HEADER.strip() + ",rank\n" + good_rows().replace("%\"\n", "%\",64/63\n"))
     .encode(), 2, "not a valid rank"),
    ("rank words", "a.csv", (HEADER.strip() + ",rank\n" + good_rows().replace("%\"\n", "%\",tư\n")).encode(), 2,
     "not a rank"),
    ("rank_of words", "a.csv", (HEADER.strip() + ",rank,rank_of\n" + good_rows().replace("%\"\n", "%\",4,many\n"))
     .encode(), 2, "not a whole number"),
    ("bound symbol <", "a.csv", (HEADER.strip() + ",bound\n" + good_rows().replace("%\"\n", "%\",<\n")).encode(), 2,
     "is not a bound"),
    ("empty unit", "a.csv", (HEADER + good_rows().replace("Xã A", "")).encode(), 2, "is empty"),
    ("long cell", "a.csv", (HEADER + good_rows().replace("Xã A", "X" * 100_000, 1)).encode(), 0, None),
    ("html unit name", "a.csv", (HEADER + good_rows('"<img src=x onerror=alert(1)>"')).encode(), 0, None),
    ("emoji and RTL name", "a.csv", (HEADER + good_rows("Xã 🏛 \u202eA")).encode(), 0, None),
    ("NFD name", "a.csv", (HEADER + good_rows("Xa\u0303 A")).encode(), 0, None),
    ("300-char name", "a.csv", (HEADER + good_rows("Xã " + "Đường" * 60)).encode(), 0, None),
    ("CRLF and BOM", "a.csv", ("\ufeff" + HEADER + good_rows()).replace("\n", "\r\n").encode(), 0, None),
    ("CR only (old Mac)", "a.csv", (HEADER + good_rows()).replace("\n", "\r").encode(), 0, None),
    ("semicolons", "a.csv", (HEADER + good_rows()).replace(",", ";").replace('"60;5%"', "60,5%").encode(), None,
     None),
    ("tabs in .csv", "a.csv", (HEADER + good_rows()).replace(",", "\t").encode(), None, None),
    ("a zip renamed .xlsx", "a.xlsx", _zip_with({"hello.txt": b"hi"}), 2, "not a readable .xlsx"),
    ("text renamed .xlsx", "a.xlsx", b"unit,level\n", 2, "not a readable .xlsx"),
    ("truncated xlsx", "a.xlsx", lambda tmp: _xlsx_bytes(tmp)[:300], 2, "not a readable .xlsx"),
    ("malformed sheet XML", "a.xlsx", _broken_xlsx, 2, "not a readable .xlsx"),
    ("malformed docx XML", "a.docx", _broken_docx, 2, "not a readable .docx"),
    ("xlsx renamed .docx", "a.docx", _xlsx_bytes, 2, "not a readable .docx"),
    ("zip bomb", "a.xlsx", lambda tmp: _zip_with({"[Content_Types].xml": b"<x/>",
                                                   "xl/big.bin": b"\0" * (120 * 2**20)}), 2, "would expand"),
    ("plan without unit", "plan.tsv", PLAN_TSV.read_bytes(), 2, "does not name its unit"),
]


@pytest.mark.parametrize("name, filename, content, code, fragment", STANDARDISE, ids=[c[0] for c in STANDARDISE])
def test_standardise_hostile_files(tmp_path, capsys, name, filename, content, code, fragment):
    raw = tmp_path / "raw"
    raw.mkdir()
    data = content(tmp_path) if callable(content) else content
    (raw / filename).write_bytes(data)
    (tmp_path / "unrelated.txt").write_text("giữ nguyên", encoding="utf-8")
    before = snapshot(raw) | snapshot(tmp_path / "unrelated.txt")
    out = tmp_path / "out"
    got, stdout, err = run_cli(["standardise", str(raw), "--out", str(out), "--lang", "en"], capsys)
    assert "Traceback" not in err
    if code is None:  # no table here at all, or a table in a form we only need not to crash on
        assert got in (0, 2)
    else:
        assert got == code, err
    if got == 2:
        one_clear_line(err)
        if fragment:
            assert fragment in err, err
        if fragment and "folder" not in err:
            assert filename in err, err
        assert not (out / "scores.csv").exists()  # nothing half-written
    elif got == 0:
        assert (out / "scores.csv").exists()
    after = snapshot(raw) | snapshot(tmp_path / "unrelated.txt")
    assert before == after


MANIFESTS = [
    ("invalid YAML", "files: [unclosed\n", "not valid YAML"),
    ("entry as text", "files:\n  plan.tsv: Tam Đường\n", "is not a mapping"),
    ("level unknown", "files:\n  plan.tsv: {unit: Tam Đường, level: galaxy}\n", "is not a level"),
    ("unit as a list", "files:\n  plan.tsv: {unit: [a, b], level: district}\n", "is not text"),
    ("files as a list", "files:\n  - plan.tsv\n", "is not a mapping"),
    ("top level a list", "- a\n- b\n", "is not a mapping"),
]


@pytest.mark.parametrize("name, text, fragment", MANIFESTS, ids=[m[0] for m in MANIFESTS])
def test_bad_manifests(tmp_path, capsys, name, text, fragment):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(PLAN_TSV, raw / "plan.tsv")
    (raw / "manifest.yaml").write_text(text, encoding="utf-8")
    before = snapshot(raw)
    code, _, err = run_cli(["standardise", str(raw), "--out", str(tmp_path / "o"), "--lang", "en"], capsys)
    assert code == 2 and fragment in err and "manifest.yaml" in err
    one_clear_line(err)
    assert snapshot(raw) == before


def test_manifest_in_another_encoding(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(PLAN_TSV, raw / "plan.tsv")
    (raw / "manifest.yaml").write_bytes("files:\n  plan.tsv: {unit: Tam Đường, level: district}\n"
                                        .encode("utf-16"))
    code, _, err = run_cli(["standardise", str(raw), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "UTF-8" in err
    one_clear_line(err)


STANDARDISE_ARGS = [
    ("missing file", ["{tmp}/nope.csv"], "does not exist"),
    ("empty folder", ["{tmp}/empty"], "holds no score table"),
    ("out is a file", ["{raw}", "--out", "{tmp}/a_file"], "is a file"),
    ("out under a file", ["{raw}", "--out", "{tmp}/a_file/sub"], "a_file"),
    ("unit without level", ["{raw}", "--unit", "X", "--out", "{tmp}/o"], "go together"),
    ("level unknown", ["{raw}", "--unit", "X", "--level", "moon", "--out", "{tmp}/o"], "is not a level"),
    ("unknown option", ["--frobnicate"], "unrecognized arguments"),
    ("out inside the raw folder", ["{raw}", "--out", "{raw}/processed"], "inside the input folder"),
]


@pytest.mark.parametrize("name, args, fragment", STANDARDISE_ARGS, ids=[a[0] for a in STANDARDISE_ARGS])
def test_standardise_bad_arguments(tmp_path, capsys, name, args, fragment):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    (tmp_path / "empty").mkdir()
    (tmp_path / "a_file").write_text("do not touch", encoding="utf-8")
    before = snapshot(raw) | snapshot(tmp_path / "a_file")
    argv = ["standardise", "--lang", "en"] + [a.format(tmp=tmp_path, raw=raw) for a in args]
    code, _, err = run_cli(argv, capsys)
    assert code == 2 and fragment in err, err
    one_clear_line(err)
    assert snapshot(raw) | snapshot(tmp_path / "a_file") == before


# -- lift --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def processed(tmp_path_factory, shipped):
    folder = tmp_path_factory.mktemp("processed")
    write_processed(shipped, folder)
    return folder


def _write(path: Path, rows: list[list[str]]) -> str:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return str(path)


LIFT = [
    ("target nan", ["--target", "nan"], 2, "not a percentage in (0, 100]"),
    ("target inf", ["--target", "inf"], 2, "not a percentage in (0, 100]"),
    ("target -5", ["--target", "-5"], 2, "not a percentage in (0, 100]"),
    ("target 0", ["--target", "0"], 2, "not a percentage in (0, 100]"),
    ("target 101", ["--target", "101"], 2, "not a percentage in (0, 100]"),
    ("target words", ["--target", "tám mươi"], 2, "is not a number"),
    ("target comma", ["--target", "80,5"], 0, None),
    ("year 9999", ["--year", "9999"], 2, "has no actual results there"),
    ("year words", ["--year", "hai"], 2, "invalid int value"),
    ("period Q5", ["--period", "Q5"], 2, "has no actual results there"),
    ("unknown unit", ["--unit", "Atlantis"], 2, "no actual results for unit"),
    ("unknown scheme", ["--scheme", "nope"], 2, "unknown scheme"),
    ("scheme of another level", ["--scheme", "provincial-2024"], 2, "made for the province level"),
    ("scheme yaml missing", ["--scheme", "{tmp}/missing.yaml"], 2, "does not exist"),
    ("scheme yaml broken", ["--scheme", "{tmp}/broken.yaml"], 2, "not valid YAML"),
    ("scheme yaml bad points", ["--scheme", "{tmp}/badpoints.yaml"], 2, "expected a positive number"),
    ("bad cost model", ["--cost-model", "magic"], 2, "invalid choice"),
    ("linear without costs", ["--cost-model", "linear"], 2, "needs costs"),
    ("actions without file", ["--cost-model", "actions"], 2, "needs a catalogue"),
    ("costs file missing", ["--cost-model", "linear", "--costs", "{tmp}/nope.csv"], 2, "does not exist"),
    ("costs file is a folder", ["--cost-model", "linear", "--costs", "{tmp}"], 2, "is a folder"),
    ("costs short", ["--cost-model", "linear", "--costs", "{costs_short}"], 2, "costs lack"),
    ("costs words", ["--cost-model", "linear", "--costs", "{costs_words}"], 2, "is not a number"),
    ("costs duplicate", ["--cost-model", "linear", "--costs", "{costs_dup}"], 2, "repeats a component"),
    ("costs negative", ["--cost-model", "linear", "--costs", "{costs_neg}"], 2, "out of range"),
    ("actions duplicate", ["--cost-model", "actions", "--actions", "{actions_dup}"], 2, "repeats the action"),
    ("actions short row", ["--cost-model", "actions", "--actions", "{actions_short}"], 2, "is empty"),
    ("actions gain zero", ["--cost-model", "actions", "--actions", "{actions_zero}"], 2, "out of range"),
    ("actions no header", ["--cost-model", "actions", "--actions", "{actions_nohead}"], 2, "header"),
    ("ceilings 150", ["--ceilings", "{ceil_150}"], 2, "above 100"),
    ("ceilings negative", ["--ceilings", "{ceil_neg}"], 2, "out of range"),
    ("ceilings unknown component", ["--ceilings", "{ceil_unknown}"], 2, "not a known component"),
    ("ceilings empty file", ["--ceilings", "{empty}"], 2, "is empty"),
    ("ceilings low: unreachable", ["--ceilings", "{ceil_low}"], 1, None),
    ("ceilings peers without peers", ["--ceilings", "peers"], 0, None),
    ("scores is a folder", ["--scores", "{tmp}"], 2, "is a folder"),
    ("scores empty", ["--scores", "{empty}"], 2, "is not a standardised scores table"),
    ("scores missing columns", ["--scores", "{scores_cols}"], 2, "columns are missing"),
    ("scores non-numeric year", ["--scores", "{scores_year}"], 2, "wrong type"),
    ("lang fr", ["--lang", "fr"], 2, "invalid choice"),
    ("format xml", ["--format", "xml"], 2, "invalid choice"),
]


@pytest.fixture()
def lift_files(tmp_path, processed):
    files = {
        "costs_short": [["component", "cost_per_pp"], ["C6", "1"]],
        "costs_words": [["component", "cost_per_pp"], *[[c, "rẻ"] for c in CODES]],
        "costs_dup": [["component", "cost_per_pp"], ["C6", "1"], ["C6", "2"]],
        "costs_neg": [["component", "cost_per_pp"], *[[c, "-1"] for c in CODES]],
        "actions_dup": [["action", "component", "gain", "cost"], ["A", "C6", "5", "1"], ["A", "C6", "5", "1"]],
        "actions_short": [["action", "component", "gain", "cost"], ["A", "C6", "5"]],
        "actions_zero": [["action", "component", "gain", "cost"], ["A", "C6", "0", "1"]],
        "actions_nohead": [["A", "C6", "5", "1"]],
        "ceil_150": [["component", "ceiling"], ["C6", "150"]],
        "ceil_neg": [["component", "ceiling"], ["C6", "-1"]],
        "ceil_unknown": [["component", "ceiling"], ["Ngân hàng", "90"]],
        "ceil_low": [["component", "ceiling"], *[[c, "1"] for c in CODES]],
    }
    paths = {k: _write(tmp_path / f"{k}.csv", v) for k, v in files.items()}
    (tmp_path / "empty.csv").write_bytes(b"")
    paths["empty"] = str(tmp_path / "empty.csv")
    (tmp_path / "broken.yaml").write_text("max_points: {C1: [\n", encoding="utf-8")
    (tmp_path / "badpoints.yaml").write_text("max_points: {C1: -1, C2: abc}\n", encoding="utf-8")
    text = (processed / "scores.csv").read_text(encoding="utf-8")
    (tmp_path / "cols.csv").write_text("unit,year\nX,2024\n", encoding="utf-8")
    paths["scores_cols"] = str(tmp_path / "cols.csv")
    (tmp_path / "year.csv").write_text(text.replace(",2023,", ",hai,", 1), encoding="utf-8")
    paths["scores_year"] = str(tmp_path / "year.csv")
    return paths


@pytest.mark.parametrize("name, args, code, fragment", LIFT, ids=[c[0] for c in LIFT])
def test_lift_hostile(tmp_path, capsys, processed, lift_files, name, args, code, fragment):
    base = {"--unit": UNIT, "--year": "2023", "--scores": str(processed / "scores.csv")}
    extra = [a.format(tmp=tmp_path, **lift_files) for a in args]
    for key in list(base):
        if key in extra:
            base.pop(key)
    argv = ["lift", *[x for kv in base.items() for x in kv], *extra, "--format", "json"] \
        if "--format" not in extra else ["lift", *[x for kv in base.items() for x in kv], *extra]
    before = snapshot(RAW_DIR) | snapshot(processed) | {p: Path(p).read_bytes() for p in lift_files.values()}
    got, out, err = run_cli([*argv, "--lang", "en"], capsys)  # the causes as English texts (vi: test_language*)
    assert got == code, (got, err)
    if got == 2:
        one_clear_line(err)
        assert fragment in err, err
    else:
        result = json.loads(out, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
        assert result["feasible"] is (got == 0)
        for change in result["changes"]:
            assert 0 <= change["from_pct"] <= 100 and 0 <= change["to_pct"] <= 100
        if got == 1:
            assert result["total_cost"] is None and result["total_cost_reason"]
            assert math.isfinite(result["max_reachable"])
    after = snapshot(RAW_DIR) | snapshot(processed) | {p: Path(p).read_bytes() for p in lift_files.values()}
    assert before == after


def test_lift_text_after_equals_before_when_nothing_changes(processed, capsys):
    code, out, _ = run_cli(["lift", "--unit", UNIT, "--year", "2023", "--target", "70",
                            "--scores", str(processed / "scores.csv")], capsys)
    assert code == 0 and "76,17% → 76,17%" in out


# -- run: every fault found before any work ----------------------------------------------------------------

RUN = [
    ("params missing", ["--params", "{tmp}/nope.yaml"], "does not exist"),
    ("params a folder", ["--params", "{tmp}"], "is a folder"),
    ("params not UTF-8", ["--params", "{p_latin}"], "is not UTF-8"),
    ("params not YAML", ["--params", "{p_broken}"], "not valid YAML"),
    ("params a list", ["--params", "{p_list}"], "expected a mapping"),
    ("params scheme 5", ["--params", "{p_scheme5}"], 'scheme = "5" is not text'),
    ("params year list", ["--params", "{p_yearlist}"], "is not a whole number"),
    ("params units 5", ["--params", "{p_units5}"], "is not a list of unit names"),
    ("params unknown", ["--params", "{p_unknown}"], "unknown parameter"),
    ("params sets unit", ["--params", "{p_unit}"], "set by the batch"),
    ("params target 0", ["--params", "{p_target0}"], "is not a percentage in (0, 100]"),
    ("set unit", ["--set", "unit=Tam Đường"], "set by the batch"),
    ("set scores_path", ["--set", "scores_path=/etc/passwd"], "set by the batch"),
    ("set raw_dir", ["--set", "raw_dir=/"], "set by the batch"),
    ("set target nan", ["--set", "target=nan"], "not a finite number"),
    ("set target inf", ["--set", "target=inf"], "not a finite number"),
    ("set target -5", ["--set", "target=-5"], "not a percentage in (0, 100]"),
    ("set target 0", ["--set", "target=0"], "not a percentage in (0, 100]"),
    ("set unknown", ["--set", "colour=red"], "unknown parameter"),
    ("set without =", ["--set", "target", "--lang", "en"], "is not NAME=VALUE"),
    ("set bound", ["--set", "bound=lt"], "is not ge or gt"),
    ("set analyst_cells", ["--set", "analyst_cells=perhaps"], "is not true or false"),
    ("year 9999", ["--year", "9999"], "outside the data's years"),
    ("year 1990", ["--year", "1990"], "outside the data's years"),
    ("period Q5", ["--period", "Q5"], "is not one of"),
    ("lang fr", ["--lang", "fr"], "'fr' không phải là giá trị được chấp nhận"),  # a vi command: said in vi
    ("unknown unit", ["--unit", "Atlantis"], "no actual results for unit"),
    ("out is a file", ["--out", "{a_file}"], "là một tệp (cần một thư mục cho các báo cáo)"),  # a vi run: said in vi
    ("out is a file, en", ["--out", "{a_file}", "--lang", "en"], "is a file (expected a folder for the reports)"),
    ("out under a file", ["--out", "{a_file}/sub"], "là một tệp"),
    ("processed is a file", ["--processed", "{a_file}"], "là một tệp (cần một thư mục cho các bảng chuẩn hoá)"),
    ("raw missing", ["--raw", "{tmp}/no_raw"], "does not exist"),
    ("workers 0", ["--lang", "en", "--workers", "0"], '"0" is not a number of workers'),
    ("workers negative", ["--lang", "en", "--workers", "-1"], '"-1" is not a number of workers'),
    ("workers words", ["--lang", "en", "--workers", "hai"], '"hai" is not a number of workers'),
    ("workers a fraction", ["--lang", "en", "--workers", "2.5"], '"2.5" is not a number of workers'),
    ("workers exponent", ["--lang", "en", "--workers", "1e3"], '"1e3" is not a number of workers'),
    ("cell-timeout 0", ["--lang", "en", "--cell-timeout", "0"], '"0" is not a time limit in seconds above 0'),
    ("cell-timeout negative", ["--lang", "en", "--cell-timeout", "-5"], '"-5" is not a time limit'),
    ("cell-timeout nan", ["--lang", "en", "--cell-timeout", "nan"], '"nan" is not a time limit'),
    ("cell-timeout inf", ["--lang", "en", "--cell-timeout", "inf"], '"inf" is not a time limit'),
    ("cell-timeout huge", ["--lang", "en", "--cell-timeout", "1e308"],
     '"1e308" is not a time limit in seconds above 0 and at most 604800 (a week)'),
    ("cell-timeout overflowing", ["--lang", "en", "--cell-timeout", "1e400"], '"1e400" is not a time limit'),
    ("cell-timeout words", ["--lang", "en", "--cell-timeout", "mười phút"], '"mười phút" is not a number of seconds'),
    ("executor unknown", ["--lang", "en", "--executor", "threads"], "invalid choice: 'threads'"),
    ("executor empty", ["--lang", "en", "--executor", ""], "invalid choice: ''"),
    ("executor in capitals", ["--lang", "en", "--executor", "DASK"], "invalid choice: 'DASK'"),
    ("scheduler without dask", ["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --executor dask"),
    ("foreign out folder", ["--out", "{foreign}"], "was not written by parindex"),
    ("out inside raw", ["--raw", "{raw}", "--out", "{raw}/reports"], "inside the raw folder"),
    ("processed is raw", ["--raw", "{raw}", "--processed", "{raw}"], "inside the raw folder"),
]


@pytest.fixture()
def run_files(tmp_path):
    texts = {
        "p_broken": "year: [2024\n", "p_list": "- 2024\n", "p_scheme5": "scheme: 5\n", "p_yearlist": "year: [2024]\n",
        "p_units5": "units: 5\n", "p_unknown": "colour: red\n", "p_unit": "unit: Tam Đường\n",
        "p_target0": "target: 0\n",
    }
    paths = {}
    for key, text in texts.items():
        (tmp_path / f"{key}.yaml").write_text(text, encoding="utf-8")
        paths[key] = str(tmp_path / f"{key}.yaml")
    (tmp_path / "p_latin.yaml").write_bytes("scheme: thử\n".encode("utf-16"))
    paths["p_latin"] = str(tmp_path / "p_latin.yaml")
    (tmp_path / "a_file").write_text("người dùng", encoding="utf-8")
    paths["a_file"] = str(tmp_path / "a_file")
    foreign = tmp_path / "foreign"
    for run in ("2024-FY", "2024-FY-en"):  # the run in Vietnamese, and in English
        (foreign / run).mkdir(parents=True)
        (foreign / run / "bao-cao-cua-toi.docx").write_bytes(b"user's own report")
    paths["foreign"] = str(foreign)
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    paths["raw"] = str(raw)
    return paths


@pytest.mark.parametrize("name, args, fragment", RUN, ids=[c[0] for c in RUN])
def test_run_hostile_fails_before_any_work(tmp_path, capsys, run_files, name, args, fragment):
    out = tmp_path / "reports"
    argv = ["run", *[a.format(tmp=tmp_path, **run_files) for a in args]]
    if "--out" not in argv:
        argv += ["--out", str(out)]
    if "--processed" not in argv:
        argv += ["--processed", str(tmp_path / "processed")]
    if "--lang" not in argv and fragment.isascii():
        argv += ["--lang", "en"]  # an English fragment: the run said in English
    before = snapshot(RAW_DIR) | snapshot(tmp_path)
    code, _, err = run_cli(argv, capsys)
    assert code == 2, err
    one_clear_line(err)
    assert fragment in err, err
    assert not out.exists() and not (tmp_path / "processed").exists()
    assert snapshot(RAW_DIR) | snapshot(tmp_path) == before


def test_a_second_run_on_the_same_reports_fails_clearly(tmp_path, capsys):
    out = tmp_path / "reports"
    out.mkdir()
    with open(out / ".parindex.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        code, _, err = run_cli(["run", "--out", str(out), "--processed", str(tmp_path / "p"), "--lang", "en"],
                               capsys)
    assert code == 2 and "another parindex run is writing" in err
    one_clear_line(err)


# -- the reports folder is the project's ------------------------------------------------------------------

def test_swap_keeps_user_files_and_never_leaves_the_folder_missing(tmp_path):
    import threading

    dest = tmp_path / "unit"
    dest.mkdir()
    (dest / OWNER_MARK).write_text("x")
    (dest / "summary.html").write_text("old")
    (dest / "ghi-chu-cua-toi.txt").write_text("của người dùng", encoding="utf-8")
    seen_missing = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            if not dest.exists():
                seen_missing.append(True)

    watcher = threading.Thread(target=watch)
    watcher.start()
    for i in range(50):
        new = tmp_path / f"new{i}"
        new.mkdir()
        (new / OWNER_MARK).write_text("x")
        (new / "summary.html").write_text(f"new {i}")
        swap_in(new, dest)
    stop.set()
    watcher.join()
    assert not seen_missing
    assert (dest / "summary.html").read_text() == "new 49"
    assert (dest / "ghi-chu-cua-toi.txt").read_text(encoding="utf-8") == "của người dùng"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unit"]


@pytest.mark.notebook
def test_look_alike_units_long_names_user_files_and_force(tmp_path, capsys):
    """Units "A", "A-2", "a" and a 300-character name: four folders, each linked from index.html; a user's
    files in the reports survive; a folder parindex did not write is refused unless --force."""
    from bs4 import BeautifulSoup

    raw = tmp_path / "raw"
    raw.mkdir()
    long_name = "Xã " + "Đường" * 60
    units = ["A", "A-2", "a", long_name]
    (raw / "xa.csv").write_text(HEADER + "".join(good_rows(u if u != long_name else f'"{u}"') for u in units),
                                encoding="utf-8")
    out = tmp_path / "reports"
    (out / "2024-FY" / slugify("A", "district")).mkdir(parents=True)
    (out / "2024-FY" / "ghi-chu.txt").write_text("của tôi", encoding="utf-8")
    (out / "2024-FY" / slugify("A", "district") / "ban-nhap.docx").write_bytes(b"draft")
    argv = ["run", "--raw", str(raw), "--out", str(out), "--processed", str(tmp_path / "p"), "--year", "2024"]
    code, _, err = run_cli(argv, capsys)
    assert code == 2 and "thư mục này không do parindex ghi" in err and "--force" in err  # a vi run: said in vi
    code, stdout, err = run_cli([*argv, "--force"], capsys)
    assert code == 0, stdout + err
    run = out / "2024-FY"
    assert (run / "ghi-chu.txt").read_text(encoding="utf-8") == "của tôi"
    assert (run / slugify("A", "district") / "ban-nhap.docx").read_bytes() == b"draft"
    folders = {slugify(u, "district") for u in units}
    assert len(folders) == 4 and all((run / f / "summary.html").exists() for f in folders)
    soup = BeautifulSoup((run / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a.get_text(): a["href"] for a in soup.find_all("a")}
    assert links == {u: f"{slugify(u, 'district')}/summary.html" for u in units}
    for u in units:
        page = BeautifulSoup((run / slugify(u, "district") / "summary.html").read_text(encoding="utf-8"), "html.parser")
        assert u in page.find("h1").get_text()
    assert not list(out.glob(".staging-*"))


@pytest.mark.notebook
def test_a_killed_run_leaves_no_worker_and_its_staging_is_cleaned(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "xa.csv").write_text(HEADER + good_rows("Xã A") + good_rows("Xã B"), encoding="utf-8")
    out = tmp_path / "reports"
    cmd = [sys.executable, "-m", "parindex_lib.cli", "run", "--raw", str(raw), "--out", str(out),
           "--processed", str(tmp_path / "p"), "--year", "2024", "--workers", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.glob(".staging-*")):
        time.sleep(0.1)
    def below(pid) -> list[str]:
        return subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()

    children, kernels = [], []
    while time.time() < deadline and not kernels:  # workers spawned, and their warm kernels started
        time.sleep(0.2)
        children = below(proc.pid)
        kernels = [k for c in children for k in below(c)]
    assert children and kernels, "the batch had started no worker or kernel yet"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    alive = survivors(children + kernels)  # a kernel dies with its worker, the worker with the batch
    assert not alive, f"workers or kernels outlived the batch: {alive}"
    assert list(out.glob(".staging-*"))  # left by the kill…

    (out / ".staging-of-the-user").mkdir()  # a folder that only looks like staging: not the run's to delete
    with ReportsLock(out):
        clean_stale(out)  # …and cleaned by the next run, which holds the lock
    assert [p.name for p in out.glob(".staging-*")] == [".staging-of-the-user"]


@pytest.mark.notebook
def test_disk_full_on_index_still_reports_every_page(tmp_path, monkeypatch, capsys):
    import errno

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "xa.csv").write_text(HEADER + good_rows("Xã A") + "".join(
        f"Xã Thiếu,district,2024,FY,{c},actual,70%\n" for c in CODES[:-1]), encoding="utf-8")
    real = outputs.write_atomic

    def full(path, data):
        if Path(path).name == "index.html":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(outputs, "write_atomic", full)
    code, out, err = run_cli(["run", "--raw", str(raw), "--out", str(tmp_path / "r"), "--processed",
                              str(tmp_path / "p"), "--year", "2024", "--lang", "en"], capsys)
    assert code == 1 and "Traceback" not in err
    assert "not reported: unit 'Xã Thiếu'" in out and "index.html could not be written: No space left on device" in out


@pytest.mark.parametrize("execution, fragment", [
    ({"cell_timeout": 1e308}, "at most 604800 (a week)"),
    ({"cell_timeout": float("nan")}, "expected a number of seconds above 0"),
    ({"workers": 0}, "--workers 0: expected at least 1"),
    ({"workers": -3}, "--workers -3: expected at least 1"),
    ({"executor": "threads"}, 'is not one of local, dask'),
])
def test_run_batch_refuses_execution_values_before_any_work(tmp_path, execution, fragment):
    with pytest.raises(ParindexError, match=re.escape(fragment)):
        run_batch(out_dir=tmp_path / "r", processed_dir=tmp_path / "p", progress=False, **execution)
    assert not (tmp_path / "r").exists() and not (tmp_path / "p").exists()


def test_a_signal_during_a_step_that_must_finish_is_acted_on_once_it_is_done():
    finished = []
    with pytest.raises(Interrupted) as stopped, stoppable():  # as a run: prepare, pages, promotion
        with uninterrupted(tables_written("p")):
            pass
        with holding(reports_as_before("reports/2024-FY")):
            pass
        with uninterrupted(reports_in_place("reports/2024-FY")):
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(100):  # the handler runs between bytecodes: it has run by now
                time.sleep(0.001)
            finished.append(True)
    assert finished and stopped.value.signum == signal.SIGTERM and stopped.value.exit_code == 143
    said = stopped_reason(stopped.value)
    assert str(said) == say(said, "en") == ("stopped by SIGTERM: the standardised tables were written to p; the new "
                                            "reports were put in place in reports/2024-FY")
    assert say(said, "vi") == ("đã dừng do tín hiệu SIGTERM: các bảng chuẩn hoá đã được ghi vào p; các báo cáo mới "
                               "đã được đặt vào reports/2024-FY")
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the command's handlers are gone with it


# -- a run stopped or starved, said in the run's language ---------------------------------------------------

def _stopped_run(tmp_path: Path, monkeypatch, capsys, lang: str | None) -> tuple[int, str, Path]:
    """A run whose pages are under way when SIGTERM arrives (no kernel: the pages' executor is replaced)."""
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    (raw / "xa.csv").write_text(HEADER + good_rows("Xã A"), encoding="utf-8")

    def signalled(jobs, store, **_):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises at once
        pytest.fail("SIGTERM did not stop the run")

    monkeypatch.setattr(execute, "run_jobs", signalled)
    out = tmp_path / "r"
    code, _, err = run_cli(["run", "--raw", str(raw), "--out", str(out), "--processed", str(tmp_path / "p"),
                            "--year", "2024", *(["--lang", lang] if lang else [])], capsys)
    return code, first_line(without_progress(err)), out


def test_a_stopped_run_says_so_in_vietnamese(tmp_path, monkeypatch, capsys):
    code, line, out = _stopped_run(tmp_path, monkeypatch, capsys, None)  # a run speaks Vietnamese unless told
    assert code == 128 + signal.SIGTERM
    assert line == (f"parindex: đã dừng do tín hiệu SIGTERM: các bảng chuẩn hoá đã được ghi vào {tmp_path / 'p'}; "
                    f"{out / '2024-FY'} vẫn như trước lần chạy này (không trang nào bị thay)")
    assert not list(out.glob(".staging-*"))


def test_a_stopped_english_run_says_so_in_english(tmp_path, monkeypatch, capsys):
    code, line, out = _stopped_run(tmp_path, monkeypatch, capsys, "en")
    assert code == 128 + signal.SIGTERM
    assert line == (f"parindex: stopped by SIGTERM: the standardised tables were written to {tmp_path / 'p'}; "
                    f"{out / '2024-FY-en'} is as it was before this run (no page of it was replaced)")


@pytest.mark.parametrize("lang, expected", [
    (None, "parindex: lỗi: {folder}: không ghi được các trang báo cáo vào đây (ổ đĩa đã đầy; cần đủ chỗ trống cho "
           "báo cáo) (các bảng chuẩn hoá đã được ghi vào {tables}; {left} vẫn như trước lần chạy này (không trang "
           "nào bị thay))"),
    ("en", "parindex: error: {folder}: the pages cannot be written there (No space left on device; expected room "
           "for the reports) (the standardised tables were written to {tables}; {left} is as it was before this "
           "run (no page of it was replaced))"),
])
def test_a_run_on_a_full_disk_says_so_in_its_language(tmp_path, monkeypatch, capsys, lang, expected):
    import errno

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "xa.csv").write_text(HEADER + good_rows("Xã A"), encoding="utf-8")

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    def one_page(jobs, store, **_):  # a page comes back; writing it finds the disk full
        store(PageResult(jobs[0].key, True, ipynb=b"{}", html=b"<p>"))

    monkeypatch.setattr(execute, "run_jobs", one_page)
    monkeypatch.setattr(execute, "write_atomic", full)
    out = tmp_path / "r"
    code, _, err = run_cli(["run", "--raw", str(raw), "--out", str(out), "--processed", str(tmp_path / "p"),
                            "--year", "2024", *(["--lang", lang] if lang else [])], capsys)
    run_dir = out / ("2024-FY" if lang is None else "2024-FY-en")
    assert code == 2
    assert first_line(without_progress(err)) == expected.format(folder=out, tables=tmp_path / "p", left=run_dir)


def test_a_failed_write_outside_the_pages_is_said_with_what_was_left(tmp_path, monkeypatch, capsys):
    import errno

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "xa.csv").write_text(HEADER + good_rows("Xã A"), encoding="utf-8")
    out = tmp_path / "r"

    def quota(run_dir, stage_root, outcomes):
        raise OSError(errno.EDQUOT, "Disk quota exceeded", str(run_dir))

    monkeypatch.setattr(execute, "run_jobs", lambda jobs, store, **_: None)
    monkeypatch.setattr(run_module, "promote", quota)
    code, _, err = run_cli(["run", "--raw", str(raw), "--out", str(out), "--processed", str(tmp_path / "p"),
                            "--year", "2024"], capsys)
    assert code == 2
    assert first_line(without_progress(err)) == (
        f"parindex: lỗi: {out / '2024-FY'}: không ghi hoặc đọc được (vượt hạn mức dung lượng đĩa); các bảng chuẩn "
        f"hoá đã được ghi vào {tmp_path / 'p'}")
