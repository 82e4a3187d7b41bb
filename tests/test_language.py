"""Nothing English on a Vietnamese run: on screen (summary, units not reported and why, failures, progress) and in
the pages. Reasons are data (a message key and values), said in the run's language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from error_sites import causes, english_only

from conftest import PLAN_TSV, ROOT
from parindex_lib.batch.execute import BatchSummary, Outcome, Task
from parindex_lib.cli import main
from parindex_lib.errors import InputError, MethodError, ParindexError, Problem, Reason, because
from parindex_lib.present.i18n import LANGS, catalogue, check_lang, say, say_error

#: Words a Vietnamese reader must never meet, beyond those of the catalogue's English texts.
COMMON_ENGLISH = set("""
the and not with without for from this that which only has have had was were are cannot could would should
page pages unit units error errors failed failure written write reported report reports notebook cell kernel worker
data total totals scheme schemes level district province commune department national region target targets points
point maximum maxima results result available none lacks needs gives published publish warning traceback file files
folder run running never died lost timeout started reset rendering because missing unknown expected found value
""".split())
#: Not words: file names and identifiers (scheme names, parameter names) are shown as they are typed.
IDENTIFIER = re.compile(r"[\w./]+\.(?:csv|tsv|txt|xlsx|docx|yaml|ipynb|html)\b|\b[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+\b")


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}


@pytest.fixture(scope="module")
def english() -> set[str]:
    """English words: the catalogue's English texts and common words, less any word its Vietnamese texts use
    (SIPAS, PAR INDEX, HTML…)."""
    vi = set().union(*(_words(v) for v in catalogue()["vi"].values()))
    return (set().union(*(_words(v) for v in catalogue()["en"].values())) | COMMON_ENGLISH) - vi


def english_in(text: str, english: set[str], names: set[str] = frozenset()) -> set[str]:
    """The English words in ``text`` (identifiers and the data's own names aside)."""
    return {w for w in re.findall(r"[A-Za-z]{3,}", IDENTIFIER.sub(" ", text)) if w.lower() in english - names}


def visible_text(path: Path) -> str:
    """What a reader sees of a page: no style, no script, and no code (file names, parameters as typed)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["style", "script", "code"]):
        tag.decompose()
    return soup.get_text(" ")


@pytest.fixture(scope="module")
def vietnamese_run(tmp_path_factory):
    """`parindex run` in Vietnamese on the plan's district, a province the data cannot total and a commune with
    no result for the year: what it printed and where its pages are."""
    tmp = tmp_path_factory.mktemp("vi")
    raw = tmp / "raw"
    raw.mkdir()
    for name in (PLAN_TSV.name, "tam_duong_2024_phu_luc_phan_cong.tsv", "manifest.yaml",
                 "illustrative_tam_duong_2024_quarterly.csv"):
        (raw / name).write_bytes((ROOT / "data" / "raw" / name).read_bytes())
    (raw / "others.csv").write_text(
        "unit,level,year,period,component,kind,value_pct\n"
        "Long An,province,2024,FY,SIPAS,actual,\"82,1%\"\n"
        "Xã Thử,commune,2024,Q1,TOTAL,actual,\"71,5%\"\n", encoding="utf-8")
    return tmp, raw


@pytest.mark.notebook
def test_a_vietnamese_run_prints_and_writes_no_english(vietnamese_run, english, capsys):
    tmp, raw = vietnamese_run
    code = main(["run", "--raw", str(raw), "--out", str(tmp / "reports"), "--processed", str(tmp / "p"),
                 "--year", "2024", "--workers", "1"])
    screen = capsys.readouterr()
    screen = screen.out + screen.err
    assert code == 0, screen
    names = _words("Long An Xã Thử Tam Đường")
    assert f"Đã ghi 4/4 trang vào {tmp / 'reports' / '2024-FY'}" in screen
    assert ("không báo cáo: Long An (tỉnh): Long An năm 2024 không có tổng điểm báo cáo (dữ liệu chỉ có SIPAS) và "
            "không tính được tổng từ các chỉ số thành phần: phương pháp «provincial-2024» không công bố điểm tối "
            "đa của C1, C2, C6, C7 và dữ liệu không có điểm kèm điểm tối đa") in screen
    assert "không báo cáo: Xã Thử (xã): Xã Thử không có kết quả năm 2024 (chỉ có: Q1/2024)" in screen
    assert "trang: 100%" in screen  # the progress bar
    assert english_in(screen, english, names) == set(), screen
    pages = sorted((tmp / "reports" / "2024-FY").rglob("*.html"))
    assert len(pages) == 5
    for page in pages:
        text = visible_text(page)
        assert english_in(text, english, names) == set(), (page.name, english_in(text, english, names))
    index = visible_text(tmp / "reports" / "2024-FY" / "index.html")
    assert "Xã Thử không có kết quả năm 2024 (chỉ có: Q1/2024)" in " ".join(index.split())


def test_failures_are_framed_in_the_run_language(english):
    """A page's own error stays as Python wrote it (an analyst quotes it); everything around it is Vietnamese,
    and the batch's own causes are said in Vietnamese."""
    task = Task("Xã A", "xa-a-1", "lift", Path("30_lift.ipynb"), {"lang": "vi"}, Path("/tmp"))
    summary = BatchSummary(Path("/r/2024-FY"), [
        Outcome(task, False, "RuntimeError: boom", 4, reason=Reason("page_error", {"error": "RuntimeError: boom"})),
        Outcome(task, False, "the kernel died while running this page; it was replaced",
                reason=Reason("kernel_died")),
        Outcome(task, False, "a cell ran longer than 600 s", reason=Reason("cell_timeout", {"seconds": 600.0})),
        Outcome(task, False, "the page was never run", reason=Reason("never_run")),
    ], index_error="không ghi được index.html: No space left on device", lang="vi")
    lines = summary.describe().splitlines()
    assert lines[0] == "Đã ghi 0/4 trang vào /r/2024-FY"
    assert lines[1] == "LỖI: Xã A, trang 30_lift.ipynb, ô 4: RuntimeError: boom"
    assert lines[3] == "LỖI: Xã A, trang 30_lift.ipynb: một ô chạy quá 600 giây (--cell-timeout); tiến trình tính " \
                       "toán đã được thay"
    framing = "\n".join(lines).replace("RuntimeError: boom", "").replace("No space left on device", "")
    assert english_in(framing, english) == set(), framing
    summary.lang = "en"
    english_line = "FAILED: unit 'Xã A', notebook 30_lift.ipynb, cell 4: RuntimeError: boom"
    assert summary.describe().splitlines()[1] == english_line


def test_every_reason_the_library_gives_is_said_in_both_languages():
    """Each ``reason_<code>`` the code raises exists in vi and en, and the model's reasons carry their values."""
    codes = set()
    for path in (ROOT / "parindex_lib").rglob("*.py"):
        codes |= set(re.findall(r'Reason\("(\w+)"', path.read_text(encoding="utf-8")))
    assert {"no_total", "no_results_in_period", "scheme_lacks_maxima", "kernel_died", "page_failed"} <= codes
    for lang in LANGS:
        assert {c for c in codes if f"reason_{c}" not in catalogue()[lang]} == set(), lang

    from parindex_lib.model.index import PARIndex
    from parindex_lib.standardise import standardise

    scores = standardise([PLAN_TSV], unit="Tam Đường", level="district").scores
    with pytest.raises(MethodError) as caught:
        PARIndex.from_scores(scores, "Tam Đường", 2024, "Q3")
    assert caught.value.reason.code == "no_results_in_period" and str(caught.value.reason) == str(caught.value)
    assert say(caught.value.reason, "vi") == "Tam Đường không có kết quả Q3/2024 (chỉ có: năm 2023)"
    assert say(caught.value.reason, "en") == "Tam Đường has no results for Q3/2024 (available: 2023)"


def test_every_cause_written_in_english_has_its_vietnamese_with_the_same_values():
    """Each ``because("code", "English {value}", value=…)`` in the library has ``reason_code`` in
    data/messages/errors, whose placeholders are values the call gives; no Vietnamese is left without its code."""
    written = causes()
    assert {"where_row", "where_column", "n_rows"} <= {c.code for c in written}
    vi = catalogue()["vi"]
    missing = sorted(f"{c.path.name}:{c.line} {c.code}" for c in written if f"reason_{c.code}" not in vi)
    assert missing == []
    fields = string.Formatter()
    for c in written:
        wanted = {f for _, f, _, _ in fields.parse(vi[f"reason_{c.code}"]) if f}
        assert c.open_values or wanted <= c.values, (c.path.name, c.line, c.code, wanted - c.values)
        assert c.text is None or c.placeholders() <= c.values | {"value"} or c.open_values, (c.path.name, c.line)
    errors_dir = ROOT / "parindex_lib" / "data" / "messages" / "errors"
    said = {key for path in errors_dir.glob("*.yaml")
            for key in yaml.safe_load(path.read_text(encoding="utf-8"))["vi"]}
    assert sorted(said - {f"reason_{c.code}" for c in written}) == []


def test_a_located_problem_is_said_in_the_command_language():
    empty = because("empty_expected", "is empty (expected {what})", what=because("what_scores_table", "a table"))
    same = [Problem("a.xlsx", row, "Năm", "x", empty, sheet="2024") for row in (3, 4, 5, 9)]
    error = InputError([*same, Problem("b.csv", None, None, "", "holds no rows")])
    assert say_error(error, "vi").splitlines() == [
        'a.xlsx, trang tính "2024", các dòng 3–5, 9, cột "Năm": "x" để trống (cần một bảng điểm) (4 dòng)',
        "  b.csv: holds no rows",  # a text without a cause stays as written (tests/error_sites.py lists them)
        "  (tổng cộng 5 lỗi)"]
    assert str(error).splitlines()[0] == \
        'a.xlsx, sheet "2024", rows 3–5, 9, column "Năm": "x" is empty (expected a table) (4 rows)'
    assert say_error(error, "en") == str(error)
    assert say(because("empty_expected", "is empty (expected {what})", what=0.025), "vi") == "để trống (cần 0,025)"
    assert say(Reason("where_row", {"row": 2.5}, "row 2.5"), "vi") == "dòng 2,5"  # numbers with the decimal comma
    with pytest.raises(ParindexError) as caught:  # a value may be named as say's own arguments are
        check_lang("fr")
    assert say_error(caught.value, "vi") == 'ngôn ngữ "fr" không được hỗ trợ (cần một trong: vi, en)'


def test_no_error_is_given_in_english_only():
    """Every error a user can meet carries its cause as data, said in the command's language (the static list of
    tests/error_sites.py: a raise with a text and no reason, a located problem with an English phrase, a parser's
    ValueError read as a message). The catalogue's own faults are a CatalogueError, said in English."""
    assert english_only() == []
