"""One true cause per mistake, nothing dropped, nothing accepted on a guess: files as offices make them
(csv module, openpyxl, python-docx), run through `parindex standardise` as a user runs it. Each case asserts
the exit code, that no traceback is shown, and that the first line of the message names the real cause."""

from __future__ import annotations

import csv
import shutil

import pytest

from conftest import PLAN_TSV, UNIT, plan_rows
from parindex_lib.cli import main
from parindex_lib.readers import read_file
from parindex_lib.standardise import load_scores

HEADER = ["Đơn vị", "Cấp", "Năm", "Chỉ số thành phần", "Giá trị"]
CODES = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "SIPAS"]


def write_csv(path, rows, delimiter=";"):
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:  # as Excel saves "CSV UTF-8" in Vietnam
        csv.writer(fh, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def rows_of(value_c6: str = "65,5%", unit: str = "Xã A") -> list[list[str]]:
    return [[unit, "xã", "2024", c, value_c6 if c == "C6" else f"{60 + i},5%"] for i, c in enumerate(CODES)]


def standardise(capsys, tmp_path, *paths, extra=(), lang="en") -> tuple[int, str, str]:
    """`parindex standardise` in-process, in English unless ``lang`` is given (messages are compared as text)."""
    out = tmp_path / "out"
    try:
        code = main(["standardise", *map(str, paths), "--out", str(out), "--lang", lang, *extra])
    except SystemExit as exc:
        code = exc.code
    stdout, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, stdout, err


def first_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and lines[0].startswith("parindex: error: "), err
    return lines[0][len("parindex: error: "):]


def raw_with(tmp_path, files: dict[str, list[list[str]]], manifest: str | bytes | None = None):
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    for name, rows in files.items():
        write_csv(raw / name, rows, delimiter="\t" if name.endswith(".tsv") else ";")
    if manifest is not None:
        (raw / "manifest.yaml").write_bytes(manifest if isinstance(manifest, bytes) else manifest.encode("utf-8"))
    return raw


# -- no group dropped ---------------------------------------------------------------------------------------

def _plan_with_two_2023_groups(change: bool) -> list[list[str]]:
    """The plan's table with a second "Năm 2023" group (pasted twice by hand), equal or not."""
    rows = [r[:] for r in plan_rows() if any(r)][:10]
    head, sub = rows[0], rows[1]
    out = [head[:4] + head[2:4] + head[4:], sub[:4] + sub[2:4] + sub[4:]]
    for r in rows[2:]:
        copy = r[2:4]
        if change and r[1] == "Cải cách tài chính công":
            copy = ["36,8%", r[3]]
        out.append(r[:4] + copy + r[4:])
    return out


def test_two_groups_of_one_year_that_agree_are_read_as_one_and_said(tmp_path, capsys):
    raw = raw_with(tmp_path, {"plan.tsv": _plan_with_two_2023_groups(change=False)},
                   f"files:\n  plan.tsv: {{unit: {UNIT}, level: district}}\n")
    code, out, err = standardise(capsys, tmp_path, raw, lang="vi")
    assert code == 0, err
    assert 'cột "Năm 2023 / Chỉ số" và "Năm 2023 / Chỉ số" cùng ghi kết quả năm 2023; mọi giá trị trùng nhau' in out
    scores = load_scores(tmp_path / "out" / "scores.csv")
    assert len(scores[(scores.year == 2023) & (scores.component == "C6")]) == 1
    ledger = read_file(raw / "plan.tsv", unit=UNIT, level="district").ledgers[0]
    assert ledger.groups_accounted and ledger.groups_found == 3
    assert [outcome for _, _, outcome in ledger.groups] == ["read", "read as one with Năm 2023 / Chỉ số", "read"]


@pytest.mark.parametrize("fmt", ["tsv", "xlsx"])
def test_two_groups_of_one_year_that_differ_are_refused_naming_both(tmp_path, capsys, fmt):
    from conftest import write_xlsx

    rows = _plan_with_two_2023_groups(change=True)
    raw = raw_with(tmp_path, {"plan.tsv": rows} if fmt == "tsv" else {},
                   f"files:\n  plan.{fmt}: {{unit: {UNIT}, level: district}}\n")
    if fmt == "xlsx":
        write_xlsx(raw / "plan.xlsx", rows)
    code, _, err = standardise(capsys, tmp_path, raw)
    assert code == 2
    line = first_line(err)
    assert f"plan.{fmt}" in line and "row 8" in line and '"36,8%, rank 7" differs from "36,3%, rank 7"' in line
    assert 'column "Năm 2023 / Chỉ số"' in line and "same actual of 2023" in line
    assert len([x for x in err.splitlines() if x.strip()]) == 1  # one row, one cause


def test_word_repeats_a_merged_year_over_two_groups_both_are_seen(tmp_path, capsys):
    from conftest import write_docx

    rows = _plan_with_two_2023_groups(change=True)
    rows[0] = [c if c else (rows[0][i - 1] if i in (3, 5) else c) for i, c in enumerate(rows[0])]
    assert rows[0][2:6] == ["Năm 2023"] * 4  # as Word gives a merged cell: its text in every column it spans
    raw = raw_with(tmp_path, {}, f"files:\n  plan.docx: {{unit: {UNIT}, level: district}}\n")
    write_docx(raw / "plan.docx", rows)
    code, _, err = standardise(capsys, tmp_path, raw)
    assert code == 2 and "differs from" in first_line(err) and 'sheet "bảng 1", row 8' in first_line(err)


def test_two_columns_of_one_component_in_a_wide_table(tmp_path, capsys):
    header = ["Tỉnh", "Cấp", "Năm", "Chỉ số CCHC", "PAR INDEX"]
    same = [["Sơn La", "Tỉnh", "2024", "85,2%", "85,2%"], ["Lai Châu", "Tỉnh", "2024", "84%", ""]]
    raw = raw_with(tmp_path, {"tong.csv": [header, *same]})
    code, out, err = standardise(capsys, tmp_path, raw, extra=("--lang", "en"))
    assert code == 0, err
    assert 'columns "Chỉ số CCHC" and "PAR INDEX" both name TOTAL; every value agrees' in out
    assert len(load_scores(tmp_path / "out" / "scores.csv")) == 2
    differ = [["Sơn La", "Tỉnh", "2024", "85,2%", "85,02%"], ["Lai Châu", "Tỉnh", "2024", "84%", "84%"]]
    write_csv(raw / "tong.csv", [header, *differ])
    code, _, err = standardise(capsys, tmp_path, raw)
    assert code == 2
    assert first_line(err).endswith('row 2, column "PAR INDEX": "85,02%" differs from "85,2%" in column "Chỉ số '
                                    'CCHC", which names the same component, TOTAL (expected one column per '
                                    "component, or the same value in both)")


# -- one true cause per mistake -----------------------------------------------------------------------------

def test_a_rank_above_rank_of_is_one_line_naming_both_columns(tmp_path, capsys):
    header = ["unit", "level", "year", "period", "component", "kind", "value_pct", "rank", "rank_of"]
    rows = [["Hà Nam", "province", "2023", "FY", "TOTAL", "actual", "85%", "64", "63"]]
    code, _, err = standardise(capsys, tmp_path, write_csv(tmp_path / "r.csv", [header, *rows], ","))
    assert code == 2
    assert [x for x in err.splitlines() if x.strip()] == [
        f'parindex: error: {tmp_path / "r.csv"}, row 2, column "rank": "64" is above the number of units ranked, '
        '63, in column "rank_of" (expected a rank from 1 to 63)']


def test_points_above_their_maximum_in_two_columns_is_one_line(tmp_path, capsys):
    header = ["Tỉnh", "Cấp", "Năm", "Chỉ số", "Điểm", "Điểm tối đa"]
    rows = [["Sơn La", "tỉnh", "2024", "C3", "14", "13"]]
    code, _, err = standardise(capsys, tmp_path, write_csv(tmp_path / "p.csv", [header, *rows]))
    assert code == 2 and len([x for x in err.splitlines() if x.strip()]) == 1
    assert first_line(err).endswith('row 2, column "Điểm": "14/13" is more than its maximum 13 (expected points ≤ '
                                    "maximum)")


MANIFESTS = [
    ("entry as text", "files:\n  plan.tsv: Tam Đường\n",
     'manifest.yaml, column "files / plan.tsv": "Tam Đường" is not a mapping: the entry is written as plain text'),
    ("utf-16", "files:\n  plan.tsv: {unit: Tam Đường, level: district}\n".encode("utf-16"),
     "manifest.yaml: is not UTF-8 text: it is saved in UTF-16"),
    ("cp1258", "files:\n  plan.tsv: {unit: Tam Đường, level: district}\n".encode("cp1258", "replace"),
     "manifest.yaml: is not UTF-8 text: it is saved in another encoding"),
    ("a list", "- plan.tsv\n", 'manifest.yaml: "list" is not a mapping (expected "files:"'),
    ("files as a list", "files:\n  - plan.tsv\n", 'manifest.yaml, column "files": "list" is not a mapping'),
    ("level unknown", "files:\n  plan.tsv: {unit: Tam Đường, level: galaxy}\n",
     'column "files / plan.tsv / level": "galaxy" is not a level'),
]


@pytest.mark.parametrize("name, manifest, expected", MANIFESTS, ids=[m[0] for m in MANIFESTS])
def test_a_manifest_fault_is_named_once_by_the_manifest(tmp_path, capsys, name, manifest, expected):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(PLAN_TSV, raw / "plan.tsv")
    (raw / "manifest.yaml").write_bytes(manifest if isinstance(manifest, bytes) else manifest.encode("utf-8"))
    code, _, err = standardise(capsys, tmp_path, raw)
    assert code == 2
    assert expected in first_line(err) and first_line(err).startswith(str(raw / "manifest.yaml").split("/")[-1]) \
        or expected in first_line(err)
    assert "does not name its unit" not in err  # the plan's rows are not blamed for the manifest
    assert len([x for x in err.splitlines() if x.strip()]) == 1


VALUES = [
    ("70,52%*", 'has the mark "*" beside the value'),
    ("70,52%**", 'has the mark "**" beside the value'),
    ("70,52% (1)", 'has the mark "(1)" beside the value'),
    ("(70,52%)", "is in parentheses"),
    ("N/A", "is written for a missing value"),
    ("-", "is written for a missing value"),
    ("—", "is written for a missing value"),
    ("x", "is written for a missing value"),
    ("không có", "is written for a missing value"),
    ("7 0,52%", "has a space inside the number"),
    ("1.234,5%", "as a thousands separator would"),
]


@pytest.mark.parametrize("value, expected", VALUES, ids=[v[0] for v in VALUES])
def test_a_value_is_refused_by_what_is_wrong_with_it(tmp_path, capsys, value, expected):
    path = write_csv(tmp_path / "xa.csv", [HEADER, *rows_of(value)])
    code, _, err = standardise(capsys, tmp_path, path)
    assert code == 2
    assert first_line(err) == f'{path}, row 7, column "Giá trị": "{value}" {first_line(err).split(chr(34) + " ", 1)[1]}'
    assert expected in first_line(err) and "bound" not in err and "is not points" not in err


@pytest.mark.parametrize("value, read", [("70,52％", 70.52), ("７０,５２%", 70.52), ("70,52 %", 70.52)])
def test_full_width_forms_are_read_where_the_meaning_is_certain(tmp_path, capsys, value, read):
    rows = rows_of(value)
    rows[0][2] = "２０２４"  # a full-width year, as an East Asian input method types it
    code, _, err = standardise(capsys, tmp_path, write_csv(tmp_path / "xa.csv", [HEADER, *rows]))
    assert code == 0, err
    scores = load_scores(tmp_path / "out" / "scores.csv")
    assert scores.loc[scores.component == "C6", "value_pct"].item() == read and set(scores.year) == {2024}


@pytest.mark.parametrize("name, content, expected", [
    ("empty.csv", b"", "empty.csv: is empty (expected a table of scores)"),
    ("blank.csv", b" \r\n\r\n", "blank.csv: is empty (expected a table of scores)"),
    ("bad.xlsx", b"not a zip", "bad.xlsx: is not a readable .xlsx file (File is not a zip file)"),
    ("t.xlsx", None, "t.xlsx: has no filled sheet (expected a table of scores)"),
])
def test_file_level_errors_print_no_empty_value(tmp_path, capsys, name, content, expected):
    if content is None:
        from openpyxl import Workbook

        Workbook().save(tmp_path / name)
    else:
        (tmp_path / name).write_bytes(content)
    code, _, err = standardise(capsys, tmp_path, tmp_path / name)
    assert code == 2 and first_line(err) == f"{tmp_path}/{expected}" and '""' not in err


# -- nothing accepted on a guess ----------------------------------------------------------------------------

def test_a_header_only_file_holds_no_rows(tmp_path, capsys):
    raw = raw_with(tmp_path, {"xa.csv": [HEADER]})
    code, _, err = standardise(capsys, tmp_path, raw)
    assert code == 2 and first_line(err).endswith("xa.csv: holds a table header but no rows (expected at least "
                                                  "one row of scores under the header)")
    write_csv(raw / "other.csv", [HEADER, *rows_of()])
    code, out, err = standardise(capsys, tmp_path, raw)
    assert code == 0 and "9 score rows" in out
    assert [x for x in err.splitlines() if x.strip()] == [
        f"parindex: warning: {raw / 'xa.csv'}: holds a table header but no rows: nothing was read from it"]
    code, out, err = standardise(capsys, tmp_path, raw, lang="vi")
    assert code == 0 and "9 dòng điểm" in out
    assert [x for x in err.splitlines() if x.strip()] == [
        f"parindex: cảnh báo: {raw / 'xa.csv'}: có dòng tiêu đề bảng nhưng không có dòng nào: không đọc được gì "
        "từ tệp này"]


def test_an_excel_percent_with_fewer_decimals_keeps_the_cells_value(tmp_path, capsys):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Xã"
    sheet.append(HEADER)
    for i, c in enumerate(CODES):
        sheet.append(["Xã A", "xã", 2024, c, 0.7052 + i / 100])
        sheet.cell(sheet.max_row, 5).number_format = "0%"  # shows 71%, 72%…: the office's display, not its value
    book.save(tmp_path / "xa.xlsx")
    code, out, err = standardise(capsys, tmp_path, tmp_path / "xa.xlsx", extra=("--lang", "en"))
    assert code == 0, err
    scores = load_scores(tmp_path / "out" / "scores.csv").set_index("component")
    assert scores.loc["C1", "value_pct"] == 70.52 and scores.loc["C1", "decimals"] == 2
    assert ('sheet "Xã": 9 cell(s) are formatted with fewer decimals than they hold (e.g. E2 shows 71%); each is '
            "read as stored (E2: 70,52%), not as displayed") in out


@pytest.mark.parametrize("value, points, expected", [
    ("abc", "56,5", '"abc" is not a percentage (expected e.g. 70,52%); columns "Điểm"/"Điểm tối đa" give 56,5/70'),
    ("80,71%", "60", '"80,71%" and columns "Điểm"/"Điểm tối đa" 60/70 = 85,71% disagree'),
])
def test_a_value_typed_over_beside_points_is_never_dropped(tmp_path, capsys, value, points, expected):
    header = ["Đơn vị", "Cấp", "Năm", "Chỉ số thành phần", "Giá trị", "Điểm", "Điểm tối đa"]
    rows = [["Xã A", "xã", "2024", "C1", "80,71%", "56,5", "70"], ["Xã A", "xã", "2024", "C2", value, points, "70"]]
    path = write_csv(tmp_path / "xa.csv", [header, *rows])
    code, _, err = standardise(capsys, tmp_path, path)
    assert code == 2 and first_line(err) == f'{path}, row 3, column "Giá trị": {expected}' + (
        "" if value == "abc" else ' (expected the same value within the rounding of 80,71%: correct one of them, or '
                                  'leave "Giá trị" empty)')
    rows[1][4] = "86%"  # written with no decimals: 85,71% rounds to it
    code, _, err = standardise(capsys, tmp_path, write_csv(tmp_path / "xa.csv", [header, *rows]))
    assert code == (0 if points == "60" else 2), err
