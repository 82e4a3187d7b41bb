"""The analyses' and the run's refusals said in Vietnamese: a lift, a group lift and a criterion lift that cannot be
done, and the run's parameters refused before any work (``--set``, params files, units asked for), through
``parindex lift`` / ``parindex run`` in-process on the shipped data, or the library and ``say_error``."""

from __future__ import annotations

import re

import pytest
from hostile_kit import run_cli
from test_language import COMMON_ENGLISH, _words, english_in

from parindex_lib.analyses.criteria import UnitCriteria
from parindex_lib.analyses.criteria_lift import StepCosts, criteria_lift
from parindex_lib.analyses.criteria_milp import check_ceilings
from parindex_lib.analyses.peers import build_group, group_lift
from parindex_lib.batch.params import coerce_parameters, load_params
from parindex_lib.errors import ParindexError
from parindex_lib.model.criteria import tree_from_spec
from parindex_lib.model.index import PARIndex
from parindex_lib.present.i18n import catalogue, say_error
from parindex_lib.present.saved_scenarios import SCENARIO_COLUMNS, read_scenarios
from parindex_lib.present.scenarios import reason_text
from parindex_lib.present.unit_explorer import explorer
from parindex_lib.standardise import write_processed

ERROR = "parindex: lỗi: "
TREE = [
    {"code": "1", "name_vi": "Chỉ đạo điều hành", "max": 3, "component": "C1"},
    {"code": "1.1", "name_vi": "Ban hành kế hoạch CCHC năm", "max": 1,
     "rule": "Ban hành kịp thời: 1; Ban hành không kịp thời: 0,5; Không ban hành: 0"},
    {"code": "1.2", "name_vi": "Kiểm tra CCHC", "max": 2, "rule": "free"},
]


@pytest.fixture(scope="module")
def english() -> set[str]:
    """English words, as tests/test_language.py counts them: the catalogue's English and common words, less any
    word its Vietnamese uses."""
    vi = set().union(*(_words(v) for v in catalogue()["vi"].values()))
    return (set().union(*(_words(v) for v in catalogue()["en"].values())) | COMMON_ENGLISH) - vi


@pytest.fixture(scope="module")
def processed(shipped, tmp_path_factory):
    folder = tmp_path_factory.mktemp("processed")
    write_processed(shipped, folder)
    return folder


def _said(err: str, english: set[str], *names: str) -> str:
    """The error's one line, checked to be ours, in Vietnamese, with no English word (names and paths aside)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(ERROR), err
    line = lines[0]
    words = {w.lower() for n in names for w in re.findall(r"[A-Za-z]{3,}", n)}
    assert english_in(line, english, words) == set(), line
    return line


# -- parindex lift ------------------------------------------------------------------------------------------

LIFT = [
    (["--cost-model", "linear"],
     "mô hình chi phí tuyến tính (linear) cần chi phí cho mỗi điểm phần trăm (--costs TỆP)"),
    (["--cost-model", "linear", "--costs", "{short}"],
     "tệp chi phí thiếu C1, C2, C3, C4, C5, C7, C8, SIPAS (cần chi phí cho mọi chỉ số thành phần)"),
    (["--cost-model", "actions"],
     "mô hình chi phí theo giải pháp (actions) cần danh mục các giải pháp (--actions TỆP)"),
    (["--unit", "Hà Nội"], '"Hà Nội" năm 2023: việc này cần điểm các chỉ số thành phần của tổng điểm và một phương '
                           "pháp tính tổng từ chúng ("),
]


@pytest.mark.parametrize("args, said", LIFT, ids=["linear without costs", "costs short", "actions without file",
                                                   "totals only"])
def test_a_lift_refused_is_said_in_vietnamese(processed, tmp_path, capsys, english, args, said):
    short = tmp_path / "short.csv"
    short.write_text("component,cost_per_pp\nC6,1\n", encoding="utf-8")
    argv = ["lift", "--unit", "Tam Đường", "--year", "2023", "--scores", str(processed / "scores.csv")]
    code, _, err = run_cli([*argv, *[a.format(short=short) for a in args]], capsys)
    assert code == 2
    line = _said(err, english, str(tmp_path))
    assert line.startswith(ERROR + said), line
    if args[0] == "--unit":  # the cause of the cause too
        assert line.endswith("không công bố điểm tối đa của C1, C2, C3, C4, C5, C6, C7, C8 và dữ liệu không có "
                             "điểm kèm điểm tối đa)"), line


def test_a_group_lift_refused_is_said_in_vietnamese(shipped, english):
    group = build_group(shipped.scores, "province", 2024)  # totals only, but for a few
    with pytest.raises(ParindexError) as caught:
        group_lift(group)
    said = say_error(caught.value, "vi")
    assert said.startswith("không tính được tổng điểm của nhóm từ các chỉ số thành phần (phương pháp "
                           "«provincial-2024» không công bố điểm tối đa của C1, C2, C6, C7"), said
    assert str(caught.value).startswith("the group's components cannot be totalled (scheme \"provincial-2024\"")
    with pytest.raises(ParindexError) as caught:
        group_lift(group, goal="all")
    assert say_error(caught.value, "vi") == 'không có mục tiêu "all" (cần units hoặc mean)'
    for text in (said, say_error(caught.value, "vi")):
        assert english_in(text, english) == set(), text


def test_a_criterion_lift_refused_is_said_in_vietnamese(english):
    tree = tree_from_spec({"name": "tay", "criteria": TREE}, "tay.yaml")
    with pytest.raises(ParindexError) as caught:
        UnitCriteria.build(tree, {"1.1": 0.7, "1.2": 1, "9.9": 1})
    said = say_error(caught.value, "vi")
    assert said == ('không dùng được điểm các tiêu chí: có điểm cho "9.9", nhưng đây không phải là tiêu chí của bộ '
                    '"tay"; 1.1 "Ban hành kế hoạch CCHC năm" có 0,7 điểm, là mức điểm mà cách chấm của tiêu chí '
                    "không cho (cần một trong: 0; 0,5; 1)")
    assert "has 0.7 points, which its rule does not give (expected one of 0, 0.5, 1)" in str(caught.value)
    uc = UnitCriteria.build(tree, {"1.1": 0.5, "1.2": 1})
    faults = [lambda: StepCosts({"1.1": -2.0, "7": 1.0}).check(tree),
              lambda: check_ceilings(tree, {"1": 2.0, "1.2": 5.0}),
              lambda: criteria_lift(uc, target=90, bound="lt")]
    said = []
    for fault in faults:
        with pytest.raises(ParindexError) as caught:
            fault()
        said.append(say_error(caught.value, "vi"))
    assert said[0] == ('có công sức cho "7", nhưng đây không phải là tiêu chí của bộ "tay"; công sức của "1.1" là -2 '
                       "(cần một số dương)")
    assert said[1].startswith('trần của "1" là 2 điểm, nhưng "1" có các tiêu chí thành phần')
    assert said[1].endswith('trần của "1.2" là 5 (cần số điểm từ 0 đến 2)')
    assert said[2] == 'không có cách so với mục tiêu "lt" (cần ge hoặc gt)'
    for text in said:
        assert english_in(text, english, {"unreachable"}) == set(), text


# -- parindex run: the parameters refused before any work ---------------------------------------------------

RUN = [
    (["--set", "target=0"], "tham số: mục tiêu (target) = 0 không phải là tỷ lệ phần trăm trong khoảng (0, 100] "
                            "(cần ví dụ 80)"),
    (["--set", "colour=red", "--set", "targt=81"],
     'dòng lệnh: không có tham số "colour"; "targt" (có phải là "target"?); các sổ tính nhận: year, period, target, '
     "bound, scheme, lang, analyst_cells"),
    (["--set", "analyst_cells=perhaps"],
     'dòng lệnh: tham số analyst_cells = "perhaps" không phải là true (đúng) hoặc false (sai)'),
    (["--set", "target=nan"], 'dòng lệnh: tham số target = "nan" không phải là một số hữu hạn'),
    (["--set", "unit=Tam Đường"], "dòng lệnh: tham số unit do chương trình tự đặt cho từng đơn vị (chọn đơn vị "
                                  "bằng --unit, dữ liệu bằng --raw và --processed)"),
    (["--set", "bound=lt"], 'tham số: cách so với mục tiêu (bound) "lt" không phải là ge hoặc gt'),
    (["--period", "Q5"], 'tham số: kỳ "Q5" không phải là một trong: Q1, Q2, Q3, Q4, FY'),
    (["--params", "{broken}"], "{broken}: không phải là YAML hợp lệ (lỗi ở dòng 2)"),
    (["--params", "{tmp}"], "{tmp}: là một thư mục (cần một tệp params/*.yaml)"),
    (["--params", "{units5}"], '{units5}: units = "5" không phải là danh sách tên đơn vị'),
    (["--level", "planet"], '--level "planet" không phải là cấp của đơn vị (cần một trong: tỉnh; sở, ban, ngành; '
                            "huyện; xã)"),
    (["--year", "1990"], "năm 1990 nằm ngoài các năm có trong dữ liệu, 2016–2025 (trong "),
    (["--unit", "Long An", "--year", "2024"],
     "không lập được báo cáo cho Long An (tỉnh): Long An năm 2024 không có tổng điểm báo cáo (dữ liệu chỉ có SIPAS)"),
    (["--scheduler", "tcp://127.0.0.1:9"], "--scheduler cần --executor dask"),
]


@pytest.mark.parametrize("args, said", RUN, ids=[" ".join(a) for a, _ in RUN])
def test_a_run_refused_before_any_work_is_said_in_vietnamese(tmp_path, capsys, english, args, said):
    files = {"broken": tmp_path / "broken.yaml", "units5": tmp_path / "units5.yaml", "tmp": tmp_path}
    files["broken"].write_text("year: [2024\n", encoding="utf-8")
    files["units5"].write_text("units: 5\n", encoding="utf-8")
    out, processed = tmp_path / "reports", tmp_path / "processed"
    code, _, err = run_cli(["run", "--out", str(out), "--processed", str(processed),
                            *[a.format(**files) for a in args]], capsys)
    assert code == 2
    line = _said(err, english, str(tmp_path), "Long An")
    assert line.startswith(ERROR + said.format(**files)), line
    assert not out.exists() and not processed.exists()


def test_the_run_parameters_keep_their_english(tmp_path):
    """The same refusals, from the library: their English text as it was."""
    with pytest.raises(ParindexError, match=r'command line: unknown parameter\(s\) "targt" \(did you mean '
                                            r'"target"\?\)'):
        coerce_parameters({"targt": 81}, "command line")
    (tmp_path / "p.yaml").write_text("- 2024\n", encoding="utf-8")
    with pytest.raises(ParindexError) as caught:
        load_params(tmp_path / "p.yaml")
    assert str(caught.value) == f"{tmp_path / 'p.yaml'}: expected a mapping of parameter names to values"
    assert say_error(caught.value, "vi") == \
        f"{tmp_path / 'p.yaml'}: cần một danh sách tên tham số kèm giá trị (dạng tên: giá trị)"


# -- the explorer -------------------------------------------------------------------------------------------

def test_the_explorer_says_a_refused_scenario_in_vietnamese(shipped, tmp_path, english):
    index = PARIndex.from_scores(shipped.scores, "Hà Nội", 2023, level="province")
    with pytest.raises(ParindexError) as caught:
        explorer(index, "vi")
    said = reason_text(caught.value, "vi")
    assert said.startswith('"Hà Nội" năm 2023: việc này cần điểm các chỉ số thành phần'), said
    bad = tmp_path / "scenarios.csv"
    bad.write_text("unit,level\nX,district\n", encoding="utf-8")
    with pytest.raises(ParindexError) as caught:
        read_scenarios(bad)
    assert reason_text(caught.value, "vi").startswith(f"{bad}: không phải là tệp kịch bản (thiếu cột scenario, ")
    assert reason_text(FileNotFoundError(2, "No such file or directory", str(bad)), "vi") == \
        f"{bad}: không có tệp hoặc thư mục này"
    for text in (said, reason_text(caught.value, "vi")):
        names = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", f"{tmp_path} {' '.join(SCENARIO_COLUMNS)}")}
        assert english_in(text, english, names) == set(), text  # the file's columns as they are written


def test_a_run_refused_says_it_in_the_language_its_parameters_ask_for(tmp_path, capsys):
    params = tmp_path / "2024-FY.yaml"
    params.write_text("lang: en\ntarget: 0\n", encoding="utf-8")
    argv = ["run", "--params", str(params), "--out", str(tmp_path / "r"), "--processed", str(tmp_path / "p")]
    code, _, err = run_cli(argv, capsys)
    assert code == 2 and err.strip() == \
        f"parindex: error: {params}: target = 0.0 is not a percentage in (0, 100] (expected e.g. 80)"
    code, _, err = run_cli([*argv, "--lang", "vi"], capsys)  # the command line has the last word
    assert code == 2 and err.strip() == f"parindex: lỗi: {params}: mục tiêu (target) = 0 không phải là tỷ lệ phần " \
                                        "trăm trong khoảng (0, 100] (cần ví dụ 80)"
