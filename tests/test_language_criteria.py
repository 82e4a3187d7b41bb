"""Criteria's faults said in Vietnamese on a Vietnamese command: a province's own tree checked by `parindex
criteria` (YAML and spreadsheet, its rules and bands), the self-assessment sheets read by `parindex standardise`
(points, maxima, bands, codes, sums, missing and repeated criteria, the manifest, what a sheet says about itself)
and a scheme's criteria: naming a faulty tree — exactly for a few, and with no English left for all."""

from __future__ import annotations

import re

import pytest
from criteria_corpus import full_marks, write_long_csv, write_workbook
from error_sites import causes
from test_criteria_sheets import HAND_SCHEME, HAND_TREE, A
from test_language import _words, english_in

from parindex_lib.cli import main
from parindex_lib.errors import InputError, ParindexError, Reason
from parindex_lib.model.criteria import CriterionProblem, load_criteria, tree_from_spec
from parindex_lib.model.criteria.problems import error_reason, level_said, problem_reason
from parindex_lib.model.schemes import load_scheme
from parindex_lib.present.i18n import catalogue, say, say_error
from parindex_lib.standardise import standardise

#: Names of the data (units, criteria, schemes).
NAMES = {"hand", "phúc", "khoa"}
#: The keys, kinds and codes a file writes, shown as they are to be typed (capped, steps, {unit, year, period}…).
KEYS = {"capped", "incomplete", "lead", "max", "note", "parent", "rule", "binary", "steps", "bands", "free", "above",
        "from", "below", "appraisal", "bonus", "penalty", "survey", "external", "assessment", "self", "kind", "code",
        "component", "name", "points", "unit", "year", "period", "true", "false", "files", "sheets"}


@pytest.fixture()
def hand(tmp_path) -> tuple[str, object]:
    """The hand-sized tree of tests/test_criteria_sheets.py and its scheme, beside each other."""
    (tmp_path / "criteria").mkdir()
    (tmp_path / "criteria" / "hand.yaml").write_text(HAND_TREE, encoding="utf-8")
    (tmp_path / "hand-2025.yaml").write_text(HAND_SCHEME, encoding="utf-8")
    scheme = str(tmp_path / "hand-2025.yaml")
    return scheme, load_scheme(scheme).criteria


@pytest.fixture(scope="module")
def english() -> set[str]:
    """English words: the catalogue's English texts, common words and the English of every cause the library
    writes (``because("code", "English …")``), less any word a Vietnamese text uses."""
    from test_language import COMMON_ENGLISH

    vi = set().union(*(_words(re.sub(r"\{\w*\}", " ", v)) for v in catalogue()["vi"].values()))  # no placeholders
    written = set().union(*(_words(c.text or "") for c in causes()))
    return (set().union(*(_words(v) for v in catalogue()["en"].values())) | COMMON_ENGLISH | written) - vi


def _all_causes_as_data(error: InputError) -> None:
    """Every problem's cause is data (said in the command's language), none an English text."""
    assert [p.expected for p in error.problems if not isinstance(p.expected, Reason)] == []


def _command(args: list[str], capsys) -> tuple[int, list[str]]:
    """A command run as a user runs it (no --lang: Vietnamese), and the lines it printed on stderr."""
    code = main(args)
    return code, capsys.readouterr().err.splitlines()


def _no_english(text: str, english: set[str], keys: set[str] = frozenset()) -> None:
    assert english_in(text, english, NAMES | keys) == set(), text


# -- self-assessment sheets, through `parindex standardise` ----------------------------------------------------


@pytest.mark.parametrize("change, place, said", [
    ({("Phúc Khoa", "2.1"): {"self": 3.5}}, 'dòng 13, tiêu chí "2.1", cột "Điểm Tự đánh giá": "3,5"',
     "vượt quá điểm tối đa 3 của tiêu chí 2.1 (cần tối đa 3)"),
    ({("Phúc Khoa", "1.1"): {"self": 0.75, "appraised": 0.75}}, 'dòng 9, tiêu chí "1.1", cột "Điểm Tự đánh giá": '
     '"0,75"', 'không phải là mức điểm mà cách chấm của tiêu chí 1.1 cho phép (cần một trong: 1 "Ban hành kịp '
     'thời"; 0,5 "Ban hành không kịp thời"; 0 "Không ban hành")'),
    ({("Phúc Khoa", "1.2"): {"self": 2, "appraised": 2}}, 'dòng 10, tiêu chí "1.2", cột "Điểm Tự đánh giá": "2"',
     'không phải là số điểm của ngưỡng chứa giá trị đo được 85% (cần 1: "Thực hiện từ 70% - 90% kế hoạch")'),
    ({("Phúc Khoa", "1"): {"appraised": 3}}, 'dòng 8, tiêu chí "1", cột "Điểm Thẩm định": "3"',
     "không bằng tổng điểm các tiêu chí thành phần của 1 (1.1, 1.2, 1.3) là 2,5 (cần bằng nhau; để giữ bảng như đã "
     "công bố, đánh dấu bằng --keep-inconsistent hoặc keep_inconsistent: true trong manifest)"),
    ({("Phúc Khoa", "2.1"): {"max": 4}}, 'dòng 13, tiêu chí "2.1", cột "Điểm tối đa": "4"',
     "không phải là điểm tối đa của tiêu chí 2.1 trong phương pháp tính «hand» (cần 3)"),
    ({("Phúc Khoa", "2.2"): {"self": "-"}}, 'dòng 14, tiêu chí "2.2", cột "Điểm Tự đánh giá": "-"',
     "không phải là số điểm (cần ví dụ 1 hoặc 0,5; ghi 0 nếu không có điểm)"),
    ({("Phúc Khoa", "1.3"): {"code": "1.4."}}, 'dòng 11, tiêu chí "1.4", cột "STT": "1.4."',
     "không phải là tiêu chí của phương pháp tính «hand» (cần một trong các mã của nó, 1 … 4.1)"),
    ({("Phúc Khoa", "TOTAL"): {"appraised": 12}}, 'dòng 18, cột "Điểm Thẩm định": "12"',
     "không bằng tổng điểm các lĩnh vực là 11 (cần bằng nhau; để giữ bảng như đã công bố, đánh dấu bằng "
     "--keep-inconsistent hoặc keep_inconsistent: true trong manifest)"),
])
def test_a_sheets_fault_is_said_in_vietnamese_by_standardise(tmp_path, hand, english, capsys, change, place, said):
    scheme, tree = hand
    path = write_workbook(tmp_path / "xa.xlsx", [A], tree, overrides=change)
    code, err = _command(["standardise", str(path), "--scheme", scheme, "--out", str(tmp_path / "out")], capsys)
    assert code == 2
    assert err[0] == f'parindex: lỗi: {path}, trang tính "Bảng 1", {place} {said}'
    _no_english("\n".join(err), english)


@pytest.mark.parametrize("kw, said", [
    ({"skip": {"2.2"}}, 'tiêu chí "2.2": "2.2" chưa có điểm của Phúc Khoa (năm 2024) (cần điểm của mọi tiêu chí của '
                        'phương pháp tính «{scheme}»: "Xử lý phản ánh")'),
    ({"extra_rows": [["2.1", "Công khai thủ tục", 3, 2, 2]]},
     'dòng 19, tiêu chí "2.1", cột "STT": "2.1" ghi lại tiêu chí 2.1 của Phúc Khoa (lần đầu ở dòng 13; mỗi tiêu chí '
     "chỉ được ghi một lần cho mỗi đơn vị)"),
    ({"overrides": {("Phúc Khoa", "1.3"): {"self": None, "appraised": None}}},
     'dòng 11, tiêu chí "1.3", cột "Điểm Tự đánh giá": để trống (cần điểm của tiêu chí này, tự đánh giá hoặc thẩm '
     "định)"),
])
def test_a_units_criteria_that_cannot_be_assembled(tmp_path, hand, english, kw, said):
    scheme, tree = hand
    path = write_workbook(tmp_path / "xa.xlsx", [A], tree, **kw)
    with pytest.raises(InputError) as caught:
        standardise([path], scheme=scheme)
    text = say_error(caught.value, "vi")
    _all_causes_as_data(caught.value)
    assert text.splitlines()[0] == f'{path}, trang tính "Bảng 1", ' + said.format(scheme=scheme)
    _no_english(text, english)


def test_a_manifests_criteria_keys(tmp_path, hand, english):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(raw / "xa.xlsx", [A], hand[1])
    (raw / "manifest.yaml").write_text("files:\n  xa.xlsx:\n    year: hai nghìn\n    keep_inconsistent: có\n"
                                       "    period: quý năm\n    sheets: [Bảng 1]\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        standardise(raw_dir=raw)
    text = say_error(caught.value, "vi")
    _all_causes_as_data(caught.value)
    assert 'manifest.yaml, cột "files / xa.xlsx / year": "hai nghìn" không phải là năm (cần ví dụ 2024)' in text
    assert '"files / xa.xlsx / keep_inconsistent": "có" không phải là true hoặc false' in text
    assert '"files / xa.xlsx / period": "quý năm" không phải là kỳ (cần FY, Q1…Q4 hoặc Quý 1…Quý 4)' in text
    assert "không phải là các mục dạng tên trang tính → {unit, year, period}" in text
    _no_english(text, english, KEYS)


def test_what_a_sheet_says_about_itself(tmp_path, hand, english):
    """A sheet that names no unit and no year; one whose titles give two years."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    sheet.append(["STT", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá"])
    sheet.append(["1.1", "Ban hành kế hoạch CCHC", 1, 1])
    other = book.create_sheet("Xã Phúc Khoa")
    other.append(["BẢNG TỰ CHẤM ĐIỂM NĂM 2024"])
    other.append(["Số liệu năm 2023"])
    other.append(["STT", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá"])
    other.append(["1.1", "Ban hành kế hoạch CCHC", 1, 1])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(InputError) as caught:
        standardise([tmp_path / "x.xlsx"], scheme=hand[0])
    lines = [line.strip() for line in say_error(caught.value, "vi").splitlines()]
    _all_causes_as_data(caught.value)
    assert f'{tmp_path / "x.xlsx"}, trang tính "Tổng hợp", dòng 1: "Tổng hợp" không cho biết chấm điểm cho đơn vị ' \
           'nào (cần một dòng tiêu đề như "Đơn vị: UBND xã Nà Tăm", một trang tính tên "Xã …", một cột "Đơn vị", ' \
           "hoặc unit: trong data/raw/manifest.yaml)" in lines
    assert f'{tmp_path / "x.xlsx"}, trang tính "Xã Phúc Khoa", dòng 2: "2023" ghi năm 2023, nhưng tiêu đề (dòng 1) ' \
           "ghi 2024 (cần cùng một năm)" in lines
    _no_english("\n".join(lines), english)


def test_a_units_level_word_against_the_level_given(tmp_path, english):
    tree = load_criteria("illustrative-commune")
    raw = tmp_path / "raw"
    raw.mkdir()
    path = write_long_csv(raw / "l.csv", [full_marks(tree, "Bản Bo")], tree)
    path.write_text(path.read_text(encoding="utf-8-sig").replace("Xã Bản Bo", "Sở Nội vụ"), encoding="utf-8-sig")
    (raw / "manifest.yaml").write_text("files:\n  l.csv:\n    scheme: illustrative-commune-2024\n"
                                       "    level: commune\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        standardise(raw_dir=raw)
    text = say_error(caught.value, "vi")
    _all_causes_as_data(caught.value)
    assert 'l.csv, các dòng 2–42, cột "Đơn vị": "Sở Nội vụ" ghi một đơn vị cấp sở, ban, ngành, nhưng cấp được ghi ' \
           "là xã (cần cùng một cấp) (41 dòng)" in text
    _no_english(text, english)


# -- a province's own tree, through `parindex criteria` --------------------------------------------------------

FAULTY_TREE = """name: faulty
criteria:
  - {code: "1", name_vi: Chỉ đạo điều hành, max: 4, component: C1}
  - {code: "1.1", name_vi: Kế hoạch, max: 2, rule: "Trên 90%: 2; Từ 50% đến 95%: 1; Dưới 50%: 0"}
  - {code: "1.2", name_vi: Báo cáo, max: 1, rule: "Có nộp"}
  - {code: 1.3, name_vi: Tuyên truyền, max: 1}
  - {code: "2", name_vi: Thủ tục hành chính, max: 3, component: C9, rule: binary}
  - {code: "2.1", name_vi: "", max: -1, rule: "Đạt: 3; Không đạt: 0"}
  - {code: "3.1", name_vi: Khác, max: 1, rule: free, colour: red}
"""


def test_a_faulty_tree_is_said_in_vietnamese_by_the_criteria_command(tmp_path, english, capsys):
    (tmp_path / "faulty.yaml").write_text(FAULTY_TREE, encoding="utf-8")
    code, err = _command(["criteria", str(tmp_path / "faulty.yaml")], capsys)
    assert code == 2
    file = tmp_path / "faulty.yaml"
    lines = [line.strip() for line in err]
    assert lines[0] == f'parindex: lỗi: {file}, trường "code": "1.3" là một số trong YAML (cần ghi mã trong dấu ' \
                       'nháy, "1.3", để 1.10 vẫn là 1.10 chứ không thành 1.1)'
    expected = [
        f'{file}, tiêu chí "3.1", trường "colour": "red" không phải là trường của một tiêu chí (cần một trong: '
        "capped, code, component, incomplete, lead, lead_units, max, max_points, name_en, name_vi, note, parent, rule)",
        f'{file}, tiêu chí "2.1", trường "max": "-1" không phải là số điểm dương (cần điểm tối đa của tiêu chí, ví '
        "dụ 2)",
        f'{file}, tiêu chí "3.1", trường "parent": "3" không phải là tiêu chí của tệp này (cần liệt kê tiêu chí cấp '
        'trên của "3.1")',
        f'{file}, tiêu chí "2", trường "component": "C9" không phải là mã chỉ số thành phần (cần một trong các mã: ',
        f'{file}, tiêu chí "2", trường "rule": "binary" được ghi ở tiêu chí có tiêu chí thành phần (chỉ ghi cách '
        "chấm ở tiêu chí không có tiêu chí thành phần; điểm của tiêu chí cấp trên là tổng điểm các tiêu chí thành "
        "phần)",
        f'{file}, tiêu chí "1.1", trường "rule": "Trên 90%: 2; Từ 50% đến 95%: 1; Dưới 50%: 0" có các ngưỡng chồng '
        'lên nhau: "Từ 50% đến 95%" và "Trên 90%" (mỗi giá trị đo được chỉ thuộc một ngưỡng)',
        f'{file}, tiêu chí "1.2", trường "rule": "Có nộp" không đọc được: mục "Có nộp" không có dạng "nội dung: '
        'điểm"',
        f'{file}, tiêu chí "1", trường "max": "4" lớn hơn tổng điểm tối đa của các tiêu chí thành phần là 3 (1.1, '
        "1.2; cần bằng nhau, hoặc có ghi chú nêu lý do thiếu một số tiêu chí)",
        f'{file}, tiêu chí "2.1", trường "name_vi": để trống (cần tên của tiêu chí)',
    ]
    for line in expected:
        assert any(said.startswith(line) for said in lines), line
    assert lines[-1] == f"(tổng cộng {len(lines) - 1} lỗi)"
    _no_english("\n".join(err), english, KEYS)


def test_a_tree_spreadsheet_and_a_tree_not_found(tmp_path, english, capsys):
    (tmp_path / "cay.csv").write_text("STT;Tiêu chí;Điểm tối đa;Cách chấm\n1;Chỉ đạo điều hành;hai;\n"
                                      "1..1;Kế hoạch;2;Có: 2; Không: 0\n", encoding="utf-8")
    code, err = _command(["criteria", str(tmp_path / "cay.csv")], capsys)
    assert code == 2
    text = "\n".join(err)
    assert f'{tmp_path / "cay.csv"}, dòng 3, cột "STT": "1..1" không phải là mã tiêu chí (cần các số cách nhau bằng ' \
           "dấu chấm, ví dụ 1.1.2)" in text
    assert 'tiêu chí "1", cột "Điểm tối đa": "hai" không phải là số điểm (cần điểm tối đa, ví dụ 2 hoặc 0,5)' in text
    _no_english(text, english)
    (tmp_path / "trong.csv").write_text("Bảng điểm\nMột;Hai\n", encoding="utf-8")
    code, err = _command(["criteria", str(tmp_path / "trong.csv")], capsys)
    assert code == 2 and "không có dòng tiêu đề của bộ tiêu chí (cần các cột STT/Mã" in err[0]
    code, err = _command(["criteria", "cay-khong-co"], capsys)
    assert code == 2 and err[0].startswith('parindex: lỗi: cay-khong-co: "cay-khong-co" không phải là tệp tiêu chí '
                                           "hay bộ tiêu chí có sẵn (cần tệp YAML, .xlsx hoặc .csv, hoặc một trong: ")
    _no_english("\n".join(err), english)


@pytest.mark.parametrize("rule, maximum, said", [
    (" ", 1, 'để trống (cần cách chấm điểm, ví dụ "Có: 1; Không: 0")'),
    ("Từ 0 đến 3 điểm", 2, 'cho khoảng điểm đến 3, nhưng điểm tối đa là 2 (cần "từ 0 đến 2 điểm")'),
    ("Trên 90%: 2; Ban hành: 1; Dưới 50%: 0", 2, 'vừa có mức ghi ngưỡng của giá trị đo được vừa có mức "Ban hành" '
     'không ghi ngưỡng (cần mọi mức của cách chấm theo ngưỡng đều ghi ngưỡng, ví dụ "dưới 70%: 0")'),
    ("Kịp thời: 1; Chậm: 0,5", 1.5, "không có mức nào đạt điểm tối đa 1,5 (cần một mức được 1,5 điểm)"),
    ("Kịp thời: 3; Chậm: 1", 2, "cho 3 điểm, ngoài khoảng 0–2 (cần số điểm từ 0 đến điểm tối đa)"),
    ("Trên 90%: 2; Từ 50% đến 80%: 1; Dưới 50%: 0", 2, 'để hở khoảng giữa "Từ 50% đến 80%" và "Trên 90%" (mọi giá '
     "trị đo được đều phải có điểm)"),
    ({"kind": "bands", "bands": [{"points": 2}]}, 2, 'có ngưỡng "{\'points\': 2}" mà cận không gồm một trong '
     "above/from và một trong below/to (cần ví dụ {points: 1, from: 70, to: 90})"),
    ({"kind": "ladder"}, 2, 'có kind "ladder" (cần một trong: binary, steps, bands, free)'),
])
def test_a_rule_that_cannot_be_read(english, rule, maximum, said):
    spec = {"criteria": [{"code": "1", "name_vi": "Chỉ đạo", "max": maximum, "component": "C1", "rule": rule}]}
    with pytest.raises(ParindexError) as caught:
        tree_from_spec(spec, "cay.yaml")
    text = say_error(caught.value, "vi")
    _all_causes_as_data(caught.value)
    assert text.endswith(said), text
    _no_english(text, english, KEYS)


def test_a_schemes_tree_fault_is_said_inside_the_schemes():
    """A scheme's criteria: naming a faulty tree says the tree's located fault inside its own, in both languages."""
    fault = CriterionProblem("cay.yaml", 4, "Điểm tối đa", "hai", "is not a number", sheet="Bảng 1", code="1.1")
    reason = problem_reason(fault)
    assert str(reason) == str(fault)
    assert say(reason, "vi") == 'cay.yaml, trang tính "Bảng 1", dòng 4, tiêu chí "1.1", cột "Điểm tối đa": "hai" ' \
                                "is not a number"  # a text without a cause stays as written
    with pytest.raises(ParindexError) as caught:
        tree_from_spec({"criteria": [{"code": "1", "name_vi": "Chỉ đạo", "max": "hai", "component": "C1"}]}, "c.yaml")
    inner = problem_reason(caught.value.problems[0])
    assert say(inner, "vi") == 'c.yaml, tiêu chí "1", trường "max": "hai" không phải là số điểm (cần điểm tối đa ' \
                               "của tiêu chí, ví dụ 2)"
    said = say(error_reason(caught.value), "vi")  # a sheet naming a scheme that cannot be used: its problems
    assert said.startswith(say(inner, "vi") + '; c.yaml, tiêu chí "1", trường "rule": còn thiếu (cần cách chấm')
    assert str(error_reason(caught.value)) == str(caught.value)
    assert say(level_said("commune"), "vi") == "xã" and say(level_said("ward"), "vi") == "ward"
