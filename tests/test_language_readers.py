"""Nothing English on a Vietnamese command when an input is wrong: the readers' hostile corpus (files as they should
never be, manifests, values written every wrong way, links) run through `parindex standardise` in Vietnamese, as a
user runs it, and through the library (`say_error`). Each fault is said in Vietnamese in full; the data's own words
(file names, headers, values as typed) stay as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hostile_kit import run_cli
from test_hostile import MANIFESTS as HOSTILE_MANIFESTS
from test_hostile import STANDARDISE
from test_hostile_edges import (
    EDITS,
    workbook_bytes,  # noqa: F401  (a fixture: the workbook a run writes)
)
from test_language import COMMON_ENGLISH, english_in
from test_readers_true_causes import HEADER, VALUES, rows_of, write_csv

from conftest import PLAN_TSV
from parindex_lib.errors import BadValue, InputError
from parindex_lib.present.i18n import catalogue, say, say_error
from parindex_lib.readers import read_scores
from parindex_lib.readers.layout import TIDY_COLUMNS
from parindex_lib.vn import parse_percent, parse_points, parse_rank

#: Faults of the corpus whose cause another part gives (a year's plausibility, a repeated row, the component
#: catalogue, a plan's unit): their wording is that part's.
NOT_THE_READERS = {"year 1800", "duplicate rows", "unknown component", "plan without unit"}
FAULTS = [c for c in STANDARDISE if c[3] == 2 and c[0] not in NOT_THE_READERS]
WORKBOOK_FAULTS = [e for e in EDITS if e[2] == 2]
#: The columns of a tidy table as a header written in English names them (an error lists them so).
ENGLISH_COLUMNS = {w for _, _, name in TIDY_COLUMNS.values() for w in name.split("_")}


def _words(data: bytes | str) -> set[str]:
    """The words of a file as written: its own names (headers, values), never counted as English of ours."""
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}


@pytest.fixture(scope="module")
def english() -> set[str]:
    """English words, as tests/test_language.py counts them: the catalogue's English and common words, less any
    word its Vietnamese uses."""
    vi = set().union(*(_words(v) for v in catalogue()["vi"].values()))
    return (set().union(*(_words(v) for v in catalogue()["en"].values())) | COMMON_ENGLISH) - vi


def _vietnamese(err: str, tmp: Path) -> list[str]:
    """The message's lines without the folder's path (its words are the test's, not the message's)."""
    assert "Traceback" not in err, err
    lines = [line.replace(str(tmp), "TMP") for line in err.splitlines() if line.strip()]
    assert lines and lines[0].startswith("parindex: lỗi: "), err
    return lines


@pytest.mark.parametrize("name, filename, content, code, fragment", FAULTS, ids=[c[0] for c in FAULTS])
def test_every_fault_of_a_file_is_said_in_vietnamese(tmp_path, capsys, english, name, filename, content, code,
                                                     fragment):
    raw = tmp_path / "raw"
    raw.mkdir()
    data = content(tmp_path) if callable(content) else content
    (raw / filename).write_bytes(data)
    got, _, err = run_cli(["standardise", str(raw), "--out", str(tmp_path / "out"), "--lang", "vi"], capsys)
    assert got == 2, err
    text = "\n".join(_vietnamese(err, tmp_path))
    assert filename in text
    assert english_in(text, english, _words(data) | ENGLISH_COLUMNS) == set(), text


@pytest.mark.parametrize("name, manifest, fragment", HOSTILE_MANIFESTS, ids=[m[0] for m in HOSTILE_MANIFESTS])
def test_every_fault_of_a_manifest_is_said_in_vietnamese(tmp_path, capsys, english, name, manifest, fragment):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(PLAN_TSV, raw / "plan.tsv")
    (raw / "manifest.yaml").write_text(manifest, encoding="utf-8")
    got, _, err = run_cli(["standardise", str(raw), "--out", str(tmp_path / "out")], capsys)  # Vietnamese by default
    lines = _vietnamese(err, tmp_path)
    assert got == 2 and len(lines) == 1 and "manifest.yaml" in lines[0]
    # The YAML of an entry is written with its keys (unit, level), as the example shows them.
    assert english_in(lines[0], english, _words(manifest) | {"unit", "level"}) == set(), lines[0]


@pytest.mark.parametrize("value, expected", VALUES, ids=[v[0] for v in VALUES])
def test_every_value_written_the_wrong_way_is_said_in_vietnamese(tmp_path, capsys, english, value, expected):
    path = write_csv(tmp_path / "xa.csv", [HEADER, *rows_of(value)])
    got, _, err = run_cli(["standardise", str(path), "--out", str(tmp_path / "out")], capsys)
    lines = _vietnamese(err, tmp_path)
    assert got == 2 and len(lines) == 1 and lines[0].startswith('parindex: lỗi: TMP/xa.csv, dòng 7, cột "Giá trị": ')
    assert english_in(lines[0], english, _words(value)) == set(), lines[0]


@pytest.mark.parametrize("name, content, expected", [
    ("year text", "unit,level,year,period,component,kind,value_pct\nXã A,xã,20a4,FY,C1,actual,\"70,5%\"\n",
     'TMP/raw/a.csv, dòng 2, cột "year": "20a4" không phải là năm (cần ví dụ 2024)'),
    ("points over max", "Tỉnh,Cấp,Năm,Chỉ số,Điểm,Điểm tối đa\nSơn La,tỉnh,2024,C3,14,13\n",
     'TMP/raw/a.csv, dòng 2, cột "Điểm": "14/13" vượt quá điểm tối đa 13 (cần số điểm ≤ điểm tối đa)'),
    ("a value beside points", "Đơn vị,Cấp,Năm,Chỉ số thành phần,Giá trị,Điểm,Điểm tối đa\n"
     "Xã A,xã,2024,C2,abc,\"56,5\",70\n",
     'TMP/raw/a.csv, dòng 2, cột "Giá trị": "abc" không phải là tỷ lệ phần trăm (cần ví dụ 70,52%); các cột '
     '"Điểm"/"Điểm tối đa" cho 56,5/70'),
    ("fractions", "Đơn vị,Cấp,Năm,Chỉ số thành phần,Loại,Giá trị\n" + "".join(
        f'Xã A,xã,2024,C{i},mục tiêu,"0,{50 + i}"\n' for i in range(1, 4)),
     'TMP/raw/a.csv, dòng 2, cột "Giá trị": "0.51" cùng mọi mục tiêu khác trong cột này (3 giá trị) đều nằm trong '
     "khoảng 0 đến 1: có vẻ là số thập phân thay cho tỷ lệ phần trăm (cần tỷ lệ phần trăm như 70,52%; hãy nhân với "
     "100, hoặc định dạng ô Excel theo kiểu phần trăm)"),
    ("header only", "Đơn vị,Cấp,Năm,Chỉ số thành phần,Giá trị\n",
     "TMP/raw/a.csv: có dòng tiêu đề bảng nhưng không có dòng nào (cần ít nhất một dòng điểm dưới dòng tiêu đề)"),
    ("a stray cell", "Đơn vị,Cấp,Năm,Chỉ số thành phần,Giá trị\nXã A,xã,2024,C1,\"70,5%\",lạc\n",
     'TMP/raw/a.csv, dòng 2, cột "cột thứ 6": "lạc" nằm ngoài cột cuối cùng của dòng tiêu đề (cột thứ 5) (cần để '
     "trống: thêm tiêu đề cho cột này, hoặc chuyển giá trị về đúng cột)"),
])
def test_the_exact_vietnamese_line_of_a_few_faults(tmp_path, capsys, name, content, expected):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.csv").write_text(content, encoding="utf-8")
    got, _, err = run_cli(["standardise", str(raw), "--out", str(tmp_path / "out")], capsys)
    assert got == 2 and _vietnamese(err, tmp_path) == [f"parindex: lỗi: {expected}"]


def test_a_manifest_that_is_not_yaml_is_located_by_line_and_column(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(PLAN_TSV, raw / "plan.tsv")
    (raw / "manifest.yaml").write_text("files:\n  plan.tsv: {unit: Tam Đường, level: huyện\n", encoding="utf-8")
    got, _, err = run_cli(["standardise", str(raw), "--out", str(tmp_path / "out")], capsys)
    assert got == 2 and _vietnamese(err, tmp_path) == [
        "parindex: lỗi: TMP/raw/manifest.yaml: không phải là YAML hợp lệ (lỗi ở dòng 3, cột 1)"]
    got, _, err = run_cli(["standardise", str(raw), "--out", str(tmp_path / "out"), "--lang", "en"], capsys)
    assert "manifest.yaml: is not valid YAML (while parsing a flow mapping" in err  # the parser's own words


def test_links_that_cannot_be_read_and_an_input_inside_the_output_are_said_in_vietnamese(tmp_path, capsys, english):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "loop.csv").symlink_to(raw / "loop.csv")
    (raw / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    got, _, err = run_cli(["standardise", str(raw), "--out", str(tmp_path / "out")], capsys)
    lines = _vietnamese(err, tmp_path)
    said = [line.split(".csv: ", 1)[1] for line in lines[:2]]
    assert got == 2 and said[0] == ('"TMP/nowhere.csv" là một liên kết không trỏ tới tệp nào (cần một tệp bảng: chép '
                                    "tệp vào thư mục dữ liệu gốc, hoặc sửa lại liên kết)")
    assert said[1].startswith('"TMP/raw/loop.csv" là một liên kết dẫn ngược về chính nó (cần một tệp bảng: chép tệp '
                              "vào thư mục dữ liệu gốc")  # how the loop is found depends on Python's version
    for link in ("loop.csv", "gone.csv"):
        (raw / link).unlink()
    out = tmp_path / "out"
    out.mkdir()
    write_csv(out / "old.csv", [HEADER, *rows_of()])
    (raw / "old.csv").symlink_to(out / "old.csv")
    got, _, err = run_cli(["standardise", str(raw), "--out", str(out)], capsys)
    line = _vietnamese(err, tmp_path)[0]
    assert got == 2 and "nằm trong thư mục kết quả TMP/out, nơi lệnh này ghi kết quả" in line
    assert english_in(line, english, {"out"}) == set(), line  # the folder as named


def test_the_parsers_causes_are_data_said_in_both_languages():
    """The number parsers raise a ValueError whose text is the English cause, and whose cause is data."""
    cases = [(lambda: parse_percent("abc"), "không phải là tỷ lệ phần trăm (cần ví dụ 70,52%)"),
             (lambda: parse_percent("Trên 75%"), "có điều kiện (trên, từ… trở lên), nhưng kết quả thực tế phải là "
                                                 "một giá trị (ví dụ 70,52%)"),
             (lambda: parse_points("20/10 điểm"), "vượt quá điểm tối đa 10 (cần số điểm ≤ điểm tối đa)"),
             (lambda: parse_rank("64/63"), "không phải là thứ hạng hợp lệ (cần 1 ≤ thứ hạng ≤ số đơn vị được xếp "
                                           "hạng)")]
    for parse, vietnamese in cases:
        with pytest.raises(ValueError) as caught:
            parse()
        assert isinstance(caught.value, BadValue) and say(caught.value.reason, "vi") == vietnamese
        assert say(caught.value.reason, "en") == str(caught.value)


def test_the_library_says_a_files_faults_in_the_language_asked(tmp_path, english):
    path = write_csv(tmp_path / "xa.csv", [HEADER, *rows_of("N/A")], delimiter=";")
    with pytest.raises(InputError) as caught:
        read_scores(path)
    said = say_error(caught.value, "vi")
    assert said == (f'{path}, dòng 7, cột "Giá trị": "N/A" là ký hiệu thay cho giá trị bị thiếu (cần một giá trị như '
                    "70,52%; nếu không có giá trị, bỏ dòng này đi, hoặc để trống ô trong bảng mỗi chỉ số thành phần "
                    "một cột)")
    assert say_error(caught.value, "en") == str(caught.value) and "is written for a missing value" in str(caught.value)
    with pytest.raises(InputError) as caught:
        read_scores(tmp_path / "nope.xlsx")
    assert say_error(caught.value, "vi") == f"{tmp_path / 'nope.xlsx'}: không tồn tại (cần một tệp bảng điểm)"


def test_a_sheet_that_is_not_a_table_is_said_in_vietnamese_with_the_columns_it_could_have(tmp_path, english):
    """A header in no language lists the columns in the message's; a sheet too wide to continue the one before is
    said with that sheet's name."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Kết quả"
    book.active.append(HEADER)
    book.active.append(rows_of()[0])
    book.create_sheet("Ghi chú").append(list("abcdefg"))
    book.save(tmp_path / "w.xlsx")
    with pytest.raises(InputError) as caught:
        read_scores(tmp_path / "w.xlsx")
    said = say_error(caught.value, "vi")
    assert said.startswith(f'{tmp_path / "w.xlsx"}, trang tính "Ghi chú", dòng 1: "a | b | c | d | e | f | g" không '
                           "phải là dòng tiêu đề bảng nhận biết được (cần bố cục của kế hoạch")
    assert "các cột như Đơn vị, Cấp, Năm, Kỳ, Chỉ số thành phần" in said
    assert said.endswith('hoặc phần tiếp theo của trang tính "Kết quả" với tối đa 5 cột)')
    assert english_in(said, english) == set(), said
    assert "tidy columns such as unit, level, year" in str(caught.value)


@pytest.mark.parametrize("case, edit, code, expected", WORKBOOK_FAULTS, ids=[e[0] for e in WORKBOOK_FAULTS])
def test_the_workbook_read_back_after_hand_edits_is_refused_in_vietnamese(request, tmp_path, capsys, english, case,
                                                                          edit, code, expected):
    from openpyxl import load_workbook

    path = tmp_path / "parindex-2024-FY.xlsx"
    path.write_bytes(request.getfixturevalue("workbook_bytes"))
    book = load_workbook(path)
    edit(book)
    book.save(path)
    got, _, err = run_cli(["standardise", str(path), "--out", str(tmp_path / "p")], capsys)
    line = _vietnamese(err, tmp_path)[0]
    assert got == 2 and line.startswith("parindex: lỗi: TMP/parindex-2024-FY.xlsx")
    assert english_in(line, english) == set(), line
