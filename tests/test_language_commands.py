"""The commands' own refusals in the command's language: `parindex init`, `standardise`, `lift` (its options and
its analyst files), `run`'s `--set`, the plan's tables, its tasks and the lineage of units, and the line that says
the standardised tables are out of date. On a Vietnamese command (the default) nothing English is left; with
``--lang en`` the English is as it was."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from test_language import english, english_in  # noqa: F401  (english: the fixture of English words)

from conftest import PLAN_TSV, UNIT
from parindex_lib.cli import main
from parindex_lib.config import RAW_DIR
from parindex_lib.errors import InputError
from parindex_lib.model.criteria import load_criteria
from parindex_lib.model.schema import LEVELS
from parindex_lib.present.i18n import say_error
from parindex_lib.readers.analyst import read_criterion_ceilings, read_criterion_plan
from parindex_lib.standardise import standardise, write_processed

#: Codes a Vietnamese line shows as they are typed: the level codes of --level and the analyst files' English
#: column headers when a file has them.
TYPED = {*LEVELS, "component", "gain"}


def _cli(argv: list[str], capsys) -> tuple[int, list[str]]:
    """The command in-process: its exit code and the lines it printed on stderr."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err.splitlines()


def _write(path: Path, rows: list[list[str]]) -> str:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return str(path)


def _vietnamese(lines: list[str], english: set[str]) -> None:  # noqa: F811
    text = "\n".join(lines)
    assert lines and lines[0].startswith("parindex: lỗi: "), text
    assert english_in(text, english, TYPED) == set(), text


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("processed")
    write_processed(standardise(None, RAW_DIR), folder)
    return folder


def test_standardise_refusals_in_vietnamese(tmp_path, capsys, english):  # noqa: F811
    plan = tmp_path / "ke_hoach.tsv"
    shutil.copy(PLAN_TSV, plan)
    (tmp_path / "empty").mkdir()
    out = str(tmp_path / "out")
    code, lines = _cli(["standardise", str(plan), "--unit", "X", "--out", out], capsys)
    assert code == 2 and lines == ["parindex: lỗi: --unit và --level phải đi cùng nhau (đơn vị của bảng kế hoạch và "
                                   "cấp của đơn vị đó)"]
    code, lines = _cli(["standardise", str(plan), "--unit", "X", "--level", "galaxy", "--out", out], capsys)
    assert code == 2 and lines == ['parindex: lỗi: --level: "galaxy" không phải là cấp (cần một trong các mã cấp: '
                                   'province, department, district, commune, national, region)']
    code, lines = _cli(["standardise", str(plan), "--out", out], capsys)
    assert code == 2 and "là bảng kế hoạch không ghi đơn vị" in lines[0]
    _vietnamese(lines, english)
    code, lines = _cli(["standardise", str(tmp_path / "nope.csv"), str(tmp_path / "empty"), "--out", out], capsys)
    assert code == 2 and "nope.csv: không tồn tại" in lines[0] and "không có bảng điểm nào" in lines[1]
    _vietnamese(lines, english)
    code, lines = _cli(["standardise", str(tmp_path), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "nằm trong thư mục dữ liệu đầu vào" in lines[0]
    _vietnamese(lines, english)
    code, lines = _cli(["standardise", str(plan), "--out", out, "--lang", "en"], capsys)
    assert "is a plan table, which does not name its unit" in lines[0]


def test_lift_refusals_in_vietnamese(processed, capsys, english):  # noqa: F811
    scores = str(processed / "scores.csv")
    code, lines = _cli(["lift", "--unit", UNIT, "--year", "2031", "--scores", scores], capsys)
    assert code == 2 and lines == ['parindex: lỗi: --year 2031 --period FY: "Tam Đường" không có kết quả thực hiện '
                                   "ở kỳ này (chỉ có: năm 2023, Q1/2024, Q2/2024, Q3/2024)"]
    code, lines = _cli(["lift", "--unit", UNIT, "--year", "2023", "--scores", scores, "--criteria", "--cost-model",
                        "gap"], capsys)
    assert code == 2 and lines[0].startswith("parindex: lỗi: --cost-model không dùng được với --criteria")
    _vietnamese(lines, english)
    code, lines = _cli(["lift", "--unit", UNIT, "--year", "2023", "--scores", scores, "--criteria"], capsys)
    assert code == 2 and '"Tam Đường" năm 2023 không được chấm theo tiêu chí' in lines[0]
    _vietnamese(lines, english)
    code, lines = _cli(["lift", "--unit", UNIT, "--year", "2023", "--scores", str(processed / "no" / "scores.csv")],
                       capsys)
    assert code == 2 and lines[0].endswith("scores.csv: không tồn tại (hãy chạy `parindex standardise` trước)")
    code, lines = _cli(["lift", "--unit", UNIT, "--year", "2031", "--scores", scores, "--lang", "en"], capsys)
    assert lines[0].startswith('parindex: error: --year 2031 --period FY: "Tam Đường" has no actual results there')


def test_the_analyst_files_faults_in_vietnamese(processed, tmp_path, capsys, english):  # noqa: F811
    scores = str(processed / "scores.csv")
    ceilings = _write(tmp_path / "tran.csv", [["Chỉ số thành phần", "Trần"], ["C6", "70"], ["C6", "150"],
                                              ["Tài sản", "70", "x"]])
    code, lines = _cli(["lift", "--unit", UNIT, "--year", "2023", "--scores", scores, "--ceilings", ceilings],
                       capsys)
    assert code == 2 and lines[0] == (f'parindex: lỗi: {ceilings}, dòng 4, cột "cột thứ 3": "x" nằm ngoài cột cuối '
                                      "cùng của dòng tiêu đề (cột 2) (không được có giá trị ở đó)")
    assert f'  {ceilings}, dòng 3, cột "Chỉ số thành phần": "C6" lặp lại chỉ số thành phần đã có ở dòng 2 (mỗi chỉ ' \
           "số thành phần chỉ ghi một dòng)" in lines
    assert f'  {ceilings}, dòng 3, cột "Trần": "150" lớn hơn 100 (tối đa là 100)' in lines
    assert "không phải là chỉ số thành phần đã biết" in lines[-2] and lines[-1] == "  (tổng cộng 4 lỗi)"
    _vietnamese(lines, english)
    actions = _write(tmp_path / "giai_phap.csv", [["action", "component", "gain", "cost"], ["", "C7", "0", "2"],
                                                  ["Số hoá", "C7", "3", "2"], ["Số hoá", "C7", "3", "2"]])
    code, lines = _cli(["lift", "--unit", UNIT, "--year", "2023", "--scores", scores, "--cost-model", "actions",
                        "--actions", actions], capsys)
    assert code == 2 and "để trống (cần nêu giải pháp)" in lines[0]
    assert '"Số hoá" trùng với giải pháp ở dòng 3 cho C7' in "\n".join(lines)
    _vietnamese(lines, english)
    costs = _write(tmp_path / "chi_phi.csv", [["component", "gain"], ["C1", "2"]])
    code, lines = _cli(["lift", "--unit", UNIT, "--year", "2023", "--scores", scores, "--cost-model", "linear",
                        "--costs", costs], capsys)
    assert code == 2 and lines == [f'parindex: lỗi: {costs}, dòng 1: "component | gain" không phải là dòng tiêu '
                                   "đề của tệp này (cần các cột chỉ số thành phần, chi phí mỗi điểm)"]


def test_criterion_files_faults_in_vietnamese(tmp_path, english):  # noqa: F811
    tree = load_criteria("illustrative-commune")
    leaf = tree.leaves()[0].code
    ceilings = _write(tmp_path / "tran.csv", [["Mã tiêu chí", "Trần"], ["9.9", "1"], [leaf, "1"], [leaf, "1"]])
    with pytest.raises(InputError) as caught:
        read_criterion_ceilings(ceilings, tree)
    lines = say_error(caught.value, "vi").splitlines()
    assert lines[0] == f'{ceilings}, dòng 2, cột "Mã tiêu chí": "9.9" không phải là tiêu chí của "{tree.name}" ' \
                       f"(cần mã một tiêu chí của bộ này, ví dụ {leaf})"
    assert english_in("\n".join(lines).replace(tree.name, ""), english) == set(), lines
    plan = _write(tmp_path / "ke_hoach.csv", [["Mã tiêu chí", "Điểm kế hoạch", "Hạn"], [leaf, "1", "tháng 13"]])
    with pytest.raises(InputError) as caught:
        read_criterion_plan(plan, tree)
    assert say_error(caught.value, "vi").endswith('"tháng 13" không phải là kỳ (cần Quý 1…Quý 4, Q1…Q4 hoặc Cả năm)')


def test_lineage_and_tasks_faults_in_vietnamese(tmp_path, english):  # noqa: F811
    lineage = tmp_path / "sap_xep.csv"
    lineage.write_text("Đơn vị trước sắp xếp;Cấp trước sắp xếp;Đơn vị sau sắp xếp;Cấp sau sắp xếp;Ngày hiệu lực;"
                       "Căn cứ;Trọng số\n"
                       "Xã A;Xã;Xã B;Xã;31/02/2025;Nghị quyết 1;-5\n"
                       ";Xã;Xã B;Sao Hoả;;;\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        standardise([lineage])
    text = say_error(caught.value, "vi")
    assert 'cột "Ngày hiệu lực": "31/02/2025" không phải là ngày (cần ví dụ 01/07/2025)' in text
    assert 'cột "Đơn vị trước sắp xếp": để trống (cần đơn vị trước khi sắp xếp)' in text
    assert '"Sao Hoả" không phải là cấp' in text and '"-5" không phải là trọng số' in text
    assert english_in(text, english) == set(), text
    assert "is not a date (expected e.g. 01/07/2025)" in str(caught.value)


def test_run_and_init_refusals_in_vietnamese(tmp_path, capsys, english):  # noqa: F811
    code, lines = _cli(["run", "--set", "target", "--out", str(tmp_path / "r")], capsys)
    assert code == 2 and lines == ['parindex: lỗi: --set "target" không có dạng TÊN=GIÁ_TRỊ (ví dụ --set target=82)']
    code, lines = _cli(["run", "--set", "lang=fr", "--out", str(tmp_path / "r")], capsys)
    assert code == 2 and lines == ['parindex: lỗi: --set lang=fr: "fr" không phải là ngôn ngữ của báo cáo (cần một '
                                   "trong: vi, en; giá trị ghi trên dòng lệnh)"]
    code, lines = _cli(["run", "--set", "lang=fr", "--out", str(tmp_path / "r"), "--lang", "en"], capsys)
    assert lines == ['parindex: error: --set lang=fr: "fr" is not a language of the reports (expected one of vi, en; '
                     "given on the command line)"]
    folder = tmp_path / "van_phong"
    folder.mkdir()
    (folder / "ghi_chu.txt").write_text("giữ nguyên", encoding="utf-8")
    code, lines = _cli(["init", str(folder)], capsys)
    assert code == 2 and lines[0].startswith(f"parindex: lỗi: {folder}: không trống; các tệp trong đó được giữ "
                                             "nguyên")
    _vietnamese(lines, english)
    code, lines = _cli(["init", str(folder / "ghi_chu.txt"), "--lang", "en"], capsys)
    assert lines[0].endswith("ghi_chu.txt: is a file (expected a folder for the new project)")


def test_out_of_date_tables_are_said_in_vietnamese(tmp_path, capsys, english):  # noqa: F811
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(PLAN_TSV, raw / PLAN_TSV.name)
    shutil.copy(RAW_DIR / "manifest.yaml", raw / "manifest.yaml")
    processed = tmp_path / "processed"
    write_processed(standardise(None, raw), processed, raw_dir=raw)
    (raw / "xa_moi.csv").write_text("unit,level,year,period,component,kind,value_pct\n"
                                    "Xã Mới,commune,2023,FY,C1,actual,50%\n", encoding="utf-8")
    assert main(["lift", "--unit", UNIT, "--year", "2023", "--scores", str(processed / "scores.csv")]) == 0
    said = capsys.readouterr().err.splitlines()
    assert said == [f"parindex: {processed / 'scores.csv'} đã cũ ({raw / 'xa_moi.csv'} là tệp mới): đang chuẩn hoá "
                    f"lại {raw}"]
    assert english_in(said[0], english) == set()


USAGE = [
    (["lift", "--unit", UNIT, "--year", "hai"], "parindex lift: lỗi: tham số --year: 'hai' không phải là số nguyên "
                                                "(xem parindex lift --help)"),
    (["lift", "--unit", UNIT, "--year", "2024", "--target", "120"],
     'parindex lift: lỗi: tham số --target: "120" không phải là tỷ lệ phần trăm trong khoảng (0, 100] (cần ví dụ 80) '
     "(xem parindex lift --help)"),
    (["run", "--workers", "0"], None),
    (["run", "--cell-timeout", "mười phút"], None),
    (["run", "--lang", "fr"], None),
    (["lift", "--year", "2024"], "parindex lift: lỗi: thiếu tham số bắt buộc: --unit (xem parindex lift --help)"),
    (["standardise", "--frobnicate"], "parindex: lỗi: không nhận ra tham số: --frobnicate (xem parindex --help)"),
    ([], "parindex: lỗi: thiếu tham số bắt buộc: lệnh (xem parindex --help)"),
]


@pytest.mark.parametrize("argv, line", USAGE, ids=[" ".join(a[:3]) for a, _ in USAGE])
def test_usage_errors_in_vietnamese(capsys, english, argv, line):  # noqa: F811
    code, lines = _cli(argv, capsys)
    assert code == 2 and len(lines) == 1 and (line is None or lines[0] == line), lines
    said = re.sub(r"parindex( \w+)?|--[\w-]+", " ", lines[0])  # the command and its options as typed
    assert english_in(said, english) == set(), lines
    code, lines = _cli([*argv, "--lang", "en"], capsys)
    assert " error: " in lines[0] and "(see parindex" in lines[0]
