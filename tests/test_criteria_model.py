"""The criteria tree as data: rules read as decisions print them, trees validated with located messages,
the real (partial) Cà Mau rows, the illustrative commune tree, spreadsheet and YAML files, and schemes that
carry their criteria."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from parindex_lib.cli import main
from parindex_lib.errors import SchemeError
from parindex_lib.model.criteria import (
    CriteriaError,
    RuleTextError,
    load_criteria,
    normalise_code,
    parse_rule_text,
    tree_from_spec,
)
from parindex_lib.model.schemes import load_scheme

SHARED_CA_MAU = ROOT.parent / "shared" / "data" / "public" / "criteria_ca_mau_1880_2013.csv"


# -- rules as decisions print them -----------------------------------------------------------------------


def test_step_rule_of_the_ca_mau_decision():
    rule = parse_rule_text("Ban hành kịp thời: 1; Ban hành không kịp thời: 0,5; Không ban hành: 0", 1)
    assert rule.kind == "steps"
    assert rule.levels(1) == (0.0, 0.5, 1.0)
    assert [s.label_vi for s in rule.steps] == ["Ban hành kịp thời", "Ban hành không kịp thời", "Không ban hành"]
    assert rule.allows(0.5, 1) and not rule.allows(0.75, 1) and not rule.allows(1.5, 1)
    step = rule.next_step(0.5, 1)
    assert (step.points, step.gain, step.label_vi) == (1.0, 0.5, "Ban hành kịp thời")


def test_band_rule_keeps_its_edges_as_written():
    rule = parse_rule_text("Thực hiện trên 90% kế hoạch: 2; Thực hiện từ 70% - 90% kế hoạch: 1; Dưới 70% kế hoạch: 0",
                           2)
    assert rule.kind == "bands" and rule.unit == "%"
    # "trên 90%" excludes 90; "từ 70% - 90%" includes both ends; "dưới 70%" excludes 70.
    assert [rule.points_for(v) for v in (69.99, 70, 80, 90, 90.01, 100)] == [0, 1, 1, 1, 2, 2]
    up = rule.next_step(1, 2, measured=85)
    assert (up.points, up.reach.edge, up.reach.inclusive, up.reach.direction) == (2, 90, False, "up")
    assert up.reach.describe("%") == "> 90%"
    assert rule.next_step(0, 2, measured=50).reach.describe("%") == "≥ 70%"
    assert rule.next_step(2, 2, measured=95) is None


def test_band_rule_where_lower_is_better():
    rule = parse_rule_text("Tỷ lệ hồ sơ trễ hạn dưới 1%: 2; Từ 1% đến 3%: 1; Trên 3%: 0", 2)
    assert [rule.points_for(v) for v in (0, 0.99, 1, 3, 3.5)] == [2, 2, 1, 1, 0]
    step = rule.next_step(0, 2, measured=5)
    assert step.points == 1 and step.reach.describe("%") == "≤ 3%"  # the measured rate must come down


@pytest.mark.parametrize("text, maximum, kind, levels", [
    ("Đạt yêu cầu: 1; Không đạt yêu cầu: 0", 1, "binary", (0.0, 1.0)),
    ("Có/Không", 2, "binary", (0.0, 2.0)),
    ("Chấm từ 0 đến 2 điểm tùy mức độ", 2, "free", None),
    ("0 - 1,5 điểm", 1.5, "free", None),
    ("- Tốt: 2 điểm\n- Khá: 1,5 điểm\n- Trung bình: 1 điểm\n- Không thực hiện: 0 điểm", 2, "steps",
     (0.0, 1.0, 1.5, 2.0)),
    ("Đạt 100%: 2; Từ 80% đến dưới 100%: 1; Dưới 80%: 0", 2, "bands", (0.0, 1.0, 2.0)),
    ("Từ 3 sáng kiến trở lên (2 điểm); Từ 1 đến 2 sáng kiến (1 điểm); Dưới 1 sáng kiến (0 điểm)", 2, "bands",
     (0.0, 1.0, 2.0)),
])
def test_rule_texts(text, maximum, kind, levels):
    rule = parse_rule_text(text, maximum)
    assert rule.kind == kind and rule.levels(maximum) == levels


@pytest.mark.parametrize("text, maximum, expected", [
    ("Trên 90%: 2; Từ 70% đến 90%: 1; Dưới 50%: 0", 2, 'leaves a gap between "Dưới 50%" and "Từ 70% đến 90%"'),
    ("Từ 90% trở lên: 2; Từ 70% đến 90%: 1; Dưới 70%: 0", 2, "overlap"),
    ("Ban hành kịp thời: 1; Không ban hành: 0", 2, "never gives the maximum 2"),
    ("Tốt: 3; Khá: 2; Kém: 0", 2, "gives 3 points, outside 0–2"),
    ("Có từ 2 văn bản trở lên: 1; Có 1 văn bản: 0,5; Không có: 0", 1, 'the level "Có 1 văn bản" without one'),
    ("Ban hành kịp thời - một điểm", 1, 'the item "Ban hành kịp thời - một điểm" is not "label: points"'),
    ("Từ 0 đến 3 điểm", 2, "up to 3 points, but the maximum is 2"),
    ("", 1, "is empty"),
])
def test_rule_texts_that_cannot_be_rules(text, maximum, expected):
    with pytest.raises(RuleTextError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        parse_rule_text(text, maximum)


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(1, 99), min_size=1, max_size=4, unique=True), value=st.floats(0, 100))
def test_band_text_round_trip(cuts, value):
    """Bands written as a decision writes them ("Từ a% đến dưới b%") give the points of the band a value is in."""
    cuts = sorted(cuts)
    items = [f"Dưới {cuts[0]}%: 0"]
    items += [f"Từ {a}% đến dưới {b}%: {i + 1}" for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False))]
    items.append(f"Từ {cuts[-1]}% trở lên: {len(cuts)}")
    rule = parse_rule_text("; ".join(reversed(items)), len(cuts))
    expected = sum(value >= c for c in cuts)
    assert rule.points_for(value) == expected


def test_codes_as_offices_write_them():
    assert [normalise_code(c) for c in ("1.1.1.", "II", "IV.2", "1,1", " 3 ", "2.1.a)")] == \
           ["1.1.1", "2", "4.2", "1.1", "3", "2.1.a"]
    with pytest.raises(ValueError, match="is not a criterion code"):
        normalise_code("1..2")


# -- the real Cà Mau rows (partial) ----------------------------------------------------------------------


def test_ca_mau_tree_is_partial_and_its_parents_add_up():
    tree = load_criteria("ca-mau-1880-2013")
    assert tree.partial and "TRÍCH" in tree.title_vi and "thuvienphapluat.vn" in tree.source
    for parent in ("1.1", "1.2"):
        assert tree[parent].max_points == sum(c.max_points for c in tree.children(parent))
    assert tree["1.1"].max_points == 5 and tree["1.2"].max_points == 2
    assert tree["1"].max_points == 20 and sum(c.max_points for c in tree.children("1")) == 10
    assert "10 of the area's 20 points" in tree["1"].incomplete
    assert [c.code for c in tree.unpublished()] == ["1.3"]
    assert {c.code: c.rule.kind for c in tree.leaves()} == {
        "1.1.1": "steps", "1.1.2": "binary", "1.1.3": "binary", "1.1.4": "bands", "1.2.1": "binary", "1.2.2": "binary"}
    assert tree.maxima() == {"C1": 20.0}


def test_ca_mau_rule_texts_read_as_their_structured_rules():
    """The rules as printed, read by the text parser, give the same levels and bands as the shipped tree."""
    tree = load_criteria("ca-mau-1880-2013")
    for leaf in tree.leaves():
        parsed = parse_rule_text(leaf.rule.text_vi, leaf.max_points)
        assert parsed.kind == leaf.rule.kind and parsed.levels(leaf.max_points) == tree.levels(leaf.code)
        assert [(b.points, b.low, b.high, b.low_inclusive, b.high_inclusive) for b in parsed.bands] == \
               [(b.points, b.low, b.high, b.low_inclusive, b.high_inclusive) for b in leaf.rule.bands]


@pytest.mark.skipif(not SHARED_CA_MAU.exists(), reason="the shared public data is not beside the project")
def test_ca_mau_rows_as_published_make_the_shipped_tree():
    """The shared CSV's rows (as transcribed from the decision) build a tree whose parent sums are the decision's
    and whose rules are the shipped tree's."""
    with open(SHARED_CA_MAU, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    items = []
    for r in rows:
        item = {"code": r["code"], "name_vi": r["name_vi"], "max": float(r["max_points"])}
        if r["scoring_rule_vi"]:
            item["rule"] = r["scoring_rule_vi"]
        if r["row_type"] == "area":
            item |= {"component": "C1", "incomplete": r["note"]}
        if "cut off" in r["note"]:
            item["incomplete"] = r["note"]
        items.append(item)
    published = tree_from_spec({"criteria": items}, str(SHARED_CA_MAU))
    shipped = load_criteria("ca-mau-1880-2013")
    assert published.codes == shipped.codes
    assert [c.max_points for c in published] == [c.max_points for c in shipped]
    assert {c.code: shipped.levels(c.code) for c in shipped.leaves()} == \
           {c.code: published.levels(c.code) for c in published.leaves()}
    for r in rows:
        if r["note"].startswith("sum of"):  # "sum of 1.1.1-1.1.4 = 5 (checked)"
            assert sum(c.max_points for c in published.children(r["code"])) == float(r["max_points"])


# -- the illustrative commune tree and its scheme -------------------------------------------------------


def test_illustrative_commune_tree():
    tree = load_criteria("illustrative-commune")
    assert tree.illustrative and "MINH HỌA" in tree.title_vi and "ILLUSTRATIVE" in tree.title_en
    assert tree.maxima() == {"C1": 10, "C2": 8, "C3": 14, "C4": 8, "C5": 12, "C6": 8, "C7": 12, "C8": 8, "SIPAS": 20}
    assert tree.maximum == 100 and tree.maxima(include_adjustments=True)["BONUS"] == 2
    assert {c.rule.kind for c in tree.leaves()} == {"binary", "steps", "bands", "free"}
    assert 25 <= len(tree.leaves()) <= 45
    for node in tree:  # every parent is the sum of its children (the tree is complete)
        if not tree.is_leaf(node.code):
            assert node.max_points == pytest.approx(sum(c.max_points for c in tree.children(node.code)))
    assert tree["3.2.1"].component == "C3" and tree["3.2.1"].lead_units == "Trung tâm Phục vụ hành chính công xã"
    assert [c.code for c in tree.path("7.1.2")] == ["7", "7.1", "7.1.2"]


def test_scheme_carries_its_criteria():
    scheme = load_scheme("illustrative-commune-2024")
    assert scheme.criteria is not None and scheme.criteria.name == "illustrative-commune"
    assert scheme.maximum == 100 and scheme.max_points == scheme.criteria.maxima()
    assert scheme.adjustments == {"BONUS": 2.0, "PENALTY": 3.0}
    assert scheme.candidate and scheme.level == "commune" == scheme.criteria.level
    assert load_scheme("equal-9").criteria is None


SCHEME = """name: s
title_vi: Thử
level: commune
years: 2025
source: a test
max_points: {C1: 4, C3: 3}
criteria: criteria/t.yaml
"""


def test_scheme_whose_maxima_disagree_with_its_criteria(tmp_path):
    (tmp_path / "criteria").mkdir()
    (tmp_path / "criteria" / "t.yaml").write_text(TREE_YAML, encoding="utf-8")
    scheme = tmp_path / "s.yaml"
    scheme.write_text(SCHEME, encoding="utf-8")
    with pytest.raises(SchemeError) as exc:
        load_scheme(scheme)
    assert f'{scheme}, line 7, field "criteria": "criteria/t.yaml" gives C1 3 points (the sum of its areas\' ' \
           "maxima), but max_points gives 4 (expected them equal)" in str(exc.value)


def test_scheme_whose_criteria_file_is_faulty_names_both(tmp_path):
    (tmp_path / "criteria").mkdir()
    (tmp_path / "criteria" / "t.yaml").write_text(TREE_YAML.replace("max: 3, rule: free", "max: 3"),
                                                  encoding="utf-8")
    scheme = tmp_path / "s.yaml"
    scheme.write_text(SCHEME.replace("C1: 4", "C1: 3"), encoding="utf-8")
    with pytest.raises(SchemeError) as exc:
        load_scheme(scheme)
    assert f'{scheme}, line 7, field "criteria": "criteria/t.yaml" cannot be used: ' in str(exc.value)
    assert 't.yaml, criterion "2.1", field "rule": is missing' in str(exc.value)


def test_scheme_with_inline_criteria(tmp_path):
    spec = yaml.safe_load(SCHEME.replace("C1: 4", "C1: 3"))
    spec["criteria"] = yaml.safe_load(TREE_YAML)
    path = tmp_path / "inline.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    scheme = load_scheme(path)
    assert scheme.max_points == {"C1": 3.0, "C3": 3.0} and scheme.criteria.leaves()[0].code == "1.1"


def test_the_examples_are_valid():
    for name in ("criteria-template.yaml", "criteria-template.csv", "criteria-template.xlsx"):
        tree = load_criteria(ROOT / "examples" / name)
        assert tree.maxima() == {"C1": 6.0, "C3": 4.0, "C5": 10.0}, name
        assert [c.rule.kind for c in tree.leaves()] == ["steps", "bands", "binary", "free", "bands", "steps"], name
        assert tree.partial and [c.code for c in tree.unpublished()] == ["3"], name
    scheme = load_scheme(ROOT / "examples" / "criteria-scheme-template.yaml")
    assert scheme.criteria.title_vi.startswith("PHỤ LỤC") and scheme.max_points["C5"] == 10


# -- validation: every problem located -------------------------------------------------------------------

TREE_YAML = """
name: t
criteria:
  - {code: "1", name_vi: Chỉ đạo điều hành, max: 3}
  - {code: "1.1", name_vi: Kế hoạch, max: 1, rule: "Có: 1; Không: 0"}
  - {code: "1.2", name_vi: Thực hiện kế hoạch, max: 2, rule: "Trên 90%: 2; Từ 70% - 90%: 1; Dưới 70%: 0"}
  - {code: "2", name_vi: Cải cách thủ tục hành chính, max: 3}
  - {code: "2.1", name_vi: Hồ sơ đúng hạn, max: 3, rule: free}
"""


def _items() -> list[dict]:
    return yaml.safe_load(TREE_YAML)["criteria"]


def _errors(items, file="t.yaml") -> str:
    with pytest.raises(CriteriaError) as exc:
        tree_from_spec({"criteria": items}, file)
    return str(exc.value)


def test_areas_map_to_components_by_name():
    tree = tree_from_spec({"criteria": _items()}, "t.yaml")
    assert [a.component for a in tree.areas] == ["C1", "C3"]


@pytest.mark.parametrize("change, message", [
    (lambda i: i.append({"code": "1.1", "name_vi": "Lặp", "max": 1, "rule": "free"}),
     't.yaml, criterion "1.1", field "code": "1.1" repeats a code already given'),
    (lambda i: i.append({"code": "3.1", "name_vi": "Mồ côi", "max": 1, "rule": "free"}),
     't.yaml, criterion "3.1", field "parent": "3" is not a criterion of this file'),
    (lambda i: i[0].update(max=4),
     't.yaml, criterion "1", field "max": "4" is more than the sum of its sub-criteria\'s maxima 3 (1.1, 1.2'),
    (lambda i: i[0].update(max=2),
     't.yaml, criterion "1", field "max": "2" is less than the sum of its sub-criteria\'s maxima 3'),
    (lambda i: i[4].pop("rule"), 't.yaml, criterion "2.1", field "rule": is missing'),
    (lambda i: i[1].update(rule="Tốt: 2; Kém: 0"),
     't.yaml, criterion "1.1", field "rule": "Tốt: 2; Kém: 0" gives 2 points, outside 0–1'),
    (lambda i: i[1].update(rule={"kind": "steps", "steps": [{"points": 0.5}, {"points": 0}]}),
     'criterion "1.1", field "rule": "{\'kind\': \'steps\', \'steps\': [{\'points\': 0.5}, {\'points\': 0}]}" '
     "never gives the maximum 1"),
    (lambda i: i[2].update(rule="Từ 90% trở lên: 2; Từ 70% - 90%: 1; Dưới 70%: 0"),
     't.yaml, criterion "1.2", field "rule": "Từ 90% trở lên: 2; Từ 70% - 90%: 1; Dưới 70%: 0" has bands that '
     'overlap'),
    (lambda i: i[3].update(name_vi="Lĩnh vực lạ"),
     't.yaml, criterion "2", field "component": "Lĩnh vực lạ" does not name a component'),
    (lambda i: i[3].update(component="C9"), 't.yaml, criterion "2", field "component": "C9" is not a component code'),
    (lambda i: i[4].update(component="C5"),
     't.yaml, criterion "2.1", field "component": "C5" differs from its area\'s component C3'),
    (lambda i: i[0].update(rule="free"), 't.yaml, criterion "1", field "rule": "free" is given on a criterion that '
                                         "has sub-criteria"),
    (lambda i: i[1].update(code=1.1), 't.yaml, field "code": "1.1" is a number in YAML (expected the code in quotes'),
    (lambda i: i[4].update(max="ba"), 't.yaml, criterion "2.1", field "max": "ba" is not a number of points'),
    (lambda i: i[4].update(weight=2), 't.yaml, criterion "2.1", field "weight": "2" is not a field of a criterion'),
])
def test_every_fault_is_located(change, message):
    items = _items()
    change(items)
    assert message in _errors(items)


def test_all_faults_at_once():
    items = _items()
    items[0]["max"] = 4
    items[4].pop("rule")
    text = _errors(items)
    assert text.endswith("(2 problems in all)") and len(text.splitlines()) == 3  # the first line is a problem


def test_incomplete_and_capped_parents_say_why():
    items = _items()
    items[0].update(max=5, incomplete="1.3 not published")
    tree = tree_from_spec({"criteria": items}, "t.yaml")
    assert tree.partial and tree["1"].incomplete == "1.3 not published"
    items = _items()
    items[0].update(max=2, capped="points above 2 are not counted")
    assert not tree_from_spec({"criteria": items}, "t.yaml").partial


SHEET_HEADER = ["STT/Mã", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Cách chấm/Thang điểm", "Đơn vị chủ trì",
                "Ghi chú"]


def _sheet(tmp_path: Path, rows: list[list[object]], name="tieu_chi.xlsx", title=True) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Phụ lục"
    if title:
        sheet.append(["BỘ TIÊU CHÍ CẤP XÃ (thử)"])
        sheet.merge_cells("A1:F1")
    sheet.append(SHEET_HEADER)
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / name)
    return tmp_path / name


SHEET_ROWS = [
    ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", 3, None, "Văn phòng HĐND và UBND xã"],
    ["1.1.", "Ban hành kế hoạch CCHC năm", 1, "Ban hành kịp thời: 1; Ban hành không kịp thời: 0,5; Không ban hành: 0"],
    ["1.2.", "Mức độ thực hiện kế hoạch", 2, "Thực hiện trên 90% kế hoạch: 2;"],
    [None, None, None, "Thực hiện từ 70% - 90% kế hoạch: 1; Dưới 70% kế hoạch: 0"],  # the rule wraps over 2 rows
    ["II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 2, None, "Trung tâm Phục vụ hành chính công xã"],
    ["2.1", "Hồ sơ giải quyết đúng hạn", 2, "Chấm từ 0 đến 2 điểm"],
    [None, "Tổng cộng", 5],
]


def test_spreadsheet_tree_as_decisions_print_it(tmp_path):
    tree = load_criteria(_sheet(tmp_path, SHEET_ROWS))
    assert tree.codes == ["1", "1.1", "1.2", "2", "2.1"] and tree.title_vi == "BỘ TIÊU CHÍ CẤP XÃ (thử)"
    assert tree["1.2"].rule.kind == "bands" and tree.levels("1.2") == (0.0, 1.0, 2.0)
    assert tree["2.1"].lead_units == "Trung tâm Phục vụ hành chính công xã" and tree.maxima() == {"C1": 3, "C3": 2}


def test_spreadsheet_faults_name_sheet_row_code_and_column(tmp_path):
    rows = [list(r) for r in SHEET_ROWS]
    rows[1][3] = "Ban hành kịp thời - 1 điểm"
    rows[5][2] = 3
    text = str(pytest.raises(CriteriaError, load_criteria, _sheet(tmp_path, rows)).value)
    assert (f'{tmp_path.name}/tieu_chi.xlsx, sheet "Phụ lục", row 4, criterion "1.1", column "Cách chấm/Thang điểm": '
            '"Ban hành kịp thời - 1 điểm" cannot be read') in text
    assert 'sheet "Phụ lục", row 7, criterion "2", column "Điểm tối đa": "2" is less than the sum of its ' \
           "sub-criteria's maxima 3" in text


def test_spreadsheet_note_declares_a_parent_that_does_not_add_up(tmp_path):
    rows = [list(r) for r in SHEET_ROWS]
    rows[0][2] = 5
    rows[0].append("Tiêu chí 1.3 (2 điểm) chưa công bố")  # in "Ghi chú"
    tree = load_criteria(_sheet(tmp_path, rows, "note.xlsx"))
    assert tree.partial and tree["1"].incomplete == "Tiêu chí 1.3 (2 điểm) chưa công bố"


def test_csv_tree_with_semicolons_and_wrapped_rules(tmp_path):
    path = tmp_path / "tc.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(SHEET_HEADER)
        # Excel writes every column of every row
        writer.writerow(["1", "Chỉ đạo, điều hành CCHC", "2", "", "Văn phòng", ""])
        writer.writerow(["1.1", "Kế hoạch", "2", "Ban hành kịp thời: 2;\nBan hành chậm: 1;\nKhông ban hành: 0", "", ""])
    tree = load_criteria(path)
    assert tree.levels("1.1") == (0.0, 1.0, 2.0) and tree["1"].component == "C1"


def test_unknown_tree_names_the_shipped_ones():
    with pytest.raises(CriteriaError, match="ca-mau-1880-2013, illustrative-commune"):
        load_criteria("tinh-y")


# -- parindex criteria: a province checks its own tree before naming it in a scheme ---------------------


def test_the_command_describes_a_valid_tree(capsys):
    assert main(["criteria", "illustrative-commune"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("illustrative-commune.yaml: bộ tiêu chí hợp lệ — 11 lĩnh vực, 58 tiêu chí và tiêu chí "
                           "thành phần, 41 được chấm điểm; tổng điểm tối đa 100 điểm.")
    assert "Bộ tiêu chí MINH HỌA (được tạo ra, không phải số liệu thật)." in out
    assert "  10. Điểm thưởng → BONUS: tối đa 2 điểm, ngoài tổng điểm tối đa; 2 tiêu chí" in out
    assert out[-1] == ("Cách chấm: 10 có/không; 10 theo mức; 14 theo ngưỡng của một giá trị đo được; 7 tự do từ 0 "
                       "đến điểm tối đa.")
    assert main(["criteria", "ca-mau-1880-2013", "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["partial"], summary["unpublished"], summary["maximum"]) == (True, ["1.3"], 20.0)
    assert summary["areas"] == [{"code": "1", "name_vi": "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC",
                                 "name_en": "Direction and management of administrative reform", "component": "C1",
                                 "max_points": 20.0, "leaves": 6}]


def test_the_command_locates_every_fault_of_a_tree(tmp_path, capsys):
    path = tmp_path / "tinh-x.yaml"
    path.write_text('criteria:\n  - {code: "1", name_vi: Chỉ đạo, max: 3, component: C1}\n'
                    '  - {code: "1.1", name_vi: Kế hoạch, max: 1, rule: "Có: 2; Không: 0"}\n'
                    '  - {code: "1.2", name_vi: Báo cáo, max: 1}\n', encoding="utf-8")
    assert main(["criteria", str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("parindex: error: ")
    assert 'tinh-x.yaml, criterion "1", field "max": "3" is more than the sum of its sub-criteria\'s maxima 2' in err
    assert 'criterion "1.1", field "rule": "Có: 2; Không: 0" gives 2 points, outside 0–1' in err
    assert 'criterion "1.2", field "rule"' in err and "is missing (expected the scoring rule" in err
