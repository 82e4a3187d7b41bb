"""The hostile corpus at the edges: points and maxima at 0, negative, above the maximum and beyond Σ maxima,
through the readers and the index (standardise, then lift). Each case asserts the exit code, no traceback,
one true first line, and the raw files byte-identical.
"""

from __future__ import annotations

import json

import pytest
from hostile_kit import digests, first_line, run_cli

HEADER = "Tỉnh,Cấp,Năm,Chỉ số,Điểm\n"
UNIT = "Sơn La"


def rows(*cells: tuple[str, str], year: int = 2024) -> str:
    return HEADER + "".join(f'{UNIT},tỉnh,{year},{name},"{value}"\n' for name, value in cells)


EIGHT = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"]

# id, table, exit code of standardise, fragment of its first line (errors) — or, for tables read, the lift's
# total before and after (target 80)
POINTS = [
    ("points 0", rows(("C3", "0/13"), ("C4", "0/10,5")), 0, (0.0, 80.0)),
    ("every component at 0", rows(*[(c, "0/10") for c in EIGHT]), 0, (0.0, 80.0)),
    ("every component at its maximum", rows(*[(c, "10/10") for c in EIGHT]), 0, (100.0, 100.0)),
    ("points written alone, 0", rows(("C3", "0")), 0, (0.0, 80.0)),  # the maximum 13 from provincial-2024
    ("points negative", rows(("C3", "-1/13"), ("C4", "5/10,5")), 2, '"-1/13" is negative'),
    ("points alone, negative", rows(("C3", "-2")), 2, "is negative"),
    ("maximum negative", rows(("C3", "5/-13"), ("C4", "5/10,5")), 2, "has a maximum of zero or less"),
    ("maximum zero", rows(("C3", "0/0"), ("C4", "5/10,5")), 2, "has a maximum of zero or less"),
    ("points above their maximum", rows(("C3", "14/13"), ("C4", "5/10,5")), 2, "is more than its maximum 13"),
    ("points alone above the scheme's maximum", rows(("C3", "14")), 2, "is more than"),
    ("a total above its maximum", rows(("C3", "12/13"), ("C4", "10/10,5"), ("Chỉ số CCHC", "30/23,5")), 2,
     "is more than its maximum 23,5"),
    ("points and maximum columns, maximum 0", "Tỉnh,Cấp,Năm,Chỉ số,Điểm,Điểm tối đa\n"
     f"{UNIT},tỉnh,2024,C3,5,0\n", 2, "maximum of zero or less"),
    ("points and maximum columns, maximum negative", "Tỉnh,Cấp,Năm,Chỉ số,Điểm,Điểm tối đa\n"
     f"{UNIT},tỉnh,2024,C3,5,-13\n", 2, "maximum of zero or less"),
    ("points and maximum columns, maximum in words", "Tỉnh,Cấp,Năm,Chỉ số,Điểm,Điểm tối đa\n"
     f"{UNIT},tỉnh,2024,C3,5,mười ba\n", 2, "mười ba"),
]


@pytest.mark.parametrize("case, table, code, expected", POINTS, ids=[c[0] for c in POINTS])
def test_points_at_their_edges_through_the_readers_and_the_index(tmp_path, capsys, case, table, code, expected):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "son_la.csv").write_text(table, encoding="utf-8")
    before = digests(raw)
    got, _, err = run_cli(["standardise", str(raw), "--out", str(tmp_path / "p"), "--lang", "en"], capsys)
    assert got == code, err
    if code == 2:
        line = first_line(err)
        assert "son_la.csv" in line and expected in line, line
        assert not (tmp_path / "p").exists()
    else:
        got, out, err = run_cli(["lift", "--unit", UNIT, "--year", "2024", "--target", "80", "--format", "json",
                                 "--scores", str(tmp_path / "p" / "scores.csv")], capsys)
        assert got == 0, err
        result = json.loads(out)
        assert (result["total_before"], result["total_after"]) == pytest.approx(expected)
    assert digests(raw) == before


COMMUNE = "Xã,Cấp,Năm,Chỉ số,Điểm\n" + "".join(f"Xã Y,xã,2025,{name},{value}\n" for name, value in (
    ("Điểm thẩm định", "{appraisal}"), ("Điều tra XHH", "{survey}"), ("{adjustment}", "{points}")))


@pytest.mark.parametrize("appraisal, survey, adjustment, points, uncapped, total", [
    ("70/70", "28/30", "Điểm thưởng", "5/5", "103,00%", "100,00%"),  # Σ points + bonus > Σ maxima
    ("1/70", "1/30", "Điểm trừ", "5/5", "-3,00%", "0,00%"),  # penalty beyond the points
])
def test_a_total_that_bonus_or_penalty_takes_beyond_0_100_is_kept_there_and_said(
        tmp_path, capsys, appraisal, survey, adjustment, points, uncapped, total):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "y.csv").write_text(COMMUNE.format(appraisal=appraisal, survey=survey, adjustment=adjustment,
                                              points=points), encoding="utf-8")
    before = digests(raw)
    assert run_cli(["standardise", str(raw), "--out", str(tmp_path / "p")], capsys)[0] == 0
    code, out, err = run_cli(["lift", "--unit", "Xã Y", "--year", "2025", "--scores",
                              str(tmp_path / "p" / "scores.csv")], capsys)
    assert code == 0 and "Traceback" not in err
    assert f"Tổng điểm: {total}" in out
    assert f"đưa tổng điểm tới {uncapped}; tổng điểm chỉ từ 0% đến 100% nên được tính là {total}" in out
    assert digests(raw) == before


# -- links in the raw folder: a link to a file is read (and said), never written through; anything else is
# -- refused with where it leads --------------------------------------------------------------------------

TIDY = "unit,level,year,period,component,kind,value_pct\n"


def _tidy(unit: str) -> str:
    return TIDY + "".join(f'{unit},district,2024,FY,{c},actual,"{60 + i},5%"\n'
                          for i, c in enumerate(["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "SIPAS"]))


@pytest.fixture()
def linked(tmp_path):
    raw, outside = tmp_path / "raw", tmp_path / "shared"
    raw.mkdir()
    (outside / "tables").mkdir(parents=True)
    (outside / "docs").mkdir()
    (raw / "xa.csv").write_text(_tidy("Xã A"), encoding="utf-8")
    (outside / "b.csv").write_text(_tidy("Xã B"), encoding="utf-8")
    (outside / "tables" / "c.csv").write_text(_tidy("Xã C"), encoding="utf-8")
    (outside / "docs" / "readme.txt.bak").write_text("ghi chú", encoding="utf-8")
    return raw, outside


LINKS = [
    ("to a folder of tables", "tables", "{outside}/tables", "is a link to a folder of tables, which is not read"),
    ("broken", "gone.csv", "{outside}/gone.csv", "is a link that points to nothing"),
    ("to itself", "loop.csv", "loop.csv", "is a link that leads back to itself"),
    ("into the output folder", "scores.csv", "{tmp}/p/scores.csv", "is in the output folder"),
]


@pytest.mark.parametrize("case, name, target, fragment", LINKS, ids=[c[0] for c in LINKS])
def test_a_link_that_cannot_be_read_is_refused_with_where_it_leads(linked, tmp_path, capsys, case, name, target,
                                                                   fragment):
    raw, outside = linked
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "scores.csv").write_text(_tidy("Xã Cũ"), encoding="utf-8")
    (raw / name).symlink_to(target.format(outside=outside, tmp=tmp_path))
    before = digests(raw, outside, tmp_path / "p")
    code, _, err = run_cli(["standardise", str(raw), "--out", str(tmp_path / "p"), "--lang", "en"], capsys)
    assert code == 2, err
    line = first_line(err)
    assert line.startswith(f"parindex: error: {raw / name}: ") and fragment in line, line
    assert digests(raw, outside, tmp_path / "p") == before


def test_a_link_to_a_file_is_read_said_and_never_written_through(linked, tmp_path, capsys):
    raw, outside = linked
    (raw / "b.csv").symlink_to(outside / "b.csv")
    (raw / "docs").symlink_to(outside / "docs")  # a linked folder without tables: nothing to read, nothing lost
    out = tmp_path / "p"
    out.mkdir()
    (tmp_path / "elsewhere.csv").write_text("của người dùng", encoding="utf-8")
    (out / "scores.csv").symlink_to(tmp_path / "elsewhere.csv")  # an output that is a link: replaced, not followed
    before = digests(raw, outside, tmp_path / "elsewhere.csv")
    code, stdout, err = run_cli(["standardise", str(raw), "--out", str(out), "--lang", "en"], capsys)
    assert code == 0, err
    assert f"note: {raw / 'b.csv'} is a link to {outside / 'b.csv'} (outside the raw folder): read from there, " \
           "never written" in stdout
    assert "Xã B" in (out / "scores.csv").read_text(encoding="utf-8") and not (out / "scores.csv").is_symlink()
    assert digests(raw, outside, tmp_path / "elsewhere.csv") == before
    assert (raw / "b.csv").is_symlink() and (raw / "b.csv").resolve() == outside / "b.csv"


def test_a_run_refuses_a_link_into_its_reports_before_any_work(linked, tmp_path, capsys):
    raw, _ = linked
    reports = tmp_path / "reports"
    (reports / "2024-FY").mkdir(parents=True)
    (reports / "2024-FY" / "old.csv").write_text(_tidy("Xã Cũ"), encoding="utf-8")
    (raw / "old.csv").symlink_to(reports / "2024-FY" / "old.csv")
    before = digests(raw, reports)
    code, _, err = run_cli(["run", "--raw", str(raw), "--out", str(reports), "--processed", str(tmp_path / "p"),
                            "--year", "2024", "--lang", "en"], capsys)
    assert code == 2
    assert f"{raw / 'old.csv'}: " in first_line(err) and "is in the reports folder" in first_line(err)
    assert digests(raw, reports) == before and not (tmp_path / "p").exists()


# -- the run's workbook, read back by standardise after hand edits ------------------------------------------

SON_LA = {"C1": "9/10", "C2": "8,5/10", "C3": "12,75/13", "C4": "10,18/10,5", "C5": "14,23/15", "C6": "11/12",
          "C7": "11,2/13", "C8": "13,14/16,5"}


@pytest.fixture(scope="module")
def workbook_bytes(tmp_path_factory) -> bytes:
    """The workbook a run writes for Sơn La's 2024 points (built as the batch builds it, without kernels)."""
    from parindex_lib.model.index import PARIndex
    from parindex_lib.present.workbook import build_workbook
    from parindex_lib.standardise import standardise

    folder = tmp_path_factory.mktemp("wb")
    (folder / "sl.csv").write_text(rows(*SON_LA.items()), encoding="utf-8")
    scores = standardise([folder / "sl.csv"]).scores
    index = PARIndex.from_scores(scores, UNIT, 2024)
    return build_workbook([index], scores, "vi", 2024, "FY", {"inputs": [], "params": [], "version": "0",
                                                               "time": "-"}, [])


def _column(sheet, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value == header)


def _type_over(header: str, value):
    def edit(book):
        sheet = book["Điểm"]
        sheet.cell(2, _column(sheet, header)).value = value
    return edit


def _rename(book):
    book["Điểm"].title = "Điểm (đã sửa)"


def _delete_sheet(book):
    del book["Điểm"]


def _delete_row(book):
    book["Điểm"].delete_rows(3)


# id, edit, exit code, fragment of the first line (errors) or the rows read back (0)
EDITS = [
    ("untouched", lambda book: None, 0, 8),
    ("a row deleted", _delete_row, 0, 7),
    ("level typed in Vietnamese", _type_over("Cấp", "tỉnh"), 0, 8),
    ("sheet renamed", _rename, 2, '"Điểm" is the scores sheet this workbook of parindex names, and it is missing'),
    ("sheet deleted", _delete_sheet, 2, "renamed or deleted?"),
    ("formula typed over a value", _type_over("Giá trị", "=0.9"), 2,
     '"=0.9" is a formula whose value was never calculated in cell G2'),
    ("formula typed over points", _type_over("Điểm", "=9-1"), 2, '"=9-1" is a formula whose value was never'),
    ("points typed above the maximum", _type_over("Điểm", 11), 2, "is more than its maximum"),
    ("a header typed over", lambda book: setattr(book["Điểm"].cell(1, 7), "value", "Giá trị mới"), 2,
     '"Giá trị mới" is not a known column'),
]


@pytest.mark.parametrize("case, edit, code, expected", EDITS, ids=[e[0] for e in EDITS])
def test_the_workbook_read_back_after_hand_edits(workbook_bytes, tmp_path, capsys, case, edit, code, expected):
    from openpyxl import load_workbook

    path = tmp_path / "parindex-2024-FY.xlsx"
    path.write_bytes(workbook_bytes)
    book = load_workbook(path)
    edit(book)
    book.save(path)
    before = digests(path)
    got, stdout, err = run_cli(["standardise", str(path), "--out", str(tmp_path / "p"), "--lang", "en"], capsys)
    assert got == code, err
    if code == 2:
        line = first_line(err)
        assert line.startswith(f"parindex: error: {path}") and expected in line, line
    else:
        assert f"{expected} score rows" in stdout
    assert digests(path) == before
