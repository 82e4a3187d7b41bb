"""The model's errors on a Vietnamese command: every fault of the hostile-scheme corpus, and the faults of units,
the index, lineage, components, bands and the standard table, said in Vietnamese with no English left (file names,
fields, codes and the values a user wrote stay as written)."""

from __future__ import annotations

import pandas as pd
import pytest
from hostile_kit import HEADER, first_line, good_rows, run_cli
from test_hostile_schemes import CORPUS, NAME, scheme_text
from test_language import COMMON_ENGLISH, _words, english_in

from conftest import UNIT
from parindex_lib.errors import ParindexError, SchemeError
from parindex_lib.model.components import all_codes, component_of
from parindex_lib.model.index import PARIndex
from parindex_lib.model.lineage import empty_lineage, history
from parindex_lib.model.schema import LEVELS, validate
from parindex_lib.model.scheme_fields import SCHEME_FIELDS
from parindex_lib.model.schemes import load_scheme
from parindex_lib.model.units import resolve_unit
from parindex_lib.present.i18n import catalogue, say, say_error
from parindex_lib.standardise import write_processed

#: Words a scheme's faults may show as written: its fields, the codes and levels a field accepts.
SCHEME_WORDS = {w.lower() for w in [*SCHEME_FIELDS, *all_codes(), *LEVELS, "true", "false", "null"]}


@pytest.fixture(scope="module")
def english() -> set[str]:
    """English words, as tests/test_language.py's fixture of that name finds them."""
    vi = set().union(*(_words(v) for v in catalogue()["vi"].values()))
    return (set().union(*(_words(v) for v in catalogue()["en"].values())) | COMMON_ENGLISH) - vi


@pytest.fixture()
def project(tmp_path):
    """A raw folder with one small table, a schemes folder, and where standardise writes (as in the corpus's
    own test)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "xa.csv").write_text(HEADER + good_rows(), encoding="utf-8")
    folder = tmp_path / "schemes"
    folder.mkdir()
    return raw, folder, tmp_path / "out"


def _no_english(text: str, english: set[str], written: str = "") -> set[str]:
    """English words in ``text`` besides what the user wrote (``written``) and the scheme's own words."""
    return english_in(text, english, SCHEME_WORDS | _words(written))


@pytest.mark.parametrize("case, filename, content, field, value, fragment", CORPUS, ids=[c[0] for c in CORPUS])
def test_a_hostile_scheme_is_said_in_vietnamese(project, capsys, english, case, filename, content, field, value,
                                                fragment):
    raw, folder, out = project
    path = folder / filename
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    code, _, err = run_cli(["standardise", str(raw), "--out", str(out), "--schemes", str(folder)], capsys)
    assert code == 2, err
    line = first_line(err)
    assert line.startswith(f"parindex: lỗi: {path}"), line
    if field is not None:
        assert f'trường "{field}"' in line, line
    if value is not None:
        assert f'"{value}"' in line, line
    written = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    assert _no_english(err.replace(str(path), ""), english, written[:2000]) == set(), err


@pytest.mark.parametrize("case, expected", [
    ("year 1999", 'dòng 4, trường "years": "1999" không phải là một năm có thể có của PAR INDEX (cần một năm từ '
                  "2012 đến 2100)"),
    ("maximum negative", 'dòng 6, trường "max_points.APPRAISAL": "-70" là số âm (cần một số điểm dương, hoặc null '
                         "khi quyết định chưa công bố, ví dụ 10 hoặc 10,5)"),
    ("title missing", 'trường "title_vi": còn thiếu (cần tên gọi bằng tiếng Việt, như trong quyết định)'),
    ("key twice", 'dòng 12, trường "level": lặp lại khóa "level" (dòng 3 và 12; mỗi khóa chỉ được ghi một lần)'),
    ("empty file", "để trống (cần một phương pháp tính: name, level, years, source, max_points…; xem "
                   "examples/scheme-template.yaml)"),
])
def test_the_first_line_in_vietnamese(project, capsys, case, expected):
    raw, folder, out = project
    _, filename, content, *_ = next(c for c in CORPUS if c[0] == case)
    path = folder / filename
    path.write_text(content, encoding="utf-8")
    code, _, err = run_cli(["standardise", str(raw), "--out", str(out), "--schemes", str(folder)], capsys)
    assert code == 2
    separator = ": " if case == "empty file" else ", "
    assert first_line(err) == f"parindex: lỗi: {path}{separator}{expected}"


def test_every_fault_of_a_file_in_vietnamese_in_line_order(tmp_path, english):
    path = tmp_path / f"{NAME}.yaml"
    path.write_text(scheme_text(level="level: planet\n", years="years: 1999\n")
                    + "adjustments2: {BONUS: 5}\ntotal_points: abc\n", encoding="utf-8")
    with pytest.raises(SchemeError) as err:
        load_scheme(path)
    lines = say_error(err.value, "vi").splitlines()
    assert 'dòng 3, trường "level"' in lines[0] and lines[1] == "  (tệp này còn 3 lỗi khác)"
    assert 'dòng 4, trường "years"' in lines[2] and 'dòng 12, trường "adjustments2"' in lines[3]
    assert lines[4] == (f'  {path}, dòng 13, trường "total_points": "abc" không phải là số (cần một số điểm dương, '
                        "ví dụ 10 hoặc 10,5)")
    assert _no_english("\n".join(lines).replace(str(path), ""), english, "planet adjustments2 abc") == set()
    assert str(err.value).splitlines()[1] == "  (3 more problem(s) in this file)"  # the English as before


def test_a_scheme_asked_for_that_cannot_be_used_in_vietnamese(shipped, tmp_path, capsys, english):
    write_processed(shipped, tmp_path)
    base = ["lift", "--unit", UNIT, "--year", "2023", "--scores", str(tmp_path / "scores.csv")]
    code, _, err = run_cli([*base, "--scheme", "provincial-2016"], capsys)
    assert code == 2 and first_line(err).startswith(
        'parindex: lỗi: phương pháp tính "provincial-2016" dành cho cấp tỉnh, không dùng cho cấp huyện; hãy dùng '
        "một phương pháp tính cấp huyện (hiện có: ")
    code, _, err = run_cli([*base, "--scheme", "Equal-9"], capsys)
    assert code == 2 and first_line(err).startswith(
        'parindex: lỗi: không có phương pháp tính "Equal-9" (có phải là "equal-9"? hiện có: ')
    code, _, err = run_cli([*base, "--scheme", "equal-9.yaml"], capsys)
    assert first_line(err) == ('parindex: lỗi: equal-9.yaml: tệp phương pháp tính không tồn tại (có phải là phương '
                               'pháp tính "equal-9"? phương pháp tính được chọn theo tên, không có .yaml)')
    code, _, err = run_cli([*base, "--schemes", str(tmp_path / "nope")], capsys)
    assert code == 2 and "thư mục không tồn tại" in first_line(err)
    code, _, err = run_cli([*base, "--unit", "Không Có", "--level", "xã"], capsys)
    assert code == 2 and first_line(err).startswith(
        'parindex: lỗi: không có kết quả thực tế nào của đơn vị "Không Có" ở cấp xã (các đơn vị trong dữ liệu: ')
    assert _no_english(err, english) == set(), err


@pytest.fixture(scope="module")
def vi():
    """An error of the library as a Vietnamese command prints it."""
    def said(call) -> str:
        with pytest.raises((ParindexError, ValueError)) as caught:
            call()
        exc = caught.value
        return say_error(exc, "vi") if isinstance(exc, ParindexError) else say(exc.reason, "vi")
    return said


def test_units_index_lineage_and_components_in_vietnamese(shipped, idx, vi, english):
    two = pd.DataFrame({"unit": ["Lai Châu", "Lai Châu"], "level": ["province", "district"]})
    said = {
        "ambiguous": vi(lambda: resolve_unit(two, "lai chau")),
        "level": vi(lambda: resolve_unit(two, "Lai Châu", "vùng núi")),
        "outside": vi(lambda: idx.scenario(C6=120)),
        "not in scheme": vi(lambda: idx.scenario(C99=50)),
        "bound": vi(lambda: PARIndex.from_scores(shipped.scores, UNIT, 2023, bound="gte")),
        "rule": vi(lambda: history(shipped.scores, empty_lineage(), UNIT, "district", rule="median")),
        "component": vi(lambda: component_of("Cải cách tổ chức bộ máy hành chính nhà nước xyz")),
        "several": vi(lambda: component_of("Cải cách")),
    }
    assert said["ambiguous"] == ('có nhiều đơn vị tên "lai chau": Lai Châu (cấp tỉnh); Lai Châu (cấp huyện). Hãy '
                                 "chọn bằng --level (hoặc ghi đúng tên)")
    assert said["outside"] == "C6 = 120 nằm ngoài khoảng 0–100"
    assert said["bound"] == ('không xác định được cách so với mục tiêu "gte" (cần ge: từ mức mục tiêu trở lên, '
                             "hoặc gt: trên mức mục tiêu)")
    assert said["rule"] == 'không xác định được quy tắc "median" (cần mean, weights hoặc none)'
    assert said["not in scheme"].startswith('"C99" không phải là chỉ số của phương pháp tính "equal-9"')
    assert said["several"].startswith("khớp với nhiều chỉ số: ")
    for name, text in said.items():
        assert _no_english(text, english, "lai chau vùng núi gte median mean weights none") == set(), (name, text)


def test_bands_and_a_scheme_in_use_in_vietnamese(tmp_path, vi, english):
    bands = ("bands:\n  source: ''\n  classes:\n    - {code: A, vi: Tốt, en: Good, from: 90}\n"
             "    - {code: B, vi: Khá, en: Fair, from: sáu mươi}\n")
    path = tmp_path / f"{NAME}.yaml"
    path.write_text(scheme_text() + bands, encoding="utf-8")
    faults = vi(lambda: load_scheme(path))
    assert "chưa có source (cần quyết định hoặc trang đã công bố các ngưỡng)" in faults
    assert 'loại thứ 2 (B): from = "sáu mươi" (cần một ngưỡng từ 0 đến 100)' in faults
    path.write_text(scheme_text(max_points="max_points: {APPRAISAL: 70, SURVEY: null}\n"), encoding="utf-8")
    scheme = load_scheme(path)
    incomplete = vi(scheme.weights)
    assert incomplete.startswith(f'phương pháp tính "{NAME}" chưa đầy đủ: chưa biết điểm tối đa của SURVEY nên '
                                 "không tính được tổng điểm.")
    above = vi(lambda: load_scheme("provincial-2024").adjustment_pct({"BONUS": 99.5}))
    for text in (faults.replace(str(path), ""), incomplete, above):
        assert _no_english(text, english, "good fair") == set(), text


def test_the_standard_table_in_vietnamese(scores, vi, english):
    bad = scores.head(3).copy()
    bad.loc[bad.index[0], "value_pct"] = 130.0
    bad.loc[bad.index[1], "period"] = "Q9"
    text = vi(lambda: validate(bad, "scores.csv"))
    assert '"130.0" nằm ngoài khoảng 0–100 (cần một tỷ lệ phần trăm)' in text or \
        '"130" nằm ngoài khoảng 0–100 (cần một tỷ lệ phần trăm)' in text, text
    assert "không phải là kỳ (cần một trong các kỳ: " in text
    assert _no_english(text, english) == set(), text
